"""`claimflow trace CLAIM_ID`: the claim's causal chain from the audit log, the "why this verdict" view.

Every message of the claim the auditor recorded (dead letters too) is decoded and hung under the
event that caused it (`causation_id`; a review decision under the revision it decided), so replays,
re-assessment epochs and review decisions show as branches. Each hop says which agent and version
produced it, how long after its cause it was made (event times), what CPU the agent spent on it
(the `claimflow-cpu-s` header the runner writes) and its W3C trace id. Then the decision (each
revision's status, confidence, failed rules and weakest field), every model that touched the claim
with its version (`models` on the events), and the cost per claim (CPU per agent, LLM tokens and
their price). Reading needs no audit key.
"""

from __future__ import annotations

import asyncio
from collections import Counter
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import Annotated, Any

import typer
from opentelemetry import trace as otel_trace
from pydantic import ValidationError
from rich.console import Console
from rich.markup import escape
from rich.table import Table
from rich.tree import Tree

from agents.assessment import explain_confidence
from agents.events import ClaimFields, RuleOutcome
from agents.review import TrailEntry, decode_trail
from streams import AuditLog, get_settings, load_topology
from streams.cli_kafka import EPOCH_HEADER, REPLAY_HEADER
from streams.cost import cpu_of_headers
from streams.jsonout import dumps
from streams.telemetry import context_from_headers

console = Console()


@dataclass
class Hop:
    """One event of the claim's chain, where it hangs, and what the log's copy of it says.

    `repeats` are later copies of the same event on the same topic (a redelivery, or a replay
    without `--reassess`, which reproduces the ids and changes nothing).
    """

    entry: TrailEntry
    parent: Hop | None = None
    children: list[Hop] = field(default_factory=list)
    repeats: list[TrailEntry] = field(default_factory=list)

    @property
    def record(self) -> dict[str, Any]:
        return self.entry.record

    @property
    def event_time(self) -> datetime:
        when = self.record.get("event_time")
        return when if isinstance(when, datetime) else self.entry.logged_at

    @property
    def hop_ms(self) -> float | None:
        """Milliseconds from its cause's event time to its own: the time this hop took."""
        if self.parent is None:
            return None
        return (self.event_time - self.parent.event_time).total_seconds() * 1000

    @property
    def cpu(self) -> dict[str, float]:
        """CPU seconds per agent the chain had cost when this record was written (its header)."""
        return cpu_of_headers(self.entry.headers)

    @property
    def cpu_s(self) -> float | None:
        """CPU seconds the producing agent spent on this event (its share of its batch)."""
        mine = self.cpu.get(self.entry.producer)
        if mine is None:
            return None
        before = self.parent.cpu.get(self.entry.producer, 0.0) if self.parent else 0.0
        return max(0.0, mine - before)

    @property
    def trace_id(self) -> str | None:
        """The W3C trace id in the record's `traceparent` header, as 32 hex digits."""
        span = otel_trace.get_current_span(context_from_headers(self.entry.headers)).get_span_context()
        return f"{span.trace_id:032x}" if span.is_valid else None

    def header(self, name: str) -> str | None:
        for key, value in self.entry.headers:
            if key == name and value is not None:
                return value.decode("utf-8", "replace")
        return None

    def walk(self, depth: int = 0) -> Iterable[tuple[int, Hop]]:
        """This hop and everything it caused, depth first, each level in event-time order."""
        yield depth, self
        for child in self.children:
            yield from child.walk(depth + 1)


def build_tree(trail: Sequence[TrailEntry]) -> list[Hop]:
    """The claim's events as trees of cause and effect, roots (submissions, replays, decisions) by time.

    An event hangs under the event its `causation_id` names; a review decision, which starts a
    chain of its own, under the report revision it decided (`base_revision`). The auditor records
    topics in its own order, so a cause may come after its effect in the trail: hops are made
    first and linked after. An event whose cause is not in the trail is a root.
    """
    hops: list[Hop] = []
    first: dict[tuple[str, str], Hop] = {}
    by_id: dict[str, Hop] = {}
    for entry in trail:
        key = (entry.topic, entry.event_id or "")
        if entry.event_id and key in first:
            first[key].repeats.append(entry)
            continue
        hop = Hop(entry)
        hops.append(hop)
        if entry.event_id:
            first[key] = hop
            by_id.setdefault(entry.event_id, hop)
    revisions = {h.record.get("revision"): h for h in hops if h.entry.schema == "report_ready" and h.record}
    roots: list[Hop] = []
    for hop in hops:
        if hop.entry.schema == "claim_reviewed":
            parent = revisions.get(hop.record.get("base_revision"))
        else:
            parent = by_id.get(hop.record.get("causation_id") or "")
        if parent is not None and parent is not hop:
            hop.parent = parent
            parent.children.append(hop)
        else:
            roots.append(hop)
    for hop in hops:
        hop.children.sort(key=lambda h: (h.event_time, h.entry.seq))
    return sorted(roots, key=lambda h: (h.event_time, h.entry.seq))


@dataclass(frozen=True)
class Decision:
    """One report revision: its status and confidence, and why (failed rules, weakest field, reviewer)."""

    revision: int
    status: str
    confidence: float
    failed_rules: list[str]
    weakest_field: str | None
    weakest_confidence: float | None
    decided_by: str | None
    event_id: str | None


def _basis(validated: Mapping[str, Any]) -> tuple[list[str], str | None, float | None]:
    try:
        fields = ClaimFields.model_validate(validated.get("fields") or {})
        rules = [RuleOutcome.model_validate(r) for r in validated.get("rules") or []]
    except ValidationError:
        return [], None, None
    basis = explain_confidence(fields, rules)
    return basis["failed_rules"], basis["weakest_field"], basis["weakest_field_confidence"]


def decisions(roots: Sequence[Hop]) -> list[Decision]:
    """Every report revision in the trees, by revision: the assessment's reasons, or the reviewer's."""
    found = []
    for root in roots:
        for _, hop in root.walk():
            if hop.entry.schema != "report_ready" or not hop.record:
                continue
            cause = hop.parent.record if hop.parent else {}
            failed: list[str] = []
            weakest: str | None = None
            weakest_confidence: float | None = None
            if hop.parent is not None and hop.parent.entry.schema == "claim_validated":
                failed, weakest, weakest_confidence = _basis(cause)
            reviewer = hop.record.get("reviewed_by")
            found.append(
                Decision(
                    revision=int(hop.record.get("revision") or 0),
                    status=str(hop.record.get("status")),
                    confidence=float(hop.record.get("confidence") or 0.0),
                    failed_rules=failed,
                    weakest_field=weakest,
                    weakest_confidence=weakest_confidence,
                    decided_by=f"{reviewer} ({cause.get('action')})" if reviewer else hop.entry.producer,
                    event_id=hop.entry.event_id,
                )
            )
    return sorted(found, key=lambda d: d.revision)


def _last(roots: Sequence[Hop], schema: str) -> Hop | None:
    found = [hop for root in roots for _, hop in root.walk() if hop.entry.schema == schema and hop.record]
    return max(found, key=lambda h: (h.event_time, h.entry.seq)) if found else None


def models_of(roots: Sequence[Hop]) -> list[dict[str, Any]]:
    """The models behind the latest assessment: the `models` its most advanced event carries."""
    for schema in ("claim_validated", "fields_extracted", "clauses_retrieved", "retrieval_request"):
        hop = _last(roots, schema)
        if hop is not None and hop.record.get("models"):
            return list(hop.record["models"])
    return []


def cost_of(roots: Sequence[Hop], models: Sequence[Mapping[str, Any]]) -> dict[str, Any]:
    """The latest assessment's cost: CPU seconds per agent (through the reporter), LLM tokens and price."""
    latest = _last(roots, "report_ready")
    for schema in ("claim_validated", "fields_extracted", "clauses_retrieved", "retrieval_request"):
        if latest is not None and latest.cpu:
            break
        latest = _last(roots, schema)
    llm = [m for m in models if m.get("role") == "llm"]
    return {
        "cpu_seconds": latest.cpu if latest is not None else {},
        "llm_prompt_tokens": sum(int(m.get("prompt_tokens") or 0) for m in llm),
        "llm_completion_tokens": sum(int(m.get("completion_tokens") or 0) for m in llm),
        "llm_cost": round(sum(float(m.get("cost") or 0.0) for m in llm), 8),
    }


def _short(event_id: str | None) -> str:
    return (event_id or "?")[:8]


def hop_json(depth: int, hop: Hop) -> dict[str, Any]:
    """One hop as a JSON line."""
    e = hop.entry
    return {
        "kind": "event",
        "depth": depth,
        "seq": e.seq,
        "topic": e.topic,
        "partition": e.partition,
        "offset": e.offset,
        "schema": e.schema,
        "producer": e.producer,
        "producer_version": hop.record.get("producer_version"),
        "event_id": e.event_id,
        "causation_id": hop.record.get("causation_id"),
        "parent_event_id": hop.parent.entry.event_id if hop.parent else None,
        "event_time": hop.event_time,
        "hop_ms": None if hop.hop_ms is None else round(hop.hop_ms, 1),
        "cpu_s": hop.cpu_s,
        "trace_id": hop.trace_id,
        "epoch": hop.header(EPOCH_HEADER),
        "replay_of": hop.header(REPLAY_HEADER),
        "repeats": [f"{r.topic}[{r.partition}]@{r.offset}" for r in hop.repeats],
        "summary": e.summary,
    }


def trace_lines(claim_id: str, roots: Sequence[Hop]) -> list[dict[str, Any]]:
    """The whole trace as JSON-lines objects: every event (tree order), decisions, models, cost, summary."""
    lines: list[dict[str, Any]] = [hop_json(d, h) for root in roots for d, h in root.walk()]
    lines += [{"kind": "decision", **vars(d)} for d in decisions(roots)]
    models = models_of(roots)
    lines.append({"kind": "models", "models": models})
    lines.append({"kind": "cost", **cost_of(roots, models)})
    hops = [h for root in roots for _, h in root.walk()]
    lines.append(
        {
            "kind": "summary",
            "claim_id": claim_id,
            "events": len(hops),
            "dead_letters": sum(1 for h in hops if h.entry.schema == "dead_letter"),
            "trace_ids": sorted({t for h in hops if (t := h.trace_id)}),
            "epochs": sorted({ep for h in hops if (ep := h.header(EPOCH_HEADER))}),
        }
    )
    return lines


def _label(hop: Hop) -> str:
    e = hop.entry
    parts = [f"[bold]{escape(e.topic)}[/bold][{e.partition}]@{e.offset}"]
    parts.append(f"{escape(e.producer)} {escape(str(hop.record.get('producer_version') or ''))}".rstrip())
    parts.append(f"event {_short(e.event_id)}")
    if hop.hop_ms is not None:
        parts.append(f"+{hop.hop_ms:.0f} ms")
    if hop.cpu_s is not None:
        parts.append(f"cpu {hop.cpu_s * 1000:.1f} ms")
    if (epoch := hop.header(EPOCH_HEADER)) is not None:
        parts.append(f"[magenta]epoch {escape(epoch)}[/magenta]")
    elif (origin := hop.header(REPLAY_HEADER)) is not None:
        parts.append(f"[magenta]replay of {escape(origin)}[/magenta]")
    if hop.repeats:
        parts.append(
            f"[dim]{len(hop.repeats)} more cop{'y' if len(hop.repeats) == 1 else 'ies'} on the log[/dim]"
        )
    colour = "red" if e.schema == "dead_letter" else "cyan" if e.schema == "claim_reviewed" else None
    summary = escape(e.summary)
    line = " · ".join(parts) + (f"\n[{colour}]{summary}[/{colour}]" if colour else f"\n[dim]{summary}[/dim]")
    return line


def show(claim_id: str, roots: Sequence[Hop]) -> None:
    """The trace for people: the tree, then the decision, the models and the cost."""
    hops = [h for root in roots for _, h in root.walk()]
    trace_ids = sorted({t for h in hops if (t := h.trace_id)})
    tree = Tree(f"[bold]{escape(claim_id)}[/bold] · {len(hops)} events · trace {', '.join(trace_ids) or '?'}")

    def add(node: Tree, hop: Hop) -> None:
        branch = node.add(_label(hop))
        for child in hop.children:
            add(branch, child)

    for root in roots:
        add(tree, root)
    console.print(tree)
    table = Table("revision", "status", "confidence", "failed rules", "weakest field", "by", title="Decision")
    for d in decisions(roots):
        weakest = f"{d.weakest_field} ({d.weakest_confidence:.2f})" if d.weakest_field else "-"
        table.add_row(
            str(d.revision),
            d.status,
            f"{d.confidence:.2f}",
            ", ".join(d.failed_rules) or "-",
            weakest,
            escape(d.decided_by or "?"),
        )
    console.print(table)
    models = models_of(roots)
    table = Table(
        "role", "model", "version", "sha256", "detail", "tokens", "cost", title="Models (why this verdict)"
    )
    for m in models:
        tokens = m.get("prompt_tokens", 0) + m.get("completion_tokens", 0)
        table.add_row(
            m["role"],
            escape(m["name"]),
            escape(m["version"]),
            (m.get("sha256") or "-")[:16],
            escape(m.get("detail") or ""),
            f"{m['prompt_tokens']}+{m['completion_tokens']}" if tokens else "0",
            f"{m.get('cost', 0.0):.6f}" if m["role"] == "llm" else "",
        )
    console.print(table)
    cost = cost_of(roots, models)
    cpu = cost["cpu_seconds"]
    console.print(
        "Cost: CPU "
        + (", ".join(f"{a} {s * 1000:.1f} ms" for a, s in cpu.items()) or "not recorded")
        + (f" (total {sum(cpu.values()) * 1000:.1f} ms)" if cpu else "")
        + f"; LLM tokens {cost['llm_prompt_tokens']}+{cost['llm_completion_tokens']}"
        + f", cost {cost['llm_cost']:.6f}"
    )
    dead = Counter(
        f"{h.record.get('agent', '?')}: {h.record.get('error_type', '?')}"
        for h in hops
        if h.entry.schema == "dead_letter"
    )
    if dead:
        console.print("[red]Dead letters:[/red] " + ", ".join(f"{k} x{v}" for k, v in dead.items()))


async def load_trail(claim_id: str) -> list[TrailEntry]:
    """The claim's audited messages, decoded (no audit key needed to read)."""
    settings = get_settings()
    audit = AuditLog(settings.postgres_dsn.get_secret_value())
    await audit.open()
    try:
        entries = await audit.for_claim(claim_id)
    finally:
        await audit.close()
    return decode_trail(entries, load_topology(settings.topology_file), settings.schemas_dir)


def trace(
    claim_id: Annotated[str, typer.Argument(help="The claim to trace.")],
    as_json: Annotated[
        bool,
        typer.Option("--json", help="JSON lines: one per event (tree order), then decisions, models, cost."),
    ] = False,
) -> None:
    """The claim's causal chain from the audit log: every event, agent, timing, decision and model."""
    trail = asyncio.run(load_trail(claim_id))
    if not trail:
        console.print(f"no audited messages for {claim_id} (yet)")
        raise typer.Exit(1)
    roots = build_tree(trail)
    if as_json:
        for line in trace_lines(claim_id, roots):
            typer.echo(dumps(line))
        return
    show(claim_id, roots)
