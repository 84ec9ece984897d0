"""Run fuzz targets for a set time each, live progress, a summary table and the crashes found.

Each target runs in its own process under libFuzzer (`agents.tools.fuzz.main`). libFuzzer stops
at the first crash, so a crashed target is started again, on the corpus it has grown so far,
until its time is up: one crash never hides the next. Crashing inputs are kept with the
output that explains them in `<workdir>/<target>/artifacts/`.
"""

from __future__ import annotations

import json
import re
import subprocess
import sys
import threading
import time
from collections import deque
from collections.abc import Sequence
from dataclasses import asdict, dataclass, field
from pathlib import Path

from rich.console import Console
from rich.progress import BarColumn, Progress, TextColumn, TimeRemainingColumn
from rich.table import Table

from agents.tools.fuzz.targets import TARGETS, Target

_STATUS = re.compile(r"^#(?P<execs>\d+)\s+\w+\s+cov: (?P<cov>\d+) ft: (?P<ft>\d+) corp: (?P<corp>\d+)/")
_FINAL_EXECS = re.compile(r"^stat::number_of_executed_units:\s+(\d+)")
_PEAK_RSS = re.compile(r"^stat::peak_rss_mb:\s+(\d+)")
_ARTIFACT = re.compile(r"(?:Test unit written to|artifact_prefix.*; Test unit written to) (?P<path>\S+)")
_FINDING = re.compile(
    r"^(?:=== Uncaught Python exception|==\d+== ERROR: libFuzzer|ALARM: working on the last Unit)"
)
# A target process still running this long after its fuzzing time is stopped (libFuzzer stops itself
# at -max_total_time, counted from its own start; loading the processor target's agents takes a while).
_GRACE_S = 120.0


@dataclass
class FuzzRun:
    """What one target did: executions over all its restarts, coverage reached, crashes found."""

    target: str
    seconds: float = 0.0
    executions: int = 0
    coverage: int = 0
    features: int = 0
    corpus: int = 0
    seeds: int = 0
    restarts: int = 0
    peak_rss_mb: int = 0
    crashes: list[str] = field(default_factory=list)
    findings: list[str] = field(default_factory=list)

    @property
    def per_second(self) -> float:
        return self.executions / self.seconds if self.seconds else 0.0


@dataclass
class _Process:
    """One libFuzzer process's output, read on a thread as it comes."""

    run: FuzzRun
    base_executions: int
    tail: deque[str] = field(default_factory=lambda: deque(maxlen=80))
    finding: str = ""
    artifact: str = ""
    done_executions: int | None = None
    fuzzing: bool = False

    def read(self, stream: object) -> None:
        for line in stream:  # type: ignore[attr-defined]
            line = line.rstrip("\n")
            self.tail.append(line)
            if status := _STATUS.match(line):
                self.fuzzing = True
                run = self.run
                run.executions = self.base_executions + int(status["execs"])
                run.coverage, run.features = int(status["cov"]), int(status["ft"])
                run.corpus = int(status["corp"])
            elif final := _FINAL_EXECS.match(line):
                self.done_executions = int(final.group(1))
            elif rss := _PEAK_RSS.match(line):
                self.run.peak_rss_mb = max(self.run.peak_rss_mb, int(rss.group(1)))
            elif artifact := _ARTIFACT.search(line):
                self.artifact = artifact["path"]
                self.run.crashes.append(self.artifact)
            elif _FINDING.match(line) and not self.finding:
                self.finding = line


def run_fuzzers(
    names: Sequence[str],
    *,
    seconds: float,
    workdir: Path,
    timeout_s: int = 10,
    rss_limit_mb: int = 2048,
    console: Console | None = None,
) -> list[FuzzRun]:
    """Fuzz each named target for `seconds`, one after the other; the summary is printed and returned."""
    console = console or Console()
    targets = [TARGETS[name] for name in names]
    seeds = _seed_folders({t.seeds for t in targets}, workdir / "seeds", console)
    runs = [FuzzRun(t.name, seeds=len(list(seeds[t.seeds].iterdir()))) for t in targets]
    columns = (
        TextColumn("{task.description:<15}"),
        BarColumn(),
        TimeRemainingColumn(),
        TextColumn("{task.fields[executions]:>10,} execs"),
        TextColumn("cov {task.fields[coverage]:>5}  ft {task.fields[features]:>6}"),
        TextColumn("[red]{task.fields[crashes]} crash(es)"),
    )
    with Progress(*columns, console=console, refresh_per_second=4) as progress:
        tasks = [
            progress.add_task(t.name, total=seconds, executions=0, coverage=0, features=0, crashes=0)
            for t in targets
        ]
        for target, run, task in zip(targets, runs, tasks, strict=True):
            _fuzz(target, run, seeds[target.seeds], workdir / target.name, seconds, timeout_s, rss_limit_mb,
                  lambda r=run, k=task: progress.update(k, completed=r.seconds, executions=r.executions,
                                                        coverage=r.coverage, features=r.features,
                                                        crashes=len(r.crashes)))  # fmt: skip
    console.print(summary_table(runs), width=max(console.width, 100))
    for run in runs:
        for finding in run.findings:
            console.print(f"[red]{run.target}[/red]: {finding}")
    (workdir / "summary.json").write_text(json.dumps([asdict(r) for r in runs], indent=2))
    console.print(f"summary: {workdir / 'summary.json'}; crashing inputs under {workdir}/<target>/artifacts/")
    return runs


def summary_table(runs: Sequence[FuzzRun]) -> Table:
    """Target, time, executions, rate, coverage, features, corpus, crashes."""
    table = Table(title="Fuzzing summary")
    for column in ("target", "seconds", "executions", "exec/s", "coverage", "features", "corpus", "crashes"):
        table.add_column(column, justify="left" if column == "target" else "right")
    for run in runs:
        crashes = f"[red]{len(run.crashes)}[/red]" if run.crashes else "0"
        table.add_row(
            run.target, f"{run.seconds:.0f}", f"{run.executions:,}", f"{run.per_second:,.0f}",
            str(run.coverage), str(run.features), str(run.corpus), crashes,
        )  # fmt: skip
    return table


def _seed_folders(kinds: set[str], root: Path, console: Console) -> dict[str, Path]:
    from agents.tools.fuzz.seeds import write_seeds

    folders = {}
    for kind in sorted(kinds):
        folder = root / kind
        for old in folder.glob("*"):
            old.unlink()
        with console.status(f"building {kind} seeds from the sample generator"):
            write_seeds(kind, folder)
        folders[kind] = folder
    return folders


def _fuzz(
    target: Target,
    run: FuzzRun,
    seeds: Path,
    folder: Path,
    seconds: float,
    timeout_s: int,
    rss_limit_mb: int,
    report: object,
) -> None:
    corpus, artifacts = folder / "corpus", folder / "artifacts"
    corpus.mkdir(parents=True, exist_ok=True)
    artifacts.mkdir(parents=True, exist_ok=True)
    started = time.monotonic()
    while (left := seconds - (time.monotonic() - started)) >= 1:
        command = [
            sys.executable, "-m", "agents.tools.fuzz.main", target.name, str(corpus), str(seeds),
            f"-max_total_time={int(left)}", f"-timeout={timeout_s}", f"-rss_limit_mb={rss_limit_mb}",
            f"-max_len={target.max_len}", f"-artifact_prefix={artifacts}/", "-print_final_stats=1",
        ]  # fmt: skip
        process = subprocess.Popen(
            command, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True, errors="replace"
        )
        reader = _Process(run, run.executions)
        thread = threading.Thread(target=reader.read, args=(process.stdout,), daemon=True)
        thread.start()
        process_started, stopped = time.monotonic(), False
        while True:
            run.seconds = time.monotonic() - started
            report()  # type: ignore[operator]
            if time.monotonic() - process_started > left + _GRACE_S:
                process.kill()
                stopped = True
            try:
                process.wait(timeout=0.25)  # and refresh the display meanwhile
                break
            except subprocess.TimeoutExpired:
                continue
        thread.join(5)
        if reader.done_executions is not None:
            run.executions = reader.base_executions + reader.done_executions
        if stopped:
            break
        if process.returncode != 0:
            _keep_finding(run, reader, artifacts)
            if not reader.fuzzing:
                break  # it failed before its first input: starting it again would fail the same way
            run.restarts += 1
    run.seconds = time.monotonic() - started
    run.corpus = len(list(corpus.iterdir()))
    report()  # type: ignore[operator]


def _keep_finding(run: FuzzRun, reader: _Process, artifacts: Path) -> None:
    """Save what the crashed process printed beside its crashing input, and its one-line cause."""
    lines = list(reader.tail)
    cause = next(
        (line for line in reversed(lines) if re.match(r"^\w+(?:\.\w+)*(?:Error|Exception|Exit)\b", line)), ""
    )
    what = reader.finding or "the target process exited"
    name = Path(reader.artifact).name if reader.artifact else f"exit-{len(run.findings)}"
    (artifacts / f"{name}.log").write_text("\n".join(lines) + "\n")
    run.findings.append(f"{what.strip('= ')} {cause}".strip() + f" ({artifacts / name})")
