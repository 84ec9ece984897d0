"""A worker's watch on the broker: wait out an outage quietly, stop when the broker lost the log.

A broker that restarts with its log intact (Apache Kafka; Tansu on durable storage) is
waited out: the worker's inputs stay unacknowledged and the Kafka clients reconnect by
themselves. One that comes back *without* the log (the embedded Tansu on memory storage
after any restart, a topic deleted by hand, an unclean leader election) is different: the
worker's positions, its unconfirmed outputs and its pending commits all refer to records
that no longer exist. Carrying on used to do damage that outlived the worker: commits of
offsets that are no longer there, retried forever and landing on a re-created topic (so the
next worker skips that many new records), and topics auto-created by the clients with the
broker's default partition count, which every worker then refused at start-up
(`TopicPartitionsMismatch`).

So a worker that finds the log gone stops at once, with one error line and the exit status
`EXIT_BROKER_LOST`, without committing anything (as `streams.runner.stop_hard` does): the
fresh worker its supervisor starts (Kubernetes, `claimflow agents up`) declares the topics
from topology.yaml again and starts from what the broker holds now. What was in flight on
the lost log is lost with it; only a durable broker prevents that.

The log is gone when one of the worker's topics is missing, has another partition count
than declared, or a partition ends below an end offset seen before (a log never shrinks
from the end). The watch asks every `interval_s`, and every `outage_interval_s` while the
broker is unreachable, so that a broker coming back is examined before anyone re-creates
the topics. It needs only metadata and list-offsets requests, which never create a topic.
"""

from __future__ import annotations

import asyncio
import logging
import os
import time
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import NoReturn

from confluent_kafka import KafkaException, TopicPartition
from confluent_kafka.admin import OffsetSpec

from streams.errors import ClaimFlowError, DependencyUnavailable
from streams.kafka_admin import admin_client, broker_partitions
from streams.kafka_security import KafkaConnection
from streams.topology import TopicSpec

log = logging.getLogger(__name__)

# The exit status of a worker that stopped because the broker lost its log (EX_TEMPFAIL:
# starting it again is the remedy).
EXIT_BROKER_LOST = 75


class BrokerLostLog(ClaimFlowError):
    """The broker no longer holds the topics or records this worker was reading and writing."""


@dataclass(frozen=True)
class BrokerSnapshot:
    """What the broker holds now: every topic's partition count, and the end of the watched partitions."""

    partitions: Mapping[str, int]
    ends: Mapping[tuple[str, int], int]


@dataclass
class LogTracker:
    """The highest end offset seen per watched partition, and the test for a log that went missing."""

    topics: Sequence[TopicSpec]
    highest: dict[tuple[str, int], int] = field(default_factory=dict)

    def loss(self, snapshot: BrokerSnapshot) -> str | None:
        """Why `snapshot` shows the log lost, or None; remembers the ends it saw either way."""
        missing = [t.name for t in self.topics if t.name not in snapshot.partitions]
        if missing:
            return f"topic(s) {', '.join(missing)} no longer exist"
        changed = [
            f"{t.name} has {snapshot.partitions[t.name]} partitions, topology.yaml declares {t.partitions}"
            for t in self.topics
            if snapshot.partitions[t.name] != t.partitions
        ]
        if changed:
            return "; ".join(changed)
        shrunk = [
            f"{topic}[{partition}] ends at {end}, it had reached {self.highest[(topic, partition)]}"
            for (topic, partition), end in sorted(snapshot.ends.items())
            if end < self.highest.get((topic, partition), 0)
        ]
        for at, end in snapshot.ends.items():
            self.highest[at] = max(end, self.highest.get(at, 0))
        return "; ".join(shrunk) or None


def stop_for_lost_log(agent: str, bootstrap: str, reason: BrokerLostLog) -> NoReturn:
    """End the worker now, before Faust commits an offset of the lost log (see the module docstring)."""
    log.error(
        "%s: the broker at %s lost the log this worker reads and writes (%s): what was in flight on it is "
        "gone. Stopping without committing (exit %d); a fresh worker declares the topics again and "
        "starts from what the broker holds now.",
        agent,
        bootstrap,
        reason,
        EXIT_BROKER_LOST,
    )
    logging.shutdown()
    os._exit(EXIT_BROKER_LOST)


class BrokerWatch:
    """Checks the broker from inside a worker (see the module docstring); `run` until cancelled."""

    def __init__(
        self,
        agent: str,
        kafka: KafkaConnection,
        topics: Sequence[TopicSpec],
        *,
        interval_s: float = 2.0,
        outage_interval_s: float = 0.5,
        timeout_s: float = 2.0,
        on_lost: Callable[[BrokerLostLog], None] | None = None,
        on_snapshot: Callable[[BrokerSnapshot], None] | None = None,
    ) -> None:
        self.agent = agent
        self.bootstrap = kafka.bootstrap
        self.tracker = LogTracker(topics)
        self.interval_s = interval_s
        self.outage_interval_s = outage_interval_s
        self.timeout_s = timeout_s
        self.on_lost = on_lost or (lambda reason: stop_for_lost_log(agent, kafka.bootstrap, reason))
        # librdkafka's own log is off: an unreachable broker is reported once, below, not per retry.
        self._admin = admin_client(kafka, quiet=True)
        self._unreachable_since: float | None = None
        self._answered = False
        # Told every snapshot the broker answered: the worker's consumer lag comes from its end offsets.
        self.on_snapshot = on_snapshot

    def snapshot(self) -> BrokerSnapshot:
        """Ask the broker (blocking): its topics, and the end of every partition of the watched ones.

        Raises:
            DependencyUnavailable: The broker did not answer within `timeout_s`.
        """
        partitions = broker_partitions(self._admin, self.timeout_s)
        wanted = {
            TopicPartition(t.name, p): OffsetSpec.latest()
            for t in self.tracker.topics
            if partitions.get(t.name) == t.partitions
            for p in range(t.partitions)
        }
        ends: dict[tuple[str, int], int] = {}
        if wanted:
            try:
                for tp, future in self._admin.list_offsets(wanted, request_timeout=self.timeout_s).items():
                    ends[(tp.topic, tp.partition)] = future.result().offset
            except KafkaException as exc:
                raise DependencyUnavailable(f"Kafka did not list offsets: {exc}") from exc
        unknown = sorted(f"{topic}[{p}]" for (topic, p), end in ends.items() if end < 0)
        if unknown:
            # No log ends below 0: a negative end (librdkafka's OFFSET_INVALID, -1001) is a broker
            # that could not read its own storage, as Tansu answers while its S3 server is away. It
            # says nothing about the log, so it is waited out like a broker that does not answer.
            raise DependencyUnavailable(f"Kafka gave no end offset for {', '.join(unknown[:3])}")
        return BrokerSnapshot(partitions, ends)

    @property
    def reachable(self) -> bool:
        """True when the last look at the broker got an answer (False before the first)."""
        return self._answered and self._unreachable_since is None

    async def check(self) -> float:
        """One look at the broker; returns how long to wait before the next."""
        try:
            snapshot = await asyncio.to_thread(self.snapshot)
        except DependencyUnavailable as exc:
            if self._unreachable_since is None:
                self._unreachable_since = time.monotonic()
                log.warning(
                    "%s: the broker at %s does not answer (%s); waiting for it, inputs unacknowledged "
                    "(the Kafka clients' own errors are rate-limited meanwhile)",
                    self.agent,
                    self.bootstrap,
                    exc,
                )
            return self.outage_interval_s
        if self._unreachable_since is not None:
            log.warning(
                "%s: the broker at %s answers again after %.1f s",
                self.agent,
                self.bootstrap,
                time.monotonic() - self._unreachable_since,
            )
            self._unreachable_since = None
        self._answered = True
        reason = self.tracker.loss(snapshot)
        if reason is not None:
            self.on_lost(BrokerLostLog(reason))
        if self.on_snapshot is not None:
            self.on_snapshot(snapshot)
        return self.interval_s

    async def run(self) -> None:
        """Check the broker until cancelled."""
        while True:
            try:
                pause_s = await self.check()
            except Exception:
                # A watch that died silently would leave the worker unguarded: say so and go on.
                log.exception("%s: checking the broker failed; checking again", self.agent)
                pause_s = self.interval_s
            await asyncio.sleep(pause_s)
