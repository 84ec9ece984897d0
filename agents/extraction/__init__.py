"""The claim fields read from a claim's text by deterministic rules."""

from agents.extraction.fields import DATE_PATTERN, POLICY_PATTERN, extract_fields, parse_amount

__all__ = ["DATE_PATTERN", "POLICY_PATTERN", "extract_fields", "parse_amount"]
