"""Watching a bench run from outside the agents: the log, the consumer groups and the processes.

Nothing here touches an agent: the bench only reads what production operators can
read too (topic offsets, committed group offsets, the events, process counters), so
the instrument never changes what it measures beyond one extra consumer and a probe
every `interval_s`.
"""

from __future__ import annotations

import io
import json
import time
import uuid
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Any

import fastavro
import psutil
from confluent_kafka import Consumer, KafkaError, TopicPartition

from agents.tools.bench.metrics import LogEvent
from streams import ClaimFlowError, KafkaConnection, SchemaError, Settings, Topology
from streams.kafka_io import PartitionRange, log_bounds, read_range

Offsets = dict[str, list[int]]


class BenchTimeout(ClaimFlowError, TimeoutError):
    """The measured claims did not all come out of the pipeline before the deadline."""


def now_ms() -> int:
    """Wall-clock milliseconds: the same clock as the Kafka timestamps on this one machine."""
    return int(time.time() * 1000)


def fast_consumer(kafka: KafkaConnection, group_id: str | None = None, *, wait_ms: int = 10) -> Consumer:
    """A read-only consumer like `make_consumer`, whose fetches return within `wait_ms`.

    librdkafka waits up to `fetch.wait.max.ms` (500 ms) for data on an empty fetch, and
    the embedded broker holds a fetch for much of that even when data arrives, so the
    default would add up to half a second to every read here. Every fetch costs the
    broker CPU, though, so a consumer that only watches for progress asks less often.
    """
    return Consumer(
        {
            **kafka.librdkafka(),
            "group.id": group_id or f"claimflow-bench-{uuid.uuid4().hex[:8]}",
            "enable.auto.commit": False,
            "auto.offset.reset": "earliest",
            "enable.partition.eof": True,
            "fetch.wait.max.ms": wait_ms,
        }
    )


def snapshot_ends(consumer: Consumer, topology: Topology) -> Offsets:
    """The true end offset of every partition of every topic (Tansu's watermark bug handled)."""
    return {
        spec.name: [end for _, end in log_bounds(consumer, spec.name, spec.partitions)]
        for spec in topology.topics.values()
    }


WATCH_WAIT_MS = 100
ENVELOPE_FIELDS = 7  # event_id … causation_id: the same leading fields in every schema (streams.events.Event)
ENVELOPE_SOURCE = "claim_ingested.avsc"
# Optional header naming the worker process that emitted a message (e.g. "host:pid"). When the
# runner sets it, per-process service time is exact with replicas; without it, see runner._servers.
WORKER_HEADER = "claimflow-worker"
# Optional header: when the emitting agent took the input's batch (epoch ms, ASCII digits).
STARTED_HEADER = "claimflow-started-ms"


class Envelope:
    """Reads only the leading envelope fields of any ClaimFlow event.

    Avro binary is sequential, so a reader schema made of the first fields decodes
    those and ignores the payload. The bench therefore measures any event whatever
    its payload schema (payloads change while the pipeline evolves), and never pays
    for decoding embeddings or reports.
    """

    def __init__(self, schemas_dir: Path) -> None:
        source = json.loads((schemas_dir / ENVELOPE_SOURCE).read_text())
        fields = source["fields"][:ENVELOPE_FIELDS]
        names = [f["name"] for f in fields]
        if names[-1] != "causation_id":
            raise SchemaError(f"{ENVELOPE_SOURCE} no longer starts with the event envelope: {names}")
        envelope = {"type": "record", "name": "Envelope", "namespace": source["namespace"], "fields": fields}
        self.schema = fastavro.parse_schema(envelope)

    def decode(self, data: bytes) -> dict[str, Any] | None:
        """The envelope as a dict, or None for bytes that are not a ClaimFlow event."""
        try:
            record: dict[str, Any] = fastavro.schemaless_reader(io.BytesIO(data), self.schema, None)
        except Exception:  # fastavro raises many types on garbage; None is the answer for all
            return None
        return record


def _header(headers: list[tuple[str, bytes | None]] | None, name: str) -> str | None:
    for key, value in headers or []:
        if key == name and value is not None:
            return value.decode("utf-8", "replace")
    return None


def _int_or_none(text: str | None) -> int | None:
    try:
        return int(text) if text is not None else None
    except ValueError:
        return None


def _millis(value: object) -> int:
    return int(value.timestamp() * 1000) if isinstance(value, datetime) else int(value)  # type: ignore[call-overload]  # a long when no logical type


def read_back(
    settings: Settings, topology: Topology, start: Offsets
) -> tuple[dict[str, list[LogEvent]], int]:
    """Every event of every pipeline topic from `start` to the end of the log, and how many did not decode."""
    consumer = fast_consumer(settings.kafka())
    envelope = Envelope(settings.schemas_dir)
    found: dict[str, list[LogEvent]] = {}
    undecodable = 0
    try:
        for spec in topology.pipeline_topics:
            ends = log_bounds(consumer, spec.name, spec.partitions)
            ranges = [PartitionRange(p, start[spec.name][p], end) for p, (_, end) in enumerate(ends)]
            events = []
            for msg in read_range(consumer, spec.name, ranges):
                record = envelope.decode(msg.value() or b"")
                if record is None:
                    undecodable += 1
                    continue
                events.append(
                    LogEvent(
                        topic=spec.name,
                        partition=msg.partition(),
                        offset=msg.offset(),
                        log_ms=msg.timestamp()[1],
                        event_ms=_millis(record["event_time"]),
                        event_id=record["event_id"],
                        claim_id=record["claim_id"],
                        causation_id=record.get("causation_id"),
                        worker=_header(msg.headers(), WORKER_HEADER),
                        started_ms=_int_or_none(_header(msg.headers(), STARTED_HEADER)),
                    )
                )
            found[spec.name] = events
    finally:
        consumer.close()
    return found, undecodable


@dataclass
class _ProcessProbe:
    """CPU (from cumulative CPU time, so children that come and go add up) and RSS of one process tree."""

    label: str
    pid: int
    tree: bool
    last_cpu_s: float = 0.0
    last_wall_s: float = field(default_factory=time.monotonic)

    def __post_init__(self) -> None:
        self.last_cpu_s = self._cpu_and_rss()[0]

    def _procs(self) -> list[psutil.Process]:
        root = psutil.Process(self.pid)
        return [root, *root.children(recursive=True)] if self.tree else [root]

    def _cpu_and_rss(self) -> tuple[float, float]:
        cpu = rss = 0.0
        try:
            procs = self._procs()
        except psutil.Error:
            return self.last_cpu_s, 0.0
        for proc in procs:
            try:
                times = proc.cpu_times()
                cpu += times.user + times.system
                rss += proc.memory_info().rss
            except psutil.Error:
                continue
        return cpu, rss / 2**20

    def sample(self) -> tuple[float, float]:
        """(CPU % of one core since the last sample, RSS in MiB)."""
        cpu_s, rss = self._cpu_and_rss()
        wall = time.monotonic()
        percent = max(0.0, cpu_s - self.last_cpu_s) / max(wall - self.last_wall_s, 1e-6) * 100
        self.last_cpu_s, self.last_wall_s = cpu_s, wall
        return percent, rss


@dataclass
class WatchResult:
    """What the watcher saw while the measured claims went through."""

    reported: set[str]
    failed: set[str]
    lag: list[dict[str, float]]
    resources: list[dict[str, float]]


class Watcher:
    """Follows every topic live (for exact end offsets and progress) and samples lag and processes."""

    def __init__(
        self,
        settings: Settings,
        topology: Topology,
        start: Offsets,
        processes: dict[str, tuple[int, bool]],
        *,
        interval_s: float = 0.5,
    ) -> None:
        """Prepare consumers and probes; nothing is sampled until `watch`.

        Args:
            settings: Where the stack is.
            topology: The topics and agent groups of this run.
            start: End offsets before the measured claims were submitted.
            processes: label → (pid, include children) of every process worth a CPU/RSS line.
            interval_s: Sampling period of lag and resources.
        """
        self.topology = topology
        self.ends: Offsets = {name: list(offsets) for name, offsets in start.items()}
        self.interval_s = interval_s
        self.report_topic = topology.topic_for_schema("report_ready").name
        self.envelope = Envelope(settings.schemas_dir)
        # It only counts reports and failures, so it can fetch a tenth as often as the readers.
        self.consumer = fast_consumer(settings.kafka(), wait_ms=WATCH_WAIT_MS)
        self.consumer.assign(
            [TopicPartition(t, p, off) for t, offsets in start.items() for p, off in enumerate(offsets)]
        )
        self.groups = {
            agent.name: fast_consumer(settings.kafka(), group_id=agent.group_id)
            for agent in topology.agents.values()
        }
        self.probes = [_ProcessProbe(label, pid, tree) for label, (pid, tree) in processes.items()]

    def close(self) -> None:
        """Close every consumer (they never joined a group, so nothing rebalances)."""
        for consumer in [self.consumer, *self.groups.values()]:
            consumer.close()

    def _lag(self) -> dict[str, float]:
        sample: dict[str, float] = {"t_ms": float(now_ms())}
        for agent in self.topology.agents.values():
            tps = [
                TopicPartition(t, p) for t in agent.consumes for p in range(self.topology.topic(t).partitions)
            ]
            # 30 s: on the broker's s3:// storage, on a crowded machine, fetching the auditor's
            # committed offsets (every partition of every topic) took more than 5 s.
            committed = self.groups[agent.name].committed(tps, timeout=30)
            sample[agent.name] = float(
                sum(max(0, self.ends[tp.topic][tp.partition] - max(tp.offset, 0)) for tp in committed)
            )
        return sample

    def _resources(self) -> dict[str, float]:
        sample: dict[str, float] = {"t_ms": float(now_ms())}
        for probe in self.probes:
            cpu, rss = probe.sample()
            sample[f"{probe.label}.cpu"] = cpu
            sample[f"{probe.label}.rss_mb"] = rss
        return sample

    def _take(self, msg: object, claims: set[str], result: WatchResult) -> None:
        topic, partition, offset = msg.topic(), msg.partition(), msg.offset()  # type: ignore[attr-defined]
        self.ends[topic][partition] = max(self.ends[topic][partition], offset + 1)
        if topic == self.report_topic:
            claim = (msg.key() or b"").decode()  # type: ignore[attr-defined]
            if claim in claims:
                result.reported.add(claim)
        elif self.topology.topics[topic].is_dead_letter:
            record = self.envelope.decode(msg.value() or b"")  # type: ignore[attr-defined]
            claim = record["claim_id"] if record else ""
            if claim in claims:
                result.failed.add(claim)

    def watch(
        self,
        claims: set[str],
        *,
        timeout_s: float,
        on_progress: Callable[[int], None] = lambda _: None,
        check: Callable[[], None] = lambda: None,
    ) -> WatchResult:
        """Consume and sample until every claim has a report or a dead letter; `BenchTimeout` otherwise.

        `check` runs at every sample and may raise to abort early (a dead agent, a failed submission).
        """
        result = WatchResult(set(), set(), [], [])
        deadline = time.monotonic() + timeout_s
        next_sample = 0.0
        while True:
            if time.monotonic() >= next_sample:
                result.lag.append(self._lag())
                result.resources.append(self._resources())
                next_sample = time.monotonic() + self.interval_s
                on_progress(len(result.reported | result.failed))
                check()
            if claims <= result.reported | result.failed:
                break
            if time.monotonic() > deadline:
                missing = len(claims - result.reported - result.failed)
                raise BenchTimeout(f"{missing} of {len(claims)} claims neither reported nor dead-lettered")
            msg = self.consumer.poll(0.05)
            if msg is None:
                continue
            if msg.error():
                if msg.error().code() == KafkaError._PARTITION_EOF:
                    continue
                raise BenchTimeout(f"reading the log: {msg.error()}")
            self._take(msg, claims, result)
        result.lag.append(self._lag())
        result.resources.append(self._resources())
        on_progress(len(result.reported | result.failed))
        return result
