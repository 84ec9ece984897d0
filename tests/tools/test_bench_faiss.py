"""`claimflow bench faiss` on a tiny index: well-formed output only, never a speed assertion."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest
from typer.testing import CliRunner

import agents.tools.bench.runner as runner
from agents.tools.bench.cli import bench_app
from agents.tools.bench.faiss_qps import BATCHES, KINDS, recall_at_k, synthetic_vectors


def test_synthetic_vectors_are_unit_length_and_reproducible() -> None:
    first = synthetic_vectors(300, 16, seed=3, clusters=8, spread=0.5)
    assert first.dtype == np.float32 and first.shape == (300, 16)
    assert np.allclose(np.linalg.norm(first, axis=1), 1.0, atol=1e-5)
    assert np.array_equal(first, synthetic_vectors(300, 16, seed=3, clusters=8, spread=0.5))


def test_recall_counts_the_shared_neighbours() -> None:
    exact = np.array([[1, 2, 3, 4], [5, 6, 7, 8]])
    found = np.array([[4, 3, 9, -1], [5, 6, 7, 8]])
    assert recall_at_k(found, exact) == (2 + 4) / 8


def test_bench_faiss_command_writes_a_well_formed_result(tmp_path: Path) -> None:
    out, docs = tmp_path / "out", tmp_path / "docs"
    args = ["faiss", "--vectors", "2000", "--min-seconds", "0.02", "--threads", "1"]
    done = CliRunner().invoke(bench_app, [*args, "--out", str(out), "--docs", str(docs)])
    assert done.exit_code == 0, done.output

    result = json.loads((out / "result.json").read_text())
    assert result["params"]["vectors"] == 2000
    assert {"faiss", "cpu_count", "load_avg_start", "load_avg_end"} <= set(result["environment"])
    cpu = [c for c in result["cells"] if c["device"] == "cpu"]
    assert sorted((c["kind"], c["batch"]) for c in cpu) == sorted((k, b) for k in KINDS for b in BATCHES)
    assert all(c["qps"] > 0 and c["queries"] >= c["batch"] for c in cpu)
    built = {i["kind"]: i for i in result["indexes"] if i["device"] == "cpu"}
    assert set(built) == set(KINDS) and all(i["build_s"] >= 0 for i in built.values())
    assert all(0.0 <= i["recall_at_10"] <= 1.0 for i in built.values())
    gpu = [c for c in result["cells"] if c["device"] == "gpu"]
    assert all(c["qps"] or c["note"].startswith("n/a") for c in gpu)  # measured, or said why not
    for plot in (out / "qps.png", docs / "faiss_qps.png"):
        assert plot.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    assert "QPS b=64" in done.output


def test_bench_without_a_subcommand_still_runs_the_pipeline_bench(monkeypatch: pytest.MonkeyPatch) -> None:
    calls: list[tuple[object, ...]] = []
    monkeypatch.setattr(runner, "run_bench", lambda *args, **kwargs: calls.append(args))
    done = CliRunner().invoke(bench_app, ["--claims", "3", "--seed", "4"])
    assert done.exit_code == 0, done.output
    assert [c[:3] for c in calls] == [(3, None, 4)]
