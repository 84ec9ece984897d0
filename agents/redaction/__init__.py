"""PII redaction with typed placeholders, applied before any claim text travels or reaches an LLM."""

from agents.redaction.redactor import (
    PiiKind,
    RedactedSpan,
    Redaction,
    nino_is_valid,
    nric_is_valid,
    redact,
    warm,
)

__all__ = ["PiiKind", "RedactedSpan", "Redaction", "nino_is_valid", "nric_is_valid", "redact", "warm"]
