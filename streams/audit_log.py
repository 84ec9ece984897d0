"""An append-only, keyed hash chain of every message on every topic, in PostgreSQL.

Each row's hash is an HMAC-SHA256, under a key that is never in the database, of the previous
row's hash and every content column: altering, deleting, inserting or reordering any row breaks
the chain from that row on, and someone with full rights on the database cannot forge a new chain
without the key. A one-row checkpoint (`audit_log_head`) written in the same transaction as each
batch exposes a truncated tail; because that row is in the database too, the auditor also
publishes the head outside it (`Checkpoint`, on the log), and `verify(published=...)` checks the
chain still reaches the published row with the published hash, so cutting the tail, or putting
an older copy of the database back, is detected as well.

The log is platform code: it records Kafka coordinates and bytes and knows nothing about
claims beyond the `event_id` and `claim_id` the caller read from the message.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import logging
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

import asyncpg

from streams.errors import PermanentError
from streams.postgres import PostgresStore, lock_key
from streams.resilience import Dependency

log = logging.getLogger(__name__)

GENESIS_HASH = bytes(32)
"""The `prev_hash` of the first row: there is nothing before it to chain to."""

MIN_KEY_BYTES = 32
"""The shortest audit key accepted: as long as the hash, so guessing it is no easier than forging one."""

_HASH_VERSION = b"claimflow.audit/2"
_EPOCH = datetime(1970, 1, 1, tzinfo=UTC)
_MICROSECOND = timedelta(microseconds=1)
_VERIFY_PAGE = 2000
_BROKEN_LINK = (
    "prev_hash is not the hash of the row before: a row was altered, deleted, inserted or reordered"
)
_ALTERED = "content does not match its hash: the row was altered"


_APPEND_LOCK = lock_key("claimflow.audit_log.append")

_DDL = """
CREATE TABLE IF NOT EXISTS audit_log (
    seq          bigserial   PRIMARY KEY,
    topic        text        NOT NULL,
    partition    integer     NOT NULL,
    "offset"     bigint      NOT NULL,
    timestamp_ms bigint      NOT NULL,
    key          bytea,
    value        bytea       NOT NULL,
    headers      jsonb       NOT NULL,
    event_id     text,
    claim_id     text,
    recorded_at  timestamptz NOT NULL,
    prev_hash    bytea       NOT NULL,
    hash         bytea       NOT NULL,
    CONSTRAINT audit_log_message_once UNIQUE (topic, partition, "offset", timestamp_ms)
);
CREATE INDEX IF NOT EXISTS audit_log_claim_id ON audit_log (claim_id) WHERE claim_id IS NOT NULL;
CREATE INDEX IF NOT EXISTS audit_log_event_id ON audit_log (event_id) WHERE event_id IS NOT NULL;

CREATE TABLE IF NOT EXISTS audit_log_head (
    id        smallint PRIMARY KEY CHECK (id = 1),
    last_seq  bigint   NOT NULL,
    last_hash bytea    NOT NULL,
    rows      bigint   NOT NULL
);

CREATE OR REPLACE FUNCTION audit_log_refuse_change() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    RAISE EXCEPTION 'audit_log is append-only: % refused', TG_OP USING ERRCODE = 'insufficient_privilege';
END
$$;
CREATE OR REPLACE TRIGGER audit_log_append_only
    BEFORE UPDATE OR DELETE ON audit_log FOR EACH ROW EXECUTE FUNCTION audit_log_refuse_change();
CREATE OR REPLACE TRIGGER audit_log_no_truncate
    BEFORE TRUNCATE ON audit_log FOR EACH STATEMENT EXECUTE FUNCTION audit_log_refuse_change();
"""

_COLUMNS = (
    'seq, topic, partition, "offset", timestamp_ms, key, value, headers, event_id, claim_id, recorded_at'
)

_FIND_EXISTING = """
SELECT t.i
FROM unnest($1::text[], $2::integer[], $3::bigint[], $4::bigint[])
     WITH ORDINALITY AS t(topic, partition, off, ts, i)
WHERE EXISTS (
    SELECT 1 FROM audit_log a
    WHERE a.topic = t.topic AND a.partition = t.partition AND a."offset" = t.off AND a.timestamp_ms = t.ts
)
"""

_INSERT = f"""
INSERT INTO audit_log ({_COLUMNS}, prev_hash, hash)
SELECT seq, topic, partition, off, ts, key, value, headers::jsonb, event_id, claim_id, recorded_at,
       prev_hash, hash
FROM unnest(
    $1::bigint[], $2::text[], $3::integer[], $4::bigint[], $5::bigint[], $6::bytea[], $7::bytea[],
    $8::text[], $9::text[], $10::text[], $11::timestamptz[], $12::bytea[], $13::bytea[]
) AS t(seq, topic, partition, off, ts, key, value, headers, event_id, claim_id, recorded_at, prev_hash, hash)
ON CONFLICT (topic, partition, "offset", timestamp_ms) DO NOTHING
RETURNING seq
"""

_MOVE_HEAD = """
INSERT INTO audit_log_head (id, last_seq, last_hash, rows) VALUES (1, $1, $2, $3)
ON CONFLICT (id) DO UPDATE
SET last_seq = excluded.last_seq, last_hash = excluded.last_hash, rows = audit_log_head.rows + excluded.rows
"""

_TAIL = """
SELECT (SELECT hash FROM audit_log ORDER BY seq DESC LIMIT 1) AS last_hash,
       clock_timestamp() AS now,
       (SELECT array_agg(nextval(pg_get_serial_sequence('audit_log', 'seq')))
        FROM generate_series(1, $1)) AS seqs
"""

_MAX_SEQ = "SELECT max(seq) FROM audit_log"

_PAGE = f"""
SELECT {_COLUMNS}, prev_hash, hash FROM audit_log
WHERE seq > $1 AND seq <= $2 ORDER BY seq LIMIT $3
"""


class AuditLogError(PermanentError):
    """The log refused a batch (a value PostgreSQL rejects) or was used unopened; a retry cannot help."""


class AuditKeyMissing(AuditLogError):
    """Appending or verifying needs the audit key, and none (or too short a one) was given."""


def audit_key(secret: str | None) -> bytes:
    """The key bytes of `CLAIMFLOW_AUDIT_KEY`; a clear error when it is unset or too short."""
    key = (secret or "").encode()
    if len(key) < MIN_KEY_BYTES:
        raise AuditKeyMissing(
            "the audit chain needs a key outside the database: set CLAIMFLOW_AUDIT_KEY to a random "
            f"secret of at least {MIN_KEY_BYTES} characters (`claimflow dev up` makes one for its stack)"
        )
    return key


def key_id(key: bytes) -> str:
    """A fingerprint of `key` that reveals nothing of it: which key made a chain, after a rotation."""
    return hmac.new(key, b"claimflow.audit.key-id", hashlib.sha256).hexdigest()[:16]


@dataclass(frozen=True)
class Checkpoint:
    """The chain's head: the last row, its keyed hash and how many rows lead to it."""

    seq: int
    rows: int
    hash: bytes


@dataclass(frozen=True)
class AuditRecord:
    """One Kafka message as the auditor saw it; (topic, partition, offset, timestamp_ms) identifies it."""

    topic: str
    partition: int
    offset: int
    timestamp_ms: int
    key: bytes | None
    value: bytes
    headers: list[tuple[str, bytes | None]]
    event_id: str | None
    claim_id: str | None


@dataclass(frozen=True)
class AuditEntry:
    """One row of the log as read back: its place in the chain, the message, and when it was recorded."""

    seq: int
    record: AuditRecord
    recorded_at: datetime


@dataclass(frozen=True)
class VerifyResult:
    """The outcome of re-walking the chain: where it first breaks and why, or `ok`."""

    ok: bool
    rows: int
    first_bad_seq: int | None
    reason: str


def _bytes_field(data: bytes | None) -> bytes:
    """Length-prefixed, with NULL distinct from empty, so no two field lists encode alike."""
    if data is None:
        return b"\x00"
    return b"\x01" + len(data).to_bytes(8, "big") + data


def _text_field(text: str | None) -> bytes:
    return _bytes_field(None if text is None else text.encode())


def _int_field(number: int) -> bytes:
    return number.to_bytes(8, "big", signed=True)


def canonical_bytes(seq: int, record: AuditRecord, recorded_at: datetime) -> bytes:
    """The exact bytes a row's hash covers: every content column in a fixed, unambiguous encoding."""
    parts = [
        _HASH_VERSION,
        _int_field(seq),
        _text_field(record.topic),
        _int_field(record.partition),
        _int_field(record.offset),
        _int_field(record.timestamp_ms),
        _bytes_field(record.key),
        _bytes_field(record.value),
        _int_field(len(record.headers)),
    ]
    for name, value in record.headers:
        parts += (_text_field(name), _bytes_field(value))
    parts += (
        _text_field(record.event_id),
        _text_field(record.claim_id),
        _int_field((recorded_at - _EPOCH) // _MICROSECOND),
    )
    return b"".join(parts)


def chain_hash(key: bytes, prev_hash: bytes, seq: int, record: AuditRecord, recorded_at: datetime) -> bytes:
    """HMAC-SHA256(key, prev_hash || canonical content): the link that makes any later edit visible."""
    return hmac.new(key, prev_hash + canonical_bytes(seq, record, recorded_at), hashlib.sha256).digest()


def _headers_json(headers: Sequence[tuple[str, bytes | None]]) -> list[list[str | None]]:
    """Headers as a JSON array of [name, base64 value] pairs: queryable, order kept, bytes exact.

    Sent as text and cast in SQL: asyncpg would read a nested list as a multi-dimensional array.
    """
    return [[name, None if value is None else base64.b64encode(value).decode()] for name, value in headers]


def _headers_from_json(pairs: list[list[str | None]]) -> list[tuple[str, bytes | None]]:
    return [(str(name), None if value is None else base64.b64decode(value)) for name, value in pairs]


def record_of_row(row: asyncpg.Record) -> AuditRecord:
    """The message a row of `audit_log` records (what its hash covers, with its seq and recorded_at)."""
    return AuditRecord(
        topic=row["topic"],
        partition=row["partition"],
        offset=row["offset"],
        timestamp_ms=row["timestamp_ms"],
        key=row["key"],
        value=row["value"],
        headers=_headers_from_json(row["headers"]),
        event_id=row["event_id"],
        claim_id=row["claim_id"],
    )


class AuditLog(PostgresStore):
    """The audit log table: batched, deduplicated, serialised appends and a streaming verifier.

    Use as `async with AuditLog(dsn, key=...) as audit:`, or await `open()` and `close()`.
    Reading a claim's rows needs no key; appending and verifying do (`audit_key`).
    """

    ddl = _DDL
    schema_lock = "claimflow.audit_log.schema"
    error = AuditLogError
    display_name = "AuditLog"

    def __init__(self, dsn: str, dependency: Dependency | None = None, *, key: bytes | None = None) -> None:
        super().__init__(dsn, dependency)
        self._key = key

    @property
    def key(self) -> bytes:
        if self._key is None:
            raise AuditKeyMissing("this AuditLog was opened without the audit key (CLAIMFLOW_AUDIT_KEY)")
        return self._key

    async def append(self, records: Sequence[AuditRecord]) -> int:
        """Append a batch in order, skipping messages already recorded; returns the rows appended.

        One transaction holds the append lock for the whole batch, so batches from any number
        of processes form one chain. A retry after a lost commit re-runs the transaction and
        finds the committed rows already there, so the batch is never recorded twice.
        """
        if not records:
            return 0
        key = self.key

        async def run() -> int:
            try:
                async with self.pool.acquire() as conn, conn.transaction():
                    return await self._append_locked(conn, records, key)
            except (asyncpg.DataError, asyncpg.IntegrityConstraintViolationError) as exc:
                raise AuditLogError(f"audit batch of {len(records)} refused: {exc}") from exc

        return await self._dep.call(run)

    async def _append_locked(
        self, conn: asyncpg.Connection, records: Sequence[AuditRecord], key: bytes
    ) -> int:
        await conn.execute("SELECT pg_advisory_xact_lock($1)", _APPEND_LOCK)
        fresh = await self._new_records(conn, records)
        if not fresh:
            return 0
        tail = await conn.fetchrow(_TAIL, len(fresh))
        prev_hash: bytes = tail["last_hash"] or GENESIS_HASH
        recorded_at: datetime = tail["now"]
        # Sequence values taken under the lock are increasing; sorting makes batch order seq order.
        seqs: list[int] = sorted(tail["seqs"])
        prev_hashes: list[bytes] = []
        hashes: list[bytes] = []
        for seq, record in zip(seqs, fresh, strict=True):
            prev_hashes.append(prev_hash)
            prev_hash = chain_hash(key, prev_hash, seq, record, recorded_at)
            hashes.append(prev_hash)
        inserted = await conn.fetch(
            _INSERT,
            seqs,
            [r.topic for r in fresh],
            [r.partition for r in fresh],
            [r.offset for r in fresh],
            [r.timestamp_ms for r in fresh],
            [r.key for r in fresh],
            [r.value for r in fresh],
            [json.dumps(_headers_json(r.headers)) for r in fresh],
            [r.event_id for r in fresh],
            [r.claim_id for r in fresh],
            [recorded_at] * len(fresh),
            prev_hashes,
            hashes,
        )
        if len(inserted) != len(fresh):
            # Only possible if something wrote audit_log without the append lock; a partial
            # batch would leave a gap in the chain, so refuse the whole batch instead.
            raise AuditLogError(f"{len(fresh) - len(inserted)} rows appeared outside the append lock")
        await conn.execute(_MOVE_HEAD, seqs[-1], hashes[-1], len(fresh))
        return len(fresh)

    @staticmethod
    async def _new_records(conn: asyncpg.Connection, records: Sequence[AuditRecord]) -> list[AuditRecord]:
        """The batch minus messages already in the log and minus repeats within the batch, order kept."""
        existing = {
            row["i"] - 1
            for row in await conn.fetch(
                _FIND_EXISTING,
                [r.topic for r in records],
                [r.partition for r in records],
                [r.offset for r in records],
                [r.timestamp_ms for r in records],
            )
        }
        seen: set[tuple[str, int, int, int]] = set()
        fresh: list[AuditRecord] = []
        for index, record in enumerate(records):
            ident = (record.topic, record.partition, record.offset, record.timestamp_ms)
            if index in existing or ident in seen:
                continue
            seen.add(ident)
            fresh.append(record)
        if len(fresh) < len(records):
            log.debug("audit: %d of %d records already recorded", len(records) - len(fresh), len(records))
        return fresh

    async def checkpoint(self) -> Checkpoint | None:
        """The head the appends have recorded so far (None for an empty log): what the auditor publishes."""
        head = await self._dep.call(self._fetchrow, "SELECT last_seq, last_hash, rows FROM audit_log_head")
        return None if head is None else Checkpoint(head["last_seq"], head["rows"], head["last_hash"])

    async def verify(self, published: Checkpoint | None = None) -> VerifyResult:
        """Recompute the keyed chain from genesis, one keyset page at a time, and say where it first breaks.

        `published` is a head read from outside the database (the auditor's topic): the chain
        must still reach its row with its hash after as many rows, whatever the in-database
        checkpoint says. Pages (`seq > last ORDER BY seq LIMIT n`, an index range scan) rather
        than one long cursor: memory stays bounded, and each page is its own short call that the
        dependency's timeout and retries can protect. The walk stops at the checkpoint read
        first, so rows appended meanwhile are neither half-seen nor reported as a mismatch.
        """
        key = self.key
        head = await self._dep.call(self._fetchrow, "SELECT last_seq, last_hash, rows FROM audit_log_head")
        end = head["last_seq"] if head is not None else await self._dep.call(self._fetchval, _MAX_SEQ)
        if published is not None:
            end = max(end or 0, published.seq)
        expected_prev = GENESIS_HASH
        after, rows = 0, 0
        reached: VerifyResult | None = None
        while True:
            page = await self._dep.call(self._fetch, _PAGE, after, end or 0, _VERIFY_PAGE)
            for row in page:
                seq = row["seq"]
                if row["prev_hash"] != expected_prev:
                    return VerifyResult(False, rows, seq, _BROKEN_LINK)
                if chain_hash(key, expected_prev, seq, record_of_row(row), row["recorded_at"]) != row["hash"]:
                    return VerifyResult(False, rows, seq, _ALTERED)
                expected_prev = row["hash"]
                rows += 1
                after = seq
                if published is not None and seq == published.seq:
                    reached = self._check_published(published, rows, row["hash"])
                    if not reached.ok:
                        return reached
            if len(page) < _VERIFY_PAGE:
                break
        if published is not None and reached is None:
            return VerifyResult(
                False,
                rows,
                published.seq,
                f"the head published outside the database names seq {published.seq} after "
                f"{published.rows} rows, but the chain ends at seq {after} after {rows} rows: "
                "rows were removed or an older copy of the log was put back",
            )
        return self._check_head(head, rows, after, expected_prev)

    @staticmethod
    def _check_published(published: Checkpoint, rows: int, row_hash: bytes) -> VerifyResult:
        if row_hash != published.hash or rows != published.rows:
            return VerifyResult(
                False,
                rows,
                published.seq,
                f"row seq {published.seq} does not match the head published outside the database "
                f"({rows} rows up to it, {published.rows} published): the log was rewritten",
            )
        return VerifyResult(True, rows, None, "published head reached")

    @staticmethod
    def _check_head(head: asyncpg.Record | None, rows: int, last_seq: int, last_hash: bytes) -> VerifyResult:
        """The chain verified; now make sure it is as long as the appends said it would be."""
        if head is None:
            if rows:
                return VerifyResult(False, rows, last_seq, "checkpoint audit_log_head is missing")
            return VerifyResult(True, 0, None, "empty log")
        if rows != head["rows"] or last_seq != head["last_seq"] or last_hash != head["last_hash"]:
            reason = (
                f"chain ends at seq {last_seq} after {rows} rows but the checkpoint says seq "
                f"{head['last_seq']} after {head['rows']} rows: rows were removed from the end"
            )
            return VerifyResult(False, rows, head["last_seq"], reason)
        return VerifyResult(True, rows, None, f"{rows} rows verified")

    async def for_claim(self, claim_id: str, *, limit: int = 1000) -> list[AuditEntry]:
        """Every message recorded for `claim_id`, in log order (the first `limit`); dead letters included."""
        rows = await self._dep.call(
            self._fetch,
            f"SELECT {_COLUMNS} FROM audit_log WHERE claim_id = $1 ORDER BY seq LIMIT $2",
            claim_id,
            limit,
        )
        return [AuditEntry(row["seq"], record_of_row(row), row["recorded_at"]) for row in rows]

    async def _fetch(self, query: str, *args: Any) -> list[asyncpg.Record]:
        return await self.pool.fetch(query, *args)

    async def _fetchrow(self, query: str, *args: Any) -> asyncpg.Record | None:
        return await self.pool.fetchrow(query, *args)

    async def _fetchval(self, query: str, *args: Any) -> Any:
        return await self.pool.fetchval(query, *args)
