"""`claimflow bench review-queue`: how fast the reviewers' queue page answers with a large queue.

The figure that matters is the page as a reviewer's browser gets it: an HTTP request to the real
app (uvicorn, the session cookie, the region scoping, the SQL, the Jinja2 rendering) with
100,000 claims pending. The queue is written straight into a fresh database on the given
server (three regions, reasons, amounts, deadlines spread over two days, a tenth leased), the
app is served on a free local port, a reviewer of every region signs in, and each view is
requested repeatedly after a warm-up. The database is dropped afterwards. The machine's load
average is recorded: other processes on a small machine move these figures.
"""

from __future__ import annotations

import asyncio
import json
import math
import os
import random
import statistics
import threading
import time
from datetime import UTC, datetime, timedelta
from decimal import Decimal
from typing import Any
from uuid import uuid4

import asyncpg
import httpx
from pydantic import SecretStr
from rich.console import Console
from rich.table import Table

from agents.review import Reviewer, ReviewSettings, ReviewStore, priority_time
from agents.review.auth import Passwords
from streams import Settings
from streams.devstack import HOST, free_port

REGIONS = ("EU", "US", "APAC")
VIEWS = {
    "deadline, every region": "/queue",
    "one region": "/queue?region=EU",
    "reason failed_rules": "/queue?reason=failed_rules",
    "by priority": "/queue?sort=priority",
    "by amount": "/queue?sort=amount",
    "page 100 (offset 4950)": "/queue?offset=4950",
}
_WARMUP = 5
_PASSWORD = "bench password, not a secret"
_COLUMNS = (
    "claim_id", "region", "status", "revision", "report_status", "reasons", "weakest_field",
    "weakest_confidence", "failed_rules", "confidence", "claimed_amount", "currency", "amount_score",
    "queued_at", "due_at", "priority_at", "source_event_id", "assigned_to", "lease_until",
)  # fmt: skip


def _rows(items: int, seed: int) -> list[tuple[Any, ...]]:
    rng = random.Random(seed)
    now = datetime.now(UTC)
    fields = ("incident_date", "claimed_amount", "policy_number", "reported_on", "damage_type")
    rules = ("policy_exists", "policy_active", "no_duplicate", "reported_in_time", "amount_within_limit")
    found = []
    for n in range(items):
        failed = rng.sample(rules, k=rng.choice((0, 0, 1, 2)))
        reasons = (["weak_field"] if rng.random() < 0.8 or not failed else []) + (
            ["failed_rules"] if failed else []
        )
        qa = rng.random() < 0.03
        queued = now - timedelta(minutes=rng.uniform(0, 48 * 60))
        amount = Decimal(f"{math.exp(rng.uniform(3, 11)):.2f}")
        score = min(7.0, math.log10(1 + float(amount)))
        due = queued + timedelta(hours=72 if qa else 24)
        leased = rng.random() < 0.1
        found.append(
            (
                f"CLM-BENCH-{n:07d}", rng.choice(REGIONS), "pending", 1,
                "auto_approved" if qa else "needs_review", ["qa_sample"] if qa else reasons,
                rng.choice(fields), round(rng.uniform(0.3, 0.89), 2), failed,
                round(rng.uniform(0.2, 0.89), 2), amount, "EUR", score, queued, due,
                priority_time(due, score), str(uuid4()), "someone" if leased else None,
                now + timedelta(minutes=10) if leased else None,
            )
        )  # fmt: skip
    return found


async def _fill(dsn: str, items: int, seed: int) -> float:
    started = time.perf_counter()
    async with ReviewStore(dsn) as store:
        hashed = Passwords().hash(_PASSWORD)
        everyone = Reviewer(user_id="bench", display_name="Bench", roles=("reviewer",), regions=REGIONS)
        await store.save_reviewer(everyone, hashed)
        async with store.pool.acquire() as conn:
            await conn.copy_records_to_table(
                "review_item", records=_rows(items, seed), columns=list(_COLUMNS)
            )
            await conn.execute("ANALYZE review_item")
    return time.perf_counter() - started


class _Server:
    """The review app under uvicorn in a thread of this process, on a free local port."""

    def __init__(self, settings: Settings) -> None:
        import uvicorn

        from agents.review.web import create_app

        app = create_app(settings, section=ReviewSettings(review_token_secret=SecretStr("b" * 40)))
        self.port = free_port()
        self.server = uvicorn.Server(uvicorn.Config(app, host=HOST, port=self.port, log_level="warning"))
        self.thread = threading.Thread(target=self.server.run, daemon=True)

    def __enter__(self) -> str:
        self.thread.start()
        deadline = time.monotonic() + 60
        while not self.server.started:
            if time.monotonic() > deadline or not self.thread.is_alive():
                raise RuntimeError("the review app did not start")
            time.sleep(0.05)
        return f"http://{HOST}:{self.port}"

    def __exit__(self, *_: object) -> None:
        self.server.should_exit = True
        self.thread.join(timeout=30)


def _percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, max(0, math.ceil(q * len(ordered)) - 1))]


def _time_views(url: str, requests: int) -> dict[str, dict[str, float]]:
    figures: dict[str, dict[str, float]] = {}
    with httpx.Client(base_url=url, timeout=30, follow_redirects=False) as client:
        signed = client.post("/login", data={"username": "bench", "password": _PASSWORD})
        if signed.status_code != 303:
            raise RuntimeError(f"the bench reviewer could not sign in: {signed.status_code}")
        for name, path in VIEWS.items():
            for _ in range(_WARMUP):
                client.get(path).raise_for_status()
            times = []
            for _ in range(requests):
                started = time.perf_counter()
                answer = client.get(path)
                times.append((time.perf_counter() - started) * 1000)
                answer.raise_for_status()
            figures[name] = {
                "p50_ms": round(statistics.median(times), 1),
                "p95_ms": round(_percentile(times, 0.95), 1),
                "max_ms": round(max(times), 1),
                "bytes": len(answer.content),
            }
    return figures


def _with_database(dsn: str, name: str) -> str:
    from urllib.parse import urlsplit, urlunsplit

    return urlunsplit(urlsplit(dsn)._replace(path=f"/{name}"))


def measure(settings: Settings, *, dsn: str, items: int, requests: int, seed: int) -> dict[str, Any]:
    """Fill a fresh database with `items` pending claims, serve the app on it, time each view; drop it."""
    name = f"bench_review_{uuid4().hex[:10]}"

    async def admin(sql: str) -> None:
        conn = await asyncpg.connect(dsn)
        try:
            await conn.execute(sql)
        finally:
            await conn.close()

    asyncio.run(admin(f'CREATE DATABASE "{name}"'))
    try:
        bench_dsn = _with_database(dsn, name)
        fill_s = asyncio.run(_fill(bench_dsn, items, seed))
        with _Server(settings.model_copy(update={"postgres_dsn": SecretStr(bench_dsn)})) as url:
            views = _time_views(url, requests)
    finally:
        asyncio.run(admin(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
    return {
        "items": items,
        "requests_per_view": requests,
        "fill_s": round(fill_s, 1),
        "views": views,
        "load_average": list(os.getloadavg()),
        "cpus": os.cpu_count(),
        "measured_at": datetime.now(UTC).isoformat(timespec="seconds"),
    }


def print_table(console: Console, figures: dict[str, Any]) -> None:
    title = (
        f"queue page with {figures['items']:,} pending claims ({figures['requests_per_view']} requests each)"
    )
    table = Table(title=title)
    for column in ("view", "p50 ms", "p95 ms", "max ms", "page KB"):
        table.add_column(column, justify="left" if column == "view" else "right")
    for view, f in figures["views"].items():
        kb = f"{f['bytes'] / 1024:.0f}"
        table.add_row(view, f"{f['p50_ms']:.1f}", f"{f['p95_ms']:.1f}", f"{f['max_ms']:.1f}", kb)
    console.print(table)
    load = ", ".join(f"{x:.1f}" for x in figures["load_average"])
    console.print(f"filled in {figures['fill_s']} s; load average {load} on {figures['cpus']} CPUs")


def dumps(figures: dict[str, Any]) -> str:
    return json.dumps(figures, indent=2) + "\n"
