"""Validator rules, policy resolution and the confidence that decides auto-approval (no infrastructure)."""

from __future__ import annotations

from datetime import date

import pytest

from agents.assessment import decide_status
from agents.assessment.rules import (
    FAILED_RULE_CAP,
    RULES,
    SEVERITY_CAP,
    ClaimFacts,
    LossKey,
    RuleSettings,
    Severity,
    evaluate,
    explain_confidence,
    overall_confidence,
)
from agents.events import ClaimFields, ExtractedField
from agents.stores import Clause, Policy

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


def _field(value: str | None, conf: float) -> ExtractedField:
    return ExtractedField(value=value, confidence=conf if value else 0.0)


def fields(
    number: str | None = "POL-EU-2024-000042",
    when: str | None = "2024-03-17",
    conf: float = 0.97,
    *,
    kind: str | None = "water",
    amount: str | None = "4850.00",
    currency: str | None = "EUR",
    reported: str | None = "2024-03-20",
) -> ClaimFields:
    return ClaimFields(
        policy_number=_field(number, conf),
        incident_date=_field(when, conf),
        damage_description=_field("Burst pipe flooded the kitchen.", conf),
        damage_type=_field(kind, conf),
        claimed_amount=_field(amount, conf),
        currency=_field(currency, conf),
        reported_on=_field(reported, conf),
    )


def facts(f: ClaimFields | None = None, policy: Policy | None = POLICY, **kw) -> ClaimFacts:
    return ClaimFacts(f or fields(), kw.pop("region", "EU"), policy, **kw)


def outcome(claim: ClaimFacts) -> dict[str, bool]:
    return {o.rule_id: o.passed for o in evaluate(claim)}


def detail(claim: ClaimFacts, rule_id: str) -> str:
    return next(o.detail for o in evaluate(claim) if o.rule_id == rule_id)


def test_rules_are_data_with_ids_descriptions_and_severities():
    ids = [r.rule_id for r in RULES]
    assert ids == [
        "policy_exists",
        "region_matches",
        "policy_active",
        "damage_covered",
        "amount_within_limit",
        "reported_in_time",
        "no_duplicate",
    ]
    assert all(r.description and isinstance(r.severity, Severity) for r in RULES)


def test_a_known_active_policy_passes_every_rule_in_declared_order():
    result = evaluate(facts())
    assert [o.rule_id for o in result] == [r.rule_id for r in RULES]
    assert all(o.passed for o in result), [o.detail for o in result if not o.passed]
    assert {o.severity for o in result} <= {s.value for s in Severity}


def test_a_policy_missing_from_the_region_fails_every_policy_rule():
    result = outcome(facts(policy=None))
    assert not any(result[r] for r in ("policy_exists", "region_matches", "policy_active", "damage_covered"))
    assert "not in the EU policy book" in detail(facts(policy=None), "policy_exists")


def test_no_policy_number_fails_with_a_reason():
    assert (
        detail(facts(fields(number=None), policy=None), "policy_exists")
        == "no policy number found in the claim"
    )


@pytest.mark.parametrize(
    ("when", "active"),
    [("2024-01-01", True), ("2024-12-31", True), ("2023-12-31", False), ("2025-01-01", False), (None, False)],
)
def test_policy_active_on_the_incident_date_including_the_boundaries(when, active):
    assert outcome(facts(fields(when=when, reported=None)))["policy_active"] is active


def test_an_unparseable_date_is_not_active():
    assert outcome(facts(fields(when="17/03/2024")))["policy_active"] is False


def test_a_number_no_book_of_the_region_holds_fails_the_region_rule_for_want_of_a_policy():
    claim = facts(fields(number="POL-US-2024-000042"), policy=None)
    assert outcome(claim)["region_matches"] is False
    assert "no policy" in detail(claim, "region_matches")


def test_a_policy_of_another_region_fails_the_region_rule():
    us_policy = POLICY.model_copy(update={"region": "US"})
    assert outcome(facts(fields(number="POL-EU-2024-000042"), policy=us_policy))["region_matches"] is False


@pytest.mark.parametrize(
    ("kind", "covered"), [("water", True), ("fire", True), ("theft", False), (None, False)]
)
def test_damage_type_must_be_covered(kind, covered):
    assert outcome(facts(fields(kind=kind)))["damage_covered"] is covered


@pytest.mark.parametrize(
    ("amount", "currency", "passed", "reason"),
    [
        ("49999.99", "EUR", True, "within the limit"),
        ("50000.00", "EUR", True, "within the limit"),
        ("50000.01", "EUR", False, "exceeds the limit"),
        ("100.00", "USD", False, "the policy pays in EUR"),
        ("100.00", None, False, "currency"),
        (None, "EUR", False, "no claimed amount"),
    ],
)
def test_amount_within_the_limit_in_the_policy_currency(amount, currency, passed, reason):
    claim = facts(fields(amount=amount, currency=currency))
    assert outcome(claim)["amount_within_limit"] is passed
    assert reason in detail(claim, "amount_within_limit")


@pytest.mark.parametrize(
    ("reported", "passed"),
    [("2024-03-17", True), ("2024-04-16", True), ("2024-04-17", False), ("2024-03-16", False)],
)
def test_reporting_window_from_the_report_date(reported, passed):
    assert outcome(facts(fields(reported=reported)))["reported_in_time"] is passed


def test_reporting_window_is_a_setting():
    claim = facts(fields(reported="2024-04-16"), settings=RuleSettings(reporting_window_days=7))
    assert outcome(claim)["reported_in_time"] is False


def test_without_a_report_date_the_rule_fails_and_never_takes_the_processing_time():
    claim = facts(fields(reported=None))
    assert outcome(claim)["reported_in_time"] is False
    assert "no report date" in detail(claim, "reported_in_time")


@pytest.mark.parametrize(
    ("received", "reported", "passed"),
    [
        # Received within the window: in time whatever the documents' date says, even a wrong one.
        (date(2024, 3, 25), "2024-05-30", True),
        (date(2024, 4, 16), None, True),
        # Received after the window: the documents' report date decides.
        (date(2024, 5, 1), "2024-03-20", True),
        (date(2024, 5, 1), "2024-04-30", False),
        # Received before the incident it reports: the receipt proves nothing, the documents decide.
        (date(2024, 3, 10), "2024-05-30", False),
    ],
)
def test_a_claim_received_within_the_window_was_reported_in_time(received, reported, passed):
    claim = facts(fields(reported=reported), received_on=received)
    assert outcome(claim)["reported_in_time"] is passed


def test_the_report_date_weighs_on_confidence_even_when_the_receipt_settles_the_window():
    """The report records the date, so an approval vouches for it, whichever date the rule rested on."""
    f = fields(conf=0.97)
    f = f.model_copy(update={"reported_on": ExtractedField(value="2024-03-20", confidence=0.5)})
    by_receipt = facts(f, received_on=date(2024, 3, 21))
    assert detail(by_receipt, "reported_in_time").startswith("received on 2024-03-21")
    assert overall_confidence(f, evaluate(by_receipt)) == 0.5
    assert explain_confidence(f, evaluate(by_receipt))["weakest_field"] == "reported_on"
    late = facts(f, received_on=date(2024, 6, 1))
    assert overall_confidence(f, evaluate(late)) == 0.5
    sure = f.model_copy(update={"reported_on": ExtractedField(value="2024-03-20", confidence=0.95)})
    assert overall_confidence(sure, evaluate(facts(sure, received_on=date(2024, 3, 21)))) == 0.95


@pytest.mark.parametrize(
    ("other", "same"),
    [
        (LossKey("P-1", date(2023, 6, 29), "water", "9.00", "EUR"), True),  # same day and kind
        (LossKey("P-1", date(2023, 6, 29), "fire", "9.00", "EUR"), False),  # same day, another loss
        (LossKey("P-1", date(2023, 7, 3), "storm", "5100.00", "EUR"), True),  # same amount, 4 days on
        (LossKey("P-1", date(2023, 7, 30), "water", "5100.00", "EUR"), False),  # 31 days on
        (LossKey("P-1", date(2023, 7, 3), "water", "5100.00", "USD"), False),  # another currency
        (LossKey("P-2", date(2023, 6, 29), "water", "5100.00", "EUR"), False),  # another policy
    ],
)
def test_a_claim_is_possibly_the_same_loss_as_another_by_date_and_kind_or_by_amount(
    other: LossKey, same: bool
) -> None:
    """Hold-out: a claim's first submission had its date of loss misread (needs review); its
    resubmission, read right, was approved, because duplicates were matched on the date alone."""
    claim = LossKey("P-1", date(2023, 6, 29), "water", "5100.00", "EUR")
    assert claim.same_loss(other, window_days=30) is same
    assert other.same_loss(claim, window_days=30) is same
    assert LossKey.of(fields(when=None)) is None


def test_a_duplicate_claim_fails_and_names_the_other_claim():
    claim = facts(duplicates=("CLM-7",))
    assert outcome(claim)["no_duplicate"] is False
    assert "CLM-7" in detail(claim, "no_duplicate")
    assert outcome(facts())["no_duplicate"] is True


def test_confidence_is_the_weakest_decisive_field_when_all_rules_pass():
    f = fields(conf=0.95).model_copy(
        update={"incident_date": ExtractedField(value="2024-03-17", confidence=0.7)}
    )
    assert overall_confidence(f, evaluate(facts(f))) == 0.7
    assert explain_confidence(f, evaluate(facts(f)))["weakest_field"] == "incident_date"


def test_the_description_decides_only_by_its_absence():
    # Where a letter's account ends is the reviewer's to judge, not a reason to hold the claim;
    # a claim that tells nobody what happened is.
    unsure = fields(conf=0.95).model_copy(
        update={"damage_description": ExtractedField(value="x", confidence=0.7)}
    )
    assert overall_confidence(unsure, evaluate(facts(unsure))) == 0.95
    missing = fields(conf=0.95).model_copy(update={"damage_description": ExtractedField()})
    assert overall_confidence(missing, evaluate(facts(missing))) == 0.0
    assert explain_confidence(missing, evaluate(facts(missing)))["weakest_field"] == "damage_description"


@pytest.mark.parametrize("name", ["damage_type", "claimed_amount", "currency", "reported_on"])
def test_every_new_field_counts_towards_confidence(name):
    f = fields(conf=0.97)
    f = f.model_copy(update={name: getattr(f, name).model_copy(update={"confidence": 0.6})})
    assert overall_confidence(f, evaluate(facts(f))) == 0.6


def test_a_claim_with_no_report_date_at_all_is_held_at_the_minor_cap():
    f = fields(reported=None)
    assert overall_confidence(f, evaluate(facts(f))) == SEVERITY_CAP[Severity.MINOR]


def test_a_failed_rule_caps_confidence_below_auto_approval():
    f = fields(when="2025-06-01", reported="2025-06-02", conf=0.99)
    outcomes = evaluate(facts(f))
    confidence = overall_confidence(f, outcomes)
    assert confidence == FAILED_RULE_CAP
    assert decide_status(confidence, 0.9) == "needs_review"
    assert explain_confidence(f, outcomes)["failed_rules"] == ["policy_active"]


@pytest.mark.parametrize("severity", list(Severity))
def test_every_severity_sends_the_claim_to_review(severity):
    assert SEVERITY_CAP[severity] < 0.9


def test_the_most_severe_failure_sets_the_cap():
    f = fields(conf=0.99)
    assert overall_confidence(f, evaluate(facts(f, policy=None))) == SEVERITY_CAP[Severity.CRITICAL]
    late = fields(conf=0.99, reported="2024-06-01")
    assert overall_confidence(late, evaluate(facts(late))) == SEVERITY_CAP[Severity.MINOR]


@pytest.mark.parametrize(
    ("confidence", "status"), [(0.9, "auto_approved"), (0.8999, "needs_review"), (1.0, "auto_approved")]
)
def test_the_review_threshold(confidence, status):
    assert decide_status(confidence, 0.9) == status
