"""The human side of a run: a rich table and PNG plots drawn from the result alone.

Plots are drawn from `BenchResult.to_json()` (the same data as `result.json`), so a
saved result can be re-plotted or compared later without the stack.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import Any

from rich.console import Console
from rich.table import Table

from agents.tools.bench.result import BenchResult

PLOTS = ("throughput.png", "latency_cdf.png", "agent_time.png", "lag.png", "cpu.png")
STACK_LABELS = ("kafka", "postgres", "redis", "milvus", "bench")


def _pyplot() -> Any:
    import matplotlib

    matplotlib.use("Agg")  # files only: no display on servers and CI
    import matplotlib.pyplot as plt

    return plt


def _seconds(samples: Sequence[dict[str, float]], origin_ms: float) -> list[float]:
    return [(s["t_ms"] - origin_ms) / 1000 for s in samples]


def _throughput(plt: Any, data: dict[str, Any], path: Path) -> None:
    fig, ax = plt.subplots(figsize=(8, 4))
    rates = data["series"]["rates"]
    for name in ("ingested", "reported"):
        if rates[name]:
            xs, ys = (list(v) for v in zip(*rates[name], strict=True))
            # close the last bin so a one-bin burst still draws as a step
            ax.step([*xs, xs[-1] + rates["bin_s"]], [*ys, ys[-1]], where="post", label=f"{name} (claims/s)")
    ax.axhline(data["limit"]["claims_per_s"], linestyle="--", color="grey", label="in-process limit")
    ax.set(xlabel="seconds since the first measured claim", ylabel="claims per second")
    ax.set_title(f"Throughput: {data['throughput']['claims_per_hour']:,.0f} claims/hour end to end")
    ax.legend()
    fig.savefig(path, dpi=110, bbox_inches="tight")
    plt.close(fig)


def _latency_cdf(plt: Any, data: dict[str, Any], path: Path) -> None:
    values = data["series"]["latencies_ms"]
    fig, ax = plt.subplots(figsize=(8, 4))
    if values:
        ax.plot(values, [(i + 1) / len(values) for i in range(len(values))])
    for name in ("p50", "p95", "p99"):
        ax.axvline(data["latency_ms"][name], linestyle=":", color="grey")
        ax.annotate(name, (data["latency_ms"][name], 0.02), rotation=90)
    ax.set(xlabel="submission → report announced (ms)", ylabel="fraction of claims", ylim=(0, 1.01))
    ax.set_title("End-to-end latency CDF")
    fig.savefig(path, dpi=110, bbox_inches="tight")
    plt.close(fig)


def _agent_time(plt: Any, data: dict[str, Any], path: Path) -> None:
    agents = data["agents"]
    names = list(agents)
    fig, (left, right) = plt.subplots(1, 2, figsize=(11, 4))
    left_edge = [0.0] * len(names)
    for part, key in (("wait", "wait_ms_mean"), ("service", "service_ms_mean"), ("emit", "emit_ms_mean")):
        widths = [max(0.0, agents[n][key]) for n in names]
        left.barh(names, widths, left=left_edge, label=part)
        left_edge = [a + b for a, b in zip(left_edge, widths, strict=True)]
    left.set(xlabel="mean ms per claim", title="Pipeline: where each agent's time goes")
    left.invert_yaxis()
    left.legend()
    stages = data["limit"]["stage_ms_per_claim"]
    right.barh(list(stages), list(stages.values()), color="grey")
    right.set(xlabel="ms per claim (one worker)", title="In-process limit: stage cost")
    right.invert_yaxis()
    fig.tight_layout()
    fig.savefig(path, dpi=110)
    plt.close(fig)


def _lag(plt: Any, data: dict[str, Any], path: Path) -> None:
    samples = data["series"]["lag"]
    origin = data["series"]["origin_ms"]
    fig, ax = plt.subplots(figsize=(8, 4))
    xs = _seconds(samples, origin)
    for name in (k for k in (samples[0] if samples else {}) if k != "t_ms"):
        ax.plot(xs, [s[name] for s in samples], label=name)
    ax.set(xlabel="seconds since the first measured claim", ylabel="messages behind (committed)")
    ax.set_title("Consumer lag per agent group")
    ax.legend(fontsize="small")
    fig.savefig(path, dpi=110, bbox_inches="tight")
    plt.close(fig)


def _cpu(plt: Any, data: dict[str, Any], path: Path) -> None:
    samples = data["series"]["resources"][1:]  # the first sample has no interval behind it
    origin = data["series"]["origin_ms"]
    fig, ax = plt.subplots(figsize=(8, 4))
    xs = _seconds(samples, origin)
    labels = sorted({k.rsplit(".", 1)[0] for s in samples for k in s if k.endswith(".cpu")})
    for label in labels:
        style = ":" if label in STACK_LABELS else "-"
        ax.plot(xs, [s.get(f"{label}.cpu", 0.0) for s in samples], style, label=label)
    ax.set(xlabel="seconds since the first measured claim", ylabel="CPU % (100 = one core)")
    ax.set_title("CPU per process")
    ax.legend(fontsize="small", ncol=2)
    fig.savefig(path, dpi=110, bbox_inches="tight")
    plt.close(fig)


def write_plots(result: BenchResult) -> list[Path]:
    """Draw every plot into the results folder; returns their paths."""
    plt = _pyplot()
    data = result.to_json()
    drawers = (_throughput, _latency_cdf, _agent_time, _lag, _cpu)
    paths = []
    for name, draw in zip(PLOTS, drawers, strict=True):
        path = result.out_dir / name
        draw(plt, data, path)
        paths.append(path)
    return paths


def mix_label(cfg: dict[str, Any]) -> str:
    """'born-digital', or the shares of scanned and multi-document claims."""
    scanned, multi = cfg.get("scanned_share", 0.0), cfg.get("multi_document_share", 0.0)
    if not scanned and not multi:
        return "born-digital"
    return f"{scanned:.0%} scanned, {multi:.0%} multi-document"


def summary_table(result: BenchResult) -> Table:
    """Headline figures: throughput, latency, the limit and the ratio, plus the run's context."""
    data = result.to_json()
    cfg, lat, thr, limit = data["config"], data["latency_ms"], data["throughput"], data["limit"]
    table = Table("figure", "value", title=f"claimflow bench: {cfg['claims']} claims, {mix_label(cfg)}")
    table.add_row("submitted at", f"{cfg['rate']} claims/s" if cfg["rate"] else "full speed")
    table.add_row(
        "workers per agent / partitions", f"{cfg['replicas']} / {cfg['partitions'] or 'as declared'}"
    )
    table.add_row(
        "reported / dead-lettered", f"{data['counts']['reported']} / {data['counts']['dead_lettered']}"
    )
    table.add_row("throughput", f"{thr['claims_per_hour']:,.0f} claims/h ({thr['claims_per_s']:.1f}/s)")
    table.add_row("latency p50 / p95 / p99", f"{lat['p50']:.0f} / {lat['p95']:.0f} / {lat['p99']:.0f} ms")
    table.add_row(
        "in-process limit", f"{limit['claims_per_hour']:,.0f} claims/h ({limit['workers']} workers)"
    )
    paced = " (paced: throughput is the offered rate, not a capacity)" if cfg["rate"] else ""
    table.add_row("pipeline / limit", f"{data['ratio_to_limit']:.0%}{paced}")
    load = data["environment"]["before"]["loadavg"][0]
    table.add_row(
        "load average at start", f"{load:.2f} on {data['environment']['before']['cpu_count']} cores"
    )
    return table


def agents_table(result: BenchResult) -> Table:
    """Per agent: residence percentiles, amortised service and wait, utilisation, CPU and memory."""
    data = result.to_json()
    table = Table(
        "agent",
        "events",
        "resid. p50",
        "p95",
        "service/claim",
        "wait/claim",
        "util",
        "CPU %",
        "RSS MB",
        title="per agent (ms; service split by the busy-period rule, see agents/bench/metrics.py)",
    )
    resources = data["resources"]
    for name, fig in data["agents"].items():
        procs = [v for k, v in resources.items() if k == name or k.startswith(f"{name}#")]
        table.add_row(
            name,
            str(fig["events"]),
            f"{fig['residence_ms']['p50']:.0f}",
            f"{fig['residence_ms']['p95']:.0f}",
            f"{fig['service_ms_mean']:.1f}",
            f"{fig['wait_ms_mean']:.1f}",
            f"{fig['utilisation']:.0%}",
            f"{sum(p['cpu_mean_pct'] for p in procs):.0f}",
            f"{sum(p['rss_max_mb'] for p in procs):.0f}",
        )
    for name, fig in resources.items():
        if name.split("#")[0] not in data["agents"]:
            table.add_row(
                name, "", "", "", "", "", "", f"{fig['cpu_mean_pct']:.0f}", f"{fig['rss_max_mb']:.0f}"
            )
    return table


def matrix_table(results: Sequence[BenchResult]) -> Table:
    """One line per (workers, partitions) combination, for the scaling question."""
    table = Table(
        "workers/agent", "partitions", "claims/h", "p50 ms", "p99 ms", "vs limit", title="scaling matrix"
    )
    for r in results:
        data = r.to_json()
        table.add_row(
            str(data["config"]["replicas"]),
            str(data["config"]["partitions"]),
            f"{r.claims_per_hour:,.0f}",
            f"{data['latency_ms']['p50']:.0f}",
            f"{data['latency_ms']['p99']:.0f}",
            f"{data['ratio_to_limit']:.0%}",
        )
    return table


def print_result(console: Console, result: BenchResult) -> None:
    """Both tables and where the files are."""
    console.print(summary_table(result))
    console.print(agents_table(result))
    console.print(f"results: {result.out_dir} (result.json, {', '.join(PLOTS)})")
