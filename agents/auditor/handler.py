"""Auditor: appends every message of every topic, byte for byte, to the keyed hash-chained audit log,
and publishes the chain's head outside the database at intervals.

Residency: a message of a claim in a region this deployment does not serve (`CLAIMFLOW_REGIONS`)
but topology.yaml declares (another deployment's) is recorded by its coordinates, event and claim
ids only: its value and headers are not kept, so another region's claim content never lands in
this deployment's database.
"""

from __future__ import annotations

import logging
from collections.abc import Sequence
from dataclasses import replace

from agents.events import AuditHead
from streams import (
    AuditLog,
    AuditRecord,
    Checkpoint,
    Event,
    RawAgent,
    RawRecord,
    SchemaError,
    audit_key,
    derived_event_id,
    key_id,
    load_codecs,
    utc_now,
)

CHAIN = "audit_log"

log = logging.getLogger(__name__)


class Auditor(RawAgent):
    """Every topic → audit_log (idempotent on the message's coordinates); the head → audit.heads."""

    async def start(self) -> None:
        settings = self.ctx.settings
        key = audit_key(settings.audit_key.get_secret_value() if settings.audit_key else None)
        self.key_id = key_id(key)
        self.audit_log = AuditLog(
            settings.postgres_dsn.get_secret_value(), self.ctx.dependency("postgres"), key=key
        )
        await self.audit_log.open()
        codecs = load_codecs(settings.schemas_dir)
        self.codec_of = {t.name: codecs[t.schema_name] for t in self.ctx.topology.topics.values()}
        self.published: Checkpoint | None = None
        self.regions = frozenset(settings.regions or self.ctx.topology.regions)

    async def stop(self) -> None:
        await self.audit_log.close()

    def _ids(self, record: RawRecord) -> tuple[str | None, str | None, bool]:
        """The event and claim ids, when the bytes decode (undecodable messages are audited all the same),
        and whether the message belongs to a region this deployment does not serve."""
        try:
            decoded = self.codec_of[record.topic].decode(record.value)
        except (KeyError, SchemaError):
            return None, record.key.decode("utf-8", "replace") if record.key else None, False
        region = str(decoded.get("region") or "").upper()
        foreign = region in self.ctx.topology.regions and region not in self.regions
        return decoded.get("event_id"), decoded.get("claim_id"), foreign

    async def handle_raw(self, records: Sequence[RawRecord]) -> None:
        rows = []
        for r in records:
            event_id, claim_id, foreign = self._ids(r)
            if foreign:
                r = replace(r, value=b"", headers=())
            rows.append(
                AuditRecord(
                    topic=r.topic,
                    partition=r.partition,
                    offset=r.offset,
                    timestamp_ms=r.timestamp_ms,
                    key=r.key,
                    value=r.value,
                    headers=list(r.headers),
                    event_id=event_id,
                    claim_id=claim_id,
                )
            )
        await self.audit_log.append(rows)

    def tick_interval_s(self) -> float | None:
        return self.ctx.settings.audit_head_interval_s

    async def tick(self) -> Sequence[Event]:
        """The head, when it moved since the last one published (a restart publishes it once more)."""
        head = await self.audit_log.checkpoint()
        if head is None or head == self.published:
            return []
        last = self.published
        if last is not None and (head.seq < last.seq or (head.seq == last.seq and head != last)):
            log.error(
                "audit log checkpoint went back from seq %d to seq %d: someone cut or rewrote the log "
                "in the database; not publishing it (claimflow audit verify)",
                last.seq,
                head.seq,
            )
            return []
        digest = head.hash.hex()
        return [
            AuditHead(
                event_id=derived_event_id(f"{CHAIN}/{head.seq}/{digest}", self.ctx.producer.name),
                claim_id="",
                region="",
                event_time=utc_now(),
                producer=self.ctx.producer.name,
                producer_version=self.ctx.producer.version,
                chain=CHAIN,
                seq=head.seq,
                rows=head.rows,
                hash=digest,
                key_id=self.key_id,
            )
        ]

    def tick_sent(self, outputs: Sequence[Event]) -> None:
        for head in outputs:
            if isinstance(head, AuditHead):
                self.published = Checkpoint(head.seq, head.rows, bytes.fromhex(head.hash))
