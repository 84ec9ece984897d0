"""The queue agent and the applier through the broker-free harness, on a real PostgreSQL."""

from __future__ import annotations

from datetime import timedelta

import pytest
from prometheus_client import REGISTRY

from agents.review import QueueFilter, ReviewSettings, is_qa_sample
from streams.testing import AgentHarness
from tests.fixtures.postgres import postgres_dsn, postgres_server_uri
from tests.fixtures.review import (
    ReviewWorld,
    announcement,
    corrected,
    decision,
    report_row,
    reviewer,
    validated,
    world,
)

pytestmark = pytest.mark.integration

__all__ = ["postgres_dsn", "postgres_server_uri", "world"]  # the imported fixtures are used by name


async def test_the_configured_share_of_auto_approved_claims_is_queued_as_qa_samples(
    world: ReviewWorld,
) -> None:
    share = 0.3
    claims = [validated(f"CLM-{i}", confidence=0.97) for i in range(40)]
    revisions = await world.reports.save_with_revisions([report_row(c) for c in claims])
    announced = [announcement(c, revisions[c.claim_id]) for c in claims]
    section = ReviewSettings(review_qa_share=share)
    async with AgentHarness("review_queue", settings=world.settings, sections=[section]) as harness:
        await harness.deliver(*announced)
        await harness.deliver(*announced)  # redelivered: nothing changes
        assert harness.emitted("report_ready") == [] and harness.dead_letters() == []
    page = await world.review.queue(("EU",), QueueFilter(limit=100))
    expected = {c.claim_id for c in claims if is_qa_sample(c.claim_id, share)}
    assert {i.claim_id for i in page.items} == expected and 0 < len(expected) < 40
    assert all(i.reasons == ("qa_sample",) and i.report_status == "auto_approved" for i in page.items)
    assert all((i.due_at - i.queued_at).total_seconds() == 72 * 3600 for i in page.items)


async def test_the_applier_announces_the_new_revision_once_per_decision(world: ReviewWorld) -> None:
    await world.add(reviewer("alice", "EU"))
    await world.queued(validated("CLM-1"))
    made = decision(
        "CLM-1", action="correct_and_approve", corrections=[corrected("claimed_amount", "4850.00", "4580.00")]
    )
    async with world.applier() as harness:
        await harness.deliver(made)
        await harness.deliver(made)  # redelivered
        await harness.deliver(decision("CLM-1", action="decline", reason_code="not_covered"))  # too late
        first, second = harness.emitted("report_ready")
        assert harness.dead_letters() == []
    # The same event id and content (only its production time differs): sinks see one announcement.
    assert {**first, "event_time": None} == {**second, "event_time": None}
    assert first["event_id"] != made.event_id and first["causation_id"] == made.event_id
    assert (first["status"], first["revision"], first["claimed_amount"]) == ("approved", 2, "4580.00")
    assert (first["decision_id"], first["reviewed_by"]) == (made.event_id, "alice")
    report = await world.reports.get("CLM-1")
    assert report is not None and report.revision == 2 and report.status == "approved"


async def test_the_queue_agent_exports_how_many_pending_items_are_past_their_deadline(
    world: ReviewWorld,
) -> None:
    claims = [validated(f"CLM-LATE-{i}", confidence=0.5) for i in range(4)]
    revisions = await world.reports.save_with_revisions([report_row(c) for c in claims])
    announced = [announcement(c, revisions[c.claim_id]) for c in claims]
    late = [a.model_copy(update={"event_time": a.event_time - timedelta(days=30)}) for a in announced[:3]]
    async with AgentHarness("review_queue", settings=world.settings) as harness:
        await harness.deliver(*late, announced[3])
        await harness.processor.observe()
    assert REGISTRY.get_sample_value("claimflow_review_overdue_items", {"region": "EU"}) == 3
    assert REGISTRY.get_sample_value("claimflow_review_overdue_items", {"region": "US"}) == 0
