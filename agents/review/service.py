"""What a reviewer can do, whatever they use (the web pages or the CLI): list, look, take, decide.

Every operation takes the `Principal` the sign-in established and is scoped to its regions in
the store's SQL; a claim of another region is `ClaimNotFound`, exactly as one that does not
exist. A decision is only published by the reviewer holding the claim's lease, on the revision
they saw; it becomes a `claim.reviewed` event, and the review applier turns it into a report
revision. The service never writes a report itself: the log stays the only way state changes.
"""

from __future__ import annotations

import asyncio
import time
import uuid
from collections.abc import AsyncIterator, Mapping
from contextlib import AsyncExitStack, asynccontextmanager
from dataclasses import dataclass, field
from typing import Protocol

from agents.events import ClaimReviewed, DocumentRef
from agents.review.audit_trail import TrailEntry, decode_trail, documents_of
from agents.review.decisions import check, corrections
from agents.review.errors import ClaimNotFound, InvalidDecision, LeaseHeld, NotAllowed, StaleDecision
from agents.review.model import PENDING, DecisionRecord, Principal, QueueFilter, QueueItem, QueuePage
from agents.review.settings import ReviewSettings
from agents.review.store import ReviewStore
from agents.stores import PolicyBook, ReportStore, Revision, StoredReport
from streams import (
    AuditLog,
    Dependency,
    Producer,
    Settings,
    get_codec,
    load_topology,
    open_object_store,
    publish_events,
    utc_now,
)


class DecisionPublisher(Protocol):
    """Where decisions go: `claim.reviewed` on Kafka in production."""

    async def publish(self, decision: ClaimReviewed) -> None: ...


class KafkaDecisions:
    """Publishes decisions to the topic carrying `claim_reviewed` (acks=all), through the Kafka dependency."""

    def __init__(self, settings: Settings, dependency: Dependency | None = None) -> None:
        self._kafka = settings.kafka()
        self._topic = load_topology(settings.topology_file).topic_for_schema(ClaimReviewed.avro_schema)
        self._codec = get_codec(settings.schemas_dir, self._topic.schema_name)
        self._dep = dependency or Dependency("kafka", settings.retry_policy())

    async def publish(self, decision: ClaimReviewed) -> None:
        # A retried publish may write the decision twice; the applier is idempotent on its id.
        await self._dep.call(
            asyncio.to_thread, publish_events, self._kafka, self._topic, self._codec, [decision]
        )


@dataclass(frozen=True)
class CitedClause:
    """A clause the assessment cites, with its text from the policy book."""

    clause_id: str
    title: str
    score: float
    text: str | None


@dataclass(frozen=True)
class ClaimView:
    """What the claim page shows: item, report and revisions, cited clauses, decisions, audit trail.

    `revisions` come from the report store, like `report`, so the page never shows a status that its
    revision history lacks; the audit trail follows the log and may lag a moment behind.
    """

    item: QueueItem
    report: StoredReport
    clauses: list[CitedClause]
    decisions: list[DecisionRecord]
    trail: list[TrailEntry]
    documents: list[DocumentRef] = field(default_factory=list)
    revisions: list[Revision] = field(default_factory=list)


@dataclass(frozen=True)
class DecisionForm:
    """A decision as a reviewer fills it in; `fields` are the proposed values (unchanged ones are ignored)."""

    decision_id: str
    action: str
    base_revision: int
    fields: Mapping[str, str | None] = field(default_factory=dict)
    reason_code: str | None = None
    note: str | None = None


class ReviewService:
    """The reviewers' operations over the queue, the reports, the policy book and the audit log."""

    def __init__(
        self,
        settings: Settings,
        review: ReviewStore,
        reports: ReportStore,
        book: PolicyBook,
        audit: AuditLog,
        publisher: DecisionPublisher,
        *,
        producer: Producer,
        section: ReviewSettings | None = None,
    ) -> None:
        self.settings = settings
        self.review = review
        self.reports = reports
        self.book = book
        self.audit = audit
        self.publisher = publisher
        self.producer = producer
        self.section = section or ReviewSettings.current()
        self.topology = load_topology(settings.topology_file)
        # Only where documents are (no call is made through it): the residency check below.
        self.locations = open_object_store(settings.object_store_root)

    # -- reading --------------------------------------------------------------------------------

    async def queue(self, who: Principal, want: QueueFilter) -> QueuePage:
        """The queue as `who` may see it."""
        return await self.review.queue(who.regions, want)

    async def item(self, who: Principal, claim_id: str) -> QueueItem:
        return await self.review.item(claim_id, who.regions)

    async def claim(self, who: Principal, claim_id: str) -> ClaimView:
        """The claim page's content; `ClaimNotFound` outside `who`'s regions."""
        item = await self.review.item(claim_id, who.regions)
        report = await self.reports.get(claim_id)
        if report is None or report.region != item.region:
            raise ClaimNotFound(f"no report for {claim_id}")
        decisions = await self.review.decisions(claim_id)
        trail = decode_trail(await self.audit.for_claim(claim_id), self.topology, self.settings.schemas_dir)
        documents = [d for d in documents_of(trail) if self._in_region(d, item.region)]
        return ClaimView(
            item=item,
            report=report,
            clauses=await self._clauses(report),
            decisions=decisions,
            trail=trail,
            documents=documents,
            revisions=await self.reports.revisions(claim_id),
        )

    def _in_region(self, document: DocumentRef, region: str) -> bool:
        """Data residency: only documents in the claim's own region of the store are ever opened."""
        return self.locations.in_region(document.uri, region)

    async def _clauses(self, report: StoredReport) -> list[CitedClause]:
        cited = report.report.get("clauses") or []
        policy = await self.book.get(report.policy_number, report.region) if report.policy_number else None
        texts = {c.clause_id: c.text for c in policy.clauses} if policy else {}
        return [
            CitedClause(
                c["clause_id"], c.get("title", ""), float(c.get("score", 0.0)), texts.get(c["clause_id"])
            )
            for c in cited
        ]

    # -- leases ---------------------------------------------------------------------------------

    async def take(self, who: Principal, claim_id: str, *, force: bool = False) -> QueueItem:
        """Reserve the claim for `who` for the lease time; only a supervisor may take it from someone else."""
        if force and not who.is_supervisor:
            raise NotAllowed("only a supervisor can take over another reviewer's claim")
        return await self.review.take(
            claim_id, who.user_id, who.regions, lease_s=self.section.review_lease_minutes * 60, force=force
        )

    async def release(self, who: Principal, claim_id: str) -> None:
        await self.review.release(claim_id, who.user_id, who.regions, force=who.is_supervisor)

    async def take_next(self, who: Principal, region: str | None = None) -> QueueItem | None:
        """Take the pending claim with the nearest deadline that nobody holds; None when there is none."""
        page = await self.review.queue(who.regions, QueueFilter(region=region, limit=50))
        for item in page.items:
            if item.lease_live and item.assigned_to != who.user_id:
                continue
            try:
                return await self.take(who, item.claim_id)
            except (LeaseHeld, StaleDecision):
                continue  # taken or decided since the page was read
        return None

    # -- deciding -------------------------------------------------------------------------------

    async def decide(self, who: Principal, claim_id: str, form: DecisionForm) -> ClaimReviewed:
        """Check and publish `who`'s decision on `claim_id`; returns the published event.

        Raises `ClaimNotFound`, `LeaseHeld` (taken by someone else, or not taken), `StaleDecision`
        (the claim changed since the form was shown) or `InvalidDecision`.
        """
        try:
            decision_id = str(uuid.UUID(form.decision_id))
        except ValueError:
            raise InvalidDecision(f"decision id {form.decision_id!r} is not a UUID") from None
        item = await self.review.item(claim_id, who.regions)
        if item.status != PENDING:
            raise StaleDecision(f"{claim_id} is {item.status}, not waiting for a review")
        if not item.held_by(who.user_id):
            holder = f"held by {item.assigned_to}" if item.lease_live else "not taken"
            raise LeaseHeld(f"{claim_id} is {holder}: take the claim before deciding it")
        report = await self.reports.get(claim_id)
        if report is None or report.revision != form.base_revision or item.revision != form.base_revision:
            now = report.revision if report else "none"
            raise StaleDecision(
                f"{claim_id} changed: revision {form.base_revision} was shown, it is now {now}"
            )
        changed = corrections(report.report, form.fields)
        action = "correct_and_approve" if form.action == "approve" and changed else form.action
        reason_code = (form.reason_code or "").strip() or None
        note = (form.note or "").strip() or None
        check(action, corrected=changed, reason_code=reason_code, note=note)
        decision = ClaimReviewed(
            event_id=decision_id,
            claim_id=claim_id,
            region=item.region,
            event_time=utc_now(),
            producer=self.producer.name,
            producer_version=self.producer.version,
            action=action,  # type: ignore[arg-type]  # checked against FINAL_STATUS just above
            reviewer=who.user_id,
            reviewer_role=who.role,
            base_revision=form.base_revision,
            corrections=changed,
            reason_code=reason_code,
            note=note,
            qa_sample=item.qa_sample,
        )
        await self.publisher.publish(decision)
        return decision

    async def outcome(self, decision_id: str, *, timeout_s: float = 0.0) -> DecisionRecord | None:
        """The applier's record of the decision, waiting up to `timeout_s` for it; None if not there yet."""
        deadline = time.monotonic() + timeout_s
        while True:
            found = await self.review.decision(decision_id)
            if found is not None or time.monotonic() >= deadline:
                return found
            await asyncio.sleep(0.2)


@asynccontextmanager
async def open_service(
    settings: Settings, producer: Producer, *, publisher: DecisionPublisher | None = None
) -> AsyncIterator[ReviewService]:
    """A `ReviewService` on the settings' PostgreSQL and Kafka, its stores closed on exit."""
    postgres = Dependency("postgres", settings.retry_policy())
    async with AsyncExitStack() as stack:
        reports = await stack.enter_async_context(
            ReportStore(settings.postgres_dsn.get_secret_value(), postgres)
        )
        review = await stack.enter_async_context(
            ReviewStore(settings.postgres_dsn.get_secret_value(), postgres)
        )
        book = await stack.enter_async_context(
            PolicyBook(settings.postgres_dsn.get_secret_value(), postgres, cache_ttl_s=30.0)
        )
        audit = await stack.enter_async_context(AuditLog(settings.postgres_dsn.get_secret_value(), postgres))
        yield ReviewService(
            settings,
            review,
            reports,
            book,
            audit,
            publisher or KafkaDecisions(settings),
            producer=producer,
        )
