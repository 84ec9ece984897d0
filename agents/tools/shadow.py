"""`claimflow shadow start | stop | list | diff`: try a new version of an agent beside the live one.

The platform runs the shadow (`streams.shadow`): the agent and those below it, up to the
reporter, on the live input, in consumer groups of their own, writing only shadow topics.
This module is the operator's side: starting it with settings overrides, and comparing its
decisions with the live ones in `claimflow diff`'s vocabulary (status at the review threshold,
confidence, each field, each rule).

Pairing is by input, not by time: an agent derives its output's id from its input's id and
its own name, and a shadow agent keeps its name, so the shadow's `claim.validated` for an input
has the id of the live one for the same input. Each claim is compared once, on the latest input
the shadow decided and the live pipeline decided too; a claim the live side has not decided yet
is counted as waiting, never compared with an older live decision made on other input.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Annotated, Generic, Protocol, TypeVar

import typer
from pydantic import ValidationError
from rich.console import Console
from rich.table import Table

from agents.assessment import AssessmentSettings, decide_status
from agents.events import ClaimValidated
from agents.reporter import build_report
from agents.tools.diff import ClaimDiff, Decision, compare_decisions, echo_json, show
from streams import DecodeError, TopicSpec, get_codec, get_settings, load_topology
from streams.jsonout import dumps
from streams.kafka_io import read_topic
from streams.shadow import setting_overrides, shadow_run, shadow_runs, start_shadow, stop_shadow

console = Console()
shadow_app = typer.Typer(
    help="Shadow runs: a new version of an agent on the live input, writing only shadow topics, "
    "its decisions diffed against the live ones.",
    no_args_is_help=True,
)
LIVE = "live"


class _Decided(Protocol):
    @property
    def event_id(self) -> str: ...

    @property
    def claim_id(self) -> str: ...


D = TypeVar("D", bound=_Decided)


@dataclass(frozen=True)
class Pairing(Generic[D]):
    """Live and shadow decisions on the same input, one pair per claim, and the claims still waiting."""

    pairs: list[tuple[D, D]]
    waiting: list[str]


def pair_decisions(live: Iterable[D], shadow: Iterable[D]) -> Pairing[D]:
    """Pair each claim's latest shadow decision that has a live twin (same event id) with that twin.

    Both are read in log order, and a claim's events stay on one partition, so the last one seen
    for a claim is its latest. `waiting`: claims the shadow decided that no live decision matches yet.
    """
    by_id = {event.event_id: event for event in live}
    latest: dict[str, tuple[D, D]] = {}
    unmatched: dict[str, None] = {}
    for event in shadow:
        twin = by_id.get(event.event_id)
        if twin is None:
            unmatched.setdefault(event.claim_id)
        else:
            latest[event.claim_id] = (twin, event)
    return Pairing(list(latest.values()), [c for c in unmatched if c not in latest])


def decision_of(event: ClaimValidated, threshold: float, label: str) -> Decision:
    """A validated claim as the report the reporter would write at `threshold`, for `compare_decisions`."""
    return Decision(
        event.claim_id, label, decide_status(event.confidence, threshold), build_report(event, threshold)
    )


def read_validated(topic: TopicSpec) -> Iterator[ClaimValidated]:
    """The `claim.validated` events on `topic` (live or shadow) in log order; malformed ones are left out."""
    settings = get_settings()
    codec = get_codec(settings.schemas_dir, topic.schema_name)
    for message in read_topic(settings.kafka(), topic):
        try:
            yield ClaimValidated.model_validate(codec.decode(message.value()))
        except (DecodeError, ValidationError):
            continue


def diff_shadow(name: str) -> tuple[list[ClaimDiff], list[str]]:
    """Shadow run `name`'s decisions against the live ones: each paired claim's diff, and those waiting."""
    settings = get_settings()
    run = shadow_run(settings.state_dir, name)
    topology = load_topology(settings.topology_file)
    live_topic = topology.topic_for_schema(ClaimValidated.avro_schema)
    shadow_topic = topology.shadow_run(name, run.agent).topic(
        topology.shadow_topic_name(live_topic.name, name)
    )
    live_threshold = AssessmentSettings.current().review_threshold
    # The reporter's threshold is a setting like any other: a run may try another one.
    threshold = float(run.settings.get("CLAIMFLOW_REVIEW_THRESHOLD", live_threshold))
    pairing = pair_decisions(read_validated(live_topic), read_validated(shadow_topic))
    diffs = [
        compare_decisions(
            decision_of(live, live_threshold, LIVE), decision_of(shadowed, threshold, f"shadow {name}")
        )
        for live, shadowed in pairing.pairs
    ]
    return diffs, pairing.waiting


@shadow_app.command("start")
def start(
    name: Annotated[str, typer.Argument(help="The run's name: lowercase letters, digits, dashes.")],
    agent: Annotated[str, typer.Option(help="The agent whose new version runs; those below it follow.")],
    set_: Annotated[
        list[str] | None,
        typer.Option(
            "--set", help="A setting of the new version, KEY=VALUE (CLAIMFLOW_ prefix optional); repeatable."
        ),
    ] = None,
    since: Annotated[
        datetime | None, typer.Option(help="Read the live input from this time (UTC) instead of from now.")
    ] = None,
    from_now: Annotated[
        bool, typer.Option("--from-now", help="Read only the input that comes next (the default).")
    ] = False,
) -> None:
    """Start a shadow run: the agent and the agents below it on the live input, writing only shadow topics."""
    if since is not None and from_now:
        raise typer.BadParameter("give --since or --from-now, not both")
    settings = get_settings()
    topology = load_topology(settings.topology_file)
    run = start_shadow(
        settings.state_dir,
        topology,
        settings.kafka(),
        name,
        agent,
        settings=setting_overrides(set_ or []),
        since=since,
    )
    shadowed = topology.shadow_run(name, agent)
    console.print(f"shadow run {name}: {', '.join(run.agents)} reading from {run.since}")
    for worker in run.processes:
        group = shadowed.agent(worker.name).group_id
        console.print(f"  {worker.name} (pid {worker.pid}, group {group}) {worker.log_file}")
    for key, value in run.settings.items():
        console.print(f"  {key}={value}")
    console.print(f"its decisions against the live ones: claimflow shadow diff {name}")


@shadow_app.command("stop")
def stop(name: Annotated[str, typer.Argument(help="The run to stop.")]) -> None:
    """Stop a shadow run's workers; its topics and record stay, so `shadow diff` still works."""
    run = stop_shadow(get_settings().state_dir, name)
    console.print(f"stopped shadow run {name} ({', '.join(run.agents)})")


@shadow_app.command("list")
def list_runs(
    as_json: Annotated[bool, typer.Option("--json", help="One JSON object per run.")] = False,
) -> None:
    """Every recorded shadow run: agents, settings, where it started reading, workers alive."""
    runs = shadow_runs(get_settings().state_dir)
    if as_json:
        for run in runs:
            typer.echo(dumps({**run.to_json(), "alive": [p.pid for p in run.alive]}))
        return
    table = Table("run", "agents", "settings", "since", "workers alive", "stopped")
    for run in runs:
        table.add_row(
            run.name,
            ", ".join(run.agents),
            " ".join(f"{k}={v}" for k, v in run.settings.items()) or "-",
            run.since,
            f"{len(run.alive)}/{len(run.processes)}",
            run.stopped_at or "-",
        )
    console.print(table)


@shadow_app.command("diff")
def diff(
    name: Annotated[str, typer.Argument(help="The shadow run.")],
    as_json: Annotated[bool, typer.Option("--json", help="One JSON object per compared claim.")] = False,
) -> None:
    """The shadow's decisions against the live ones: status, confidence, fields, rules; per claim, all."""
    diffs, waiting = diff_shadow(name)
    if as_json:
        echo_json(diffs)
        return
    show(diffs, f"shadow {name} against live", sides="decisions")
    if waiting:
        console.print(f"{len(waiting)} claim(s) decided by the shadow and not yet by the live pipeline")
    console.print(f"as of {datetime.now(UTC).isoformat(timespec='seconds')}")
