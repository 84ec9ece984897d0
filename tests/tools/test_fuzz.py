"""`claimflow fuzz`: every target holds its invariant on edge inputs, and the runner reads libFuzzer right.

The targets run here in-process, without libFuzzer (a real run: `make fuzz`, docs/fuzzing.md).
"""

from __future__ import annotations

import io
from collections.abc import Callable
from pathlib import Path

import pytest

from agents.tools.fuzz import TARGETS, FuzzRun
from agents.tools.fuzz.runner import _Process, summary_table
from agents.tools.fuzz.targets import Target, corpus_files, replay


@pytest.fixture(scope="module")
def checks() -> dict[str, object]:
    """Every target but `processor`, whose decode path tests/fuzz/test_codec_fuzz.py drives through
    every agent (loading every agent's handler takes longer than the rest of this module)."""
    return {name: target.load() for name, target in TARGETS.items() if name != "processor"}


@pytest.mark.parametrize(
    "data", [b"", b"\x00", b"\x03garbage \xff\xfe", b"%PDF-1.7\n" + b"\x00" * 64, b"\xff" * 300]
)
def test_every_target_takes_edge_inputs_without_a_finding(checks: dict[str, object], data: bytes) -> None:
    for check in checks.values():
        check(data)  # type: ignore[operator]


def test_replay_runs_saved_inputs_and_names_the_first_that_fails(tmp_path: Path) -> None:
    """How a crash artifact is checked after its fix: `replay` runs the target without libFuzzer."""

    def load() -> Callable[[bytes], None]:
        def check(data: bytes) -> None:
            if data.startswith(b"boom"):
                raise TypeError("Missing dimensions")

        return check

    target = Target("toy", "raises on boom", "text", 64, load)
    (tmp_path / "a-fine").write_bytes(b"fine")
    (tmp_path / "b-crash").write_bytes(b"boom!")
    assert replay(target, corpus_files(tmp_path)) == {
        "file": str(tmp_path / "b-crash"),
        "error": "TypeError: Missing dimensions",
    }
    assert replay(target, [tmp_path / "a-fine"]) == {}


def test_the_runner_reads_progress_final_stats_and_crashes_from_libfuzzer() -> None:
    run = FuzzRun("pdf")
    output = io.StringIO(
        "INFO: Seed: 1\n"
        "#2\tINITED cov: 75 ft: 119 corp: 19/40Kb exec/s: 0 rss: 90Mb\n"
        "#4096\tpulse  cov: 80 ft: 130 corp: 21/41Kb lim: 4096 exec/s: 80 rss: 95Mb\n"
        "=== Uncaught Python exception: ===\n"
        "TypeError: Missing dimensions\n"
        "==7== ERROR: libFuzzer: fuzz target exited\n"
        "MS: 2 ChangeBit-CopyPart-; base unit: 0\n"
        "artifact_prefix='w/pdf/artifacts/'; Test unit written to w/pdf/artifacts/crash-ab12\n"
        "stat::number_of_executed_units: 4200\n"
        "stat::peak_rss_mb:              97\n"
    )
    reader = _Process(run, base_executions=1000)
    reader.read(output)
    assert (run.coverage, run.features, run.corpus) == (80, 130, 21)
    assert run.executions == 1000 + 4096 and reader.done_executions == 4200
    assert run.crashes == ["w/pdf/artifacts/crash-ab12"] and run.peak_rss_mb == 97
    assert reader.finding == "=== Uncaught Python exception: ===" and reader.fuzzing


def test_the_summary_has_one_row_per_target() -> None:
    runs = [FuzzRun("pdf", seconds=10, executions=1000, coverage=5), FuzzRun("avro", crashes=["x"])]
    table = summary_table(runs)
    assert [c.header for c in table.columns][:3] == ["target", "seconds", "executions"]
    assert table.row_count == 2 and runs[0].per_second == 100
