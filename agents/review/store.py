"""The review queue in PostgreSQL: items with their reasons and deadlines, leases, decisions, reviewers.

Every read and every lease takes the reviewer's regions and filters on them in SQL, so a claim of
another region is never read into the process on a reviewer's behalf (data residency); such a
claim and a claim that does not exist look the same (`ClaimNotFound`).

A lease is a row update guarded by its own condition (`assigned_to` is free, expired or the
taker), so two reviewers racing for one claim cannot both get it. Applying a decision locks the
report and the item in one transaction, checks the decision was made on the current revision of
a pending item, writes the new report revision, closes the item and records the decision: a
decision id seen before returns what it did the first time (idempotent), and of two decisions
on one revision only the first is applied.
"""

from __future__ import annotations

import builtins
import json
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from typing import Any

import asyncpg

from agents.events import ClaimReviewed
from agents.review.decisions import FINAL_STATUS, revised_report
from agents.review.errors import ClaimNotFound, LeaseHeld, NotAllowed, ReviewStoreError, StaleDecision
from agents.review.model import (
    COUNT_CAP,
    DECIDED,
    INFORMATION_REQUESTED,
    PENDING,
    DecisionRecord,
    QueueEntry,
    QueueFilter,
    QueueItem,
    QueuePage,
    Reviewer,
)
from agents.stores import ReportRow, ReportStore
from streams import PostgresStore

_DDL = """
CREATE TABLE IF NOT EXISTS reviewer (
    user_id       text        PRIMARY KEY,
    display_name  text        NOT NULL,
    password_hash text,
    roles         text[]      NOT NULL,
    regions       text[]      NOT NULL,
    active        boolean     NOT NULL DEFAULT true,
    created_at    timestamptz NOT NULL DEFAULT now(),
    updated_at    timestamptz NOT NULL DEFAULT now()
);
CREATE TABLE IF NOT EXISTS review_item (
    claim_id           text             PRIMARY KEY,
    region             text             NOT NULL,
    status             text             NOT NULL,
    revision           integer          NOT NULL,
    report_status      text             NOT NULL,
    reasons            text[]           NOT NULL,
    weakest_field      text,
    weakest_confidence double precision,
    failed_rules       text[]           NOT NULL,
    confidence         double precision NOT NULL,
    claimed_amount     numeric,
    currency           text,
    amount_score       double precision NOT NULL,
    queued_at          timestamptz      NOT NULL,
    due_at             timestamptz      NOT NULL,
    priority_at        timestamptz      NOT NULL,
    source_event_id    text             NOT NULL,
    assigned_to        text,
    lease_until        timestamptz,
    decision_id        text,
    decided_by         text,
    decided_at         timestamptz,
    outcome            text,
    updated_at         timestamptz      NOT NULL DEFAULT now()
);
CREATE INDEX IF NOT EXISTS review_item_by_deadline ON review_item (status, due_at, claim_id);
CREATE INDEX IF NOT EXISTS review_item_by_region ON review_item (region, status, due_at, claim_id);
CREATE INDEX IF NOT EXISTS review_item_by_priority ON review_item (status, priority_at, claim_id);
CREATE INDEX IF NOT EXISTS review_item_by_region_priority
    ON review_item (region, status, priority_at, claim_id);
CREATE INDEX IF NOT EXISTS review_item_by_amount ON review_item (status, amount_score DESC, claim_id);
CREATE INDEX IF NOT EXISTS review_item_by_region_amount
    ON review_item (region, status, amount_score DESC, claim_id);
CREATE TABLE IF NOT EXISTS review_decision (
    decision_id      text        PRIMARY KEY,
    claim_id         text        NOT NULL,
    region           text        NOT NULL,
    reviewer         text        NOT NULL,
    action           text        NOT NULL,
    reason_code      text,
    note             text,
    corrections      jsonb       NOT NULL,
    base_revision    integer     NOT NULL,
    decided_at       timestamptz NOT NULL,
    qa_sample        boolean     NOT NULL,
    assessed_confidence double precision,
    applied          boolean     NOT NULL,
    applied_revision integer,
    refusal          text,
    announced        jsonb,
    recorded_at      timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX IF NOT EXISTS review_decision_claim ON review_decision (claim_id, recorded_at);
"""

_ENTRY_COLUMNS = (
    "claim_id, region, revision, report_status, reasons, weakest_field, weakest_confidence, failed_rules, "
    "confidence, claimed_amount, currency, amount_score, queued_at, due_at, priority_at, source_event_id"
)

_ITEM_COLUMNS = (
    f"{_ENTRY_COLUMNS}, status, assigned_to, lease_until, "
    "coalesce(lease_until > now(), false) AS lease_live, "
    "decision_id, decided_by, decided_at, outcome, updated_at, due_at < now() AS overdue"
)

# Reasons and failed rules travel as JSON text: asyncpg would read a list of lists as a 2-D array.
# A newer revision replaces whatever the item held (a re-assessment after a request for information
# queues the claim again); a replayed or older revision changes nothing.
_ENQUEUE = f"""
INSERT INTO review_item AS i ({_ENTRY_COLUMNS}, status)
SELECT t.claim_id, t.region, t.revision, t.report_status,
       ARRAY(SELECT jsonb_array_elements_text(t.reasons::jsonb)), t.weakest_field, t.weakest_confidence,
       ARRAY(SELECT jsonb_array_elements_text(t.failed_rules::jsonb)),
       t.confidence, t.claimed_amount, t.currency, t.amount_score, t.queued_at, t.due_at, t.priority_at,
       t.source_event_id, 'pending'
FROM unnest(
    $1::text[], $2::text[], $3::integer[], $4::text[], $5::text[], $6::text[], $7::float8[], $8::text[],
    $9::float8[], $10::numeric[], $11::text[], $12::float8[], $13::timestamptz[], $14::timestamptz[],
    $15::timestamptz[], $16::text[]
) AS t(claim_id, region, revision, report_status, reasons, weakest_field, weakest_confidence, failed_rules,
       confidence, claimed_amount, currency, amount_score, queued_at, due_at, priority_at, source_event_id)
ON CONFLICT (claim_id) DO UPDATE
SET region = excluded.region, revision = excluded.revision, report_status = excluded.report_status,
    reasons = excluded.reasons, weakest_field = excluded.weakest_field,
    weakest_confidence = excluded.weakest_confidence, failed_rules = excluded.failed_rules,
    confidence = excluded.confidence, claimed_amount = excluded.claimed_amount, currency = excluded.currency,
    amount_score = excluded.amount_score, queued_at = excluded.queued_at, due_at = excluded.due_at,
    priority_at = excluded.priority_at,
    source_event_id = excluded.source_event_id, status = 'pending', assigned_to = NULL, lease_until = NULL,
    decision_id = NULL, decided_by = NULL, decided_at = NULL, outcome = NULL, updated_at = now()
WHERE i.revision < excluded.revision
RETURNING claim_id
"""

_SUPERSEDE = """
UPDATE review_item AS i
SET status = 'superseded', revision = t.revision, assigned_to = NULL, lease_until = NULL, updated_at = now()
FROM unnest($1::text[], $2::integer[]) AS t(claim_id, revision)
WHERE i.claim_id = t.claim_id AND i.revision < t.revision AND i.status = 'pending'
RETURNING i.claim_id
"""

# Taken when free, expired, already the taker's, or (a supervisor's `force`) from anyone.
_TAKE = f"""
UPDATE review_item
SET assigned_to = $2, lease_until = now() + make_interval(secs => $4), updated_at = now()
WHERE claim_id = $1 AND region = ANY($3::text[]) AND status = 'pending'
  AND ($5 OR assigned_to IS NULL OR lease_until <= now() OR assigned_to = $2)
RETURNING {_ITEM_COLUMNS}
"""

_RELEASE = """
UPDATE review_item SET assigned_to = NULL, lease_until = NULL, updated_at = now()
WHERE claim_id = $1 AND region = ANY($2::text[]) AND ($3 OR assigned_to = $4)
RETURNING claim_id
"""

_DECISION_COLUMNS = (
    "decision_id, claim_id, region, reviewer, action, reason_code, note, corrections, base_revision, "
    "decided_at, qa_sample, assessed_confidence, applied, applied_revision, refusal, announced, recorded_at"
)

_RECORD_DECISION = f"""
INSERT INTO review_decision ({_DECISION_COLUMNS})
VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, now())
ON CONFLICT (decision_id) DO NOTHING
"""

_CLOSE = """
UPDATE review_item
SET status = $2, revision = $3, decision_id = $4, decided_by = $5, decided_at = $6, outcome = $7,
    assigned_to = NULL, lease_until = NULL, updated_at = now()
WHERE claim_id = $1
"""

_REVIEWER_COLUMNS = "user_id, display_name, roles, regions, active"

_UPSERT_REVIEWER = """
INSERT INTO reviewer AS r (user_id, display_name, password_hash, roles, regions, active)
VALUES ($1, $2, $3, $4, $5, $6)
ON CONFLICT (user_id) DO UPDATE
SET display_name = excluded.display_name, password_hash = coalesce(excluded.password_hash, r.password_hash),
    roles = excluded.roles, regions = excluded.regions, active = excluded.active, updated_at = now()
"""


@dataclass(frozen=True)
class Outcome:
    """What applying one decision did: the headline to announce when applied, else why it was refused.

    `repeated` is True when the decision id had been recorded before (a redelivery or replay): the
    same headline is announced again, which downstream consumers recognise by its event id.
    """

    applied: bool
    headline: dict[str, Any] | None
    refusal: str | None
    repeated: bool = False


def _item(row: asyncpg.Record) -> QueueItem:
    data = dict(row)
    data["reasons"] = tuple(data["reasons"])
    data["failed_rules"] = tuple(data["failed_rules"])
    return QueueItem.model_validate(data)


def _decision(row: asyncpg.Record) -> DecisionRecord:
    return DecisionRecord.model_validate(dict(row))


def _headline(
    body: dict[str, Any], revision: int, decision: ClaimReviewed, confidence: float
) -> dict[str, Any]:
    """The report.ready payload of a decided revision (its envelope comes from the decision)."""
    fields = body.get("fields") or {}

    def value(name: str) -> str | None:
        found = (fields.get(name) or {}).get("value")
        return None if found is None else str(found)

    return {
        "status": FINAL_STATUS[decision.action],
        "confidence": confidence,
        "policy_number": value("policy_number"),
        "incident_date": value("incident_date"),
        "damage_description": value("damage_description"),
        "damage_type": value("damage_type"),
        "claimed_amount": value("claimed_amount"),
        "currency": value("currency"),
        "revision": revision,
        "decision_id": decision.event_id,
        "reviewed_by": decision.reviewer,
    }


def _iso_date(value: Any) -> date | None:
    try:
        return date.fromisoformat(str(value)) if value else None
    except ValueError:
        return None


class ReviewStore(PostgresStore):
    """The queue, the decisions and the reviewers (the report table is the report store's)."""

    ddl = _DDL
    schema_lock = "claimflow.review_store.schema"
    error = ReviewStoreError
    display_name = "ReviewStore"

    # -- the queue agent ----------------------------------------------------------------------

    async def enqueue(self, entries: Sequence[QueueEntry]) -> int:
        """Queue each entry unless its claim's item is at that revision or later; returns rows written."""
        if not entries:
            return 0
        latest: dict[str, QueueEntry] = {}
        for entry in entries:  # one statement may touch a row once: keep each claim's newest revision
            if entry.claim_id not in latest or latest[entry.claim_id].revision < entry.revision:
                latest[entry.claim_id] = entry
        rows = sorted(latest.values(), key=lambda e: e.claim_id)
        written = await self._dep.call(
            self._fetch,
            _ENQUEUE,
            [e.claim_id for e in rows],
            [e.region for e in rows],
            [e.revision for e in rows],
            [e.report_status for e in rows],
            [json.dumps(e.reasons) for e in rows],
            [e.weakest_field for e in rows],
            [e.weakest_confidence for e in rows],
            [json.dumps(e.failed_rules) for e in rows],
            [e.confidence for e in rows],
            [e.claimed_amount for e in rows],
            [e.currency for e in rows],
            [e.amount_score for e in rows],
            [e.queued_at for e in rows],
            [e.due_at for e in rows],
            [e.priority_at for e in rows],
            [e.source_event_id for e in rows],
        )
        return len(written)

    async def supersede(self, revisions: Sequence[tuple[str, int]]) -> int:
        """Take pending items out of the queue whose claim has a newer assessment that needs nobody."""
        if not revisions:
            return 0
        latest: dict[str, int] = {}
        for claim_id, revision in revisions:
            latest[claim_id] = max(revision, latest.get(claim_id, 0))
        ordered = sorted(latest.items())
        written = await self._dep.call(
            self._fetch, _SUPERSEDE, [c for c, _ in ordered], [r for _, r in ordered]
        )
        return len(written)

    async def overdue(self) -> dict[str, int]:
        """Pending items past their deadline, per region (the review SLA's breaches right now)."""
        rows = await self._dep.call(
            self._fetch,
            "SELECT region, count(*) AS n FROM review_item"
            " WHERE status = $1 AND due_at < now() GROUP BY region",
            PENDING,
        )
        return {str(r["region"]): int(r["n"]) for r in rows}

    # -- reviewers' reads and leases ------------------------------------------------------------

    async def queue(self, regions: Sequence[str], want: QueueFilter) -> QueuePage:
        """One page of the items of `regions` matching `want`, in its order, and how many match."""
        allowed = [r for r in regions if want.region in (None, r)]
        where = ["region = ANY($1::text[])"]
        args: list[Any] = [allowed]
        if want.status != "all":
            args.append(want.status)
            where.append(f"status = ${len(args)}")
        if want.reason:
            args.append(want.reason)
            where.append(f"${len(args)} = ANY(reasons)")
        order = {
            "deadline": "due_at, claim_id",
            "priority": "priority_at, claim_id",
            "amount": "amount_score DESC, claim_id",
        }[want.sort]
        condition = " AND ".join(where)
        page_query = (
            f"SELECT {_ITEM_COLUMNS} FROM review_item WHERE {condition} "
            f"ORDER BY {order} LIMIT {int(want.limit)} OFFSET {int(want.offset)}"
        )
        count_query = (
            f"SELECT count(*) FROM (SELECT 1 FROM review_item WHERE {condition} LIMIT {COUNT_CAP + 1}) AS m"
        )

        async def run() -> QueuePage:
            async with self.pool.acquire() as conn:
                rows = await conn.fetch(page_query, *args)
                total = int(await conn.fetchval(count_query, *args))
            return QueuePage([_item(r) for r in rows], min(total, COUNT_CAP), more=total > COUNT_CAP)

        return await self._dep.call(run)

    async def item(self, claim_id: str, regions: Sequence[str]) -> QueueItem:
        """The claim's item; `ClaimNotFound` when there is none in `regions`."""
        row = await self._dep.call(
            self._fetchrow,
            f"SELECT {_ITEM_COLUMNS} FROM review_item WHERE claim_id = $1 AND region = ANY($2::text[])",
            claim_id,
            list(regions),
        )
        if row is None:
            raise ClaimNotFound(
                f"no claim {claim_id} in the review queue of {', '.join(regions) or 'no region'}"
            )
        return _item(row)

    async def take(
        self, claim_id: str, user_id: str, regions: Sequence[str], *, lease_s: float, force: bool = False
    ) -> QueueItem:
        """Lease the claim to `user_id` for `lease_s` (renewed if theirs); `force` takes it from anyone.

        Raises `ClaimNotFound` (not in `regions`), `StaleDecision` (no longer pending) or `LeaseHeld`.
        """
        row = await self._dep.call(
            self._fetchrow, _TAKE, claim_id, user_id, list(regions), float(lease_s), force
        )
        if row is not None:
            return _item(row)
        current = await self.item(claim_id, regions)
        if current.status != PENDING:
            raise StaleDecision(f"{claim_id} is {current.status}, not waiting for a review")
        raise LeaseHeld(
            f"{claim_id} is being reviewed by {current.assigned_to} until "
            f"{current.lease_until:%Y-%m-%d %H:%M:%S %Z}".rstrip()
        )

    async def release(
        self, claim_id: str, user_id: str, regions: Sequence[str], *, force: bool = False
    ) -> None:
        """Give the lease back (a supervisor's `force` releases anyone's)."""
        row = await self._dep.call(self._fetchrow, _RELEASE, claim_id, list(regions), force, user_id)
        if row is None:
            current = await self.item(claim_id, regions)
            raise NotAllowed(f"{claim_id} is leased to {current.assigned_to}, not to {user_id}")

    async def decisions(self, claim_id: str) -> builtins.list[DecisionRecord]:
        """Every decision recorded for the claim, oldest first (the caller has checked the region)."""
        rows = await self._dep.call(
            self._fetch,
            f"SELECT {_DECISION_COLUMNS} FROM review_decision WHERE claim_id = $1 ORDER BY recorded_at",
            claim_id,
        )
        return [_decision(r) for r in rows]

    async def decision(self, decision_id: str) -> DecisionRecord | None:
        """The decision recorded under `decision_id`, once the applier has seen it."""
        row = await self._dep.call(
            self._fetchrow,
            f"SELECT {_DECISION_COLUMNS} FROM review_decision WHERE decision_id = $1",
            decision_id,
        )
        return None if row is None else _decision(row)

    async def applied_decisions(self, region: str | None = None) -> builtins.list[DecisionRecord]:
        """Every applied decision (of `region`, or all), oldest first: the reviewed, labelled claims."""
        rows = await self._dep.call(
            self._fetch,
            f"SELECT {_DECISION_COLUMNS} FROM review_decision "
            "WHERE applied AND ($1::text IS NULL OR region = $1) ORDER BY recorded_at",
            region,
        )
        return [_decision(r) for r in rows]

    # -- the applier ----------------------------------------------------------------------------

    async def apply(self, decision: ClaimReviewed) -> Outcome:
        """Apply `decision` as a new report revision, close its item and record it, all or nothing."""

        async def run() -> Outcome:
            try:
                async with self.pool.acquire() as conn, conn.transaction():
                    return await self._apply_locked(conn, decision)
            except (asyncpg.DataError, asyncpg.IntegrityConstraintViolationError) as exc:
                raise ReviewStoreError(f"decision {decision.event_id} refused by PostgreSQL: {exc}") from exc

        return await self._dep.call(run)

    async def _apply_locked(self, conn: asyncpg.Connection, decision: ClaimReviewed) -> Outcome:
        prior = await conn.fetchrow(
            f"SELECT {_DECISION_COLUMNS} FROM review_decision WHERE decision_id = $1", decision.event_id
        )
        if prior is not None:
            return Outcome(prior["applied"], prior["announced"], prior["refusal"], repeated=True)
        report = await ReportStore.lock(conn, decision.claim_id)
        item = await conn.fetchrow(
            "SELECT status, revision FROM review_item WHERE claim_id = $1 FOR UPDATE", decision.claim_id
        )
        reviewer = await conn.fetchrow(
            "SELECT regions, active FROM reviewer WHERE user_id = $1", decision.reviewer
        )
        refusal = _refusal(decision, report, item, reviewer)
        if refusal is None and report is not None:
            revision = decision.base_revision + 1
            body = revised_report(report.report, decision, revision=revision)
            fields = body["fields"]
            row = ReportRow(
                claim_id=report.claim_id,
                region=report.region,
                event_id=decision.event_id,
                status=body["status"],
                confidence=report.confidence,
                policy_number=(fields.get("policy_number") or {}).get("value"),
                incident_date=_iso_date((fields.get("incident_date") or {}).get("value")),
                damage_description=(fields.get("damage_description") or {}).get("value"),
                report=body,
            )
            written = await ReportStore.revise(conn, row, base_revision=decision.base_revision)
            if written is None:  # the lock makes this unreachable unless the event id was reused
                refusal = f"the report refused revision {revision} (event id already applied?)"
            else:
                headline = _headline(body, written, decision, report.confidence)
                status = INFORMATION_REQUESTED if decision.action == "request_information" else DECIDED
                await conn.execute(
                    _CLOSE,
                    decision.claim_id,
                    status,
                    written,
                    decision.event_id,
                    decision.reviewer,
                    decision.event_time,
                    headline["status"],
                )
                await self._record(
                    conn,
                    decision,
                    applied_revision=written,
                    refusal=None,
                    announced=headline,
                    assessed_confidence=report.confidence,
                )
                return Outcome(True, headline, None)
        await self._record(conn, decision, applied_revision=None, refusal=refusal, announced=None)
        return Outcome(False, None, refusal)

    @staticmethod
    async def _record(
        conn: asyncpg.Connection,
        decision: ClaimReviewed,
        *,
        applied_revision: int | None,
        refusal: str | None,
        announced: dict[str, Any] | None,
        assessed_confidence: float | None = None,
    ) -> None:
        await conn.execute(
            _RECORD_DECISION,
            decision.event_id,
            decision.claim_id,
            decision.region,
            decision.reviewer,
            decision.action,
            decision.reason_code,
            decision.note,
            [c.model_dump() for c in decision.corrections],
            decision.base_revision,
            decision.event_time,
            decision.qa_sample,
            assessed_confidence,
            applied_revision is not None,
            applied_revision,
            refusal,
            announced,
        )

    # -- reviewers --------------------------------------------------------------------------------

    async def save_reviewer(self, reviewer: Reviewer, password_hash: str | None) -> None:
        """Add or update a reviewer; a None `password_hash` keeps the stored one (if any)."""
        await self._dep.call(
            self._execute,
            _UPSERT_REVIEWER,
            reviewer.user_id,
            reviewer.display_name,
            password_hash,
            list(reviewer.roles),
            list(reviewer.regions),
            reviewer.active,
        )

    async def reviewer(self, user_id: str) -> tuple[Reviewer, str | None] | None:
        """The reviewer and their password hash, or None."""
        row = await self._dep.call(
            self._fetchrow,
            f"SELECT {_REVIEWER_COLUMNS}, password_hash FROM reviewer WHERE user_id = $1",
            user_id,
        )
        if row is None:
            return None
        data = dict(row)
        password_hash = data.pop("password_hash")
        data["roles"], data["regions"] = tuple(data["roles"]), tuple(data["regions"])
        return Reviewer.model_validate(data), password_hash

    async def set_password_hash(self, user_id: str, password_hash: str) -> None:
        """Replace a reviewer's hash (after a rehash with stronger parameters)."""
        await self._dep.call(
            self._execute,
            "UPDATE reviewer SET password_hash = $2, updated_at = now() WHERE user_id = $1",
            user_id,
            password_hash,
        )

    # -- plumbing ---------------------------------------------------------------------------------

    async def _fetch(self, query: str, *args: Any) -> builtins.list[asyncpg.Record]:
        return await self.pool.fetch(query, *args)

    async def _fetchrow(self, query: str, *args: Any) -> asyncpg.Record | None:
        return await self.pool.fetchrow(query, *args)

    async def _execute(self, query: str, *args: Any) -> str:
        return await self.pool.execute(query, *args)


def _refusal(
    decision: ClaimReviewed,
    report: Any,
    item: asyncpg.Record | None,
    reviewer: asyncpg.Record | None,
) -> str | None:
    """Why `decision` cannot be applied now, or None. A decision is a fact on the log; refusing it is too."""
    if report is None:
        return "the claim has no report"
    if report.region != decision.region:
        return f"the decision names region {decision.region}, the claim is in {report.region}"
    if reviewer is not None and (not reviewer["active"] or decision.region not in reviewer["regions"]):
        return f"{decision.reviewer} may not decide claims of {decision.region}"
    if item is None or item["status"] != PENDING:
        state = "not in the review queue" if item is None else item["status"]
        return f"the claim is {state}, not waiting for a review"
    if report.revision != decision.base_revision or item["revision"] != decision.base_revision:
        return (
            f"decided on revision {decision.base_revision}, but the report is at revision {report.revision}"
        )
    return None


__all__ = ["Outcome", "ReviewStore"]
