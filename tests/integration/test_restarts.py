"""Redis and Milvus restarting under a running pipeline: nothing lost, nothing to reload by hand.

(PostgreSQL: `test_outage.py`; a broker that loses its log: `test_broker_loss.py`.)
"""

from __future__ import annotations

import asyncio
import socket

import pytest

from agents.stores import ClauseVersion, ClauseVersionLog, wait_for_clause_version
from agents.stores.policy_loader import load_policy_book
from streams import devstack
from tests.fixtures.pipeline import Pipeline
from tests.fixtures.waiting import NotYet, eventually_async

pytestmark = pytest.mark.integration


def _load_and_wait(pipeline: Pipeline, timeout_s: float = 60) -> int:
    """Load the sample book; return its clause version once every live FAISS worker applied it."""

    async def run() -> int:
        result = await load_policy_book(pipeline.settings, pipeline.corpus.policies_file)
        redis_url = pipeline.settings.redis_url.get_secret_value()
        await wait_for_clause_version(redis_url, result.clause_version, timeout_s=timeout_s)
        return result.clause_version

    return asyncio.run(run())


def _digital(pipeline: Pipeline, index: int) -> dict[str, str]:
    """A born-digital sample claim (no OCR, so it flows in seconds)."""
    return [r for r in pipeline.truth if r["kind"] == "digital"][index]


def _assert_one_report_and_no_dead_letter(pipeline: Pipeline, claim_id: str) -> None:
    assert pipeline.reports([claim_id], timeout_s=180)[claim_id].revision == 1
    for topic in pipeline.topology.topics.values():
        if topic.is_dead_letter:
            assert not [r for _, r in pipeline.messages(topic.name) if r["claim_id"] == claim_id], topic.name


def test_after_a_redis_restart_claims_flow_and_the_clause_version_keeps_rising(pipeline: Pipeline) -> None:
    """The dev Redis keeps nothing: the version used to start again at 1, below what workers held."""
    before = _load_and_wait(pipeline)
    row = _digital(pipeline, 1)
    pipeline.kill_service("redis")
    try:
        claim = pipeline.submit([pipeline.corpus.claims_dir / row["file"]], region=row["region"])
        # Redis holds no claim's state: the claim is assessed while Redis is down.
        _assert_one_report_and_no_dead_letter(pipeline, claim.claim_id)
    finally:
        devstack.up(pipeline.state_dir)
    after = _load_and_wait(pipeline)
    assert after == before + 1


def test_after_a_milvus_restart_a_starting_faiss_worker_loads_the_released_collection(
    pipeline: Pipeline,
) -> None:
    """The reported case: Milvus came back with `clause_wordings` released, and the worker looped on
    an open breaker until someone ran `claimflow policies load`."""
    row = _digital(pipeline, 2)
    pipeline.kill_service("milvus")
    try:
        # The FAISS workers answer from memory: claims keep flowing while Milvus is down.
        during = pipeline.submit([pipeline.corpus.claims_dir / row["file"]], region=row["region"])
        _assert_one_report_and_no_dead_letter(pipeline, during.claim_id)
    finally:
        devstack.up(pipeline.state_dir)
    worker = pipeline.restart_agent("faiss_worker")

    async def shard_loaded() -> None:
        async with ClauseVersionLog(pipeline.settings.postgres_dsn.get_secret_value()) as versions:
            current = await versions.current()
        acknowledgements = ClauseVersion(pipeline.settings.redis_url.get_secret_value())
        try:
            acks = await acknowledgements.acknowledgements()
        finally:
            await acknowledgements.close()
        # A worker acknowledges only after it loaded its shard from Milvus (see FaissWorker.start).
        if acks.get(f"faiss_worker@{socket.gethostname()}:{worker.pid}") != current:
            raise NotYet(f"the restarted worker has not loaded its shard yet: {acks}")

    asyncio.run(eventually_async(shard_loaded, timeout_s=120))
    after = pipeline.submit([pipeline.corpus.claims_dir / row["file"]], region=row["region"])
    _, retrieved = pipeline.wait_for_message(
        "clauses_retrieved", lambda r: r["claim_id"] == after.claim_id, timeout_s=120
    )
    assert retrieved["clauses"], "the restarted worker answers from the clauses it loaded"
