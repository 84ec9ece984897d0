"""Positioning a consumer group before it runs, against the real broker: by time, exactly, then committed."""

from __future__ import annotations

import uuid

import pytest
from confluent_kafka import TopicPartition

from streams.kafka_admin import ensure_topics
from streams.kafka_io import (
    commit_group_offsets,
    first_offsets_at,
    flush_or_fail,
    log_bounds,
    make_consumer,
    make_producer,
)
from streams.topology import TopicSpec
from tests.fixtures.pipeline import Pipeline

pytestmark = pytest.mark.integration

T0 = 1_800_000_000_000  # record timestamps are given, so the test needs no clock


def test_a_group_is_committed_at_the_first_record_at_or_after_a_time_on_every_partition(pipeline: Pipeline):
    bootstrap = pipeline.settings.kafka()
    topic = TopicSpec.model_validate(
        {
            "name": f"test.positions.{uuid.uuid4().hex[:8]}",
            "schema": "claim_ingested",
            "key": "claim_id",
            "partitions": 2,
            "retention_ms": 60000,
            "replication_factor": 1,
        }
    )
    ensure_topics(bootstrap, [topic])
    producer = make_producer(bootstrap)
    for i in range(3):  # partition 0 at T0 + 0, 1, 2 s; partition 1 at T0 + 10, 11, 12 s
        for partition, base in ((0, 0), (1, 10_000)):
            producer.produce(topic.name, value=b"x", partition=partition, timestamp=T0 + base + i * 1000)
    flush_or_fail(producer)
    consumer = make_consumer(bootstrap)
    try:
        marks = log_bounds(consumer, topic.name, topic.partitions)
        assert first_offsets_at(consumer, topic, marks, T0 + 1500) == [2, 0]
        assert first_offsets_at(consumer, topic, marks, T0 + 11_000) == [3, 1], "none left on 0: its end"
        assert first_offsets_at(consumer, topic, marks, T0 + 60_000) == [3, 3], (
            "after the last record: the end"
        )
    finally:
        consumer.close()

    group = f"test-positions-{uuid.uuid4().hex[:8]}"
    commit_group_offsets(bootstrap, group, topic, [2, 1])
    reader = make_consumer(bootstrap, group_id=group)
    try:
        committed = reader.committed([TopicPartition(topic.name, p) for p in range(2)], timeout=10)
    finally:
        reader.close()
    assert [tp.offset for tp in committed] == [2, 1]
