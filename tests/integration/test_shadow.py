"""A shadow run: a new version of the validator beside the live one, diffed against it, writing no report.

The new version is the validator with a shorter reporting window (a setting, as in
test_reassess.py), one that splits the sample claims by their report delays: on the same input the
shadow fails `reported_in_time` for the claims reported after its window, and only for them. It is
started before the claims are submitted and reads from then on (the default), so its worker starts
while the live pipeline works.
"""

from __future__ import annotations

import json
from collections import Counter
from datetime import date

import pytest
from typer.testing import CliRunner

from agents.events import ClaimValidated
from agents.stores import StoredReport
from agents.tools.shadow import shadow_app
from streams.codec import get_codec
from streams.errors import DecodeError
from streams.kafka_io import read_topic
from streams.shadow import shadow_run, shadow_runs
from tests.fixtures.pipeline import Pipeline
from tests.fixtures.waiting import NotYet, eventually

pytestmark = pytest.mark.integration

CLAIMS = 8
RUN = "window-test"


def _delay(report: StoredReport) -> int | None:
    """Days from the incident to the report date, when the claim was in time by them."""
    fields = report.report["fields"]
    rule = next(r for r in report.report["rules"] if r["rule_id"] == "reported_in_time")
    if not rule["passed"] or not fields["incident_date"]["value"] or not fields["reported_on"]["value"]:
        return None
    reported, incident = (date.fromisoformat(fields[f]["value"]) for f in ("reported_on", "incident_date"))
    return (reported - incident).days


def _validated(pipeline: Pipeline, topic_name: str, ids: set[str]) -> Counter[str]:
    """How many claim.validated events of each of `ids` are on `topic_name` (live or the run's)."""
    topology = pipeline.topology
    topic = topology.shadow_run(RUN, "validator").topic(topic_name)
    codec = get_codec(pipeline.settings.schemas_dir, topic.schema_name)
    found: Counter[str] = Counter()
    for message in read_topic(pipeline.settings.kafka(), topic):
        try:
            claim = codec.decode(message.value())["claim_id"]
        except DecodeError:
            continue
        if claim in ids:
            found[claim] += 1
    return found


def _shadow(*args: str) -> str:
    """`claimflow shadow ARGS` in this process (the stack's settings are in its environment): its output.

    The same commands as the CLI's, without a Python start-up and the CLI's imports each time
    (5-10 s on the loaded 2-core machine).
    """
    done = CliRunner().invoke(shadow_app, list(args))
    assert done.exit_code == 0, f"claimflow shadow {' '.join(args)}: {done.output}{done.exception!r}"
    return done.output


def test_a_shadow_validator_is_diffed_against_the_live_one_and_writes_no_report(pipeline: Pipeline) -> None:
    rows = pipeline.truth[:CLAIMS]
    truth_delays = sorted(
        {(date.fromisoformat(r["reported_on"]) - date.fromisoformat(r["incident_date"])).days for r in rows}
    )
    window = truth_delays[len(truth_delays) // 2 - 1]  # some claims within it, some after it
    # Started before the claims come, from now on (the default): its worker starts while the live ones work.
    _shadow("start", RUN, "--agent", "validator", "--set", f"REPORTING_WINDOW_DAYS={window}")
    try:
        [listed] = shadow_runs(pipeline.state_dir)
        assert (listed.name, listed.agents, len(listed.alive)) == (RUN, ("validator",), 1)
        assert listed.settings == {"CLAIMFLOW_REPORTING_WINDOW_DAYS": str(window)}

        claims = [pipeline.submit([pipeline.corpus.claims_dir / r["file"]], region=r["region"]) for r in rows]
        ids = [c.claim_id for c in claims]
        first = pipeline.reports(ids, timeout_s=240)
        delays = {c: d for c, r in first.items() if (d := _delay(r)) is not None}
        moved = {c for c, d in delays.items() if d > window}
        assert moved and moved != set(delays), f"window {window} must split the claims read: {delays}"

        live_topic = pipeline.topology.topic_for_schema(ClaimValidated.avro_schema).name
        shadow_topic = pipeline.topology.shadow_topic_name(live_topic, RUN)

        def shadow_decided() -> Counter[str]:
            found = _validated(pipeline, shadow_topic, set(ids))
            if set(found) != set(ids):
                raise NotYet(f"the shadow decided {len(found)} of {len(ids)} claims")
            return found

        eventually(shadow_decided, timeout_s=180)
        assert _validated(pipeline, live_topic, set(ids)) == Counter(ids), "the shadow wrote no live event"
        assert set(pipeline.revisions(ids).values()) == {1}, "no report revision came from the shadow"

        lines = _shadow("diff", RUN, "--json").splitlines()
        diffs = {d["claim_id"]: d for d in map(json.loads, lines)}
        assert set(diffs) == set(ids), "the shadow read the live input from its start on, no earlier"
        assert {c for c, d in diffs.items() if d["changes"]} == moved
        for claim in moved:
            assert {"what": "rule reported_in_time", "before": True, "after": False} in diffs[claim][
                "changes"
            ]
            assert (diffs[claim]["from"], diffs[claim]["to"]) == ("live", f"shadow {RUN}")
        human = _shadow("diff", RUN)
        assert f"{len(ids)} compared, {len(moved)} changed" in human
    finally:
        pipeline.cli("shadow", "stop", RUN)  # the real command, from another process, as an operator would
    assert shadow_run(pipeline.state_dir, RUN).alive == [], "stop ended the shadow's workers"
