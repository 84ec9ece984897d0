"""`claimflow audit verify`: the keyed chain in PostgreSQL against the head published on the log."""

from __future__ import annotations

import asyncio
from dataclasses import dataclass
from pathlib import Path

from agents.events import AuditHead
from streams import AuditLog, Checkpoint, Settings, Topology, audit_key, get_codec, key_id, load_topology
from streams.kafka_io import read_topic
from streams.kafka_security import KafkaConnection


@dataclass(frozen=True)
class PublishedHead:
    """The furthest head on the topic, which key made it, and whether the heads ever went backwards."""

    checkpoint: Checkpoint
    key_id: str
    offset: int
    heads: int
    backwards: str | None = None


def published_head(kafka: KafkaConnection, topology: Topology, schemas_dir: Path) -> PublishedHead | None:
    """Every head on the audit-heads topic, streamed: the furthest one (None before any was published).

    An honest auditor's heads only move forward; one that goes back means the log was cut and an
    auditor restarted on it, so that is reported too. Memory stays constant however long the topic.
    """
    spec = topology.topic_for_schema(AuditHead.avro_schema)
    codec = get_codec(schemas_dir, spec.schema_name)
    furthest: PublishedHead | None = None
    backwards: str | None = None
    count = 0
    for msg in read_topic(kafka, spec):
        head = AuditHead(**codec.decode(msg.value()))
        count += 1
        if furthest is not None and head.seq < furthest.checkpoint.seq and backwards is None:
            backwards = (
                f"a head published at offset {msg.offset()} goes back to seq {head.seq} after seq "
                f"{furthest.checkpoint.seq} was published: the log was cut while the auditor ran on"
            )
        if furthest is None or head.seq >= furthest.checkpoint.seq:
            furthest = PublishedHead(
                Checkpoint(head.seq, head.rows, bytes.fromhex(head.hash)), head.key_id, msg.offset(), count
            )
    if furthest is None:
        return None
    return PublishedHead(furthest.checkpoint, furthest.key_id, furthest.offset, count, backwards)


def verify_audit(settings: Settings, *, database_only: bool = False) -> tuple[bool, str]:
    """Whether the log is intact, and a line saying so or where it breaks.

    Raises `AuditKeyMissing` without a key, `DependencyUnavailable` when the head cannot be read.
    """
    key = audit_key(settings.audit_key.get_secret_value() if settings.audit_key else None)
    published = (
        None
        if database_only
        else published_head(settings.kafka(), load_topology(settings.topology_file), settings.schemas_dir)
    )
    if published is not None and published.backwards:
        return False, published.backwards
    if published is not None and published.key_id != key_id(key):
        return False, (
            f"the published head was made with audit key {published.key_id}, this key is {key_id(key)}: "
            "verify with the key the auditor runs with"
        )
    return asyncio.run(_verify(settings.postgres_dsn.get_secret_value(), key, published))


async def _verify(dsn: str, key: bytes, published: PublishedHead | None) -> tuple[bool, str]:
    async with AuditLog(dsn, key=key) as log:
        result = await log.verify(published.checkpoint if published else None)
    if not result.ok:
        return False, f"chain broken at seq {result.first_bad_seq}: {result.reason}"
    against = (
        f"; it reaches the furthest of {published.heads} heads published outside the database "
        f"(seq {published.checkpoint.seq})"
        if published
        else "; no head published outside the database yet"
    )
    return True, f"{result.rows} rows, chain intact{against}"
