"""confluent-kafka producers and consumers for the operator tools (submit, tail, replay, topics)."""

from __future__ import annotations

import time
import uuid
from collections.abc import Iterator, Sequence
from dataclasses import dataclass

from confluent_kafka import (
    OFFSET_BEGINNING,
    OFFSET_END,
    Consumer,
    KafkaError,
    KafkaException,
    Message,
    Producer,
    TopicPartition,
)

from streams.codec import AvroCodec
from streams.errors import DependencyUnavailable
from streams.events import Event
from streams.kafka_admin import ensure_topics
from streams.kafka_security import KafkaConnection
from streams.telemetry import headers_for, setup_tracing, tracer
from streams.topology import TopicSpec

# The Java client's partitioner (murmur2 of the key, positive, modulo the partition count),
# which the agents' aiokafka producers, kafkajs and every Java producer use. librdkafka's
# default (`consistent_random`, CRC32) sends most keys elsewhere, so a claim written by
# `claimflow submit` and one written by any other client would land on different partitions
# and lose their per-claim order. `_random`: a record without a key goes to a random
# partition (the Java client picks a sticky one); an empty key is hashed like any other.
JAVA_COMPATIBLE_PARTITIONER = "murmur2_random"


def make_producer(kafka: KafkaConnection) -> Producer:
    """An idempotent, acks=all producer that partitions exactly as the Java client does."""
    return Producer(
        {
            **kafka.librdkafka(),
            "enable.idempotence": True,
            "acks": "all",
            "linger.ms": 5,
            "message.timeout.ms": 30000,
            "partitioner": JAVA_COMPATIBLE_PARTITIONER,
            # Topics come from topology.yaml (`ensure_topics`), never from the broker's defaults.
            "allow.auto.create.topics": False,
        }
    )


def make_consumer(
    kafka: KafkaConnection, *, group_id: str | None = None, session_timeout_ms: int = 6000
) -> Consumer:
    """A consumer that never commits on its own (tools read; agents own the committed offsets)."""
    return Consumer(
        {
            **kafka.librdkafka(),
            "group.id": group_id or f"claimflow-tool-{uuid.uuid4().hex[:8]}",
            "enable.auto.commit": False,
            "auto.offset.reset": "earliest",
            "session.timeout.ms": session_timeout_ms,
            "heartbeat.interval.ms": max(100, session_timeout_ms // 4),
            # End-of-partition events are how bounded reads know they are done (see `log_bounds`).
            "enable.partition.eof": True,
        }
    )


def flush_or_fail(producer: Producer, timeout_s: float = 30.0) -> None:
    """Wait until every produced message is acknowledged; raise if the broker did not take them all."""
    remaining = producer.flush(timeout_s)
    if remaining:
        raise DependencyUnavailable(f"{remaining} message(s) not acknowledged by Kafka within {timeout_s}s")


def publish_events(
    kafka: KafkaConnection, topic: TopicSpec, codec: AvroCodec, events: Sequence[Event]
) -> None:
    """Encode and publish `events` keyed by the topic's key field, each starting its own trace.

    The topic is declared first: otherwise a broker that auto-creates topics would
    create it with its default partition count before any agent declared it.
    """
    ensure_topics(kafka, [topic])
    setup_tracing("claimflow-producer")
    errors: list[str] = []

    def on_delivery(err: KafkaError | None, _msg: Message) -> None:
        if err is not None:
            errors.append(str(err))

    producer = make_producer(kafka)
    for event in events:
        with tracer().start_as_current_span(f"submit {topic.name}", attributes={"claim.id": event.claim_id}):
            key = str(getattr(event, topic.key))
            producer.produce(
                topic.name,
                key=key.encode(),
                value=codec.encode(event.to_record()),
                headers=headers_for(),
                on_delivery=on_delivery,
                **placed(topic, key),
            )
        producer.poll(0)
    flush_or_fail(producer)
    if errors:
        raise DependencyUnavailable(f"Kafka refused {len(errors)} message(s): {errors[0]}")


def read_topic(kafka: KafkaConnection, topic: TopicSpec) -> Iterator[Message]:
    """Every message on `topic` so far, partition by partition, then stop."""
    consumer = make_consumer(kafka)
    try:
        marks = log_bounds(consumer, topic.name, topic.partitions)
        ranges = [PartitionRange(p, low, high) for p, (low, high) in enumerate(marks)]
        yield from read_range(consumer, topic.name, ranges)
    finally:
        consumer.close()


def offsets_at(
    consumer: Consumer, topic: TopicSpec, marks: Sequence[tuple[int, int]], since_ms: int
) -> list[int]:
    """Per partition, the first offset at or after `since_ms` (epoch ms); the end where none is."""
    wanted = [TopicPartition(topic.name, p, since_ms) for p in range(topic.partitions)]
    try:
        found = consumer.offsets_for_times(wanted, timeout=10)
    except KafkaException as exc:
        raise DependencyUnavailable(f"cannot look up offsets by time in {topic.name}: {exc}") from exc
    return [tp.offset if tp.offset >= 0 else high for tp, (_, high) in zip(found, marks, strict=True)]


def first_offsets_at(
    consumer: Consumer, topic: TopicSpec, marks: Sequence[tuple[int, int]], since_ms: int
) -> list[int]:
    """Per partition, the offset of the first record stamped at or after `since_ms`; the end where none is.

    The broker's answer to a time (`offsets_at`) is only where the search starts: the embedded
    broker (Tansu 0.6.0) answered offset 0 for a time after the last record, and an offset too
    early for one in between, so the records from there are read until one is stamped at or after
    the time. On Apache Kafka the first record read is the one.
    """
    found = []
    for partition, (start, (low, high)) in enumerate(
        zip(offsets_at(consumer, topic, marks, since_ms), marks, strict=True)
    ):
        offset = high
        for message in read_range(consumer, topic.name, [PartitionRange(partition, max(start, low), high)]):
            if message.timestamp()[1] >= since_ms:
                offset = message.offset()
                break
        consumer.unassign()
        found.append(offset)
    return found


def commit_group_offsets(
    kafka: KafkaConnection, group_id: str, topic: TopicSpec, offsets: Sequence[int]
) -> None:
    """Set where consumer group `group_id` reads `topic` from, before any member joined it.

    What `kafka-consumer-groups --reset-offsets` does: a group with no members accepts a commit
    from outside; its first member then starts exactly there (seen working on the embedded broker).
    """
    consumer = make_consumer(kafka, group_id=group_id)
    try:
        done = consumer.commit(
            offsets=[TopicPartition(topic.name, p, o) for p, o in enumerate(offsets)], asynchronous=False
        )
    except KafkaException as exc:
        raise DependencyUnavailable(
            f"cannot set the offsets of group {group_id} on {topic.name}: {exc}"
        ) from exc
    finally:
        consumer.close()
    failed = [tp for tp in done or [] if tp.error is not None]
    if failed:
        raise DependencyUnavailable(f"group {group_id} refused offsets on {topic.name}: {failed[0].error}")


def placed(topic: TopicSpec, key: bytes | str | None) -> dict[str, int]:
    """`produce` keywords sending a record to the partition the topology places its key on (none: hashed)."""
    if key is None:
        return {}
    partition = topic.partition_for(key.decode(errors="replace") if isinstance(key, bytes) else key)
    return {} if partition is None else {"partition": partition}


@dataclass(frozen=True)
class PartitionRange:
    """Offsets [start, end) of one partition to read."""

    partition: int
    start: int
    end: int


def log_bounds(
    consumer: Consumer, topic: str, partitions: int, timeout_s: float = 10.0
) -> list[tuple[int, int]]:
    """(first, end) offsets of every partition: `end` is one past the last message.

    Tansu (the embedded broker) reports the high watermark as the last batch's *base*
    offset + 1, so a batch of three records looks like one. The true end is found by
    reading from `high - 1` to the end-of-partition event, which costs one batch per
    partition and is exact on Apache Kafka too.
    """
    try:
        marks = [
            consumer.get_watermark_offsets(TopicPartition(topic, p), timeout=timeout_s, cached=False)
            for p in range(partitions)
        ]
    except KafkaException as exc:
        raise DependencyUnavailable(f"cannot read offsets of {topic}: {exc}") from exc
    ends = {p: high for p, (_, high) in enumerate(marks)}
    probe = [
        TopicPartition(topic, p, max(low, high - 1)) for p, (low, high) in enumerate(marks) if high > low
    ]
    if probe:
        pending = {tp.partition for tp in probe}
        consumer.assign(probe)
        deadline = time.monotonic() + timeout_s
        while pending:
            if time.monotonic() > deadline:
                raise DependencyUnavailable(
                    f"no end-of-partition from {topic} for partitions {sorted(pending)}"
                )
            msg = consumer.poll(0.5)
            if msg is None:
                continue
            if msg.error() and msg.error().code() != KafkaError._PARTITION_EOF:
                raise DependencyUnavailable(f"reading {topic}: {msg.error()}")
            partition, offset = msg.partition(), msg.offset()
            if msg.error():
                ends[partition] = max(ends[partition], offset)
                pending.discard(partition)
            elif offset is not None:
                ends[partition] = max(ends[partition], offset + 1)
        consumer.unassign()
    return [(low, ends[p]) for p, (low, _) in enumerate(marks)]


def read_range(
    consumer: Consumer, topic: str, ranges: Sequence[PartitionRange], *, idle_timeout_s: float = 10.0
) -> Iterator[Message]:
    """Every message in `ranges`, then stop (a bounded read; `tail --follow` uses `follow` instead)."""
    todo = {r.partition: r.end for r in ranges if r.end > r.start}
    if not todo:
        return
    consumer.assign([TopicPartition(topic, r.partition, r.start) for r in ranges if r.partition in todo])
    while todo:
        msg = consumer.poll(idle_timeout_s)
        if msg is None:
            raise DependencyUnavailable(
                f"no message from {topic} for {idle_timeout_s}s while {todo} remained"
            )
        if msg.error():
            if msg.error().code() == KafkaError._PARTITION_EOF:
                todo.pop(msg.partition(), None)
                continue
            raise DependencyUnavailable(f"reading {topic}: {msg.error()}")
        offset, partition = msg.offset(), msg.partition()
        if partition not in todo or offset is None or offset >= todo[partition]:
            continue
        yield msg
        if offset + 1 >= todo[partition]:
            del todo[partition]
    consumer.unassign()


def follow(
    consumer: Consumer, topic: str, partitions: int, *, from_beginning: bool, assigned: bool = False
) -> Iterator[Message]:
    """Every new message of `topic` until interrupted (`assigned`: the caller positioned the consumer)."""
    if not assigned:
        start = OFFSET_BEGINNING if from_beginning else OFFSET_END
        consumer.assign([TopicPartition(topic, p, start) for p in range(partitions)])
    while True:
        msg = consumer.poll(1.0)
        if msg is None or (msg.error() and msg.error().code() == KafkaError._PARTITION_EOF):
            continue
        if msg.error():
            raise DependencyUnavailable(f"reading {topic}: {msg.error()}")
        yield msg
