"""`claimflow review`: the review queue for people who live in a terminal (list, show, take, decide).

Every command acts as one reviewer, signed in with their password (`--as`, or `CLAIMFLOW_REVIEWER`;
the password from `CLAIMFLOW_REVIEW_PASSWORD`, else a prompt), and sees only the regions that
reviewer is allowed, exactly as on the web pages: both go through `ReviewService`.
`claimflow review users add` creates the local reviewers (an administrator's command: it needs
the database, not a sign-in).
"""

from __future__ import annotations

import asyncio
import json
import os
import sys
import uuid
from collections.abc import Awaitable, Callable
from pathlib import Path
from typing import Annotated, Any, TypeVar

import typer
from rich.console import Console
from rich.markup import escape
from rich.table import Table

from agents.review import (
    DECLINE_REASONS,
    EDITABLE_FIELDS,
    PENDING,
    ClaimView,
    DecisionForm,
    Principal,
    QueueFilter,
    QueueItem,
    ReviewService,
    ReviewStore,
    open_service,
)
from streams import Producer, get_settings
from streams.jsonout import dumps

console = Console()
review_app = typer.Typer(
    help="The human review queue: list, show, take and decide claims.", no_args_is_help=True
)
users_app = typer.Typer(help="Local reviewers: who signs in, roles, regions.", no_args_is_help=True)
review_app.add_typer(users_app, name="users")
CLI_PRODUCER = Producer("claimflow-review-cli", "0.1.0")

T = TypeVar("T")

AsUser = Annotated[str, typer.Option("--as", envvar="CLAIMFLOW_REVIEWER", help="The reviewer you act as.")]


async def principal_for(service: ReviewService, user_id: str) -> Principal:
    """Sign `user_id` in with the password from `CLAIMFLOW_REVIEW_PASSWORD`, else asked for."""
    from agents.review.auth import LocalSignIn

    password = os.environ.get("CLAIMFLOW_REVIEW_PASSWORD")
    if password is None:
        password = typer.prompt(f"password for {user_id}", hide_input=True)
    return await LocalSignIn(service.review).authenticate(user_id, password)


def _run(user_id: str, work: Callable[[ReviewService, Principal], Awaitable[T]]) -> T:
    async def go() -> T:
        async with open_service(get_settings(), CLI_PRODUCER) as service:
            return await work(service, await principal_for(service, user_id))

    return asyncio.run(go())


def _item_row(item: QueueItem) -> list[str]:
    weakest = f"{item.weakest_field} ({item.weakest_confidence:.2f})" if item.weakest_field else ""
    held = (
        f"{item.assigned_to} until {item.lease_until:%H:%M}" if item.lease_live and item.lease_until else ""
    )
    amount = f"{item.claimed_amount} {item.currency or ''}".strip() if item.claimed_amount is not None else ""
    return [
        item.claim_id,
        item.region,
        item.status,
        ", ".join(item.reasons),
        weakest,
        ", ".join(item.failed_rules),
        amount,
        f"{item.due_at:%Y-%m-%d %H:%M}",
        f"{item.priority_at:%Y-%m-%d %H:%M}",
        held,
    ]


@review_app.command("list")
def list_queue(
    who: AsUser,
    region: Annotated[str | None, typer.Option(help="Only this region (of yours).")] = None,
    reason: Annotated[
        str | None, typer.Option(help="weak_field, failed_rules, low_confidence or qa_sample.")
    ] = None,
    status: Annotated[
        str, typer.Option(help="pending, decided, information_requested, superseded or all.")
    ] = PENDING,
    sort: Annotated[str, typer.Option(help="deadline, priority or amount.")] = "deadline",
    limit: Annotated[int, typer.Option(min=1, max=1000)] = 50,
    as_json: Annotated[bool, typer.Option("--json", help="One JSON object per item.")] = False,
) -> None:
    """The claims waiting for a person in your regions, nearest deadline first."""
    want = QueueFilter.parse(status=status, region=region, reason=reason, sort=sort, limit=limit)
    page = _run(who, lambda service, me: service.queue(me, want))
    if as_json:
        for item in page.items:
            typer.echo(dumps(item.model_dump(mode="json")))
        return
    table = Table(
        "claim",
        "region",
        "status",
        "reasons",
        "weakest field",
        "failed rules",
        "amount",
        "deadline",
        "take by",
        "taken by",
    )
    for item in page.items:
        table.add_row(*map(escape, _item_row(item)))
    console.print(table)
    console.print(f"{len(page.items)} of {page.total:,}{'+' if page.more else ''} {status} item(s)")


def _print_view(view: ClaimView) -> None:
    item, report = view.item, view.report
    body = report.report
    console.print(
        f"[bold]{item.claim_id}[/bold] · {item.region} · report revision {report.revision} · "
        f"{report.status} · "
        f"confidence {report.confidence:.2f} · queue: {item.status} ({', '.join(item.reasons)}), due "
        f"{item.due_at:%Y-%m-%d %H:%M}"
    )
    basis = body.get("confidence_basis") or {}
    console.print(
        f"confidence basis: weakest field {basis.get('weakest_field')} "
        f"({basis.get('weakest_field_confidence')}), "
        f"failed rules: {', '.join(basis.get('failed_rules') or []) or 'none'}"
    )
    fields = Table("field", "value", "confidence", "candidates", "page", "evidence", box=None)
    for name, f in (body.get("fields") or {}).items():
        fields.add_row(
            name,
            escape(str(f.get("value"))),
            f"{f.get('confidence', 0):.2f}",
            escape(", ".join(f.get("candidates") or [])),
            str(f.get("page") or ""),
            escape((f.get("evidence") or "")[:70]),
        )
    console.print(fields)
    rules = Table("rule", "passed", "severity", "detail", box=None)
    for rule in body.get("rules") or []:
        rules.add_row(
            rule["rule_id"],
            "yes" if rule["passed"] else "[red]no[/red]",
            rule.get("severity", ""),
            escape(rule["detail"]),
        )
    console.print(rules)
    for clause in view.clauses:
        console.print(
            f"[bold]clause {escape(clause.clause_id)}[/bold] {escape(clause.title)} ({clause.score:.2f})"
        )
        console.print(escape(clause.text or "(text not in the policy book)"))
    for decision in view.decisions:
        state = (
            f"applied as revision {decision.applied_revision}"
            if decision.applied
            else f"refused: {decision.refusal}"
        )
        console.print(
            f"decision {decision.decision_id}: {decision.reviewer} {decision.action} — {escape(state)}"
        )
    trail = Table("seq", "logged", "topic", "producer", "what", box=None)
    for entry in view.trail:
        trail.add_row(
            str(entry.seq),
            f"{entry.logged_at:%Y-%m-%d %H:%M:%S}",
            entry.topic,
            entry.producer,
            escape(entry.summary),
        )
    console.print(trail)


@review_app.command("show")
def show(
    claim_id: Annotated[str, typer.Argument()],
    who: AsUser,
    as_json: Annotated[
        bool, typer.Option("--json", help="The item, report, clauses, decisions and trail as JSON.")
    ] = False,
) -> None:
    """One claim: fields with evidence and candidates, rules, clauses, decisions, audit trail."""
    view = _run(who, lambda service, me: service.claim(me, claim_id))
    if as_json:
        typer.echo(
            dumps(
                {
                    "item": view.item.model_dump(mode="json"),
                    "report": view.report.model_dump(mode="json"),
                    "clauses": [c.__dict__ for c in view.clauses],
                    "decisions": [d.model_dump(mode="json") for d in view.decisions],
                    "trail": [{k: v for k, v in e.__dict__.items() if k != "record"} for e in view.trail],
                },
                indent=2,
            )
        )
        return
    _print_view(view)


@review_app.command("take")
def take(
    claim_id: Annotated[str, typer.Argument()],
    who: AsUser,
    force: Annotated[bool, typer.Option(help="Supervisors: take it from whoever holds it.")] = False,
) -> None:
    """Reserve a claim for yourself for the lease time (CLAIMFLOW_REVIEW_LEASE_MINUTES)."""
    item = _run(who, lambda service, me: service.take(me, claim_id, force=force))
    console.print(f"{claim_id} is yours until {item.lease_until:%Y-%m-%d %H:%M:%S %Z}")


@review_app.command("release")
def release(claim_id: Annotated[str, typer.Argument()], who: AsUser) -> None:
    """Give a claim back to the queue."""
    _run(who, lambda service, me: service.release(me, claim_id))
    console.print(f"{claim_id} released")


def _parse_sets(values: list[str]) -> dict[str, str]:
    found = {}
    for value in values:
        name, sep, raw = value.partition("=")
        if not sep or name.strip() not in EDITABLE_FIELDS:
            raise typer.BadParameter(
                f"{value!r}: expected FIELD=VALUE with FIELD one of {', '.join(EDITABLE_FIELDS)}"
            )
        found[name.strip()] = raw
    return found


@review_app.command("decide")
def decide(
    claim_id: Annotated[str, typer.Argument()],
    action: Annotated[
        str, typer.Argument(help="approve, decline or request_information (with --set: correct and approve).")
    ],
    who: AsUser,
    set_: Annotated[
        list[str] | None,
        typer.Option("--set", help="FIELD=VALUE: correct a field (repeatable); approves with corrections."),
    ] = None,
    reason: Annotated[
        str | None, typer.Option(help=f"Decline reason code: {', '.join(DECLINE_REASONS)}.")
    ] = None,
    note: Annotated[str | None, typer.Option(help="What is missing (request_information), or why.")] = None,
    revision: Annotated[
        int | None,
        typer.Option(help="Refuse unless the report is still at this revision (the one you looked at)."),
    ] = None,
    wait: Annotated[
        float, typer.Option(help="Seconds to wait for the decision to be applied; 0: don't.")
    ] = 30.0,
) -> None:
    """Take the claim (if free) and decide it; waits until the applier has made the new report revision."""
    action = action.replace("-", "_")
    proposed = _parse_sets(set_ or [])

    async def work(service: ReviewService, me: Principal) -> dict[str, Any]:
        item = await service.take(me, claim_id)
        form = DecisionForm(
            decision_id=str(uuid.uuid4()),
            action=action,
            base_revision=revision if revision is not None else item.revision,
            fields=proposed,
            reason_code=reason,
            note=note,
        )
        decision = await service.decide(me, claim_id, form)
        outcome = await service.outcome(decision.event_id, timeout_s=wait) if wait > 0 else None
        return {
            "decision_id": decision.event_id,
            "action": decision.action,
            "corrections": [c.model_dump() for c in decision.corrections],
            "outcome": None if outcome is None else outcome.model_dump(),
        }

    result = _run(who, work)
    outcome = result["outcome"]
    console.print(f"decision {result['decision_id']} ({result['action']}) published")
    if outcome is None:
        if wait > 0:
            console.print(
                f"[yellow]not applied within {wait:g} s[/yellow]: is the review_applier agent running?"
            )
            raise typer.Exit(3)
        return
    if not outcome["applied"]:
        console.print(f"[red]refused:[/red] {escape(outcome['refusal'] or '')}")
        raise typer.Exit(1)
    console.print(f"applied: report revision {outcome['applied_revision']}, {outcome['announced']['status']}")
    typer.echo(json.dumps({"decision_id": result["decision_id"], "revision": outcome["applied_revision"]}))


@users_app.command("add")
def users_add(
    user_id: Annotated[str, typer.Argument(help="Sign-in name (letters, digits, . _ @ -).")],
    region: Annotated[
        list[str], typer.Option(help="A region whose claims they may see and decide (repeatable).")
    ],
    name: Annotated[str | None, typer.Option(help="Display name (default: the user id).")] = None,
    role: Annotated[list[str] | None, typer.Option(help="reviewer (default) and/or supervisor.")] = None,
    password_stdin: Annotated[
        bool, typer.Option("--password-stdin", help="Read the password from standard input (for scripts).")
    ] = False,
    no_password: Annotated[
        bool,
        typer.Option(
            "--no-password", help="No local password: the user signs in through the identity provider."
        ),
    ] = False,
) -> None:
    """Add a reviewer, or update one (roles, regions, and the password unless --no-password)."""
    from agents.intake import check_region
    from agents.review import ROLES, Reviewer
    from agents.review.auth import Passwords

    settings = get_settings()
    roles = tuple(dict.fromkeys(role or ["reviewer"]))
    if unknown := [r for r in roles if r not in ROLES]:
        raise typer.BadParameter(f"unknown role(s) {', '.join(unknown)}; roles are {', '.join(ROLES)}")
    person = Reviewer(
        user_id=user_id,
        display_name=name or user_id,
        roles=roles,
        regions=tuple(dict.fromkeys(check_region(settings, r) for r in region)),
    )
    password_hash = None
    if not no_password:
        if password_stdin:
            password = sys.stdin.readline().rstrip("\n")
        else:
            password = typer.prompt(f"password for {user_id}", hide_input=True, confirmation_prompt=True)
        try:
            password_hash = Passwords().hash(password)
        except ValueError as exc:
            raise typer.BadParameter(str(exc)) from exc

    async def save() -> None:
        async with ReviewStore(settings.postgres_dsn.get_secret_value()) as store:
            await store.save_reviewer(person, password_hash)

    asyncio.run(save())
    console.print(f"{user_id}: {', '.join(roles)} for {', '.join(person.regions)}")


@users_app.command("disable")
def users_disable(user_id: Annotated[str, typer.Argument()]) -> None:
    """Stop a reviewer signing in; their open sessions end at their next request."""

    async def disable() -> bool:
        async with ReviewStore(get_settings().postgres_dsn.get_secret_value()) as store:
            found = await store.reviewer(user_id)
            if found is None:
                return False
            await store.save_reviewer(found[0].model_copy(update={"active": False}), None)
            return True

    if not asyncio.run(disable()):
        console.print(f"no reviewer {user_id!r}")
        raise typer.Exit(1)
    console.print(f"{user_id} disabled")


@review_app.command("calibrate")
def calibrate(
    target_precision: Annotated[
        float, typer.Option(min=0.5, max=1.0, help="Auto-approve precision to reach (e.g. 0.995).")
    ] = 0.995,
    min_claims: Annotated[
        int, typer.Option(min=1, help="Reviewed claims needed at or above a threshold.")
    ] = 50,
    region: Annotated[str | None, typer.Option(help="Only this region's decisions.")] = None,
    out: Annotated[Path | None, typer.Option(help="Also write the figures as JSON here.")] = None,
) -> None:
    """Propose the review threshold that reaches a target auto-approve precision, from the decisions."""
    from agents.review.feedback import calibrate as calibrated
    from agents.tools.evals import reviews

    items = reviews.labelled(get_settings(), region.upper() if region else None)
    result = calibrated(items, target=target_precision, min_claims=min_claims)
    report = reviews.calibration_report(result, reviews.current_threshold())
    reviews.print_calibration(console, report)
    reviews.write(out, report)


@review_app.command("serve")
def serve(
    host: Annotated[str, typer.Option(help="Address to listen on.")] = "127.0.0.1",
    port: Annotated[int, typer.Option(help="Port to listen on.")] = 8080,
) -> None:
    """Serve the reviewers' web pages (queue, claims, decisions) with uvicorn."""
    import uvicorn

    from agents.review.web import create_app

    settings = get_settings()
    console.print(f"review pages on http://{host}:{port}/ (PostgreSQL and Kafka from the settings)")
    uvicorn.run(
        create_app(settings), host=host, port=port, log_level=settings.log_level.lower(), access_log=False
    )


def register(app: typer.Typer) -> None:
    """Add `claimflow review` to the CLI."""
    app.add_typer(review_app, name="review")
