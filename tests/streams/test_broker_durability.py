"""The embedded broker's log lives in the stack's S3 server: what survives which restart.

A topic with records, half of them consumed and committed by a group, must come back whole
(the topic, the committed offsets, the unread records, nothing read twice) after a broker
kill -9, an S3 server kill -9 and `down` / `up`; with `memory` storage a broker kill loses it.
"""

from __future__ import annotations

import asyncio
import os
import signal
import uuid
from collections.abc import Iterator
from pathlib import Path

import psutil
import pytest
from aiokafka import AIOKafkaConsumer, AIOKafkaProducer
from aiokafka import TopicPartition as AioTopicPartition
from confluent_kafka import Consumer, KafkaError, Producer, TopicPartition
from confluent_kafka.admin import AdminClient, NewTopic

from agents.tools.bench.observe import fast_consumer
from agents.tools.chaos.observe import log_reader
from streams import devstack, devstack_s3
from streams.errors import DependencyUnavailable
from streams.faust_app import AdaptiveFetchWait, adapt_fetch_wait
from streams.kafka_io import log_bounds
from tests.fixtures.waiting import NotYet, eventually, eventually_async

pytestmark = pytest.mark.integration

PARTITIONS = 3
RECORDS = 12
LONG_BATCHES = 80


@pytest.fixture(scope="module")
def state_dir(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Path]:
    folder = tmp_path_factory.mktemp("durable")
    try:
        yield folder
    finally:
        devstack.down(folder, purge=True)


@pytest.fixture(scope="module")
def log(state_dir: Path) -> tuple[str, str, set[bytes]]:
    """A topic of RECORDS records, half of which a group has read and committed.

    Returns:
        The topic, the group and the values the group has not read yet.
    """
    stack = devstack.up(state_dir, broker_storage="s3")
    topic, group = f"durable.{uuid.uuid4().hex[:8]}", f"g-{uuid.uuid4().hex[:8]}"
    admin = AdminClient({"bootstrap.servers": stack.kafka_bootstrap})
    admin.create_topics([NewTopic(topic, num_partitions=PARTITIONS)])[topic].result(timeout=10)
    producer = Producer({"bootstrap.servers": stack.kafka_bootstrap, "linger.ms": 0})
    for i in range(RECORDS):
        producer.produce(topic, partition=i % PARTITIONS, value=f"r{i}".encode())
        producer.flush(10)  # one batch per record, so committing inside a batch is never needed
    assert producer.flush(10) == 0
    read = _read(stack.kafka_bootstrap, topic, group, stop_after=RECORDS // 2)
    return topic, group, {f"r{i}".encode() for i in range(RECORDS)} - read


def _consumer(bootstrap: str, group: str) -> Consumer:
    return Consumer(
        {
            "bootstrap.servers": bootstrap,
            "group.id": group,
            "enable.auto.commit": False,
            "auto.offset.reset": "earliest",
            "enable.partition.eof": True,
            "session.timeout.ms": 2000,
            "heartbeat.interval.ms": 500,
        }
    )


def _read(bootstrap: str, topic: str, group: str, *, stop_after: int | None = None) -> set[bytes]:
    """What `group` reads from its committed offsets on: `stop_after` records, or up to the end."""
    consumer = _consumer(bootstrap, group)
    consumer.assign([TopicPartition(topic, p) for p in range(PARTITIONS)])  # from the committed offsets
    values: list[bytes] = []
    at_end: set[int] = set()

    def done() -> None:
        for message in consumer.consume(100, 0.5):
            if message.error() is None:
                values.append(message.value())
                consumer.commit(message, asynchronous=False)
            elif message.error().code() == KafkaError._PARTITION_EOF:
                at_end.add(message.partition())
            else:
                raise AssertionError(message.error())
            if stop_after is not None and len(values) == stop_after:
                return
        if stop_after is not None or len(at_end) < PARTITIONS:
            raise NotYet(f"read {len(values)}, at the end of {sorted(at_end)}")

    try:
        eventually(done, timeout_s=60, interval_s=0)
    finally:
        consumer.close()
    assert len(values) == len(set(values)), "a record was read twice"
    return set(values)


def _committed(bootstrap: str, topic: str, group: str) -> list[int]:
    consumer = _consumer(bootstrap, group)
    try:
        return [tp.offset for tp in consumer.committed([TopicPartition(topic, p) for p in range(PARTITIONS)])]
    finally:
        consumer.close()


def _assert_whole(state_dir: Path, log: tuple[str, str, set[bytes]], committed: list[int]) -> None:
    """The topic is there, the group's offsets are where they were, and it reads exactly the rest."""
    topic, group, unread = log
    stack = devstack.load(state_dir)
    assert stack is not None
    assert _committed(stack.kafka_bootstrap, topic, group) == committed
    probe = f"probe-{uuid.uuid4().hex[:8]}"  # a new group: leaves `group`'s offsets as they were
    consumer = _consumer(stack.kafka_bootstrap, probe)
    try:
        consumer.commit(
            offsets=[TopicPartition(topic, p, offset) for p, offset in enumerate(committed)],
            asynchronous=False,
        )
    finally:
        consumer.close()
    assert _read(stack.kafka_bootstrap, topic, probe) == unread


def _kill(pid: int) -> None:
    process = psutil.Process(pid)
    os.kill(pid, signal.SIGKILL)
    process.wait(timeout=10)


def test_the_group_has_committed_half_of_the_log(state_dir: Path, log: tuple[str, str, set[bytes]]) -> None:
    stack = devstack.load(state_dir)
    assert stack is not None
    assert stack.broker_storage == "s3://tansu/"
    assert sum(max(offset, 0) for offset in _committed(stack.kafka_bootstrap, log[0], log[1])) == RECORDS // 2
    assert len(log[2]) == RECORDS // 2


def test_a_broker_kill_keeps_topics_offsets_and_records(
    state_dir: Path, log: tuple[str, str, set[bytes]]
) -> None:
    before = devstack.load(state_dir)
    assert before is not None
    committed = _committed(before.kafka_bootstrap, log[0], log[1])
    _kill(before.pids["kafka"])

    after = devstack.up(state_dir)

    assert after.pids["kafka"] != before.pids["kafka"]
    assert after.pids["s3"] == before.pids["s3"]
    _assert_whole(state_dir, log, committed)


def test_an_s3_server_kill_keeps_them_through_its_recording(
    state_dir: Path, log: tuple[str, str, set[bytes]]
) -> None:
    before = devstack.load(state_dir)
    assert before is not None
    committed = _committed(before.kafka_bootstrap, log[0], log[1])
    _kill(before.pids["s3"])

    after = devstack.up(state_dir)

    # The broker is restarted with its storage: it must not write while the server replays.
    assert after.pids["s3"] != before.pids["s3"]
    assert after.pids["kafka"] != before.pids["kafka"]
    assert {k: v for k, v in after.pids.items() if k not in ("s3", "kafka")} == {
        k: v for k, v in before.pids.items() if k not in ("s3", "kafka")
    }
    _assert_whole(state_dir, log, committed)


def test_down_compacts_the_recording_and_up_keeps_them(
    state_dir: Path, log: tuple[str, str, set[bytes]], monkeypatch: pytest.MonkeyPatch
) -> None:
    before = devstack.load(state_dir)
    assert before is not None
    committed = _committed(before.kafka_bootstrap, log[0], log[1])
    recording = devstack_s3.recording_path(state_dir)
    grown = recording.stat().st_size
    monkeypatch.setattr(devstack_s3, "COMPACT_MIN_BYTES", 0)  # this small log is worth compacting too

    assert "s3" in devstack.down(state_dir)

    assert recording.stat().st_size < grown
    assert not recording.with_name(f"{recording.name}.compacting").exists()
    after = devstack.up(state_dir)  # replays the compacted recording

    assert after.broker_storage == "s3://tansu/"  # no storage named: the folder kept its choice
    _assert_whole(state_dir, log, committed)


def test_memory_storage_is_selectable_and_loses_the_log_with_the_broker(
    state_dir: Path, log: tuple[str, str, set[bytes]]
) -> None:
    topic, group, _ = log
    before = devstack.load(state_dir)
    assert before is not None
    committed = _committed(before.kafka_bootstrap, topic, group)

    on_memory = devstack.up(state_dir, broker_storage="memory")

    assert on_memory.broker_storage == "memory://tansu/"
    assert "memory://tansu/" in psutil.Process(on_memory.pids["kafka"]).cmdline()
    admin = AdminClient({"bootstrap.servers": on_memory.kafka_bootstrap})
    assert topic not in admin.list_topics(timeout=10).topics
    # Back on s3, the log the S3 server kept all along is there again.
    devstack.up(state_dir, broker_storage="s3")
    _assert_whole(state_dir, log, committed)


def _long_partition(stack: devstack.StackInfo, prefix: str, *, partitions: int, batches: int) -> str:
    """A new topic whose partition 0 holds `batches` records, one batch (one stored object) each."""
    topic = f"{prefix}.{uuid.uuid4().hex[:8]}"
    admin = AdminClient({"bootstrap.servers": stack.kafka_bootstrap})
    admin.create_topics([NewTopic(topic, num_partitions=partitions)])[topic].result(timeout=10)
    producer = Producer({"bootstrap.servers": stack.kafka_bootstrap, "linger.ms": 0})
    for i in range(batches):
        producer.produce(topic, partition=0, value=f"r{i}".encode())
        assert producer.flush(10) == 0
    return topic


def test_a_long_partition_reads_to_its_end_with_the_chaos_readers_wait(state_dir: Path) -> None:
    """Finding 6 of `claimflow chaos`: on s3:// storage Tansu lists the partition's objects for
    every fetch and answers with no records when that takes longer than the fetch's wait, so a
    10 ms reader asked for the same offset forever once a partition held a few dozen batches
    (50 here, measured); the chaos run's reader gives it `READ_WAIT_MS`."""
    stack = devstack.up(state_dir, broker_storage="s3")
    topic = _long_partition(stack, "long", partitions=1, batches=LONG_BATCHES)
    reader = log_reader(stack.settings())
    try:
        assert log_bounds(reader, topic, 1, timeout_s=60) == [(0, LONG_BATCHES)]
    finally:
        reader.close()
    # The condition is real: the same read with the bench's 10 ms wait never ends.
    quick = fast_consumer(stack.settings().kafka(), wait_ms=10)
    try:
        with pytest.raises(DependencyUnavailable, match="no end-of-partition"):
            log_bounds(quick, topic, 1, timeout_s=5)
    finally:
        quick.close()


STARVED_BATCHES = 150


async def test_a_long_partition_is_not_starved_by_a_flowing_one(state_dir: Path) -> None:
    """Finding 9 of `claimflow chaos`: the agents' fetch wait stayed at 25 ms while records flowed on
    other partitions, and Tansu answered the long partition with nothing every time (its s3:// read
    outlasts the wait), so one partition of `clauses.retrieved` stood at 63 of 181 for ten minutes.
    With the agents' adaptive wait, a partition of STARVED_BATCHES one-record batches is read to its
    end while another gets a record every few milliseconds (the old rule read 120 of 200 in 20 s
    here; the rule itself is tested in tests/streams/test_faust_app.py)."""
    stack = devstack.up(state_dir, broker_storage="s3")
    topic = _long_partition(stack, "starved", partitions=2, batches=STARVED_BATCHES)

    consumer = AIOKafkaConsumer(
        bootstrap_servers=stack.kafka_bootstrap, auto_offset_reset="earliest", enable_auto_commit=False
    )
    flowing = AIOKafkaProducer(bootstrap_servers=stack.kafka_bootstrap, linger_ms=0)
    await consumer.start()
    await flowing.start()
    long_tp, flowing_tp = AioTopicPartition(topic, 0), AioTopicPartition(topic, 1)
    consumer.assign([long_tp, flowing_tp])
    adapt_fetch_wait(consumer._fetcher, AdaptiveFetchWait(busy_ms=25, idle_ms=400))
    read: list[bytes] = []

    async def flow() -> None:
        while True:
            await flowing.send_and_wait(topic, b"flowing", partition=1)

    async def long_partition_read() -> None:
        batches = await consumer.getmany(long_tp, flowing_tp, timeout_ms=200)
        read.extend(record.value for record in batches.get(long_tp, []))
        if len(read) < STARVED_BATCHES:
            raise NotYet(f"read {len(read)} of {STARVED_BATCHES} from the long partition")

    feeding = asyncio.ensure_future(flow())
    try:
        await eventually_async(long_partition_read, timeout_s=60)
    finally:
        feeding.cancel()
        await flowing.stop()
        await consumer.stop()
    assert read == [f"r{i}".encode() for i in range(STARVED_BATCHES)]
