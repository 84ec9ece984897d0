"""topology.yaml loaded into frozen, validated models.

Agents and tools never spell a topic name: they ask the topology for the topic
that carries a schema (`topology.topic_for_schema("claim_ingested")`) or for the
topics an agent consumes and emits.
"""

from __future__ import annotations

import re
from functools import lru_cache
from pathlib import Path
from typing import Any

import yaml
from pydantic import BaseModel, ConfigDict, Field, ValidationError, model_validator

from streams.errors import TopologyError

ALL_TOPICS = "*"
# A shadow run's name becomes part of topic and consumer-group names: short, and safe in both.
SHADOW_RUN_NAME = re.compile(r"^[a-z0-9][a-z0-9-]{0,39}$")


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
    # For a shadow run's topic: the live topic it stands in for (see `Topology.shadow_run`).
    shadow_of: str | None = None

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
    # The shadow run this spec belongs to (see `Topology.shadow_run`); None for the live agent.
    shadow: str | None = None

    @property
    def instance(self) -> str:
        """The agent, or its shadow run's (`validator-shadow-NAME`): names its group, metrics and state."""
        return self.name if self.shadow is None else f"{self.name}-shadow-{self.shadow}"

    @property
    def group_id(self) -> str:
        """The agent's consumer group and Faust app id: one per agent, so each scales and replays alone.

        A shadow run's agents have groups of their own, so they read the live input without taking
        any record from the live workers.
        """
        return f"claimflow-{self.instance}"


class ShadowSpec(_Frozen):
    """How shadow runs are derived: which agents may run in shadow, and what their topics are named."""

    suffix: str = Field(default=".shadow", pattern=r"^[.\w-]+$")
    retention_ms: int = Field(default=86_400_000, ge=1)
    # Only agents that write nothing but the log: a shadow must never touch reports or reviews.
    agents: tuple[str, ...] = ()


class Topology(_Frozen):
    """Every topic and agent of a deployment, cross-checked."""

    regions: tuple[str, ...]
    topics: dict[str, TopicSpec]
    agents: dict[str, AgentSpec]
    shadow: ShadowSpec | None = None

    @model_validator(mode="after")
    def _check_references(self) -> Topology:
        for agent in self.agents.values():
            for name in (*agent.consumes, *agent.follows, *agent.emits):
                if name not in self.topics:
                    raise ValueError(f"agent {agent.name!r} refers to undeclared topic {name!r}")
        for name in self.shadow.agents if self.shadow else ():
            if name not in self.agents:
                raise ValueError(f"shadow names undeclared agent {name!r}")
            if self.agents[name].raw:
                raise ValueError(
                    f"agent {name!r} is raw (it reads every topic as bytes): it cannot run in shadow"
                )
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
        """The one pipeline topic that carries `schema_name` events (never a shadow run's)."""
        found = [
            t
            for t in self.topics.values()
            if t.schema_name == schema_name and not t.is_dead_letter and t.shadow_of is None
        ]
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
        return [t for t in self.topics.values() if not t.is_dead_letter and t.shadow_of is None]

    def dead_letter_for(self, topic: str) -> TopicSpec:
        """Where messages of `topic` go when they cannot be processed."""
        dlq = self.topic(topic).dead_letter_topic
        if dlq is None:
            raise TopologyError(f"topic {topic!r} has no dead-letter topic")
        return self.topic(dlq)

    # -- shadow runs ------------------------------------------------------------------------------

    def _shadow_spec(self) -> ShadowSpec:
        if self.shadow is None:
            raise TopologyError("topology.yaml declares no `shadow:` section: no agent may run in shadow")
        return self.shadow

    def shadow_chain(self, start: str) -> tuple[str, ...]:
        """`start` and every agent downstream of it that may run in shadow, in topology order.

        An agent joins when it consumes what the chain emits and `shadow.agents` lists it; the
        chain stops at the first agent that is not listed (the reporter: reports are never written
        by a shadow), so the shadow's decision exists whichever agent it starts at.
        """
        spec = self._shadow_spec()
        self.agent(start)
        if start not in spec.agents:
            raise TopologyError(
                f"agent {start!r} cannot run in shadow: it writes outside the log "
                f"(agents that may: {', '.join(spec.agents)})"
            )
        chain, written = [start], set(self.agent(start).emits)
        grown = True
        while grown:
            grown = False
            for agent in self.agents.values():
                if agent.name in spec.agents and agent.name not in chain and written & set(agent.consumes):
                    chain.append(agent.name)
                    written |= set(agent.emits)
                    grown = True
        return tuple(a for a in self.agents if a in chain)

    def shadow_topic_name(self, topic: str, run: str) -> str:
        """Where shadow run `run` writes what the live agents write to `topic`: `<topic><suffix>.<run>`."""
        if not SHADOW_RUN_NAME.match(run):
            raise TopologyError(
                f"shadow run name {run!r}: use 1-40 lowercase letters, digits and dashes, starting with "
                "a letter or digit"
            )
        return f"{topic}{self._shadow_spec().suffix}.{run}"

    def shadow_run(self, run: str, start: str) -> Topology:
        """The topology shadow run `run` of agent `start` runs: its agents, reading and writing shadow topics.

        Every topic the chain would write (what it emits and the dead letters of what it consumes)
        is replaced by its shadow twin, same schema, key, partitions and placement, with the
        shadow's short retention; what the chain reads from outside itself stays live. Each agent
        keeps its name (so derived event ids equal the live ones for the same input) and gets its
        own consumer group. Only the chain's agents are in it: nothing else can be started from it.
        """
        shadow = self._shadow_spec()
        chain = self.shadow_chain(start)
        specs = [self.agent(a) for a in chain]
        emitted = {t for a in specs for t in a.emits}
        topics = dict(self.topics)

        def twin(name: str, dead_letter: str | None) -> TopicSpec:
            return self.topics[name].model_copy(
                update={
                    "name": self.shadow_topic_name(name, run),
                    "retention_ms": shadow.retention_ms,
                    "dead_letter_topic": dead_letter,
                    "shadow_of": name,
                }
            )

        def dead_letter_twin(name: str) -> str | None:
            dlq = self.topics[name].dead_letter_topic
            if dlq is None:
                return None
            topics[self.shadow_topic_name(dlq, run)] = twin(dlq, None)
            return self.shadow_topic_name(dlq, run)

        for name in emitted:
            topics[self.shadow_topic_name(name, run)] = twin(name, dead_letter_twin(name))
        for name in {t for a in specs for t in a.consumes} - emitted:
            # A live input: read as it is, but what fails on it is dead-lettered in the shadow's own topic.
            topics[name] = self.topics[name].model_copy(update={"dead_letter_topic": dead_letter_twin(name)})

        def shadowed(names: tuple[str, ...]) -> tuple[str, ...]:
            return tuple(self.shadow_topic_name(t, run) if t in emitted else t for t in names)

        agents = {
            a.name: a.model_copy(
                update={"consumes": shadowed(a.consumes), "emits": shadowed(a.emits), "shadow": run}
            )
            for a in specs
        }
        return Topology.model_validate(
            {
                "regions": self.regions,
                "topics": topics,
                "agents": agents,
                "shadow": shadow.model_copy(update={"agents": chain}),
            }
        )


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
    """Apply defaults, derive the dead-letter topics and resolve `consumes: ["*"]` less its emits.

    Shadow topics are not derived here: they exist per shadow run (`Topology.shadow_run`), so the
    auditor's `"*"` never includes them.
    """
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
    expanded: dict[str, Any] = {"regions": regions, "topics": topics, "agents": agents}
    if raw.get("shadow") is not None:
        expanded["shadow"] = raw["shadow"]
    return expanded


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
