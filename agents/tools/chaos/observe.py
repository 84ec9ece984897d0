"""What a chaos run reads from outside the agents: the log, the groups' committed offsets, the processes.

Reuses the bench's instruments (`Envelope`, `fast_consumer`) and `streams.kafka_io`'s bounded
reads; adds the two fields a chaos check needs beyond the bench (an event's region and the
agent that produced it), the dead letters' original bytes, and RSS sampling that follows
agents across restarts (the bench's probes hold a fixed pid).
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any

import psutil
from confluent_kafka import Consumer, TopicPartition

from agents.tools.bench.observe import Envelope, fast_consumer
from streams import Settings, Topology, agent_processes, devstack, get_codec
from streams.errors import DependencyUnavailable
from streams.kafka_io import PartitionRange, log_bounds, read_range

# A committed-offset fetch on the broker's s3:// storage took > 5 s on a crowded machine (bench).
COMMITTED_TIMEOUT_S = 30
# Finding a partition's end reads from the broker's (Tansu's) high watermark, which can sit far
# below the end, to the end-of-partition: on s3:// storage at load 10, 13 s for 200 records, and
# 60 s was not enough for fields.extracted after a 200-claim run (make chaos-smoke).
BOUNDS_TIMEOUT_S = 300
READ_IDLE_TIMEOUT_S = 120
# How long the broker may take over one fetch. Tansu 0.6.0 answers a fetch with no records when
# reading them from its storage takes longer than the fetch's wait, though they are there: on s3://
# storage every fetch lists the partition's objects on the S3 server, which took longer than the
# bench's 10 ms after a chaos run, so a 10 ms reader asked for the same offset forever and never saw
# the end of the partition (finding 6, docs/chaos.md). Apache Kafka answers as soon as it has data.
READ_WAIT_MS = 500


@dataclass(frozen=True)
class Seen:
    """One message of a pipeline topic as read back: coordinates, envelope and producer."""

    topic: str
    partition: int
    offset: int
    log_ms: int
    event_ms: int
    event_id: str
    claim_id: str
    region: str
    producer: str
    causation_id: str | None


@dataclass(frozen=True)
class DeadSeen:
    """One dead letter: where it sits, which agent wrote it, why, and the bytes it holds."""

    topic: str
    offset: int
    agent: str
    error_type: str
    original_key: bytes | None
    original_value: bytes


@dataclass
class LogContents:
    """Every pipeline event and every dead letter, and the count of messages that did not decode."""

    events: dict[str, list[Seen]]
    dead: list[DeadSeen]
    undecodable: dict[str, int]


def _millis(value: object) -> int:
    return int(value.timestamp() * 1000) if isinstance(value, datetime) else int(value)  # type: ignore[call-overload]  # a long when no logical type


def log_reader(settings: Settings) -> Consumer:
    """A read-only consumer whose fetches give the broker `READ_WAIT_MS` to read its storage."""
    return fast_consumer(settings.kafka(), wait_ms=READ_WAIT_MS)


def read_log(settings: Settings, topology: Topology) -> LogContents:
    """The whole log of every topic, decoded as far as a check needs."""
    consumer = log_reader(settings)
    envelope = Envelope(settings.schemas_dir)
    contents = LogContents({}, [], {})
    try:
        for spec in topology.topics.values():
            bounds = log_bounds(consumer, spec.name, spec.partitions, timeout_s=BOUNDS_TIMEOUT_S)
            ranges = [PartitionRange(p, low, end) for p, (low, end) in enumerate(bounds)]
            bad = 0
            found: list[Seen] = []
            codec = get_codec(settings.schemas_dir, spec.schema_name) if spec.is_dead_letter else None
            for msg in read_range(consumer, spec.name, ranges, idle_timeout_s=READ_IDLE_TIMEOUT_S):
                value = msg.value() or b""
                if codec is not None:
                    try:
                        letter = codec.decode(value)
                    except Exception:  # any decode failure counts, whatever the library raised
                        bad += 1
                        continue
                    contents.dead.append(
                        DeadSeen(
                            spec.name,
                            msg.offset(),
                            letter["agent"],
                            letter["error_type"],
                            letter["original_key"],
                            letter["original_value"],
                        )
                    )
                    continue
                record = envelope.decode(value)
                if record is None:
                    bad += 1
                    continue
                found.append(
                    Seen(
                        topic=spec.name,
                        partition=msg.partition(),
                        offset=msg.offset(),
                        log_ms=msg.timestamp()[1],
                        event_ms=_millis(record["event_time"]),
                        event_id=record["event_id"],
                        claim_id=record["claim_id"],
                        region=record["region"],
                        producer=record["producer"],
                        causation_id=record.get("causation_id"),
                    )
                )
            if not spec.is_dead_letter:
                contents.events[spec.name] = found
            contents.undecodable[spec.name] = bad
    finally:
        consumer.close()
    return contents


def committed_offsets(settings: Settings, topology: Topology) -> dict[tuple[str, str, int], int]:
    """Each agent group's committed offset per (agent, topic, partition) it consumes (-1: none)."""
    found: dict[tuple[str, str, int], int] = {}
    for agent in topology.agents.values():
        tps = [TopicPartition(t, p) for t in agent.consumes for p in range(topology.topic(t).partitions)]
        group = fast_consumer(settings.kafka(), group_id=agent.group_id)
        try:
            committed = group.committed(tps, timeout=COMMITTED_TIMEOUT_S)
        except Exception as exc:  # KafkaException: the broker did not answer in time
            raise DependencyUnavailable(f"committed offsets of {agent.group_id}: {exc}") from exc
        finally:
            group.close()
        found.update({(agent.name, tp.topic, tp.partition): max(tp.offset, -1) for tp in committed})
    return found


def lag_by_group(settings: Settings, topology: Topology) -> dict[str, int]:
    """Messages not yet committed, per agent group (end offset minus committed offset, summed)."""
    reader = log_reader(settings)
    try:
        ends = {
            spec.name: [
                end for _, end in log_bounds(reader, spec.name, spec.partitions, timeout_s=BOUNDS_TIMEOUT_S)
            ]
            for spec in topology.topics.values()
        }
    finally:
        reader.close()
    lag: dict[str, int] = dict.fromkeys(topology.agents, 0)
    for (agent, topic, partition), offset in committed_offsets(settings, topology).items():
        lag[agent] += max(0, ends[topic][partition] - max(offset, 0))
    return lag


def _tree_rss_mb(pid: int) -> float:
    root = psutil.Process(pid)
    total = 0
    for proc in [root, *root.children(recursive=True)]:
        try:
            total += proc.memory_info().rss
        except psutil.Error:
            continue
    return total / 2**20


class RssSampler(threading.Thread):
    """RSS of every agent worker (children included) and service, every `interval_s`, across restarts.

    A sample is `{"t_ms": …, "<label>": [pid, rss_mb], …}`; the label is the agent (`name#1` for a
    second worker) or the service, so a restarted process shows as the same label with a new pid.
    """

    def __init__(
        self, state_dir: Path, interval_s: float, on_sample: Callable[[], None] = lambda: None
    ) -> None:
        super().__init__(name="chaos-rss", daemon=True)
        self.state_dir = state_dir
        self.interval_s = interval_s
        self.on_sample = on_sample
        self.samples: list[dict[str, Any]] = []
        self._stopping = threading.Event()

    def sample(self) -> dict[str, Any]:
        found: dict[str, Any] = {"t_ms": int(time.time() * 1000)}
        targets = {
            (p.name if p.replica == 0 else f"{p.name}#{p.replica}"): p.pid
            for p in agent_processes.running(self.state_dir)
            if p.alive
        }
        stack = devstack.load(self.state_dir)
        if stack is not None:
            targets.update({name: pid for name, pid in stack.pids.items()})
        for label, pid in targets.items():
            try:
                found[label] = [pid, round(_tree_rss_mb(pid), 1)]
            except psutil.Error:
                continue
        return found

    def run(self) -> None:
        while not self._stopping.is_set():
            self.samples.append(self.sample())
            self.on_sample()
            self._stopping.wait(self.interval_s)

    def stop(self) -> None:
        self._stopping.set()
        self.join()
