"""Session fixtures: the embedded stack and every agent, started once, as real processes."""

from __future__ import annotations

import asyncio
import json
import os
import subprocess
import sys
from collections.abc import Awaitable, Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any, TypeVar

import pytest
from tenacity import AsyncRetrying, Retrying, retry_if_exception_type, stop_after_delay, wait_fixed

from agents import samples
from agents.events import ClaimIngested
from agents.intake import build_claim, publish_claims
from agents.policy_loader import load_policy_book
from agents.report_store import ReportStore, StoredReport
from agents.tracking import wait_for_reports
from streams import agent_processes, devstack
from streams.codec import get_codec
from streams.kafka_admin import ensure_topics
from streams.kafka_io import PartitionRange, log_bounds, make_consumer, read_range
from streams.settings import Settings, get_settings
from streams.topology import Topology, load_topology

SAMPLE_CLAIMS = 20
T = TypeVar("T")


class NotYet(AssertionError):
    """The condition a test waits for does not hold yet."""


def eventually(check: Callable[[], T], *, timeout_s: float, interval_s: float = 0.5) -> T:
    """Re-run `check` until it stops raising `NotYet`, or fail with its last message at the deadline."""
    retrying = Retrying(
        stop=stop_after_delay(timeout_s),
        wait=wait_fixed(interval_s),
        retry=retry_if_exception_type(NotYet),
        reraise=True,
    )
    return retrying(check)


async def eventually_async(check: Callable[[], Awaitable[Any]], *, timeout_s: float) -> Any:
    """`eventually` for async checks: re-run until it stops raising `NotYet`."""
    async for attempt in AsyncRetrying(
        stop=stop_after_delay(timeout_s),
        wait=wait_fixed(0.3),
        retry=retry_if_exception_type(NotYet),
        reraise=True,
    ):
        with attempt:
            return await check()
    raise AssertionError("unreachable")  # pragma: no cover


@dataclass
class Pipeline:
    """The running pipeline and the handful of things tests do to it."""

    settings: Settings
    topology: Topology
    state_dir: Path
    env: dict[str, str]
    corpus: samples.SampleCorpus
    truth: list[dict[str, Any]]

    def submit(self, files: list[Path], region: str) -> ClaimIngested:
        claim = build_claim(self.settings, files, region=region, submitted_by="test")
        publish_claims(self.settings, [claim])
        return claim

    def reports(self, claim_ids: list[str], timeout_s: float = 120) -> dict[str, StoredReport]:
        async def collect() -> dict[str, StoredReport]:
            store = ReportStore(self.settings.postgres_dsn)
            await store.open()
            try:
                return await wait_for_reports(store, claim_ids, timeout_s=timeout_s)
            finally:
                await store.close()

        return asyncio.run(collect())

    def messages(self, schema_or_topic: str) -> list[tuple[Any, dict[str, Any]]]:
        """Every message on a topic so far, decoded: (confluent message, record)."""
        spec = self.topology.topics.get(schema_or_topic) or self.topology.topic_for_schema(schema_or_topic)
        codec = get_codec(self.settings.schemas_dir, spec.schema_name)
        consumer = make_consumer(self.settings.kafka_bootstrap)
        try:
            marks = log_bounds(consumer, spec.name, spec.partitions)
            ranges = [PartitionRange(p, low, high) for p, (low, high) in enumerate(marks)]
            return [(m, codec.decode(m.value())) for m in read_range(consumer, spec.name, ranges)]
        finally:
            consumer.close()

    def wait_for_message(
        self, topic: str, predicate: Callable[[dict[str, Any]], bool], timeout_s: float = 60
    ) -> tuple[Any, dict[str, Any]]:
        """The first message on `topic` whose record satisfies `predicate`, polling with a deadline."""

        def first_match() -> tuple[Any, dict[str, Any]]:
            found = [(m, r) for m, r in self.messages(topic) if predicate(r)]
            if not found:
                raise NotYet(f"no matching message on {topic}")
            return found[0]

        return eventually(first_match, timeout_s=timeout_s)

    def cli(self, *args: str, check: bool = True) -> subprocess.CompletedProcess[str]:
        """Run the real `claimflow` command against this stack."""
        return subprocess.run(
            [sys.executable, "-m", "streams", *args],
            env={**os.environ, **self.env},
            capture_output=True,
            text=True,
            timeout=180,
            check=check,
        )


@pytest.fixture(scope="session")
def pipeline(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Pipeline]:
    """The embedded stack, the sample policy book and every agent of topology.yaml, for the whole session."""
    state_dir = tmp_path_factory.mktemp("claimflow-state")
    stack = devstack.up(state_dir)
    # Short breaker and timeouts so the outage tests see recovery in seconds, not half a minute.
    env = {**stack.env(), "CLAIMFLOW_BREAKER_RESET_S": "2", "CLAIMFLOW_DEPENDENCY_TIMEOUT_S": "3"}
    saved = {k: os.environ.get(k) for k in env}
    os.environ.update(env)
    get_settings.cache_clear()
    settings = get_settings()
    topology = load_topology(settings.topology_file)
    try:
        corpus = samples.generate(
            tmp_path_factory.mktemp("sample"),
            claims=SAMPLE_CLAIMS,
            seed=11,
            short_policy_share=samples.SHORT_POLICY_SHARE,
        )
        asyncio.run(load_policy_book(settings, corpus.policies_file))
        ensure_topics(settings.kafka_bootstrap, topology.topics.values())
        agent_processes.start_agents(state_dir, topology, env=env)
        truth = [json.loads(line) for line in corpus.ground_truth_file.read_text().splitlines()]
        yield Pipeline(settings, topology, state_dir, env, corpus, truth)
    finally:
        agent_processes.stop_agents(state_dir)
        devstack.down(state_dir)
        for key, value in saved.items():
            if value is None:
                os.environ.pop(key, None)
            else:
                os.environ[key] = value
        get_settings.cache_clear()
