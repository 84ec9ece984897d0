"""A long-lived producer for a server that publishes events as requests come: each awaits its own delivery.

`publish_events` opens a producer, declares the topic and flushes, per call: right for a CLI, but
the intake API under 200 concurrent clients spent its time there (2.4 claims/s, p50 7.5 s), and
worse, the per-attempt timeout of its `Dependency` cancelled the wait while the thread went on
publishing, so a claim could be published after the API had answered 503 and dropped its
documents. Here one idempotent `acks=all` producer lives as long as the server; `publish` hands
librdkafka the record and awaits that record's delivery report, which librdkafka always gives
within `message.timeout.ms` (30 s), retrying with backoff meanwhile. The wait is never cut short,
so the caller learns the outcome; a circuit breaker stops the waiting while the broker is away.
A poll thread serves the delivery callbacks.
"""

from __future__ import annotations

import asyncio
import threading
from types import TracebackType
from typing import Any

from confluent_kafka import KafkaError, Message, Producer

from streams.codec import AvroCodec
from streams.errors import DependencyUnavailable
from streams.events import Event
from streams.kafka_admin import ensure_topics
from streams.kafka_io import make_producer, placed
from streams.kafka_security import KafkaConnection
from streams.resilience import Dependency
from streams.telemetry import headers_for, setup_tracing, tracer
from streams.topology import TopicSpec

POLL_S = 0.1
CLOSE_FLUSH_S = 10.0


def _settle(future: asyncio.Future[None], error: KafkaError | None) -> None:
    if future.done():
        return
    if error is None:
        future.set_result(None)
    else:
        future.set_exception(DependencyUnavailable(f"Kafka did not take the event: {error}"))


class EventPublisher:
    """Publishes events of one topic through one producer; `async with` opens and flushes it."""

    def __init__(
        self,
        kafka: KafkaConnection,
        topic: TopicSpec,
        codec: AvroCodec,
        *,
        dependency: Dependency | None = None,
        service: str = "claimflow-producer",
    ) -> None:
        self.kafka, self.topic, self.codec = kafka, topic, codec
        self.dependency = dependency or Dependency(f"kafka-{topic.name}")
        self.service = service
        self._producer: Producer | None = None
        self._stop = threading.Event()
        self._poller: threading.Thread | None = None

    async def open(self) -> None:
        """Declare the topic (as `publish_events` does), start the producer and its poll thread."""
        await asyncio.to_thread(ensure_topics, self.kafka, [self.topic])
        setup_tracing(self.service)
        self._producer = make_producer(self.kafka)
        self._stop.clear()
        self._poller = threading.Thread(target=self._poll, name=f"poll-{self.topic.name}", daemon=True)
        self._poller.start()

    def _poll(self) -> None:
        assert self._producer is not None
        while not self._stop.is_set():
            self._producer.poll(POLL_S)

    async def close(self) -> None:
        """Deliver what is queued (up to 10 s), then stop the poll thread."""
        if self._producer is None:
            return
        producer = self._producer
        await asyncio.to_thread(producer.flush, CLOSE_FLUSH_S)
        self._stop.set()
        if self._poller is not None:
            await asyncio.to_thread(self._poller.join, CLOSE_FLUSH_S)
        self._producer = None

    async def __aenter__(self) -> EventPublisher:
        await self.open()
        return self

    async def __aexit__(
        self, kind: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        await self.close()

    async def publish(self, event: Event) -> None:
        """Publish `event` keyed by the topic's key; return once the broker confirmed it.

        Raises `DependencyUnavailable` when the broker refused it or did not take it within the
        producer's delivery timeout, or while the breaker is open (nothing sent then).
        """
        if self._producer is None:
            raise DependencyUnavailable(f"the publisher of {self.topic.name} is not open")
        await self.dependency.call_once(lambda: self._send(event))

    async def _send(self, event: Event) -> None:
        assert self._producer is not None
        loop = asyncio.get_running_loop()
        delivered: asyncio.Future[None] = loop.create_future()

        def on_delivery(error: KafkaError | None, _message: Message) -> None:
            loop.call_soon_threadsafe(_settle, delivered, error)

        key = str(getattr(event, self.topic.key))
        attributes: dict[str, Any] = {"claim.id": event.claim_id}
        with tracer().start_as_current_span(f"submit {self.topic.name}", attributes=attributes):
            try:
                self._producer.produce(
                    self.topic.name,
                    key=key.encode(),
                    value=self.codec.encode(event.to_record()),
                    headers=headers_for(),
                    on_delivery=on_delivery,
                    **placed(self.topic, key),
                )
            except BufferError as exc:  # the local queue is full: nothing was sent
                raise DependencyUnavailable(f"the producer's queue is full: {exc}") from exc
        # Not cut short: librdkafka reports every record within message.timeout.ms, sent or not.
        await delivered
