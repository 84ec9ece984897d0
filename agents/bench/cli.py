"""`claimflow bench`: the typer command; registered by `agents.cli.register`."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, Any

import typer
from rich.console import Console

console = Console()


def bench(
    claims: Annotated[int, typer.Option(help="Measured claims (born-digital sample PDFs).")] = 200,
    rate: Annotated[
        float | None, typer.Option(help="Submit at this many claims per second; default: all at once.")
    ] = None,
    seed: Annotated[int, typer.Option(help="Sample corpus seed (same seed, same documents).")] = 6,
    out: Annotated[Path, typer.Option(help="Results folder: result.json and the plots.")] = Path(
        "results/bench"
    ),
    workers: Annotated[int, typer.Option(help="Worker processes per agent (Faust splits partitions).")] = 1,
    partitions: Annotated[
        int | None, typer.Option(help="Partitions of every pipeline topic; default: as in topology.yaml.")
    ] = None,
    matrix: Annotated[
        bool, typer.Option("--matrix", help="Run workers 1,2 x partitions 1,3,6, each on a fresh stack.")
    ] = False,
    warmup: Annotated[int, typer.Option(help="Claims processed first and not measured.")] = 6,
    limit_workers: Annotated[int, typer.Option(help="Processes of the in-process limit.")] = 2,
    interval: Annotated[float, typer.Option(help="Seconds between lag/CPU samples.")] = 0.5,
    timeout: Annotated[float, typer.Option(help="Seconds to wait for the warm-up and for the claims.")] = 600,
    state_dir: Annotated[
        Path, typer.Option(help="The bench's own stack folder (emptied by every run).")
    ] = Path(".claimflow-bench"),
    keep_stack: Annotated[
        bool, typer.Option("--keep-stack", help="Leave the bench stack and agents running afterwards.")
    ] = False,
) -> None:
    """Measure claims/hour, latency percentiles and per-agent cost, next to the in-process limit."""
    from agents.bench.output import matrix_table
    from agents.bench.runner import run_bench, run_matrix

    options: dict[str, Any] = {
        "warmup": warmup,
        "limit_workers": limit_workers,
        "interval_s": interval,
        "timeout_s": timeout,
        "state_dir": state_dir,
        "console": console,
    }
    if matrix:
        results = run_matrix(claims, rate, seed, out, **options)
        console.print(matrix_table(results))
        return
    run_bench(
        claims, rate, seed, out, replicas=workers, partitions=partitions, keep_stack=keep_stack, **options
    )
