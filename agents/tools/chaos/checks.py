"""The invariants of a chaos run and its figures, computed from what was read back: pure, no I/O.

Each invariant is one `Invariant` (name, held or not, and the first few offenders); the figures
(lost, event copies, reordered, recovery per kind of fault, memory growth) go in the table and
result.json. The definitions, for docs/chaos.md:

- *lost*: a claim (not a poison input) without a report in PostgreSQL after the heal window; each
  is then placed (`where_unreported`): *committed past* when the agent that should have taken its
  last event further committed past that event with nothing emitted for it (the loss the issue
  forbids), *in flight* when that agent had not committed past it yet (a run too slow to heal);
- *copies*: messages on a topic minus the distinct event ids among them (at-least-once redelivery,
  harmless for sinks that deduplicate on event_id; reported, never a failure);
- *reordered*: a claim whose events on a claim-keyed topic sit on more than one partition, or an
  event that reached the log before the event that caused it;
- *recovery* after a fault: from the moment it was healed (agent or service back) to the next
  report announced on report.ready; *stall*: the longest time without any report from the
  fault until the next one began.
"""

from __future__ import annotations

import itertools
from collections import Counter, defaultdict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import asdict, dataclass, field
from typing import Any

from agents.tools.chaos.faults import Applied
from agents.tools.chaos.load import Input
from agents.tools.chaos.observe import DeadSeen, LogContents, Seen
from streams import Topology

SHOWN = 5  # offenders named per failed invariant


@dataclass(frozen=True)
class Invariant:
    """One invariant: whether it held, and what broke it (counted, the first few named)."""

    name: str
    ok: bool
    detail: str
    offenders: list[str] = field(default_factory=list)

    def to_json(self) -> dict[str, Any]:
        return asdict(self)


@dataclass(frozen=True)
class StoredRevision:
    """What PostgreSQL holds for a claim: its revision and the event ids applied to it."""

    revision: int
    event_ids: tuple[str, ...]


def _invariant(name: str, offenders: Sequence[str], held: str, broken: str) -> Invariant:
    if not offenders:
        return Invariant(name, True, held)
    return Invariant(name, False, f"{len(offenders)} {broken}", sorted(offenders)[:SHOWN])


def _by_claim(events: Iterable[Seen]) -> dict[str, list[Seen]]:
    found: dict[str, list[Seen]] = defaultdict(list)
    for event in events:
        found[event.claim_id].append(event)
    return found


def reports_invariant(
    inputs: Sequence[Input],
    reports: Mapping[str, StoredRevision],
    announced: Mapping[str, set[str]],
    placed: Sequence[Unreported] = (),
) -> tuple[Invariant, list[str]]:
    """Every claim has its one current report, stored and announced; no poison input has one.

    `placed` says where claims without a report stopped (`where_unreported`): the detail counts
    those committed past apart from those still in flight. Returns the invariant and the claims
    without a report.
    """
    lost = [i.claim_id for i in inputs if i.kind == "claim" and i.claim_id not in reports]
    poisoned = [
        f"{i.claim_id} (poison) has a report" for i in inputs if i.kind != "claim" and i.claim_id in reports
    ]
    unannounced = [
        f"{c}: revision {r.revision} stored, {len(announced.get(c, ()))} announced on report.ready"
        for c, r in reports.items()
        if len(announced.get(c, ())) != r.revision
    ]
    where = {u.claim_id: u for u in placed}
    # Committed-past claims first: they are the ones the offenders list must name.
    named = sorted(lost, key=lambda c: (not (c in where and where[c].committed_past), c))
    offenders = [where[c].describe() if c in where else f"{c} lost" for c in named] + poisoned + unannounced
    claims = sum(1 for i in inputs if i.kind == "claim")
    past = sum(1 for u in placed if u.committed_past)
    broken = "claims lost, poisoned or unannounced"
    if placed:
        broken += f" ({past} committed past with no output, {len(placed) - past} still in flight)"
    if not offenders:
        return Invariant(
            "every claim has exactly one current report; none lost",
            True,
            f"{claims} of {claims} claims reported once, every revision announced",
        ), lost
    return Invariant(
        "every claim has exactly one current report; none lost",
        False,
        f"{len(offenders)} {broken}",
        offenders[:SHOWN],
    ), lost


@dataclass(frozen=True)
class Unreported:
    """Where a claim without a report stopped: its last event and the agent that should take it on."""

    claim_id: str
    topic: str
    partition: int
    offset: int
    agent: str
    committed: int  # the agent's committed offset on that partition (-1: none)

    @property
    def committed_past(self) -> bool:
        return self.committed > self.offset

    def describe(self) -> str:
        at = f"{self.topic}[{self.partition}]@{self.offset}"
        if self.committed_past:
            return (
                f"{self.claim_id} lost: {self.agent} committed past {at} (to {self.committed}) with no output"
            )
        return f"{self.claim_id} in flight: {at} waits for {self.agent} (committed to {self.committed})"


def where_unreported(
    lost: Sequence[str],
    contents: LogContents,
    committed: Mapping[tuple[str, str, int], int],
    topology: Topology,
) -> list[Unreported]:
    """For each claim without a report, its last event that caused nothing and the stage it waits at.

    `committed` maps (agent, topic, partition) to the agent's committed offset. Only agents that
    take a claim further are stages (they emit and decode; the auditor records bytes); a claim
    with no event at all is placed nowhere (it never reached the log).
    """
    causes = {e.causation_id for events in contents.events.values() for e in events if e.causation_id}
    stages = {t: a for a in topology.agents.values() if a.emits and not a.raw for t in a.consumes}
    mine = set(lost)
    placed: dict[str, Unreported] = {}
    for topic, events in contents.events.items():
        agent = stages.get(topic)
        if agent is None:
            continue
        for e in events:
            if e.claim_id not in mine or e.event_id in causes:
                continue
            at = committed.get((agent.name, topic, e.partition), -1)
            found = Unreported(e.claim_id, topic, e.partition, e.offset, agent.name, at)
            known = placed.get(e.claim_id)
            if known is None or (found.committed_past and not known.committed_past):
                placed[e.claim_id] = found  # a commit past an event outweighs one still waiting
    return [placed[c] for c in lost if c in placed]


def revisions_invariant(
    reports: Mapping[str, StoredRevision],
    contents: LogContents,
    report_topic: str,
    cause_topics: Sequence[str],
    decision_topic: str,
) -> Invariant:
    """Every stored revision has a cause: one assessment, plus one per reviewer decision.

    A claim re-assessed under a new event id (a redelivery that did not reproduce its event id)
    would show as revision 2 with no decision behind it.
    """
    causes = {e.event_id for t in cause_topics for e in contents.events.get(t, [])}
    decisions = Counter(
        e.claim_id for e in {e.event_id: e for e in contents.events.get(decision_topic, [])}.values()
    )
    offenders = []
    for claim, stored in reports.items():
        expected = 1 + decisions.get(claim, 0)
        if stored.revision != expected or len(stored.event_ids) != stored.revision:
            offenders.append(
                f"{claim}: revision {stored.revision}, {len(stored.event_ids)} event ids, "
                f"{decisions.get(claim, 0)} decisions"
            )
    for event in contents.events.get(report_topic, []):
        if event.claim_id in reports and event.causation_id not in causes:
            offenders.append(
                f"{event.claim_id}: report.ready {event.event_id} caused by unknown {event.causation_id}"
            )
    return _invariant(
        "no report revision without a cause",
        sorted(set(offenders)),
        f"{len(reports)} reports, each revision caused by an assessment or a decision",
        "revisions without a cause",
    )


def order_invariant(contents: LogContents, topology: Topology) -> tuple[Invariant, int]:
    """Per claim, per topic: one partition (claim-keyed topics), and no event before its cause.

    Returns the invariant and the number of claims reordered.
    """
    first_seen: dict[str, int] = {}
    for events in contents.events.values():
        for e in events:
            first_seen[e.event_id] = min(first_seen.get(e.event_id, e.log_ms), e.log_ms)
    offenders: dict[str, str] = {}
    for name, events in contents.events.items():
        keyed_by_claim = topology.topic(name).key == "claim_id"
        for claim, mine in _by_claim(events).items():
            partitions = {e.partition for e in mine}
            if keyed_by_claim and len(partitions) > 1:
                offenders.setdefault(claim, f"{claim} on {name} partitions {sorted(partitions)}")
            for e in mine:
                cause_ms = first_seen.get(e.causation_id or "")
                if cause_ms is not None and first_seen[e.event_id] < cause_ms:
                    offenders.setdefault(claim, f"{claim}: {name} {e.event_id} on the log before its cause")
    invariant = _invariant(
        "per-claim event order monotonic on every topic",
        list(offenders.values()),
        "every claim on one partition per topic; no event before its cause",
        "claims reordered",
    )
    return invariant, len(offenders)


def copies(contents: LogContents) -> dict[str, int]:
    """Per topic: messages beyond the first copy of each event id (redeliveries; not a failure)."""
    return {t: len(es) - len({e.event_id for e in es}) for t, es in contents.events.items()}


def dead_letter_invariant(
    inputs: Sequence[Input], dead: Sequence[DeadSeen]
) -> tuple[Invariant, dict[str, int]]:
    """The dead-letter topics hold exactly the poison inputs: each of them, and nothing else."""
    poison = {i.value: i for i in inputs if i.kind != "claim"}
    held = Counter(d.original_value for d in dead)
    missing = [f"{p.claim_id} ({p.kind}) not dead-lettered" for v, p in poison.items() if v not in held]
    extra = [
        f"{d.topic}@{d.offset} by {d.agent}: {d.error_type} "
        f"({(d.original_key or b'').decode(errors='replace')})"
        for d in dead
        if d.original_value not in poison
    ]
    figures = {
        "poison": len(poison),
        "dead_letters": len(dead),
        "distinct": len(held),
        "copies": sum(n - 1 for n in held.values()),
    }
    invariant = _invariant(
        "the dead-letter topics hold exactly the poison inputs",
        missing + extra,
        f"{len(poison)} poison inputs, each dead-lettered ({figures['copies']} extra copies)",
        "dead letters missing or unexpected",
    )
    return invariant, figures


def region_invariant(
    contents: LogContents, served: Mapping[str, frozenset[str]], inputs: Sequence[Input], ingest_topic: str
) -> Invariant:
    """No agent emitted an event of a region it does not serve; no poison claim got past intake."""
    poison_ids = {i.claim_id for i in inputs if i.kind != "claim"}
    offenders = []
    for name, events in contents.events.items():
        for e in events:
            if not e.claim_id:  # no claim's event (the audit chain's head): no region to keep
                continue
            regions = served.get(e.producer)
            if regions is not None and e.region not in regions:
                offenders.append(f"{e.claim_id}: {e.producer} emitted {e.region} on {name}")
            elif name != ingest_topic and e.claim_id in poison_ids:
                offenders.append(f"{e.claim_id} ({e.region}) processed on into {name}")
    return _invariant(
        "no claim processed by a deployment not serving its region",
        offenders,
        "every event emitted by a deployment serving its region",
        "events outside their deployment's regions",
    )


def lag_invariant(lag: Mapping[str, int] | None, error: str | None) -> Invariant:
    """Nothing in flight: every agent group committed to the end of everything it consumes."""
    if lag is None:
        return Invariant(
            "nothing in flight (consumer lag 0 for every group)", False, f"not measured: {error}"
        )
    behind = [f"{group}: {n}" for group, n in lag.items() if n]
    return _invariant(
        "nothing in flight (consumer lag 0 for every group)",
        behind,
        f"{len(lag)} groups, lag 0",
        "groups behind",
    )


def audit_invariant(ok: bool, message: str) -> Invariant:
    return Invariant("audit verify passes", ok, message)


def recovery(applied: Sequence[Applied], report_times_ms: Sequence[int], end_ms: int) -> list[dict[str, Any]]:
    """Per fault: seconds from its heal to the next report, and the longest report gap it caused."""
    times = sorted(report_times_ms)
    found = []
    for i, fault in enumerate(applied):
        window_end = applied[i + 1].injected_ms if i + 1 < len(applied) else end_ms
        after_heal = next((t for t in times if t >= fault.healed_ms), None)
        before = [t for t in times if t < fault.injected_ms]
        points = [before[-1] if before else fault.injected_ms]
        points += [t for t in times if fault.injected_ms <= t <= window_end]
        stall = max((b - a for a, b in itertools.pairwise(points)), default=0)
        if after_heal is None:
            stall = max(stall, window_end - points[-1])
        found.append(
            {
                "kind": fault.fault.kind,
                "target": fault.fault.target,
                "recovery_s": None if after_heal is None else round((after_heal - fault.healed_ms) / 1000, 2),
                "stall_s": round(stall / 1000, 2),
            }
        )
    return found


def recovery_by_kind(per_fault: Sequence[Mapping[str, Any]]) -> dict[str, dict[str, float | None]]:
    """Worst recovery and stall per kind of fault (None: no report after it before the run ended)."""
    kinds: dict[str, list[Mapping[str, Any]]] = defaultdict(list)
    for item in per_fault:
        kinds[item["kind"]].append(item)
    summary: dict[str, dict[str, float | None]] = {}
    for kind, items in kinds.items():
        recoveries = [i["recovery_s"] for i in items]
        summary[kind] = {
            "recovery_s_max": None if None in recoveries else max(recoveries),
            "stall_s_max": max(i["stall_s"] for i in items),
        }
    return summary


def rss_growth(samples: Sequence[Mapping[str, Any]]) -> dict[str, dict[str, float]]:
    """Per process label: restarts seen, first/last/peak RSS, growth over its longest-lived pid, and
    that pid's growth over the second half of its life: start-up (imports, models) is over by then,
    so what still grows is what a long run would keep growing."""
    series: dict[str, dict[int, list[float]]] = defaultdict(lambda: defaultdict(list))
    for sample in samples:
        for label, value in sample.items():
            if label != "t_ms":
                pid, rss = value
                series[label][pid].append(rss)
    summary = {}
    for label, by_pid in sorted(series.items()):
        longest = max(by_pid.values(), key=len)
        every = [v for values in by_pid.values() for v in values]
        summary[label] = {
            "processes": len(by_pid),
            "samples": len(longest),
            "first_mb": longest[0],
            "last_mb": longest[-1],
            "peak_mb": max(every),
            "growth_mb": round(longest[-1] - longest[0], 1),
            "second_half_growth_mb": round(longest[-1] - longest[len(longest) // 2], 1),
        }
    return summary
