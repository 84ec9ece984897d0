"""Least privilege on the log: one Kafka principal per agent, its ACLs derived from topology.yaml.

An agent may read what it consumes (and commit offsets in its own consumer group), read what it
follows outside a group, and write what it emits plus the dead-letter topics of what it consumes.
Nothing else: no topic creation (topics are declared by `KafkaTopic` resources rendered from the same
topology), no other group, no cluster operation. Read and Write imply Describe in Kafka, which is all
the metadata and list-offsets requests of a worker need.

The rules are emitted as Strimzi `KafkaUser` resources (see `streams.deploy.k8s`), not as a
`kafka-acls` script: the User Operator reconciles them, so an ACL the topology no longer implies is
removed (a script only ever adds), and it writes each principal's SCRAM credentials to a Secret of
the same name, so no credential appears in the rendered files.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

from streams.topology import Topology

Operation = Literal["Read", "Write"]
ResourceType = Literal["topic", "group"]
PRINCIPAL_PREFIX = "claimflow-"
# Producers outside topology.yaml's agents, and the schema of the one topic each writes.
INTAKE_API = "intake-api"
EXTERNAL_PRODUCERS: dict[str, str] = {INTAKE_API: "claim_ingested"}


@dataclass(frozen=True, order=True)
class Acl:
    """One allow rule: `operation` on the literal resource `name`."""

    resource_type: ResourceType
    name: str
    operation: Operation


@dataclass(frozen=True)
class Principal:
    """A Kafka user: what it reads, what it writes and the consumer group it commits in."""

    user: str
    reads: tuple[str, ...]
    writes: tuple[str, ...]
    group: str | None = None

    def acls(self) -> list[Acl]:
        """The allow rules, in a stable order."""
        rules = [Acl("topic", name, "Read") for name in self.reads]
        rules += [Acl("topic", name, "Write") for name in self.writes]
        if self.group is not None:
            rules.append(Acl("group", self.group, "Read"))
        return sorted(rules)


def k8s_name(name: str) -> str:
    """`faiss_worker` → `faiss-worker`: Kubernetes names allow no underscore."""
    return name.replace("_", "-").lower()


def principal_for_agent(topology: Topology, agent: str) -> Principal:
    """The agent's principal: reads its inputs, writes its outputs and dead letters, commits in its group."""
    spec = topology.agent(agent)
    return Principal(
        user=PRINCIPAL_PREFIX + k8s_name(agent),
        reads=topology.reads_of(agent),
        writes=topology.writes_of(agent),
        group=spec.group_id,
    )


def principal_for_producer(topology: Topology, name: str) -> Principal:
    """A producer that is not an agent (`EXTERNAL_PRODUCERS`): writes its one topic, reads nothing."""
    topic = topology.topic_for_schema(EXTERNAL_PRODUCERS[name])
    return Principal(user=PRINCIPAL_PREFIX + k8s_name(name), reads=(), writes=(topic.name,))


def principals(topology: Topology) -> list[Principal]:
    """Every agent's principal (sorted by agent), then the producers that are not agents (the intake API)."""
    found = [principal_for_agent(topology, name) for name in sorted(topology.agents)]
    return found + [principal_for_producer(topology, name) for name in sorted(EXTERNAL_PRODUCERS)]
