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
from collections.abc import Callable, Sequence
from datetime import datetime
from pathlib import Path

from agents.assessment import AssessmentSettings, LossKey, decide_status
from agents.documents import DocumentSettings, OcrEngine, RawClaimText, read_claim
from agents.events import ClaimFields
from agents.extraction.meanings import Meanings
from agents.extractor import settle
from agents.intake import build_claim, publish_claims
from agents.retrieval import MiniLMEmbedder
from agents.retriever import resolve_claim
from agents.stores import MemoryPolicyBook, MemoryPolicyIndex, ReportStore, StoredReport, read_policies
from agents.tools.evals.corpus import LabelledClaim
from agents.tools.evals.extraction.scoring import FIELDS, Outcome
from agents.tools.tracking import wait_for_reports
from agents.validator import assess
from streams import PermanentError, Settings

__all__ = ["Outcome", "in_process", "through_pipeline"]

Progress = Callable[[int], None]


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
    claims: Sequence[LabelledClaim],
    *,
    timeout_s: float,
    on_progress: Progress,
) -> list[Outcome]:
    """Submit every claim (its id, documents and received time) and wait for all reports.

    Raises:
        ReportsTimeout: Not every claim had a report within `timeout_s`.
    """
    events = [
        build_claim(
            settings,
            list(claim.documents),
            region=claim.region,
            claim_id=claim.claim_id,
            submitted_by="eval",
            received_at=claim.received_at,
        )
        for claim in claims
    ]
    publish_claims(settings, events)

    async def collect() -> dict[str, StoredReport]:
        store = ReportStore(settings.postgres_dsn.get_secret_value())
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


# The evaluation measures what is read, not how fast: on a busy machine a photo's OCR can pass
# the pipeline's 30 s page limit, which would take a readable claim out of the measurement.
EVAL_OCR_SECONDS_PER_PAGE = 180.0
DEAD_LETTERED = "dead_lettered"


def read_raw(paths: Sequence[Path], ocr: OcrEngine) -> RawClaimText:
    """The claim's documents read as the retriever reads them, before redaction."""
    settings = DocumentSettings.current().model_copy(
        update={"ocr_seconds_per_page": EVAL_OCR_SECONDS_PER_PAGE}
    )
    return read_claim([(path.read_bytes(), path.name) for path in paths], settings, ocr)


def unreadable(error: Exception) -> Outcome:
    """A claim the retriever could not read (dead-lettered): no field, no approval."""
    return Outcome(
        values={name: None for name in FIELDS},
        confidences={name: 0.0 for name in FIELDS},
        failed_rules=(),
        confidence=0.0,
        status=DEAD_LETTERED,
        exposed_text=f"{type(error).__name__}: {error}",
    )


async def _assess(
    fields: ClaimFields,
    region: str,
    book: MemoryPolicyBook,
    seen: list[tuple[str, LossKey]],
    claim_id: str,
    assessment: AssessmentSettings,
    received_at: datetime | None = None,
) -> Outcome:
    window = assessment.rule_settings().duplicate_window_days

    async def duplicates(resolved: ClaimFields) -> tuple[str, ...]:
        # As the report store's query does, over the claims assessed before this one.
        key = LossKey.of(resolved)
        if key is None:
            return ()
        earlier = tuple(other for other, known in seen if key.same_loss(known, window))
        seen.append((claim_id, key))
        return earlier

    done = await assess(
        fields,
        region,
        book,
        rule_settings=assessment.rule_settings(),
        duplicates=duplicates,
        received_at=received_at,
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
    policies_file: Path,
    claims: Sequence[LabelledClaim],
    *,
    ocr: OcrEngine,
    on_progress: Progress,
) -> list[Outcome]:
    """Every claim through the agents' stage functions, one after the other, in this process."""
    policies = read_policies(policies_file)
    book, index = MemoryPolicyBook(policies), MemoryPolicyIndex(policies)
    assessment = AssessmentSettings.current()
    meanings = Meanings(MiniLMEmbedder())  # as the retriever reads titles and sums' labels
    seen: list[tuple[str, LossKey]] = []
    outcomes = []
    for done, claim in enumerate(claims, start=1):
        try:
            raw = read_raw(list(claim.documents), ocr)
        except PermanentError as exc:  # what the retriever would dead-letter: no report at all
            outcomes.append(unreadable(exc))
            on_progress(done)
            continue
        # As the pipeline does: the retriever reads the fields and finds the policy, the extractor
        # settles the fields, the validator assesses them.
        resolved = asyncio.run(resolve_claim(raw, claim.region, index, book, meanings))
        read = resolved.read
        fields = settle(
            resolved.fields,
            reading_confidence=read.min_confidence,
            policy_number=resolved.number,
            received_at=claim.received_at,
        )
        assessed = asyncio.run(
            _assess(fields, claim.region, book, seen, claim.claim_id, assessment, claim.received_at)
        )
        outcomes.append(dataclasses.replace(assessed, exposed_text=read.text))
        on_progress(done)
    return outcomes
