"""Start-up topic checks against the real broker: create what is missing, refuse a partition mismatch."""

from __future__ import annotations

import uuid

import pytest
from confluent_kafka.admin import NewTopic

from streams.errors import TopicPartitionsMismatch
from streams.kafka_admin import admin_client, broker_partitions, ensure_topics
from streams.topology import TopicSpec
from tests.fixtures.pipeline import Pipeline

pytestmark = pytest.mark.integration


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


def test_missing_topics_are_created_with_the_declared_partitions(pipeline: Pipeline):
    name = f"test.created.{uuid.uuid4().hex[:8]}"
    checks = ensure_topics(pipeline.settings.kafka(), [spec(name, 5)])
    assert [(c.name, c.partitions, c.created) for c in checks] == [(name, 5, True)]
    assert broker_partitions(admin_client(pipeline.settings.kafka()))[name] == 5
    again = ensure_topics(pipeline.settings.kafka(), [spec(name, 5)])
    assert again[0].created is False


def test_a_partition_mismatch_is_a_readable_typed_error(pipeline: Pipeline):
    name = f"test.mismatch.{uuid.uuid4().hex[:8]}"
    admin = admin_client(pipeline.settings.kafka())
    for future in admin.create_topics([NewTopic(name, num_partitions=2, replication_factor=1)]).values():
        future.result(timeout=15)
    with pytest.raises(TopicPartitionsMismatch, match=rf"{name}: declared 4, broker has 2"):
        ensure_topics(pipeline.settings.kafka(), [spec(name, 4)])
