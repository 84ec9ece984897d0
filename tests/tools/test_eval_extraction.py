"""`claimflow eval extraction`: scoring without infrastructure, and one tiny real run (no accuracy bars)."""

from __future__ import annotations

import dataclasses
import io
import json
from pathlib import Path
from typing import Any

import pytest
from rich.console import Console

from agents.tools.evals.corpus import TRUTH_KEY, LabelledClaim
from agents.tools.evals.extraction import EvalConfig, run_extraction_eval
from agents.tools.evals.extraction.output import CALIBRATION_PLOT, plot_calibration
from agents.tools.evals.extraction.scoring import (
    FIELDS,
    Outcome,
    calibration,
    field_correct,
    score,
    segment,
    summarise,
)
from tests.fixtures.pipeline import Pipeline

TRUTH = LabelledClaim(
    claim_id="SMP-1-00001",
    region="EU",
    documents=(Path("claims/claim-0001.pdf"),),
    received_at=None,
    expected={
        "policy_number": "POL-EU-2024-004417",
        "incident_date": "2024-03-17",
        "report_date": "2024-03-20",
        "damage_type": "water",
        "claimed_amount": "4850.00",
        "currency": "EUR",
        "damage_description": "A pipe burst under the kitchen sink.",
    },
    policy_in_book=True,
    report_date_source="document",
    expected_failed_rules=(),
    valid=True,
    tags={"kind": "digital", "hard": None, "clean": True},
)
WANT = {name: TRUTH.expected[TRUTH_KEY[name]] for name in FIELDS}


def claim(**changes: Any) -> LabelledClaim:
    return dataclasses.replace(TRUTH, **changes)


def outcome(status: str = "auto_approved", confidence: float = 0.95, **values: str | None) -> Outcome:
    return Outcome(
        values={name: values.get(name, WANT[name]) for name in FIELDS},
        confidences=dict.fromkeys(FIELDS, confidence),
        failed_rules=(),
        confidence=confidence,
        status=status,
    )


# --------------------------------------------------------------------------- scoring (unit)


@pytest.mark.parametrize(
    ("name", "got", "want", "right"),
    [
        ("claimed_amount", "4850", "4850.00", True),
        ("claimed_amount", "4850.01", "4850.00", False),
        (
            "damage_description",
            "A pipe burst under the kitchen  sink",
            "A pipe burst under the kitchen sink.",
            True,
        ),
        (
            "damage_description",
            "A pipe burst under the kitchen sink. My neighbour saw it all.",
            "A pipe burst.",
            False,
        ),
        ("policy_number", None, "POL-EU-2024-004417", False),
        ("policy_number", "hx-442 0197", "HX 442 019 7", True),  # case and separators are not the reading
        ("policy_number", "HX 442 019 8", "HX 442 019 7", False),
        ("incident_date", "2024-03-17", "2024-03-17", True),
    ],
)
def test_field_correct(name: str, got: str | None, want: str, right: bool) -> None:
    assert field_correct(name, got, want) is right


def test_segments() -> None:
    assert segment(TRUTH) == "clean digital"
    assert segment(claim(tags={"kind": "digital", "hard": "locale_dates", "clean": False})) == "hard digital"
    assert segment(claim(documents=(Path("a.pdf"), Path("b.pdf")))) == "multi-document"
    assert segment(claim(tags={"kind": "photo"})) == "photo"


def test_auto_approve_precision_counts_only_approved_claims_with_every_field_right() -> None:
    scored = [
        score(TRUTH, outcome()),
        score(TRUTH, outcome(incident_date="2024-03-18")),  # approved, one field wrong
        score(TRUTH, outcome("needs_review", 0.85, damage_type="fire")),
        score(claim(tags={"kind": "digital", "hard": "late_report", "clean": False},
                    expected_failed_rules=("reported_in_time",), valid=False), outcome("needs_review", 0.8)),
    ]  # fmt: skip
    summary = summarise(scored, 0.9)
    assert summary["claims"] == 4
    assert summary["auto_approve_precision"] == 0.5
    assert summary["review_share"]["overall"] == 0.5
    assert summary["review_share"]["clean_digital"] == pytest.approx(1 / 3, abs=1e-4)
    assert summary["review_share"]["should_be_flagged"] == 1.0
    assert summary["overall"]["field_accuracy"]["incident_date"] == 0.75
    assert summary["rule_confusion"]["reported_in_time"] == {"missed_failure": 1}
    assert sum(b["claims"] for b in summary["calibration"]) == 4
    assert summary["valid_auto_approved"] == {"digital": pytest.approx(2 / 3, abs=1e-4)}


def test_an_approval_of_an_invalid_claim_is_wrong_even_with_every_field_right() -> None:
    invalid = claim(expected_failed_rules=("policy_active",), valid=False)
    summary = summarise([score(TRUTH, outcome()), score(invalid, outcome())], 0.9)
    assert summary["auto_approve_precision"] == 0.5
    assert summary["overall"]["auto_approved_but_should_be_flagged"] == 1


def test_a_claim_under_a_number_the_book_lacks_needs_only_fail_policy_exists() -> None:
    unknown = claim(policy_in_book=False, expected_failed_rules=("policy_exists",), valid=False)
    failed = dataclasses.replace(
        outcome("needs_review", 0.3), failed_rules=("policy_exists", "region_matches", "policy_active")
    )
    assert score(unknown, failed).rules_as_expected
    assert not score(unknown, outcome("needs_review", 0.3)).rules_as_expected


def test_calibration_bins_cover_zero_to_one_inclusive() -> None:
    bins = calibration([score(TRUTH, outcome(confidence=c)) for c in (0.0, 0.3, 0.899, 0.9, 1.0)])
    by_low = {b["low"]: b["claims"] for b in bins}
    assert (
        by_low[0.0] == 1 and by_low[0.3] == 1 and by_low[0.85] == 1 and by_low[0.9] == 1 and by_low[0.95] == 1
    )


def test_calibration_plot_is_drawn_from_the_result_alone(tmp_path: Path) -> None:
    scored = [score(TRUTH, outcome(confidence=c)) for c in (0.5, 0.92, 0.97)]
    result = {"config": {"review_threshold": 0.9, "mode": "in-process"}, "summary": summarise(scored, 0.9)}
    plot_calibration(result, tmp_path / CALIBRATION_PLOT)
    assert (tmp_path / CALIBRATION_PLOT).read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"


# --------------------------------------------------------------------------- smoke (integration)

SMOKE_CLAIMS = 6  # the pipeline path end to end; the figures come from `claimflow eval`


@pytest.mark.integration
@pytest.mark.timeout(420)
def test_eval_extraction_smoke_run_on_the_pipeline_writes_a_well_formed_result(
    pipeline: Pipeline, tmp_path: Path
) -> None:
    config = EvalConfig(
        claims=SMOKE_CLAIMS,
        # The session corpus's seed: the eval loads its policy book into the shared stack, and the
        # same seed gives the same book, so no other test sees policies it did not load.
        seed=11,
        scanned_share=0.1,
        photo_share=0.05,
        hard_share=0.5,
        multi_document_share=0.2,
        timeout_s=300,
    )
    out = tmp_path / "eval"
    run_extraction_eval(config, out, Console(file=io.StringIO()), settings=pipeline.settings)

    assert (out / "corpus" / "policies.jsonl").read_bytes() == pipeline.corpus.policies_file.read_bytes()
    assert data_targets_are_reported(out)
    data = json.loads((out / "result.json").read_text())
    summary = data["summary"]
    assert data["config"]["claims"] == SMOKE_CLAIMS and data["config"]["mode"] == "pipeline"
    assert summary["claims"] == SMOKE_CLAIMS == len(data["claims"])
    assert sum(group["claims"] for group in summary["by_kind"].values()) == SMOKE_CLAIMS
    assert sum(b["claims"] for b in summary["calibration"]) == SMOKE_CLAIMS
    assert summary["should_pass"]["claims"] + summary["should_be_flagged"]["claims"] == SMOKE_CLAIMS
    approved = sum(c["status"] == "auto_approved" for c in data["claims"])
    assert summary["overall"]["auto_approved"] == approved
    assert set(summary["overall"]["field_accuracy"]) == set(FIELDS)
    assert all(0.0 <= v <= 1.0 for v in summary["overall"]["field_accuracy"].values())
    assert {c["status"] for c in data["claims"]} <= {"auto_approved", "needs_review"}
    assert (out / CALIBRATION_PLOT).read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"


def data_targets_are_reported(out: Path) -> bool:
    targets = json.loads((out / "result.json").read_text())["targets"]
    return {"policy_number", "auto_approve_precision", "valid_scanned_auto_approved"} <= set(targets)
