"""The review's pure rules: why a claim is queued, QA draws, deadlines, what a decision does to a report."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from agents.reporter.handler import build_report
from agents.review import (
    InvalidDecision,
    check,
    corrections,
    deadline,
    is_qa_sample,
    normalise,
    revised_report,
    triage,
)
from tests.fixtures.review import corrected, decision, validated


def test_a_weak_field_and_a_failed_rule_are_both_reasons() -> None:
    report = build_report(validated("CLM-1", confidence=0.6, failed_rule="policy_active"), 0.9)
    why = triage(report)
    assert why.reasons == ("weak_field", "failed_rules")
    assert (why.weakest_field, why.weakest_confidence) == ("incident_date", 0.6)
    assert why.failed_rules == ("policy_active",)
    assert str(why.claimed_amount) == "4850.00" and why.currency == "EUR"
    assert why.amount_score == pytest.approx(3.686, abs=0.001)  # log10(4851)


def test_a_failed_rule_with_every_field_sure_is_not_a_weak_field() -> None:
    report = build_report(validated("CLM-1", confidence=0.97, failed_rule="no_duplicate"), 0.9)
    assert triage(report).reasons == ("failed_rules",)


def test_a_qa_sample_is_queued_for_the_sample_alone() -> None:
    report = build_report(validated("CLM-1", confidence=0.97), 0.9)
    assert triage(report, qa_sample=True).reasons == ("qa_sample",)
    assert triage({"fields": {}}).reasons == ("low_confidence",)  # a report with no basis still says why


def test_a_reassessment_of_a_decided_claim_is_queued_as_such_however_sure_the_machine_is() -> None:
    report = {**build_report(validated("CLM-1", confidence=0.97), 0.9), "decided_before": "declined"}
    assert triage(report).reasons == ("reassessed_after_decision",)


def test_the_qa_draw_is_stable_and_takes_about_the_share_asked() -> None:
    drawn = sum(is_qa_sample(f"CLM-{i}", 0.1) for i in range(20_000))
    assert 1800 < drawn < 2200
    assert [is_qa_sample(f"CLM-{i}", 0.1) for i in range(50)] == [
        is_qa_sample(f"CLM-{i}", 0.1) for i in range(50)
    ]
    assert not any(is_qa_sample(f"CLM-{i}", 0.0) for i in range(1000))
    assert all(is_qa_sample(f"CLM-{i}", 1.0) for i in range(1000))


def test_a_qa_sample_gets_the_longer_deadline() -> None:
    at = datetime(2025, 1, 1, tzinfo=UTC)
    assert deadline(at, qa_sample=False, sla_hours=24, qa_sla_hours=72) == at + timedelta(hours=24)
    assert deadline(at, qa_sample=True, sla_hours=24, qa_sla_hours=72) == at + timedelta(hours=72)


@pytest.mark.parametrize(
    ("field", "raw", "value"),
    [
        ("incident_date", " 2024-03-18 ", "2024-03-18"),
        ("claimed_amount", "4,850.5", "4850.50"),
        ("currency", "eur", "EUR"),
        ("damage_type", "Water", "water"),
        ("damage_description", "  a  pipe\nburst ", "a pipe burst"),
        ("policy_number", "", None),
    ],
)
def test_corrected_values_are_written_as_the_extractor_writes_them(
    field: str, raw: str, value: str | None
) -> None:
    assert normalise(field, raw) == value


@pytest.mark.parametrize(
    ("field", "raw", "message"),
    [
        ("incident_date", "18/03/2024", "YYYY-MM-DD"),
        ("claimed_amount", "lots", "amount"),
        ("claimed_amount", "-5", "amount"),
        ("currency", "EURO", "ISO 4217"),
        ("damage_type", "flood", "one of"),
        ("confidence", "1", "not a field"),
    ],
)
def test_an_invalid_correction_is_refused_with_the_field_named(field: str, raw: str, message: str) -> None:
    with pytest.raises(InvalidDecision, match=message):
        normalise(field, raw)


def test_only_changed_fields_are_corrections_and_respacing_is_not_one() -> None:
    report = build_report(validated("CLM-1"), 0.9)
    proposed = {
        "incident_date": "2024-03-18",
        "damage_description": "A pipe  burst in the kitchen",
        "currency": "eur",
        "claimed_amount": "4850",
    }
    assert corrections(report, proposed) == [corrected("incident_date", "2024-03-17", "2024-03-18")]


@pytest.mark.parametrize(
    ("action", "changes", "reason", "note", "message"),
    [
        ("correct_and_approve", [], None, None, "no field was changed"),
        ("decline", [], None, None, "reason code"),
        ("decline", [], "because", None, "reason code"),
        ("approve", [corrected("currency", "EUR", "USD")], None, None, "only taken with correct_and_approve"),
        ("approve", [], "not_covered", None, "only taken with a decline"),
        ("request_information", [], None, "  ", "needs a note"),
        ("escalate", [], None, None, "unknown decision"),
    ],
)
def test_a_decision_missing_what_its_action_needs_is_refused(action, changes, reason, note, message) -> None:
    with pytest.raises(InvalidDecision, match=message):
        check(action, corrected=changes, reason_code=reason, note=note)


def test_complete_decisions_pass() -> None:
    check("approve", corrected=[], reason_code=None, note=None)
    check("decline", corrected=[], reason_code="not_covered", note=None)
    check("request_information", corrected=[], reason_code=None, note="the repair invoice")
    check("correct_and_approve", corrected=[corrected("currency", "EUR", "USD")], reason_code=None, note=None)


def test_a_correction_keeps_the_machine_reading_as_a_candidate_and_records_the_decision() -> None:
    report = build_report(validated("CLM-1"), 0.9)
    made = decision(
        "CLM-1",
        action="correct_and_approve",
        corrections=[corrected("incident_date", "2024-03-17", "2024-03-18")],
    )
    revised = revised_report(report, made, revision=2)
    field = revised["fields"]["incident_date"]
    assert field["value"] == "2024-03-18" and field["confidence"] == 1.0
    assert field["candidates"][0] == "2024-03-17" and "2024-03-18" not in field["candidates"]
    assert field["evidence"] == "corrected by alice"
    assert revised["status"] == "approved"
    assert revised["review"]["corrections"] == [
        {"field": "incident_date", "before": "2024-03-17", "after": "2024-03-18"}
    ]
    assert revised["review"]["decision_id"] == made.event_id and revised["review"]["revision"] == 2
    assert revised["rules"] == report["rules"]  # the assessment's rule outcomes stay beside the correction
    assert (
        report["fields"]["incident_date"]["value"] == "2024-03-17"
    )  # the stored body is not changed in place


def _labelled(action: str, confidence: float, *, qa: bool = False, corrected: tuple[str, ...] = ()):  # type: ignore[no-untyped-def]
    from agents.review.feedback import Labelled

    return Labelled("CLM", "EU", action, frozenset(corrected), qa, confidence)


def test_reviewers_corrections_give_each_fields_accuracy_and_qa_samples_the_auto_approve_precision() -> None:
    from agents.review.feedback import field_accuracy, qa_precision

    decided = [
        _labelled("approve", 0.95, qa=True),
        _labelled("correct_and_approve", 0.93, qa=True, corrected=("incident_date",)),
        _labelled("decline", 0.97, qa=True),
        _labelled("correct_and_approve", 0.4, corrected=("incident_date", "claimed_amount")),
        _labelled("request_information", 0.3),
    ]
    accuracy = field_accuracy(decided)
    assert (accuracy["incident_date"].right, accuracy["incident_date"].total) == (1, 3)
    assert accuracy["claimed_amount"].value == pytest.approx(2 / 3) and accuracy["currency"].value == 1.0
    precision = qa_precision(decided)
    assert (precision.right, precision.total) == (1, 3)


def test_calibration_proposes_the_lowest_threshold_reaching_the_target_on_enough_claims() -> None:
    from agents.review.feedback import calibrate

    # Below 0.8 the machine was right every other time; from 0.8 up, every time.
    decided = [
        _labelled("approve", 0.5 + i / 100) if i % 2 else _labelled("decline", 0.5 + i / 100)
        for i in range(30)
    ]
    decided += [_labelled("approve", 0.8 + i / 1000) for i in range(60)]
    found = calibrate(decided, target=0.99, min_claims=50)
    # At 0.79 (right) 61 of 61 were right; at 0.78 (wrong) 61 of 62, under 99 %.
    assert (found.threshold, found.precision, found.above) == (0.79, 1.0, 61)
    assert calibrate(decided, target=0.99, min_claims=500).threshold is None  # too few reviewed claims
