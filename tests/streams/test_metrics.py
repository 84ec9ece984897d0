"""The platform's metrics and probes: what the processor counts, the breaker gauge, lag, the HTTP server.

The processor is driven by the broker-free harness over the toy topology of
`test_processing`; counters are process-wide, so each test compares before and after.
"""

from __future__ import annotations

import time
from pathlib import Path

import aiohttp
import pytest
from prometheus_client import REGISTRY

from streams import Dependency, RetryPolicy, Settings
from streams.agent_processes import AgentProcess
from streams.dead_letter import Coordinates
from streams.errors import DependencyUnavailable
from streams.metrics import consumer_lag, set_consumer_lag
from streams.metrics_server import MetricsServer, forget_metrics_target, publish_metrics_target
from streams.processing import CHAIN_START_HEADER, Inbound
from tests.streams.test_processing import Doubler, harness, make_settings, ping


def value(name: str, **labels: str) -> float:
    return REGISTRY.get_sample_value(name, labels) or 0.0


@pytest.fixture
def settings(tmp_path: Path) -> Settings:
    return make_settings(tmp_path)


async def test_the_processor_counts_events_in_and_out_errors_and_dead_letters(settings: Settings) -> None:
    Doubler.flaky_left = 1  # n = 7 fails once, then works
    consumed = value("claimflow_events_consumed_total", agent="doubler", topic="ping")
    emitted = value("claimflow_events_emitted_total", agent="doubler", topic="pong")
    poison = value("claimflow_dead_letters_total", agent="doubler", topic="ping", error_type="Poison")
    undecodable = value(
        "claimflow_dead_letters_total", agent="doubler", topic="ping", error_type="DecodeError"
    )
    flaky = value("claimflow_agent_errors_total", agent="doubler", error_type="Flaky")
    batches = value("claimflow_agent_batch_size_count", agent="doubler")
    batch_records = value("claimflow_agent_batch_size_sum", agent="doubler")
    handled = value("claimflow_agent_handle_seconds_count", agent="doubler")

    h = harness(settings)
    await h.deliver(ping(1), ping(13), b"\x00garbage", ping(7))

    assert [p["n"] for p in h.emitted("pong")] == [2, 14]
    assert value("claimflow_events_consumed_total", agent="doubler", topic="ping") == consumed + 4
    assert value("claimflow_events_emitted_total", agent="doubler", topic="pong") == emitted + 2
    assert (
        value("claimflow_dead_letters_total", agent="doubler", topic="ping", error_type="Poison")
        == poison + 1
    )
    assert (
        value("claimflow_dead_letters_total", agent="doubler", topic="ping", error_type="DecodeError")
        == undecodable + 1
    )
    assert value("claimflow_agent_errors_total", agent="doubler", error_type="Flaky") == flaky + 1
    assert value("claimflow_agent_batch_size_count", agent="doubler") == batches + 1
    assert value("claimflow_agent_batch_size_sum", agent="doubler") == batch_records + 4
    assert value("claimflow_agent_handle_seconds_count", agent="doubler") == handled + 1


async def test_a_chains_start_is_the_heads_log_time_and_travels_with_every_output(settings: Settings) -> None:
    h = harness(settings)
    head_ms = int(time.time() * 1000) - 3_000
    first = Inbound(
        at=Coordinates("ping", 0, 0, head_ms), key=b"C1", value=h.record(ping(1)).value, headers=()
    )
    chained = Inbound(
        at=Coordinates("ping", 1, 5, head_ms + 1_000),
        key=b"C2",
        value=h.record(ping(2)).value,
        headers=((CHAIN_START_HEADER, b"1000"),),
    )
    slow = value("claimflow_chain_latency_seconds_bucket", agent="doubler", le="+Inf") - value(
        "claimflow_chain_latency_seconds_bucket", agent="doubler", le="2.5"
    )
    await h.deliver(first, chained)
    starts = [dict(s.headers)[CHAIN_START_HEADER] for s in h.outbox.sent]
    assert starts == [str(head_ms).encode(), b"1000"]
    # Both outputs are older than 2.5 s: one 3 s after its head, one decades after 1970.
    assert (
        value("claimflow_chain_latency_seconds_bucket", agent="doubler", le="+Inf")
        - value("claimflow_chain_latency_seconds_bucket", agent="doubler", le="2.5")
        == slow + 2
    )
    assert h.processor.done == {("ping", 0): 1, ("ping", 1): 6}


def test_consumer_lag_is_the_end_offset_past_the_next_offset_to_process() -> None:
    ends = {("a", 0): 10, ("a", 1): 4, ("b", 0): 7}
    lag = consumer_lag([("a", 0), ("a", 1), ("c", 0)], ends, {("a", 0): 6, ("a", 1): 4})
    assert lag == {("a", 0): 4, ("a", 1): 0}  # ("c", 0): no end known, so no sample
    assert consumer_lag([("b", 0)], ends, {}) == {("b", 0): 7}  # nothing processed yet
    set_consumer_lag("lagger", lag)
    assert value("claimflow_consumer_lag", agent="lagger", topic="a", partition="0") == 4
    set_consumer_lag("lagger", {("a", 1): 2})  # a rebalance took a/0 away
    assert (
        REGISTRY.get_sample_value(
            "claimflow_consumer_lag", {"agent": "lagger", "topic": "a", "partition": "0"}
        )
        is None
    )


async def test_the_breaker_gauge_follows_the_breaker() -> None:
    dep = Dependency(
        "gauge-test", RetryPolicy(timeout_s=1, attempts=1, breaker_fail_max=2, breaker_reset_s=60)
    )
    assert value("claimflow_breaker_open", dependency="gauge-test") == 0

    async def refuse() -> None:
        raise ConnectionRefusedError("nobody there")

    for _ in range(2):
        with pytest.raises(DependencyUnavailable):
            await dep.call(refuse)
    assert dep.is_open
    assert value("claimflow_breaker_open", dependency="gauge-test") == 1


async def test_the_server_serves_metrics_liveness_and_readiness_on_a_port_it_picked(tmp_path: Path) -> None:
    reasons = ["the consumer has not joined its group yet"]
    server = MetricsServer("127.0.0.1", 0, lambda: reasons)
    port = await server.start()
    try:
        assert port > 0
        base = f"http://127.0.0.1:{port}"
        async with aiohttp.ClientSession(timeout=aiohttp.ClientTimeout(total=10)) as http:
            async with http.get(f"{base}/metrics") as response:
                assert response.status == 200
                assert "claimflow_events_consumed_total" in await response.text()
            async with http.get(f"{base}/livez") as response:
                assert response.status == 200
            async with http.get(f"{base}/readyz") as response:
                assert response.status == 503
                assert "has not joined" in await response.text()
            reasons.clear()
            async with http.get(f"{base}/readyz") as response:
                assert response.status == 200
            async with http.get(f"{base}/nowhere") as response:
                assert response.status == 404
    finally:
        await server.stop()
    with pytest.raises(aiohttp.ClientConnectionError):
        async with aiohttp.ClientSession() as http, http.get(f"http://127.0.0.1:{port}/livez"):
            pass


def test_a_published_target_is_what_agents_status_shows_and_is_withdrawn(tmp_path: Path) -> None:
    process = AgentProcess("reporter", 4242, "log")
    assert process.metrics_address(tmp_path) is None
    path = publish_metrics_target(tmp_path, "reporter", 4242, "127.0.0.1:5555")
    assert path.name == "4242.json"
    assert process.metrics_address(tmp_path) == "127.0.0.1:5555"
    assert [p.name for p in path.parent.iterdir()] == ["4242.json"]  # no temporary file left
    forget_metrics_target(tmp_path, 4242)
    assert process.metrics_address(tmp_path) is None
