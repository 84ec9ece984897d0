"""`claimflow diff`: what a re-assessment changed, per claim and in total.

Every revision of a report is kept (`report_revision`), so two revisions of a claim, or every
claim re-assessed since a moment (a `replay --reassess`), can be compared: status, confidence,
each field's value and each rule's outcome. The comparison and its rendering work on `Decision`s,
so a shadow run's decisions (`claimflow shadow diff`) are compared with the live ones the same way.
"""

from __future__ import annotations

import asyncio
from collections import Counter
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Annotated, Any

import typer
from rich.console import Console
from rich.markup import escape
from rich.table import Table

from agents.stores import ReportStore, Revision
from streams import get_settings
from streams.jsonout import dumps

console = Console()


@dataclass(frozen=True)
class Change:
    """One thing that differs between two revisions: what, before, after."""

    what: str
    before: Any
    after: Any


@dataclass(frozen=True)
class Decision:
    """One assessment of a claim as the diff sees it: the status it has (or would get) and its report.

    `label` says which: a report revision's number, or a side of a shadow comparison.
    """

    claim_id: str
    label: int | str
    status: str
    report: dict[str, Any]

    @classmethod
    def of_revision(cls, revision: Revision) -> Decision:
        return cls(revision.claim_id, revision.revision, revision.status, revision.report)


@dataclass(frozen=True)
class ClaimDiff:
    """Two decisions on one claim (two revisions, or live and shadow) and what differs between them."""

    claim_id: str
    before: int | str
    after: int | str
    changes: list[Change] = field(default_factory=list)

    @property
    def status(self) -> tuple[str, str] | None:
        found = [c for c in self.changes if c.what == "status"]
        return (found[0].before, found[0].after) if found else None


def _fields(report: dict[str, Any]) -> dict[str, Any]:
    return {name: (value or {}).get("value") for name, value in (report.get("fields") or {}).items()}


def _rules(report: dict[str, Any]) -> dict[str, bool]:
    return {rule["rule_id"]: bool(rule["passed"]) for rule in report.get("rules") or []}


def compare(before: Revision, after: Revision) -> ClaimDiff:
    """What differs between two revisions of a claim."""
    return compare_decisions(Decision.of_revision(before), Decision.of_revision(after))


def compare_decisions(before: Decision, after: Decision) -> ClaimDiff:
    """What differs between two decisions on a claim (confidence counts when it moved by 0.01 or more)."""
    changes: list[Change] = []
    if before.status != after.status:
        changes.append(Change("status", before.status, after.status))
    was, now = before.report.get("confidence"), after.report.get("confidence")
    if was is not None and now is not None and abs(float(now) - float(was)) >= 0.01:
        changes.append(Change("confidence", round(float(was), 3), round(float(now), 3)))
    old_fields, new_fields = _fields(before.report), _fields(after.report)
    for name in sorted(old_fields.keys() | new_fields.keys()):
        if old_fields.get(name) != new_fields.get(name):
            changes.append(Change(f"field {name}", old_fields.get(name), new_fields.get(name)))
    old_rules, new_rules = _rules(before.report), _rules(after.report)
    for rule in sorted(old_rules.keys() | new_rules.keys()):
        if old_rules.get(rule) != new_rules.get(rule):
            changes.append(Change(f"rule {rule}", old_rules.get(rule), new_rules.get(rule)))
    return ClaimDiff(before.claim_id, before.label, after.label, changes)


async def diff_since(store: ReportStore, since: datetime) -> list[ClaimDiff]:
    """Each claim revised at or after `since`: its last revision before then against its latest."""
    found = []
    for claim_id in await store.revised_since(since):
        history = await store.revisions(claim_id)
        earlier = [r for r in history if r.written_at < since]
        if earlier:
            found.append(compare(earlier[-1], history[-1]))
    return found


async def diff_revisions(store: ReportStore, claim_id: str, start: int | None, end: int | None) -> ClaimDiff:
    """One claim's revisions `start` and `end` (default: the one before the latest, and the latest)."""
    history = {r.revision: r for r in await store.revisions(claim_id)}
    if len(history) < 2 and (start is None or end is None):
        raise typer.BadParameter(f"{claim_id} has {len(history)} revision(s): nothing to compare")
    latest = max(history)
    end = latest if end is None else end
    start = end - 1 if start is None else start
    missing = sorted({start, end} - history.keys())
    if missing:
        raise typer.BadParameter(f"{claim_id} has no revision {missing[0]} (it has 1 to {latest})")
    return compare(history[start], history[end])


def show(diffs: list[ClaimDiff], compared: str, *, sides: str = "revisions") -> None:
    """Each changed claim's changes in a table, then the totals: compared, changed, status moves, kinds."""
    changed = [d for d in diffs if d.changes]
    table = Table("claim", sides, "what changed", "before", "after")
    for d in changed:
        for i, change in enumerate(d.changes):
            table.add_row(
                d.claim_id if i == 0 else "",
                f"{d.before} → {d.after}" if i == 0 else "",
                change.what,
                escape(str(change.before)),
                escape(str(change.after)),
            )
    if changed:
        console.print(table)
    moves = Counter(f"{d.status[0]} → {d.status[1]}" for d in changed if d.status)
    kinds = Counter(c.what for d in changed for c in d.changes)
    console.print(
        f"{compared}: {len(diffs)} compared, {len(changed)} changed, {len(diffs) - len(changed)} the same"
    )
    if moves:
        console.print("status: " + ", ".join(f"{k} {v}" for k, v in moves.most_common()))
    if kinds:
        console.print("changes: " + ", ".join(f"{k} {v}" for k, v in kinds.most_common()))


def diff(
    claim_id: Annotated[
        str | None, typer.Argument(help="One claim (default: every claim revised --since).")
    ] = None,
    since: Annotated[
        datetime | None,
        typer.Option(
            help="Claims revised at or after this time (UTC), e.g. what `replay --reassess` printed."
        ),
    ] = None,
    from_revision: Annotated[
        int | None, typer.Option("--from", help="With a claim: the older revision.")
    ] = None,
    to_revision: Annotated[int | None, typer.Option("--to", help="With a claim: the newer revision.")] = None,
    as_json: Annotated[bool, typer.Option("--json", help="One JSON object per compared claim.")] = False,
) -> None:
    """What re-assessment changed: status, confidence, fields and rules, per claim and in total."""
    if (claim_id is None) == (since is None):
        raise typer.BadParameter("give a claim id or --since")

    async def run() -> list[ClaimDiff]:
        store = ReportStore(get_settings().postgres_dsn.get_secret_value())
        await store.open()
        try:
            if claim_id is not None:
                return [await diff_revisions(store, claim_id, from_revision, to_revision)]
            assert since is not None
            moment = since if since.tzinfo else since.replace(tzinfo=UTC)
            return await diff_since(store, moment)
        finally:
            await store.close()

    diffs = asyncio.run(run())
    if as_json:
        echo_json(diffs)
        return
    show(diffs, f"since {since}" if since is not None else f"{claim_id}")


def echo_json(diffs: list[ClaimDiff], **extra: Any) -> None:
    """One JSON object per compared claim: its id, the two sides (`from`, `to`) and the changes."""
    for d in diffs:
        changes = [{"what": c.what, "before": c.before, "after": c.after} for c in d.changes]
        typer.echo(
            dumps({"claim_id": d.claim_id, "from": d.before, "to": d.after, **extra, "changes": changes})
        )
