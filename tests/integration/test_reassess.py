"""Reprocessing: a rules change, then `replay --reassess`, gives every claim a new revision and a diff
that names exactly the claims whose outcome the change moved.

The change is the validator's reporting window, cut from 30 days to one between the claims' own
report delays (a setting, like a rules or model change, that needs no new code): the claims reported
after the new window now fail `reported_in_time`, and every other claim reads the same. Other
tests have submitted the same sample claims before, so statuses may already be `needs_review`
(duplicates); the rule outcome moves regardless.
"""

from __future__ import annotations

import json
import re
from datetime import UTC, date, datetime

import pytest

from agents.stores import StoredReport
from tests.fixtures.pipeline import Pipeline
from tests.fixtures.waiting import NotYet, eventually

pytestmark = pytest.mark.integration

CLAIMS = 8


def _delay(report: StoredReport) -> int | None:
    """Days from the incident to the report date, when the claim was in time by them."""
    fields = report.report["fields"]
    rule = next(r for r in report.report["rules"] if r["rule_id"] == "reported_in_time")
    if not rule["passed"] or not fields["incident_date"]["value"] or not fields["reported_on"]["value"]:
        return None
    reported, incident = (date.fromisoformat(fields[f]["value"]) for f in ("reported_on", "incident_date"))
    return (reported - incident).days


def test_a_rules_change_then_replay_reassess_gives_new_revisions_and_a_diff_naming_what_changed(
    pipeline: Pipeline,
) -> None:
    submitted_at = datetime.now(UTC)
    rows = pipeline.truth[:CLAIMS]
    claims = [pipeline.submit([pipeline.corpus.claims_dir / r["file"]], region=r["region"]) for r in rows]
    ids = [c.claim_id for c in claims]
    first = pipeline.reports(ids, timeout_s=240)
    delays = {c: d for c, r in first.items() if (d := _delay(r)) is not None}
    steps = sorted(set(delays.values()))
    assert len(steps) >= 2, f"the sample must hold claims reported after different delays: {delays}"
    window = steps[len(steps) // 2 - 1]  # some claims within it, some after it
    moved = {c for c, d in delays.items() if d > window}

    # A plain replay is a no-op: same event ids, no new revision.
    ingest = pipeline.topology.topic_for_schema("claim_ingested").name
    pipeline.cli("replay", ingest, "--since", submitted_at.isoformat())
    try:
        pipeline.restart_agent("validator", {"CLAIMFLOW_REPORTING_WINDOW_DAYS": str(window)})
        reassessed_at = datetime.now(UTC)
        out = pipeline.cli("replay", ingest, "--since", submitted_at.isoformat(), "--reassess").stdout
        # The claims and their plain replay, and nothing older.
        republished = int(re.search(r"re-published (\d+) message", out).group(1))  # type: ignore[union-attr]
        assert republished == CLAIMS * 2, out

        def all_revised() -> dict[str, int]:
            now = pipeline.revisions(ids)
            if any(revision < 2 for revision in now.values()):
                raise NotYet(f"revisions {now}")
            return now

        revisions = eventually(all_revised, timeout_s=240)
        assert set(revisions.values()) == {2}, (
            "the plain replay added nothing; the epoch's two copies one revision"
        )
    finally:
        pipeline.restart_agent("validator")

    lines = pipeline.cli("diff", "--since", reassessed_at.isoformat(), "--json").stdout.splitlines()
    diffs = {d["claim_id"]: d for d in map(json.loads, lines)}
    assert set(diffs) == set(ids), "the replay re-assessed exactly the claims submitted since"
    changed = {c for c, d in diffs.items() if d["changes"]}
    assert changed == moved
    for claim in moved:
        assert {"what": "rule reported_in_time", "before": True, "after": False} in diffs[claim]["changes"]
    human = pipeline.cli("diff", "--since", reassessed_at.isoformat()).stdout
    assert f"{len(ids)} compared, {len(moved)} changed" in human
