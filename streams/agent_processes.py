"""Agent worker processes on one machine: what `claimflow agents up|down|status` and the tests manage.

Production runs one Deployment per agent (see infra/); locally every agent of
topology.yaml runs as its own detached `python -m streams worker NAME` process.
`replicas` starts more processes of the same agent: they share its Faust app id
(consumer group), so the broker splits the agent's partitions between them, as
scaling a Deployment does in production (the bench measures exactly that).
"""

from __future__ import annotations

import json
import os
import sys
import time
import urllib.error
import urllib.request
from collections.abc import Mapping
from concurrent.futures import ThreadPoolExecutor
from dataclasses import asdict, dataclass
from pathlib import Path

import psutil

from streams.devstack import spawn_detached, stop_process
from streams.metrics_server import forget_metrics_target, metrics_targets_dir
from streams.topology import Topology

AGENTS_FILE = "agents.json"


@dataclass(frozen=True)
class AgentProcess:
    """One running agent worker; `replica` tells apart the processes of one agent (0 is the first)."""

    name: str
    pid: int
    log_file: str
    replica: int = 0

    def metrics_address(self, state_dir: Path) -> str | None:
        """`host:port` of the worker's /metrics, /livez and /readyz, once it published them."""
        path = metrics_targets_dir(state_dir) / f"{self.pid}.json"
        try:
            [group] = json.loads(path.read_text())
            return str(group["targets"][0])
        except (OSError, ValueError, KeyError, IndexError):
            return None

    @property
    def alive(self) -> bool:
        try:
            return psutil.Process(self.pid).status() != psutil.STATUS_ZOMBIE
        except psutil.NoSuchProcess:
            return False


def _registry(state_dir: Path) -> Path:
    return state_dir / AGENTS_FILE


def running(state_dir: Path) -> list[AgentProcess]:
    """The agent processes recorded in the state folder (alive or not)."""
    path = _registry(state_dir)
    if not path.exists():
        return []
    return [AgentProcess(**item) for item in json.loads(path.read_text())]


def _save(state_dir: Path, processes: list[AgentProcess]) -> None:
    state_dir.mkdir(parents=True, exist_ok=True)
    _registry(state_dir).write_text(json.dumps([asdict(p) for p in processes], indent=2))


def _log_name(name: str, replica: int) -> str:
    """Replica 0 keeps the historical log name, so `agents up` users find their logs where they were."""
    return f"agent-{name}" if replica == 0 else f"agent-{name}-{replica}"


def start_agents(
    state_dir: Path,
    topology: Topology,
    names: list[str] | None = None,
    env: dict[str, str] | None = None,
    replicas: int | Mapping[str, int] = 1,
) -> list[AgentProcess]:
    """Start every named agent (default: all) that is not already running; idempotent.

    Args:
        state_dir: The stack's state folder; the registry and logs live there.
        topology: Declares the agents.
        names: Agents to start; None starts all of them.
        env: Extra environment for the workers (on top of this process's).
        replicas: Worker processes per agent, one number for all or per agent name (default 1).
            Replicas beyond an agent's input partitions only wait as hot standbys.
    """
    wanted = names or list(topology.agents)
    for name in wanted:
        topology.agent(name)  # a clear error for an unknown agent
    current = {(p.name, p.replica): p for p in running(state_dir) if p.alive}
    environment = {**os.environ, **(env or {}), "CLAIMFLOW_STATE_DIR": str(state_dir)}
    for name in wanted:
        count = replicas if isinstance(replicas, int) else replicas.get(name, 1)
        if count < 1:
            raise ValueError(f"replicas for {name!r} must be >= 1, got {count}")
        for replica in range(count):
            if (name, replica) in current:
                continue
            log_name = _log_name(name, replica)
            argv = [sys.executable, "-m", "streams", "worker", name]
            pid = spawn_detached(log_name, argv, state_dir, environment)
            log_file = str(state_dir / "logs" / f"{log_name}.log")
            current[(name, replica)] = AgentProcess(name, pid, log_file, replica)
    processes = list(current.values())
    _save(state_dir, processes)
    return processes


def stop_agents(state_dir: Path) -> list[str]:
    """Stop every recorded agent process, all at once (Faust takes seconds each); returns the names."""
    alive = [p for p in running(state_dir) if p.alive]
    with ThreadPoolExecutor(max_workers=max(1, len(alive))) as pool:
        list(pool.map(lambda p: stop_process(p.pid), alive))
    for process in running(state_dir):  # a worker killed hard leaves its target file behind
        forget_metrics_target(state_dir, process.pid)
    _registry(state_dir).unlink(missing_ok=True)
    return [p.name for p in alive]


def not_ready(state_dir: Path, processes: list[AgentProcess]) -> dict[str, str]:
    """Each process that is not ready to process yet, with why (its `/readyz` answer, or that it
    has not published its probe address, or that it exited)."""
    waiting: dict[str, str] = {}
    for process in processes:
        label = f"{process.name}[{process.replica}]"
        if not process.alive:
            waiting[label] = f"exited (log: {process.log_file})"
            continue
        address = process.metrics_address(state_dir)
        if address is None:
            waiting[label] = "starting (no /readyz yet)"
            continue
        try:
            with urllib.request.urlopen(f"http://{address}/readyz", timeout=2) as answer:
                if answer.status != 200:
                    waiting[label] = answer.read().decode(errors="replace")[:200]
        except urllib.error.HTTPError as exc:
            waiting[label] = exc.read().decode(errors="replace")[:200]
        except (urllib.error.URLError, OSError) as exc:
            waiting[label] = f"/readyz does not answer ({exc})"
    return waiting


def wait_ready(state_dir: Path, processes: list[AgentProcess], *, timeout_s: float) -> None:
    """Block until every process answers `/readyz` with 200; `TimeoutError` naming the laggards."""
    deadline = time.monotonic() + timeout_s
    while waiting := not_ready(state_dir, processes):
        if time.monotonic() > deadline or any(why.startswith("exited") for why in waiting.values()):
            raise TimeoutError(f"agents not ready after {timeout_s:g} s: {waiting}")
        time.sleep(0.5)
