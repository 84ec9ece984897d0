"""How every FAISS worker learns that clauses changed, and says it has caught up.

`PolicyUpdated` events are a broadcast, not work to share: a worker that owns partition 0
of the retrieval requests answers EU claims just as much as one owning partition 2, so each
worker process must see every update. A consumer group would hand each update to one
member only, and a group per process would leave an orphaned group behind every restart
(and cost a join on the embedded broker), so `PolicyUpdateFollower` reads all partitions
of the topic by assignment, without a group and without committing.

Where it starts reading is what makes it correct: it takes the topic's end offsets
*before* the worker loads its shard from Milvus. An update published before that point
finished its Milvus upsert before the load began (the loader publishes after upserting),
so the load contains it; one published after is read and applied. Nothing falls in between,
and a worker can join or restart at any time.

The clause version numbers the loads: one row per load in PostgreSQL (`ClauseVersionLog`),
carried in the load's events. It must never go backwards, or `policies load --wait` returns
before any worker applied the load (the workers already acknowledged a higher number) and the
versions on the log stop ordering the loads. It used to be a Redis counter, which the
embedded Redis (no persistence) forgot on every restart; a production Redis can lose it too
(eviction, an asynchronous replica promoted, an AOF that syncs once a second). PostgreSQL
already holds the policy book it numbers, with the same durability, so the number lives
next to what it counts; making Redis persistent would only have made the dev stack right.

Redis keeps what may be forgotten: each live worker's acknowledged version, a key with a TTL
that the worker renews every second, so an operator or a test can wait until every worker
has applied a load. After a Redis restart they are back at each worker's next round (its retries
back off to 30 s while Redis is away).
"""

from __future__ import annotations

import asyncio
import logging
import time
from collections.abc import Sequence

import redis.asyncio as aioredis
from aiokafka import AIOKafkaConsumer, TopicPartition
from aiokafka.errors import KafkaError
from pydantic import ValidationError

from agents.events import PolicyUpdated
from streams import (
    AvroCodec,
    DecodeError,
    Dependency,
    DependencyUnavailable,
    KafkaConnection,
    PermanentError,
    PostgresStore,
    TopicSpec,
)

log = logging.getLogger(__name__)

# Where the counter lived before it moved to PostgreSQL; read once per load as a floor, so an
# upgraded deployment continues from its old number instead of starting again at 1.
LEGACY_VERSION_KEY = "claimflow:clauses:version"
APPLIED_PREFIX = "claimflow:clauses:applied:"
# A worker refreshes its acknowledgement about every second; one that stops for this long
# (crashed, hung) no longer counts as a worker that has to catch up.
APPLIED_TTL_S = 15


_VERSION_DDL = """
CREATE TABLE IF NOT EXISTS clause_version (
    version   bigint      PRIMARY KEY CHECK (version > 0),
    regions   text[]      NOT NULL,
    loaded_at timestamptz NOT NULL DEFAULT now()
);
"""

# The table lock serialises concurrent loads, so two never take the same number; loads are rare.
_BUMP = """
INSERT INTO clause_version (version, regions)
SELECT greatest(coalesce(max(version), 0), $2) + 1, $1 FROM clause_version
RETURNING version
"""


class ClauseVersionError(PermanentError):
    """The clause version log was used before it was opened."""


class ClauseVersionLog(PostgresStore):
    """The clause version: every policy load, numbered upwards, in PostgreSQL (see the module docstring)."""

    ddl = _VERSION_DDL
    schema_lock = "claimflow.clause_version.schema"
    error = ClauseVersionError
    display_name = "ClauseVersionLog"

    async def current(self) -> int:
        """The version of the latest load that has finished upserting (0 before any)."""
        return int(
            await self._dep.call(self.pool.fetchval, "SELECT coalesce(max(version), 0) FROM clause_version")
        )

    async def bump(self, regions: Sequence[str], *, at_least: int = 0) -> int:
        """Number a new load of `regions`: one more than any before it and than `at_least`.

        Called after the load's Milvus upsert, before its events are published.
        """

        async def insert() -> int:
            async with self.pool.acquire() as conn, conn.transaction():
                await conn.execute("LOCK TABLE clause_version IN SHARE ROW EXCLUSIVE MODE")
                return int(await conn.fetchval(_BUMP, list(regions), at_least))

        return await self._dep.call(insert)


class ClauseVersion:
    """The versions workers acknowledge in Redis, and waiting until they all applied a load."""

    def __init__(self, redis_url: str, dependency: Dependency | None = None) -> None:
        self.client = aioredis.Redis.from_url(redis_url, socket_timeout=5, socket_connect_timeout=5)
        self.dependency = dependency or Dependency("redis")

    async def legacy_version(self) -> int:
        """The counter an older ClaimFlow kept in Redis (0 when there is none): a floor for the next load."""
        value = await self.dependency.call(self.client.get, LEGACY_VERSION_KEY)
        return int(value or 0)

    async def acknowledge(self, worker: str, version: int) -> None:
        """Record that `worker` applied every update up to `version` it received; expires unless renewed."""
        await self.dependency.call(self.client.set, APPLIED_PREFIX + worker, version, ex=APPLIED_TTL_S)

    async def forget(self, worker: str) -> None:
        """Remove a stopping worker, so nobody waits for it."""
        await self.dependency.call(self.client.delete, APPLIED_PREFIX + worker)

    async def acknowledgements(self) -> dict[str, int]:
        """Each live worker's acknowledged version."""
        keys = [key async for key in self.client.scan_iter(match=APPLIED_PREFIX + "*", count=100)]
        if not keys:
            return {}
        values = await self.dependency.call(self.client.mget, keys)
        return {
            key.decode().removeprefix(APPLIED_PREFIX): int(value)
            for key, value in zip(keys, values, strict=True)
            if value is not None
        }

    async def wait_until_applied(
        self, version: int, *, timeout_s: float, min_workers: int = 1
    ) -> dict[str, int]:
        """Wait until at least `min_workers` workers are live and all of them acknowledge `version`.

        Raises:
            TimeoutError: Not reached within `timeout_s`; the message names the workers behind.
        """
        deadline = time.monotonic() + timeout_s
        while True:
            acks = await self.acknowledgements()
            behind = {w: v for w, v in acks.items() if v < version}
            if len(acks) >= min_workers and not behind:
                return acks
            if time.monotonic() > deadline:
                raise TimeoutError(
                    f"clause version {version} not applied within {timeout_s:.0f} s: "
                    f"{len(acks)} worker(s) live, behind: {behind or 'none'}"
                )
            await asyncio.sleep(0.2)

    async def close(self) -> None:
        await self.client.aclose()


async def wait_for_clause_version(redis_url: str, version: int, *, timeout_s: float) -> dict[str, int]:
    """Connect, wait until every live FAISS worker (one at least) acknowledges `version`, disconnect:
    what a policy load's caller waits for before it relies on the new clauses.

    Raises:
        TimeoutError: Not reached within `timeout_s` (see `ClauseVersion.wait_until_applied`).
    """
    versions = ClauseVersion(redis_url)
    try:
        return await versions.wait_until_applied(version, timeout_s=timeout_s)
    finally:
        await versions.close()


class PolicyUpdateFollower:
    """Every `PolicyUpdated` event published after `open()`, from all partitions, to this process alone."""

    def __init__(self, kafka: KafkaConnection, topic: TopicSpec, codec: AvroCodec) -> None:
        self.kafka = kafka
        self.topic = topic
        self.codec = codec
        self._consumer: AIOKafkaConsumer | None = None

    async def open(self) -> None:
        """Connect and take the current end of every partition as the starting point.

        Call it before loading the shard (see the module docstring). Tansu may report an end
        slightly behind the true one; that only re-reads an update, which is harmless.

        Raises:
            DependencyUnavailable: Kafka cannot be reached.
        """
        consumer = AIOKafkaConsumer(
            **self.kafka.aiokafka(),
            group_id=None,
            enable_auto_commit=False,
            auto_offset_reset="latest",
            client_id=f"claimflow-policy-follower-{id(self):x}",
        )
        partitions = [TopicPartition(self.topic.name, p) for p in range(self.topic.partitions)]
        try:
            await consumer.start()
            consumer.assign(partitions)
            ends = await consumer.end_offsets(partitions)
        except KafkaError as exc:
            await consumer.stop()
            raise DependencyUnavailable(f"kafka: cannot follow {self.topic.name}: {exc}") from exc
        for partition, offset in ends.items():
            consumer.seek(partition, offset)
        self._consumer = consumer

    async def poll(self, timeout_s: float) -> list[PolicyUpdated | None]:
        """Updates read since the last call, waiting up to `timeout_s`; None stands for an unreadable one.

        An unreadable message still says "something changed", so the caller should refresh
        everything it holds rather than skip it.
        """
        if self._consumer is None:
            raise RuntimeError("PolicyUpdateFollower.poll() before open()")
        batches = await self._consumer.getmany(timeout_ms=int(timeout_s * 1000))
        updates: list[PolicyUpdated | None] = []
        for partition, messages in batches.items():
            for message in messages:
                try:
                    updates.append(PolicyUpdated.model_validate(self.codec.decode(message.value or b"")))
                except (DecodeError, ValidationError) as exc:
                    log.error(
                        "unreadable policy update at %s[%d]@%d: %s; refreshing every region",
                        partition.topic,
                        partition.partition,
                        message.offset,
                        exc,
                    )
                    updates.append(None)
        return updates

    async def close(self) -> None:
        if self._consumer is not None:
            consumer, self._consumer = self._consumer, None
            await consumer.stop()


def regions_to_refresh(updates: Sequence[PolicyUpdated | None], served: Sequence[str]) -> set[str]:
    """The served regions a batch of updates touches; an unreadable update touches all of them."""
    if any(update is None for update in updates):
        return set(served)
    touched = {region for update in updates if update is not None for region in update.regions}
    return touched & set(served)
