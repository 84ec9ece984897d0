"""The runner's rules, driven through `streams.testing.AgentHarness` with no broker at all.

A toy topology (`ping` → `pong`, with dead-letter topics) and toy agents exercise what every
ClaimFlow agent relies on: decoding, the region check, dead letters with their coordinates,
batch isolation, retries, waiting out an outage, and never acknowledging a batch whose
output the broker did not confirm.
"""

from __future__ import annotations

import asyncio
import json
import shutil
from collections.abc import Sequence
from pathlib import Path
from typing import ClassVar

import pytest

from streams import (
    AgentContext,
    DependencyUnavailable,
    Event,
    PermanentError,
    Producer,
    RawAgent,
    RawRecord,
    Settings,
    StreamAgent,
    TopologyError,
)
from streams.codec import AvroCodec
from streams.processing import Inbound
from streams.runner import OutputsNotConfirmed, process_until_confirmed
from streams.testing import AgentHarness
from streams.topology import parse_topology
from tests.fixtures.paths import SCHEMAS
from tests.fixtures.waiting import NotYet, eventually_async

ENVELOPE = [
    {"name": "event_id", "type": "string"},
    {"name": "claim_id", "type": "string"},
    {"name": "region", "type": "string"},
    {"name": "event_time", "type": {"type": "long", "logicalType": "timestamp-millis"}},
    {"name": "producer", "type": "string"},
    {"name": "producer_version", "type": "string"},
    {"name": "causation_id", "type": ["null", "string"], "default": None},
]

TOPOLOGY = """
regions: [EU, US]
defaults: {partitions: 2, retention_ms: 1000, replication_factor: 1}
dead_letter: {suffix: .dlq, schema: dead_letter, partitions: 1, retention_ms: 1000}
topics:
  ping: {schema: ping, key: claim_id}
  pong: {schema: pong, key: claim_id}
agents:
  doubler:
    handler: tests.streams.test_processing:Doubler
    consumes: [ping]
    emits: [pong]
  recorder:
    handler: tests.streams.test_processing:Recorder
    consumes: ["*"]
    raw: true
  ticker:
    handler: tests.streams.test_processing:Ticker
    consumes: ["*"]
    emits: [pong]
    raw: true
"""


class Ping(Event):
    avro_schema = "ping"
    n: int


class Pong(Event):
    avro_schema = "pong"
    n: int


class Poison(PermanentError):
    """This input can never be processed."""


class Flaky(Exception):
    """Fails, but may work next time."""

    retryable = True


ME = Producer("test", "1")


class Doubler(StreamAgent[Ping]):
    """Emits 2n; n = 13 is poison, n = 7 fails `flaky_left` times, n = 99 emits nothing declared."""

    input_model = Ping
    flaky_left: ClassVar[int] = 0
    outage_left: ClassVar[int] = 0
    batches: ClassVar[list[list[int]]] = []

    async def handle_batch(self, events: Sequence[Ping]) -> list[Event]:
        Doubler.batches.append([e.n for e in events])
        if any(e.n == 13 for e in events):
            raise Poison("13 is unlucky")
        if any(e.n == 7 for e in events) and Doubler.flaky_left > 0:
            Doubler.flaky_left -= 1
            raise Flaky("not this time")
        if Doubler.outage_left > 0:
            Doubler.outage_left -= 1
            raise DependencyUnavailable("the database is down")
        if any(e.n == 99 for e in events):
            return [events[0].follow(Ping, by=ME, n=0)]
        return [e.follow(Pong, by=ME, n=2 * e.n) for e in events]


class Recorder(RawAgent):
    """Keeps the raw records it is given."""

    seen: ClassVar[list[RawRecord]] = []

    async def handle_raw(self, records: Sequence[RawRecord]) -> None:
        Recorder.seen.extend(records)


class Ticker(RawAgent):
    """Emits one Pong per tick, numbered; remembers which ticks the broker confirmed."""

    def __init__(self, ctx: AgentContext) -> None:
        super().__init__(ctx)
        self.ticks = 0
        self.confirmed: list[int] = []

    async def handle_raw(self, records: Sequence[RawRecord]) -> None:
        pass

    def tick_interval_s(self) -> float | None:
        return 1.0

    async def tick(self) -> Sequence[Event]:
        self.ticks += 1
        return [Pong.new(claim_id="c-tick", region="EU", by=ME, n=self.ticks)]

    def tick_sent(self, outputs: Sequence[Event]) -> None:
        self.confirmed.extend(o.n for o in outputs if isinstance(o, Pong))


def _schema(name: str, extra: list[dict[str, object]]) -> dict[str, object]:
    return {"type": "record", "name": name, "fields": [*ENVELOPE, *extra]}


def make_settings(tmp_path: Path, regions: list[str] | None = None) -> Settings:
    """Settings over the toy schemas (ping, pong and the real dead-letter schema)."""
    schemas = tmp_path / "schemas"
    schemas.mkdir(exist_ok=True)
    shutil.copy(SCHEMAS / "dead_letter.avsc", schemas / "dead_letter.avsc")
    for name in ("ping", "pong"):
        body = _schema(name.title(), [{"name": "n", "type": "int"}])
        (schemas / f"{name}.avsc").write_text(json.dumps(body))
    Doubler.flaky_left = Doubler.outage_left = 0
    Doubler.batches.clear()
    Recorder.seen.clear()
    return Settings(schemas_dir=schemas, state_dir=tmp_path, processing_attempts=3, regions=regions or [])


@pytest.fixture
def settings(tmp_path: Path) -> Settings:
    return make_settings(tmp_path)


def harness(settings: Settings, agent: str = "doubler") -> AgentHarness:
    return AgentHarness(agent, settings=settings, topology=parse_topology(TOPOLOGY))


def ping(n: int, region: str = "EU", claim: str | None = None) -> Ping:
    return Ping.new(claim_id=claim or f"C{n}", region=region, by=ME, n=n)


async def test_an_event_is_decoded_handled_and_its_output_emitted_with_a_derived_id(
    settings: Settings,
) -> None:
    h = harness(settings)
    event = ping(4)
    await h.deliver(event)
    [pong] = h.emitted("pong")
    assert pong["n"] == 8
    assert pong["causation_id"] == event.event_id
    assert h.outbox.sent[0].key == b"C4"
    again = harness(settings)
    await again.deliver(event)
    assert again.emitted("pong")[0]["event_id"] == pong["event_id"]  # a redelivery reproduces the id


async def test_undecodable_bytes_are_dead_lettered_with_coordinates_and_the_batch_goes_on(
    settings: Settings,
) -> None:
    h = harness(settings)
    await h.deliver(b"\x00garbage", ping(1))
    assert [p["n"] for p in h.emitted("pong")] == [2]
    [letter] = h.dead_letters()
    assert (letter.source_topic, letter.source_partition, letter.source_offset) == ("ping", 0, 0)
    assert letter.error_type == "DecodeError"
    assert letter.original_value == b"\x00garbage"
    assert [s.topic for s in h.outbox.sent] == ["ping.dlq", "pong"]


async def test_an_event_whose_int_overflows_its_schema_is_dead_lettered_not_emitted(
    settings: Settings,
) -> None:
    """Found by the fuzzer: such an event decoded and its value travelled on (here as 2**41, bytes
    no other Avro library reads); in a union the agent's own encode failed, which the runner takes
    for an unconfirmed batch and stops the worker over, again on every redelivery."""
    h = harness(settings)
    wide = ping(0).to_record() | {"n": 2**40}
    schema = json.loads((settings.schemas_dir / "ping.avsc").read_text())
    schema["fields"][-1]["type"] = "long"
    value = AvroCodec("ping", schema).encode(wide)
    await h.deliver(value, ping(1))
    assert [p["n"] for p in h.emitted("pong")] == [2]
    [letter] = h.dead_letters()
    assert (letter.error_type, letter.source_offset) == ("DecodeError", 0)
    assert "1099511627776" in letter.error_message


async def test_a_region_the_deployment_does_not_serve_is_dead_lettered_never_handled(tmp_path: Path) -> None:
    h = harness(make_settings(tmp_path, regions=["US"]))
    await h.deliver(ping(3, region="EU"), ping(5, region="US"))
    assert [p["n"] for p in h.emitted("pong")] == [10]
    [letter] = h.dead_letters()
    assert letter.error_type == "RegionNotServed"
    assert letter.region == "EU" and letter.claim_id == "C3"
    assert Doubler.batches == [[5]]


async def test_one_poison_event_does_not_fail_its_batch(settings: Settings) -> None:
    h = harness(settings)
    await h.deliver(ping(1), ping(13), ping(2))
    assert sorted(p["n"] for p in h.emitted("pong")) == [2, 4]
    [letter] = h.dead_letters()
    assert letter.error_type == "Poison"
    assert letter.attempts == 1  # not retryable: dead-lettered at once
    assert letter.failed_event_id is not None and letter.source_offset == 1


async def test_a_retryable_failure_is_retried_then_succeeds(settings: Settings) -> None:
    Doubler.flaky_left = 2
    h = harness(settings)
    await h.deliver(ping(7))
    assert [p["n"] for p in h.emitted("pong")] == [14]
    assert h.dead_letters() == []


async def test_a_retryable_failure_that_persists_is_dead_lettered_after_the_attempts(
    settings: Settings,
) -> None:
    Doubler.flaky_left = 10
    h = harness(settings)
    await h.deliver(ping(7))
    [letter] = h.dead_letters()
    assert (letter.error_type, letter.attempts, letter.retryable) == ("Flaky", 3, True)


async def test_a_dependency_outage_is_waited_out_and_nothing_is_dead_lettered(settings: Settings) -> None:
    Doubler.outage_left = 6  # more than the processing attempts: an outage is not the message's fault
    h = harness(settings)
    await h.deliver(ping(1))
    assert [p["n"] for p in h.emitted("pong")] == [2]
    assert h.dead_letters() == []


async def test_a_batch_whose_output_the_broker_refused_is_not_acknowledged(settings: Settings) -> None:
    h = harness(settings)
    h.outbox.refused.add("pong")
    with pytest.raises(DependencyUnavailable, match="refused"):
        await h.deliver(ping(1))


async def test_a_dead_letter_the_broker_refused_is_not_acknowledged_either(settings: Settings) -> None:
    h = harness(settings)
    h.outbox.refused.add("ping.dlq")
    with pytest.raises(DependencyUnavailable):
        await h.deliver(b"garbage")


async def test_an_output_the_agent_does_not_declare_is_a_topology_error(settings: Settings) -> None:
    h = harness(settings)
    with pytest.raises(TopologyError, match="not in its emits"):
        await h.deliver(ping(99))


async def test_a_raw_agent_gets_every_record_as_bytes_with_its_coordinates(settings: Settings) -> None:
    h = harness(settings, "recorder")
    event = ping(1)
    await h.deliver(h.record(event, topic="pong", partition=1), h.record(b"junk", topic="ping.dlq"))
    assert [(r.topic, r.partition, r.offset) for r in Recorder.seen] == [("pong", 1, 0), ("ping.dlq", 0, 0)]
    assert Recorder.seen[1].value == b"junk"
    assert h.outbox.sent == []


async def test_a_tick_emits_what_the_agent_returns_and_reports_only_confirmed_sends(
    settings: Settings,
) -> None:
    async with AgentHarness("ticker", settings=settings, topology=parse_topology(TOPOLOGY)) as h:
        agent = h.processor.agent
        assert isinstance(agent, Ticker)
        await h.processor.tick()
        h.outbox.refused.add("pong")
        await h.processor.tick()  # the broker refuses: logged, not raised, not reported as sent
        h.outbox.refused.clear()
        await h.processor.tick()

        assert [p["n"] for p in h.emitted("pong")] == [1, 3]
        assert agent.confirmed == [1, 3]
        assert "pong" not in h.processor.spec.consumes, "`*` leaves out the agent's own output"


async def test_no_tick_runs_before_the_agent_started(settings: Settings) -> None:
    h = AgentHarness("ticker", settings=settings, topology=parse_topology(TOPOLOGY))
    await h.processor.tick()
    assert h.outbox.sent == []


def test_an_agent_with_several_input_schemas_must_be_declared_raw(settings: Settings) -> None:
    text = TOPOLOGY.replace("consumes: [ping]", "consumes: [ping, pong]")
    with pytest.raises(TopologyError, match="raw: true"):
        AgentHarness("doubler", settings=settings, topology=parse_topology(text))


async def test_the_harness_starts_and_stops_the_agent(settings: Settings) -> None:
    events: list[str] = []

    class Tracked(Doubler):
        async def start(self) -> None:
            events.append("start")

        async def stop(self) -> None:
            events.append("stop")

    def factory(ctx: AgentContext) -> Tracked:
        return Tracked(ctx)

    async with AgentHarness(
        "doubler", settings=settings, topology=parse_topology(TOPOLOGY), factory=factory
    ) as h:
        await h.deliver(ping(2))
    assert events == ["start", "stop"]


async def test_a_batch_the_broker_did_not_confirm_is_retried_until_it_is_then_processed_once_more(
    settings: Settings,
) -> None:
    """The Faust loop never lets a failed send escape (Faust would ack and commit the batch)."""
    h = harness(settings)
    h.outbox.refused.add("pong")
    calls = 0
    original = h.outbox.send

    async def heal_after_two(topic: str, **kwargs: object) -> object:
        nonlocal calls
        calls += 1
        if calls == 3:
            h.outbox.refused.clear()
        return await original(topic, **kwargs)  # type: ignore[arg-type]

    h.outbox.send = heal_after_two  # type: ignore[method-assign]
    gave_up: list[BaseException] = []
    await process_until_confirmed(
        h.processor, [h.record(ping(5))], attempts=5, backoff_max_s=0.01, give_up=gave_up.append
    )
    assert gave_up == []
    assert [p["n"] for p in h.emitted("pong")] == [10]


async def test_a_batch_never_confirmed_stops_the_worker_instead_of_being_committed(
    settings: Settings,
) -> None:
    h = harness(settings)
    h.outbox.refused.add("pong")
    gave_up: list[BaseException] = []
    with pytest.raises(OutputsNotConfirmed):
        await process_until_confirmed(
            h.processor, [h.record(ping(5))], attempts=3, backoff_max_s=0.01, give_up=gave_up.append
        )
    assert len(gave_up) == 1 and isinstance(gave_up[0], DependencyUnavailable)
    assert h.outbox.sent == []


async def test_a_dead_letter_of_a_region_not_served_keeps_where_and_why_but_not_the_claims_content(
    tmp_path: Path,
) -> None:
    """Residency: the original bytes would travel into this deployment's dead-letter topic and audit log."""
    h = harness(make_settings(tmp_path, regions=["US"]))
    await h.deliver(ping(3, region="EU"), b"\x00garbage", ping(7, region="MARS"))
    residency, undecodable, undeclared = sorted(h.dead_letters(), key=lambda letter: letter.source_offset)
    assert (residency.error_type, residency.region, residency.claim_id) == ("RegionNotServed", "EU", "C3")
    assert (residency.source_topic, residency.source_offset) == (undecodable.source_topic, 0)
    assert residency.original_value == b"" and residency.original_headers == []
    assert residency.content_withheld and "EU" in residency.error_message
    # Other failures keep the original, so a fix can redrive it; so does a region nobody declares
    # (malformed input, no deployment's claim).
    assert undecodable.original_value == b"\x00garbage" and not undecodable.content_withheld
    assert undeclared.error_type == "RegionNotServed" and undeclared.original_value
    assert not undeclared.content_withheld


async def test_a_worker_told_to_stop_mid_batch_finishes_the_batch_before_it_is_acknowledged(
    settings: Settings, caplog: pytest.LogCaptureFixture
) -> None:
    """Faust acks a batch however its loop ends; a cancelled batch must be confirmed first (finding 7)."""
    h = harness(settings)
    started, release = asyncio.Event(), asyncio.Event()
    original = h.processor.process

    async def slow(batch: list[Inbound]) -> None:
        started.set()
        await release.wait()  # OCR of a scanned page, say
        await original(batch)

    h.processor.process = slow  # type: ignore[method-assign]
    gave_up: list[BaseException] = []
    task = asyncio.create_task(
        process_until_confirmed(h.processor, [h.record(ping(5))], give_up=gave_up.append, drain_s=5)
    )
    await asyncio.wait_for(started.wait(), 5)  # the batch is in flight
    task.cancel()  # SIGTERM: Faust cancels its agents

    async def draining() -> None:
        if "in flight: finishing it first" not in caplog.text:
            raise NotYet("the cancellation has not reached the batch")

    await eventually_async(draining, timeout_s=5)
    assert h.outbox.sent == []  # not finished yet, and not given up on
    release.set()
    with pytest.raises(asyncio.CancelledError):
        await task
    assert [p["n"] for p in h.emitted("pong")] == [10] and gave_up == []


async def test_a_batch_that_cannot_finish_when_told_to_stop_ends_the_worker_uncommitted(
    settings: Settings,
) -> None:
    h = harness(settings)
    started = asyncio.Event()

    async def stuck(batch: list[Inbound]) -> None:
        started.set()
        await asyncio.Event().wait()

    h.processor.process = stuck  # type: ignore[method-assign]
    gave_up: list[BaseException] = []
    task = asyncio.create_task(
        process_until_confirmed(h.processor, [h.record(ping(5))], give_up=gave_up.append, drain_s=0.05)
    )
    await asyncio.wait_for(started.wait(), 5)
    task.cancel()
    with pytest.raises(TimeoutError):
        await task
    assert len(gave_up) == 1 and isinstance(gave_up[0], TimeoutError)
