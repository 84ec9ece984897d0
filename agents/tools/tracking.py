"""Following submitted claims until their reports are stored (for the demo, the bench and the tests)."""

from __future__ import annotations

import asyncio
import time
from collections.abc import Callable, Collection

from agents.stores import ReportStore, StoredReport


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
