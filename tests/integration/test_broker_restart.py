"""A broker on `s3` storage killed with SIGKILL mid-stream: its log, topics and offsets live in the S3 server.

The session's pipeline runs on `memory` storage, the default (docs/durability.md). Moving its
broker to `s3` and back would empty its log twice, and every agent would stop each time (a broker
back without its topics, exit status 75, docs/recovery.md) and start again, models included. So
this module runs a stack of its own on `s3` with the two agents that need no model: the reporter
(claim.validated → PostgreSQL report → report.ready) and the auditor (every topic → audit log).

The agents are left alone (no restart by hand); `devstack.up`, what `claimflow dev up` runs,
brings the broker back on the same port and on the storage the folder chose, and every claim is
reported once.
"""

from __future__ import annotations

import asyncio
import os
import signal
import subprocess
import sys
import uuid
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

import psutil
import pytest
from confluent_kafka import TopicPartition

from agents.events import ClaimFields, ClaimIngested, ClaimValidated, ExtractedField, ExtractorProvenance
from agents.stores import ReportStore, StoredReport
from agents.tools.tracking import wait_for_reports
from streams import agent_processes, devstack
from streams.codec import get_codec
from streams.errors import DependencyUnavailable
from streams.events import Producer
from streams.kafka_admin import ensure_topics
from streams.kafka_io import PartitionRange, log_bounds, make_consumer, publish_events, read_range
from streams.settings import Settings
from streams.topology import Topology, load_topology
from tests.fixtures.waiting import NotYet, eventually

pytestmark = pytest.mark.integration

AGENTS = ["reporter", "auditor"]
CLAIMS = 20
BY = Producer("test", "1")

Position = tuple[str, str, int]  # (consumer group, topic, partition)


@dataclass
class S3Stack:
    """A stack of this module's own, its broker on `s3`, with the reporter and the auditor running."""

    info: devstack.StackInfo
    settings: Settings
    topology: Topology
    env: dict[str, str]


@pytest.fixture(scope="module")
def s3_stack(tmp_path_factory: pytest.TempPathFactory) -> Iterator[S3Stack]:
    state_dir = tmp_path_factory.mktemp("broker-restart")
    info = devstack.up(state_dir, broker_storage="s3")
    try:
        settings = Settings(
            kafka_bootstrap=info.kafka_bootstrap, postgres_dsn=info.postgres_dsn, state_dir=info.state_dir
        )
        topology = load_topology(settings.topology_file)
        ensure_topics(settings.kafka(), topology.topics.values())
        env = {**info.env(), "CLAIMFLOW_BREAKER_RESET_S": "2", "CLAIMFLOW_DEPENDENCY_TIMEOUT_S": "3"}
        agent_processes.start_agents(state_dir, topology, AGENTS, env=env)
        yield S3Stack(info, settings, topology, env)
    finally:
        agent_processes.stop_agents(state_dir)
        devstack.down(state_dir)


def _validated(claim_id: str) -> ClaimValidated:
    """A validated claim as the validator would emit it: what the reporter reads."""
    cause = ClaimIngested.new(claim_id=claim_id, region="EU", by=BY, documents=[], submitted_by="test")
    policy = ExtractedField(
        value="POL-EU-2024-000001", confidence=0.97, evidence="Policy No: POL-EU-2024-000001"
    )
    return cause.follow(
        ClaimValidated,
        by=BY,
        fields=ClaimFields(
            policy_number=policy,
            incident_date=ExtractedField(),
            damage_description=ExtractedField(value="a pipe burst", confidence=0.9, evidence="a pipe burst"),
            damage_type=ExtractedField(value="water", confidence=0.95, evidence="a pipe burst"),
            claimed_amount=ExtractedField(value="4850.00", confidence=0.97, evidence="EUR 4,850.00"),
            currency=ExtractedField(value="EUR", confidence=0.97, evidence="EUR 4,850.00"),
        ),
        clauses=[],
        extractor=ExtractorProvenance(kind="rules", version="1"),
        rules=[],
        confidence=0.95,
    )


def _submit(stack: S3Stack, count: int) -> list[str]:
    """Publish `count` validated claims; returns their ids once the broker has acknowledged them all."""
    tag = uuid.uuid4().hex[:6].upper()
    events = [_validated(f"CLM-S3-{tag}-{i:03d}") for i in range(count)]
    topic = stack.topology.topic_for_schema(ClaimValidated.avro_schema)
    publish_events(
        stack.settings.kafka(),
        topic,
        get_codec(stack.settings.schemas_dir, topic.schema_name),
        events,
    )
    return [e.claim_id for e in events]


def _reports(stack: S3Stack, claim_ids: list[str], timeout_s: float) -> dict[str, StoredReport]:
    async def collect() -> dict[str, StoredReport]:
        store = ReportStore(stack.settings.postgres_dsn.get_secret_value())
        await store.open()
        try:
            return await wait_for_reports(store, claim_ids, timeout_s=timeout_s)
        finally:
            await store.close()

    return asyncio.run(collect())


def _reported_now(stack: S3Stack, claim_ids: list[str]) -> set[str]:
    async def query() -> set[str]:
        store = ReportStore(stack.settings.postgres_dsn.get_secret_value())
        await store.open()
        try:
            return {r.claim_id for r in await store.list(claim_ids, limit=len(claim_ids))}
        finally:
            await store.close()

    return asyncio.run(query())


def _committed(stack: S3Stack) -> dict[Position, int]:
    """Both agents' committed offsets on every partition they consume (negative: none)."""
    found: dict[Position, int] = {}
    for name in AGENTS:
        agent = stack.topology.agent(name)
        wanted = [
            TopicPartition(topic, p)
            for topic in agent.consumes
            for p in range(stack.topology.topic(topic).partitions)
        ]
        group = make_consumer(stack.settings.kafka(), group_id=agent.group_id)
        try:
            for tp in group.committed(wanted, timeout=10):
                found[(agent.group_id, tp.topic, tp.partition)] = tp.offset
        finally:
            group.close()
    return found


def _ends(stack: S3Stack) -> dict[tuple[str, int], int]:
    consumer = make_consumer(stack.settings.kafka())
    try:
        return {
            (spec.name, p): high
            for spec in stack.topology.topics.values()
            for p, (_, high) in enumerate(log_bounds(consumer, spec.name, spec.partitions))
        }
    finally:
        consumer.close()


def _settled(stack: S3Stack) -> dict[Position, int]:
    """Wait until both agents have committed everything on their inputs; returns the committed offsets."""

    def no_lag() -> dict[Position, int]:
        try:
            committed, ends = _committed(stack), _ends(stack)
        except DependencyUnavailable as exc:  # a broker that just came back can be slow to answer
            raise NotYet(str(exc)) from exc
        behind = {pos: (off, ends[pos[1:]]) for pos, off in committed.items() if max(off, 0) < ends[pos[1:]]}
        if behind:
            raise NotYet(f"agents still behind: {sorted(behind.items())[:3]}")
        return committed

    return eventually(no_lag, timeout_s=120)


def _report_ready(stack: S3Stack) -> list[dict[str, Any]]:
    """Every report.ready record so far, decoded."""
    spec = stack.topology.topic_for_schema("report_ready")
    codec = get_codec(stack.settings.schemas_dir, spec.schema_name)
    consumer = make_consumer(stack.settings.kafka())
    try:
        marks = log_bounds(consumer, spec.name, spec.partitions)
        ranges = [PartitionRange(p, low, high) for p, (low, high) in enumerate(marks)]
        return [codec.decode(m.value()) for m in read_range(consumer, spec.name, ranges)]
    finally:
        consumer.close()


@pytest.mark.timeout(420)
def test_a_broker_kill_on_s3_storage_loses_nothing_and_reprocesses_nothing(s3_stack: S3Stack) -> None:
    stack = s3_stack
    warm = _submit(stack, 1)
    _reports(stack, warm, timeout_s=180)  # both agents are up and have joined their groups
    before = _settled(stack)
    settled_counts = Counter(r["claim_id"] for r in _report_ready(stack))
    agents = {p.name: p.pid for p in agent_processes.running(stack.info.state_dir)}
    reporter = psutil.Process(agents["reporter"])

    # The claims are on the log, unprocessed, when the broker dies: the reporter is paused
    # (SIGSTOP) while they are published and the broker is killed, and resumes while it is away.
    reporter.suspend()
    try:
        ids = _submit(stack, CLAIMS)
        broker = psutil.Process(stack.info.pids["kafka"])
        os.kill(broker.pid, signal.SIGKILL)
        broker.wait(timeout=10)
    finally:
        reporter.resume()
    assert _reported_now(stack, ids) == set(), "a claim was reported before the kill"

    restarted = devstack.up(stack.info.state_dir)  # no storage named: the folder's choice, s3

    assert restarted.broker_storage == devstack.BROKER_STORAGE["s3"]
    assert restarted.pids["kafka"] != broker.pid
    assert restarted.kafka_bootstrap == stack.info.kafka_bootstrap  # same port, nothing to reconfigure
    after_restart = _committed(stack)
    assert all(after_restart[pos] >= offset for pos, offset in before.items()), "committed offsets went back"
    reports = _reports(stack, ids, timeout_s=240)

    assert {r.revision for r in reports.values()} == {1}
    ready = _report_ready(stack)
    counts = Counter(r["claim_id"] for r in ready)
    # Nothing committed before the kill was processed again (a broker that lost the group offsets
    # makes the agents start again from the beginning of every topic).
    assert {c: counts[c] for c in settled_counts} == dict(settled_counts)
    # Redelivered events carry the id of their first delivery: one distinct report.ready per claim.
    event_ids = {(r["claim_id"], r["event_id"]) for r in ready}
    assert Counter(claim for claim, _ in event_ids if claim in reports) == Counter(dict.fromkeys(ids, 1))
    # The agents reconnected by themselves, and their broker watch found the log whole (a worker
    # that finds it lost stops with exit status 75): the same processes, all still running.
    running = agent_processes.running(stack.info.state_dir)
    assert {p.name: p.pid for p in running} == agents
    assert all(p.alive for p in running)
    _settled(stack)
    verify = subprocess.run(
        [sys.executable, "-m", "streams", "audit", "verify"],
        env={**os.environ, **stack.env},
        capture_output=True,
        text=True,
        timeout=180,
        check=True,
    )
    assert "chain intact" in verify.stdout
