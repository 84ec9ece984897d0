"""The claim fields read from a claim's text by deterministic rules."""

from agents.extraction.amounts import DOLLAR_CURRENCIES, find_amounts
from agents.extraction.fields import DATE_PATTERN, POLICY_PATTERN, extract_fields, parse_amount
from agents.extraction.reading import read_claim_fields

__all__ = [
    "DATE_PATTERN",
    "DOLLAR_CURRENCIES",
    "POLICY_PATTERN",
    "extract_fields",
    "find_amounts",
    "parse_amount",
    "read_claim_fields",
]
