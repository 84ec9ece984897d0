"""The review queue against a real PostgreSQL: items, region scoping, leases, decisions applied once."""

from __future__ import annotations

import asyncio

import pytest

from agents.review import (
    ClaimNotFound,
    LeaseHeld,
    NotAllowed,
    QueueFilter,
    StaleDecision,
)
from tests.fixtures.postgres import postgres_dsn, postgres_server_uri
from tests.fixtures.review import ReviewWorld, corrected, decision, reviewer, validated, world

pytestmark = pytest.mark.integration

__all__ = ["postgres_dsn", "postgres_server_uri", "world"]  # the imported fixtures are used by name

EU = ("EU",)


async def test_a_report_needing_review_is_queued_once_with_its_reasons_and_deadline(
    world: ReviewWorld,
) -> None:
    ready = await world.queued(validated("CLM-1", confidence=0.6, failed_rule="policy_active"))
    item = await world.review.item("CLM-1", EU)
    assert item.status == "pending" and item.revision == 1
    assert item.reasons == ("weak_field", "failed_rules")
    assert (item.weakest_field, item.failed_rules) == ("incident_date", ("policy_active",))
    assert item.queued_at == ready.event_time
    assert (item.due_at - item.queued_at).total_seconds() == 24 * 3600
    assert str(item.claimed_amount) == "4850.00" and item.amount_score > 3.6 and not item.overdue
    assert (item.due_at - item.priority_at).total_seconds() == pytest.approx(2 * 3600 * item.amount_score)
    assert await world.review.enqueue([]) == 0

    from agents.review_queue import entries_for

    stored = {"CLM-1": await world.reports.get("CLM-1")}
    again, _ = entries_for([ready], stored, world.section)  # type: ignore[arg-type]
    assert await world.review.enqueue(again) == 0  # a replay writes nothing


async def test_the_queue_filters_sorts_and_never_shows_another_regions_claims(world: ReviewWorld) -> None:
    await world.queued(validated("CLM-EU-small", amount="120.00"))
    await world.queued(
        validated("CLM-EU-big", amount="90000.00", failed_rule="no_duplicate", confidence=0.97)
    )
    await world.queued(validated("CLM-US", region="US"))

    eu = await world.review.queue(EU, QueueFilter())
    assert {i.claim_id for i in eu.items} == {"CLM-EU-small", "CLM-EU-big"} and eu.total == 2
    by_amount = (await world.review.queue(EU, QueueFilter(sort="amount"))).items
    assert by_amount[0].claim_id == "CLM-EU-big"
    by_deadline = (await world.review.queue(EU, QueueFilter(sort="deadline"))).items
    assert [i.due_at for i in by_deadline] == sorted(i.due_at for i in by_deadline)
    only_rules = await world.review.queue(EU, QueueFilter(reason="failed_rules"))
    assert [i.claim_id for i in only_rules.items] == ["CLM-EU-big"]
    # Asking for a region one may not see gives nothing, not the region's claims.
    assert (await world.review.queue(EU, QueueFilter(region="US"))).total == 0
    assert (await world.review.queue(("EU", "US"), QueueFilter(region="US"))).total == 1
    with pytest.raises(ClaimNotFound):
        await world.review.item("CLM-US", EU)
    with pytest.raises(ClaimNotFound):
        await world.review.take("CLM-US", "alice", EU, lease_s=60)


async def test_two_reviewers_racing_for_one_claim_never_both_get_it(world: ReviewWorld) -> None:
    await world.queued(validated("CLM-1"))
    results = await asyncio.gather(
        *(world.review.take("CLM-1", who, EU, lease_s=60) for who in ("alice", "bob", "carol", "dave")),
        return_exceptions=True,
    )
    winners = [r for r in results if not isinstance(r, BaseException)]
    assert len(winners) == 1 and all(isinstance(r, LeaseHeld) for r in results if r not in winners)
    holder = winners[0].assigned_to
    assert (await world.review.take("CLM-1", holder, EU, lease_s=60)).held_by(holder)  # renewing is fine
    other = "bob" if holder != "bob" else "alice"
    with pytest.raises(NotAllowed):
        await world.review.release("CLM-1", other, EU)
    assert (await world.review.take("CLM-1", other, EU, lease_s=60, force=True)).assigned_to == other


async def test_an_expired_lease_can_be_taken_by_someone_else(world: ReviewWorld) -> None:
    await world.queued(validated("CLM-1"))
    await world.review.take("CLM-1", "alice", EU, lease_s=0)  # expires at once
    taken = await world.review.take("CLM-1", "bob", EU, lease_s=60)
    assert taken.held_by("bob") and not taken.held_by("alice")


async def test_a_decision_becomes_one_new_revision_and_is_idempotent_on_its_id(world: ReviewWorld) -> None:
    await world.add(reviewer("alice", "EU"), reviewer("bob", "EU"))
    await world.queued(validated("CLM-1"))
    made = decision(
        "CLM-1",
        action="correct_and_approve",
        corrections=[corrected("incident_date", "2024-03-17", "2024-03-18")],
    )
    first = await world.review.apply(made)
    assert first.applied and first.headline is not None
    assert first.headline["revision"] == 2 and first.headline["status"] == "approved"
    assert first.headline["incident_date"] == "2024-03-18" and first.headline["reviewed_by"] == "alice"

    report = await world.reports.get("CLM-1")
    assert report is not None and report.revision == 2 and report.status == "approved"
    assert str(report.incident_date) == "2024-03-18"
    assert report.report["fields"]["incident_date"]["candidates"][0] == "2024-03-17"
    item = await world.review.item("CLM-1", EU)
    assert (item.status, item.decided_by, item.outcome, item.revision) == ("decided", "alice", "approved", 2)

    again = await world.review.apply(made)
    assert again.repeated and again.headline == first.headline
    assert (await world.reports.get("CLM-1")).revision == 2  # type: ignore[union-attr]

    late = await world.review.apply(decision("CLM-1", by="bob"))
    assert not late.applied and "decided, not waiting" in (late.refusal or "")
    [record_1, record_2] = await world.review.decisions("CLM-1")
    assert (record_1.applied, record_1.applied_revision, record_1.corrections[0]["after"]) == (
        True,
        2,
        "2024-03-18",
    )
    assert (record_2.applied, record_2.reviewer) == (False, "bob")
    [labelled] = await world.review.applied_decisions("EU")  # what the feedback commands read
    assert (labelled.decision_id, labelled.assessed_confidence) == (made.event_id, 0.6)
    assert await world.review.applied_decisions("US") == []


async def test_decisions_on_a_changed_claim_or_by_someone_of_another_region_are_refused(
    world: ReviewWorld,
) -> None:
    await world.add(reviewer("alice", "EU"), reviewer("ursula", "US"))
    await world.queued(validated("CLM-1"))
    stale = await world.review.apply(decision("CLM-1", base_revision=7))
    assert not stale.applied and "revision 7" in (stale.refusal or "")
    outsider = await world.review.apply(decision("CLM-1", by="ursula"))
    assert not outsider.applied and "may not decide claims of EU" in (outsider.refusal or "")
    wrong_region = await world.review.apply(decision("CLM-1", region="US", by="ursula"))
    assert not wrong_region.applied and "the claim is in EU" in (wrong_region.refusal or "")
    unknown = await world.review.apply(decision("CLM-nope"))
    assert not unknown.applied and unknown.refusal == "the claim has no report"
    assert (await world.reports.get("CLM-1")).revision == 1  # type: ignore[union-attr]


async def test_a_request_for_information_waits_until_a_new_assessment_queues_the_claim_again(
    world: ReviewWorld,
) -> None:
    first = validated("CLM-1")
    await world.queued(first)
    outcome = await world.review.apply(decision("CLM-1", action="request_information", note="the invoice"))
    assert outcome.headline is not None and outcome.headline["status"] == "information_requested"
    assert (await world.review.item("CLM-1", EU)).status == "information_requested"
    with pytest.raises(StaleDecision):
        await world.review.take("CLM-1", "alice", EU, lease_s=60)
    # The claimant sends the invoice: the claim is assessed again (revision 3) and needs a person again.
    await world.queued(validated("CLM-1", confidence=0.7))
    again = await world.review.item("CLM-1", EU)
    assert (again.status, again.revision, again.decided_by) == ("pending", 3, None)


async def test_a_newer_assessment_that_needs_nobody_takes_the_claim_out_of_the_queue(
    world: ReviewWorld,
) -> None:
    await world.queued(validated("CLM-1"))
    await world.queued(validated("CLM-1", confidence=0.97))  # re-assessed: auto-approved, not sampled
    item = await world.review.item("CLM-1", EU)
    assert (item.status, item.revision) == ("superseded", 2)
    assert (await world.review.queue(EU, QueueFilter())).total == 0
