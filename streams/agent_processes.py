"""Agent worker processes on one machine: what `claimflow agents up|down|status` and the tests manage.

Production runs one Deployment per agent (see infra/); locally every agent of
topology.yaml runs as its own detached `python -m streams worker NAME` process.
"""

from __future__ import annotations

import json
import os
import sys
from dataclasses import asdict, dataclass
from pathlib import Path

import psutil

from streams.devstack import spawn_detached, stop_process
from streams.topology import Topology

AGENTS_FILE = "agents.json"


@dataclass(frozen=True)
class AgentProcess:
    """One running agent worker."""

    name: str
    pid: int
    log_file: str

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


def start_agents(
    state_dir: Path, topology: Topology, names: list[str] | None = None, env: dict[str, str] | None = None
) -> list[AgentProcess]:
    """Start every named agent (default: all) that is not already running; idempotent."""
    wanted = names or list(topology.agents)
    for name in wanted:
        topology.agent(name)  # a clear error for an unknown agent
    current = {p.name: p for p in running(state_dir) if p.alive}
    environment = {**os.environ, **(env or {}), "CLAIMFLOW_STATE_DIR": str(state_dir)}
    for name in wanted:
        if name in current:
            continue
        pid = spawn_detached(
            f"agent-{name}", [sys.executable, "-m", "streams", "worker", name], state_dir, environment
        )
        current[name] = AgentProcess(name, pid, str(state_dir / "logs" / f"agent-{name}.log"))
    processes = list(current.values())
    _save(state_dir, processes)
    return processes


def stop_agents(state_dir: Path) -> list[str]:
    """Stop every recorded agent process; returns the names stopped."""
    stopped = []
    for process in running(state_dir):
        if process.alive:
            stop_process(process.pid)
            stopped.append(process.name)
    _registry(state_dir).unlink(missing_ok=True)
    return stopped
