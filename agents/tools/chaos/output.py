"""The human side of a chaos run: invariants, the figures table, the throughput plot with faults marked.

Everything is drawn from `ChaosResult.to_json()` (what result.json holds), so a saved run can be
re-printed or re-plotted without the stack.
"""

from __future__ import annotations

from typing import Any

from rich.console import Console
from rich.table import Table

from agents.tools.bench.output import _pyplot
from agents.tools.chaos.result import ChaosResult

PLOT = "throughput.png"
COLOURS = {
    "agent kill -9": "tab:red",
    "agent SIGTERM": "tab:orange",
    "worker joins and leaves": "tab:purple",
    "service stopped": "tab:blue",
    "broker kill -9": "black",
    "S3 server kill -9": "tab:brown",
}


def _seconds(value: float | None) -> str:
    return "-" if value is None else f"{value:.1f} s"


def invariants_table(data: dict[str, Any]) -> Table:
    table = Table("invariant", "held", "detail", title="invariants")
    for inv in data["invariants"]:
        detail = inv["detail"] + ("; e.g. " + "; ".join(inv["offenders"]) if inv["offenders"] else "")
        table.add_row(inv["name"], "[green]yes[/green]" if inv["ok"] else "[red]NO[/red]", detail)
    return table


def figures_table(data: dict[str, Any]) -> Table:
    """The issue's table: claims, faults by kind, lost, duplicated, reordered, audit, time to recover."""
    fig, cfg = data["figures"], data["config"]
    table = Table("figure", "value", title=f"claimflow chaos: {fig['claims']:,} claims, seed {cfg['seed']}")
    table.add_row("claims (+ poison inputs)", f"{fig['claims']:,} (+ {fig['poison']})")
    table.add_row(
        "reported / without a report (committed past / in flight)",
        f"{fig['reported']:,} / {fig['lost']} "
        f"({fig.get('committed_past', '?')} / {fig.get('in_flight', '?')})",
    )
    for kind, count in fig["faults"].items():
        rec = data["recovery_by_kind"].get(kind, {})
        recovery = (
            f"; recovery ≤ {_seconds(rec.get('recovery_s_max'))}, "
            f"longest stall {_seconds(rec.get('stall_s_max'))}"
            if count
            else ""
        )
        table.add_row(f"faults: {kind}", f"{count}{recovery}")
    table.add_row("duplicated (event copies on the log)", f"{fig['duplicated_event_copies']:,}")
    table.add_row("reordered (claims)", str(fig["reordered"]))
    dead = fig["dead_letters"]
    table.add_row("dead letters (distinct / copies)", f"{dead['distinct']} / {dead['copies']}")
    table.add_row("audit", fig["audit"])
    exits = fig.get("unplanned_exits", [])
    table.add_row(
        "agents that exited unasked (restarted)",
        str(len(exits)) + (f": {'; '.join(exits[:3])}" if exits else ""),
    )
    durations = fig["duration_s"]
    table.add_row(
        "time: to first report / faults / heal / run",
        f"{durations['to_first_report']:.0f} / {durations['faults']:.0f} / {durations['heal']:.0f} / "
        f"{durations['run']:.0f} s",
    )
    if fig["fault_errors"]:
        table.add_row("faults that could not be applied", "; ".join(fig["fault_errors"]))
    return table


def rss_table(data: dict[str, Any]) -> Table:
    table = Table(
        "process",
        "processes",
        "first MB",
        "last MB",
        "peak MB",
        "growth MB",
        "2nd half MB",
        title="RSS (children included; growth over the longest-lived process of each, and over its "
        "second half, after start-up)",
    )
    for label, fig in data["rss"].items():
        table.add_row(
            label,
            str(fig["processes"]),
            f"{fig['first_mb']:.0f}",
            f"{fig['last_mb']:.0f}",
            f"{fig['peak_mb']:.0f}",
            f"{fig['growth_mb']:+.0f}",
            f"{fig['second_half_growth_mb']:+.0f}",
        )
    return table


def write_plot(result: ChaosResult) -> None:
    """Claims ingested and reported per second, with every fault shaded from injection to heal."""
    plt = _pyplot()
    data = result.to_json()
    series = data["series"]
    origin, bin_s = series["origin_ms"], series["bin_s"]
    fig, ax = plt.subplots(figsize=(11, 4.5))
    # Submission is a burst at the start (thousands a second) and reporting a steady flow (tens):
    # each gets its own axis, so the faults' dents in the reported rate stay visible.
    submitted_ax = ax.twinx()
    for name, axis, colour in (("reported", ax, "tab:orange"), ("ingested", submitted_ax, "tab:blue")):
        points = series[name]
        if points:
            xs, ys = (list(v) for v in zip(*points, strict=True))
            axis.step(
                [*xs, xs[-1] + bin_s],
                [*ys, ys[-1]],
                where="post",
                color=colour,
                alpha=1.0 if axis is ax else 0.5,
                label=f"{name} (claims/s{', right axis' if axis is submitted_ax else ''})",
            )
    submitted_ax.set_ylabel("claims ingested per second", color="tab:blue")
    submitted_ax.set_ylim(bottom=0)
    seen: set[str] = set()
    for applied in data["applied"]:
        kind = applied["fault"]["kind"]
        start = (applied["injected_ms"] - origin) / 1000
        end = max((applied["healed_ms"] - origin) / 1000, start + 0.5)
        label = kind if kind not in seen else None
        seen.add(kind)
        ax.axvspan(start, end, color=COLOURS.get(kind, "grey"), alpha=0.25, label=label)
        ax.annotate(applied["fault"]["target"], (start, 0), rotation=90, fontsize="x-small", va="bottom")
    ax.set(xlabel="seconds since the run began", ylabel=f"claims per second ({bin_s:.0f} s bins)")
    verdict = "all invariants held" if data["ok"] else "INVARIANTS FAILED"
    ax.set_title(
        f"claimflow chaos: {data['figures']['claims']:,} claims, {len(data['applied'])} faults; {verdict}"
    )
    handles, labels = ax.get_legend_handles_labels()
    more, more_labels = submitted_ax.get_legend_handles_labels()
    ax.legend(handles + more, labels + more_labels, fontsize="small", loc="upper right")
    fig.savefig(result.out_dir / PLOT, dpi=110, bbox_inches="tight")
    plt.close(fig)


def print_result(console: Console, result: ChaosResult) -> None:
    data = result.to_json()
    console.print(invariants_table(data))
    console.print(figures_table(data))
    console.print(rss_table(data))
    verdict = "[green]every invariant held[/green]" if result.ok else "[red]an invariant failed[/red]"
    console.print(f"{verdict}; results: {result.out_dir} (result.json, {PLOT})")
