"""Shadow runs without a broker: the shadow validator's outputs, pairing with the live decisions, the diff."""

from __future__ import annotations

import json
import sys
from dataclasses import dataclass
from datetime import UTC, date, datetime
from typing import Any

import pytest

from agents.assessment import AssessmentSettings
from agents.events import ClaimFields, ClaimValidated, ExtractedField, ExtractorProvenance, FieldsExtracted
from agents.stores import MemoryPolicyBook, Policy
from agents.tools.diff import compare_decisions
from agents.tools.shadow import decision_of, pair_decisions
from agents.validator import Validator
from streams import AgentContext, Producer, get_settings
from streams.agent_processes import AgentProcess
from streams.devstack import spawn_detached
from streams.shadow import SHADOWS_FILE, ShadowRun, ShadowRunError, setting_overrides, shadow_run, stop_shadow
from streams.testing import AgentHarness
from streams.topology import load_topology
from tests.fixtures.paths import ROOT

POLICY = Policy(
    policy_number="HX-442-0197",
    region="EU",
    holder_name="A. Holder",
    start_date=date(2024, 1, 1),
    end_date=date(2024, 12, 31),
    product="home",
    coverages=["water"],
    limit=50000,
    currency="EUR",
    clauses=[],
)


class _NoDuplicates:
    async def find_duplicates(self, **_: Any) -> list[str]:
        return []


def _validator(ctx: AgentContext) -> Validator:
    agent = Validator(ctx)
    agent.policies = MemoryPolicyBook([POLICY])  # type: ignore[assignment]  # the book's lookup, in memory
    agent.reports = _NoDuplicates()  # type: ignore[assignment]  # only find_duplicates is asked
    agent.rule_settings = ctx.section(AssessmentSettings).rule_settings()
    return agent


def _field(value: str) -> ExtractedField:
    return ExtractedField(value=value, confidence=0.97, evidence=value)


def _extracted(claim_id: str, reported: str, region: str = "EU") -> FieldsExtracted:
    """A claim for a loss of 2024-03-17 reported on `reported`."""
    fields = ClaimFields(
        policy_number=_field("HX-442-0197"),
        incident_date=_field("2024-03-17"),
        damage_description=_field("A pipe burst under the sink and flooded the kitchen."),
        damage_type=_field("water"),
        claimed_amount=_field("800.00"),
        currency=_field("EUR"),
        reported_on=_field(reported),
    )
    return FieldsExtracted.new(
        claim_id=claim_id,
        region=region,
        by=Producer("test", "1"),
        fields=fields,
        clauses=[],
        extractor=ExtractorProvenance(kind="rules", version="test"),
    )


async def _validate(h: AgentHarness, events: list[FieldsExtracted]) -> list[ClaimValidated]:
    await h.deliver(*events)
    codec = h.codecs[ClaimValidated.avro_schema]
    return [
        ClaimValidated.model_validate(codec.decode(s.value))
        for s in h.outbox.sent
        if not s.topic.endswith("dlq")
    ]


async def test_a_shadow_validator_writes_only_shadow_topics_and_the_diff_names_what_its_window_flips() -> (
    None
):
    topology = load_topology(ROOT / "topology.yaml")
    shadowed = topology.shadow_run("window3", "validator")
    live = AgentHarness("validator", settings=get_settings(), topology=topology, factory=_validator)
    shadow = AgentHarness(
        "validator",
        settings=get_settings(),
        topology=shadowed,
        factory=_validator,
        sections=[AssessmentSettings(reporting_window_days=3)],
    )
    inputs = [_extracted("CLM-LATE", reported="2024-03-27"), _extracted("CLM-SOON", reported="2024-03-18")]
    live_decisions = await _validate(live, inputs)
    shadow_decisions = await _validate(shadow, inputs)
    assert {s.topic for s in shadow.outbox.sent} == {"claim.validated.shadow.window3"}
    assert {s.topic for s in live.outbox.sent} == {"claim.validated"}

    # A claim of a region the shadow does not serve is dead-lettered in the shadow's own topic.
    us_only = AgentHarness(
        "validator",
        settings=get_settings().model_copy(update={"regions": ["US"]}),
        topology=shadowed,
        factory=_validator,
    )
    await us_only.deliver(_extracted("CLM-EU", reported="2024-03-18"))
    assert [s.topic for s in us_only.outbox.sent] == ["fields.extracted.dlq.shadow.window3"]

    pairing = pair_decisions(live_decisions, shadow_decisions)
    assert pairing.waiting == []
    diffs = {
        shadowed_one.claim_id: compare_decisions(
            decision_of(live_one, 0.9, "live"), decision_of(shadowed_one, 0.9, "shadow window3")
        )
        for live_one, shadowed_one in pairing.pairs
    }
    assert diffs["CLM-SOON"].changes == []
    late = diffs["CLM-LATE"]
    assert (late.before, late.after) == ("live", "shadow window3")
    assert [(c.what, c.before, c.after) for c in late.changes if c.what.startswith("rule")] == [
        ("rule reported_in_time", True, False)
    ]
    assert late.status == ("auto_approved", "needs_review")


@dataclass(frozen=True)
class _Decided:
    event_id: str
    claim_id: str
    note: str = ""


def test_pairing_matches_the_same_input_and_keeps_each_claims_latest():
    live = [_Decided("e1", "A"), _Decided("e2", "B"), _Decided("e3", "A", "reassessed")]
    shadow = [
        _Decided("e1", "A", "first"),
        _Decided("e3", "A", "latest"),
        _Decided("e4", "B", "an input the live side has not decided yet"),
        _Decided("e5", "C"),
    ]
    pairing = pair_decisions(live, shadow)
    assert pairing.pairs == [(live[2], shadow[1])], "A on its latest input; B's live e2 was other input"
    assert pairing.waiting == ["B", "C"]


def test_settings_overrides_take_short_or_full_names():
    assert setting_overrides(["reporting_window_days=7", "CLAIMFLOW_REVIEW_THRESHOLD=0.8", "X=a=b"]) == {
        "CLAIMFLOW_REPORTING_WINDOW_DAYS": "7",
        "CLAIMFLOW_REVIEW_THRESHOLD": "0.8",
        "CLAIMFLOW_X": "a=b",
    }
    with pytest.raises(ShadowRunError, match="KEY=VALUE"):
        setting_overrides(["no-equals"])


def test_a_recorded_run_is_listed_and_stop_ends_its_workers_but_keeps_its_record(tmp_path):
    # A stand-in worker: any process the run recorded; stop must end it by its pid.
    pid = spawn_detached("stand-in", [sys.executable, "-c", "import signal; signal.pause()"], tmp_path)
    run = ShadowRun(
        name="w7",
        agent="validator",
        agents=("validator",),
        settings={"CLAIMFLOW_REPORTING_WINDOW_DAYS": "7"},
        started_at=datetime.now(UTC).isoformat(),
        since=datetime.now(UTC).isoformat(),
        processes=(AgentProcess("validator", pid, str(tmp_path / "logs" / "stand-in.log")),),
    )
    (tmp_path / SHADOWS_FILE).write_text(json.dumps([run.to_json()]))
    assert shadow_run(tmp_path, "w7") == run and [p.pid for p in run.alive] == [pid]

    stopped = stop_shadow(tmp_path, "w7")
    assert stopped.alive == [] and stopped.stopped_at is not None
    assert shadow_run(tmp_path, "w7").settings == run.settings, "the record stays for `shadow diff`"
    with pytest.raises(ShadowRunError, match="no shadow run 'w8'"):
        stop_shadow(tmp_path, "w8")
