"""Runs one agent from topology.yaml as a Faust stream processor.

Faust carries the records (consumer group, partitions, commits); `streams.processing`
does everything else: decoding with the Avro codecs, the data-residency check, retries,
the dead-letter topic, trace propagation and emitting to the next topic. Inputs are
acknowledged only after outputs and dead letters are confirmed by the broker, so a crash
anywhere means redelivery, never loss (sinks are idempotent). A `BrokerWatch` stops the
worker if the broker loses the log under it (`streams.broker_watch`).
"""

from __future__ import annotations

import asyncio
import importlib
import logging
import os
from collections.abc import Awaitable, Callable, Sequence
from typing import Any, NoReturn

import faust

from streams.agent import AgentContext, RawAgent, StreamAgent
from streams.broker_watch import BrokerSnapshot, BrokerWatch
from streams.codec import load_codecs
from streams.dead_letter import Coordinates
from streams.errors import ClaimFlowError, ConfigurationError, TopologyError
from streams.faust_app import ClaimFlowApp
from streams.metrics import consumer_lag, set_consumer_lag
from streams.metrics_server import MetricsServer
from streams.processing import Inbound, Processor
from streams.settings import Settings
from streams.telemetry import setup_tracing
from streams.topology import Topology

log = logging.getLogger(__name__)

# The exit status of a worker that stopped rather than commit an unconfirmed batch (EX_SOFTWARE).
EXIT_UNCONFIRMED = 70


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


def served_regions(settings: Settings, topology: Topology) -> frozenset[str]:
    """The regions this deployment serves: `CLAIMFLOW_REGIONS`, else every region of the topology."""
    regions = frozenset(settings.regions or topology.regions)
    unknown = regions - set(topology.regions)
    if unknown:
        raise ConfigurationError(
            f"CLAIMFLOW_REGIONS names regions not in topology.yaml: {', '.join(sorted(unknown))}"
        )
    return regions


def inbound(message: Any) -> Inbound:
    """A Faust/aiokafka message as the processor sees it."""
    raw = message.headers or []
    items = raw.items() if isinstance(raw, dict) else raw
    headers = tuple((str(k), v if v is None or isinstance(v, bytes) else str(v).encode()) for k, v in items)
    at = Coordinates(message.topic, message.partition, message.offset, int((message.timestamp or 0) * 1000))
    return Inbound(at=at, key=message.key, value=message.value, headers=headers)


# How long a batch whose outputs the broker does not confirm is retried before the worker stops.
UNCONFIRMED_ATTEMPTS = 8
UNCONFIRMED_BACKOFF_MAX_S = 15.0
# How long a worker told to stop lets its batch in flight finish (Kubernetes waits 30 s by default).
DRAIN_S = 20.0


class OutputsNotConfirmed(ClaimFlowError):
    """The broker did not confirm a batch's outputs after every retry: the worker stops unacknowledged."""


def stop_hard(reason: BaseException) -> NoReturn:
    """End the worker process now, before Faust can commit the offset of a batch it did not finish."""
    log.critical("stopping the worker without committing: %s: %s", type(reason).__name__, reason)
    logging.shutdown()
    os._exit(EXIT_UNCONFIRMED)


async def process_until_confirmed(
    processor: Processor,
    batch: Sequence[Inbound],
    *,
    attempts: int = UNCONFIRMED_ATTEMPTS,
    backoff_max_s: float = UNCONFIRMED_BACKOFF_MAX_S,
    give_up: Callable[[BaseException], None] = stop_hard,
    drain_s: float = DRAIN_S,
) -> None:
    """Process `batch` until every output and dead letter is confirmed, or stop the worker trying.

    Faust acknowledges the events of a batch however its loop ends (`take_events` acks in a
    `finally`; faust-streaming #315), and commits them: a batch must never leave this function
    unconfirmed. A failed send (a broker that restarted, lost a topic, refused a write) is retried
    with backoff, reprocessing the whole batch (its outputs have derived ids and every sink is
    idempotent); after `attempts` the worker process ends at once (`give_up`), so the batch is
    redelivered to whoever takes the partition next, instead of being committed unsent. A worker
    told to stop (SIGTERM) cancels its agents mid-batch: the batch is let finish for up to
    `drain_s`, and if it cannot be confirmed by then the process ends without committing
    (`claimflow chaos` found the cancelled batches committed: finding 7, docs/chaos.md).
    """
    work = asyncio.ensure_future(_confirmed(processor, batch, attempts, backoff_max_s, give_up))
    try:
        await asyncio.shield(work)
    except asyncio.CancelledError:
        if not work.done():
            log.warning(
                "%s: stopping with a batch from %s in flight: finishing it first (up to %.0f s)",
                processor.spec.name,
                batch[0].at if batch else "-",
                drain_s,
            )
        try:
            await asyncio.wait_for(asyncio.shield(work), drain_s)
        except BaseException as exc:  # not finished, or not confirmed: never let Faust commit it
            give_up(exc)
            raise
        raise


async def _confirmed(
    processor: Processor,
    batch: Sequence[Inbound],
    attempts: int,
    backoff_max_s: float,
    give_up: Callable[[BaseException], None],
) -> None:
    for attempt in range(1, attempts + 1):
        try:
            await processor.process(batch)
            return
        except asyncio.CancelledError:
            raise
        except Exception as exc:
            first = batch[0].at if batch else "-"
            log.error(
                "%s: batch from %s not confirmed (attempt %d of %d): %s: %s",
                processor.spec.name,
                first,
                attempt,
                attempts,
                type(exc).__name__,
                exc,
            )
            if attempt == attempts:
                give_up(exc)
                raise OutputsNotConfirmed(
                    f"batch from {first} not confirmed after {attempts} attempts"
                ) from exc
            await asyncio.sleep(min(backoff_max_s, 0.5 * 2 ** (attempt - 1)))


class _FaustOutbox:
    """Sends through the Faust app's producer; each send's future resolves when the broker confirmed it."""

    def __init__(self, topics: dict[str, faust.Topic]) -> None:
        self.topics = topics

    async def send(
        self,
        topic: str,
        *,
        key: bytes | None,
        value: bytes,
        headers: Sequence[tuple[str, bytes | None]],
        partition: int | None = None,
    ) -> Awaitable[Any]:
        future: Awaitable[Any] = await self.topics[topic].send(
            key=key, value=value, headers=list(headers), partition=partition, force=True
        )
        return future


class AgentRunner:
    """Feeds one agent from its topics through a `Processor`."""

    def __init__(self, name: str, settings: Settings, topology: Topology) -> None:
        self.spec = topology.agent(name)
        self.settings = settings
        self.topology = topology
        self.ctx = AgentContext(self.spec, settings, topology)
        self.agent = load_agent_class(self.spec.handler)(self.ctx)
        self.regions = served_regions(settings, topology)
        self.joined = False  # the consumer finished a rebalance (joined its group) at least once
        self.app = self._build_app()
        self.metrics_server = MetricsServer(settings.metrics_host, settings.metrics_port, self.not_ready)

    def _build_app(self) -> faust.App:
        settings = self.settings
        kafka = settings.kafka()
        datadir = settings.state_dir / "faust" / self.spec.instance
        datadir.mkdir(parents=True, exist_ok=True)
        app = ClaimFlowApp(
            self.spec.group_id,
            fetch_max_wait_ms=settings.kafka_fetch_max_wait_ms,
            idle_fetch_max_wait_ms=settings.kafka_idle_fetch_max_wait_ms,
            broker=kafka.faust_broker,
            broker_credentials=kafka.faust_credentials(),
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
            # Faust's leader-election topic is not in topology.yaml, and nothing here elects a leader.
            topic_disable_leader=True,
        )
        consumed = [self.topology.topic(name) for name in self.spec.consumes]
        out_names = [*self.spec.emits, *(t.dead_letter_topic for t in consumed if t.dead_letter_topic)]
        self.broker_watch = BrokerWatch(
            self.spec.instance,
            kafka,
            [*consumed, *map(self.topology.topic, out_names)],
            on_snapshot=self._sample_lag,
        )
        app.task(self.broker_watch.run)
        outbox = _FaustOutbox({name: self._raw_topic(app, [name]) for name in out_names})
        self.processor = Processor(
            self.agent,
            self.ctx,
            regions=self.regions,
            codecs=load_codecs(settings.schemas_dir),
            outbox=outbox,
        )
        source = self._raw_topic(app, [t.name for t in consumed])
        batch = self.spec.batch

        async def process(stream: Any) -> None:
            await self.processor.start()
            async for events in stream.take_events(batch.max, batch.within_s):
                await process_until_confirmed(self.processor, [inbound(ev.message) for ev in events])

        app.agent(source, name=self.spec.instance, concurrency=self.spec.concurrency)(process)
        interval = self.agent.tick_interval_s()
        if interval is not None:
            app.timer(interval, name=f"{self.spec.name}.tick")(self.processor.tick)

        async def release(app: faust.App, **_: Any) -> None:
            await self.processor.stop()

        app.on_before_shutdown.connect(release)

        app.timer(settings.metrics_refresh_s)(self.processor.observe)

        async def rebalanced(app: faust.App, **_: Any) -> None:
            self.joined = True

        app.on_rebalance_complete.connect(rebalanced)
        return app

    # -- what the metrics server reports ------------------------------------------------------

    def not_ready(self) -> list[str]:
        """Why this worker is not ready to process (none when it is): `/readyz`."""
        reasons = []
        if not self.processor.started:
            reasons.append("the agent has not started (waiting for its dependencies)")
        if not self.joined:
            reasons.append("the consumer has not joined its group yet")
        if not self.broker_watch.reachable:
            reasons.append(f"the broker at {self.settings.kafka_bootstrap} does not answer")
        return reasons

    def _sample_lag(self, snapshot: BrokerSnapshot) -> None:
        """Consumer lag of the partitions this worker holds, from the end offsets the watch just read."""
        consumer = self.app.consumer
        assigned = {(tp.topic, tp.partition) for tp in consumer.assignment()}
        # Faust keeps the offsets it committed (the next to read) only in this attribute (0.15).
        committed = getattr(consumer, "_committed_offset", {})
        done = {
            at: max(committed.get(tp) or 0, self.processor.done.get(at, 0))
            for tp in consumer.assignment()
            for at in [(tp.topic, tp.partition)]
        }
        set_consumer_lag(self.spec.instance, consumer_lag(assigned, snapshot.ends, done))

    def _raw_topic(self, app: faust.App, names: Sequence[str]) -> faust.Topic:
        """Bytes in and out: the processor decodes and encodes with the Avro codecs itself."""
        specs = [self.topology.topic(n) for n in names]
        return faust.Topic(
            app,
            topics=list(names),
            partitions=specs[0].partitions if len(specs) == 1 else None,
            key_serializer="raw",
            value_serializer="raw",
        )


def build_runner(agent_name: str, settings: Settings, topology: Topology) -> AgentRunner:
    """An `AgentRunner` with tracing set up for the agent's service name."""
    setup_tracing(f"claimflow-{agent_name}")
    return AgentRunner(agent_name, settings, topology)
