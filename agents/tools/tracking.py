"""A tool's own pipeline run: a state folder of its own, and following submitted claims until their
reports are stored (for the demo, the bench, the evaluation and the tests)."""

from __future__ import annotations

import asyncio
import time
from collections.abc import Callable, Collection
from pathlib import Path

from agents.stores import ReportStore, StoredReport
from streams import agent_processes, devstack


def fresh_state_dir(state_dir: Path, marker: str, owner: str, error: type[Exception]) -> Path:
    """Empty a tool's own state folder (stopping what runs there); refuse one the tool did not create.

    Args:
        state_dir: The folder; created when missing.
        marker: The file that marks a folder as the tool's.
        owner: The command, for the marker's text and the error.
        error: Raised, naming the folder, when it holds something without the marker.
    """
    state_dir = state_dir.resolve()
    if state_dir.exists() and any(state_dir.iterdir()):
        if not (state_dir / marker).exists():
            raise error(f"{state_dir} is not a state folder of `{owner}` (no {marker}); choose another")
        agent_processes.stop_agents(state_dir)
        devstack.down(state_dir, purge=True)
    state_dir.mkdir(parents=True, exist_ok=True)
    (state_dir / marker).write_text(f"state of `{owner}`; deleted and recreated by every run\n")
    return state_dir


class ReportsTimeout(TimeoutError):
    """Not every claim had a report before the deadline."""


async def wait_for_reports(
    store: ReportStore,
    claim_ids: Collection[str],
    *,
    timeout_s: float,
    on_progress: Callable[[int], None] = lambda _: None,
    poll_s: float = 0.25,
) -> dict[str, StoredReport]:
    """Poll PostgreSQL until every claim has a report; `ReportsTimeout` names the missing ones."""
    wanted = set(claim_ids)
    found: dict[str, StoredReport] = {}
    deadline = time.monotonic() + timeout_s
    while True:
        missing = sorted(wanted - found.keys())
        for start in range(0, len(missing), 500):
            chunk = missing[start : start + 500]
            for report in await store.list(chunk, limit=len(chunk)):
                found[report.claim_id] = report
        on_progress(len(found))
        if len(found) == len(wanted):
            return found
        if time.monotonic() > deadline:
            left = sorted(wanted - found.keys())
            raise ReportsTimeout(
                f"{len(left)} of {len(wanted)} claims have no report after {timeout_s}s: {left[:5]}"
            )
        await asyncio.sleep(poll_s)
