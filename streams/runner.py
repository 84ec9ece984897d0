"""Runs one agent from topology.yaml as a Faust stream processor.

The runner owns everything an agent should not: decoding (Faust, with the Avro
codec registered by schema name), the data-residency check, retries, the
dead-letter topic, trace propagation and emitting to the next topic. Inputs are
acknowledged only after outputs and dead letters are confirmed by the broker,
so a crash anywhere means redelivery, never loss (sinks are idempotent).
"""

from __future__ import annotations

import asyncio
import importlib
import logging
from collections.abc import Sequence
from typing import Any

import faust
from opentelemetry import trace
from pydantic import ValidationError
from tenacity import (
    AsyncRetrying,
    RetryCallState,
    retry_if_exception,
    stop_after_attempt,
    wait_exponential_jitter,
)

from streams.agent import AgentContext, RawAgent, RawRecord, StreamAgent
from streams.codec import codec_name, load_codecs
from streams.dead_letter import Coordinates, build_dead_letter
from streams.errors import ConfigurationError, DependencyUnavailable, RegionNotServed, TopologyError
from streams.events import Event
from streams.faust_app import ClaimFlowApp
from streams.settings import Settings
from streams.telemetry import context_from_headers, headers_for, setup_tracing, tracer
from streams.topology import TopicSpec, Topology

log = logging.getLogger(__name__)

OUTAGE_BACKOFF_MAX_S = 30.0


def _headers(message: Any) -> list[tuple[str, bytes | None]]:
    raw = message.headers or []
    items = raw.items() if isinstance(raw, dict) else raw
    return [(str(k), v if v is None or isinstance(v, bytes) else str(v).encode()) for k, v in items]


def _coordinates(message: Any) -> Coordinates:
    return Coordinates(message.topic, message.partition, message.offset, int((message.timestamp or 0) * 1000))


def _is_retryable(exc: BaseException) -> bool:
    return bool(getattr(exc, "retryable", False))


def load_agent_class(handler: str) -> type[StreamAgent[Any]] | type[RawAgent]:
    """Import `module:Class` named in topology.yaml."""
    module_name, _, attr = handler.partition(":")
    try:
        cls = getattr(importlib.import_module(module_name), attr)
    except (ImportError, AttributeError) as exc:
        raise TopologyError(f"cannot load agent handler {handler!r}: {exc}") from exc
    if not (isinstance(cls, type) and issubclass(cls, StreamAgent | RawAgent)):
        raise TopologyError(f"{handler!r} is not a StreamAgent or RawAgent subclass")
    return cls


class AgentRunner:
    """Feeds one agent from its topics and routes what it returns."""

    def __init__(self, name: str, settings: Settings, topology: Topology) -> None:
        self.spec = topology.agent(name)
        self.settings = settings
        self.topology = topology
        self.ctx = AgentContext(self.spec, settings, topology)
        self.agent = load_agent_class(self.spec.handler)(self.ctx)
        self.regions = frozenset(settings.regions or topology.regions)
        unknown = self.regions - set(topology.regions)
        if unknown:
            raise ConfigurationError(
                f"CLAIMFLOW_REGIONS names regions not in topology.yaml: {', '.join(sorted(unknown))}"
            )
        self._started = asyncio.Lock()
        self._is_started = False
        self.app = self._build_app()

    # -- Faust wiring -------------------------------------------------------------------------

    def _build_app(self) -> faust.App:
        load_codecs(self.settings.schemas_dir)
        settings = self.settings
        datadir = settings.state_dir / "faust" / self.spec.name
        datadir.mkdir(parents=True, exist_ok=True)
        app = ClaimFlowApp(
            self.spec.group_id,
            fetch_max_wait_ms=settings.kafka_fetch_max_wait_ms,
            idle_fetch_max_wait_ms=settings.kafka_idle_fetch_max_wait_ms,
            broker=f"kafka://{settings.kafka_bootstrap}",
            broker_session_timeout=settings.kafka_session_timeout_ms / 1000,
            broker_heartbeat_interval=settings.kafka_heartbeat_interval_ms / 1000,
            consumer_auto_offset_reset="earliest",
            topic_replication_factor=1,
            topic_allow_declare=False,  # ensure_topics() declared them, with a partition check
            web_enabled=False,
            producer_linger_ms=5,
            store="memory://",
            datadir=str(datadir),
            broker_commit_interval=1.0,
        )
        self._emit_topics = {
            self.topology.topic(name).schema_name: self._faust_topic(app, [self.topology.topic(name)])
            for name in self.spec.emits
        }
        consumed = [self.topology.topic(name) for name in self.spec.consumes]
        self._dlq_topics = {
            t.name: self._faust_topic(app, [self.topology.dead_letter_for(t.name)])
            for t in consumed
            if t.dead_letter_topic
        }
        source = self._faust_topic(app, consumed, raw=self.spec.raw, dead_letters=True)
        batch = self.spec.batch

        async def process(stream: Any) -> None:
            await self.start()
            async for events in stream.take_events(batch.max, batch.within_s):
                await self.process_batch(events)

        app.agent(source, name=self.spec.name, concurrency=self.spec.concurrency)(process)

        async def release(app: faust.App, **_: Any) -> None:
            await self.stop()

        app.on_before_shutdown.connect(release)
        return app

    def _faust_topic(
        self, app: faust.App, specs: Sequence[TopicSpec], *, raw: bool = False, dead_letters: bool = False
    ) -> faust.Topic:
        schemas = {s.schema_name for s in specs}
        if not raw and len(schemas) != 1:
            raise TopologyError(f"agent {self.spec.name!r} consumes several schemas; declare it raw: true")
        # Faust clones topics (agents read a copy), so the runner is bound on a class, not an instance.
        topic_cls = (
            type("DeadLetteringTopic", (_DeadLetteringTopic,), {"runner": self})
            if dead_letters
            else faust.Topic
        )
        return topic_cls(
            app,
            topics=[s.name for s in specs],
            partitions=specs[0].partitions if len(specs) == 1 else None,
            key_serializer="raw",
            value_serializer="raw" if raw else codec_name(schemas.pop()),
        )

    # -- processing ---------------------------------------------------------------------------

    async def start(self) -> None:
        """Start the agent once, even with concurrency > 1; wait out dependencies that are down."""
        async with self._started:
            attempt = 0
            while not self._is_started:
                try:
                    await self.agent.start()
                    self._is_started = True
                except DependencyUnavailable as exc:
                    attempt += 1
                    log.warning("%s: cannot start yet (%s); retrying", self.spec.name, exc)
                    await asyncio.sleep(min(OUTAGE_BACKOFF_MAX_S, 2.0 ** min(attempt, 5)))
                log.info("agent %s ready (regions %s)", self.spec.name, ", ".join(sorted(self.regions)))

    async def stop(self) -> None:
        """Release what the agent opened (pools, clients); called once the consumer has stopped."""
        async with self._started:
            if self._is_started:
                self._is_started = False
                await self.agent.stop()
                log.info("agent %s stopped", self.spec.name)

    async def process_batch(self, events: Sequence[Any]) -> None:
        """Decode, check, handle and emit one batch; only a lost broker makes this raise."""
        if isinstance(self.agent, RawAgent):
            await self._process_raw(events)
            return
        accepted: list[tuple[Any, Event]] = []
        for ev in events:
            model: Event | None = None
            try:
                model = self.agent.input_model.model_validate(ev.value)
                self._check_region(model)
            except (ValidationError, RegionNotServed) as exc:
                await self.dead_letter(ev.message, exc, attempts=1, event=model)
                continue
            accepted.append((ev, model))
        if not accepted:
            return
        spans = [
            tracer().start_span(
                f"{self.spec.name} {ev.message.topic}",
                context=context_from_headers(_headers(ev.message)),
                kind=trace.SpanKind.CONSUMER,
                attributes={"claim.id": m.claim_id, "event.id": m.event_id},
            )
            for ev, m in accepted
        ]
        try:
            try:
                outputs = await self.agent.handle_batch([m for _, m in accepted])
            except Exception:
                if len(accepted) == 1:
                    outputs = await self._handle_one(*accepted[0])
                else:
                    log.warning(
                        "%s: batch of %d failed; isolating the failing events", self.spec.name, len(accepted)
                    )
                    outputs = []
                    for ev, model in accepted:
                        outputs.extend(await self._handle_one(ev, model))
            span_of = {m.event_id: span for (_, m), span in zip(accepted, spans, strict=True)}
            await self._emit(outputs, span_of)
        finally:
            for span in spans:
                span.end()

    async def _handle_one(self, ev: Any, model: Event) -> list[Event]:
        """Retry one event with backoff; dead-letter it when it is poison, wait out outages."""
        assert isinstance(self.agent, StreamAgent)
        attempts = 0

        def count(state: RetryCallState) -> None:
            nonlocal attempts
            attempts = state.attempt_number

        while True:
            try:
                async for attempt in AsyncRetrying(
                    stop=stop_after_attempt(self.settings.processing_attempts),
                    wait=wait_exponential_jitter(multiplier=0.2, max=5),
                    retry=retry_if_exception(_is_retryable),
                    before=count,
                    reraise=True,
                ):
                    with attempt:
                        return await self.agent.handle_batch([model])
            except DependencyUnavailable as exc:
                # A dependency outage is not the message's fault: keep it (unacknowledged) and wait.
                log.warning(
                    "%s: %s for %s claim %s; waiting for it to come back",
                    self.spec.name,
                    exc,
                    _coordinates(ev.message),
                    model.claim_id,
                )
                await asyncio.sleep(min(OUTAGE_BACKOFF_MAX_S, 2.0 ** min(attempts, 5)))
            except Exception as exc:
                await self.dead_letter(ev.message, exc, attempts=attempts, event=model)
                return []
        raise AssertionError("unreachable")  # pragma: no cover

    async def _process_raw(self, events: Sequence[Any]) -> None:
        assert isinstance(self.agent, RawAgent)
        records = [
            RawRecord(
                topic=c.topic,
                partition=c.partition,
                offset=c.offset,
                timestamp_ms=c.timestamp_ms,
                key=ev.message.key,
                value=ev.message.value or b"",
                headers=tuple((k, v or b"") for k, v in _headers(ev.message)),
            )
            for ev in events
            for c in [_coordinates(ev.message)]
        ]
        while True:
            try:
                await self.agent.handle_raw(records)
                return
            except DependencyUnavailable as exc:
                log.warning("%s: %s; holding %d records until it is back", self.spec.name, exc, len(records))
                await asyncio.sleep(OUTAGE_BACKOFF_MAX_S / 6)

    def _check_region(self, event: Event) -> None:
        if event.region not in self.regions:
            served = ", ".join(sorted(self.regions))
            raise RegionNotServed(
                f"region {event.region!r} is not served by this deployment (serves {served})"
            )

    async def _emit(self, outputs: Sequence[Event], span_of: dict[str, trace.Span]) -> None:
        """Send every output and wait for the broker to confirm them all."""
        pending = []
        for out in outputs:
            topic = self._emit_topics.get(out.avro_schema)
            if topic is None:
                raise TopologyError(f"agent {self.spec.name!r} emitted {out.avro_schema!r}, not in its emits")
            spec = self.topology.topic_for_schema(out.avro_schema)
            span = span_of.get(out.causation_id or "")
            headers = headers_for(trace.set_span_in_context(span) if span else None)
            key = str(getattr(out, spec.key)).encode()
            pending.append(await topic.send(key=key, value=out.to_record(), headers=headers, force=True))
        if pending:
            await asyncio.gather(*pending)

    async def dead_letter(
        self, message: Any, error: BaseException, *, attempts: int, event: Event | None
    ) -> None:
        """Publish the failed message to its topic's dead-letter topic, confirmed before we move on."""
        at = _coordinates(message)
        record = build_dead_letter(
            by=self.ctx.producer,
            at=at,
            key=message.key,
            value=message.value or b"",
            headers=_headers(message),
            error=error,
            attempts=attempts,
            event=event,
        )
        log.error(
            "%s: dead-lettering %s claim=%s event=%s after %d attempt(s): %s: %s",
            self.spec.name,
            at,
            record.claim_id or "?",
            record.failed_event_id or "?",
            attempts,
            record.error_type,
            record.error_message,
        )
        topic = self._dlq_topics[message.topic]
        future = await topic.send(
            key=record.claim_id.encode() or None,
            value=record.to_record(),
            headers=_headers(message),
            force=True,
        )
        await future


class _DeadLetteringTopic(faust.Topic):
    """A Faust topic that dead-letters undecodable messages instead of crashing the stream."""

    runner: AgentRunner

    async def on_key_decode_error(self, exc: Exception, message: Any) -> None:
        await self.runner.dead_letter(message, exc.__cause__ or exc, attempts=1, event=None)

    async def on_value_decode_error(self, exc: Exception, message: Any) -> None:
        await self.runner.dead_letter(message, exc.__cause__ or exc, attempts=1, event=None)


def build_runner(agent_name: str, settings: Settings, topology: Topology) -> AgentRunner:
    """An `AgentRunner` with tracing set up for the agent's service name."""
    setup_tracing(f"claimflow-{agent_name}")
    return AgentRunner(agent_name, settings, topology)
