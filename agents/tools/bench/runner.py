"""`run_bench`: one measured run of the whole pipeline on its own embedded stack, plus the limit.

The bench never shares a stack: it starts one in its own state folder (default
`.claimflow-bench`), so a developer's `make demo` stack and its data are never
touched, and every run starts from an empty in-memory broker. A run is: stack up,
policy book loaded, agents up (N replicas each, optional partition variant), a
warm-up batch that is not measured, then the measured claims, followed on the log;
agents and stack are stopped and the in-process limit runs on the freed cores.
"""

from __future__ import annotations

import asyncio
import json
import os
import time
import uuid
from collections.abc import Iterator, Sequence
from contextlib import ExitStack, contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml
from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

from agents.events import ClaimIngested
from agents.intake import publish_claims
from agents.stores import ReportStore
from agents.stores.policy_loader import load_policy_book
from agents.tools import samples
from agents.tools.bench.analysis import analyse, resource_summary, servers
from agents.tools.bench.limit import LimitResult, measure_limit
from agents.tools.bench.load import Submitter, build_claims, claim_documents, publish_at_rate
from agents.tools.bench.observe import (
    Offsets,
    Watcher,
    fast_consumer,
    now_ms,
    read_back,
    snapshot_ends,
)
from agents.tools.bench.output import print_result, write_plots
from agents.tools.bench.result import BenchResult, environment, versions
from agents.tools.tracking import fresh_state_dir, wait_for_reports
from streams import (
    ClaimFlowError,
    Settings,
    Topology,
    agent_processes,
    devstack,
    get_settings,
    load_topology,
    reload_settings,
)
from streams.kafka_admin import ensure_topics

MARKER = ".claimflow-bench"
DEFAULT_STATE_DIR = Path(".claimflow-bench")


class BenchError(ClaimFlowError, RuntimeError):
    """The bench could not run (an unsafe state folder, an agent that died, a failed submission)."""


@dataclass(frozen=True)
class BenchConfig:
    """Everything that decides a run's outcome besides the machine; recorded in result.json."""

    claims: int
    rate: float | None = None
    seed: int = 6
    scanned_share: float = 0.0
    multi_document_share: float = 0.0
    replicas: int = 1
    partitions: int | None = None  # None: as declared in topology.yaml
    warmup: int = 6
    limit_workers: int = 2
    interval_s: float = 0.5
    timeout_s: float = 600.0


# --------------------------------------------------------------------------- stack and agents


def write_topology_variant(base: Path, partitions: int | None, folder: Path) -> Path:
    """A copy of `base` in `folder` with every pipeline topic at `partitions` (dead-letter topics unchanged).

    Each partition count gets its own file name: `load_topology` caches by path, so a
    matrix run that rewrote one file would give its second combination the first one's topics.
    """
    if partitions is None:
        return base
    out = folder / f"topology-{partitions}-partitions.yaml"
    raw = yaml.safe_load(base.read_text())
    for topic in raw["topics"].values():
        topic["partitions"] = partitions
        topic.pop("placement", None)  # a region placement is re-derived for the new count
    out.write_text(yaml.safe_dump(raw, sort_keys=False))
    load_topology(out)  # fail here, not in six workers, if the variant is invalid
    return out


def _probes(
    stack: devstack.StackInfo, agents: list[agent_processes.AgentProcess]
) -> dict[str, tuple[int, bool]]:
    """label → (pid, include children) of every process worth watching, the bench itself included."""
    found = {(p.name if p.replica == 0 else f"{p.name}#{p.replica}"): (p.pid, False) for p in agents}
    for service in devstack.SERVICES:
        pid = stack.pids.get(service)
        if pid:
            found[service] = (pid, True)
    found["bench"] = (os.getpid(), False)
    return found


def _check_alive(state_dir: Path) -> None:
    """Fail fast, naming the log to read, when an agent process has died during the run."""
    dead = [p for p in agent_processes.running(state_dir) if not p.alive]
    if dead:
        raise BenchError(f"agent {dead[0].name} (pid {dead[0].pid}) died; see {dead[0].log_file}")


async def _await_reports(settings: Settings, claim_ids: list[str], timeout_s: float) -> None:
    store = ReportStore(settings.postgres_dsn.get_secret_value())
    await store.open()
    try:
        await wait_for_reports(store, claim_ids, timeout_s=timeout_s)
    finally:
        await store.close()


# --------------------------------------------------------------------------- the run


@contextmanager
def _phase(console: Console, phases: dict[str, float], name: str, text: str) -> Iterator[None]:
    """Show what the bench is doing and record how long it took (result.json `phases_s`)."""
    started = time.perf_counter()
    with console.status(text):
        yield
    phases[name] = round(time.perf_counter() - started, 3)


def _progress(console: Console) -> Progress:
    return Progress(
        TextColumn("{task.description}"),
        BarColumn(),
        MofNCompleteColumn(),
        TimeElapsedColumn(),
        console=console,
    )


@dataclass
class _Run:
    """One run's fixed inputs and the phase timings it collects on the way."""

    config: BenchConfig
    state_dir: Path
    topology_file: Path
    console: Console
    keep_stack: bool
    phases: dict[str, float] = field(default_factory=dict)


def _measure_pipeline(
    run: _Run,
) -> tuple[dict[str, Any], dict[str, Any], samples.SampleCorpus, list[dict[str, Any]]]:
    """Stack, agents, warm-up, measured claims, read-back; returns analysis, watch series, corpus, rows."""
    config, console, phases, state_dir = run.config, run.console, run.phases, run.state_dir
    topology_file = run.topology_file
    with _phase(console, phases, "stack_up", "starting the bench's embedded stack"):
        stack = devstack.up(state_dir)
    settings = stack.settings(topology_file)
    topology = load_topology(topology_file)
    env = {**stack.env(), "CLAIMFLOW_TOPOLOGY_FILE": str(topology_file)}
    # Every settings section this process reads (the S3 store's endpoint and keys among them) must
    # name the bench's stack, not one the caller's environment or stack.env points at.
    saved = dict(os.environ)
    os.environ.update(env)
    reload_settings()
    try:
        corpus = samples.generate(
            state_dir / "sample",
            claims=config.claims + config.warmup,
            seed=config.seed,
            scanned_share=config.scanned_share,
            multi_document_share=config.multi_document_share,
        )
        rows = [json.loads(line) for line in corpus.ground_truth_file.read_text().splitlines()]
        with _phase(console, phases, "policies", "loading the sample policy book"):
            asyncio.run(load_policy_book(settings, corpus.policies_file))
        ensure_topics(settings.kafka(), topology.topics.values())
        procs = agent_processes.start_agents(state_dir, topology, env=env, replicas=config.replicas)
        tag = f"B{uuid.uuid4().hex[:6].upper()}"
        warm = build_claims(settings, rows[config.claims :], corpus, f"{tag}-WARM")
        warmup_text = f"agents starting; warm-up with {len(warm)} claims (not measured)"
        with _phase(console, phases, "agents_and_warmup", warmup_text):
            publish_claims(settings, warm)
            asyncio.run(_await_reports(settings, [c.claim_id for c in warm], config.timeout_s))
        measured = build_claims(settings, rows[: config.claims], corpus, tag)
        analysis, watched = _follow(run, settings, topology, stack, procs, measured)
        return analysis, watched, corpus, rows[: config.claims]
    finally:
        os.environ.clear()
        os.environ.update(saved)
        reload_settings()
        if not run.keep_stack:
            with _phase(console, phases, "teardown", "stopping the agents and the bench stack"):
                agent_processes.stop_agents(state_dir)
                devstack.down(state_dir)


def _follow(
    run: _Run,
    settings: Settings,
    topology: Topology,
    stack: devstack.StackInfo,
    procs: list[agent_processes.AgentProcess],
    measured: list[ClaimIngested],
) -> tuple[dict[str, Any], dict[str, Any]]:
    """Submit the measured claims, watch them through, then read the log back and analyse it."""
    config, console = run.config, run.console
    consumer = fast_consumer(settings.kafka())
    try:
        start: Offsets = snapshot_ends(consumer, topology)
    finally:
        consumer.close()
    claims = {c.claim_id for c in measured}
    submitter = Submitter(lambda: publish_at_rate(settings, topology, measured, config.rate))
    with ExitStack() as stack_:
        watcher = Watcher(settings, topology, start, _probes(stack, procs), interval_s=config.interval_s)
        stack_.callback(watcher.close)
        progress = stack_.enter_context(_progress(console))
        task = progress.add_task(f"assessing {len(claims)} claims", total=len(claims))
        started_ms = now_ms()
        submitter.start()

        def check() -> None:
            submitter.check()
            _check_alive(settings.state_dir)

        watched = watcher.watch(
            claims,
            timeout_s=config.timeout_s,
            on_progress=lambda n: progress.update(task, completed=n),
            check=check,
        )
    submitter.join()
    submitter.check()
    run.phases["measured"] = round((now_ms() - started_ms) / 1000, 3)
    with _phase(console, run.phases, "read_back", "reading the log back"):
        events, undecodable = read_back(settings, topology, start)
        owners, servers_from = servers(topology, config.replicas)
    analysis = analyse(events, topology, claims, owners)
    analysis["servers_from"] = servers_from
    analysis["dead_lettered"] = len(watched.failed)
    analysis["undecodable"] = undecodable
    series = {"started_ms": started_ms, "lag": watched.lag, "resources": watched.resources}
    return analysis, series


def run_bench(
    claims: int,
    rate: float | None,
    seed: int,
    out_dir: Path,
    *,
    scanned_share: float = 0.0,
    multi_document_share: float = 0.0,
    replicas: int = 1,
    partitions: int | None = None,
    warmup: int = 6,
    limit_workers: int = 2,
    interval_s: float = 0.5,
    timeout_s: float = 600.0,
    state_dir: Path | None = None,
    keep_stack: bool = False,
    console: Console | None = None,
) -> BenchResult:
    """Measure the pipeline and the in-process limit in one run; write result.json and plots to `out_dir`.

    Args:
        claims: Measured claims (sample documents, seeded; born-digital unless the shares say otherwise).
        rate: Claims per second to submit at; None submits them all at once (peak throughput).
        seed: Sample corpus seed; same seed and counts, same documents.
        scanned_share: Share of claims that are scanned, image-only PDFs (read by OCR).
        multi_document_share: Share of claims filed with more documents (repair estimate, police report).
        out_dir: Results folder (created).
        replicas: Worker processes per agent.
        partitions: Partitions of every pipeline topic; None keeps topology.yaml's.
        warmup: Claims processed first and not measured (model loading, group joins, caches).
        limit_workers: Processes of the in-process limit.
        interval_s: Sampling period of consumer lag, CPU and memory.
        timeout_s: Deadline for the warm-up and for the measured claims.
        state_dir: The bench's own stack folder (emptied first); default `.claimflow-bench`.
        keep_stack: Leave the stack and agents running afterwards, to look around.
        console: Where progress and the table go; None is silent.
    """
    if claims < 1 or warmup < 1:
        raise BenchError("claims and warmup must be at least 1")
    if not (0 <= scanned_share <= 1 and 0 <= multi_document_share <= 1):
        raise BenchError(
            f"shares must be between 0 and 1 (scanned {scanned_share}, multi-document {multi_document_share})"
        )
    config = BenchConfig(
        claims,
        rate,
        seed,
        scanned_share,
        multi_document_share,
        replicas,
        partitions,
        warmup,
        limit_workers,
        interval_s,
        timeout_s,
    )
    console = console or Console(quiet=True)
    out_dir = out_dir.resolve()
    out_dir.mkdir(parents=True, exist_ok=True)
    state_dir = fresh_state_dir(state_dir or DEFAULT_STATE_DIR, MARKER, "claimflow bench", BenchError)
    topology_file = write_topology_variant(get_settings().topology_file, partitions, state_dir)
    env_before = environment()
    run = _Run(config, state_dir, topology_file, console, keep_stack)
    phases = run.phases
    analysis, watched, corpus, rows = _measure_pipeline(run)
    limit_text = f"in-process limit: {claims} claims over {limit_workers} worker processes"
    with _phase(console, phases, "limit", limit_text):
        limit = measure_limit(
            [(claim_documents(corpus, row), row["region"]) for row in rows],
            corpus.policies_file,
            workers=limit_workers,
            needs_ocr=any(row["kind"] != "digital" for row in rows),
            batch=load_topology(topology_file).agent("retriever").batch.max,  # the retriever's batch
        )
    analysis["phases_s"] = phases
    result = _result(config, analysis, watched, limit, topology_file, out_dir, env_before)
    result.write()
    with _phase(console, phases, "plots", "drawing plots"):
        write_plots(result)
    print_result(console, result)
    return result


def _result(
    config: BenchConfig,
    analysis: dict[str, Any],
    watched: dict[str, Any],
    limit: LimitResult,
    topology_file: Path,
    out_dir: Path,
    env_before: dict[str, Any],
) -> BenchResult:
    topology = load_topology(topology_file)
    per_s = analysis["throughput"]["claims_per_s"]
    return BenchResult(
        config={
            **config.__dict__,
            "topic_partitions": {t.name: t.partitions for t in topology.pipeline_topics},
        },
        versions=versions(),
        environment={"before": env_before, "after": environment()},
        analysis=analysis,
        limit={**limit.__dict__, "claims_per_hour": limit.claims_per_hour},
        ratio_to_limit=per_s / limit.claims_per_s if limit.claims_per_s else 0.0,
        lag=watched["lag"],
        resources=watched["resources"],
        resource_summary=resource_summary(watched["resources"]),
        out_dir=out_dir,
    )


def run_peak_then_half(
    claims: int,
    seed: int,
    out_dir: Path,
    *,
    paced_seconds: float = 60.0,
    console: Console | None = None,
    **options: Any,
) -> tuple[BenchResult, BenchResult]:
    """A full-speed run for the peak, then a paced run at half of it, each on a fresh stack.

    A burst queues every claim at once, so its latency is mostly waiting; the paced run's
    percentiles are what a claim sees when the pipeline has headroom. The paced run lasts at
    least `paced_seconds`, so its p99 rests on hundreds of claims, not the worst three of 300
    (300 claims at 14.5/s gave p99 862 ms; 3,000 at 14/s gave 298 ms, on the same build).
    `half_peak.json` pairs the two runs.
    """
    if console is not None:
        console.rule("peak: every claim submitted at once")
    peak = run_bench(claims, None, seed, out_dir / "peak", console=console, **options)
    rate = peak.analysis["throughput"]["claims_per_s"] / 2
    if console is not None:
        console.rule(f"half of peak: {rate:.1f} claims/s")
    paced_claims = max(claims, round(rate * paced_seconds))
    half = run_bench(paced_claims, rate, seed, out_dir / "half-peak", console=console, **options)
    summary = {
        "peak_claims_per_hour": peak.claims_per_hour,
        "peak_ratio_to_limit": peak.ratio_to_limit,
        "half_peak_rate_per_s": rate,
        "half_peak_claims": paced_claims,
        "half_peak_latency_ms": half.analysis["latency_ms"],
        "peak_latency_ms": peak.analysis["latency_ms"],
        "results": [str(peak.out_dir), str(half.out_dir)],
    }
    (out_dir / "half_peak.json").write_text(json.dumps(summary, indent=2) + "\n")
    if console is not None:
        lat = half.analysis["latency_ms"]
        console.print(
            f"peak {peak.claims_per_hour:,.0f} claims/h ({peak.ratio_to_limit:.0%} of the limit); "
            f"at half of it ({rate:.1f}/s) latency p50/p95/p99 "
            f"{lat['p50']:.0f} / {lat['p95']:.0f} / {lat['p99']:.0f} ms"
        )
    return peak, half


def run_matrix(
    claims: int,
    rate: float | None,
    seed: int,
    out_dir: Path,
    *,
    replicas: Sequence[int] = (1, 2),
    partitions: Sequence[int] = (1, 3, 6),
    state_dir: Path | None = None,
    console: Console | None = None,
    **options: Any,
) -> list[BenchResult]:
    """Every (replicas, partitions) combination, one after another, each on a fresh stack.

    The broker keeps everything in memory, so a fresh stack per combination is also a
    fresh log: no run measures another's leftovers. `matrix.json` sums the runs up.
    """
    results = []
    for r in replicas:
        for p in partitions:
            label = f"r{r}-p{p}"
            if console is not None:
                console.rule(f"{label}: {r} worker(s) per agent, {p} partition(s) per topic")
            results.append(
                run_bench(
                    claims,
                    rate,
                    seed,
                    out_dir / label,
                    replicas=r,
                    partitions=p,
                    state_dir=(state_dir or DEFAULT_STATE_DIR),
                    console=console,
                    **options,
                )
            )
    summary = [
        {
            "replicas": r.config["replicas"],
            "partitions": r.config["partitions"],
            "claims_per_hour": r.claims_per_hour,
            "latency_ms": r.analysis["latency_ms"],
            "ratio_to_limit": r.ratio_to_limit,
            "results": str(r.out_dir),
        }
        for r in results
    ]
    (out_dir / "matrix.json").write_text(json.dumps(summary, indent=2) + "\n")
    return results
