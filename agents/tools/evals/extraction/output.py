"""The human side of an extraction evaluation: rich tables and the calibration plot, from the result."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from rich.console import Console
from rich.table import Table

from agents.tools.evals.extraction.scoring import FIELDS

CALIBRATION_PLOT = "calibration.png"
SHORT = {
    "policy_number": "policy",
    "incident_date": "incident",
    "damage_description": "descr.",
    "damage_type": "type",
    "claimed_amount": "amount",
    "currency": "curr.",
    "reported_on": "reported",
}


def _pct(value: float | None) -> str:
    return "-" if value is None else f"{100 * value:.1f} %"


def print_tables(result: dict[str, Any], console: Console) -> None:
    summary = result["summary"]
    table = Table(title="Per-field accuracy by kind of claim", title_justify="left")
    for name in ("kind", "claims", *(SHORT[f] for f in FIELDS), "all", "review", "approve prec."):
        table.add_column(name, justify="left" if name == "kind" else "right")
    rows = [*summary["by_kind"].items(), ("all", summary["overall"])]
    for name, group in rows:
        table.add_row(
            name,
            str(group["claims"]),
            *(_pct(group["field_accuracy"][f]) for f in FIELDS),
            _pct(group["all_fields_right"]),
            _pct(group["review_share"]),
            _pct(group["auto_approve_precision"]),
            style="bold" if name == "all" else None,
        )
    console.print(table)
    for tag, values in summary["by_tag"].items():
        if len(values) < 2:
            continue
        breakdown = Table(title=f"By {tag}", title_justify="left")
        for name in (tag, "claims", "all fields right", "valid auto-approved", "approve prec."):
            breakdown.add_column(name, justify="left" if name == tag else "right")
        for value, group in values.items():
            breakdown.add_row(
                value,
                str(group["claims"]),
                _pct(group["all_fields_right"]),
                _pct(group["valid_auto_approved"]),
                _pct(group["auto_approve_precision"]),
            )
        console.print(breakdown)
    targets = Table(
        title="Targets (issue: measured on the independent hold-out corpus)", title_justify="left"
    )
    for name in ("figure", "target", "measured", "met"):
        targets.add_column(name, justify="left" if name == "figure" else "right")
    for name, row in result["targets"].items():
        targets.add_row(
            name,
            _pct(row["target"]),
            _pct(row["measured"]),
            "[green]yes[/green]" if row["met"] else "[red]no[/red]",
        )
    console.print(targets)
    review = summary["review_share"]
    console.print(
        f"auto-approve precision: [bold]{_pct(summary['auto_approve_precision'])}[/bold] "
        f"({summary['overall']['auto_approved']} auto-approved; "
        f"{summary['overall']['auto_approved_but_should_be_flagged']} of them should have been flagged; "
        f"precision counts an approval right when every field is right and the claim is valid)\n"
        f"sent to review: overall {_pct(review['overall'])}, "
        f"clean digital [bold]{_pct(review['clean_digital'])}[/bold] "
        f"(of those that should pass: {_pct(review['clean_digital_should_pass'])}); "
        f"claims that should pass {_pct(review['should_pass'])}, "
        f"claims that should be flagged {_pct(review['should_be_flagged'])}\n"
        f"personal values (ground truth) left unredacted in what the pipeline passed on: "
        f"{summary['pii']['leaked']} of {summary['pii']['values']} {summary['pii']['leaked_by_kind'] or ''}\n"
        f"rule outcomes as expected: {_pct(summary['rule_outcomes_as_expected'])}; "
        f"review causes: {', '.join(f'{k} {v}' for k, v in list(summary['review_causes'].items())[:6])}\n"
        f"valid claims auto-approved: "
        f"{', '.join(f'{k} {_pct(v)}' for k, v in summary['valid_auto_approved'].items())}\n"
        f"{result['config']['claims']} claims ({result['config']['source']} corpus"
        f"{', seed ' + str(result['config']['seed']) if result['config']['source'] != 'folder' else ''}) "
        f"in {result['wall_s']:.0f} s ({result['config']['mode']})"
    )


def plot_calibration(result: dict[str, Any], path: Path) -> None:
    """Reliability diagram: confidence bin against share of claims with every field right, with counts."""
    import matplotlib

    matplotlib.use("Agg")  # files only: no display on servers and CI
    import matplotlib.pyplot as plt

    bins = [b for b in result["summary"]["calibration"] if b["claims"]]
    threshold = result["config"]["review_threshold"]
    fig, (ax, counts) = plt.subplots(
        2, 1, figsize=(8, 6.5), sharex=True, gridspec_kw={"height_ratios": [3, 1]}
    )
    ax.plot([0, 1], [0, 1], linestyle="--", color="grey", label="perfectly calibrated")
    xs = [b["mean_confidence"] for b in bins]
    ys = [b["all_fields_right"] for b in bins]
    ax.plot(xs, ys, marker="o", label="share with every field right")
    for index, (b, x, y) in enumerate(zip(bins, xs, ys, strict=True)):
        # Alternate below and above, so labels of neighbouring bins near 1.0 do not overlap.
        offset = (4, -12) if index % 2 else (-10, 8)
        ax.annotate(f"n={b['claims']}", (x, y), textcoords="offset points", xytext=offset, fontsize=8)
    for axis in (ax, counts):
        axis.axvline(
            threshold, color="tab:red", linestyle=":", label="review threshold" if axis is ax else None
        )
    ax.set(ylabel="share of claims with every field right", ylim=(0, 1.05), xlim=(0, 1.02))
    summary = result["summary"]
    ax.set_title(
        f"Confidence calibration, {summary['claims']} claims ({result['config']['mode']}): "
        f"auto-approve precision {_pct(summary['auto_approve_precision'])}"
    )
    ax.legend(loc="upper left")
    widths = [b["high"] - b["low"] for b in bins]
    counts.bar([b["low"] for b in bins], [b["claims"] for b in bins], width=widths, align="edge",
               edgecolor="white")  # fmt: skip
    counts.set(xlabel="overall confidence (bin mean above, bins below)", ylabel="claims")
    fig.tight_layout()
    fig.savefig(path, dpi=110)
    plt.close(fig)
