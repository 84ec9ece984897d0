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
    try:
        # The claim gets as far as the stages that need the database while it is down.
        pipeline.wait_for_message("fields_extracted", lambda r: r["claim_id"] == claim.claim_id, timeout_s=90)
    finally:
        restarted = devstack.up(pipeline.state_dir)
    assert restarted.postgres_dsn == pipeline.settings.postgres_dsn

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
