"""Drive an agent without Kafka: the runner's own processing, an in-memory outbox, typed results.

`AgentHarness` builds the agent named in a topology exactly as a worker does and feeds it
through the same `Processor` the Faust runner uses (decode, region check, batch isolation,
retries, dead letters, encode, confirm), so a unit test of an agent or of the runner's rules
needs no broker. Records sent are kept in `outbox.sent`, decoded on request.

    async with AgentHarness("validator", settings=settings) as harness:
        await harness.deliver(fields_extracted_event)
        [validated] = harness.emitted("claim_validated")
"""

from __future__ import annotations

import asyncio
from collections import defaultdict
from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass, field
from typing import Any, Self

from streams.agent import AgentContext, RawAgent, StreamAgent
from streams.codec import load_codecs
from streams.dead_letter import Coordinates, DeadLetter
from streams.errors import DependencyUnavailable
from streams.events import Event
from streams.processing import Inbound, Processor
from streams.runner import load_agent_class, served_regions
from streams.settings import Settings, SettingsSection, get_settings
from streams.topology import Topology, load_topology

AgentFactory = Callable[[AgentContext], StreamAgent[Any] | RawAgent]


@dataclass(frozen=True)
class Sent:
    """One record the agent's processor sent."""

    topic: str
    key: bytes | None
    value: bytes
    headers: tuple[tuple[str, bytes | None], ...]
    partition: int | None = None  # the topology's placement; None: the producer's partitioner


@dataclass
class MemoryOutbox:
    """Keeps what is sent; a topic in `refused` fails its sends as a broker that lost it would."""

    sent: list[Sent] = field(default_factory=list)
    refused: set[str] = field(default_factory=set)

    async def send(
        self,
        topic: str,
        *,
        key: bytes | None,
        value: bytes,
        headers: Sequence[tuple[str, bytes | None]],
        partition: int | None = None,
    ) -> Awaitable[Any]:
        confirmation: asyncio.Future[Sent] = asyncio.get_running_loop().create_future()
        if topic in self.refused:
            confirmation.set_exception(DependencyUnavailable(f"the broker refused a record for {topic}"))
        else:
            record = Sent(topic, key, value, tuple(headers), partition)
            self.sent.append(record)
            confirmation.set_result(record)
        return confirmation


class AgentHarness:
    """One agent of a topology, run by the real processor over in-memory records.

    Args:
        agent: The agent's name in the topology.
        settings: Platform settings (default: this process's).
        topology: Default: the settings' topology file.
        factory: Builds the agent from its context (default: the topology's handler class); tests
            pass a factory to inject fakes.
        sections: Settings sections the agent runs with instead of the process's own.
    """

    def __init__(
        self,
        agent: str,
        *,
        settings: Settings | None = None,
        topology: Topology | None = None,
        factory: AgentFactory | None = None,
        sections: Sequence[SettingsSection] = (),
    ) -> None:
        self.settings = settings or get_settings()
        self.topology = topology or load_topology(self.settings.topology_file)
        spec = self.topology.agent(agent)
        self.ctx = AgentContext(spec, self.settings, self.topology, tuple(sections))
        self.agent = (factory or load_agent_class(spec.handler))(self.ctx)
        self.codecs = load_codecs(self.settings.schemas_dir)
        self.outbox = MemoryOutbox()
        self.processor = Processor(
            self.agent,
            self.ctx,
            regions=served_regions(self.settings, self.topology),
            codecs=self.codecs,
            outbox=self.outbox,
        )
        self.processor.outage_backoff_max_s = self.processor.retry_backoff_max_s = 0.05
        self._next_offset: dict[tuple[str, int], int] = defaultdict(int)

    async def __aenter__(self) -> Self:
        await self.processor.start()
        return self

    async def __aexit__(self, *_: object) -> None:
        await self.processor.stop()

    def record(
        self, item: Event | bytes, *, topic: str | None = None, key: bytes | None = None, partition: int = 0
    ) -> Inbound:
        """`item` as a consumed record of `topic` (default: the agent's first input) at the next offset."""
        name = topic or self.ctx.spec.consumes[0]
        spec = self.topology.topic(name)
        if isinstance(item, Event):
            value = self.codecs[spec.schema_name].encode(item.to_record())
            key = key if key is not None else str(getattr(item, spec.key)).encode()
        else:
            value = item
        offset = self._next_offset[(name, partition)]
        self._next_offset[(name, partition)] += 1
        return Inbound(at=Coordinates(name, partition, offset, 0), key=key, value=value)

    async def deliver(self, *items: Event | bytes | Inbound, topic: str | None = None) -> None:
        """Process `items` as one batch; raises when the processor would leave the batch unacknowledged."""
        batch = [i if isinstance(i, Inbound) else self.record(i, topic=topic) for i in items]
        await self.processor.process(batch)

    def emitted(self, topic_or_schema: str) -> list[dict[str, Any]]:
        """The decoded records sent to a topic (by name, or by the schema of the pipeline topic)."""
        spec = self.topology.topics.get(topic_or_schema) or self.topology.topic_for_schema(topic_or_schema)
        codec = self.codecs[spec.schema_name]
        return [codec.decode(s.value) for s in self.outbox.sent if s.topic == spec.name]

    def dead_letters(self) -> list[DeadLetter]:
        """Every dead letter sent, whatever its source topic."""
        codec = self.codecs[DeadLetter.avro_schema]
        dlq = {t.name for t in self.topology.topics.values() if t.is_dead_letter}
        return [DeadLetter.model_validate(codec.decode(s.value)) for s in self.outbox.sent if s.topic in dlq]
