"""`claimflow`: the operator CLI.

Platform commands live here; domain commands (submit, policies, report, sample,
audit, demo) are plugged in by the `claimflow.cli` entry point so the platform
never imports the domain.
"""

from __future__ import annotations

import logging
from importlib.metadata import entry_points
from typing import Annotated

import typer
from rich.console import Console
from rich.markup import escape
from rich.table import Table

from streams import agent_processes, shadow
from streams.cli_dev import dev_app
from streams.cli_dlq import dlq_app
from streams.cli_infra import infra_app
from streams.cli_kafka import replay, tail, topics
from streams.errors import ClaimFlowError
from streams.settings import get_settings
from streams.topology import load_topology

app = typer.Typer(help="ClaimFlow: event-choreographed claim assessment on Kafka.", no_args_is_help=True)
agents_app = typer.Typer(
    help="Run the agents of topology.yaml as local worker processes.", no_args_is_help=True
)
app.add_typer(dev_app, name="dev")
app.add_typer(agents_app, name="agents")
app.add_typer(dlq_app, name="dlq")
app.add_typer(infra_app, name="infra")
app.command()(topics)
app.command()(tail)
app.command()(replay)
console = Console()


@app.command()
def worker(
    agent: Annotated[str, typer.Argument(help="Agent name from topology.yaml.")],
    shadow: Annotated[
        str | None,
        typer.Option(help="Run it in this shadow run: own consumer group, shadow topics, no live output."),
    ] = None,
    shadow_start: Annotated[
        str | None, typer.Option(help="With --shadow: the agent the run starts at (default: this one).")
    ] = None,
) -> None:
    """Run one agent in the foreground (one process per agent; scale with partitions)."""
    from streams.worker import run_worker

    if shadow_start is not None and shadow is None:
        raise typer.BadParameter("--shadow-start goes with --shadow")
    run_worker(agent, shadow, shadow_start)


@agents_app.command("up")
def agents_up(
    only: Annotated[list[str] | None, typer.Option(help="Start only these agents.")] = None,
) -> None:
    """Start every agent as a detached worker process (idempotent)."""
    settings = get_settings()
    processes = agent_processes.start_agents(settings.state_dir, load_topology(settings.topology_file), only)
    _print_agents(processes)


@agents_app.command("down")
def agents_down() -> None:
    """Stop every agent worker process started by `agents up`, and every shadow run still running."""
    state_dir = get_settings().state_dir
    stopped = agent_processes.stop_agents(state_dir)
    for run in shadow.shadow_runs(state_dir):
        if run.alive:
            shadow.stop_shadow(state_dir, run.name)
            stopped.append(f"shadow run {run.name}")
    console.print(f"stopped: {', '.join(stopped) or 'nothing was running'}")


@agents_app.command("status")
def agents_status() -> None:
    """Which agent workers are running, and where their logs are."""
    _print_agents(agent_processes.running(get_settings().state_dir))


def _print_agents(processes: list[agent_processes.AgentProcess]) -> None:
    state_dir = get_settings().state_dir
    table = Table("agent", "pid", "alive", "metrics", "log")
    for p in processes:
        address = p.metrics_address(state_dir)
        metrics = f"http://{address}/metrics" if address else "-"
        table.add_row(p.name, str(p.pid), "yes" if p.alive else "[red]no[/red]", metrics, p.log_file)
    console.print(table)


def _load_plugins() -> None:
    """Add the commands other packages register; one that cannot load never takes the platform's down."""
    for entry in entry_points(group="claimflow.cli"):
        try:
            entry.load()(app)
        except ImportError as exc:
            logging.getLogger(__name__).warning(
                "claimflow: the %r commands are unavailable: %s (install the extra they need)",
                entry.name,
                exc,
            )


def main() -> None:
    """Entry point of the `claimflow` console script; library errors become one readable line."""
    logging.basicConfig(level=logging.WARNING, format="%(levelname)s %(name)s: %(message)s")
    _load_plugins()
    try:
        app()
    except ClaimFlowError as exc:
        console.print(f"[red]error:[/red] {type(exc).__name__}: {exc}")
        raise SystemExit(2) from exc
    except ImportError as exc:
        hint = (
            "`pip install 'claimflow[tools]'` for sample, demo, eval and bench, `'claimflow[dev]'` for the "
            "embedded stack, `'claimflow[cpu]'` or `'claimflow[gpu]'` for FAISS"
        )
        console.print(
            f"[red]error:[/red] this command needs {escape(str(exc.name or exc))}, which is not installed: "
            + escape(hint)
        )
        raise SystemExit(2) from exc
