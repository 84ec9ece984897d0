"""What an agent's runner does to a batch of records, whatever transport delivered them.

Decode each record with its topic's Avro codec, check its region, hand the batch to the
agent, isolate and retry the events of a failed batch, dead-letter poison, wait out
dependency outages, encode what the agent returned and send it, and wait until every send
is confirmed. `process` returns only when each input's outcome is safely on the log (an
output or a dead letter); anything else raises, and the caller must not acknowledge the
batch. The Faust runner (`streams.runner`) and the broker-free harness (`streams.testing`)
both drive this one class, so the harness's tests cover what production runs.
"""

from __future__ import annotations

import asyncio
import logging
import time
from collections import Counter
from collections.abc import Awaitable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any, Protocol

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
from streams.codec import AvroCodec
from streams.cost import cpu_header, cpu_of_headers, upstream_cpu_of, with_share
from streams.dead_letter import Coordinates, build_dead_letter
from streams.errors import DependencyUnavailable, RegionNotServed, SchemaError, TopologyError
from streams.events import Event
from streams.metrics import (
    BATCH_SIZE,
    CHAIN_SECONDS,
    CPU_SECONDS,
    DEAD_LETTERS,
    ERRORS,
    EVENTS_CONSUMED,
    EVENTS_EMITTED,
    HANDLE_SECONDS,
)
from streams.telemetry import context_from_headers, headers_for, tracer

log = logging.getLogger(__name__)

Headers = tuple[tuple[str, bytes | None], ...]

# When the claim's chain began on the log, in ms since the epoch: set by the first agent from its
# input record's timestamp (the claim.ingested record), carried unchanged by every later agent.
CHAIN_START_HEADER = "claimflow-chain-start-ms"


@dataclass(frozen=True)
class Inbound:
    """A consumed record as the processor sees it: where it was on the log and its bytes."""

    at: Coordinates
    key: bytes | None
    value: bytes | None
    headers: Headers = ()


class Outbox(Protocol):
    """Where a processor's records go: `send` queues one; awaiting its result waits for the broker."""

    async def send(
        self,
        topic: str,
        *,
        key: bytes | None,
        value: bytes,
        headers: Sequence[tuple[str, bytes | None]],
        partition: int | None = None,
    ) -> Awaitable[Any]: ...


def _is_retryable(exc: BaseException) -> bool:
    return bool(getattr(exc, "retryable", False))


class Processor:
    """Runs one agent over batches of `Inbound` records and routes what it returns.

    Attributes:
        outage_backoff_max_s: The longest wait between two tries while a dependency is down.
        retry_backoff_max_s: The longest wait between two tries of a retryable failure.
    """

    outage_backoff_max_s = 30.0
    retry_backoff_max_s = 5.0

    def __init__(
        self,
        agent: StreamAgent[Any] | RawAgent,
        ctx: AgentContext,
        *,
        regions: frozenset[str],
        codecs: Mapping[str, AvroCodec],
        outbox: Outbox,
    ) -> None:
        self.agent = agent
        self.ctx = ctx
        self.spec = ctx.spec
        self.regions = regions
        self.outbox = outbox
        topology = ctx.topology
        schemas = {topology.topic(name).schema_name for name in self.spec.consumes}
        if isinstance(agent, StreamAgent) and len(schemas) != 1:
            raise TopologyError(f"agent {self.spec.name!r} consumes several schemas; declare it raw: true")
        self._input_codec = {name: codecs[topology.topic(name).schema_name] for name in self.spec.consumes}
        self._emit_topic = {
            topology.topic(name).schema_name: topology.topic(name) for name in self.spec.emits
        }
        self._codec_of_schema = dict(codecs)
        self._dead_letter_topic = {
            name: topology.dead_letter_for(name).name
            for name in self.spec.consumes
            if topology.topic(name).dead_letter_topic
        }
        self._started = asyncio.Lock()
        self._is_started = False
        # Past the last record of each (topic, partition) whose outcome is confirmed: consumer lag.
        self.done: dict[tuple[str, int], int] = {}
        self._name = self.spec.instance  # a shadow run's metrics never mix with the live agent's

    # -- lifecycle ----------------------------------------------------------------------------

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
                    await asyncio.sleep(min(self.outage_backoff_max_s, 2.0 ** min(attempt, 5)))
            log.info("agent %s ready (regions %s)", self.spec.name, ", ".join(sorted(self.regions)))

    async def stop(self) -> None:
        """Release what the agent opened (pools, clients); called once the consumer has stopped."""
        async with self._started:
            if self._is_started:
                self._is_started = False
                await self.agent.stop()
                log.info("agent %s stopped", self.spec.name)

    async def observe(self) -> None:
        """Let a started agent refresh its gauges; a failure (a dependency down) waits for next time."""
        if not self._is_started:
            return
        try:
            await self.agent.observe()
        except Exception as exc:
            log.warning("%s: refreshing its metrics failed: %s: %s", self.spec.name, type(exc).__name__, exc)

    # -- processing ---------------------------------------------------------------------------

    @property
    def started(self) -> bool:
        """True once the agent's `start` succeeded (its dependencies answered), until `stop`."""
        return self._is_started

    async def process(self, batch: Sequence[Inbound]) -> None:
        """Decode, check, handle and emit one batch; raises only when a send was not confirmed."""
        began = time.perf_counter()
        BATCH_SIZE.labels(self._name).observe(len(batch))
        for topic, n in Counter(r.at.topic for r in batch).items():
            EVENTS_CONSUMED.labels(self._name, topic).inc(n)
        try:
            if isinstance(self.agent, RawAgent):
                await self._process_raw(batch)
            else:
                await self._process_events(batch)
        finally:
            HANDLE_SECONDS.labels(self._name).observe(time.perf_counter() - began)
        for r in batch:
            at = (r.at.topic, r.at.partition)
            self.done[at] = max(self.done.get(at, 0), r.at.offset + 1)

    async def _process_events(self, batch: Sequence[Inbound]) -> None:
        accepted: list[tuple[Inbound, Event]] = []
        for record in batch:
            model: Event | None = None
            try:
                model = self._decode(record)
                self._check_region(model)
            except (SchemaError, ValidationError, RegionNotServed) as exc:
                ERRORS.labels(self._name, type(exc).__name__).inc()
                await self.dead_letter(record, exc, attempts=1, event=model)
                continue
            accepted.append((record, model))
        if not accepted:
            return
        spans = [
            tracer().start_span(
                f"{self.spec.name} {record.at.topic}",
                context=context_from_headers(record.headers),
                kind=trace.SpanKind.CONSUMER,
                attributes={"claim.id": m.claim_id, "event.id": m.event_id},
            )
            for record, m in accepted
        ]
        try:
            upstream = {m.event_id: cpu_of_headers(record.headers) for record, m in accepted}
            cpu_began = time.process_time()
            with upstream_cpu_of(upstream):
                outputs = await self._handle(accepted)
            # The batch's CPU, split evenly: what each claim cost this agent (see streams.cost).
            share = (time.process_time() - cpu_began) / len(accepted)
            for _ in accepted:
                CPU_SECONDS.labels(self._name).observe(share)
            spent = {event_id: with_share(up, self._name, share) for event_id, up in upstream.items()}
            span_of = {m.event_id: span for (_, m), span in zip(accepted, spans, strict=True)}
            chain_start = {m.event_id: _chain_start_ms(record) for record, m in accepted}
            await self._emit(outputs, span_of, chain_start, spent)
        finally:
            for span in spans:
                span.end()

    def _decode(self, record: Inbound) -> Event:
        assert isinstance(self.agent, StreamAgent)
        codec = self._input_codec.get(record.at.topic)
        if codec is None:
            raise TopologyError(f"agent {self.spec.name!r} does not consume {record.at.topic!r}")
        if record.value is None:
            raise SchemaError(f"a record without a value is not a {codec.schema_name!r} event (a tombstone?)")
        return self.agent.input_model.model_validate(codec.decode(record.value))

    async def _handle(self, accepted: Sequence[tuple[Inbound, Event]]) -> list[Event]:
        assert isinstance(self.agent, StreamAgent)
        try:
            return await self.agent.handle_batch([m for _, m in accepted])
        except Exception as exc:
            ERRORS.labels(self._name, type(exc).__name__).inc()
            if len(accepted) == 1:
                return await self._handle_one(*accepted[0])
            log.warning("%s: batch of %d failed; isolating the failing events", self.spec.name, len(accepted))
            outputs: list[Event] = []
            for record, model in accepted:
                outputs.extend(await self._handle_one(record, model))
            return outputs

    async def _handle_one(self, record: Inbound, model: Event) -> list[Event]:
        """Retry one event with backoff; dead-letter it when it is poison, wait out outages."""
        assert isinstance(self.agent, StreamAgent)
        attempts = 0

        def count(state: RetryCallState) -> None:
            nonlocal attempts
            attempts = state.attempt_number

        async def one_try() -> list[Event]:
            assert isinstance(self.agent, StreamAgent)
            try:
                return await self.agent.handle_batch([model])
            except Exception as exc:
                ERRORS.labels(self._name, type(exc).__name__).inc()
                raise

        while True:
            try:
                async for attempt in AsyncRetrying(
                    stop=stop_after_attempt(self.ctx.settings.processing_attempts),
                    wait=wait_exponential_jitter(
                        multiplier=0.2, max=self.retry_backoff_max_s, jitter=self.retry_backoff_max_s / 5
                    ),
                    retry=retry_if_exception(_is_retryable),
                    before=count,
                    reraise=True,
                ):
                    with attempt:
                        return await one_try()
            except DependencyUnavailable as exc:
                # A dependency outage is not the message's fault: keep it (unacknowledged) and wait.
                log.warning(
                    "%s: %s for %s claim %s; waiting for it to come back",
                    self.spec.name,
                    exc,
                    record.at,
                    model.claim_id,
                )
                await asyncio.sleep(min(self.outage_backoff_max_s, 2.0 ** min(attempts, 5)))
            except Exception as exc:
                await self.dead_letter(record, exc, attempts=attempts, event=model)
                return []
        raise AssertionError("unreachable")  # pragma: no cover

    async def _process_raw(self, batch: Sequence[Inbound]) -> None:
        assert isinstance(self.agent, RawAgent)
        records = [
            RawRecord(
                topic=r.at.topic,
                partition=r.at.partition,
                offset=r.at.offset,
                timestamp_ms=r.at.timestamp_ms,
                key=r.key,
                value=r.value or b"",
                headers=tuple((k, v or b"") for k, v in r.headers),
            )
            for r in batch
        ]
        while True:
            try:
                await self.agent.handle_raw(records)
                return
            except DependencyUnavailable as exc:
                ERRORS.labels(self._name, type(exc).__name__).inc()
                log.warning("%s: %s; holding %d records until it is back", self.spec.name, exc, len(records))
                await asyncio.sleep(self.outage_backoff_max_s / 6)

    async def tick(self) -> None:
        """Run the agent's periodic work once it has started and send what it returns, confirmed.

        Nothing is committed by a tick, so one that fails loses nothing: the next one tries again.
        """
        if not self._is_started:
            return
        try:
            outputs = await self.agent.tick()
            if outputs:
                await self._emit(outputs, {}, {})
                self.agent.tick_sent(outputs)
        except Exception:
            log.exception("%s: periodic work failed; trying again at the next tick", self.spec.name)

    def _check_region(self, event: Event) -> None:
        if event.region not in self.regions:
            served = ", ".join(sorted(self.regions))
            raise RegionNotServed(
                f"region {event.region!r} is not served by this deployment (serves {served})",
                declared=event.region in self.ctx.topology.regions,
            )

    async def _emit(
        self,
        outputs: Sequence[Event],
        span_of: Mapping[str, trace.Span],
        chain_start: Mapping[str, int],
        cpu_spent: Mapping[str, Mapping[str, float]] | None = None,
    ) -> None:
        """Send every output and wait for the broker to confirm them all."""
        pending = []
        sent_to: list[tuple[str, int | None]] = []
        for out in outputs:
            spec = self._emit_topic.get(out.avro_schema)
            if spec is None:
                raise TopologyError(f"agent {self.spec.name!r} emitted {out.avro_schema!r}, not in its emits")
            span = span_of.get(out.causation_id or "")
            headers = headers_for(trace.set_span_in_context(span) if span else None)
            started_ms = chain_start.get(out.causation_id or "")
            if started_ms is not None:
                headers.append((CHAIN_START_HEADER, str(started_ms).encode()))
            spent = (cpu_spent or {}).get(out.causation_id or "")
            if spent is not None:
                headers.append(cpu_header(spent))
            sent_to.append((spec.name, started_ms))
            key = str(getattr(out, spec.key))
            pending.append(
                await self.outbox.send(
                    spec.name,
                    key=key.encode(),
                    value=self._codec_of_schema[spec.schema_name].encode(out.to_record()),
                    headers=headers,
                    partition=spec.partition_for(key),
                )
            )
        if not pending:
            return
        await asyncio.gather(*pending)
        now_ms = time.time() * 1000
        for topic, n in Counter(topic for topic, _ in sent_to).items():
            EVENTS_EMITTED.labels(self._name, topic).inc(n)
        for _, started_ms in sent_to:
            if started_ms is not None:
                CHAIN_SECONDS.labels(self._name).observe(max(0.0, now_ms - started_ms) / 1000)

    async def dead_letter(
        self, record: Inbound, error: BaseException, *, attempts: int, event: Event | None
    ) -> None:
        """Publish the failed record to its topic's dead-letter topic, confirmed before we move on."""
        letter = build_dead_letter(
            by=self.ctx.producer,
            at=record.at,
            key=record.key,
            value=record.value or b"",
            headers=list(record.headers),
            error=error,
            attempts=attempts,
            event=event,
        )
        log.error(
            "%s: dead-lettering %s claim=%s event=%s after %d attempt(s): %s: %s",
            self.spec.name,
            record.at,
            letter.claim_id or "?",
            letter.failed_event_id or "?",
            attempts,
            letter.error_type,
            letter.error_message,
        )
        topic = self._dead_letter_topic.get(record.at.topic)
        if topic is None:
            raise TopologyError(f"topic {record.at.topic!r} has no dead-letter topic") from error
        confirmed = await self.outbox.send(
            topic,
            key=letter.claim_id.encode() or None,
            value=self._codec_of_schema[letter.avro_schema].encode(letter.to_record()),
            headers=list(record.headers),
        )
        await confirmed
        DEAD_LETTERS.labels(self._name, record.at.topic, letter.error_type).inc()


def _chain_start_ms(record: Inbound) -> int:
    """When the record's claim chain began: its header, else the record's own log time (a chain's head)."""
    for key, value in record.headers:
        if key == CHAIN_START_HEADER and value:
            try:
                return int(value)
            except ValueError:
                break
    return record.at.timestamp_ms or int(time.time() * 1000)
