"""Auditor: appends every message of every topic, byte for byte, to the hash-chained audit log."""

from __future__ import annotations

from collections.abc import Sequence

from streams import AuditLog, AuditRecord, RawAgent, RawRecord, SchemaError, load_codecs


class Auditor(RawAgent):
    """Every topic → audit_log (idempotent on the message's coordinates)."""

    async def start(self) -> None:
        self.log = AuditLog(self.ctx.settings.postgres_dsn, self.ctx.dependency("postgres"))
        await self.log.open()
        codecs = load_codecs(self.ctx.settings.schemas_dir)
        self.codec_of = {t.name: codecs[t.schema_name] for t in self.ctx.topology.topics.values()}

    async def stop(self) -> None:
        await self.log.close()

    def _ids(self, record: RawRecord) -> tuple[str | None, str | None]:
        """The event and claim ids, when the bytes decode (undecodable messages are audited all the same)."""
        try:
            decoded = self.codec_of[record.topic].decode(record.value)
        except (KeyError, SchemaError):
            return None, record.key.decode("utf-8", "replace") if record.key else None
        return decoded.get("event_id"), decoded.get("claim_id")

    async def handle_raw(self, records: Sequence[RawRecord]) -> None:
        rows = []
        for r in records:
            event_id, claim_id = self._ids(r)
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
        await self.log.append(rows)
