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

from agents.claim_text import read_claim_text
from agents.events import ClaimFields
from agents.extraction import extract_fields
from agents.extraction_eval.scoring import FIELDS, Outcome
from agents.extractor import weighted_by_reading

__all__ = ["Outcome", "documents_of", "in_process", "through_pipeline"]
from agents.intake import build_claim, publish_claims
from agents.ocr import OcrEngine
from agents.policy_book import Policy, read_policies
from agents.report_store import ReportStore, StoredReport
from agents.reporter import decide_status
from agents.rules import ClaimFacts, RuleSettings, evaluate, overall_confidence
from agents.tracking import wait_for_reports
from agents.validator import resolve_policy
from streams.settings import Settings

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


class _Book:
    """The policy book in memory, for `resolve_policy`."""

    def __init__(self, policies: Sequence[Policy]) -> None:
        self._by_number = {(p.policy_number, p.region): p for p in policies}

    async def get(self, policy_number: str, region: str) -> Policy | None:
        return self._by_number.get((policy_number, region))


def read_claim(paths: Sequence[Path], region: str, settings: Settings, ocr: OcrEngine) -> tuple[str, float]:
    """The claim's redacted text and its weakest page's reading confidence, as the retriever reads them."""
    read = read_claim_text([(path.read_bytes(), path.name) for path in paths], region, settings, ocr)
    return read.text, read.min_confidence


def _weighted(text: str, region: str, reading: float) -> ClaimFields:
    """The extractor's fields, each multiplied by the reading confidence as the extractor agent does."""
    return weighted_by_reading(extract_fields(text, region), reading)


async def _assess(
    fields: ClaimFields,
    region: str,
    book: _Book,
    seen: dict[tuple[str, str, str], list[str]],
    claim_id: str,
    settings: Settings,
) -> Outcome:
    policy, number = await resolve_policy(book, fields.policy_number, region)
    fields = fields.model_copy(update={"policy_number": number})
    key = (number.value or "", fields.incident_date.value or "", fields.damage_type.value or "")
    duplicates = tuple(seen[key]) if policy and all(key) else ()
    if all(key):
        seen[key].append(claim_id)
    facts = ClaimFacts(
        fields,
        region,
        policy,
        processed_at=datetime.now(UTC),
        duplicates=duplicates,
        settings=RuleSettings(reporting_window_days=settings.reporting_window_days),
    )
    outcomes = evaluate(facts)
    confidence = overall_confidence(fields, outcomes)
    dumped = fields.model_dump()
    return Outcome(
        values={name: dumped[name]["value"] for name in FIELDS},
        confidences={name: dumped[name]["confidence"] for name in FIELDS},
        failed_rules=tuple(o.rule_id for o in outcomes if not o.passed),
        confidence=confidence,
        status=decide_status(confidence, settings.review_threshold),
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
    book = _Book(read_policies(policies_file))
    seen: dict[tuple[str, str, str], list[str]] = defaultdict(list)
    outcomes = []
    for index, row in enumerate(truth):
        text, reading = read_claim(documents_of(claims_dir, row), row["region"], settings, ocr)
        fields = _weighted(text, row["region"], reading)
        assessed = asyncio.run(_assess(fields, row["region"], book, seen, row["file"], settings))
        outcomes.append(dataclasses.replace(assessed, exposed_text=text))
        on_progress(index + 1)
    return outcomes
