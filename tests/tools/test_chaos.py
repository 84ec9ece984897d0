"""The chaos run's schedule and invariants, without infrastructure: each check passes a clean run and
names what breaks it."""

from __future__ import annotations

import itertools
import json
import subprocess
import sys
import uuid
from pathlib import Path

import pytest

from agents.events import ClaimIngested
from agents.tools import samples
from agents.tools.chaos import checks
from agents.tools.chaos.faults import Applied, Injector
from agents.tools.chaos.load import UNKNOWN_REGION, Input, build_inputs
from agents.tools.chaos.observe import DeadSeen, LogContents, Seen
from agents.tools.chaos.runner import ChaosConfig, ChaosError, run_chaos
from agents.tools.chaos.schedule import (
    AGENT_KILL,
    BROKER_KILL,
    KINDS,
    REBALANCE,
    S3_KILL,
    SERVICE_STOP,
    Fault,
    Plan,
    build_schedule,
    counts_by_kind,
)
from streams import Settings, devstack, get_codec
from streams.settings import reload_settings
from streams.topology import load_topology
from tests.fixtures.paths import TOPOLOGY
from tests.fixtures.s3 import KEY_ID, REGION, SECRET, S3Server, s3_server
from tests.fixtures.waiting import NotYet, eventually

__all__ = ["s3_server"]  # the imported fixture is used by name

AGENTS = ["retriever", "extractor", "reporter"]
TOPO = load_topology(TOPOLOGY)
INGEST, VALIDATED, READY = "claim.ingested", "claim.validated", "report.ready"


def seen(topic: str, claim: str, event_id: str, log_ms: int, cause: str | None = None, **kw: object) -> Seen:
    fields = {"partition": 0, "offset": log_ms, "region": "EU", "producer": "reporter"} | kw
    return Seen(
        topic=topic,
        log_ms=log_ms,
        event_ms=log_ms,
        event_id=event_id,
        claim_id=claim,
        causation_id=cause,
        **fields,  # type: ignore[arg-type]  # the remaining fields, overridable per test
    )


def clean_log(claims: list[str]) -> LogContents:
    """Each claim ingested, validated and reported once, in causal order."""
    events: dict[str, list[Seen]] = {INGEST: [], VALIDATED: [], READY: []}
    for i, c in enumerate(claims):
        events[INGEST].append(seen(INGEST, c, f"i-{c}", 10 * i, producer="claimflow-submit"))
        events[VALIDATED].append(seen(VALIDATED, c, f"v-{c}", 10 * i + 1, f"i-{c}", producer="validator"))
        events[READY].append(seen(READY, c, f"r-{c}", 10 * i + 2, f"v-{c}"))
    return LogContents(events, [], {})


def inputs(claims: list[str], poison: dict[str, bytes] | None = None) -> list[Input]:
    found = [Input(i, c.encode(), c.encode(), "claim", c) for i, c in enumerate(claims)]
    for j, (c, value) in enumerate((poison or {}).items()):
        found.append(Input(len(claims) + j, c.encode(), value, "garbage", c))
    return found


# --------------------------------------------------------------------------- schedule


def test_the_same_seed_gives_the_same_schedule_and_every_fault_of_the_plan() -> None:
    plan = Plan(
        agent_kills=2, agent_terms=1, rebalances=1, services=("postgres", "s3"), broker_kills=1, s3_kills=1
    )
    first = build_schedule(plan, AGENTS, seed=5)
    assert first == build_schedule(plan, AGENTS, seed=5)
    assert first != build_schedule(plan, AGENTS, seed=6)
    assert counts_by_kind(first) == dict(zip(KINDS, (2, 1, 1, 2, 1, 1), strict=True))
    assert {f.target for f in first if f.kind == SERVICE_STOP} == {"postgres", "s3"}
    assert all(f.target in AGENTS for f in first if f.kind in (AGENT_KILL, REBALANCE))


def test_faults_never_overlap_and_outages_last_as_long_as_asked() -> None:
    plan = Plan(outage_s=30, broker_down_s=4)
    faults = build_schedule(plan, AGENTS, seed=1)
    for before, after in itertools.pairwise(faults):
        assert after.at_s >= before.at_s + before.hold_s
    assert {f.hold_s for f in faults if f.kind == SERVICE_STOP} == {30}
    assert {f.hold_s for f in faults if f.kind == BROKER_KILL} == {4}


def test_the_s3_server_is_paused_by_default_and_killed_only_when_asked() -> None:
    """A real S3 outage keeps what S3 acknowledged: the default fault pauses the server; a kill -9
    (which tests moto's recording and replay, not ClaimFlow) is opt-in."""
    default = build_schedule(Plan(), AGENTS, seed=1)
    assert not [f for f in default if f.kind == S3_KILL]
    (s3_outage,) = [f for f in default if f.kind == SERVICE_STOP and f.target == "s3"]
    assert "SIGSTOP" in s3_outage.describe()
    (kill,) = [f for f in build_schedule(Plan(s3_kills=1, outage_s=20), AGENTS, seed=1) if f.kind == S3_KILL]
    assert kill.target == "s3" and kill.hold_s == 20 and "kill -9" in kill.describe()


def test_a_paused_s3_server_is_stopped_while_held_and_running_after(tmp_path: Path) -> None:
    # A process that waits on its stdin until it is killed: something to stop and resume.
    server = subprocess.Popen([sys.executable, "-c", "import sys; sys.stdin.read()"], stdin=subprocess.PIPE)
    try:
        stack = devstack.StackInfo(tmp_path, "", "", "", "", "", pids={"s3": server.pid})
        devstack._save(stack)
        states: list[str] = []

        def hold(seconds: float) -> bool:  # signals arrive asynchronously: wait for the stop
            eventually(lambda: _in_state(server.pid, "T"), timeout_s=10, interval_s=0.02)
            states.append("stopped while held")
            return True

        applied = Injector(tmp_path, TOPO, {}).apply(Fault(0, SERVICE_STOP, "s3", 30), hold)
        assert applied.error is None and states == ["stopped while held"]
        eventually(lambda: _in_state(server.pid, "RS"), timeout_s=10, interval_s=0.02)
        assert server.poll() is None
    finally:
        server.kill()
        server.wait()


def _in_state(pid: int, letters: str) -> None:
    """Raise NotYet unless the process state letter in /proc is one of `letters` (T: stopped)."""
    state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    if state not in letters:
        raise NotYet(f"pid {pid} in state {state}, not {letters}")


def test_a_service_that_cannot_be_stopped_is_refused() -> None:
    with pytest.raises(ValueError, match="kafka"):
        Plan(services=("kafka",))


def test_a_broker_kill_on_memory_storage_or_an_unknown_storage_is_refused_before_any_stack(
    tmp_path: Path,
) -> None:
    state = tmp_path / "state"
    on_memory = ChaosConfig(claims=10, broker_storage="memory", plan=Plan(broker_kills=1))
    with pytest.raises(ChaosError, match="--broker-kills 0"):
        run_chaos(on_memory, tmp_path / "out", state_dir=state)
    with pytest.raises(ChaosError, match="'disk' is not one of"):
        run_chaos(ChaosConfig(claims=10, broker_storage="disk"), tmp_path / "out", state_dir=state)
    assert not state.exists()  # refused before a state folder or a process was made


# --------------------------------------------------------------------------- invariants


def test_a_clean_run_holds_every_invariant() -> None:
    claims = ["C-0", "C-1"]
    log = clean_log(claims)
    log.dead.append(DeadSeen("claim.ingested.dlq", 0, "retriever", "DecodeError", b"P-0", b"\x01junk"))
    ins = inputs(claims, {"P-0": b"\x01junk"})
    reports = {c: checks.StoredRevision(1, (f"r-{c}",)) for c in claims}
    announced = {c: {f"r-{c}"} for c in claims}
    reported, lost = checks.reports_invariant(ins, reports, announced)
    assert reported.ok and lost == []
    assert checks.revisions_invariant(reports, log, READY, [VALIDATED], "claim.reviewed").ok
    assert checks.order_invariant(log, TOPO) == (checks.order_invariant(log, TOPO)[0], 0)
    assert checks.order_invariant(log, TOPO)[0].ok
    assert checks.dead_letter_invariant(ins, log.dead)[0].ok
    served = {"validator": frozenset({"EU"}), "reporter": frozenset({"EU"})}
    assert checks.region_invariant(log, served, ins, INGEST).ok
    assert checks.lag_invariant({"reporter": 0}, None).ok


def test_a_lost_claim_and_an_unannounced_report_are_named() -> None:
    claims = ["C-0", "C-1", "C-2"]
    reports = {"C-0": checks.StoredRevision(1, ("r",)), "C-1": checks.StoredRevision(1, ("r",))}
    inv, lost = checks.reports_invariant(inputs(claims), reports, {"C-0": {"r"}})
    assert not inv.ok and lost == ["C-2"]
    assert any("C-1" in o and "0 announced" in o for o in inv.offenders)


def test_an_unreported_claim_is_lost_only_where_its_stage_committed_past_it() -> None:
    """Finding 9: runs whose consumers starved counted claims still waiting in a partition as lost.
    A claim without a report is placed at its last event that caused nothing: lost when the agent
    of that stage committed past it, in flight when it had not."""
    log = clean_log(["C-0"])
    retrieved = "clauses.retrieved"
    log.events[INGEST] += [
        seen(INGEST, "C-1", "i-C-1", 3, partition=4, offset=3),
        seen(INGEST, "C-2", "i-C-2", 4, partition=1, offset=7),
    ]
    log.events[retrieved] = [seen(retrieved, "C-2", "c-C-2", 9, "i-C-2", partition=1, offset=63)]
    committed = {("retriever", INGEST, 4): 90, ("retriever", INGEST, 1): 90, ("extractor", retrieved, 1): 63}
    placed = checks.where_unreported(["C-1", "C-2", "C-9"], log, committed, TOPO)
    assert [(u.claim_id, u.agent, u.committed_past) for u in placed] == [
        ("C-1", "retriever", True),  # ingested, nothing emitted, the retriever committed to 90
        ("C-2", "extractor", False),  # retrieved at 63, the extractor's next offset is 63
    ]
    assert "retriever committed past claim.ingested[4]@3" in placed[0].describe()
    inv, lost = checks.reports_invariant(
        inputs(["C-0", "C-1", "C-2"]), {"C-0": checks.StoredRevision(1, ("r",))}, {"C-0": {"r"}}, placed
    )
    assert not inv.ok and lost == ["C-1", "C-2"]
    assert "1 committed past with no output, 1 still in flight" in inv.detail
    assert inv.offenders[0].startswith("C-1 lost") and inv.offenders[1].startswith("C-2 in flight")


def test_a_second_revision_without_a_decision_has_no_cause() -> None:
    log = clean_log(["C-0"])
    reports = {"C-0": checks.StoredRevision(2, ("r-C-0", "r2"))}
    inv = checks.revisions_invariant(reports, log, READY, [VALIDATED], "claim.reviewed")
    assert not inv.ok and "revision 2" in inv.offenders[0]


def test_a_claim_split_over_partitions_or_an_event_before_its_cause_is_reordered() -> None:
    log = clean_log(["C-0", "C-1"])
    log.events[READY].append(seen(READY, "C-0", "r-C-0", 999, "v-C-0", partition=2))
    log.events[VALIDATED][1] = seen(VALIDATED, "C-1", "v-C-1", 5, "i-C-1")  # C-1 ingested at 10
    inv, reordered = checks.order_invariant(log, TOPO)
    assert not inv.ok and reordered == 2


def test_copies_count_redeliveries_and_are_not_a_failure() -> None:
    log = clean_log(["C-0"])
    log.events[READY].append(seen(READY, "C-0", "r-C-0", 50, "v-C-0"))
    assert checks.copies(log) == {INGEST: 0, VALIDATED: 0, READY: 1}
    assert checks.order_invariant(log, TOPO)[0].ok


def test_dead_letters_must_be_exactly_the_poison() -> None:
    ins = inputs(["C-0"], {"P-0": b"\x01a", "P-1": b"\x01b"})
    dead = [
        DeadSeen("claim.ingested.dlq", 0, "retriever", "DecodeError", b"P-0", b"\x01a"),
        DeadSeen("claim.ingested.dlq", 1, "retriever", "DecodeError", b"P-0", b"\x01a"),
        DeadSeen("fields.extracted.dlq", 0, "validator", "ValueError", b"C-0", b"C-0"),
    ]
    inv, figures = checks.dead_letter_invariant(ins, dead)
    assert not inv.ok
    assert figures == {"poison": 2, "dead_letters": 3, "distinct": 2, "copies": 1}
    assert any("P-1" in o for o in inv.offenders) and any("validator" in o for o in inv.offenders)


def test_an_event_outside_its_deployments_regions_or_a_poison_claim_processed_on_is_named() -> None:
    log = clean_log(["C-0"])
    log.events[VALIDATED].append(seen(VALIDATED, "C-9", "v-C-9", 3, producer="validator", region="US"))
    log.events[VALIDATED].append(seen(VALIDATED, "P-0", "v-P-0", 4, producer="validator"))
    served = {"validator": frozenset({"EU"}), "reporter": frozenset({"EU"})}
    inv = checks.region_invariant(log, served, inputs(["C-0"], {"P-0": b"\x01"}), INGEST)
    assert not inv.ok and len(inv.offenders) == 2
    # The audit chain's head belongs to no claim and no region: it is no residency offence.
    heads = clean_log(["C-0"])
    heads.events["audit.heads"] = [seen("audit.heads", "", "h-1", 5, producer="auditor", region="")]
    assert checks.region_invariant(heads, {"auditor": frozenset({"EU"})}, inputs(["C-0"], {}), INGEST).ok


def test_lag_left_or_not_measured_fails() -> None:
    assert not checks.lag_invariant({"reporter": 3, "auditor": 0}, None).ok
    assert not checks.lag_invariant(None, "broker away").ok


def test_recovery_is_heal_to_next_report_and_stall_the_longest_gap() -> None:
    fault = Applied(Fault(0, SERVICE_STOP, "postgres", 30), injected_ms=10_000, healed_ms=40_000, detail="")
    per_fault = checks.recovery([fault], [5_000, 9_000, 45_000, 46_000], end_ms=60_000)
    assert per_fault == [{"kind": SERVICE_STOP, "target": "postgres", "recovery_s": 5.0, "stall_s": 36.0}]
    never = checks.recovery([fault], [5_000], end_ms=60_000)
    assert never[0]["recovery_s"] is None and never[0]["stall_s"] == 55.0
    assert checks.recovery_by_kind(never)[SERVICE_STOP]["recovery_s_max"] is None


def test_rss_growth_follows_the_longest_lived_process_of_each_label() -> None:
    samples = [
        {"t_ms": 0, "reporter": [1, 100.0]},
        {"t_ms": 1, "reporter": [1, 120.0]},
        {"t_ms": 2, "reporter": [1, 130.0]},
        {"t_ms": 3, "reporter": [2, 90.0]},
        {"t_ms": 4, "reporter": [1, 131.5]},
    ]
    assert checks.rss_growth(samples)["reporter"] == {
        "processes": 2,
        "samples": 4,
        "first_mb": 100.0,
        "last_mb": 131.5,
        "peak_mb": 131.5,
        "growth_mb": 31.5,
        "second_half_growth_mb": 1.5,  # from its third sample (130) on: start-up is over
    }


# --------------------------------------------------------------------------- load


def test_an_unknown_region_claim_is_built_with_its_documents_in_a_declared_regions_bucket(
    tmp_path: Path, s3_server: S3Server, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Found by `make chaos-smoke`: with documents on S3, one bucket per declared region, building
    the unknown-region poison claim failed (no bucket for it) before anything was submitted."""
    template = f"chaos-{uuid.uuid4().hex[:6]}-{{region}}"
    s3_server.make_buckets(*(template.format(region=r.lower()) for r in TOPO.regions))
    for name, value in (
        ("CLAIMFLOW_S3_ENDPOINT_URL", s3_server.endpoint_url),
        ("CLAIMFLOW_S3_ACCESS_KEY_ID", KEY_ID),
        ("CLAIMFLOW_S3_SECRET_ACCESS_KEY", SECRET),
        ("CLAIMFLOW_S3_REGION", REGION),
    ):
        monkeypatch.setenv(name, value)
    # The S3 section is read once per process (`S3Settings.current()`): another test in this worker
    # may have read it without these keys, and obstore then asks the EC2 metadata service.
    reload_settings()
    settings = Settings(object_store_url=f"s3://{template}/", state_dir=tmp_path)
    corpus = samples.generate(tmp_path / "sample", claims=2, seed=1, scanned_share=0)
    rows = [json.loads(line) for line in corpus.ground_truth_file.read_text().splitlines()]

    try:
        built = build_inputs(
            settings, TOPO, corpus, rows, claims=2, tag="T", garbage=1, unknown_region=1, seed=1
        )
    finally:
        monkeypatch.undo()
        reload_settings()

    codec = get_codec(settings.schemas_dir, TOPO.topic_for_schema(ClaimIngested.avro_schema).schema_name)
    (foreign,) = [i for i in built if i.kind == "unknown-region"]
    record = codec.decode(foreign.value)
    assert record["region"] == UNKNOWN_REGION and UNKNOWN_REGION not in TOPO.regions
    assert record["documents"] and all(f"/{foreign.claim_id}/" in d["uri"] for d in record["documents"])
    assert [i.kind for i in built].count("claim") == 2
