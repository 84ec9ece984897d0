"""Business rules as data, the overall confidence, and the decision it leads to."""

from agents.assessment.rules import (
    AUTO_APPROVED,
    DEFAULT_REPORTING_WINDOW_DAYS,
    NEEDS_REVIEW,
    RULES,
    ClaimFacts,
    LossKey,
    Rule,
    RuleSettings,
    Severity,
    decide_status,
    evaluate,
    explain_confidence,
    overall_confidence,
    rules_version,
)
from agents.assessment.settings import AssessmentSettings

__all__ = [
    "AUTO_APPROVED",
    "DEFAULT_REPORTING_WINDOW_DAYS",
    "NEEDS_REVIEW",
    "RULES",
    "AssessmentSettings",
    "ClaimFacts",
    "LossKey",
    "Rule",
    "RuleSettings",
    "Severity",
    "decide_status",
    "evaluate",
    "explain_confidence",
    "overall_confidence",
    "rules_version",
]
