"""A database that goes away: claims wait for it instead of being dead-lettered or lost."""

from __future__ import annotations

import os
import signal

import pytest

from streams import devstack
from tests.fixtures.pipeline import Pipeline
from tests.fixtures.waiting import NotYet, eventually

pytestmark = pytest.mark.integration


def _postgres_healthy(pipeline: Pipeline) -> bool:
    return next(s for s in devstack.status(pipeline.state_dir) if s.name == "postgres").healthy


def test_a_postgres_outage_loses_nothing_and_dead_letters_nothing(pipeline: Pipeline):
    warm = pipeline.truth[4]
    warm_claim = pipeline.submit([pipeline.corpus.claims_dir / warm["file"]], region=warm["region"])
    pipeline.reports([warm_claim.claim_id], timeout_s=120)  # every agent is up and holds its connections
    stack = devstack.load(pipeline.state_dir)
    assert stack is not None
    os.kill(stack.pids["postgres"], signal.SIGKILL)

    def postgres_down() -> None:
        if _postgres_healthy(pipeline):
            raise NotYet("postgres still answers")

    eventually(postgres_down, timeout_s=30)
    row = pipeline.truth[3]
    claim = pipeline.submit([pipeline.corpus.claims_dir / row["file"]], region=row["region"])
    retriever_log = pipeline.state_dir / "logs" / "agent-retriever.log"

    def held_by_the_retriever() -> None:
        # The retriever finds the claim's policy in the book: it keeps the claim, unacknowledged,
        # and says so, until the database is back.
        lines = retriever_log.read_text(errors="replace").splitlines()
        if not any(claim.claim_id in line and "waiting for it to come back" in line for line in lines):
            raise NotYet("the retriever has not reported waiting for the database yet")

    try:
        eventually(held_by_the_retriever, timeout_s=90)
    finally:
        restarted = devstack.up(pipeline.state_dir)
    assert restarted.postgres_dsn == pipeline.settings.postgres_dsn.get_secret_value()

    report = pipeline.reports([claim.claim_id], timeout_s=120)[claim.claim_id]
    assert report.policy_number == row["policy_number"]
    assert report.revision == 1
    for topic in pipeline.topology.topics.values():
        if topic.is_dead_letter:
            assert not [r for _, r in pipeline.messages(topic.name) if r["claim_id"] == claim.claim_id], (
                topic.name
            )

    def report_audited() -> None:
        out = pipeline.cli(
            "tail", pipeline.topology.topic_for_schema("report_ready").name, "--from-beginning"
        )
        if claim.claim_id not in out.stdout:
            raise NotYet("report.ready not yet announced")

    eventually(report_audited, timeout_s=60)
    assert "chain intact" in pipeline.cli("audit", "verify").stdout
