"""Human review on the running pipeline: queued from report.ready, decided by CLI, applied through the log."""

from __future__ import annotations

import asyncio
import json

import pytest

from agents.review import Reviewer, ReviewStore, decode_trail
from agents.review.auth import Passwords
from agents.stores import ReportStore, StoredReport
from streams import AuditLog
from tests.fixtures.pipeline import Pipeline
from tests.fixtures.waiting import NotYet, eventually

pytestmark = pytest.mark.integration


PASSWORD = "a long review password"


async def _add_reviewers(dsn: str, *people: Reviewer) -> None:
    hashed = Passwords().hash(PASSWORD)
    async with ReviewStore(dsn) as store:
        for person in people:
            await store.save_reviewer(person, hashed)


@pytest.fixture(autouse=True)
def _signed_in(monkeypatch: pytest.MonkeyPatch) -> None:
    """`claimflow review` signs in with the password from the environment (every reviewer here has one)."""
    monkeypatch.setenv("CLAIMFLOW_REVIEW_PASSWORD", PASSWORD)


async def _report(dsn: str, claim_id: str) -> StoredReport | None:
    async with ReportStore(dsn) as store:
        return await store.get(claim_id)


@pytest.fixture(scope="module")
def misfiled(pipeline: Pipeline) -> dict[str, str]:
    """An EU form filed as a US claim and a US form filed as an EU claim: neither region's book holds the
    policy, so both need a person (policy_exists fails). Reviewers: alice (EU) and ursula (US)."""
    asyncio.run(
        _add_reviewers(
            pipeline.settings.postgres_dsn.get_secret_value(),
            Reviewer(user_id="alice", display_name="Alice", roles=("reviewer",), regions=("EU",)),
            Reviewer(user_id="ursula", display_name="Ursula", roles=("reviewer",), regions=("US",)),
        )
    )
    eu_form = next(r for r in pipeline.truth if r["region"] == "EU")
    us_form = next(r for r in pipeline.truth if r["region"] == "US")
    claims = {
        "EU": pipeline.submit([pipeline.corpus.claims_dir / us_form["file"]], region="EU").claim_id,
        "US": pipeline.submit([pipeline.corpus.claims_dir / eu_form["file"]], region="US").claim_id,
    }
    pipeline.reports(
        list(claims.values()), timeout_s=240
    )  # the first claims of a session wait for cold agents
    return claims


def _queued(pipeline: Pipeline, user: str, claim_id: str) -> list[dict]:
    """`user`'s queue once it holds `claim_id` (each `claimflow` call costs seconds: poll sparingly)."""

    def listed() -> list[dict]:
        lines = pipeline.cli("review", "list", "--as", user, "--json").stdout.splitlines()
        items = [json.loads(line) for line in lines]
        if not any(item["claim_id"] == claim_id for item in items):
            raise NotYet(f"{claim_id} not in {user}'s queue yet")
        return items

    return eventually(listed, timeout_s=60, interval_s=1)


def test_a_claim_needing_review_is_queued_with_its_reasons_for_its_region_only(pipeline: Pipeline, misfiled):
    queue = _queued(pipeline, "alice", misfiled["EU"])
    [item] = [i for i in queue if i["claim_id"] == misfiled["EU"]]
    assert item["region"] == "EU" and item["status"] == "pending" and item["revision"] == 1
    assert "failed_rules" in item["reasons"] and "policy_exists" in item["failed_rules"]
    assert {i["region"] for i in queue} == {"EU"}  # the US claim, queued too, is not hers to see
    refused = pipeline.cli("review", "show", misfiled["EU"], "--as", "ursula", check=False)
    assert refused.returncode != 0 and "ClaimNotFound" in refused.stdout  # nor is the EU claim ursula's


def test_a_correction_is_applied_as_a_new_revision_announced_and_audited(pipeline: Pipeline, misfiled):
    claim_id = misfiled["EU"]
    _queued(pipeline, "alice", claim_id)
    assessed = asyncio.run(_report(pipeline.settings.postgres_dsn.get_secret_value(), claim_id))
    assert assessed is not None
    before = assessed.report["fields"]["claimed_amount"]["value"]

    result = pipeline.cli(
        "review", "decide", claim_id, "approve", "--set", "claimed_amount=123.45", "--as", "alice"
    )
    applied = json.loads(result.stdout.splitlines()[-1])
    assert applied["revision"] == 2

    report = asyncio.run(_report(pipeline.settings.postgres_dsn.get_secret_value(), claim_id))
    assert report is not None and (report.revision, report.status) == (2, "approved")
    assert report.report["fields"]["claimed_amount"]["value"] == "123.45"
    assert report.report["review"]["corrections"] == [
        {"field": "claimed_amount", "before": before, "after": "123.45"}
    ]

    _, ready = pipeline.wait_for_message(
        "report_ready", lambda r: r["claim_id"] == claim_id and r["revision"] == 2
    )
    assert (ready["status"], ready["decision_id"], ready["reviewed_by"]) == (
        "approved",
        applied["decision_id"],
        "alice",
    )

    async def audited() -> list:
        async with AuditLog(pipeline.settings.postgres_dsn.get_secret_value()) as log:
            return decode_trail(
                await log.for_claim(claim_id), pipeline.topology, pipeline.settings.schemas_dir
            )

    def decision_audited() -> tuple:
        trail = asyncio.run(audited())
        reviewed = [e for e in trail if e.schema == "claim_reviewed"]
        revised = [e for e in trail if e.schema == "report_ready" and e.record["revision"] == 2]
        if not (reviewed and revised):
            raise NotYet("the auditor has not recorded the decision and its revision yet")
        return reviewed[0], revised[0]

    reviewed, revised = eventually(decision_audited, timeout_s=60)
    assert reviewed.event_id == applied["decision_id"] and reviewed.record["reviewer"] == "alice"
    assert reviewed.record["corrections"] == [
        {"field": "claimed_amount", "before": before, "after": "123.45"}
    ]
    assert reviewed.record["event_time"] <= revised.record["event_time"]
    assert "alice (reviewer) decided correct_and_approve" in reviewed.summary
    # A second decision on the claim is refused: tests/agents/review cover that (store, pages) without
    # paying for one more `claimflow` start here.
