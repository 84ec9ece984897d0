"""`claimflow chaos`; registered by `agents.tools.cli.register`. Imports the run only when it runs."""

from __future__ import annotations

import logging
from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console

console = Console()


def chaos(
    claims: Annotated[int, typer.Option(help="Claims to submit (sequence-numbered ids).")] = 10_000,
    seed: Annotated[
        int, typer.Option(help="Seed of the fault schedule, the corpus and the poison inputs.")
    ] = 13,
    rate: Annotated[
        float | None,
        typer.Option(
            help="Submit at this many claims per second; default: as fast as the broker takes them."
        ),
    ] = None,
    scanned_share: Annotated[
        float, typer.Option(help="Share of scanned (OCR) claims; the rest born-digital.")
    ] = 0.01,
    garbage: Annotated[int, typer.Option(help="Poison inputs: garbage bytes on claim.ingested.")] = 3,
    unknown_region: Annotated[int, typer.Option(help="Poison inputs: claims of an undeclared region.")] = 2,
    agent_kills: Annotated[int, typer.Option(help="kill -9 of a random agent, restarted after 1-5 s.")] = 4,
    agent_terms: Annotated[int, typer.Option(help="SIGTERM of a random agent, restarted after 1-5 s.")] = 2,
    rebalances: Annotated[
        int, typer.Option(help="A second worker of a random agent joins, then leaves.")
    ] = 2,
    services: Annotated[
        str,
        typer.Option(
            help="Services stopped once each, comma-separated; '' for none. PostgreSQL, Redis and "
            "Milvus are killed (-9) and started again; the S3 server is paused (SIGSTOP) and resumed."
        ),
    ] = "postgres,redis,milvus,s3",
    broker_kills: Annotated[
        int, typer.Option(help="kill -9 of the broker, started again after --broker-down.")
    ] = 1,
    s3_kills: Annotated[
        int,
        typer.Option(
            help="kill -9 of the S3 server, started and replayed after --outage: tests moto's "
            "recording (the embedded server's durability), not ClaimFlow."
        ),
    ] = 0,
    broker_storage: Annotated[
        str,
        typer.Option(
            help="The broker's log: 's3' (the stack's S3 server; survives the broker's kill -9, but "
            "slows as the log grows) or 'memory' (fast at any length; needs --broker-kills 0)."
        ),
    ] = "s3",
    outage: Annotated[float, typer.Option(help="Seconds each service stays stopped.")] = 30.0,
    broker_down: Annotated[float, typer.Option(help="Seconds the broker stays down.")] = 5.0,
    heal_timeout: Annotated[
        float, typer.Option(help="Seconds to wait after the last fault for everything to settle.")
    ] = 900,
    out: Annotated[Path, typer.Option(help="Results folder: result.json and throughput.png.")] = Path(
        "results/chaos"
    ),
    state_dir: Annotated[
        Path, typer.Option(help="The run's own stack folder (emptied by every run).")
    ] = Path(".claimflow-chaos"),
    keep_stack: Annotated[
        bool, typer.Option("--keep-stack", help="Leave the stack and agents running afterwards.")
    ] = False,
) -> None:
    """Run the pipeline under a seeded fault schedule and check its invariants; exit 1 if one fails."""
    # While Milvus is down on purpose, pymilvus logs a traceback for every reconnect its health
    # check tries; the run's own lines say what happened (the agents log to their own files).
    logging.getLogger("pymilvus").setLevel(logging.ERROR)
    from agents.tools.chaos.runner import ChaosConfig, run_chaos
    from agents.tools.chaos.schedule import Plan

    plan = Plan(
        agent_kills=agent_kills,
        agent_terms=agent_terms,
        rebalances=rebalances,
        services=tuple(s.strip() for s in services.split(",") if s.strip()),
        broker_kills=broker_kills,
        s3_kills=s3_kills,
        outage_s=outage,
        broker_down_s=broker_down,
    )
    config = ChaosConfig(
        claims=claims,
        seed=seed,
        rate=rate,
        scanned_share=scanned_share,
        garbage=garbage,
        unknown_region=unknown_region,
        plan=plan,
        heal_timeout_s=heal_timeout,
        broker_storage=broker_storage,
    )
    result = run_chaos(config, out, state_dir=state_dir, keep_stack=keep_stack, console=console)
    raise typer.Exit(0 if result.ok else 1)
