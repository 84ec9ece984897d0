"""Validator rules and the confidence that decides auto-approval (no infrastructure)."""

from __future__ import annotations

from datetime import date

import pytest

from agents.events import ClaimFields, ExtractedField
from agents.policy_book import Clause, Policy
from agents.reporter import decide_status
from agents.rules import FAILED_RULE_CAP, ClaimFacts, evaluate, overall_confidence

POLICY = Policy(
    policy_number="POL-EU-2024-000042",
    region="EU",
    holder_name="A. Holder",
    start_date=date(2024, 1, 1),
    end_date=date(2024, 12, 31),
    product="home",
    coverages=["water", "fire"],
    limit=50000,
    currency="EUR",
    clauses=[Clause(clause_id="EU-HOME-WATER", title="Escape of water", text="...")],
)


def fields(number: str | None = "POL-EU-2024-000042", when: str | None = "2024-03-17", conf: float = 0.97):
    return ClaimFields(
        policy_number=ExtractedField(value=number, confidence=conf if number else 0.0),
        incident_date=ExtractedField(value=when, confidence=conf if when else 0.0),
        damage_description=ExtractedField(value="Burst pipe flooded the kitchen.", confidence=conf),
    )


def outcome(facts: ClaimFacts) -> dict[str, bool]:
    return {o.rule_id: o.passed for o in evaluate(facts)}


def test_a_known_active_policy_passes_every_rule():
    assert outcome(ClaimFacts(fields(), "EU", POLICY)) == {"policy_exists": True, "policy_active": True}


def test_a_policy_missing_from_the_region_fails_both_rules():
    result = evaluate(ClaimFacts(fields(), "EU", None))
    assert [o.passed for o in result] == [False, False]
    assert "not in the EU policy book" in result[0].detail


def test_no_policy_number_fails_with_a_reason():
    result = evaluate(ClaimFacts(fields(number=None), "EU", None))
    assert result[0].detail == "no policy number found in the claim"


@pytest.mark.parametrize(
    ("when", "active"),
    [("2024-01-01", True), ("2024-12-31", True), ("2023-12-31", False), ("2025-01-01", False), (None, False)],
)
def test_policy_active_on_the_incident_date_including_the_boundaries(when, active):
    assert outcome(ClaimFacts(fields(when=when), "EU", POLICY))["policy_active"] is active


def test_an_unparseable_date_is_not_active():
    assert outcome(ClaimFacts(fields(when="17/03/2024"), "EU", POLICY))["policy_active"] is False


def test_confidence_is_the_weakest_field_when_all_rules_pass():
    f = fields(conf=0.95).model_copy(update={"damage_description": ExtractedField(value="x", confidence=0.7)})
    assert overall_confidence(f, evaluate(ClaimFacts(f, "EU", POLICY))) == 0.7


def test_a_failed_rule_caps_confidence_below_auto_approval():
    f = fields(when="2025-06-01", conf=0.99)
    confidence = overall_confidence(f, evaluate(ClaimFacts(f, "EU", POLICY)))
    assert confidence == FAILED_RULE_CAP
    assert decide_status(confidence, 0.9) == "needs_review"


@pytest.mark.parametrize(
    ("confidence", "status"), [(0.9, "auto_approved"), (0.8999, "needs_review"), (1.0, "auto_approved")]
)
def test_the_review_threshold(confidence, status):
    assert decide_status(confidence, 0.9) == status
