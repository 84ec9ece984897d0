"""Kubernetes manifests rendered from topology.yaml: one namespace per region, one Deployment per agent.

Each region is a namespace with its own Kafka cluster, databases and bucket: the log holds claim
data, so residency means the log stays in the region too. It also means the consumer groups of two
regions never mix (a shared cluster would hand a US partition to an EU worker, which refuses the
claim). Pods run only on nodes labelled for the region (`claimflow.io/residency`), and the
NetworkPolicies let an agent reach only the region's data services.

Per agent: a ServiceAccount without a token, a Strimzi `KafkaUser` holding its ACLs
(`streams.deploy.acls`), a Deployment running `claimflow worker AGENT`, a PodDisruptionBudget, a
NetworkPolicy, and a KEDA `ScaledObject` that scales on the consumer group's lag up to the number of
partitions that can carry the region's records (a replica beyond that would idle). Settings come
from the `claimflow-settings` ConfigMap rendered here and the `claimflow-secrets` Secret that the
operator creates; nothing secret is rendered.

Rendering is a pure function of the topology and the options, in a stable order, so the output can
be checked in and a test can tell when a topology change needs a re-render.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from streams.deploy.acls import INTAKE_API, Principal, k8s_name, principal_for_agent, principal_for_producer
from streams.errors import ConfigurationError
from streams.topology import AgentSpec, Topology

HEADER = "# Rendered by `claimflow infra render` from topology.yaml: do not edit, re-render.\n"
DEFAULT_IMAGE = "ghcr.io/claimflow/claimflow:0.1.0"
METRICS_PORT = 9400
API_PORT = 8443
SETTINGS_CONFIGMAP = "claimflow-settings"
SECRETS = "claimflow-secrets"
API_TLS_SECRET = "claimflow-api-tls"
RESIDENCY_LABEL = "claimflow.io/residency"
DEPENDENCY_LABEL = "claimflow.io/dependency"
AGENT_LABEL = "claimflow.io/agent"
RUN_AS = 10001
STATE_DIR = "/var/lib/claimflow"
CACHE_DIR = "/var/cache/claimflow"
CONTAINER = "claimflow"

# Services a pod may open connections to, by the label their pods carry, and their ports.
DEPENDENCY_PORTS: dict[str, tuple[int, ...]] = {
    "kafka": (9092,),
    "postgres": (5432,),
    "redis": (6379,),
    "milvus": (19530,),
    "s3": (443, 9000),
    "otlp": (4317, 4318),
    "llm": (443, 8000),
}
AGENT_DEPENDENCIES = ("kafka", "postgres", "redis", "milvus", "s3", "otlp")
# Beyond the common set: the extractor calls the LLM endpoint.
EXTRA_DEPENDENCIES: dict[str, tuple[str, ...]] = {"extractor": ("llm",)}
API_DEPENDENCIES = ("kafka", "postgres", "redis", "s3", "otlp")


@dataclass(frozen=True)
class Resources:
    """Requests and limits of one container; `gpus` NVIDIA GPUs (requests equal limits for GPUs)."""

    cpu: str
    memory: str
    cpu_limit: str
    memory_limit: str
    gpus: int = 0

    def spec(self) -> dict[str, Any]:
        requests: dict[str, Any] = {"cpu": self.cpu, "memory": self.memory}
        limits: dict[str, Any] = {"cpu": self.cpu_limit, "memory": self.memory_limit}
        if self.gpus:
            requests["nvidia.com/gpu"] = self.gpus
            limits["nvidia.com/gpu"] = self.gpus
        return {"requests": requests, "limits": limits}


DEFAULT_RESOURCES = Resources("250m", "512Mi", "1", "1Gi")
# Measured shapes (docs/benchmark.md): OCR and the embedder dominate the retriever; the FAISS worker
# holds each region's index and searches it on its GPU (one worker per GPU, faiss-gpu image).
AGENT_RESOURCES: dict[str, Resources] = {
    "retriever": Resources("1", "2Gi", "2", "3Gi"),
    "faiss_worker": Resources("1", "3Gi", "2", "6Gi", gpus=1),
    "extractor": Resources("500m", "1Gi", "1", "2Gi"),
    "auditor": Resources("250m", "512Mi", "1", "1Gi"),
}
API_RESOURCES = Resources("250m", "512Mi", "1", "1Gi")


@dataclass(frozen=True)
class RenderOptions:
    """What the manifests do not take from topology.yaml."""

    image: str = DEFAULT_IMAGE
    gpu_image: str | None = None  # default: `image` with `-gpu` after its tag (the faiss-gpu build)
    regions: tuple[str, ...] = ()  # empty: every region of the topology
    kafka_cluster: str = "claimflow"  # the Strimzi `Kafka` resource of each region's namespace
    topic_replicas: int = 3  # topology.yaml's replication_factor is the single-broker dev stack's
    api_replicas: int = 2
    prometheus_namespace: str = "monitoring"
    resources: dict[str, Resources] = field(default_factory=lambda: dict(AGENT_RESOURCES))

    @property
    def image_for_gpu(self) -> str:
        return self.gpu_image or f"{self.image}-gpu"


def namespace_for(region: str) -> str:
    return f"claimflow-{region.lower()}"


def replica_bound(topology: Topology, agent: AgentSpec, region: str) -> int:
    """Most replicas that can each own a partition with the region's records.

    A namespace's cluster carries only its region's claims: a topic placed by region puts all of
    them on the partitions placed for it, any other topic spreads them over all its partitions.
    """
    bounds = []
    for name in agent.consumes:
        topic = topology.topic(name)
        if topic.placement:
            bounds.append(len({p for r, p in topic.placement.items() if r == region}))
        else:
            bounds.append(topic.partitions)
    return max(bounds)


def lag_threshold(agent: AgentSpec) -> int:
    """Lag per replica before KEDA adds one: about ten of the agent's batches."""
    return max(50, agent.batch.max * 10)


def _labels(region: str, component: str) -> dict[str, str]:
    return {
        "app.kubernetes.io/name": "claimflow",
        "app.kubernetes.io/component": component,
        "app.kubernetes.io/part-of": "claimflow",
        "claimflow.io/region": region,
    }


def _selector(component: str) -> dict[str, str]:
    return {"app.kubernetes.io/name": "claimflow", "app.kubernetes.io/component": component}


def _meta(name: str, region: str, component: str, **extra: Any) -> dict[str, Any]:
    return {"name": name, "namespace": namespace_for(region), "labels": _labels(region, component), **extra}


def _region_namespace(region: str, options: RenderOptions) -> list[dict[str, Any]]:
    ns = namespace_for(region)
    base = _labels(region, "namespace")
    return [
        {
            "apiVersion": "v1",
            "kind": "Namespace",
            "metadata": {
                "name": ns,
                "labels": {
                    **base,
                    RESIDENCY_LABEL: region,
                    # The API server refuses any pod of this namespace that is not non-root, capability-free.
                    "pod-security.kubernetes.io/enforce": "restricted",
                },
            },
        },
        {
            "apiVersion": "v1",
            "kind": "ConfigMap",
            "metadata": _meta(SETTINGS_CONFIGMAP, region, "settings"),
            "data": {
                "CLAIMFLOW_REGIONS": region,
                "CLAIMFLOW_KAFKA_BOOTSTRAP": f"{options.kafka_cluster}-kafka-bootstrap:9092",
                # Each pod's user and password come from its KafkaUser's Secret (`_kafka_credentials`).
                "CLAIMFLOW_KAFKA_SECURITY_PROTOCOL": "SASL_PLAINTEXT",
                "CLAIMFLOW_KAFKA_SASL_MECHANISM": "SCRAM-SHA-512",
                "CLAIMFLOW_MILVUS_URI": "http://milvus:19530",
                "CLAIMFLOW_OBJECT_STORE_URL": f"s3://claimflow-documents-{region.lower()}/claims",
                "CLAIMFLOW_METRICS_PORT": str(METRICS_PORT),
                "CLAIMFLOW_METRICS_HOST": "0.0.0.0",  # the kubelet's probes and Prometheus reach the pod IP
                "CLAIMFLOW_STATE_DIR": STATE_DIR,
                "CLAIMFLOW_LOG_LEVEL": "INFO",
                "XDG_CACHE_HOME": CACHE_DIR,
                "OTEL_TRACES_EXPORTER": "otlp",
                "OTEL_EXPORTER_OTLP_ENDPOINT": "http://otel-collector:4317",
                "OTEL_EXPORTER_OTLP_PROTOCOL": "grpc",
            },
        },
        {
            "apiVersion": "networking.k8s.io/v1",
            "kind": "NetworkPolicy",
            "metadata": _meta("default-deny", region, "network"),
            "spec": {"podSelector": {}, "policyTypes": ["Ingress", "Egress"]},
        },
        {
            "apiVersion": "networking.k8s.io/v1",
            "kind": "NetworkPolicy",
            "metadata": _meta("allow-dns", region, "network"),
            "spec": {
                "podSelector": {},
                "policyTypes": ["Egress"],
                "egress": [
                    {
                        "to": [
                            {
                                "namespaceSelector": {
                                    "matchLabels": {"kubernetes.io/metadata.name": "kube-system"}
                                },
                                "podSelector": {"matchLabels": {"k8s-app": "kube-dns"}},
                            }
                        ],
                        "ports": [{"protocol": "UDP", "port": 53}, {"protocol": "TCP", "port": 53}],
                    }
                ],
            },
        },
    ]


def _kafka_topics(topology: Topology, region: str, options: RenderOptions) -> list[dict[str, Any]]:
    docs = []
    for topic in sorted(topology.topics.values(), key=lambda t: t.name):
        config: dict[str, Any] = {"retention.ms": topic.retention_ms}
        if options.topic_replicas >= 3:
            config["min.insync.replicas"] = 2
        meta = _meta(topic.name, region, "kafka-topic")
        meta["labels"]["strimzi.io/cluster"] = options.kafka_cluster
        docs.append(
            {
                "apiVersion": "kafka.strimzi.io/v1",
                "kind": "KafkaTopic",
                "metadata": meta,
                "spec": {
                    "topicName": topic.name,
                    "partitions": topic.partitions,
                    "replicas": options.topic_replicas,
                    "config": config,
                },
            }
        )
    return docs


def kafka_user(principal: Principal, region: str, component: str, options: RenderOptions) -> dict[str, Any]:
    """A Strimzi KafkaUser: SCRAM credentials in a Secret of the same name, and the principal's ACLs."""
    by_resource: dict[tuple[str, str], list[str]] = {}
    for acl in principal.acls():
        by_resource.setdefault((acl.resource_type, acl.name), []).append(acl.operation)
    meta = _meta(principal.user, region, component)
    meta["labels"]["strimzi.io/cluster"] = options.kafka_cluster
    return {
        "apiVersion": "kafka.strimzi.io/v1",
        "kind": "KafkaUser",
        "metadata": meta,
        "spec": {
            "authentication": {"type": "scram-sha-512"},
            "authorization": {
                "type": "simple",
                "acls": [
                    {
                        "resource": {"type": kind, "name": name, "patternType": "literal"},
                        "operations": operations,
                        "host": "*",
                    }
                    for (kind, name), operations in by_resource.items()
                ],
            },
        },
    }


def _kafka_credentials(principal: Principal) -> list[dict[str, Any]]:
    """The principal's name and its password from the Secret the User Operator writes."""
    return [
        {"name": "CLAIMFLOW_KAFKA_SASL_USERNAME", "value": principal.user},
        {
            "name": "CLAIMFLOW_KAFKA_SASL_PASSWORD",
            "valueFrom": {"secretKeyRef": {"name": principal.user, "key": "password"}},
        },
    ]


def _residency_affinity(region: str, component: str) -> dict[str, Any]:
    return {
        "nodeAffinity": {
            "requiredDuringSchedulingIgnoredDuringExecution": {
                "nodeSelectorTerms": [
                    {"matchExpressions": [{"key": RESIDENCY_LABEL, "operator": "In", "values": [region]}]}
                ]
            }
        },
        # Replicas on different nodes where possible: one node's loss takes one replica.
        "podAntiAffinity": {
            "preferredDuringSchedulingIgnoredDuringExecution": [
                {
                    "weight": 100,
                    "podAffinityTerm": {
                        "topologyKey": "kubernetes.io/hostname",
                        "labelSelector": {"matchLabels": _selector(component)},
                    },
                }
            ]
        },
    }


def _pod_spec(
    *,
    region: str,
    component: str,
    image: str,
    args: list[str],
    env: list[dict[str, Any]],
    ports: list[dict[str, Any]],
    probes: dict[str, Any],
    resources: Resources,
    volumes: tuple[tuple[str, str, dict[str, Any]], ...] = (),
) -> dict[str, Any]:
    """A restricted pod: non-root, read-only root filesystem, no capabilities, no API token."""
    own_volumes = [
        ("state", STATE_DIR, {"emptyDir": {}}),
        ("cache", CACHE_DIR, {"emptyDir": {}}),
        ("tmp", "/tmp", {"emptyDir": {}}),
        *volumes,
    ]
    spec: dict[str, Any] = {
        "serviceAccountName": component,
        "automountServiceAccountToken": False,
        "enableServiceLinks": False,
        "terminationGracePeriodSeconds": 60,
        "securityContext": {
            "runAsNonRoot": True,
            "runAsUser": RUN_AS,
            "runAsGroup": RUN_AS,
            "fsGroup": RUN_AS,
            "seccompProfile": {"type": "RuntimeDefault"},
        },
        "affinity": _residency_affinity(region, component),
        "containers": [
            {
                "name": CONTAINER,
                "image": image,
                "imagePullPolicy": "IfNotPresent",
                "args": args,
                "envFrom": [
                    {"configMapRef": {"name": SETTINGS_CONFIGMAP}},
                    {"secretRef": {"name": SECRETS}},
                ],
                "env": env,
                "ports": ports,
                **probes,
                "resources": resources.spec(),
                "securityContext": {
                    "allowPrivilegeEscalation": False,
                    "readOnlyRootFilesystem": True,
                    "capabilities": {"drop": ["ALL"]},
                },
                "volumeMounts": [
                    {"name": name, "mountPath": path, **({"readOnly": True} if "secret" in source else {})}
                    for name, path, source in own_volumes
                ],
            }
        ],
        "volumes": [{"name": name, **source} for name, _, source in own_volumes],
    }
    if resources.gpus:
        spec["tolerations"] = [{"key": "nvidia.com/gpu", "operator": "Exists", "effect": "NoSchedule"}]
    return spec


def _deployment(
    name: str, region: str, component: str, replicas: int, pod: dict[str, Any], annotations: dict[str, str]
) -> dict[str, Any]:
    return {
        "apiVersion": "apps/v1",
        "kind": "Deployment",
        "metadata": _meta(name, region, component),
        "spec": {
            "replicas": replicas,
            "revisionHistoryLimit": 5,
            "selector": {"matchLabels": _selector(component)},
            "strategy": {"type": "RollingUpdate", "rollingUpdate": {"maxSurge": 1, "maxUnavailable": 0}},
            "template": {
                "metadata": {"labels": _labels(region, component), "annotations": annotations},
                "spec": pod,
            },
        },
    }


def _service_account(region: str, component: str) -> dict[str, Any]:
    return {
        "apiVersion": "v1",
        "kind": "ServiceAccount",
        "metadata": _meta(component, region, component),
        "automountServiceAccountToken": False,
    }


def _pdb(region: str, component: str) -> dict[str, Any]:
    # maxUnavailable, not minAvailable: a one-replica agent must not block every node drain.
    return {
        "apiVersion": "policy/v1",
        "kind": "PodDisruptionBudget",
        "metadata": _meta(component, region, component),
        "spec": {"maxUnavailable": 1, "selector": {"matchLabels": _selector(component)}},
    }


def _egress(region: str, dependencies: Iterable[str]) -> list[dict[str, Any]]:
    return [
        {
            "to": [
                {
                    "namespaceSelector": {"matchLabels": {RESIDENCY_LABEL: region}},
                    "podSelector": {"matchLabels": {DEPENDENCY_LABEL: dependency}},
                }
            ],
            "ports": [{"protocol": "TCP", "port": port} for port in DEPENDENCY_PORTS[dependency]],
        }
        for dependency in dependencies
    ]


def _network_policy(
    region: str, component: str, ingress: list[dict[str, Any]], dependencies: Iterable[str]
) -> dict[str, Any]:
    return {
        "apiVersion": "networking.k8s.io/v1",
        "kind": "NetworkPolicy",
        "metadata": _meta(component, region, component),
        "spec": {
            "podSelector": {"matchLabels": _selector(component)},
            "policyTypes": ["Ingress", "Egress"],
            "ingress": ingress,
            "egress": _egress(region, dependencies),
        },
    }


def _from_prometheus(options: RenderOptions) -> dict[str, Any]:
    return {
        "from": [
            {
                "namespaceSelector": {
                    "matchLabels": {"kubernetes.io/metadata.name": options.prometheus_namespace}
                },
                "podSelector": {"matchLabels": {"app.kubernetes.io/name": "prometheus"}},
            }
        ],
        "ports": [{"protocol": "TCP", "port": METRICS_PORT}],
    }


def _agent_probes() -> dict[str, Any]:
    def get(path: str) -> dict[str, Any]:
        return {"httpGet": {"path": path, "port": "metrics"}, "timeoutSeconds": 3}

    return {
        # Loading the OCR models, the embedder and each region's index can take minutes.
        "startupProbe": {**get("/livez"), "periodSeconds": 5, "failureThreshold": 60},
        "livenessProbe": {**get("/livez"), "periodSeconds": 10, "failureThreshold": 3},
        "readinessProbe": {**get("/readyz"), "periodSeconds": 5, "failureThreshold": 2},
    }


def _agent_docs(topology: Topology, agent: AgentSpec, region: str, options: RenderOptions) -> list[dict]:
    component = k8s_name(agent.name)
    principal = principal_for_agent(topology, agent.name)
    resources = options.resources.get(agent.name, DEFAULT_RESOURCES)
    bound = replica_bound(topology, agent, region)
    pod = _pod_spec(
        region=region,
        component=component,
        image=options.image_for_gpu if resources.gpus else options.image,
        args=["worker", agent.name],
        env=[
            {"name": "OTEL_SERVICE_NAME", "value": f"claimflow-{agent.name}"},
            *_kafka_credentials(principal),
        ],
        ports=[{"name": "metrics", "containerPort": METRICS_PORT, "protocol": "TCP"}],
        probes=_agent_probes(),
        resources=resources,
    )
    annotations = {
        "prometheus.io/scrape": "true",
        "prometheus.io/port": str(METRICS_PORT),
        "prometheus.io/path": "/metrics",
    }
    dependencies = (*AGENT_DEPENDENCIES, *EXTRA_DEPENDENCIES.get(agent.name, ()))
    docs: list[dict[str, Any]] = [
        _service_account(region, component),
        kafka_user(principal, region, component, options),
        _deployment(component, region, component, 1, pod, annotations),
        _pdb(region, component),
        _network_policy(region, component, [_from_prometheus(options)], dependencies),
    ]
    if bound > 1:
        docs += _autoscaling(agent, region, component, bound, principal)
    return docs


def _autoscaling(
    agent: AgentSpec, region: str, component: str, bound: int, principal: Principal
) -> list[dict]:
    """KEDA scales the Deployment on its consumer group's lag, from one replica up to `bound`."""
    trigger: dict[str, Any] = {
        "bootstrapServersFromEnv": "CLAIMFLOW_KAFKA_BOOTSTRAP",
        "consumerGroup": agent.group_id,
        "lagThreshold": str(lag_threshold(agent)),
        "offsetResetPolicy": "earliest",
        "sasl": "scram_sha512",
    }
    if len(agent.consumes) == 1:
        trigger["topic"] = agent.consumes[0]  # else: the lag summed over every topic of the group
    return [
        {
            "apiVersion": "keda.sh/v1alpha1",
            "kind": "TriggerAuthentication",
            "metadata": _meta(component, region, component),
            "spec": {
                "env": [
                    {
                        "parameter": "username",
                        "name": "CLAIMFLOW_KAFKA_SASL_USERNAME",
                        "containerName": CONTAINER,
                    }
                ],
                "secretTargetRef": [{"parameter": "password", "name": principal.user, "key": "password"}],
            },
        },
        {
            "apiVersion": "keda.sh/v1alpha1",
            "kind": "ScaledObject",
            "metadata": _meta(component, region, component),
            "spec": {
                "scaleTargetRef": {"name": component},
                # Never to zero: a cold start loads models and indexes, and lag would wait for it.
                "minReplicaCount": 1,
                "maxReplicaCount": bound,
                "pollingInterval": 15,
                "cooldownPeriod": 300,
                "triggers": [
                    {"type": "kafka", "metadata": trigger, "authenticationRef": {"name": component}}
                ],
            },
        },
    ]


def _intake_api_docs(topology: Topology, region: str, options: RenderOptions) -> list[dict[str, Any]]:
    component = INTAKE_API
    principal = principal_for_producer(topology, INTAKE_API)
    tls_dir = "/etc/claimflow/tls"
    pod = _pod_spec(
        region=region,
        component=component,
        image=options.image,
        args=[
            "api",
            "serve",
            "--host",
            "0.0.0.0",
            "--port",
            str(API_PORT),
            "--certfile",
            f"{tls_dir}/tls.crt",
            "--keyfile",
            f"{tls_dir}/tls.key",
        ],
        env=[{"name": "OTEL_SERVICE_NAME", "value": "claimflow-intake-api"}, *_kafka_credentials(principal)],
        ports=[{"name": "https", "containerPort": API_PORT, "protocol": "TCP"}],
        probes={
            "readinessProbe": {"tcpSocket": {"port": "https"}, "periodSeconds": 5, "failureThreshold": 2},
            "livenessProbe": {"tcpSocket": {"port": "https"}, "periodSeconds": 10, "failureThreshold": 3},
        },
        resources=API_RESOURCES,
        volumes=(("tls", tls_dir, {"secret": {"secretName": API_TLS_SECRET}}),),
    )
    service = {
        "apiVersion": "v1",
        "kind": "Service",
        "metadata": _meta(component, region, component),
        "spec": {
            "type": "ClusterIP",
            "selector": _selector(component),
            "ports": [{"name": "https", "port": 443, "targetPort": "https", "protocol": "TCP"}],
        },
    }
    # The front door: HTTPS from anywhere (its own TLS, tokens and rate limits guard it).
    from_anywhere = {"ports": [{"protocol": "TCP", "port": API_PORT}]}
    return [
        _service_account(region, component),
        kafka_user(principal, region, component, options),
        _deployment(component, region, component, options.api_replicas, pod, {}),
        service,
        _pdb(region, component),
        _network_policy(region, component, [from_anywhere], API_DEPENDENCIES),
    ]


def dump(docs: list[dict[str, Any]]) -> str:
    """YAML documents in the order given, keys in the order built, with the do-not-edit header."""
    return HEADER + yaml.safe_dump_all(docs, sort_keys=False, default_flow_style=False, width=110)


def render(topology: Topology, options: RenderOptions | None = None) -> dict[str, str]:
    """Every manifest file, relative path → YAML text, for the regions asked for."""
    options = options or RenderOptions()
    regions = options.regions or topology.regions
    unknown = sorted(set(regions) - set(topology.regions))
    if unknown:
        raise ConfigurationError(
            f"regions {unknown} are not declared in topology.yaml ({', '.join(topology.regions)})"
        )
    files: dict[str, str] = {}
    for region in regions:
        folder = region.lower()
        files[f"{folder}/00-namespace.yaml"] = dump(_region_namespace(region, options))
        files[f"{folder}/10-kafka-topics.yaml"] = dump(_kafka_topics(topology, region, options))
        for name in sorted(topology.agents):
            docs = _agent_docs(topology, topology.agents[name], region, options)
            files[f"{folder}/20-agent-{k8s_name(name)}.yaml"] = dump(docs)
        files[f"{folder}/30-{INTAKE_API}.yaml"] = dump(_intake_api_docs(topology, region, options))
    return dict(sorted(files.items()))


def write(files: dict[str, str], out: Path) -> list[Path]:
    """Write the rendered files under `out` and delete rendered files the render no longer produces."""
    out.mkdir(parents=True, exist_ok=True)
    for stale in sorted(out.glob("*/*.yaml")):
        if stale.relative_to(out).as_posix() not in files and stale.read_text().startswith(HEADER):
            stale.unlink()
    written = []
    for relative, text in files.items():
        path = out / relative
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text)
        written.append(path)
    return written
