"""Business rules for a claim, and the overall confidence that decides auto-approval.

Pure functions: the validator agent looks the policy up and calls `evaluate`;
tests exercise every rule without infrastructure.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date

from agents.events import ClaimFields, RuleOutcome
from agents.policy_book import Policy


@dataclass(frozen=True)
class ClaimFacts:
    """What the rules look at: the extracted fields, the claim's region and its policy (if found)."""

    fields: ClaimFields
    region: str
    policy: Policy | None

    @property
    def incident_date(self) -> date | None:
        value = self.fields.incident_date.value
        try:
            return date.fromisoformat(value) if value else None
        except ValueError:
            return None


@dataclass(frozen=True)
class Rule:
    """A named business rule: `check` returns (passed, detail)."""

    rule_id: str
    description: str
    check: Callable[[ClaimFacts], tuple[bool, str]]


def _policy_exists(facts: ClaimFacts) -> tuple[bool, str]:
    number = facts.fields.policy_number.value
    if not number:
        return False, "no policy number found in the claim"
    if facts.policy is None:
        return False, f"policy {number} is not in the {facts.region} policy book"
    return True, f"policy {number} found in the {facts.region} policy book"


def _policy_active(facts: ClaimFacts) -> tuple[bool, str]:
    when, policy = facts.incident_date, facts.policy
    if policy is None:
        return False, "no policy to check"
    if when is None:
        return False, "no incident date found in the claim"
    if policy.start_date <= when <= policy.end_date:
        return True, f"{when} is within {policy.start_date}..{policy.end_date}"
    return False, f"{when} is outside the policy period {policy.start_date}..{policy.end_date}"


RULES: tuple[Rule, ...] = (
    Rule("policy_exists", "The policy exists in the claim's region", _policy_exists),
    Rule("policy_active", "The policy was active on the incident date", _policy_active),
)


def evaluate(facts: ClaimFacts) -> list[RuleOutcome]:
    """The outcome of every rule, in a stable order, for the report."""
    outcomes = []
    for rule in RULES:
        passed, detail = rule.check(facts)
        outcomes.append(
            RuleOutcome(rule_id=rule.rule_id, description=rule.description, passed=passed, detail=detail)
        )
    return outcomes


FAILED_RULE_CAP = 0.5


def overall_confidence(fields: ClaimFields, outcomes: list[RuleOutcome]) -> float:
    """The weakest field's confidence, capped well below auto-approval when any rule fails.

    A chain is as strong as its weakest link: one unsure field is enough to need a
    human, and a failed rule always does.
    """
    weakest = min(
        fields.policy_number.confidence, fields.incident_date.confidence, fields.damage_description.confidence
    )
    if any(not o.passed for o in outcomes):
        return round(min(weakest, FAILED_RULE_CAP), 4)
    return round(weakest, 4)
