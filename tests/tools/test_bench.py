"""The bench: its arithmetic without infrastructure, and one tiny real run (never a speed assertion)."""

from __future__ import annotations

import json
import os
from dataclasses import replace
from pathlib import Path

import pytest

from agents.events import ClaimIngested
from agents.tools.bench.metrics import (
    Hop,
    LogEvent,
    end_to_end_ms,
    first_per_claim,
    hops,
    percentiles,
    rate_series,
    split_service,
    stage_figures,
    throughput,
)
from agents.tools.bench.observe import Envelope
from agents.tools.bench.output import PLOTS
from agents.tools.bench.runner import BenchError, run_bench, write_topology_variant
from streams import agent_processes
from streams.codec import get_codec
from streams.events import Producer
from streams.settings import get_settings
from streams.topology import load_topology


def event(
    topic: str, claim: str, log_ms: int, *, event_id: str, cause: str | None = None, at: int = 0
) -> LogEvent:
    return LogEvent(topic, 0, 0, log_ms, at or log_ms, event_id, claim, cause)


# --------------------------------------------------------------------------- metrics (unit)


def test_split_service_on_an_idle_server_is_all_service() -> None:
    service, wait = split_service([(0, 10), (100, 130)])
    assert service == [10, 30]
    assert wait == [0, 0]


def test_split_service_queues_behind_the_previous_departure() -> None:
    # Both arrive at 0; the second can only start when the first leaves at 10.
    service, wait = split_service([(0, 10), (0, 25)])
    assert service == [10, 15]
    assert wait == [0, 10]


def test_a_batch_carries_its_busy_time_once() -> None:
    # Three events arrive together and leave together after 30 ms: 30 ms of busy time in total.
    service, wait = split_service([(0, 30), (0, 30), (0, 30)])
    assert sum(service) == 30
    assert sorted(wait) == [0, 30, 30]


def test_a_known_batch_start_moves_delivery_delay_from_service_to_wait() -> None:
    # Arrived at 0 on an idle agent, taken at 40 (fetch delay), done at 50: 10 ms of work.
    assert split_service([(0, 50)]) == ([50.0], [0.0])
    assert split_service([(0, 50, 40)]) == ([10.0], [40.0])


def test_stage_figures_amortise_service_and_split_servers() -> None:
    stage = [Hop("a", 0, 10, 11, "p0"), Hop("b", 0, 10, 12, "p1")]
    figures = stage_figures(stage, window_ms=20)
    assert figures.servers == 2
    assert figures.service_ms_mean == 10
    assert figures.wait_ms_mean == 0
    assert figures.emit_ms_mean == 1.5
    assert figures.utilisation == pytest.approx(0.5)


def test_hops_join_on_causation_and_ignore_duplicates_and_other_claims() -> None:
    inputs = [event("in", "c1", 100, event_id="e1"), event("in", "x", 100, event_id="e2")]
    outputs = [
        event("out", "c1", 160, event_id="o1", cause="e1", at=150),
        event("out", "c1", 300, event_id="o1", cause="e1", at=290),  # a redelivery's duplicate
        event("out", "x", 170, event_id="o2", cause="e2"),
    ]
    joined = hops(inputs, outputs, {"c1"})
    assert joined == [Hop("c1", 100, 150, 160, "all")]


def test_an_output_that_names_its_worker_is_attributed_to_it() -> None:
    inputs = [event("in", "c1", 100, event_id="e1")]
    named = LogEvent("out", 0, 0, 160, 150, "o1", "c1", "e1", worker="host:42")
    assert hops(inputs, [named], {"c1"}, {("in", 0): ("in", 0)})[0].server == "host:42"
    assert hops(inputs, [replace(named, worker=None)], {"c1"}, {("in", 0): ("in", 0)})[0].server == ("in", 0)


def test_end_to_end_throughput_and_latency_use_the_first_event_per_claim() -> None:
    ingested = first_per_claim(
        [event("i", "a", 1000, event_id="1"), event("i", "b", 1000, event_id="2")], {"a", "b"}
    )
    reported = first_per_claim(
        [
            event("r", "a", 1400, event_id="3"),
            event("r", "a", 1200, event_id="4"),
            event("r", "b", 3000, event_id="5"),
        ],
        {"a", "b"},
    )
    assert end_to_end_ms(ingested, reported) == {"a": 200, "b": 2000}
    figures = throughput(ingested, reported)
    assert figures["window_s"] == 2.0
    assert figures["claims_per_hour"] == 3600.0


def test_percentiles_and_rates_are_well_formed_even_when_empty() -> None:
    assert percentiles([]) == {"p50": 0.0, "p95": 0.0, "p99": 0.0, "mean": 0.0, "max": 0.0}
    assert percentiles([10, 20, 30])["p50"] == 20
    assert rate_series([1000, 1100, 2600], origin_ms=1000, bin_s=1.0) == [(0.0, 2.0), (1.0, 1.0)]
    assert rate_series([], origin_ms=0, bin_s=1.0) == []


def test_topology_variant_changes_only_partitions(tmp_path: Path) -> None:
    base = get_settings().topology_file
    variant = load_topology(write_topology_variant(base, 1, tmp_path))
    original = load_topology(base)
    assert {t.name for t in variant.topics.values()} == {t.name for t in original.topics.values()}
    assert all(t.partitions == 1 for t in variant.pipeline_topics)
    assert variant.agents == original.agents
    assert write_topology_variant(base, None, tmp_path) == base
    # A matrix writes several variants into one folder; each must load as itself, not as a cached other.
    three = load_topology(write_topology_variant(base, 3, tmp_path))
    assert all(t.partitions == 3 for t in three.pipeline_topics)


@pytest.mark.parametrize("shares", [{"scanned_share": 1.5}, {"multi_document_share": -0.1}])
def test_the_bench_refuses_impossible_shares_before_starting_anything(
    tmp_path: Path, shares: dict[str, float]
) -> None:
    with pytest.raises(BenchError, match="shares must be between 0 and 1"):
        run_bench(5, None, 6, tmp_path / "out", state_dir=tmp_path / "state", **shares)
    assert not (tmp_path / "state").exists()


def test_the_bench_refuses_to_empty_a_folder_it_did_not_create(tmp_path: Path) -> None:
    (tmp_path / "precious.txt").write_text("keep me")
    with pytest.raises(BenchError, match="not a state folder of `claimflow bench`"):
        run_bench(5, None, 6, tmp_path / "out", state_dir=tmp_path)
    assert (tmp_path / "precious.txt").exists()


def test_the_envelope_reader_needs_no_payload_schema() -> None:
    settings = get_settings()
    claim = ClaimIngested.new(
        claim_id="C-1", region="EU", by=Producer("t", "1"), documents=[], submitted_by="t"
    )
    data = get_codec(settings.schemas_dir, "claim_ingested").encode(claim.to_record())
    envelope = Envelope(settings.schemas_dir)
    record = envelope.decode(data)
    assert record is not None
    assert (record["event_id"], record["claim_id"], record["causation_id"]) == (claim.event_id, "C-1", None)
    assert envelope.decode(b"\xff\xfe not avro") is None


# --------------------------------------------------------------------------- replicas (unit)


def test_replicas_start_one_process_each_with_its_own_log(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    spawned: list[str] = []

    def fake_spawn(name: str, argv: list[str], state_dir: Path, env: dict[str, str] | None = None) -> int:
        spawned.append(name)
        return os.getpid()  # alive, so the registry treats it as running

    monkeypatch.setattr(agent_processes, "spawn_detached", fake_spawn)
    topology = load_topology(get_settings().topology_file)
    started = agent_processes.start_agents(
        tmp_path, topology, ["retriever", "reporter"], replicas={"retriever": 2}
    )
    assert sorted(spawned) == ["agent-reporter", "agent-retriever", "agent-retriever-1"]
    assert sorted((p.name, p.replica) for p in started) == [
        ("reporter", 0),
        ("retriever", 0),
        ("retriever", 1),
    ]
    again = agent_processes.start_agents(tmp_path, topology, ["retriever"], replicas=2)
    assert len(spawned) == 3 and len(again) == 3  # idempotent: nothing new started


def test_a_registry_written_before_replicas_still_loads(tmp_path: Path) -> None:
    (tmp_path / agent_processes.AGENTS_FILE).write_text(
        json.dumps([{"name": "retriever", "pid": 1, "log_file": "agent-retriever.log"}])
    )
    assert agent_processes.running(tmp_path)[0].replica == 0


# --------------------------------------------------------------------------- smoke (integration)

SMOKE_CLAIMS = 10


@pytest.mark.integration
@pytest.mark.bench_smoke
@pytest.mark.timeout(240)
def test_bench_smoke_run_writes_a_well_formed_result(tmp_path: Path) -> None:
    out = tmp_path / "results"
    result = run_bench(
        SMOKE_CLAIMS,
        None,
        6,
        out,
        scanned_share=0.2,  # OCR in the pipeline and in the limit
        multi_document_share=0.2,
        warmup=3,
        limit_workers=1,
        state_dir=tmp_path / "state",
        timeout_s=150,
    )

    data = json.loads((out / "result.json").read_text())
    print("bench smoke phases (s):", data["phases_s"])  # where a slow smoke run spent its time
    for key in ("config", "versions", "environment", "counts", "throughput", "latency_ms", "agents", "limit"):
        assert key in data
    assert data["counts"]["reported"] == SMOKE_CLAIMS
    assert data["counts"]["ingested"] == SMOKE_CLAIMS
    assert data["counts"]["messages"]["report.ready"] == SMOKE_CLAIMS
    assert len(data["series"]["latencies_ms"]) == SMOKE_CLAIMS
    assert data["limit"]["claims"] == SMOKE_CLAIMS
    assert (data["config"]["scanned_share"], data["config"]["multi_document_share"]) == (0.2, 0.2)
    assert set(data["agents"]) == {"retriever", "faiss_worker", "extractor", "validator", "reporter"}
    assert all(figures["events"] == SMOKE_CLAIMS for figures in data["agents"].values())
    assert {"p50", "p95", "p99"} <= data["latency_ms"].keys()
    assert data["series"]["lag"] and data["series"]["resources"]
    assert result.claims_per_hour > 0 and data["ratio_to_limit"] > 0
    for name in PLOTS:
        assert (out / name).stat().st_size > 0
    assert not (tmp_path / "state" / "stack.json").exists()  # the bench stopped its own stack
