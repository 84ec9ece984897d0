"""Review applier: `claim.reviewed` → a new report revision with a final status → `report.ready`.

A small agent of its own rather than a second input of the reporter: an agent consumes one
schema, a decision is checked and applied by other rules than an assessment (the revision it
was made on, the queue item, the reviewer's regions), and a deployment that does not review
need not run it. Both write the report table through the report store, so a revision is one
rule whoever makes it.

Idempotent on the decision id (the event id): a redelivered decision re-announces exactly what
it announced the first time (same derived event id), and a refused one stays refused. A
refusal (the claim changed, was decided already, or the reviewer may not decide its region) is
recorded with its reason and logged; it is an outcome, not an error, so nothing is dead-lettered.
"""

from __future__ import annotations

import logging

from agents.events import ClaimReviewed, ReportReady
from agents.review import ReviewStore
from agents.stores import ReportStore
from streams import Event, StreamAgent

log = logging.getLogger(__name__)


class ReviewApplier(StreamAgent[ClaimReviewed]):
    """Decision → report revision, queue item closed, decision recorded (one transaction) → announcement."""

    input_model = ClaimReviewed

    async def start(self) -> None:
        dependency = self.ctx.dependency("postgres")
        reports = ReportStore(self.ctx.settings.postgres_dsn.get_secret_value(), dependency)
        await reports.open()  # the report table must exist before a decision can lock a report
        await reports.close()
        self.review = ReviewStore(self.ctx.settings.postgres_dsn.get_secret_value(), dependency)
        await self.review.open()

    async def stop(self) -> None:
        await self.review.close()

    async def handle(self, event: ClaimReviewed) -> Event | None:
        outcome = await self.review.apply(event)
        if not outcome.applied or outcome.headline is None:
            log.warning(
                "review_applier: decision %s by %s on claim %s refused: %s",
                event.event_id,
                event.reviewer,
                event.claim_id,
                outcome.refusal,
            )
            return None
        return event.follow(ReportReady, by=self.ctx.producer, **outcome.headline)
