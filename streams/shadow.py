"""Shadow runs: a new version of an agent beside the live one, on the same input, writing only shadow topics.

A shadow run named N of agent A runs A and the agents below it that `topology.yaml` lets run in
shadow (`Topology.shadow_run`), each as a local worker process (`claimflow worker X --shadow N
--shadow-start A`) with the run's settings overrides in its environment. Its consumer groups are
its own, so the live workers lose nothing; what it writes goes to `T<suffix>.N`, never to a live
topic, and it never reaches the reporter, so no report is written. Its decisions are compared with
the live ones by `claimflow shadow diff`.

Where it starts reading is set before any of its workers joins: the start agent's group is
committed at the end of the log now, or at the first record stamped at or after `since`, so the
run sees exactly the input from that moment on, however long its workers take to start.
"""

from __future__ import annotations

import json
import os
import re
import sys
from collections.abc import Mapping, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import asdict, dataclass, replace
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from streams.agent_processes import AgentProcess
from streams.devstack import spawn_detached, stop_process
from streams.errors import ConfigurationError
from streams.kafka_admin import ensure_topics
from streams.kafka_io import commit_group_offsets, first_offsets_at, log_bounds, make_consumer
from streams.kafka_security import KafkaConnection
from streams.metrics_server import forget_metrics_target
from streams.settings import ENV_PREFIX
from streams.topology import TopicSpec, Topology

SHADOWS_FILE = "shadows.json"
_SETTING = re.compile(r"^(?P<key>[A-Za-z][A-Za-z0-9_]*)=(?P<value>.*)$", re.DOTALL)


class ShadowRunError(ConfigurationError):
    """A shadow run that cannot be started or stopped as asked (it runs already, or is unknown)."""


@dataclass(frozen=True)
class ShadowRun:
    """One shadow run as recorded in the state folder: what it runs, with which settings, since when."""

    name: str
    agent: str
    agents: tuple[str, ...]
    settings: dict[str, str]
    started_at: str
    since: str
    processes: tuple[AgentProcess, ...] = ()
    stopped_at: str | None = None

    @property
    def alive(self) -> list[AgentProcess]:
        return [p for p in self.processes if p.alive]

    def to_json(self) -> dict[str, object]:
        return {**asdict(self), "agents": list(self.agents), "processes": [asdict(p) for p in self.processes]}

    @classmethod
    def from_json(cls, item: Mapping[str, Any]) -> ShadowRun:
        data = dict(item)
        processes = tuple(AgentProcess(**p) for p in data.pop("processes", []))
        return cls(**{**data, "agents": tuple(data.get("agents", ())), "processes": processes})


def setting_overrides(items: Sequence[str]) -> dict[str, str]:
    """`KEY=VALUE` pairs as `CLAIMFLOW_*` variables (`REPORTING_WINDOW_DAYS=7` or the full name)."""
    found: dict[str, str] = {}
    for item in items:
        match = _SETTING.match(item)
        if match is None:
            raise ShadowRunError(f"setting {item!r}: expected KEY=VALUE, e.g. REPORTING_WINDOW_DAYS=7")
        key = match["key"].upper()
        found[key if key.startswith(ENV_PREFIX) else ENV_PREFIX + key] = match["value"]
    return found


def _registry(state_dir: Path) -> Path:
    return state_dir / SHADOWS_FILE


def shadow_runs(state_dir: Path) -> list[ShadowRun]:
    """Every shadow run recorded in the state folder, running or stopped."""
    path = _registry(state_dir)
    if not path.exists():
        return []
    return [ShadowRun.from_json(item) for item in json.loads(path.read_text())]


def shadow_run(state_dir: Path, name: str) -> ShadowRun:
    """The recorded shadow run `name`."""
    for run in shadow_runs(state_dir):
        if run.name == name:
            return run
    known = ", ".join(r.name for r in shadow_runs(state_dir)) or "none"
    raise ShadowRunError(f"no shadow run {name!r} (recorded: {known})")


def _save(state_dir: Path, run: ShadowRun) -> None:
    runs = [r for r in shadow_runs(state_dir) if r.name != run.name] + [run]
    state_dir.mkdir(parents=True, exist_ok=True)
    _registry(state_dir).write_text(json.dumps([r.to_json() for r in runs], indent=2))


def shadow_topics(shadowed: Topology) -> list[TopicSpec]:
    """The shadow topics a run's workers read or write (what `start_shadow` creates)."""
    names = dict.fromkeys(t.name for a in shadowed.agents for t in shadowed.topics_of(a) if t.shadow_of)
    return [shadowed.topic(n) for n in names]


def position_input(kafka: KafkaConnection, shadowed: Topology, agent: str, since: datetime | None) -> None:
    """Commit the start agent's shadow group on each live input: at the end of the log (None), or at
    the first record stamped at or after `since`."""
    spec = shadowed.agent(agent)
    consumer = make_consumer(kafka)
    try:
        for name in spec.consumes:
            topic = shadowed.topic(name)
            marks = log_bounds(consumer, topic.name, topic.partitions)
            offsets = (
                [high for _, high in marks]
                if since is None
                else first_offsets_at(consumer, topic, marks, int(since.timestamp() * 1000))
            )
            commit_group_offsets(kafka, spec.group_id, topic, offsets)
    finally:
        consumer.close()


def start_shadow(
    state_dir: Path,
    topology: Topology,
    kafka: KafkaConnection,
    name: str,
    agent: str,
    *,
    settings: Mapping[str, str] | None = None,
    since: datetime | None = None,
    env: Mapping[str, str] | None = None,
) -> ShadowRun:
    """Start shadow run `name` of `agent`: create its topics, position its input, start its workers.

    Args:
        state_dir: The stack's state folder; the run's record and its workers' logs live there.
        topology: The live topology; the run's is derived from it.
        bootstrap: The Kafka bootstrap servers.
        name: The run's name (part of its topics and consumer groups).
        agent: The agent whose new version is tried; the agents below it run in shadow too.
        settings: `CLAIMFLOW_*` overrides for the run's workers (the new rules, model or setting).
        since: Read the live input from this moment (default: now, only what comes next).
        env: Extra environment for the workers, under `settings`.
    """
    for run in shadow_runs(state_dir):
        if run.name == name and run.alive:
            raise ShadowRunError(f"shadow run {name!r} is running (pids {[p.pid for p in run.alive]})")
    shadowed = topology.shadow_run(name, agent)
    started = datetime.now(UTC)
    if since is not None and since.tzinfo is None:
        since = since.replace(tzinfo=UTC)
    ensure_topics(kafka, shadow_topics(shadowed))
    position_input(kafka, shadowed, agent, since)
    overrides = dict(settings or {})
    environment = {**os.environ, **(env or {}), **overrides, "CLAIMFLOW_STATE_DIR": str(state_dir)}
    processes = []
    for worker in shadowed.agents:
        log_name = f"shadow-{name}-{worker}"
        argv = [sys.executable, "-m", "streams", "worker", worker, "--shadow", name, "--shadow-start", agent]
        pid = spawn_detached(log_name, argv, state_dir, environment)
        processes.append(AgentProcess(worker, pid, str(state_dir / "logs" / f"{log_name}.log")))
    run = ShadowRun(
        name=name,
        agent=agent,
        agents=tuple(shadowed.agents),
        settings=overrides,
        started_at=started.isoformat(),
        since=(since or started).isoformat(),
        processes=tuple(processes),
    )
    _save(state_dir, run)
    return run


def stop_shadow(state_dir: Path, name: str) -> ShadowRun:
    """Stop the run's workers (all at once); its record and topics stay, so it can still be diffed."""
    run = shadow_run(state_dir, name)
    alive = run.alive
    with ThreadPoolExecutor(max_workers=max(1, len(alive))) as pool:
        list(pool.map(lambda p: stop_process(p.pid), alive))
    for process in run.processes:  # a worker killed hard leaves its target file behind
        forget_metrics_target(state_dir, process.pid)
    stopped = replace(run, stopped_at=run.stopped_at or datetime.now(UTC).isoformat())
    _save(state_dir, stopped)
    return stopped
