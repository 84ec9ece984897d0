"""`claimflow chaos` on a short schedule: a few hundred claims through an agent kill -9, a SIGTERM,
a PostgreSQL outage and a broker kill -9, then every invariant of the run's result.

It starts a stack of its own (broker on `s3` storage) and every agent, models included, so it
takes minutes on the 2-core machine, beyond what the CI budget leaves: it runs with
`make chaos-smoke` (`pytest --chaos -m chaos`), and is skipped otherwise. Nothing in it waits on
a clock: the run ends when its heal window finds everything settled (or closes), and only the
result is asserted.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from agents.tools.chaos.runner import ChaosConfig, run_chaos
from agents.tools.chaos.schedule import AGENT_KILL, AGENT_TERM, BROKER_KILL, S3_KILL, SERVICE_STOP, Plan

pytestmark = [pytest.mark.integration, pytest.mark.chaos]

CLAIMS = 200


@pytest.mark.timeout(1500)
def test_a_short_fault_schedule_breaks_no_invariant(tmp_path: Path) -> None:
    plan = Plan(
        agent_kills=1,
        agent_terms=1,
        rebalances=0,
        services=("postgres",),
        broker_kills=1,
        outage_s=15,
        gap_s=(5, 10),
    )
    config = ChaosConfig(claims=CLAIMS, seed=3, garbage=2, unknown_region=1, plan=plan, heal_timeout_s=600)
    result = run_chaos(config, tmp_path / "out", state_dir=tmp_path / "state")

    failed = [f"{i.name}: {i.detail} {i.offenders}" for i in result.invariants if not i.ok]
    assert not failed, failed
    figures = result.figures
    assert figures["reported"] == CLAIMS and figures["lost"] == 0
    assert figures["faults"] == {
        AGENT_KILL: 1,
        AGENT_TERM: 1,
        "worker joins and leaves": 0,
        SERVICE_STOP: 1,
        BROKER_KILL: 1,
        S3_KILL: 0,
    }
    assert not figures["fault_errors"]
    assert figures["dead_letters"]["distinct"] == 3
    assert (tmp_path / "out" / "result.json").exists() and (tmp_path / "out" / "throughput.png").exists()
