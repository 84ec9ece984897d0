"""`claimflow fuzz`: every target holds its invariant on edge inputs, and the runner reads libFuzzer right.

The targets run here in-process, without libFuzzer (a real run: `make fuzz`, docs/fuzzing.md).
"""

from __future__ import annotations

import io

import pytest

from agents.tools.fuzz import TARGETS, FuzzRun
from agents.tools.fuzz.runner import _Process, summary_table
from agents.tools.fuzz.targets import pack_avro


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


def test_a_finding_is_raised_not_swallowed(checks: dict[str, object]) -> None:
    """The avro target lets anything but DecodeError through: an int too wide for its field was one."""
    wide_int = b"\x80\x80\x80\x80\x80\x80\x01"  # a 7-byte varint: 2**42 where the schema says int
    checks["avro"](pack_avro(0, wide_int))  # type: ignore[operator]  # refused as DecodeError now


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
