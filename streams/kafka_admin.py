"""Topic administration with confluent-kafka: create what topology.yaml declares, refuse a mismatch."""

from __future__ import annotations

import logging
from collections.abc import Iterable
from dataclasses import dataclass

from confluent_kafka import KafkaException
from confluent_kafka.admin import AdminClient, NewTopic

from streams.errors import DependencyUnavailable, TopicPartitionsMismatch
from streams.topology import TopicSpec

log = logging.getLogger(__name__)


def admin_client(bootstrap: str) -> AdminClient:
    return AdminClient({"bootstrap.servers": bootstrap, "socket.timeout.ms": 10000})


def broker_partitions(admin: AdminClient, timeout_s: float = 10.0) -> dict[str, int]:
    """Partition count of every topic on the broker."""
    try:
        metadata = admin.list_topics(timeout=timeout_s)
    except KafkaException as exc:
        raise DependencyUnavailable(f"Kafka is unreachable: {exc}") from exc
    return {name: len(t.partitions) for name, t in metadata.topics.items() if not t.error}


@dataclass(frozen=True)
class TopicCheck:
    """What `ensure_topics` found or did for one topic."""

    name: str
    partitions: int
    created: bool


def ensure_topics(bootstrap: str, topics: Iterable[TopicSpec], timeout_s: float = 15.0) -> list[TopicCheck]:
    """Create the declared topics that are missing; raise `TopicPartitionsMismatch` for any that differ."""
    admin = admin_client(bootstrap)
    existing = broker_partitions(admin, timeout_s)
    wanted = list(topics)
    mismatched = [
        f"{t.name}: declared {t.partitions}, broker has {existing[t.name]}"
        for t in wanted
        if t.name in existing and existing[t.name] != t.partitions
    ]
    if mismatched:
        raise TopicPartitionsMismatch(
            "topics differ from topology.yaml (repartitioning needs a migration, not a restart): "
            + "; ".join(mismatched)
        )
    missing = [t for t in wanted if t.name not in existing]
    if missing:
        futures = admin.create_topics(
            [
                NewTopic(
                    t.name,
                    num_partitions=t.partitions,
                    replication_factor=t.replication_factor,
                    config={"retention.ms": str(t.retention_ms)},
                )
                for t in missing
            ],
            operation_timeout=timeout_s,
        )
        for name, future in futures.items():
            try:
                future.result(timeout=timeout_s)
            except KafkaException as exc:
                if exc.args and exc.args[0].code() == exc.args[0].TOPIC_ALREADY_EXISTS:
                    continue  # another process created it in the meantime
                raise DependencyUnavailable(f"cannot create topic {name}: {exc}") from exc
            log.info("created topic %s", name)
    created = {t.name for t in missing}
    return [TopicCheck(t.name, t.partitions, t.name in created) for t in wanted]
