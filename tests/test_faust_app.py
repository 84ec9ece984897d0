"""The agents' Faust consumers wait for records only as long as settings say (Faust alone waits 1.5 s)."""

from __future__ import annotations

import faust

from streams.faust_app import ClaimFlowApp
from streams.settings import Settings


def _worker_consumer_wait(app: faust.App) -> int:
    consumer = app.consumer._thread._create_worker_consumer(app.transport)  # type: ignore[attr-defined]
    return int(consumer._fetch_max_wait_ms)


async def test_fetch_wait_comes_from_settings() -> None:
    settings = Settings(kafka_fetch_max_wait_ms=40)
    app = ClaimFlowApp(
        "claimflow-test",
        broker="kafka://127.0.0.1:9",
        fetch_max_wait_ms=settings.kafka_fetch_max_wait_ms,
        web_enabled=False,
    )
    assert _worker_consumer_wait(app) == 40


async def test_plain_faust_would_wait_longer() -> None:
    """Guards the reason for ClaimFlowApp: if Faust ever honours a setting, this tells us to drop it."""
    app = faust.App("claimflow-test-plain", broker="kafka://127.0.0.1:9", web_enabled=False)
    assert _worker_consumer_wait(app) > 500
