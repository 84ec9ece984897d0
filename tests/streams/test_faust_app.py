"""The agents' Faust consumers wait for records only as long as settings say (Faust alone waits 1.5 s).

While idle they back off to a longer wait, so idle agents stop costing the broker CPU. And a
worker's clients never create a topic by naming it.
"""

from __future__ import annotations

import asyncio
from uuid import uuid4

import aiokafka.client
import faust
import pytest
from aiokafka import AIOKafkaConsumer, AIOKafkaProducer
from aiokafka.admin import AIOKafkaAdminClient, NewTopic
from aiokafka.errors import KafkaError

from streams.faust_app import (
    AdaptiveFetchWait,
    ClaimFlowApp,
    adapt_fetch_wait,
    refuse_topic_auto_creation,
    starved_partitions,
)
from streams.kafka_admin import admin_client, broker_partitions
from streams.kafka_security import KafkaConnection
from streams.settings import Settings
from tests.fixtures.pipeline import Pipeline
from tests.fixtures.waiting import NotYet, eventually_async


def _worker_consumer_wait(app: faust.App) -> int:
    consumer = app.consumer._thread._create_worker_consumer(app.transport)  # type: ignore[attr-defined]
    return int(consumer._fetch_max_wait_ms)


async def test_fetch_wait_comes_from_settings() -> None:
    settings = Settings(kafka_fetch_max_wait_ms=40)
    app = ClaimFlowApp(
        "claimflow-test",
        broker="kafka://127.0.0.1:9",
        fetch_max_wait_ms=settings.kafka_fetch_max_wait_ms,
        web_enabled=False,
    )
    assert _worker_consumer_wait(app) == 40


async def test_plain_faust_would_wait_longer() -> None:
    """Guards the reason for ClaimFlowApp: if Faust ever honours a setting, this tells us to drop it."""
    app = faust.App("claimflow-test-plain", broker="kafka://127.0.0.1:9", web_enabled=False)
    assert _worker_consumer_wait(app) > 500


def test_wait_doubles_while_idle_and_drops_back_when_records_come() -> None:
    wait = AdaptiveFetchWait(busy_ms=25, idle_ms=400)
    idle = [wait.after_fetch(got_records=False) for _ in range(6)]
    assert idle == [50, 100, 200, 400, 400, 400]
    assert wait.after_fetch(got_records=True) == 25
    assert AdaptiveFetchWait(busy_ms=100, idle_ms=10).after_fetch(got_records=False) == 100


class _RecordedWait(AdaptiveFetchWait):
    def __post_init__(self) -> None:
        super().__post_init__()
        self.seen: list[tuple[bool, int]] = []

    def after_fetch(self, got_records: bool) -> int:
        waited = super().after_fetch(got_records)
        self.seen.append((got_records, waited))
        return waited


@pytest.mark.integration
async def test_real_fetcher_backs_off_while_idle_and_answers_the_first_record(pipeline: Pipeline) -> None:
    """Against the embedded broker: an idle consumer's fetches grow to the idle wait, a record resets it."""
    bootstrap = pipeline.settings.kafka_bootstrap
    topic = f"test-fetch-wait-{uuid4().hex[:8]}"
    admin = AIOKafkaAdminClient(bootstrap_servers=bootstrap)
    await admin.start()
    try:
        await admin.create_topics([NewTopic(topic, num_partitions=3, replication_factor=1)])
    finally:
        await admin.close()
    consumer = AIOKafkaConsumer(topic, bootstrap_servers=bootstrap, auto_offset_reset="earliest")
    producer = AIOKafkaProducer(bootstrap_servers=bootstrap)
    await consumer.start()
    await producer.start()
    try:
        wait = _RecordedWait(busy_ms=25, idle_ms=400)
        adapt_fetch_wait(consumer._fetcher, wait)

        async def backed_off() -> None:
            if wait.current_ms != 400 or consumer._fetcher._fetch_max_wait_ms != 400:
                raise NotYet(f"fetch wait still {wait.current_ms} ms")

        await eventually_async(backed_off, timeout_s=30)
        assert [ms for got, ms in wait.seen[:4]] == [50, 100, 200, 400]
        assert not any(got for got, _ in wait.seen)

        await producer.send_and_wait(topic, b"claim")
        record = await asyncio.wait_for(consumer.getone(), timeout=10)
        assert record.value == b"claim"
        assert (True, 25) in wait.seen
    finally:
        await producer.stop()
        await consumer.stop()


@pytest.mark.integration
async def test_a_workers_kafka_clients_never_create_a_topic_by_naming_it(
    pipeline: Pipeline, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Without it, a lost topic came back with the broker's default partition count (4 on Tansu)."""
    bootstrap = pipeline.settings.kafka_bootstrap
    # Restored after the test: other tests of this process may rely on aiokafka's own behaviour.
    monkeypatch.setattr(aiokafka.client, "MetadataRequest", aiokafka.client.MetadataRequest)
    refuse_topic_auto_creation()
    topic = f"test-never-created-{uuid4().hex[:8]}"
    producer = AIOKafkaProducer(bootstrap_servers=bootstrap, request_timeout_ms=1500)
    await producer.start()
    try:
        with pytest.raises(KafkaError):
            await producer.send_and_wait(topic, b"claim")
    finally:
        await producer.stop()
    assert topic not in broker_partitions(admin_client(KafkaConnection(bootstrap)))


class _Delivered:
    """A message as Faust's consumer tracks it: partition, offset, acknowledged or not."""

    def __init__(self, tp: object, offset: int) -> None:
        self.tp, self.offset, self.acked, self.refcount = tp, offset, False, 0
        self.topic, self.partition = tp.topic, tp.partition  # type: ignore[attr-defined]


def test_two_actors_acknowledging_out_of_order_never_commit_past_an_unfinished_event() -> None:
    """Finding 8 of `claimflow chaos`: with `concurrency: 2` one actor's 10, 12, 14 were done while
    the other's 9, 11, 13, 15 were still in OCR, and Faust committed past 9 (its head-of-run check
    is off by one, and skipped after a commit of 0 or none). They were lost when the worker stopped.
    An event Faust drops at shutdown (gone from its weak set of unacknowledged messages) still
    holds the commit back."""
    app = ClaimFlowApp("commit-floor", broker="kafka://127.0.0.1:1", fetch_max_wait_ms=25)
    consumer = app.consumer
    tp = faust.types.TP("claim.ingested", 4)

    def ack(*offsets: int) -> None:
        for offset in offsets:
            consumer.ack(delivered[offset])  # the stream's acknowledgement
            # Faust files it only for a topic a stream subscribed; this app has none, so by hand:
            consumer._acked[tp].append(offset)
            consumer._acked_index[tp].add(offset)

    for committed in (None, 0, 9):  # nothing committed yet, offset 0, or 9 (the next to read)
        consumer._committed_offset[tp] = committed
        consumer._acked[tp].clear()
        consumer._acked_index[tp].clear()
        delivered = {offset: _Delivered(tp, offset) for offset in range(9, 16)}
        for message in delivered.values():
            consumer.track_message(message)  # the conductor hands them to the actors' streams
        ack(10, 12, 14)  # the second actor's batch
        assert consumer._new_offset(tp) is None, committed
        consumer._unacked_messages.clear()  # shutdown: Faust dropped the first actor's events
        assert consumer._new_offset(tp) is None, committed
        ack(9, 11)  # the first actor gets on: 9-12 done, 13 still in flight
        assert consumer._new_offset(tp) == 13, committed


class _State:
    def __init__(self, highwater: int | None) -> None:
        self.highwater = highwater


class _Assignment:
    def __init__(self, highwaters: dict[tuple[str, int], int | None]) -> None:
        self.states = {aiokafka.TopicPartition(t, p): _State(hw) for (t, p), hw in highwaters.items()}

    def state_value(self, tp: aiokafka.TopicPartition) -> _State | None:
        return self.states.get(tp)


class _Request:
    def __init__(self, offsets: dict[str, list[tuple[int, int]]]) -> None:
        self.topics = [
            (topic, [(p, offset, 1048576) for p, offset in parts]) for topic, parts in offsets.items()
        ]


class _Fetcher:
    def __init__(self, with_records: list[tuple[str, int]]) -> None:
        self._records = {aiokafka.TopicPartition(t, p): object() for t, p in with_records}


def test_a_fetch_that_left_a_lagging_partition_empty_starved_it() -> None:
    """Finding 9: records on one partition must not keep the wait short while another, with records
    past its offset, came back empty (Tansu on s3:// storage answers it empty when its read outlasts
    the wait)."""
    request = _Request({"clauses.retrieved": [(0, 63), (1, 40), (2, 12)]})
    assignment = _Assignment(
        {("clauses.retrieved", 0): 181, ("clauses.retrieved", 1): 55, ("clauses.retrieved", 2): 12}
    )
    starved = starved_partitions(_Fetcher([("clauses.retrieved", 1)]), assignment, request)
    assert starved == [aiokafka.TopicPartition("clauses.retrieved", 0)]  # partition 2 is at its end
    assert (
        starved_partitions(
            _Fetcher([("clauses.retrieved", 0), ("clauses.retrieved", 1)]), assignment, request
        )
        == []
    )
    unknown = _Assignment(
        {("clauses.retrieved", 0): None, ("clauses.retrieved", 1): None, ("clauses.retrieved", 2): None}
    )
    assert starved_partitions(_Fetcher([]), unknown, request) == []  # no high watermark yet: nothing to go on
