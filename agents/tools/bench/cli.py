"""`claimflow bench` (the pipeline) and `claimflow bench faiss`; registered by `agents.tools.cli.register`."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, Any

import typer
from rich.console import Console

console = Console()
bench_app = typer.Typer(help="Measure the pipeline (no subcommand) or one component.")


@bench_app.callback(invoke_without_command=True)
def bench(
    ctx: typer.Context,
    claims: Annotated[
        int, typer.Option(help="Measured claims (sample documents, born-digital by default).")
    ] = 200,
    rate: Annotated[
        float | None, typer.Option(help="Submit at this many claims per second; default: all at once.")
    ] = None,
    seed: Annotated[int, typer.Option(help="Sample corpus seed (same seed, same documents).")] = 6,
    scanned_share: Annotated[
        float, typer.Option(help="Share of scanned, image-only PDF claims (OCR); the rest born-digital.")
    ] = 0.0,
    multi_document_share: Annotated[
        float, typer.Option(help="Share of claims filed with a repair estimate or police report too.")
    ] = 0.0,
    out: Annotated[Path, typer.Option(help="Results folder: result.json and the plots.")] = Path(
        "results/bench"
    ),
    workers: Annotated[int, typer.Option(help="Worker processes per agent (Faust splits partitions).")] = 1,
    partitions: Annotated[
        int | None, typer.Option(help="Partitions of every pipeline topic; default: as in topology.yaml.")
    ] = None,
    half_peak: Annotated[
        bool,
        typer.Option(
            "--half-peak",
            help="Then run again at half the measured throughput: the latency a steady load sees.",
        ),
    ] = False,
    paced_seconds: Annotated[
        float,
        typer.Option(help="With --half-peak: the paced run submits claims for at least this long."),
    ] = 60.0,
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
    if ctx.invoked_subcommand is not None:
        return
    from agents.tools.bench.output import matrix_table
    from agents.tools.bench.runner import run_bench, run_matrix

    options: dict[str, Any] = {
        "scanned_share": scanned_share,
        "multi_document_share": multi_document_share,
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
    if half_peak:
        from agents.tools.bench.runner import run_peak_then_half

        run_peak_then_half(
            claims,
            seed,
            out,
            paced_seconds=paced_seconds,
            replicas=workers,
            partitions=partitions,
            **options,
        )
        return
    run_bench(
        claims, rate, seed, out, replicas=workers, partitions=partitions, keep_stack=keep_stack, **options
    )


@bench_app.command("faiss")
def bench_faiss(
    vectors: Annotated[int, typer.Option(help="Synthetic vectors in the index.")] = 1_000_000,
    seed: Annotated[int, typer.Option(help="Seed of vectors and queries (same seed, same data).")] = 7,
    min_seconds: Annotated[float, typer.Option(help="Seconds measured per index and batch size.")] = 2.0,
    nlist: Annotated[int, typer.Option(help="IVF lists.")] = 1_024,
    nprobe: Annotated[int, typer.Option(help="IVF lists searched per query.")] = 16,
    hnsw_m: Annotated[int, typer.Option(help="HNSW neighbours per node.")] = 16,
    ef_construction: Annotated[int, typer.Option(help="HNSW candidates kept while building.")] = 40,
    ef_search: Annotated[int, typer.Option(help="HNSW candidates kept per search.")] = 64,
    threads: Annotated[
        int, typer.Option(help="FAISS (OpenMP) threads; 0 = FAISS's default, one per core.")
    ] = 0,
    out: Annotated[Path, typer.Option(help="Results folder: result.json and qps.png.")] = Path(
        "results/bench-faiss"
    ),
    docs: Annotated[
        Path | None, typer.Option(help="Also copy the plot here as faiss_qps.png (the README's figure).")
    ] = Path("docs/bench"),
) -> None:
    """FAISS queries/s of flat, IVF, HNSW at batch 1/64/256 (CPU, GPU if any), recall@10, build time."""
    from agents.tools.bench.faiss_qps import BenchParams, run_faiss_bench

    params = BenchParams(
        vectors=vectors,
        seed=seed,
        min_seconds=min_seconds,
        nlist=nlist,
        nprobe=nprobe,
        hnsw_m=hnsw_m,
        hnsw_ef_construction=ef_construction,
        hnsw_ef_search=ef_search,
        threads=threads,
    )
    run_faiss_bench(params, out, console=console, docs_copy=docs)


@bench_app.command("policies")
def bench_policies(
    policies: Annotated[int, typer.Option(help="Policies in the region's book.")] = 1_000_000,
    claims: Annotated[int, typer.Option(help="Claim texts looked up (2-20 KB each).")] = 200,
    region: Annotated[str, typer.Option(help="The region the book is loaded into.")] = "EU",
    seed: Annotated[int, typer.Option(help="Seed of the book and the claims.")] = 1,
    dsn: Annotated[
        str | None,
        typer.Option(help="A PostgreSQL server the bench may create a database on; default: the stack's."),
    ] = None,
    out: Annotated[Path, typer.Option(help="Results file (JSON).")] = Path("results/bench-policies.json"),
) -> None:
    """How fast the book's number index resolves a claim's policy: load time, size, find p50/p95/p99."""
    import json

    from agents.tools.bench.policy_index import measure, print_table
    from streams import get_settings

    figures = measure(
        dsn or get_settings().postgres_dsn.get_secret_value(),
        policies=policies,
        region=region,
        claims=claims,
        seed=seed,
    )
    print_table(console, figures)
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(json.dumps(figures, indent=2) + "\n")
    console.print(f"result: {out}")


@bench_app.command("review-queue")
def bench_review_queue(
    items: Annotated[int, typer.Option(help="Pending claims in the queue.")] = 100_000,
    requests: Annotated[int, typer.Option(help="Timed requests per view (after 5 warm-up requests).")] = 40,
    seed: Annotated[int, typer.Option(help="Seed of the synthetic queue.")] = 1,
    dsn: Annotated[
        str | None,
        typer.Option(help="A PostgreSQL server the bench may create a database on; default: the stack's."),
    ] = None,
    out: Annotated[Path, typer.Option(help="Results file (JSON).")] = Path("results/bench-review-queue.json"),
) -> None:
    """How fast the reviewers' queue page answers over HTTP with a large queue: p50/p95/max per view."""
    from agents.tools.bench.review_queue import dumps, measure, print_table
    from streams import get_settings

    settings = get_settings()
    figures = measure(
        settings,
        dsn=dsn or settings.postgres_dsn.get_secret_value(),
        items=items,
        requests=requests,
        seed=seed,
    )
    print_table(console, figures)
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(dumps(figures))
    console.print(f"result: {out}")


@bench_app.command("intake")
def bench_intake(
    clients: Annotated[
        int, typer.Option(help="Concurrent clients, each with its own token and TLS session.")
    ] = 200,
    claims_per_client: Annotated[
        int, typer.Option(help="Claims each client submits, one after the other.")
    ] = 10,
    repeat_share: Annotated[
        float, typer.Option(help="Share of claims sent again with their Idempotency-Key after the answer.")
    ] = 0.1,
    concurrent_repeat_share: Annotated[
        float, typer.Option(help="Share of claims sent twice at once with one Idempotency-Key.")
    ] = 0.05,
    region: Annotated[str, typer.Option(help="The claims' region.")] = "EU",
    seed: Annotated[int, typer.Option(help="Seed of the document and of which claims are repeated.")] = 15,
    out: Annotated[Path, typer.Option(help="Results folder: result.json and intake.png.")] = Path(
        "results/bench-intake"
    ),
    state_dir: Annotated[
        Path, typer.Option(help="The run's own stack folder (emptied by every run).")
    ] = Path(".claimflow-bench-intake"),
    keep_stack: Annotated[
        bool, typer.Option("--keep-stack", help="Leave the stack running afterwards.")
    ] = False,
) -> None:
    """The HTTPS intake API under load on a stack of its own: claims/s, latency, nothing lost or twice."""
    import uuid

    from agents.tools.bench.intake_bench import run_intake_bench
    from agents.tools.bench.intake_load import LoadPlan

    plan = LoadPlan(
        clients=clients,
        claims_per_client=claims_per_client,
        repeat_share=repeat_share,
        concurrent_repeat_share=concurrent_repeat_share,
        region=region.upper(),
        seed=seed,
        run_id=f"load-{uuid.uuid4().hex[:8]}",
    )
    result = run_intake_bench(plan, out, state_dir=state_dir, console=console, keep_stack=keep_stack)
    if not result["checks"]["ok"] or result["figures"]["second_claims"] or result["figures"]["not_accepted"]:
        raise typer.Exit(1)
