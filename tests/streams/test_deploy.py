"""The Kubernetes manifests rendered from topology.yaml: checked in, schema-valid, least privilege."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import kubernetes_validate
import pytest
import yaml
from jsonschema import ValidationError
from typer.testing import CliRunner

from streams.cli import app
from streams.deploy import RenderOptions, render, replica_bound, write
from streams.errors import ConfigurationError
from streams.topology import Topology, load_topology, parse_topology
from tests.fixtures.k8s import validate
from tests.fixtures.paths import ROOT, TOPOLOGY

CHECKED_IN = ROOT / "infra" / "k8s"


@pytest.fixture(scope="module")
def topology() -> Topology:
    return load_topology(TOPOLOGY)


@pytest.fixture(scope="module")
def rendered(topology: Topology) -> dict[str, str]:
    return render(topology)


@pytest.fixture(scope="module")
def objects(rendered: dict[str, str]) -> list[dict[str, Any]]:
    return [doc for text in rendered.values() for doc in yaml.safe_load_all(text)]


def _of(objects: list[dict[str, Any]], kind: str, namespace: str | None = None) -> list[dict[str, Any]]:
    return [
        o
        for o in objects
        if o["kind"] == kind and (namespace is None or o["metadata"].get("namespace") == namespace)
    ]


def _agent_deployments(objects: list[dict[str, Any]]) -> list[tuple[str, dict[str, Any]]]:
    """(agent name, Deployment) for every agent Deployment: the agent is the `worker` argument."""
    found = []
    for deployment in _of(objects, "Deployment"):
        args = deployment["spec"]["template"]["spec"]["containers"][0]["args"]
        if args[0] == "worker":
            found.append((args[1], deployment))
    return found


def test_the_checked_in_manifests_are_the_render_of_topology_yaml(rendered: dict[str, str]) -> None:
    on_disk = {p.relative_to(CHECKED_IN).as_posix(): p.read_text() for p in CHECKED_IN.glob("*/*.yaml")}
    assert sorted(on_disk) == sorted(rendered), "re-render: claimflow infra render --out infra/k8s"
    for name, text in rendered.items():
        assert on_disk[name] == text, f"{name} is stale: claimflow infra render --out infra/k8s"


def test_rendering_twice_gives_the_same_bytes(topology: Topology, rendered: dict[str, str]) -> None:
    assert render(topology) == rendered


def test_every_manifest_matches_its_kubernetes_or_crd_schema(objects: list[dict[str, Any]]) -> None:
    kinds = {o["kind"] for o in objects}
    assert {"Deployment", "KafkaUser", "ScaledObject", "NetworkPolicy", "PodDisruptionBudget"} <= kinds
    for obj in objects:
        validate(obj)


def test_the_validators_refuse_a_misspelt_field() -> None:
    deployment = {
        "apiVersion": "apps/v1",
        "kind": "Deployment",
        "metadata": {"name": "x"},
        "spec": {"replica": 2, "selector": {"matchLabels": {"a": "b"}}, "template": {}},
    }
    with pytest.raises(kubernetes_validate.ValidationError):
        validate(deployment)
    user = {
        "apiVersion": "kafka.strimzi.io/v1",
        "kind": "KafkaUser",
        "metadata": {"name": "x"},
        "spec": {
            "authorization": {
                "type": "simple",
                "acls": [{"resource": {"type": "topic"}, "operation": "Read"}],
            }
        },
    }
    with pytest.raises(ValidationError):
        validate(user)


def test_each_agent_principal_reads_exactly_its_inputs_and_writes_exactly_its_outputs(
    topology: Topology, objects: list[dict[str, Any]]
) -> None:
    for region in topology.regions:
        users = {u["metadata"]["name"]: u for u in _of(objects, "KafkaUser", f"claimflow-{region.lower()}")}
        assert len(users) == len(topology.agents) + 1  # and the intake API
        for name, spec in topology.agents.items():
            user = users[f"claimflow-{name.replace('_', '-')}"]
            granted: dict[str, set[tuple[str, str]]] = {"Read": set(), "Write": set()}
            for acl in user["spec"]["authorization"]["acls"]:
                assert acl["resource"]["patternType"] == "literal"
                for operation in acl["operations"]:
                    granted[operation].add((acl["resource"]["type"], acl["resource"]["name"]))
            dead_letters = {topology.topic(t).dead_letter_topic for t in spec.consumes} - {None}
            assert granted["Read"] == {("topic", t) for t in (*spec.consumes, *spec.follows)} | {
                ("group", spec.group_id)
            }, name
            assert granted["Write"] == {("topic", t) for t in (*spec.emits, *dead_letters)}, name
        api = users["claimflow-intake-api"]["spec"]["authorization"]["acls"]
        ingest = topology.topic_for_schema("claim_ingested").name
        assert api == [
            {
                "resource": {"type": "topic", "name": ingest, "patternType": "literal"},
                "operations": ["Write"],
                "host": "*",
            }
        ]


def test_every_faiss_worker_requests_a_gpu_and_no_other_agent_does(
    topology: Topology, objects: list[dict[str, Any]]
) -> None:
    deployments = _agent_deployments(objects)
    assert len(deployments) == len(topology.agents) * len(topology.regions)
    for agent, deployment in deployments:
        container = deployment["spec"]["template"]["spec"]["containers"][0]
        gpus = container["resources"]["limits"].get("nvidia.com/gpu", 0)
        if topology.agent(agent).handler.startswith("agents.faiss_worker:"):
            assert gpus >= 1 and container["resources"]["requests"]["nvidia.com/gpu"] == gpus
            assert container["image"].endswith("-gpu")
        else:
            assert gpus == 0, agent


def test_replicas_never_exceed_the_partitions_of_the_input(
    topology: Topology, objects: list[dict[str, Any]]
) -> None:
    scaled = {
        (s["metadata"]["namespace"], s["spec"]["scaleTargetRef"]["name"]): s
        for s in _of(objects, "ScaledObject")
    }
    for agent, deployment in _agent_deployments(objects):
        partitions = max(topology.topic(t).partitions for t in topology.agent(agent).consumes)
        assert 1 <= deployment["spec"]["replicas"] <= partitions
        key = (deployment["metadata"]["namespace"], deployment["metadata"]["name"])
        if key in scaled:
            assert scaled[key]["spec"]["maxReplicaCount"] <= partitions
            assert (
                scaled[key]["spec"]["triggers"][0]["metadata"]["consumerGroup"]
                == topology.agent(agent).group_id
            )
    assert len(scaled) >= len(topology.regions)


def test_a_region_keyed_input_bounds_the_workers_by_the_regions_partitions(topology: Topology) -> None:
    faiss_worker = topology.agent("faiss_worker")
    requests = topology.topic(faiss_worker.consumes[0])
    assert requests.placement and requests.partitions > 1
    for region in topology.regions:
        assert replica_bound(topology, faiss_worker, region) == 1


def test_a_topology_change_changes_the_render(topology: Topology) -> None:
    text = TOPOLOGY.read_text().replace("    partitions: 6\n", "    partitions: 12\n", 1)
    bigger = parse_topology(text)
    assert bigger.topic("claim.ingested").partitions == 12
    assert replica_bound(bigger, bigger.agent("retriever"), "EU") == 12
    assert render(bigger) != render(topology)


def test_agents_have_probes_on_the_metrics_port_and_take_no_secret_inline(
    objects: list[dict[str, Any]],
) -> None:
    assert not _of(objects, "Secret")
    for _, deployment in _agent_deployments(objects):
        container = deployment["spec"]["template"]["spec"]["containers"][0]
        assert container["ports"] == [{"name": "metrics", "containerPort": 9400, "protocol": "TCP"}]
        assert container["livenessProbe"]["httpGet"] == {"path": "/livez", "port": "metrics"}
        assert container["readinessProbe"]["httpGet"] == {"path": "/readyz", "port": "metrics"}
        for env in container["env"]:
            if any(word in env["name"] for word in ("PASSWORD", "SECRET", "KEY", "DSN", "TOKEN")):
                assert "value" not in env and "secretKeyRef" in env["valueFrom"], env["name"]


def test_every_pod_is_non_root_and_pinned_to_its_region(objects: list[dict[str, Any]]) -> None:
    for deployment in _of(objects, "Deployment"):
        pod = deployment["spec"]["template"]["spec"]
        region = deployment["metadata"]["labels"]["claimflow.io/region"]
        assert pod["securityContext"]["runAsNonRoot"] is True
        assert pod["containers"][0]["securityContext"]["allowPrivilegeEscalation"] is False
        terms = pod["affinity"]["nodeAffinity"]["requiredDuringSchedulingIgnoredDuringExecution"]
        assert terms["nodeSelectorTerms"][0]["matchExpressions"] == [
            {"key": "claimflow.io/residency", "operator": "In", "values": [region]}
        ]


def test_network_policies_deny_by_default_and_open_only_the_declared_ports(
    objects: list[dict[str, Any]],
) -> None:
    allowed_egress = {9092, 5432, 6379, 19530, 443, 9000, 4317, 4318, 8000, 53}
    for namespace in _of(objects, "Namespace"):
        policies = _of(objects, "NetworkPolicy", namespace["metadata"]["name"])
        deny = next(p for p in policies if p["metadata"]["name"] == "default-deny")
        assert deny["spec"] == {"podSelector": {}, "policyTypes": ["Ingress", "Egress"]}
        components = {
            d["metadata"]["name"] for d in _of(objects, "Deployment", namespace["metadata"]["name"])
        }
        selected = {
            p["spec"]["podSelector"].get("matchLabels", {}).get("app.kubernetes.io/component")
            for p in policies
        }
        assert components <= selected
        for policy in policies:
            for rule in policy["spec"].get("egress", []):
                assert {port["port"] for port in rule["ports"]} <= allowed_egress
            for rule in policy["spec"].get("ingress", []):
                assert {port["port"] for port in rule["ports"]} <= {9400, 8443}


def test_write_replaces_what_a_previous_render_left(tmp_path: Path, topology: Topology) -> None:
    write(render(topology), tmp_path)
    (tmp_path / "eu" / "notes.yaml").write_text("kept: not rendered\n")
    only_eu = render(topology, RenderOptions(regions=("EU",)))
    write(only_eu, tmp_path)
    left = sorted(p.relative_to(tmp_path).as_posix() for p in tmp_path.glob("*/*.yaml"))
    assert left == sorted([*only_eu, "eu/notes.yaml"])


def test_an_unknown_region_is_refused(topology: Topology) -> None:
    with pytest.raises(ConfigurationError, match="MARS"):
        render(topology, RenderOptions(regions=("MARS",)))


def test_the_cli_renders_the_regions_asked_for(tmp_path: Path) -> None:
    result = CliRunner().invoke(
        app, ["infra", "render", "--out", str(tmp_path), "--region", "us", "--topology", str(TOPOLOGY)]
    )
    assert result.exit_code == 0, result.output
    assert sorted(p.name for p in tmp_path.iterdir()) == ["us"]
    assert (tmp_path / "us" / "20-agent-retriever.yaml").read_text() == (
        CHECKED_IN / "us" / "20-agent-retriever.yaml"
    ).read_text()
