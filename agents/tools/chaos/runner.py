"""`run_chaos`: the whole pipeline on a stack of its own, a seeded fault schedule, then the invariants.

A run is: stack up in its own state folder (broker on `s3` storage by default, so a broker kill -9
keeps the log: docs/durability.md; on `memory` storage, without broker kills, for runs too long
for the embedded broker's `s3://` engine, which slows as the log grows), policy book loaded,
every agent started, the claims and poison inputs submitted while the faults run (the schedule
starts once the first report is stored, so it hits a pipeline that is flowing), a heal window
until every claim is reported and every group has committed to the end (or the window closes),
then the log is read back and checked.
"""

from __future__ import annotations

import asyncio
import json
import os
import time
import uuid
from collections.abc import Callable
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

from agents.events import ClaimIngested
from agents.stores import ReportStore
from agents.stores.policy_loader import load_policy_book
from agents.tools import samples
from agents.tools.audit_heads import verify_audit
from agents.tools.bench.metrics import rate_series
from agents.tools.bench.result import environment, versions
from agents.tools.chaos import checks
from agents.tools.chaos.faults import FaultRunner, Injector, now_ms
from agents.tools.chaos.load import CORPUS_MAX, Input, Submitter, build_inputs
from agents.tools.chaos.observe import LogContents, RssSampler, committed_offsets, lag_by_group, read_log
from agents.tools.chaos.result import ChaosResult
from agents.tools.chaos.schedule import Plan, build_schedule, counts_by_kind
from agents.tools.tracking import fresh_state_dir
from streams import (
    ClaimFlowError,
    Settings,
    Topology,
    agent_processes,
    devstack,
    load_topology,
    reload_settings,
)
from streams.errors import DependencyUnavailable
from streams.kafka_admin import ensure_topics
from streams.runner import served_regions

MARKER = ".claimflow-chaos"
DEFAULT_STATE_DIR = Path(".claimflow-chaos")
# Short breaker and dependency timeouts, as the outage tests use: recovery in seconds, not 30 s.
# One OCR helper given 5 minutes to load its models: on a crowded 2-core machine (load average 18)
# the default 60 s crashed the retriever in a loop before a single claim (docs/recovery.md).
AGENT_ENV = {
    "CLAIMFLOW_BREAKER_RESET_S": "2",
    "CLAIMFLOW_DEPENDENCY_TIMEOUT_S": "3",
    "CLAIMFLOW_OCR_HELPERS": "1",
    "CLAIMFLOW_OCR_START_TIMEOUT_S": "300",
}
RATE_BIN_S = 5.0
_POLL_S = 1.0


class ChaosError(ClaimFlowError, RuntimeError):
    """The run could not be made (an unsafe state folder, no first report before the deadline)."""


@dataclass(frozen=True)
class ChaosConfig:
    """Everything that decides a run besides the machine; recorded in result.json."""

    claims: int = 10_000
    seed: int = 13
    rate: float | None = None
    scanned_share: float = 0.01
    garbage: int = 3
    unknown_region: int = 2
    plan: Plan = field(default_factory=Plan)
    start_timeout_s: float = 600.0
    heal_timeout_s: float = 900.0
    submit_deadline_s: float = 600.0
    rss_interval_s: float = 2.0
    broker_storage: str = "s3"

    def to_json(self) -> dict[str, Any]:
        return {**asdict(self), "plan": {**asdict(self.plan), "services": list(self.plan.services)}}


async def _stored(dsn: str, claim_ids: list[str]) -> dict[str, checks.StoredRevision]:
    async with ReportStore(dsn) as store:
        found: dict[str, checks.StoredRevision] = {}
        for start in range(0, len(claim_ids), 2000):
            chunk = await store.applied_events(claim_ids[start : start + 2000])
            found.update({c: checks.StoredRevision(r, tuple(ids)) for c, (r, ids) in chunk.items()})
        return found


def _stored_or_none(dsn: str, claim_ids: list[str]) -> dict[str, checks.StoredRevision] | None:
    """The reports so far, or None while PostgreSQL does not answer (it may be the fault in progress)."""
    try:
        return asyncio.run(_stored(dsn, claim_ids))
    except Exception:  # any failure to ask means "not now": the caller polls again
        return None


@dataclass
class _Live:
    """The run's moving parts, for the loops that wait on them."""

    settings: Settings
    topology: Topology
    inputs: list[Input]
    submitter: Submitter
    sampler: RssSampler
    faults: FaultRunner | None = None
    injector: Injector | None = None
    reported: int = 0


def _wait(until: Callable[[], bool], deadline_s: float, on_tick: Callable[[], None]) -> bool:
    deadline = time.monotonic() + deadline_s
    while not until():
        if time.monotonic() > deadline:
            return False
        on_tick()
        time.sleep(_POLL_S)  # the tool's own polling interval between checks of a condition
    return True


def _progress(console: Console) -> Progress:
    return Progress(
        TextColumn("{task.description}"),
        BarColumn(),
        MofNCompleteColumn(),
        TimeElapsedColumn(),
        console=console,
    )


def run_chaos(
    config: ChaosConfig,
    out_dir: Path,
    *,
    state_dir: Path | None = None,
    keep_stack: bool = False,
    console: Console | None = None,
) -> ChaosResult:
    """Run the pipeline under `config`'s fault schedule; write result.json and the plot to `out_dir`.

    Returns the result whatever the invariants say; `result.ok` tells whether they all held.
    """
    if config.claims < 1:
        raise ChaosError("claims must be at least 1")
    if config.broker_storage not in devstack.BROKER_STORAGE:
        raise ChaosError(
            f"broker storage {config.broker_storage!r} is not one of {sorted(devstack.BROKER_STORAGE)}"
        )
    if config.broker_storage == "memory" and config.plan.broker_kills:
        raise ChaosError(
            "a broker on memory storage loses every topic and offset when it is killed, so a broker "
            "kill would test nothing of ClaimFlow: pass --broker-kills 0, or run on --broker-storage s3"
        )
    console = console or Console(quiet=True)
    out_dir = out_dir.resolve()
    out_dir.mkdir(parents=True, exist_ok=True)
    state_dir = fresh_state_dir(state_dir or DEFAULT_STATE_DIR, MARKER, "claimflow chaos", ChaosError)
    env_before = environment()
    with console.status(f"starting the chaos stack (broker on {config.broker_storage} storage)"):
        stack = devstack.up(state_dir, broker_storage=config.broker_storage)
    # Every settings section this process reads (the S3 store's among them) names the chaos stack.
    saved = dict(os.environ)
    os.environ.update(stack.env())
    reload_settings()
    try:
        return _run(config, stack, out_dir, console, env_before)
    finally:
        os.environ.clear()
        os.environ.update(saved)
        reload_settings()
        if not keep_stack:
            with console.status("stopping the agents and the chaos stack"):
                agent_processes.stop_agents(state_dir)
                devstack.down(state_dir)


def _run(
    config: ChaosConfig,
    stack: devstack.StackInfo,
    out_dir: Path,
    console: Console,
    env_before: dict[str, Any],
) -> ChaosResult:
    settings = stack.settings()
    topology = load_topology(settings.topology_file)
    env = {**stack.env(), **AGENT_ENV}
    faults = build_schedule(config.plan, list(topology.agents), config.seed)
    console.print(f"fault schedule (seed {config.seed}):")
    for fault in faults:
        console.print(f"  {fault.describe()}")
    with console.status("generating sample claims and loading the policy book"):
        corpus = samples.generate(
            stack.state_dir / "sample",
            claims=min(config.claims, CORPUS_MAX),
            seed=config.seed,
            scanned_share=config.scanned_share,
        )
        rows = [json.loads(line) for line in corpus.ground_truth_file.read_text().splitlines()]
        asyncio.run(load_policy_book(settings, corpus.policies_file))
        ensure_topics(settings.kafka(), topology.topics.values())
        tag = uuid.uuid4().hex[:6].upper()
        inputs = build_inputs(
            settings,
            topology,
            corpus,
            rows,
            claims=config.claims,
            tag=tag,
            garbage=config.garbage,
            unknown_region=config.unknown_region,
            seed=config.seed,
        )
    agent_processes.start_agents(stack.state_dir, topology, env=env)
    ingest = topology.topic_for_schema(ClaimIngested.avro_schema).name
    claim_ids = [i.claim_id for i in inputs if i.kind == "claim"]
    started_ms = now_ms()
    with _progress(console) as progress:
        submitted = progress.add_task("submitted (acknowledged by the broker)", total=len(inputs))
        reported = progress.add_task("reported (stored in PostgreSQL)", total=len(claim_ids))
        submitter = Submitter(
            settings,
            ingest,
            inputs,
            rate=config.rate,
            deadline_s=config.submit_deadline_s,
            on_progress=lambda n: progress.update(submitted, completed=n),
        )
        live = _Live(
            settings, topology, inputs, submitter, RssSampler(stack.state_dir, config.rss_interval_s)
        )
        live.sampler.start()
        submitter.start()

        injector = Injector(stack.state_dir, topology, env)

        def tick() -> None:
            submitter.check()
            for exit_ in injector.supervise():
                progress.console.print(f"restarted: {exit_.describe()}")
            stored = _stored_or_none(settings.postgres_dsn.get_secret_value(), claim_ids)
            if stored is not None:
                live.reported = len(stored)
                progress.update(reported, completed=live.reported)

        if not _wait(lambda: live.reported > 0, config.start_timeout_s, tick):
            raise ChaosError(
                f"no claim reported within {config.start_timeout_s:.0f} s; see {stack.state_dir}/logs"
            )
        live.injector = injector
        live.faults = FaultRunner(injector, faults, lambda text: progress.console.print(f"fault: {text}"))
        faults_started_ms = now_ms()
        live.faults.start()
        _wait(lambda: not live.faults.is_alive() and not submitter.is_alive(), 10**9, tick)  # type: ignore[union-attr]  # set above
        healed_ms = now_ms()
        lag_state: dict[str, Any] = {"lag": None, "error": "not reached"}

        def healed() -> bool:
            if live.reported < len(claim_ids):
                return False
            try:
                lag_state["lag"], lag_state["error"] = lag_by_group(settings, topology), None
            except Exception as exc:  # the broker or its storage is slow to answer: ask again
                lag_state["lag"], lag_state["error"] = None, f"{type(exc).__name__}: {exc}"
                return False
            return not any(lag_state["lag"].values())

        progress.console.print("faults done; heal window")
        _wait(healed, config.heal_timeout_s, tick)
    heal_s = (now_ms() - healed_ms) / 1000
    live.sampler.stop()
    submitter.check()
    # The run is over: the agents stop before the log is read back, so the read does not queue
    # behind every agent's consumer polling the broker's s3:// storage (finding 6). What they
    # committed stays on the broker for the in-flight check.
    with console.status("stopping the agents before reading the log back"):
        agent_processes.stop_agents(stack.state_dir)
    return _check(
        config,
        live,
        stack,
        out_dir,
        console,
        env_before,
        faults,
        lag_state,
        started_ms,
        faults_started_ms,
        heal_s,
    )


def _check(
    config: ChaosConfig,
    live: _Live,
    stack: devstack.StackInfo,
    out_dir: Path,
    console: Console,
    env_before: dict[str, Any],
    faults: list[Any],
    lag_state: dict[str, Any],
    started_ms: int,
    faults_started_ms: int,
    heal_s: float,
) -> ChaosResult:
    settings, topology, inputs = live.settings, live.topology, live.inputs
    assert live.faults is not None
    with console.status("reading the log back and checking the invariants"):
        try:
            contents, log_error = read_log(settings, topology), None
        except DependencyUnavailable as exc:  # the broker cannot serve part of its log: a finding
            contents, log_error = LogContents({}, [], {}), f"{type(exc).__name__}: {exc}"
        claim_ids = [i.claim_id for i in inputs]
        reports = asyncio.run(_stored(settings.postgres_dsn.get_secret_value(), claim_ids))
        audit_ok, audit_message = verify_audit(settings)
    report_topic = topology.topic_for_schema("report_ready").name
    ingest_topic = topology.topic_for_schema(ClaimIngested.avro_schema).name
    announced: dict[str, set[str]] = {}
    for event in contents.events.get(report_topic, []):
        announced.setdefault(event.claim_id, set()).add(event.event_id)
    served_by = served_regions(settings, topology)
    served = {name: served_by for name in topology.agents}
    unreported = [i.claim_id for i in inputs if i.kind == "claim" and i.claim_id not in reports]
    placed: list[checks.Unreported] = []
    if unreported and log_error is None:
        try:  # where each stopped: committed past by an agent, or still waiting for one
            placed = checks.where_unreported(
                unreported, contents, committed_offsets(settings, topology), topology
            )
        except DependencyUnavailable as exc:
            console.print(
                f"[yellow]could not read the committed offsets to place the unreported claims: {exc}"
            )
    reports_inv, lost = checks.reports_invariant(inputs, reports, announced, placed)
    order_inv, reordered = checks.order_invariant(contents, topology)
    dead_inv, dead_figures = checks.dead_letter_invariant(inputs, contents.dead)
    invariants = [
        checks.Invariant(
            "the log reads back whole",
            log_error is None,
            log_error
            or f"{sum(len(e) for e in contents.events.values()):,} events, {len(contents.dead)} dead letters",
        ),
        reports_inv,
        checks.revisions_invariant(
            reports,
            contents,
            report_topic,
            [topology.topic_for_schema("claim_validated").name],
            topology.topic_for_schema("claim_reviewed").name,
        ),
        order_inv,
        checks.audit_invariant(audit_ok, audit_message),
        checks.lag_invariant(lag_state["lag"], lag_state["error"]),
        dead_inv,
        checks.region_invariant(contents, served, inputs, ingest_topic),
    ]
    if log_error is not None:
        # Without the log only PostgreSQL and the audit chain can be judged: say so, never pass vacuously.
        unread = "not checked: the log could not be read back"
        invariants = [
            i
            if i.name.startswith(("the log", "audit"))
            else checks.Invariant(
                i.name,
                False,
                f"{unread}; PostgreSQL: {config.claims - len(lost)} of {config.claims} claims "
                f"reported, {len(lost)} lost"
                if i is reports_inv
                else unread,
            )
            for i in invariants
        ]
    mine = set(claim_ids)
    first_report: dict[str, int] = {}
    for event in contents.events.get(report_topic, []):
        if event.claim_id in mine:
            first_report[event.claim_id] = min(first_report.get(event.claim_id, event.log_ms), event.log_ms)
    first_ingest: dict[str, int] = {}
    for event in contents.events.get(ingest_topic, []):
        if event.claim_id in mine:
            first_ingest[event.claim_id] = min(first_ingest.get(event.claim_id, event.log_ms), event.log_ms)
    end_ms = now_ms()
    per_fault = checks.recovery(live.faults.applied, list(first_report.values()), end_ms)
    copies = checks.copies(contents)
    figures = {
        "claims": config.claims,
        "poison": dead_figures["poison"],
        "reported": sum(1 for c in claim_ids if c in reports),
        "lost": len(lost),  # claims without a report: committed past + in flight + never placed
        "committed_past": sum(1 for u in placed if u.committed_past),
        "in_flight": sum(1 for u in placed if not u.committed_past),
        "unreported": [u.describe() for u in placed],
        "duplicated_event_copies": sum(copies.values()),
        "copies_by_topic": copies,
        "reordered": reordered,
        "dead_letters": dead_figures,
        "undecodable": contents.undecodable,
        "resent_inputs": live.submitter.resent,
        "faults": counts_by_kind([a.fault for a in live.faults.applied]),
        "fault_errors": [a.fault.describe() + f": {a.error}" for a in live.faults.applied if a.error],
        # Agents that ended without being told to and were restarted, as a supervisor would.
        "unplanned_exits": [e.describe() for e in (live.injector.exits if live.injector else [])],
        "audit": audit_message,
        "lag": lag_state["lag"],
        "duration_s": {
            "run": round((end_ms - started_ms) / 1000, 1),
            "to_first_report": round((faults_started_ms - started_ms) / 1000, 1),
            "faults": round(
                (
                    max((a.healed_ms for a in live.faults.applied), default=faults_started_ms)
                    - faults_started_ms
                )
                / 1000,
                1,
            ),
            "heal": round(heal_s, 1),
        },
    }
    origin = started_ms
    result = ChaosResult(
        config=config.to_json(),
        schedule=[f.to_json() for f in faults],
        applied=[a.to_json() for a in live.faults.applied],
        invariants=invariants,
        figures=figures,
        recovery=per_fault,
        recovery_by_kind=checks.recovery_by_kind(per_fault),
        rss=checks.rss_growth(live.sampler.samples),
        series={
            "origin_ms": origin,
            "bin_s": RATE_BIN_S,
            "ingested": rate_series(first_ingest.values(), origin, RATE_BIN_S),
            "reported": rate_series(first_report.values(), origin, RATE_BIN_S),
            "rss": live.sampler.samples,
        },
        versions=versions(),
        environment={"before": env_before, "after": environment(), "broker_storage": stack.broker_storage},
        out_dir=out_dir,
    )
    result.write()
    from agents.tools.chaos.output import print_result, write_plot

    write_plot(result)
    print_result(console, result)
    return result
