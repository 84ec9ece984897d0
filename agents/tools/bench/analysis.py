"""From the events read back to the figures in result.json: claims, stages, processes."""

from __future__ import annotations

from typing import Any

from agents.tools.bench import metrics
from agents.tools.bench.observe import WORKER_HEADER
from streams import Topology

RATE_BIN_S = 0.5


def servers(topology: Topology, replicas: int) -> tuple[dict[str, Any], str]:
    """How to tell apart the processes of an agent, per agent, and a note saying how exact that is.

    With one process per agent there is one server. With replicas, an output that carries
    the `claimflow-worker` header names its process (exact). Otherwise each input partition
    counts as a server: exact when partitions ≤ replicas, otherwise a process that owns two
    partitions has its queueing between them counted as service. (Tansu's DescribeGroups
    returns no members, so the group assignment cannot be asked for.)
    """
    if replicas == 1:
        return {}, "one process per agent"
    owners = {
        agent.name: {(t, p): (t, p) for t in agent.consumes for p in range(topology.topic(t).partitions)}
        for agent in topology.agents.values()
    }
    return owners, f"{WORKER_HEADER} header where present, else one server per input partition"


def analyse(
    events: dict[str, list[metrics.LogEvent]],
    topology: Topology,
    claims: set[str],
    owners: dict[str, Any],
) -> dict[str, Any]:
    """Throughput, latency and per-agent figures of the measured claims, from the events alone."""
    ingest = topology.topic_for_schema("claim_ingested").name
    report = topology.topic_for_schema("report_ready").name
    ingested = metrics.first_per_claim(events[ingest], claims)
    reported = metrics.first_per_claim(events[report], claims)
    latency = metrics.end_to_end_ms(ingested, reported)
    window_ms = 1000 * metrics.throughput(ingested, reported)["window_s"]
    agents: dict[str, Any] = {}
    for agent in topology.agents.values():
        if agent.raw or not agent.emits:
            continue
        inputs = [e for t in agent.consumes for e in events.get(t, [])]
        if not inputs:  # not on the measured path (the review applier: nobody decides during a bench)
            continue
        outputs = [e for t in agent.emits for e in events.get(t, [])]
        hops = metrics.hops(inputs, outputs, claims, owners.get(agent.name))
        agents[agent.name] = metrics.stage_figures(hops, window_ms).__dict__
    origin = min((e.log_ms for e in ingested.values()), default=0)
    return {
        "origin_ms": origin,
        "ingested": len(ingested),
        "reported": len(reported),
        "duplicates": {t: len(evs) - len({e.event_id for e in evs}) for t, evs in events.items()},
        "messages": {t: len(evs) for t, evs in events.items()},
        "throughput": metrics.throughput(ingested, reported),
        "latency_ms": metrics.percentiles(list(latency.values())),
        "latencies_ms": sorted(latency.values()),
        "agents": agents,
        "rate_series": {
            "bin_s": RATE_BIN_S,
            "ingested": metrics.rate_series((e.log_ms for e in ingested.values()), origin, RATE_BIN_S),
            "reported": metrics.rate_series((e.log_ms for e in reported.values()), origin, RATE_BIN_S),
        },
    }


def resource_summary(samples_: list[dict[str, float]]) -> dict[str, dict[str, float]]:
    """Mean and peak CPU % and peak RSS per watched process over the measured window."""
    labels = {k.rsplit(".", 1)[0] for s in samples_ for k in s if k != "t_ms"}
    summary = {}
    for label in sorted(labels):
        cpu = [s[f"{label}.cpu"] for s in samples_[1:] if f"{label}.cpu" in s]  # the first has no interval
        rss = [s[f"{label}.rss_mb"] for s in samples_ if f"{label}.rss_mb" in s]
        summary[label] = {
            "cpu_mean_pct": sum(cpu) / len(cpu) if cpu else 0.0,
            "cpu_max_pct": max(cpu, default=0.0),
            "rss_max_mb": max(rss, default=0.0),
        }
    return summary
