"""Topic administration with confluent-kafka: create what topology.yaml declares, refuse a mismatch."""

from __future__ import annotations

import logging
import time
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from confluent_kafka import KafkaError, KafkaException
from confluent_kafka.admin import AdminClient, NewTopic

from streams.errors import DependencyUnavailable, TopicPartitionsMismatch
from streams.kafka_security import KafkaAuthenticationFailed, KafkaConnection
from streams.topology import TopicSpec

log = logging.getLogger(__name__)

# librdkafka's codes for a broker that refused this client's SASL credentials or TLS handshake.
_REFUSED = {KafkaError._AUTHENTICATION, KafkaError._SSL, KafkaError.SASL_AUTHENTICATION_FAILED}


class _AdminClient(AdminClient):
    """An AdminClient that keeps what librdkafka reports through `error_cb` (auth failures among them)."""

    def __init__(self, conf: dict[str, Any]) -> None:
        self.client_errors: list[KafkaError] = []
        super().__init__({**conf, "error_cb": self.client_errors.append})


def admin_client(kafka: KafkaConnection, *, quiet: bool = False) -> AdminClient:
    """An AdminClient for `kafka` (`quiet`: librdkafka logs nothing itself; failures are still raised)."""
    conf: dict[str, Any] = {**kafka.librdkafka(), "socket.timeout.ms": 10000}
    if quiet:
        conf["log_level"] = 0
    return _AdminClient(conf)


def refusal(admin: AdminClient) -> str | None:
    """Why the broker refused `admin`'s credentials or TLS handshake, if it did (None otherwise)."""
    admin.poll(0)  # serves the error callbacks librdkafka has queued
    for error in getattr(admin, "client_errors", []):
        if error.code() in _REFUSED:
            return error.str()
    return None


def broker_partitions(admin: AdminClient, timeout_s: float = 10.0) -> dict[str, int]:
    """Partition count of every topic on the broker.

    Raises:
        KafkaAuthenticationFailed: The broker refused the credentials or the TLS handshake.
        DependencyUnavailable: The broker did not answer within `timeout_s`.
    """
    # Asked in slices of at most a second, so that a refusal (reported between the slices through
    # `error_cb`) ends the wait at once instead of looking like a broker that does not answer.
    deadline = time.monotonic() + timeout_s
    while True:
        remaining = deadline - time.monotonic()
        try:
            metadata = admin.list_topics(timeout=max(0.05, min(1.0, remaining)))
            break
        except KafkaException as exc:
            refused = refusal(admin)
            if refused is not None:
                raise KafkaAuthenticationFailed(
                    f"Kafka refused this client: {refused} (check CLAIMFLOW_KAFKA_SECURITY_PROTOCOL, "
                    "CLAIMFLOW_KAFKA_SASL_* and CLAIMFLOW_KAFKA_SSL_*)"
                ) from exc
            if remaining <= 1.0:
                raise DependencyUnavailable(f"Kafka is unreachable: {exc}") from exc
    return {name: len(t.partitions) for name, t in metadata.topics.items() if not t.error}


@dataclass(frozen=True)
class TopicCheck:
    """What `ensure_topics` found or did for one topic."""

    name: str
    partitions: int
    created: bool


def ensure_topics(
    kafka: KafkaConnection, topics: Iterable[TopicSpec], timeout_s: float = 15.0
) -> list[TopicCheck]:
    """Create the declared topics that are missing; raise `TopicPartitionsMismatch` for any that differ."""
    admin = admin_client(kafka)
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
