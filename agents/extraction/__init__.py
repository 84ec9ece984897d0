"""The claim fields read from a claim's text by deterministic rules."""

from agents.extraction.fields import DATE_PATTERN, POLICY_PATTERN, extract_fields, parse_amount
from agents.extraction.reading import read_claim_fields

__all__ = ["DATE_PATTERN", "POLICY_PATTERN", "extract_fields", "parse_amount", "read_claim_fields"]
