"""Reprocessing: a rules change, then `replay --reassess`, gives every claim a new revision and a diff
that names exactly the claims whose outcome the change moved.

The change is the reporter's review threshold raised from 0.9 to 0.99 (a setting, like a
rules or model change, that needs no new code): the claims auto-approved with a confidence
between the two now need review, and every other claim reads the same.
"""

from __future__ import annotations

import asyncio
import json
from datetime import UTC, datetime

import pytest

from agents.stores import ReportStore
from tests.fixtures.pipeline import Pipeline
from tests.fixtures.waiting import NotYet, eventually

pytestmark = pytest.mark.integration

CLAIMS = 8
STRICTER = 0.99


def _revisions(pipeline: Pipeline, claim_ids: list[str]) -> dict[str, int]:
    async def read() -> dict[str, int]:
        store = ReportStore(pipeline.settings.postgres_dsn)
        await store.open()
        try:
            return {r.claim_id: r.revision for r in await store.list(claim_ids, limit=len(claim_ids))}
        finally:
            await store.close()

    return asyncio.run(read())


def test_a_rules_change_then_replay_reassess_gives_new_revisions_and_a_diff_naming_what_changed(
    pipeline: Pipeline,
) -> None:
    submitted_at = datetime.now(UTC)
    rows = pipeline.truth[:CLAIMS]
    claims = [pipeline.submit([pipeline.corpus.claims_dir / r["file"]], region=r["region"]) for r in rows]
    ids = [c.claim_id for c in claims]
    first = pipeline.reports(ids, timeout_s=240)
    moved = {c for c, r in first.items() if r.status == "auto_approved" and r.confidence < STRICTER}
    assert moved and moved != set(ids), "the sample must hold claims on both sides of the change"

    # A plain replay is a no-op: same event ids, no new revision.
    ingest = pipeline.topology.topic_for_schema("claim_ingested").name
    pipeline.cli("replay", ingest, "--since", submitted_at.isoformat())
    try:
        pipeline.restart_agent("reporter", {"CLAIMFLOW_REVIEW_THRESHOLD": str(STRICTER)})
        reassessed_at = datetime.now(UTC)
        out = pipeline.cli("replay", ingest, "--since", submitted_at.isoformat(), "--reassess").stdout
        assert f"re-published {CLAIMS * 2} message(s)" in out, out  # the claims and their plain replay

        def all_revised() -> dict[str, int]:
            now = _revisions(pipeline, ids)
            if any(revision < 2 for revision in now.values()):
                raise NotYet(f"revisions {now}")
            return now

        revisions = eventually(all_revised, timeout_s=240)
        assert set(revisions.values()) == {2}, (
            "the plain replay added nothing; the epoch's two copies one revision"
        )
    finally:
        pipeline.restart_agent("reporter")

    lines = pipeline.cli("diff", "--since", reassessed_at.isoformat(), "--json").stdout.splitlines()
    diffs = {d["claim_id"]: d for d in map(json.loads, lines) if d["claim_id"] in ids}
    assert set(diffs) == set(ids)
    changed = {c for c, d in diffs.items() if d["changes"]}
    assert changed == moved
    for claim in moved:
        assert {"what": "status", "before": "auto_approved", "after": "needs_review"} in diffs[claim][
            "changes"
        ]
    human = pipeline.cli("diff", "--since", reassessed_at.isoformat()).stdout
    assert "auto_approved → needs_review" in human
