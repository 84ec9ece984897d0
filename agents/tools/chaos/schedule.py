"""The fault schedule: which fault, on what, when and for how long; drawn from a seed, nothing applied.

Faults run one after another, never overlapping, so the time each kind takes to recover from
is its own and not the sum of two. The order of the kinds and every target and duration come
from `random.Random(seed)`: the same seed and plan give the same schedule, printed before
the run and kept in result.json.
"""

from __future__ import annotations

import random
from collections.abc import Sequence
from dataclasses import asdict, dataclass
from typing import Any

AGENT_KILL = "agent kill -9"
AGENT_TERM = "agent SIGTERM"
REBALANCE = "worker joins and leaves"
SERVICE_STOP = "service stopped"
BROKER_KILL = "broker kill -9"
S3_KILL = "S3 server kill -9"
KINDS = (AGENT_KILL, AGENT_TERM, REBALANCE, SERVICE_STOP, BROKER_KILL, S3_KILL)

# Services whose outage the pipeline must wait out; `s3` is the broker's storage too, so its
# outage stops the broker's writes. PostgreSQL, Redis and Milvus are killed (-9) and started
# again; the S3 server is paused (SIGSTOP) and resumed (SIGCONT): what a real S3 outage is,
# unreachable while keeping everything it acknowledged. Killing it instead (`S3_KILL`, opt-in)
# tests moto's recording and replay, the embedded server's own durability, not ClaimFlow.
OUTAGE_SERVICES = ("postgres", "redis", "milvus", "s3")
PAUSED_SERVICES = frozenset({"s3"})


@dataclass(frozen=True)
class Fault:
    """One fault: applied `at_s` after the schedule starts, healed `hold_s` later.

    `hold_s` is how long a killed agent stays down, a second worker stays in the group, or a
    service or the broker stays stopped.
    """

    at_s: float
    kind: str
    target: str
    hold_s: float

    def to_json(self) -> dict[str, Any]:
        return asdict(self)

    def describe(self) -> str:
        what = {
            AGENT_KILL: f"kill -9 {self.target}, restart after {self.hold_s:.0f} s",
            AGENT_TERM: f"SIGTERM {self.target}, restart after {self.hold_s:.0f} s",
            REBALANCE: f"a second {self.target} worker joins for {self.hold_s:.0f} s, then leaves",
            SERVICE_STOP: (
                f"pause {self.target} (SIGSTOP), resume after {self.hold_s:.0f} s"
                if self.target in PAUSED_SERVICES
                else f"kill -9 {self.target}, start again after {self.hold_s:.0f} s"
            ),
            BROKER_KILL: f"kill -9 the broker, start again after {self.hold_s:.0f} s",
            S3_KILL: f"kill -9 the S3 server, start and replay it after {self.hold_s:.0f} s",
        }[self.kind]
        return f"t+{self.at_s:5.0f} s  {what}"


@dataclass(frozen=True)
class Plan:
    """How many faults of each kind, and their durations (seconds)."""

    agent_kills: int = 4
    agent_terms: int = 2
    rebalances: int = 2
    services: Sequence[str] = OUTAGE_SERVICES
    broker_kills: int = 1
    s3_kills: int = 0
    outage_s: float = 30.0
    agent_down_s: tuple[float, float] = (1.0, 5.0)
    rebalance_s: tuple[float, float] = (15.0, 30.0)
    broker_down_s: float = 5.0
    gap_s: tuple[float, float] = (10.0, 20.0)
    first_at_s: float = 5.0

    def __post_init__(self) -> None:
        unknown = sorted(set(self.services) - set(OUTAGE_SERVICES))
        if unknown:
            raise ValueError(
                f"services {unknown} cannot be stopped; choose from {', '.join(OUTAGE_SERVICES)}"
            )
        counts = (self.agent_kills, self.agent_terms, self.rebalances, self.broker_kills, self.s3_kills)
        if min(counts) < 0:
            raise ValueError("fault counts must not be negative")


def build_schedule(plan: Plan, agents: Sequence[str], seed: int) -> list[Fault]:
    """Every fault of `plan` in a seeded order, targets drawn from `agents`, one after another.

    Args:
        plan: Counts and durations.
        agents: Agents that may be killed or get a second worker.
        seed: Same seed, same plan and agents: same schedule.
    """
    rng = random.Random(seed)
    kinds: list[tuple[str, str | None]] = [(AGENT_KILL, None)] * plan.agent_kills
    kinds += [(AGENT_TERM, None)] * plan.agent_terms
    kinds += [(REBALANCE, None)] * plan.rebalances
    kinds += [(SERVICE_STOP, s) for s in plan.services]
    kinds += [(BROKER_KILL, "kafka")] * plan.broker_kills
    kinds += [(S3_KILL, "s3")] * plan.s3_kills
    if kinds and not agents and any(k in (AGENT_KILL, AGENT_TERM, REBALANCE) for k, _ in kinds):
        raise ValueError("agent faults need at least one agent to target")
    rng.shuffle(kinds)
    faults = []
    at = plan.first_at_s
    for kind, target in kinds:
        if kind in (AGENT_KILL, AGENT_TERM):
            hold = rng.uniform(*plan.agent_down_s)
        elif kind == REBALANCE:
            hold = rng.uniform(*plan.rebalance_s)
        elif kind in (SERVICE_STOP, S3_KILL):
            hold = plan.outage_s
        else:
            hold = plan.broker_down_s
        chosen = target if target is not None else rng.choice(list(agents))
        faults.append(Fault(round(at, 1), kind, chosen, round(hold, 1)))
        at += hold + rng.uniform(*plan.gap_s)
    return faults


def counts_by_kind(faults: Sequence[Fault]) -> dict[str, int]:
    """Faults per kind, every kind listed (zero included), in `KINDS` order."""
    return {kind: sum(1 for f in faults if f.kind == kind) for kind in KINDS}
