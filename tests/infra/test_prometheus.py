"""The alert rules pass `promtool check rules` and their unit tests; the dashboard asks for real series."""

from __future__ import annotations

import importlib
import json
import re
import shutil
import subprocess
from collections.abc import Iterator

import pytest
from prometheus_client import REGISTRY

from streams import devstack_prometheus
from tests.fixtures.paths import ROOT

# Every module that declares ClaimFlow metrics: imported, the registry holds them all.
METRIC_MODULES = (
    "streams.metrics",
    "agents.documents.ocr",
    "agents.extractor.prompt_cache",
    "agents.retrieval.clause_index",
    "agents.retrieval.embedder",
    "agents.reporter.handler",
    "agents.review_queue.handler",
)
PROMETHEUS = ROOT / "infra" / "prometheus"
DASHBOARD = ROOT / "infra" / "grafana" / "claimflow.json"
PROMTOOL = shutil.which("promtool")
needs_promtool = pytest.mark.skipif(
    PROMTOOL is None, reason="promtool is missing: `apt-get install -y prometheus` (make prometheus)"
)
# Series Prometheus itself adds to every scrape target.
SCRAPE_SERIES = {"up"}
SUFFIXES = {"counter": ("_total",), "histogram": ("_bucket", "_count", "_sum"), "gauge": ("",)}


def promtool(*args: str) -> subprocess.CompletedProcess[str]:
    assert PROMTOOL is not None
    return subprocess.run(
        [PROMTOOL, *args], cwd=PROMETHEUS, capture_output=True, text=True, timeout=60, check=False
    )


@needs_promtool
def test_the_alert_rules_are_valid() -> None:
    checked = promtool("check", "rules", "alerts.yml")
    assert checked.returncode == 0, checked.stdout + checked.stderr
    assert "SUCCESS: 6 rules found" in checked.stdout


@needs_promtool
def test_every_alert_fires_in_its_promtool_unit_test() -> None:
    tested = promtool("test", "rules", "alerts_test.yml")
    assert tested.returncode == 0, tested.stdout + tested.stderr
    fired = set(re.findall(r"alertname: (\w+)", (PROMETHEUS / "alerts_test.yml").read_text()))
    rules = set(re.findall(r"- alert: (\w+)", (PROMETHEUS / "alerts.yml").read_text()))
    assert fired == rules  # no rule goes untested


def exported_series() -> set[str]:
    """The names ClaimFlow's metrics appear under in a scrape (counters end in _total, ...)."""
    for module in METRIC_MODULES:
        importlib.import_module(module)
    names: set[str] = set()
    for family in REGISTRY.collect():
        if family.name.startswith("claimflow_"):
            names.update(family.name + suffix for suffix in SUFFIXES.get(family.type, ("",)))
    return names


def dashboard_exprs() -> Iterator[tuple[str, str]]:
    for panel in json.loads(DASHBOARD.read_text())["panels"]:
        for target in panel["targets"]:
            yield panel["title"], target["expr"]


def test_every_dashboard_panel_queries_series_the_code_exports() -> None:
    exported = exported_series()
    assert {"claimflow_events_consumed_total", "claimflow_agent_handle_seconds_bucket"} <= exported
    used: set[str] = set()
    for title, expr in dashboard_exprs():
        names = set(re.findall(r"\b(claimflow_[a-z0-9_]+|up)\b(?=\s*[{\[)])", expr))
        assert names, (title, expr)
        assert names <= exported | SCRAPE_SERIES, (title, sorted(names - exported))
        used |= names
    # Each of the signals has a panel.
    for wanted in (
        "claimflow_agent_handle_seconds_bucket",
        "claimflow_dead_letters_total",
        "claimflow_consumer_lag",
        "claimflow_breaker_open",
        "claimflow_review_overdue_items",
        "claimflow_chain_latency_seconds_bucket",
    ):
        assert wanted in used


def test_the_alert_rules_query_series_the_code_exports() -> None:
    text = (PROMETHEUS / "alerts.yml").read_text()
    names = set(re.findall(r"\b(claimflow_[a-z0-9_]+)\b", text))
    assert names
    assert names <= exported_series(), sorted(names - exported_series())


def test_the_dev_prometheus_scrapes_the_workers_target_files_and_loads_the_rules(tmp_path) -> None:
    config = devstack_prometheus.config(tmp_path)
    [job] = config["scrape_configs"]  # type: ignore[misc]
    assert job["job_name"] == "claimflow-agents"
    assert job["file_sd_configs"][0]["files"] == [str(tmp_path / "metrics-targets" / "*.json")]
    assert config["rule_files"] == [str(PROMETHEUS / "alerts.yml")]
