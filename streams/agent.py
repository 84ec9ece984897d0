"""What an agent is: a class with one job, fed typed events by the runner.

An agent module subclasses `StreamAgent[InputEvent]` and implements `handle`
(or `handle_batch` when batching pays, as in FAISS search). It never sees Kafka:
the runner decodes, checks the region, retries, dead-letters and emits.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import ClassVar, Generic, TypeVar

from streams.events import Event, Producer
from streams.resilience import Dependency
from streams.settings import Settings, SettingsSection
from streams.topology import AgentSpec, Topology

In = TypeVar("In", bound=Event)


S = TypeVar("S", bound=SettingsSection)


@dataclass(frozen=True)
class AgentContext:
    """What an agent gets at start: who it is, the settings and the topology.

    `sections` overrides settings sections for this agent (tests and tools pass them);
    `section(cls)` gives the override, else the process's own instance of the section.
    """

    spec: AgentSpec
    settings: Settings
    topology: Topology
    sections: tuple[SettingsSection, ...] = ()
    _dependencies: dict[str, Dependency] = field(default_factory=dict, repr=False)

    def section(self, cls: type[S]) -> S:
        """The settings section `cls` this agent runs with."""
        for given in self.sections:
            if isinstance(given, cls):
                return given
        return cls.current()

    def dependency(self, name: str) -> Dependency:
        """The one `Dependency` (timeouts, retries, breaker) for external system `name` in this process."""
        if name not in self._dependencies:
            self._dependencies[name] = Dependency(name, self.settings.retry_policy())
        return self._dependencies[name]

    @property
    def producer(self) -> Producer:
        return Producer(self.spec.name, self.settings.deployment_version)


@dataclass(frozen=True)
class RawRecord:
    """A Kafka message exactly as it is on the log (for agents that must not decode, like the auditor)."""

    topic: str
    partition: int
    offset: int
    timestamp_ms: int
    key: bytes | None
    value: bytes
    headers: tuple[tuple[str, bytes], ...]


class _AgentBase:
    def __init__(self, ctx: AgentContext) -> None:
        self.ctx = ctx

    async def start(self) -> None:
        """Open connections and load models once, before the first event."""

    async def stop(self) -> None:
        """Release what `start` opened."""

    def tick_interval_s(self) -> float | None:
        """Seconds between two `tick` calls once started; None (the default) for an agent without ticks."""
        return None

    async def tick(self) -> Sequence[Event]:
        """Periodic work that no input triggers (the auditor publishing its chain head); what to emit."""
        return []

    def tick_sent(self, outputs: Sequence[Event]) -> None:
        """The broker confirmed what `tick` returned (after a failed send the next tick tries again)."""

    async def observe(self) -> None:
        """Refresh the agent's own gauges (a backlog read from its store); called every few seconds.

        Counters and histograms are recorded where things happen; this is for what must be asked
        for. A failure is logged and tried again next time, never raised into the stream.
        """


class StreamAgent(_AgentBase, Generic[In]):
    """An agent that consumes one typed event and emits the next."""

    input_model: ClassVar[type[Event]]

    async def handle(self, event: In) -> Event | Sequence[Event] | None:
        """Process one event; return what to emit (routed to the agent's `emits` topics by schema)."""
        raise NotImplementedError

    async def handle_batch(self, events: Sequence[In]) -> list[Event]:
        """Process a batch; override when one call for many events is cheaper (embedding, search, writes)."""
        outputs: list[Event] = []
        for event in events:
            result = await self.handle(event)
            if result is None:
                continue
            outputs.extend([result] if isinstance(result, Event) else result)
        return outputs


class RawAgent(_AgentBase):
    """An agent that receives undecoded records (it must accept every message, even malformed ones)."""

    async def handle_raw(self, records: Sequence[RawRecord]) -> None:
        """Take a batch of records as they are on the log; emitting is `tick`'s job."""
        raise NotImplementedError
