"""Shared vocabularies of the hold-out corpus.

The damage types, rule ids and regions come from ``docs/evaluation/corpus-format.md``; they
live in one place so that the facts, the wording and the truth never disagree about a name.
"""

from __future__ import annotations

GENERATOR = "claimflow-holdout"
VERSION = "1.0.0"

REGIONS: tuple[str, ...] = ("EU", "US", "APAC")

DAMAGE_TYPES: tuple[str, ...] = ("water", "fire", "storm", "theft", "glass", "collision", "other")

RULES: tuple[str, ...] = (
    "policy_exists",
    "region_matches",
    "policy_active",
    "damage_covered",
    "amount_within_limit",
    "reported_in_time",
    "no_duplicate",
)

# Which perils a believable account exists for, by the kind of thing insured.
ASSET_DAMAGES: dict[str, tuple[str, ...]] = {
    "home": ("water", "fire", "storm", "theft", "glass", "other", "collision"),
    "motor": ("collision", "glass", "theft", "fire", "storm", "other"),
}

# The rule an invalid claim fails, by the reason it was drawn for.
REASON_RULE: dict[str, str] = {
    "unknown_policy": "policy_exists",
    "policy_typo": "policy_exists",
    "before_start": "policy_active",
    "after_end": "policy_active",
    "not_covered": "damage_covered",
    "over_limit": "amount_within_limit",
    "wrong_currency": "amount_within_limit",
    "late_report": "reported_in_time",
    "duplicate": "no_duplicate",
}

# Shares of the invalid reasons among all claims (about 30 % invalid in all, 1 % duplicates).
REASON_SHARES: tuple[tuple[str, float], ...] = (
    ("unknown_policy", 0.035),
    ("policy_typo", 0.035),
    ("before_start", 0.025),
    ("after_end", 0.025),
    ("not_covered", 0.05),
    ("over_limit", 0.035),
    ("wrong_currency", 0.025),
    ("late_report", 0.06),
    ("duplicate", 0.01),
)

LANGUAGES: tuple[str, ...] = ("en", "de", "fr", "es")
