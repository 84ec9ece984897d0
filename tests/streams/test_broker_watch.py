"""The broker watch's rules, without a broker: when the log counts as lost, and what gets rate-limited.

The watch against a real broker that loses its log: `tests/integration/test_broker_loss.py`.
"""

from __future__ import annotations

import logging
from types import SimpleNamespace

import pytest
from confluent_kafka import OFFSET_INVALID

from streams.broker_watch import BrokerLostLog, BrokerSnapshot, BrokerWatch, LogTracker
from streams.errors import DependencyUnavailable
from streams.kafka_security import KafkaConnection
from streams.topology import TopicSpec
from streams.worker import LibraryLogLimit


def spec(name: str, partitions: int) -> TopicSpec:
    return TopicSpec.model_validate(
        {
            "name": name,
            "schema": "claim_ingested",
            "key": "claim_id",
            "partitions": partitions,
            "retention_ms": 60000,
            "replication_factor": 1,
        }
    )


TOPICS = [spec("in", 2), spec("out", 1)]


def snapshot(ends: dict[tuple[str, int], int], **partitions: int) -> BrokerSnapshot:
    return BrokerSnapshot({"in": 2, "out": 1, **partitions}, ends)


def test_a_log_that_only_grows_is_never_lost() -> None:
    tracker = LogTracker(TOPICS)
    assert tracker.loss(snapshot({("in", 0): 0, ("in", 1): 0, ("out", 0): 0})) is None
    assert tracker.loss(snapshot({("in", 0): 5, ("in", 1): 2, ("out", 0): 7})) is None
    assert tracker.loss(snapshot({("in", 0): 5, ("in", 1): 9, ("out", 0): 7})) is None


def test_a_missing_topic_is_a_lost_log() -> None:
    lost = LogTracker(TOPICS).loss(BrokerSnapshot({"in": 2}, {}))
    assert lost == "topic(s) out no longer exist"


def test_a_topic_with_another_partition_count_is_a_lost_log() -> None:
    """What a client's auto-creation makes of a lost topic: the broker's default count, not ours."""
    lost = LogTracker(TOPICS).loss(snapshot({}, out=4))
    assert lost == "out has 4 partitions, topology.yaml declares 1"


def test_a_partition_that_ends_below_what_it_reached_is_a_lost_log() -> None:
    """A topic re-created (by another worker's start) before this one looked again."""
    tracker = LogTracker(TOPICS)
    tracker.loss(snapshot({("in", 0): 12, ("in", 1): 3, ("out", 0): 7}))
    lost = tracker.loss(snapshot({("in", 0): 1, ("in", 1): 3, ("out", 0): 0}))
    assert lost == "in[0] ends at 1, it had reached 12; out[0] ends at 0, it had reached 7"


def _record(name: str, message: str) -> logging.LogRecord:
    return logging.LogRecord(name, logging.ERROR, __file__, 1, message, None, None)


def test_library_errors_repeated_during_an_outage_are_written_once() -> None:
    limit = LibraryLogLimit(period_s=3600)
    retry = "Unable connect to node with id 111: [Errno 111] Connect call failed"
    passed = [limit.filter(_record("aiokafka.conn", retry)) for _ in range(500)]
    assert passed.count(True) == 1
    assert limit.filter(_record("aiokafka.consumer.fetcher", "Failed fetch messages from 111"))


def test_claimflows_own_lines_are_never_rate_limited() -> None:
    limit = LibraryLogLimit(period_s=3600)
    line = (
        "retriever: postgres: circuit breaker is open for claim.ingested[2]@15; waiting for it to come back"
    )
    assert all(limit.filter(_record("streams.processing", line)) for _ in range(50))


class _Offset:
    def __init__(self, offset: int) -> None:
        self.offset = offset


class _Done:
    def __init__(self, value: object) -> None:
        self.value = value

    def result(self) -> object:
        return self.value


class _StorageAwayAdmin:
    """What Tansu answered while its S3 server was down: every topic there, every end offset -1001."""

    def list_topics(self, timeout: float) -> object:
        topics = {
            t.name: SimpleNamespace(partitions=dict.fromkeys(range(t.partitions)), error=None) for t in TOPICS
        }
        return SimpleNamespace(topics=topics)

    def list_offsets(self, wanted: dict[object, object], request_timeout: float) -> dict[object, _Done]:
        return {tp: _Done(_Offset(OFFSET_INVALID)) for tp in wanted}


async def test_a_broker_that_cannot_read_its_storage_is_waited_out_not_taken_for_a_lost_log() -> None:
    """Found by `claimflow chaos`: with the S3 server stopped, every agent stopped with exit 75."""
    lost: list[BrokerLostLog] = []
    watch = BrokerWatch("reporter", KafkaConnection("127.0.0.1:1"), TOPICS, on_lost=lost.append)
    watch.tracker.loss(snapshot({("in", 0): 12, ("in", 1): 3, ("out", 0): 7}))
    watch._admin = _StorageAwayAdmin()  # type: ignore[assignment]  # a stand-in for the broker's answers

    with pytest.raises(DependencyUnavailable, match=r"no end offset for in\[0\], in\[1\], out\[0\]"):
        watch.snapshot()
    assert await watch.check() == watch.outage_interval_s
    assert lost == []
