"""infra/compose.yaml, read as YAML: every agent has a service, every address names a service."""

from __future__ import annotations

import re
from typing import Any
from urllib.parse import urlsplit

import pytest
import yaml

from streams.topology import Topology, load_topology
from tests.fixtures.paths import ROOT, TOPOLOGY

COMPOSE = ROOT / "infra" / "compose.yaml"
# Settings that hold an address, and the service each must point at.
ADDRESSES = {
    "CLAIMFLOW_KAFKA_BOOTSTRAP": "kafka",
    "CLAIMFLOW_POSTGRES_DSN": "postgres",
    "CLAIMFLOW_REDIS_URL": "redis",
    "CLAIMFLOW_MILVUS_URI": "milvus",
    "CLAIMFLOW_S3_ENDPOINT_URL": "minio",
    "ETCD_ENDPOINTS": "etcd",
    "MINIO_ADDRESS": "minio",
}


@pytest.fixture(scope="module")
def services() -> dict[str, dict[str, Any]]:
    return yaml.safe_load(COMPOSE.read_text())["services"]


@pytest.fixture(scope="module")
def topology() -> Topology:
    return load_topology(TOPOLOGY)


def _host(value: str) -> str:
    """The host of `kafka:9092`, `http://milvus:19530` or `postgresql://user:${PW}@postgres:5432/db`.

    `${VAR:?message}` is what compose interpolates from infra/.env; it stands for a plain value here.
    """
    value = re.sub(r"\$\{[^}]*\}", "value", value)
    return urlsplit(value if "://" in value else f"tcp://{value}").hostname or ""


def _workers(services: dict[str, dict[str, Any]]) -> dict[str, str]:
    """Service name → the agent its `claimflow worker AGENT` runs."""
    return {name: s["command"][1] for name, s in services.items() if s.get("command", [None])[0] == "worker"}


def test_every_agent_of_the_topology_has_a_worker_service(
    services: dict[str, dict[str, Any]], topology: Topology
) -> None:
    workers = {agent: name for name, agent in _workers(services).items()}
    assert sorted(workers) == sorted(topology.agents)
    for service in workers.values():
        assert {"kafka", "postgres", "redis", "milvus"} <= set(services[service]["depends_on"])


def test_the_production_services_are_there(services: dict[str, dict[str, Any]]) -> None:
    images = {name: s.get("image", "") for name, s in services.items()}
    assert images["kafka"].startswith("apache/kafka:")
    assert services["kafka"]["environment"]["KAFKA_PROCESS_ROLES"] == "broker,controller"  # KRaft
    assert images["milvus"].startswith("milvusdb/milvus:")
    assert services["milvus"]["command"][-1] == "standalone"
    for name in ("postgres", "redis", "minio", "prometheus", "grafana", "intake-api"):
        assert name in services


def test_every_address_in_the_settings_names_a_compose_service(services: dict[str, dict[str, Any]]) -> None:
    checked = 0
    for name, service in services.items():
        for key, value in (service.get("environment") or {}).items():
            if key in ADDRESSES:
                assert _host(str(value)) == ADDRESSES[key], f"{name}: {key}={value}"
                assert ADDRESSES[key] in services
                checked += 1
            elif key.startswith(("CLAIMFLOW_", "MC_HOST_")) and "://" in str(value):
                # Any other URL a ClaimFlow setting holds names a service too (s3:// names a bucket).
                assert str(value).startswith("s3://") or _host(str(value)) in services, f"{name}: {key}"
    assert checked >= 5 * 9  # the five addresses of every ClaimFlow service


def test_prometheus_scrapes_every_agent_service_on_its_metrics_port(
    services: dict[str, dict[str, Any]], topology: Topology
) -> None:
    config = yaml.safe_load((ROOT / "infra" / "compose" / "prometheus.yml").read_text())
    groups = [group for job in config["scrape_configs"] for group in job["static_configs"]]
    targets = {target for group in groups for target in group["targets"]}
    workers = set(_workers(services))
    port = {s["environment"]["CLAIMFLOW_METRICS_PORT"] for name, s in services.items() if name in workers}
    assert port == {"9400"}
    assert targets == {f"{name}:9400" for name in workers}


def test_no_password_is_written_in_the_compose_file() -> None:
    for line in COMPOSE.read_text().splitlines():
        if line.lstrip().startswith("#"):
            continue
        key, _, value = line.strip().partition(":")
        if any(word in key.upper() for word in ("PASSWORD", "SECRET")):
            assert value.strip().startswith("${"), line
