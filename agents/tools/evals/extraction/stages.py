"""The two ways an evaluation gets its outcomes: the real pipeline, or its stage functions in process.

`through_pipeline` submits every claim (all of its documents under one claim id) to a
running stack with its agents and reads the stored reports back, exactly as the demo
does. `in_process` runs the same stage functions a claim passes through (read with OCR,
redact, extract, weigh by the reading confidence, resolve the policy, apply the rules,
score, decide) without Kafka, for quick iteration on the extractor and the rules.
Clause retrieval is skipped in process: no confidence or rule depends on it.
"""

from __future__ import annotations

import asyncio
import dataclasses
import json
from collections import defaultdict
from collections.abc import Callable, Sequence
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from agents.assessment import AssessmentSettings, decide_status
from agents.documents import DocumentSettings, OcrEngine, read_claim_text
from agents.events import ClaimFields
from agents.extractor import read_fields
from agents.intake import build_claim, publish_claims
from agents.stores import MemoryPolicyBook, ReportStore, StoredReport, read_policies
from agents.tools.evals.extraction.scoring import FIELDS, Outcome
from agents.tools.tracking import wait_for_reports
from agents.validator import assess
from streams import Settings

__all__ = ["Outcome", "documents_of", "in_process", "through_pipeline"]

Progress = Callable[[int], None]


def documents_of(claims_dir: Path, truth: dict[str, Any]) -> list[Path]:
    """Every file of a claim in submission order (claim form first)."""
    names = [d["file"] for d in truth.get("documents", ())] or [truth["file"]]
    return [claims_dir / name for name in names]


# --- through the pipeline -----------------------------------------------------------------------


def outcome_of_report(report: StoredReport) -> Outcome:
    """What the reporter stored, as an `Outcome`."""
    body = report.report
    fields = body["fields"]
    return Outcome(
        values={name: fields.get(name, {}).get("value") for name in FIELDS},
        confidences={name: float(fields.get(name, {}).get("confidence", 0.0)) for name in FIELDS},
        failed_rules=tuple(r["rule_id"] for r in body["rules"] if not r["passed"]),
        confidence=report.confidence,
        status=report.status,
        exposed_text=json.dumps(body, ensure_ascii=False),
    )


def through_pipeline(
    settings: Settings,
    claims_dir: Path,
    truth: Sequence[dict[str, Any]],
    *,
    timeout_s: float,
    on_progress: Progress,
) -> list[Outcome]:
    """Submit every claim to the running pipeline and wait for all reports (`ReportsTimeout` if not)."""
    events = [
        build_claim(settings, documents_of(claims_dir, row), region=row["region"], submitted_by="eval")
        for row in truth
    ]
    publish_claims(settings, events)

    async def collect() -> dict[str, StoredReport]:
        store = ReportStore(settings.postgres_dsn)
        await store.open()
        try:
            return await wait_for_reports(
                store, [e.claim_id for e in events], timeout_s=timeout_s, on_progress=on_progress
            )
        finally:
            await store.close()

    reports = asyncio.run(collect())
    return [outcome_of_report(reports[e.claim_id]) for e in events]


# --- in process ---------------------------------------------------------------------------------


def read_claim(paths: Sequence[Path], region: str, ocr: OcrEngine) -> tuple[str, float]:
    """The claim's redacted text and its weakest page's reading confidence, as the retriever reads them."""
    documents = [(path.read_bytes(), path.name) for path in paths]
    read = read_claim_text(documents, region, DocumentSettings.current(), ocr)
    return read.text, read.min_confidence


async def _assess(
    fields: ClaimFields,
    region: str,
    book: MemoryPolicyBook,
    seen: dict[tuple[str, str, str], list[str]],
    claim_id: str,
    assessment: AssessmentSettings,
) -> Outcome:
    async def duplicates(resolved: ClaimFields) -> tuple[str, ...]:
        key = (
            resolved.policy_number.value or "",
            resolved.incident_date.value or "",
            resolved.damage_type.value or "",
        )
        if not all(key):
            return ()
        earlier = tuple(seen[key])
        seen[key].append(claim_id)
        return earlier

    done = await assess(
        fields,
        region,
        book,
        processed_at=datetime.now(UTC),
        rule_settings=assessment.rule_settings(),
        duplicates=duplicates,
    )
    dumped = done.fields.model_dump()
    return Outcome(
        values={name: dumped[name]["value"] for name in FIELDS},
        confidences={name: dumped[name]["confidence"] for name in FIELDS},
        failed_rules=tuple(o.rule_id for o in done.rules if not o.passed),
        confidence=done.confidence,
        status=decide_status(done.confidence, assessment.review_threshold),
    )


def in_process(
    settings: Settings,
    policies_file: Path,
    claims_dir: Path,
    truth: Sequence[dict[str, Any]],
    *,
    ocr: OcrEngine,
    on_progress: Progress,
) -> list[Outcome]:
    """Every claim through the stage functions, one after the other, in this process."""
    book = MemoryPolicyBook(read_policies(policies_file))
    assessment = AssessmentSettings.current()
    seen: dict[tuple[str, str, str], list[str]] = defaultdict(list)
    outcomes = []
    for index, row in enumerate(truth):
        text, reading = read_claim(documents_of(claims_dir, row), row["region"], ocr)
        fields = read_fields(text, row["region"], reading)
        assessed = asyncio.run(_assess(fields, row["region"], book, seen, row["file"], assessment))
        outcomes.append(dataclasses.replace(assessed, exposed_text=text))
        on_progress(index + 1)
    return outcomes
