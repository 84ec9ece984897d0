"""Applying a schedule to a running stack: kill and restart agents and services, as an operator would.

Everything goes through what the project already has: `streams.agent_processes` starts agents
(and a second worker of one), `streams.devstack.stop_process` stops one with SIGTERM,
`streams.devstack.up` (what `claimflow dev up` runs) starts a stopped service again on its old
port. Only the kill itself, and the pause and resume of the S3 server, are bare signals.
"""

from __future__ import annotations

import logging
import os
import signal
import threading
import time
from collections.abc import Callable, Mapping, Sequence
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

from agents.tools.chaos.schedule import (
    AGENT_KILL,
    AGENT_TERM,
    BROKER_KILL,
    PAUSED_SERVICES,
    REBALANCE,
    S3_KILL,
    SERVICE_STOP,
    Fault,
)
from streams import Topology, agent_processes, devstack

log = logging.getLogger(__name__)


def now_ms() -> int:
    """Wall-clock milliseconds: the clock of the Kafka timestamps the faults are compared with."""
    return int(time.time() * 1000)


@dataclass(frozen=True)
class Applied:
    """A fault as it happened: when it was applied and healed (epoch ms), and what was hit."""

    fault: Fault
    injected_ms: int
    healed_ms: int
    detail: str
    error: str | None = None

    def to_json(self) -> dict[str, Any]:
        return {**asdict(self), "fault": self.fault.to_json()}


@dataclass(frozen=True)
class Exit:
    """An agent process that ended without being told to: when, which, and its exit status."""

    at_ms: int
    agent: str
    pid: int
    status: int | None

    def describe(self) -> str:
        return f"{self.agent} (pid {self.pid}) exited with status {self.status}"


class Injector:
    """Applies faults to the agents and services of one stack, and restarts agents that die on their own.

    The restart is what a supervisor does in production (a Deployment restarts its pod); every such
    exit is recorded, because an agent that dies of a fault it should have waited out is a finding.
    """

    def __init__(self, state_dir: Path, topology: Topology, env: Mapping[str, str]) -> None:
        self.state_dir = state_dir
        self.topology = topology
        self.env = dict(env)
        self.exits: list[Exit] = []
        self._held: set[str] = set()  # agents this injector has down on purpose right now
        self._lock = threading.Lock()

    def supervise(self) -> list[Exit]:
        """Restart every agent process that ended on its own (not one held down by a fault)."""
        found = []
        with self._lock:
            for process in agent_processes.running(self.state_dir):
                if process.alive or process.name in self._held or process.replica != 0:
                    continue
                found.append(Exit(now_ms(), process.name, process.pid, devstack.exit_status(process.pid)))
                self._restart(process.name)
        self.exits.extend(found)
        return found

    def _agent(self, name: str, replica: int = 0) -> agent_processes.AgentProcess | None:
        for process in agent_processes.running(self.state_dir):
            if process.name == name and process.replica == replica and process.alive:
                return process
        return None

    def _restart(self, name: str) -> int:
        started = agent_processes.start_agents(self.state_dir, self.topology, names=[name], env=self.env)
        return next(p.pid for p in started if p.name == name and p.replica == 0)

    def _stack_pid(self, service: str) -> int:
        stack = devstack.load(self.state_dir)
        if stack is None or service not in stack.pids:
            raise RuntimeError(f"no {service} recorded in {self.state_dir}")
        return stack.pids[service]

    def apply(self, fault: Fault, wait: Callable[[float], bool]) -> Applied:
        """Apply `fault`, hold it with `wait(seconds)` (False: the run is ending, heal now), heal it."""
        injected = now_ms()
        try:
            detail = self._apply(fault, wait)
            error = None
        except Exception as exc:  # the run goes on and the result says what could not be done
            log.exception("fault %s on %s failed", fault.kind, fault.target)
            detail, error = "", f"{type(exc).__name__}: {exc}"
        return Applied(fault, injected, now_ms(), detail, error)

    def _apply(self, fault: Fault, wait: Callable[[float], bool]) -> str:
        if fault.kind in (AGENT_KILL, AGENT_TERM):
            with self._lock:
                victim = self._agent(fault.target)
                self._held.add(fault.target)
            try:
                if victim is None:
                    return f"{fault.target} was not running; started"
                if fault.kind == AGENT_KILL:
                    os.kill(victim.pid, signal.SIGKILL)
                else:
                    devstack.stop_process(victim.pid)  # SIGTERM, SIGKILL only after 10 s
                wait(fault.hold_s)
            finally:
                with self._lock:
                    self._held.discard(fault.target)
                    restarted = self._restart(fault.target)
            return f"pid {victim.pid if victim else '-'} → {restarted}"
        if fault.kind == REBALANCE:
            started = agent_processes.start_agents(
                self.state_dir, self.topology, names=[fault.target], env=self.env, replicas={fault.target: 2}
            )
            second = next(p for p in started if p.name == fault.target and p.replica == 1)
            wait(fault.hold_s)
            devstack.stop_process(second.pid)
            return f"second worker pid {second.pid} joined and left"
        if fault.kind == SERVICE_STOP and fault.target in PAUSED_SERVICES:
            pid = self._stack_pid(fault.target)
            os.kill(pid, signal.SIGSTOP)
            try:
                wait(fault.hold_s)
            finally:
                os.kill(pid, signal.SIGCONT)
            return f"pid {pid} paused and resumed"
        if fault.kind in (SERVICE_STOP, BROKER_KILL, S3_KILL):
            service = {BROKER_KILL: "kafka", S3_KILL: "s3"}.get(fault.kind, fault.target)
            pid = self._stack_pid(service)
            os.kill(pid, signal.SIGKILL)
            wait(fault.hold_s)
            stack = devstack.up(self.state_dir)
            return f"pid {pid} → {stack.pids[service]}"
        raise ValueError(f"unknown fault kind {fault.kind!r}")


class FaultRunner(threading.Thread):
    """Runs a schedule in the background; `stop()` heals the fault in progress and skips the rest."""

    def __init__(self, injector: Injector, faults: Sequence[Fault], on_fault: Callable[[str], None]) -> None:
        super().__init__(name="chaos-faults", daemon=True)
        self.injector = injector
        self.faults = list(faults)
        self.on_fault = on_fault
        self.applied: list[Applied] = []
        self.started_ms = 0
        self._stopping = threading.Event()

    def _wait(self, seconds: float) -> bool:
        """The schedule's own clock: True when the time passed, False when the run is ending."""
        return not self._stopping.wait(max(0.0, seconds))

    def run(self) -> None:
        self.started_ms = now_ms()
        late_ms = 0.0  # how far healing ran past the plan (an S3 replay takes minutes): keeps the gaps
        for fault in self.faults:
            due = self.started_ms + fault.at_s * 1000 + late_ms
            if not self._wait((due - now_ms()) / 1000):
                return
            self.on_fault(fault.describe())
            applied = self.injector.apply(fault, self._wait)
            self.applied.append(applied)
            late_ms = max(late_ms, applied.healed_ms - (self.started_ms + (fault.at_s + fault.hold_s) * 1000))

    def stop(self) -> None:
        self._stopping.set()
        self.join()
