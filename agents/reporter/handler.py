"""Reporter: stores the assessment report once per claim and announces it on report.ready."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from prometheus_client import Counter

from agents.assessment import AssessmentSettings, decide_status, explain_confidence
from agents.events import ClaimValidated, ReportReady
from agents.stores import ReportRow, ReportStore
from streams import Event, StreamAgent, upstream_cpu

REPORTS = Counter(
    "claimflow_reports",
    "Assessment reports written, by the status the stored report has (a retried batch counts again).",
    ["status", "region"],
)


def provenance(event: ClaimValidated, cpu_seconds: Mapping[str, float]) -> dict[str, Any]:
    """Why this verdict, and what it cost: every model that touched the claim, with its version,
    the CPU seconds each agent before the reporter spent on it, and the LLM's tokens and their price.
    """
    llm = [m for m in event.models if m.role == "llm"]
    return {
        "models": [m.model_dump() for m in event.models],
        "cpu_seconds": {agent: round(s, 6) for agent, s in cpu_seconds.items()},
        "llm_prompt_tokens": sum(m.prompt_tokens for m in llm),
        "llm_completion_tokens": sum(m.completion_tokens for m in llm),
        "llm_cost": round(sum(m.cost for m in llm), 8),
    }


def build_report(
    event: ClaimValidated, threshold: float, cpu_seconds: Mapping[str, float] | None = None
) -> dict[str, Any]:
    """The structured assessment a reviewer reads: fields with evidence, cited clauses, rule outcomes.

    `confidence_basis` names the weakest field and the failed rules, so a reviewer knows
    where to look first; `provenance` names the models behind it and its cost per claim.
    """
    return {
        "claim_id": event.claim_id,
        "region": event.region,
        "status": decide_status(event.confidence, threshold),
        "confidence": event.confidence,
        "review_threshold": threshold,
        "confidence_basis": explain_confidence(event.fields, event.rules),
        "fields": event.fields.model_dump(),
        "clauses": [c.model_dump() for c in event.clauses],
        "rules": [r.model_dump() for r in event.rules],
        "extractor": event.extractor.model_dump(),
        "assessed_at": event.event_time.isoformat(),
        "source_event_id": event.event_id,
        "provenance": provenance(event, cpu_seconds or {}),
    }


class Reporter(StreamAgent[ClaimValidated]):
    """Validated claim → PostgreSQL report (idempotent on the event id) → report announcement."""

    input_model = ClaimValidated

    async def start(self) -> None:
        self.reports = ReportStore(
            self.ctx.settings.postgres_dsn.get_secret_value(), self.ctx.dependency("postgres")
        )
        await self.reports.open()

    async def stop(self) -> None:
        await self.reports.close()

    async def handle_batch(self, events: Sequence[ClaimValidated]) -> list[Event]:
        threshold = self.ctx.section(AssessmentSettings).review_threshold  # cached per process
        rows = [
            ReportRow(
                claim_id=e.claim_id,
                region=e.region,
                event_id=e.event_id,
                status=decide_status(e.confidence, threshold),
                confidence=e.confidence,
                policy_number=e.fields.policy_number.value,
                incident_date=e.fields.incident_date.as_date(),
                damage_description=e.fields.damage_description.value,
                report=build_report(e, threshold, upstream_cpu(e)),
            )
            for e in events
        ]
        saved = await self.reports.save_with_outcomes(rows)
        for e in events:
            REPORTS.labels(saved[e.claim_id].status, e.region).inc()
        return [
            e.follow(
                ReportReady,
                by=self.ctx.producer,
                status=saved[e.claim_id].status,  # a reviewer's decision sends a re-assessment back to review
                confidence=row.confidence,
                policy_number=e.fields.policy_number.value,
                incident_date=e.fields.incident_date.value,
                damage_description=e.fields.damage_description.value,
                damage_type=e.fields.damage_type.value,
                claimed_amount=e.fields.claimed_amount.value,
                currency=e.fields.currency.value,
                revision=saved[e.claim_id].revision,
            )
            for e, row in zip(events, rows, strict=True)
        ]
