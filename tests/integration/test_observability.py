"""Every agent serves metrics and probes, counts the claims that flowed, and a real Prometheus scrapes it."""

from __future__ import annotations

import json
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Mapping
from pathlib import Path

import pytest
from prometheus_client.parser import text_string_to_metric_families

from streams import agent_processes, devstack_prometheus
from tests.fixtures.browser import CHROMIUM_ARGS, require_chromium, screenshot_folders
from tests.fixtures.paths import ROOT
from tests.fixtures.pipeline import Pipeline
from tests.fixtures.waiting import NotYet, eventually

pytestmark = pytest.mark.integration

CLAIMS = 3


def get(url: str) -> tuple[int, str]:
    try:
        with urllib.request.urlopen(url, timeout=10) as response:
            return int(response.status), response.read().decode()
    except urllib.error.HTTPError as exc:
        return exc.code, exc.read().decode()


def sample(address: str, name: str, labels: Mapping[str, str]) -> float:
    """One sample of a worker's /metrics (0 when the series does not exist yet)."""
    status, text = get(f"http://{address}/metrics")
    assert status == 200
    for family in text_string_to_metric_families(text):
        for s in family.samples:
            if s.name == name and all(s.labels.get(k) == v for k, v in labels.items()):
                return float(s.value)
    return 0.0


def addresses(pipeline: Pipeline) -> dict[str, str]:
    """Each agent's (first replica's) metrics address, once every worker published one."""
    found = {}
    for process in agent_processes.running(pipeline.state_dir):
        if process.alive and process.replica == 0:
            address = process.metrics_address(pipeline.state_dir)
            if address is None:
                raise NotYet(f"{process.name} has not published its metrics address")
            found[process.name] = address
    return found


def test_agents_count_the_claims_that_flowed_and_prometheus_scrapes_every_agent(
    pipeline: Pipeline, tmp_path: Path
) -> None:
    workers = eventually(lambda: addresses(pipeline), timeout_s=60)
    assert set(workers) == set(pipeline.topology.agents)

    def all_ready() -> None:
        waiting = {name: get(f"http://{a}/readyz") for name, a in workers.items()}
        if any(status != 200 for status, _ in waiting.values()):
            raise NotYet(f"not ready: {waiting}")

    eventually(all_ready, timeout_s=240)  # the first test of a session meets cold agents
    assert get(f"http://{workers['reporter']}/livez")[0] == 200

    ingested = {"agent": "retriever", "topic": "claim.ingested"}
    reported = {"agent": "reporter", "topic": "report.ready"}
    consumed_before = sample(workers["retriever"], "claimflow_events_consumed_total", ingested)
    emitted_before = sample(workers["reporter"], "claimflow_events_emitted_total", reported)
    latency_before = sample(
        workers["reporter"], "claimflow_chain_latency_seconds_count", {"agent": "reporter"}
    )

    claims = [
        pipeline.submit([pipeline.corpus.claims_dir / row["file"]], region=row["region"]).claim_id
        for row in pipeline.truth[:CLAIMS]
    ]
    assert len(pipeline.reports(claims, timeout_s=180)) == CLAIMS

    def counted() -> None:
        emitted = sample(workers["reporter"], "claimflow_events_emitted_total", reported) - emitted_before
        if emitted < CLAIMS:
            raise NotYet(f"reporter counted {emitted} of {CLAIMS}")

    eventually(counted, timeout_s=30)
    assert (
        sample(workers["retriever"], "claimflow_events_consumed_total", ingested) - consumed_before == CLAIMS
    )
    assert sample(workers["reporter"], "claimflow_events_emitted_total", reported) - emitted_before == CLAIMS
    # Each report's end-to-end latency, from its claim.ingested record to the report confirmed.
    latency = sample(workers["reporter"], "claimflow_chain_latency_seconds_count", {"agent": "reporter"})
    assert latency - latency_before == CLAIMS

    prometheus = devstack_prometheus.up(pipeline.state_dir)
    try:

        def query(expr: str) -> list[dict[str, object]]:
            url = f"{prometheus.url}/api/v1/query?" + urllib.parse.urlencode({"query": expr})
            status, body = get(url)
            assert status == 200, (expr, body)
            return list(json.loads(body)["data"]["result"])

        def every_agent_up() -> None:
            up = {r["metric"]["agent"]: r["value"][1] for r in query('up{job="claimflow-agents"}')}  # type: ignore[index]
            if set(up) != set(workers) or set(up.values()) != {"1"}:
                raise NotYet(f"scraped so far: {up}")

        eventually(every_agent_up, timeout_s=60)
        [total] = query('sum(claimflow_events_emitted_total{agent="reporter", topic="report.ready"})')
        assert float(total["value"][1]) >= CLAIMS  # type: ignore[index]
        # Every dashboard query is PromQL this Prometheus accepts.
        dashboard = json.loads((ROOT / "infra" / "grafana" / "claimflow.json").read_text())
        for panel in dashboard["panels"]:
            for target in panel["targets"]:
                query(target["expr"].replace("$__rate_interval", "1m"))
        _screenshot_prometheus(prometheus.url, set(workers), tmp_path)
    finally:
        devstack_prometheus.down(pipeline.state_dir)


def _screenshot_prometheus(url: str, agents: set[str], tmp_path: Path) -> None:
    """Prometheus's own page in headless Chromium, showing the events each agent consumed (real data)."""
    chromium = require_chromium()
    from playwright.sync_api import sync_playwright

    expr = "sum by (agent) (claimflow_events_consumed_total)"
    page_url = f"{url}/graph?" + urllib.parse.urlencode(
        {"g0.expr": expr, "g0.tab": "1", "g0.range_input": "15m"}
    )
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=str(chromium), args=CHROMIUM_ARGS)
        try:
            page = browser.new_page(viewport={"width": 1280, "height": 720})
            page.set_default_timeout(30_000)
            page.goto(page_url)
            table = page.locator("table").first
            for agent in ("retriever", "reporter"):
                table.get_by_text(f'agent="{agent}"', exact=False).first.wait_for()
            shown = table.inner_text()
            assert all(
                agent in shown for agent in agents & {"retriever", "extractor", "validator", "reporter"}
            )
            for folder in screenshot_folders(tmp_path, "CLAIMFLOW_OBSERVABILITY_SCREENSHOTS"):
                folder.mkdir(parents=True, exist_ok=True)
                page.screenshot(path=str(folder / "prometheus.png"), full_page=True)
        finally:
            browser.close()
