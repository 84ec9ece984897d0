"""A broker killed with SIGKILL mid-stream: its log, topics and offsets live in the stack's S3 server.

The agents are left alone (no restart by hand); `devstack.up`, what `claimflow dev up` runs,
brings the broker back on the same port and the pipeline finishes every claim once.
"""

from __future__ import annotations

import asyncio
import os
import signal
from collections import Counter

import psutil
import pytest

from agents.stores import ReportStore
from streams import agent_processes, devstack
from streams.errors import DependencyUnavailable
from streams.kafka_io import log_bounds, make_consumer
from tests.fixtures.pipeline import Pipeline
from tests.fixtures.waiting import NotYet, eventually

pytestmark = pytest.mark.integration

Position = tuple[str, str, int]  # (consumer group, topic, partition)


def _committed(pipeline: Pipeline) -> dict[Position, int]:
    """Every agent group's committed offset on every partition it consumes (negative: none)."""
    from confluent_kafka import TopicPartition

    found: dict[Position, int] = {}
    for agent in pipeline.topology.agents.values():
        wanted = [
            TopicPartition(topic, p)
            for topic in agent.consumes
            for p in range(pipeline.topology.topic(topic).partitions)
        ]
        group = make_consumer(pipeline.settings.kafka_bootstrap, group_id=agent.group_id)
        try:
            for tp in group.committed(wanted, timeout=10):
                found[(agent.group_id, tp.topic, tp.partition)] = tp.offset
        finally:
            group.close()
    return found


def _ends(pipeline: Pipeline) -> dict[tuple[str, int], int]:
    consumer = make_consumer(pipeline.settings.kafka_bootstrap)
    try:
        return {
            (spec.name, p): high
            for spec in pipeline.topology.topics.values()
            for p, (_, high) in enumerate(log_bounds(consumer, spec.name, spec.partitions))
        }
    finally:
        consumer.close()


def _settled(pipeline: Pipeline) -> dict[Position, int]:
    """Wait until every agent has committed everything on its inputs; returns the committed offsets."""

    def no_lag() -> dict[Position, int]:
        try:
            committed, ends = _committed(pipeline), _ends(pipeline)
        except DependencyUnavailable as exc:  # a broker that just came back can be slow to answer
            raise NotYet(str(exc)) from exc
        behind = {pos: (off, ends[pos[1:]]) for pos, off in committed.items() if max(off, 0) < ends[pos[1:]]}
        if behind:
            raise NotYet(f"agents still behind: {sorted(behind.items())[:3]}")
        return committed

    return eventually(no_lag, timeout_s=120)


def _reported(pipeline: Pipeline, claim_ids: list[str]) -> set[str]:
    async def query() -> set[str]:
        store = ReportStore(pipeline.settings.postgres_dsn)
        await store.open()
        try:
            return {r.claim_id for r in await store.list(claim_ids, limit=len(claim_ids))}
        finally:
            await store.close()

    return asyncio.run(query())


def _report_ready_per_claim(pipeline: Pipeline) -> Counter[str]:
    return Counter(record["claim_id"] for _, record in pipeline.messages("report_ready"))


# On the session's first test, the pipeline's start (about 2 minutes on a busy machine) counts too.
@pytest.mark.timeout(600)
def test_a_broker_kill_mid_stream_loses_nothing_and_reprocesses_nothing(pipeline: Pipeline):
    warm = pipeline.truth[5]
    warm_claim = pipeline.submit([pipeline.corpus.claims_dir / warm["file"]], region=warm["region"])
    pipeline.reports([warm_claim.claim_id], timeout_s=180)  # every agent is up and has joined its group
    before = _settled(pipeline)
    settled_counts = _report_ready_per_claim(pipeline)
    agents_before = {p.pid for p in agent_processes.running(pipeline.state_dir)}

    in_flight = [
        pipeline.submit([pipeline.corpus.claims_dir / row["file"]], region=row["region"])
        for row in pipeline.truth
    ]
    ids = [c.claim_id for c in in_flight]
    pipeline.reports(ids[:1], timeout_s=120)  # the stream flows: one report out, the rest on their way
    stack = devstack.load(pipeline.state_dir)
    assert stack is not None
    broker = psutil.Process(stack.pids["kafka"])
    os.kill(broker.pid, signal.SIGKILL)
    broker.wait(timeout=10)
    unreported_at_kill = len(ids) - len(_reported(pipeline, ids))

    restarted = devstack.up(pipeline.state_dir)

    assert restarted.pids["kafka"] != broker.pid
    assert restarted.kafka_bootstrap == pipeline.settings.kafka_bootstrap  # same port, nothing to reconfigure
    after_restart = _committed(pipeline)
    assert all(after_restart[pos] >= offset for pos, offset in before.items()), "committed offsets went back"
    reports = pipeline.reports(ids, timeout_s=240)

    assert unreported_at_kill > 0, "every claim was reported before the kill: nothing was in flight"
    assert {r.revision for r in reports.values()} == {1}
    counts = _report_ready_per_claim(pipeline)
    # Nothing committed before the kill was processed again (a broker that lost the group offsets
    # makes the agents start again from the beginning of every topic).
    assert {c: counts[c] for c in settled_counts} == dict(settled_counts)
    assert all(counts[c] >= 1 for c in ids)
    # Redelivered events carry the id of their first delivery: one distinct report.ready per claim.
    event_ids = {(r["claim_id"], r["event_id"]) for _, r in pipeline.messages("report_ready")}
    assert Counter(claim for claim, _ in event_ids if claim in reports) == Counter(dict.fromkeys(ids, 1))
    # The agents reconnected by themselves: the same processes, all still running.
    agents_after = agent_processes.running(pipeline.state_dir)
    assert {p.pid for p in agents_after} == agents_before
    assert all(p.alive for p in agents_after)
    _settled(pipeline)
    assert "chain intact" in pipeline.cli("audit", "verify").stdout
