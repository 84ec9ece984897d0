"""`claimflow dev up | down | status`: the embedded development stack from the command line."""

from __future__ import annotations

import time
from pathlib import Path

import typer
from rich.console import Console
from rich.table import Table

from streams import devstack, devstack_prometheus
from streams.errors import StackError
from streams.settings import default_state_dir

dev_app = typer.Typer(
    help="Run the embedded development stack (S3-compatible server, Kafka-compatible broker, PostgreSQL, "
    "Redis, Milvus Lite).",
    no_args_is_help=True,
)
console = Console()

STATE_DIR_OPTION = typer.Option(
    None, "--state-dir", help="Stack state folder (default: $CLAIMFLOW_STATE_DIR or ./.claimflow)."
)


def _state_dir(value: Path | None) -> Path:
    return (value or default_state_dir()).resolve()


def _print_statuses(statuses: list[devstack.ServiceStatus]) -> None:
    table = Table(title="ClaimFlow dev stack")
    for column in ("service", "pid", "address", "healthy", "detail"):
        table.add_column(column, overflow="fold")
    for s in statuses:
        healthy = "[green]yes[/green]" if s.healthy else "[red]no[/red]"
        table.add_row(s.name, str(s.pid or "-"), s.address, healthy, s.detail)
    console.print(table)


@dev_app.command()
def up(
    state_dir: Path | None = STATE_DIR_OPTION,
    timeout: float = typer.Option(60.0, help="Seconds to wait for each service to become healthy."),
    broker_storage: str | None = typer.Option(
        None,
        "--broker-storage",
        help="Where the broker keeps its log: memory (lost with the broker) or s3 (the stack's S3 "
        "server; survives a broker kill -9 and dev down, 5-43x slower). Default: "
        "$CLAIMFLOW_DEV_BROKER_STORAGE if set, else what this state folder last ran, else memory. "
        "See docs/durability.md.",
    ),
    observability: bool = typer.Option(
        False,
        "--observability",
        help="Also start Debian's prometheus, scraping every agent worker of this state folder and "
        "evaluating infra/prometheus/alerts.yml (docs/observability.md).",
    ),
) -> None:
    """Start (or repair) the stack and print the variables that point ClaimFlow at it."""
    folder = _state_dir(state_dir)
    started = time.monotonic()
    try:
        info = devstack.up(folder, timeout_s=timeout, broker_storage=broker_storage)
        prometheus = devstack_prometheus.up(folder, timeout_s=timeout) if observability else None
    except StackError as exc:
        console.print(f"[red]dev stack failed:[/red] {exc}", markup=True, highlight=False)
        raise typer.Exit(1) from exc
    _print_statuses(devstack.status(folder))
    console.print(
        f"ready in {time.monotonic() - started:.1f}s; settings read {folder / 'stack.env'} already."
    )
    if prometheus is not None:
        console.print(
            f"prometheus: {prometheus.url} (job {devstack_prometheus.JOB}; alerts at {prometheus.url}/alerts)"
        )
    console.print("# to use it from another folder or tool:")
    for key, value in info.env().items():
        console.print(f"export {key}={value}", markup=False, highlight=False)


@dev_app.command()
def down(
    state_dir: Path | None = STATE_DIR_OPTION,
    purge: bool = typer.Option(
        False, "--purge", help="Also delete the state folder and all its data (the broker's log included)."
    ),
) -> None:
    """Stop every service of the stack (safe when nothing runs); its data comes back with `up`."""
    folder = _state_dir(state_dir)
    observed = ["prometheus"] if devstack_prometheus.down(folder) else []
    stopped = observed + devstack.down(folder, purge=purge)
    console.print(
        f"stopped: {', '.join(stopped) or 'nothing was running'}" + (f"; deleted {folder}" if purge else "")
    )


@dev_app.command()
def status(state_dir: Path | None = STATE_DIR_OPTION) -> None:
    """Show each service's pid, address and health; exit 1 if any is unhealthy."""
    statuses = devstack.status(_state_dir(state_dir))
    _print_statuses(statuses)
    if not all(s.healthy for s in statuses):
        raise typer.Exit(1)
