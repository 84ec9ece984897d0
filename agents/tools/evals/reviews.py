"""`claimflow eval extraction --from-reviews`, `claimflow review calibrate`: reviewers' decisions as labels.

Reads the applied decisions from the review store (no claim is re-run) and prints what they say:
per-field accuracy against the corrections, auto-approve precision from the QA samples, and the
threshold that would reach a target auto-approve precision. The rules are in `agents.review.feedback`.
"""

from __future__ import annotations

import asyncio
import json
from pathlib import Path
from typing import Any

from rich.console import Console
from rich.table import Table

from agents.assessment import AssessmentSettings
from agents.review import ReviewStore
from agents.review.feedback import Calibration, Labelled, field_accuracy, qa_precision
from streams import Settings


def labelled(settings: Settings, region: str | None) -> list[Labelled]:
    """Every applied decision of `region` (or all), as labelled assessments."""

    async def read() -> list[Labelled]:
        async with ReviewStore(settings.postgres_dsn.get_secret_value()) as store:
            return [Labelled.of(d) for d in await store.applied_decisions(region)]

    return asyncio.run(read())


def _pct(value: float | None) -> str:
    return "—" if value is None else f"{100 * value:.1f} %"


def accuracy_report(items: list[Labelled]) -> dict[str, Any]:
    fields = field_accuracy(items)
    qa = qa_precision(items)
    return {
        "decisions": len(items),
        "approved": sum(x.action in ("approve", "correct_and_approve") for x in items),
        "declined": sum(x.action == "decline" for x in items),
        "information_requested": sum(x.action == "request_information" for x in items),
        "field_accuracy": {
            name: {"right": s.right, "of": s.total, "accuracy": s.value} for name, s in fields.items()
        },
        "qa_auto_approve_precision": {"right": qa.right, "of": qa.total, "precision": qa.value},
    }


def print_accuracy(console: Console, report: dict[str, Any]) -> None:
    table = Table(
        "field", "right", "of approved", "accuracy", title="Field accuracy against the reviewers' corrections"
    )
    for name, f in report["field_accuracy"].items():
        table.add_row(name, str(f["right"]), str(f["of"]), _pct(f["accuracy"]))
    console.print(table)
    qa = report["qa_auto_approve_precision"]
    console.print(
        f"{report['decisions']} decisions: {report['approved']} approved, {report['declined']} declined, "
        f"{report['information_requested']} waiting for information.\n"
        f"Auto-approve precision on QA samples: {_pct(qa['precision'])} "
        f"({qa['right']} of {qa['of']} approved as assessed)"
    )


def calibration_report(result: Calibration, current: float) -> dict[str, Any]:
    return {
        "target_precision": result.target,
        "min_claims": result.min_claims,
        "current_threshold": current,
        "proposed_threshold": result.threshold,
        "precision_at_proposed": result.precision,
        "claims_at_or_above": result.above,
        "claims_considered": result.considered,
        "curve": [
            {"threshold": t, "right": s.right, "of": s.total, "precision": s.value} for t, s in result.curve
        ],
    }


def print_calibration(console: Console, report: dict[str, Any]) -> None:
    table = Table(
        "threshold", "right", "reviewed at or above", "precision", title="Precision of reviewed claims"
    )
    curve = report["curve"]
    step = max(1, len(curve) // 15)
    for point in curve[::step]:
        table.add_row(
            f"{point['threshold']:.3f}", str(point["right"]), str(point["of"]), _pct(point["precision"])
        )
    console.print(table)
    if report["proposed_threshold"] is None:
        console.print(
            f"No threshold reaches {_pct(report['target_precision'])} on at least {report['min_claims']} "
            f"reviewed claims ({report['claims_considered']} considered); keep {report['current_threshold']} "
            "and review more."
        )
        return
    console.print(
        f"Proposed CLAIMFLOW_REVIEW_THRESHOLD={report['proposed_threshold']:.3f} "
        f"(now {report['current_threshold']}): {_pct(report['precision_at_proposed'])} of "
        f"{report['claims_at_or_above']} reviewed claims at or above it were right "
        f"(target {_pct(report['target_precision'])})."
    )


def write(out: Path | None, report: dict[str, Any]) -> None:
    if out is not None:
        out.parent.mkdir(parents=True, exist_ok=True)
        out.write_text(json.dumps(report, indent=2) + "\n")


def current_threshold() -> float:
    return AssessmentSettings.current().review_threshold
