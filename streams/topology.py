"""topology.yaml loaded into frozen, validated models.

Agents and tools never spell a topic name: they ask the topology for the topic
that carries a schema (`topology.topic_for_schema("claim_ingested")`) or for the
topics an agent consumes and emits.
"""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path
from typing import Any

import yaml
from pydantic import BaseModel, ConfigDict, Field, ValidationError, model_validator

from streams.errors import TopologyError

ALL_TOPICS = "*"


class _Frozen(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")


class TopicSpec(_Frozen):
    """One Kafka topic: its name, Avro schema, key field and sizing."""

    name: str
    schema_name: str = Field(alias="schema")
    key: str
    partitions: int = Field(ge=1)
    retention_ms: int = Field(ge=-1)
    replication_factor: int = Field(ge=1)
    dead_letter_topic: str | None = None
    is_dead_letter: bool = False
    # For a topic keyed by region: which partition holds each region (see `_placed`).
    placement: dict[str, int] = Field(default_factory=dict)

    def partition_for(self, key: str) -> int | None:
        """The partition the topology places a record with this key on; None: the producer's partitioner."""
        return self.placement.get(key)


class BatchSpec(_Frozen):
    """How many events an agent takes at once, and how long it waits to fill a batch."""

    max: int = Field(default=1, ge=1)
    within_s: float = Field(default=0.01, gt=0)


class AgentSpec(_Frozen):
    """One agent: the class that does its job, what it consumes and what it emits."""

    name: str
    handler: str = Field(pattern=r"^[\w.]+:\w+$")
    consumes: tuple[str, ...]
    emits: tuple[str, ...] = ()
    # Topics every process of the agent reads in full, outside its consumer group (a broadcast).
    follows: tuple[str, ...] = ()
    concurrency: int = Field(default=1, ge=1)
    raw: bool = False
    batch: BatchSpec = BatchSpec()

    @property
    def group_id(self) -> str:
        """The agent's consumer group and Faust app id: one per agent, so each scales and replays alone."""
        return f"claimflow-{self.name}"


class Topology(_Frozen):
    """Every topic and agent of a deployment, cross-checked."""

    regions: tuple[str, ...]
    topics: dict[str, TopicSpec]
    agents: dict[str, AgentSpec]

    @model_validator(mode="after")
    def _check_references(self) -> Topology:
        for agent in self.agents.values():
            for name in (*agent.consumes, *agent.follows, *agent.emits):
                if name not in self.topics:
                    raise ValueError(f"agent {agent.name!r} refers to undeclared topic {name!r}")
        for topic in self.topics.values():
            if topic.placement:
                _check_placement(topic, self.regions)
        return self

    def topic(self, name: str) -> TopicSpec:
        """The declared topic `name`; a clear error for a typo."""
        try:
            return self.topics[name]
        except KeyError:
            raise TopologyError(f"topic {name!r} is not declared in topology.yaml") from None

    def agent(self, name: str) -> AgentSpec:
        """The declared agent `name`."""
        try:
            return self.agents[name]
        except KeyError:
            known = ", ".join(sorted(self.agents))
            raise TopologyError(f"agent {name!r} is not declared in topology.yaml (known: {known})") from None

    def topic_for_schema(self, schema_name: str) -> TopicSpec:
        """The one pipeline topic that carries `schema_name` events."""
        found = [t for t in self.topics.values() if t.schema_name == schema_name and not t.is_dead_letter]
        if len(found) != 1:
            raise TopologyError(f"expected one topic with schema {schema_name!r}, found {len(found)}")
        return found[0]

    def reads_of(self, agent: str) -> tuple[str, ...]:
        """The topics `agent` reads: what it consumes in its group, then what it follows."""
        spec = self.agent(agent)
        return tuple(dict.fromkeys((*spec.consumes, *spec.follows)))

    def writes_of(self, agent: str) -> tuple[str, ...]:
        """The topics `agent` writes: what it emits, then the dead-letter topics of what it consumes."""
        spec = self.agent(agent)
        dead = (self.topic(name).dead_letter_topic for name in spec.consumes)
        return tuple(dict.fromkeys((*spec.emits, *(d for d in dead if d is not None))))

    def topics_of(self, agent: str) -> list[TopicSpec]:
        """Every topic `agent` reads or writes, each once: what its worker declares at start-up."""
        names = dict.fromkeys((*self.reads_of(agent), *self.writes_of(agent)))
        return [self.topic(name) for name in names]

    @property
    def pipeline_topics(self) -> list[TopicSpec]:
        return [t for t in self.topics.values() if not t.is_dead_letter]

    def dead_letter_for(self, topic: str) -> TopicSpec:
        """Where messages of `topic` go when they cannot be processed."""
        dlq = self.topic(topic).dead_letter_topic
        if dlq is None:
            raise TopologyError(f"topic {topic!r} has no dead-letter topic")
        return self.topic(dlq)


def _check_placement(topic: TopicSpec, regions: tuple[str, ...]) -> None:
    """Every region on one partition of the topic, and no partition with two more regions than another."""
    if set(topic.placement) != set(regions):
        raise ValueError(
            f"topic {topic.name!r} places regions {sorted(topic.placement)}, "
            f"the topology declares {sorted(regions)}"
        )
    outside = {r: p for r, p in topic.placement.items() if not 0 <= p < topic.partitions}
    if outside:
        raise ValueError(
            f"topic {topic.name!r} has {topic.partitions} partitions; placement {outside} is outside"
        )
    load = [0] * topic.partitions
    for partition in topic.placement.values():
        load[partition] += 1
    if max(load) - min(load) > 1:
        raise ValueError(
            f"topic {topic.name!r}: placement {topic.placement} is unbalanced (regions per partition {load})"
        )


def _placed(spec: dict[str, Any], regions: list[str]) -> dict[str, Any]:
    """A topic keyed by region gets an explicit placement: declared, or the regions in order, round-robin.

    Left to a hash partitioner, three regions over three partitions share one and leave another
    idle (murmur2 puts US and APAC both on partition 2), so one shard's workers do two regions' work.
    """
    if spec.get("key") != "region" or spec.get("placement") or not regions:
        return spec
    return {**spec, "placement": {region: i % int(spec["partitions"]) for i, region in enumerate(regions)}}


def _expand(raw: dict[str, Any]) -> dict[str, Any]:
    """Apply defaults, derive the dead-letter topics and resolve `consumes: ["*"]` less its emits."""
    defaults = raw.get("defaults", {})
    dead = raw.get("dead_letter", {})
    topics: dict[str, Any] = {}
    regions = list(raw.get("regions") or [])
    for name, spec in (raw.get("topics") or {}).items():
        spec = _placed({**defaults, **(spec or {}), "name": name}, regions)
        if dead:
            dlq_name = f"{name}{dead.get('suffix', '.dlq')}"
            spec["dead_letter_topic"] = dlq_name
            topics[dlq_name] = {
                "name": dlq_name,
                "schema": dead["schema"],
                "key": "claim_id",
                "partitions": dead.get("partitions", 1),
                "retention_ms": dead.get("retention_ms", defaults.get("retention_ms", -1)),
                "replication_factor": defaults.get("replication_factor", 1),
                "is_dead_letter": True,
            }
        topics[name] = spec
    agents = {}
    for name, spec in (raw.get("agents") or {}).items():
        spec = {**spec, "name": name}
        if ALL_TOPICS in spec.get("consumes", []):
            # Every topic but what the agent emits itself: it would otherwise feed on its own output.
            spec["consumes"] = [t for t in topics if t not in spec.get("emits", [])]
        agents[name] = spec
    return {"regions": regions, "topics": topics, "agents": agents}


def parse_topology(text: str, *, source: str = "topology.yaml") -> Topology:
    """Validate a topology document; errors name the file and the offending entry."""
    try:
        raw = yaml.safe_load(text)
    except yaml.YAMLError as exc:
        raise TopologyError(f"{source}: not valid YAML: {exc}") from exc
    if not isinstance(raw, dict):
        raise TopologyError(f"{source}: expected a mapping at the top level")
    try:
        return Topology.model_validate(_expand(raw))
    except (ValidationError, ValueError, TypeError, KeyError) as exc:
        raise TopologyError(f"{source}: {exc}") from exc


@lru_cache(maxsize=4)
def load_topology(path: Path) -> Topology:
    """Load and validate topology.yaml once per process."""
    try:
        text = path.read_text()
    except OSError as exc:
        raise TopologyError(f"cannot read topology file {path}: {exc}") from exc
    return parse_topology(text, source=str(path))
