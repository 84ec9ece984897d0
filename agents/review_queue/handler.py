"""Review queue: `report.ready` → the review queue in PostgreSQL.

A report that needs review becomes a pending item with its reasons (weakest field, failed
rules), its amount's weight and its deadline; a sampled share of auto-approved reports becomes
a QA item. A newer assessment that needs nobody takes a pending item out of the queue. Final
statuses (a decision applied) are the applier's business: it closed the item in the same
transaction as the revision. The queue is keyed by claim and guarded by revision, so replays
and redeliveries change nothing.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

from prometheus_client import Gauge

from agents.assessment import AUTO_APPROVED, NEEDS_REVIEW
from agents.events import ReportReady
from agents.review import (
    QueueEntry,
    ReviewSettings,
    ReviewStore,
    deadline,
    is_qa_sample,
    priority_time,
    triage,
)
from agents.stores import ReportStore, StoredReport
from streams import Event, StreamAgent

OVERDUE = Gauge(
    "claimflow_review_overdue_items",
    "Review items still pending past their deadline (review SLA breaches), per region.",
    ["region"],
)


def entries_for(
    events: Sequence[ReportReady], stored: Mapping[str, StoredReport], settings: ReviewSettings
) -> tuple[list[QueueEntry], list[tuple[str, int]]]:
    """The queue entries the events call for, and the (claim, revision) pairs that need nobody.

    Only an event whose revision is the stored report's counts: an older one is a replay, and a
    newer stored revision has its own event on the way.
    """
    entries: list[QueueEntry] = []
    unneeded: list[tuple[str, int]] = []
    for event in events:
        if event.status not in (AUTO_APPROVED, NEEDS_REVIEW):
            continue
        qa = event.status == AUTO_APPROVED and is_qa_sample(event.claim_id, settings.review_qa_share)
        if event.status == AUTO_APPROVED and not qa:
            unneeded.append((event.claim_id, event.revision))
            continue
        report = stored.get(event.claim_id)
        if report is None or report.revision != event.revision:
            continue
        why = triage(report.report, qa_sample=qa)
        due = deadline(
            event.event_time,
            qa_sample=qa,
            sla_hours=settings.review_sla_hours,
            qa_sla_hours=settings.review_qa_sla_hours,
        )
        entries.append(
            QueueEntry(
                claim_id=event.claim_id,
                region=event.region,
                revision=event.revision,
                report_status=event.status,
                reasons=why.reasons,
                weakest_field=why.weakest_field,
                weakest_confidence=why.weakest_confidence,
                failed_rules=why.failed_rules,
                confidence=event.confidence,
                claimed_amount=why.claimed_amount,
                currency=why.currency,
                amount_score=why.amount_score,
                queued_at=event.event_time,
                due_at=due,
                priority_at=priority_time(due, why.amount_score),
                source_event_id=event.event_id,
            )
        )
    return entries, unneeded


class ReviewQueue(StreamAgent[ReportReady]):
    """Report announcements → review items (idempotent on claim and revision); emits nothing."""

    input_model = ReportReady

    async def start(self) -> None:
        dependency = self.ctx.dependency("postgres")
        self.reports = ReportStore(self.ctx.settings.postgres_dsn.get_secret_value(), dependency)
        self.queue = ReviewStore(self.ctx.settings.postgres_dsn.get_secret_value(), dependency)
        await self.reports.open()
        await self.queue.open()

    async def stop(self) -> None:
        await self.queue.close()
        await self.reports.close()

    async def observe(self) -> None:
        overdue = await self.queue.overdue()
        for region in self.ctx.topology.regions:
            OVERDUE.labels(region).set(overdue.get(region, 0))

    async def handle_batch(self, events: Sequence[ReportReady]) -> list[Event]:
        settings = self.ctx.section(ReviewSettings)
        wanted = [
            e.claim_id
            for e in events
            if e.status == NEEDS_REVIEW
            or (e.status == AUTO_APPROVED and is_qa_sample(e.claim_id, settings.review_qa_share))
        ]
        stored = {r.claim_id: r for r in await self.reports.list(wanted, limit=len(wanted))} if wanted else {}
        entries, unneeded = entries_for(events, stored, settings)
        await self.queue.enqueue(entries)
        await self.queue.supersede(unneeded)
        return []
