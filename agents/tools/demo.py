"""`claimflow demo`: the whole pipeline on the embedded stack, from sample PDFs to stored reports."""

from __future__ import annotations

import asyncio
import json
import time
from pathlib import Path

from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn
from rich.table import Column, Table

from agents.intake import build_claim, publish_claims
from agents.stores import ReportStore, StoredReport
from agents.stores.policy_loader import load_policy_book
from agents.tools import samples
from agents.tools.tracking import wait_for_reports
from streams import Settings, agent_processes, devstack, get_settings, load_topology, reload_settings

DEMO_SEED = 2024


def _settings_after_stack_up() -> Settings:
    """Settings re-read so they pick up the stack.env that `dev up` just wrote."""
    reload_settings()
    return get_settings()


async def _collect(
    settings: Settings, claim_ids: list[str], timeout_s: float, progress: Progress
) -> dict[str, StoredReport]:
    task = progress.add_task("assessing claims", total=len(claim_ids))
    store = ReportStore(settings.postgres_dsn.get_secret_value())
    await store.open()
    try:
        return await wait_for_reports(
            store,
            claim_ids,
            timeout_s=timeout_s,
            on_progress=lambda done: progress.update(task, completed=done),
        )
    finally:
        await store.close()


def run_demo(
    *, claims: int, scanned_share: float, photo_share: float, timeout_s: float, console: Console
) -> None:
    """Stack up, policies loaded, agents started, claims submitted, reports printed."""
    console.width = max(console.width, 132)  # the report table needs room even when output is piped
    state_dir = get_settings().state_dir
    with console.status(
        "starting the embedded stack (S3 server, Kafka-compatible broker, PostgreSQL, Redis, Milvus Lite)"
    ):
        devstack.up(state_dir)
    settings = _settings_after_stack_up()
    topology = load_topology(settings.topology_file)
    corpus = samples.generate(
        state_dir / "demo-sample",
        claims=claims,
        seed=DEMO_SEED,
        scanned_share=scanned_share,
        photo_share=photo_share,
        short_policy_share=samples.SHORT_POLICY_SHARE,
    )
    with console.status("loading the sample policy book"):
        loaded = asyncio.run(load_policy_book(settings, corpus.policies_file))
    console.print(f"policy book: {loaded.policies} policies, {loaded.clauses} clauses")
    were_running = {p.name for p in agent_processes.running(state_dir) if p.alive}
    processes = agent_processes.start_agents(state_dir, topology)
    cold = any(p.name not in were_running for p in processes)
    console.print(f"agents running: {', '.join(p.name for p in processes)} (logs in {state_dir / 'logs'})")

    truth = [json.loads(line) for line in corpus.ground_truth_file.read_text().splitlines()]
    events = [
        build_claim(settings, [corpus.claims_dir / row["file"]], region=row["region"], submitted_by="demo")
        for row in truth
    ]
    started = time.monotonic()
    publish_claims(settings, events)
    console.print(f"submitted {len(events)} claims")
    with Progress(
        TextColumn("{task.description}"),
        BarColumn(),
        MofNCompleteColumn(),
        TimeElapsedColumn(),
        console=console,
    ) as progress:
        reports = asyncio.run(_collect(settings, [e.claim_id for e in events], timeout_s, progress))
    elapsed = time.monotonic() - started
    kinds = {e.claim_id: row.get("kind", "digital") for e, row in zip(events, truth, strict=True)}
    _print_reports(console, [reports[e.claim_id] for e in events], kinds)
    _print_summary(console, settings, reports, elapsed, cold=cold)


def _print_reports(console: Console, reports: list[StoredReport], kinds: dict[str, str]) -> None:
    table = Table(
        Column("claim", no_wrap=True),
        Column("region", no_wrap=True),
        Column("document", no_wrap=True),
        Column("policy number", no_wrap=True),
        Column("incident date", no_wrap=True),
        Column("damage", no_wrap=True, overflow="ellipsis", ratio=1),
        Column("confidence", no_wrap=True, justify="right"),
        Column("status", no_wrap=True),
        expand=True,
    )
    for r in reports:
        colour = "green" if r.status == "auto_approved" else "yellow"
        table.add_row(
            r.claim_id,
            r.region,
            kinds.get(r.claim_id, ""),
            r.policy_number or "-",
            str(r.incident_date or "-"),
            r.damage_description or "-",
            f"{r.confidence:.2f}",
            f"[{colour}]{r.status}[/{colour}]",
        )
    console.print(table)


def _print_summary(
    console: Console, settings: Settings, reports: dict[str, StoredReport], elapsed: float, *, cold: bool
) -> None:
    approved = sum(r.status == "auto_approved" for r in reports.values())
    console.print(
        f"{len(reports)} reports in {elapsed:.1f}s = {len(reports) / elapsed:.1f} claims/s "
        f"({'includes the agents starting up' if cold else 'agents were already running'}); "
        f"{approved} auto-approved, {len(reports) - approved} need review"
    )
    state = Path(settings.state_dir)
    console.print(
        "\nLook around:\n"
        "  claimflow topics                               # partitions, end offsets, consumer lag\n"
        "  claimflow tail report.ready --from-beginning   # decoded events as JSON lines\n"
        "  claimflow report <CLAIM_ID>                    # one assessment\n"
        "  claimflow audit verify                         # check the hash-chained audit log\n"
        f"(run them with .venv/bin/claimflow, or activate .venv; state in {state})\n"
        "Stop everything: make down   (= claimflow agents down && claimflow dev down)"
    )
