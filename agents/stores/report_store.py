"""Assessment reports in PostgreSQL: one row per claim, written idempotently by the reporter.

Kafka delivers at least once and topics get replayed, so the same assessment can arrive
many times. The row remembers every `event_id` applied to it: a redelivery or a replay
(of the latest assessment or an older one) changes nothing, while a genuine re-assessment
(an event_id never seen for the claim) replaces the content and bumps `revision`. The
decision is made by one `INSERT ... ON CONFLICT DO UPDATE ... WHERE` statement, so it is
race-free across any number of reporter processes.
"""

from __future__ import annotations

import builtins
import json
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

import asyncpg
from pydantic import BaseModel, ConfigDict, Field

from streams import PermanentError, PostgresStore

_DDL = """
CREATE TABLE IF NOT EXISTS report (
    claim_id           text             PRIMARY KEY,
    region             text             NOT NULL,
    event_id           text             NOT NULL,
    status             text             NOT NULL,
    confidence         double precision NOT NULL CHECK (confidence BETWEEN 0 AND 1),
    policy_number      text,
    incident_date      date,
    damage_description text,
    report             jsonb            NOT NULL,
    revision           integer          NOT NULL DEFAULT 1,
    event_ids          text[]           NOT NULL,
    created_at         timestamptz      NOT NULL DEFAULT now(),
    updated_at         timestamptz      NOT NULL DEFAULT now()
);
CREATE INDEX IF NOT EXISTS report_region_status ON report (region, status);
CREATE INDEX IF NOT EXISTS report_updated_at ON report (updated_at DESC);
CREATE INDEX IF NOT EXISTS report_policy_incident ON report (policy_number, incident_date);
-- Every revision a claim's report went through, as written: what `claimflow diff` compares.
CREATE TABLE IF NOT EXISTS report_revision (
    claim_id   text        NOT NULL,
    revision   integer     NOT NULL,
    event_id   text        NOT NULL,
    status     text        NOT NULL,
    report     jsonb       NOT NULL,
    written_at timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (claim_id, revision)
);
CREATE INDEX IF NOT EXISTS report_revision_written_at ON report_revision (written_at);
"""

DECIDED = ("approved", "declined")
"""A reviewer's final statuses: a machine's re-assessment never replaces them (it goes back to review)."""
NEEDS_REVIEW = "needs_review"

# `report` travels as JSON text (asyncpg would read nested lists in it as array dimensions).
# `<> ALL (event_ids)` is the idempotency rule: it covers `event_id IS DISTINCT FROM` the
# stored one and also an older assessment replayed after a newer one.
_SAVE = """
WITH saved AS (
INSERT INTO report AS r
    (claim_id, region, event_id, status, confidence, policy_number, incident_date, damage_description, report,
     event_ids)
SELECT t.claim_id, t.region, t.event_id, t.status, t.confidence, t.policy_number, t.incident_date,
       t.damage_description, t.report::jsonb, ARRAY[t.event_id]
FROM unnest(
    $1::text[], $2::text[], $3::text[], $4::text[], $5::float8[], $6::text[], $7::date[], $8::text[],
    $9::text[]
) AS t(claim_id, region, event_id, status, confidence, policy_number, incident_date, damage_description,
       report)
ON CONFLICT (claim_id) DO UPDATE
SET region = excluded.region, event_id = excluded.event_id,
    status = CASE WHEN r.status = ANY($10::text[]) THEN 'needs_review' ELSE excluded.status END,
    confidence = excluded.confidence, policy_number = excluded.policy_number,
    incident_date = excluded.incident_date, damage_description = excluded.damage_description,
    report = CASE WHEN r.status = ANY($10::text[])
        THEN excluded.report || jsonb_build_object('status', 'needs_review', 'decided_before', r.status)
        ELSE excluded.report END,
    revision = r.revision + 1, event_ids = r.event_ids || excluded.event_id,
    updated_at = now()
WHERE excluded.event_id <> ALL (r.event_ids)
RETURNING claim_id, revision, status, event_id, report
), kept AS (
INSERT INTO report_revision (claim_id, revision, event_id, status, report)
SELECT claim_id, revision, event_id, status, report FROM saved
ON CONFLICT DO NOTHING
)
SELECT claim_id, revision, status FROM saved
"""

_DUPLICATES = """
SELECT claim_id FROM report
WHERE region = $1 AND policy_number = $2 AND claim_id <> $3
  AND incident_date BETWEEN $4::date - $8::int AND $4::date + $8::int
  AND ((incident_date = $4 AND report -> 'fields' -> 'damage_type' ->> 'value' = $5)
       OR (report -> 'fields' -> 'claimed_amount' ->> 'value' = $6
           AND report -> 'fields' -> 'currency' ->> 'value' IS NOT DISTINCT FROM $7::text))
ORDER BY claim_id
"""
_REVISIONS = "SELECT claim_id, revision, status FROM report WHERE claim_id = ANY($1::text[])"

_COLUMNS = (
    "claim_id, region, event_id, status, confidence, policy_number, incident_date, damage_description, "
    "report, revision, created_at, updated_at"
)

_LOCK = f"SELECT {_COLUMNS} FROM report WHERE claim_id = $1 FOR UPDATE"

# A revision that is not an assessment (a reviewer's decision): only on top of the revision it was
# made against, and never twice for one event id (the same rule as `_SAVE`).
_REVISE = """
WITH revised AS (
UPDATE report
SET status = $2, confidence = $3, policy_number = $4, incident_date = $5, damage_description = $6,
    report = $7, event_id = $8, event_ids = event_ids || $8::text, revision = revision + 1, updated_at = now()
WHERE claim_id = $1 AND revision = $9 AND $8::text <> ALL (event_ids)
RETURNING claim_id, revision, event_id, status, report
), kept AS (
INSERT INTO report_revision (claim_id, revision, event_id, status, report)
SELECT claim_id, revision, event_id, status, report FROM revised
ON CONFLICT DO NOTHING
)
SELECT revision FROM revised
"""


class ReportStoreError(PermanentError):
    """The store refused a report (a value PostgreSQL rejects) or was used unopened; a retry cannot help."""


class ReportRow(BaseModel):
    """What the reporter writes for one assessed claim; `event_id` is the assessment's identity."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    claim_id: str = Field(min_length=1)
    region: str = Field(min_length=1)
    event_id: str = Field(min_length=1)
    status: str
    confidence: float = Field(ge=0.0, le=1.0)
    policy_number: str | None = None
    incident_date: date | None = None
    damage_description: str | None = None
    report: dict[str, Any]


class StoredReport(ReportRow):
    """A report as stored: the row plus how often it was re-assessed and when."""

    revision: int
    created_at: datetime
    updated_at: datetime


@dataclass(frozen=True)
class Saved:
    """A claim's report after a save: its revision and status."""

    revision: int
    status: str


class Revision(BaseModel):
    """One revision of a claim's report as it was written."""

    model_config = ConfigDict(frozen=True)

    claim_id: str
    revision: int
    event_id: str
    status: str
    report: dict[str, Any]
    written_at: datetime


def _rounds(rows: Sequence[ReportRow]) -> builtins.list[builtins.list[ReportRow]]:
    """Split a batch so no claim appears twice in one statement, keeping each claim's order.

    PostgreSQL refuses to update one row twice in one `ON CONFLICT DO UPDATE`; running the
    n-th row of each claim in the n-th statement gives the same result as saving one by one.
    """
    rounds: builtins.list[builtins.list[ReportRow]] = []
    seen: dict[str, int] = {}
    for row in rows:
        index = seen.get(row.claim_id, 0)
        seen[row.claim_id] = index + 1
        if index == len(rounds):
            rounds.append([])
        rounds[index].append(row)
    return rounds


class ReportStore(PostgresStore):
    """The report table behind the reporter and the report API."""

    ddl = _DDL
    schema_lock = "claimflow.report_store.schema"
    error = ReportStoreError
    display_name = "ReportStore"

    async def save(self, reports: Sequence[ReportRow]) -> int:
        """Save a batch in one transaction; returns how many rows were inserted or re-assessed.

        Rows whose event_id the claim has already seen are skipped, so a retried or replayed
        batch returns 0 and changes nothing.
        """
        if not reports:
            return 0
        changed, _ = await self._dep.call(self._save, reports)
        return changed

    async def save_with_revisions(self, reports: Sequence[ReportRow]) -> dict[str, int]:
        """Save a batch like `save`, and return every claim's revision after it (one round trip less)."""
        return {claim: saved.revision for claim, saved in (await self.save_with_outcomes(reports)).items()}

    async def save_with_outcomes(self, reports: Sequence[ReportRow]) -> dict[str, Saved]:
        """Save a batch like `save`, and return every claim's revision and status after it.

        The status is the row's unless a reviewer had approved or declined the claim: then the
        re-assessment is stored as a revision that needs review again (`decided_before` in the report).
        """
        if not reports:
            return {}
        _, outcomes = await self._dep.call(self._save, reports, all_revisions=True)
        return outcomes

    async def _save(
        self, reports: Sequence[ReportRow], *, all_revisions: bool = False
    ) -> tuple[int, dict[str, Saved]]:
        """Rows changed, and the outcome of each claim written (of every claim with `all_revisions`)."""
        changed = 0
        revisions: dict[str, Saved] = {}
        try:
            async with self.pool.acquire() as conn, conn.transaction():
                for batch in _rounds(reports):
                    ordered = sorted(batch, key=lambda r: r.claim_id)  # one lock order for every writer
                    written = await conn.fetch(
                        _SAVE,
                        [r.claim_id for r in ordered],
                        [r.region for r in ordered],
                        [r.event_id for r in ordered],
                        [r.status for r in ordered],
                        [r.confidence for r in ordered],
                        [r.policy_number for r in ordered],
                        [r.incident_date for r in ordered],
                        [r.damage_description for r in ordered],
                        [json.dumps(r.report) for r in ordered],
                        builtins.list(DECIDED),
                    )
                    changed += len(written)
                    revisions.update(
                        (row["claim_id"], Saved(row["revision"], row["status"])) for row in written
                    )
                unchanged = sorted({r.claim_id for r in reports} - revisions.keys())
                if all_revisions and unchanged:  # replayed assessments: the stored revision stands
                    stored = await conn.fetch(_REVISIONS, unchanged)
                    revisions.update(
                        (row["claim_id"], Saved(row["revision"], row["status"])) for row in stored
                    )
        except (asyncpg.DataError, asyncpg.IntegrityConstraintViolationError) as exc:
            raise ReportStoreError(f"report store refused {len(reports)} reports: {exc}") from exc
        return changed, revisions

    @staticmethod
    async def lock(conn: asyncpg.Connection, claim_id: str) -> StoredReport | None:
        """The claim's report, locked until `conn`'s transaction ends (for a revision made elsewhere)."""
        row = await conn.fetchrow(_LOCK, claim_id)
        return None if row is None else StoredReport.model_validate(dict(row))

    @staticmethod
    async def revise(conn: asyncpg.Connection, row: ReportRow, *, base_revision: int) -> int | None:
        """Write `row` as the revision after `base_revision` in `conn`'s transaction; returns the new one.

        None when the report is no longer at `base_revision` or already holds `row.event_id`: the
        caller decided on something that changed, or is replaying.
        """
        try:
            revision = await conn.fetchval(
                _REVISE,
                row.claim_id,
                row.status,
                row.confidence,
                row.policy_number,
                row.incident_date,
                row.damage_description,
                row.report,
                row.event_id,
                base_revision,
            )
        except (asyncpg.DataError, asyncpg.IntegrityConstraintViolationError) as exc:
            raise ReportStoreError(f"report store refused revision of {row.claim_id}: {exc}") from exc
        return None if revision is None else int(revision)

    async def get(self, claim_id: str) -> StoredReport | None:
        """The claim's current report, or None if it has none yet."""
        row = await self._dep.call(
            self.pool.fetchrow, f"SELECT {_COLUMNS} FROM report WHERE claim_id = $1", claim_id
        )
        return None if row is None else StoredReport.model_validate(dict(row))

    async def find_duplicates(
        self,
        *,
        region: str,
        policy_number: str,
        incident_date: date,
        damage_type: str | None,
        exclude_claim_id: str,
        claimed_amount: str | None = None,
        currency: str | None = None,
        window_days: int = 0,
    ) -> builtins.list[str]:
        """Other claims already reported for possibly the same loss: the same policy, and the same
        incident date and damage type, or the same amount and currency for a loss within
        `window_days` (what `agents.assessment.LossKey.same_loss` says of two claims).

        The validator's duplicate rule asks before the claim's own report exists; the claim
        itself is excluded so a redelivery or a replay never finds itself.
        """
        rows = await self._dep.call(
            self.pool.fetch,
            _DUPLICATES,
            region,
            policy_number,
            exclude_claim_id,
            incident_date,
            damage_type,
            claimed_amount,
            currency,
            window_days,
        )
        return [row["claim_id"] for row in rows]

    async def revisions(self, claim_id: str) -> builtins.list[Revision]:
        """Every revision of the claim's report, oldest first (empty before its first report)."""
        query = (
            "SELECT claim_id, revision, event_id, status, report, written_at FROM report_revision "
            "WHERE claim_id = $1 ORDER BY revision"
        )
        rows = await self._dep.call(self.pool.fetch, query, claim_id)
        return [Revision.model_validate(dict(row)) for row in rows]

    async def revised_since(self, since: datetime) -> builtins.list[str]:
        """Claims whose report got a second or later revision at or after `since` (re-assessed or decided)."""
        query = (
            "SELECT DISTINCT claim_id FROM report_revision WHERE written_at >= $1 AND revision > 1 "
            "ORDER BY claim_id"
        )
        return [row["claim_id"] for row in await self._dep.call(self.pool.fetch, query, since)]

    async def applied_events(self, claim_ids: Sequence[str]) -> dict[str, tuple[int, builtins.list[str]]]:
        """Each given claim's revision and the event ids applied to it, in order (no report: left out).

        What a check of "no revision without a cause" needs: one event id per revision.
        """
        query = "SELECT claim_id, revision, event_ids FROM report WHERE claim_id = ANY($1::text[])"
        rows = await self._dep.call(self.pool.fetch, query, builtins.list(claim_ids))
        return {row["claim_id"]: (int(row["revision"]), builtins.list(row["event_ids"])) for row in rows}

    async def count(self) -> int:
        """How many claims have a report."""
        return int(await self._dep.call(self.pool.fetchval, "SELECT count(*) FROM report"))

    async def list(
        self, claim_ids: Sequence[str] | None = None, limit: int = 100
    ) -> builtins.list[StoredReport]:
        """Reports, most recently updated first: the given claims', or the latest `limit` of all."""
        if claim_ids is None:
            query = f"SELECT {_COLUMNS} FROM report ORDER BY updated_at DESC, claim_id LIMIT $1"
            rows = await self._dep.call(self.pool.fetch, query, limit)
        else:
            query = (
                f"SELECT {_COLUMNS} FROM report WHERE claim_id = ANY($1::text[]) "
                "ORDER BY updated_at DESC, claim_id LIMIT $2"
            )
            rows = await self._dep.call(self.pool.fetch, query, builtins.list(claim_ids), limit)
        return [StoredReport.model_validate(dict(row)) for row in rows]
