"""The pages: sign-in, the queue, a claim (documents with evidence, fields, rules, history), decisions."""

from __future__ import annotations

import hmac
import uuid
from typing import Annotated, Any
from urllib.parse import urlencode

from fastapi import APIRouter, Depends, Form, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from agents.review.decisions import DECLINE_REASONS, EDITABLE_FIELDS
from agents.review.errors import (
    AuthenticationFailed,
    InvalidDecision,
    LeaseHeld,
    NotAllowed,
    StaleDecision,
)
from agents.review.evidence import highlights
from agents.review.model import ITEM_STATUSES, SORTS, Principal, QueueFilter
from agents.review.service import ClaimView, DecisionForm
from agents.review.triage import REASONS
from agents.review.web.app import SESSION_COOKIE, Review, principal_of, review_of, token_of

router = APIRouter()

Me = Annotated[Principal, Depends(principal_of)]
Reviewing = Annotated[Review, Depends(review_of)]
PAGE_SIZE = 50


def _safe_next(target: str | None) -> str:
    """Only a path on this site: a sign-in link must never send anyone elsewhere."""
    if target and target.startswith("/") and not target.startswith("//"):
        return target
    return "/queue"


def _check_csrf(request: Request, review: Review, sent: str) -> None:
    token = token_of(request)
    if request.headers.get("authorization"):
        return  # a bearer token is not sent by a browser on its own: no forgery to guard against
    if not token or not hmac.compare_digest(review.csrf(token), sent or ""):
        raise NotAllowed("the form expired or did not come from this site: reload the page")


@router.get("/healthz")
async def healthz() -> dict[str, str]:
    return {"status": "ok"}


@router.get("/")
async def home() -> RedirectResponse:
    return RedirectResponse("/queue", status_code=303)


@router.get("/login", response_class=HTMLResponse)
async def login_page(request: Request, review: Reviewing, next: str | None = None) -> Response:
    return review.templates.TemplateResponse(
        request, "login.html", {"me": None, "next": _safe_next(next), "error": None}
    )


@router.post("/login", response_class=HTMLResponse)
async def login(
    request: Request,
    review: Reviewing,
    username: Annotated[str, Form()],
    password: Annotated[str, Form()],
    next: Annotated[str, Form()] = "/queue",
) -> Response:
    try:
        who = await review.sign_in.authenticate(username, password)
    except AuthenticationFailed as exc:
        return review.templates.TemplateResponse(
            request, "login.html", {"me": None, "next": _safe_next(next), "error": str(exc)}, status_code=401
        )
    response = RedirectResponse(_safe_next(next), status_code=303)
    response.set_cookie(
        SESSION_COOKIE,
        review.sessions.issue(who),
        max_age=int(review.sessions.ttl_s),
        httponly=True,
        samesite="strict",
        secure=request.url.scheme == "https",
        path="/",
    )
    return response


@router.post("/logout")
async def logout() -> RedirectResponse:
    response = RedirectResponse("/login", status_code=303)
    response.delete_cookie(SESSION_COOKIE, path="/")
    return response


@router.get("/queue", response_class=HTMLResponse)
async def queue_page(
    request: Request,
    me: Me,
    review: Reviewing,
    status: str = "pending",
    region: str = "",
    reason: str = "",
    sort: str = "deadline",
    offset: int = 0,
    message: str = "",
) -> Response:
    want = QueueFilter.parse(
        status=status, region=region or None, reason=reason or None, sort=sort, limit=PAGE_SIZE, offset=offset
    )
    page = await review.service.queue(me, want)
    chosen = {
        "status": want.status,
        "region": want.region or "",
        "reason": want.reason or "",
        "sort": want.sort,
    }

    def link(at: int) -> str:
        return "/queue?" + urlencode({**chosen, "offset": at})

    return review.templates.TemplateResponse(
        request,
        "queue.html",
        {
            "me": me,
            "csrf": review.csrf(token_of(request) or ""),
            "page": page,
            "want": want,
            "chosen": chosen,
            "statuses": (*ITEM_STATUSES, "all"),
            "reasons": REASONS,
            "sorts": SORTS,
            "previous": link(max(0, want.offset - PAGE_SIZE)) if want.offset else None,
            "following": link(want.offset + PAGE_SIZE) if want.offset + PAGE_SIZE < page.total else None,
            "message": message,
        },
    )


@router.post("/queue/next")
async def take_next(
    request: Request, me: Me, review: Reviewing, csrf: Annotated[str, Form()] = ""
) -> RedirectResponse:
    _check_csrf(request, review, csrf)
    item = await review.service.take_next(me)
    if item is None:
        return RedirectResponse(
            "/queue?" + urlencode({"message": "Nothing is waiting for you."}), status_code=303
        )
    return RedirectResponse(f"/claims/{item.claim_id}", status_code=303)


def _revisions(view: ClaimView) -> list[dict[str, Any]]:
    """Every revision of the claim's report as stored, with the reviewer of each decided one."""
    decided_by = {d.applied_revision: d.reviewer for d in view.decisions if d.applied}
    return [
        {
            "revision": r.revision,
            "status": r.status,
            "by": decided_by.get(r.revision, "reporter"),
            "at": r.written_at,
        }
        for r in view.revisions
    ]


async def _claim_page(
    request: Request,
    me: Principal,
    review: Review,
    claim_id: str,
    *,
    error: str | None = None,
    status_code: int = 200,
) -> Response:
    view = await review.service.claim(me, claim_id)
    pages, problems = await review.pages.readable_pages(view.documents)
    fields = view.report.report.get("fields") or {}
    decision_id = request.query_params.get("decision")
    outcome = await review.service.outcome(decision_id) if decision_id else None
    return review.templates.TemplateResponse(
        request,
        "claim.html",
        {
            "me": me,
            "csrf": review.csrf(token_of(request) or ""),
            "view": view,
            "body": view.report.report,
            "fields": fields,
            "field_order": [f for f in EDITABLE_FIELDS if f in fields]
            + [f for f in fields if f not in EDITABLE_FIELDS],
            "editable": EDITABLE_FIELDS,
            "pages": pages,
            "highlights": highlights(fields, pages),
            "revisions": _revisions(view),
            "mine": view.item.held_by(me.user_id),
            "decline_reasons": DECLINE_REASONS,
            "new_decision_id": str(uuid.uuid4()),
            "pending_decision": decision_id if decision_id and outcome is None else None,
            "outcome": outcome,
            "error": error,
            "unreadable": [f"{doc.filename}: {exc}" for doc, exc in problems],
        },
        status_code=status_code,
    )


@router.get("/claims/{claim_id}", response_class=HTMLResponse)
async def claim_page(request: Request, claim_id: str, me: Me, review: Reviewing) -> Response:
    return await _claim_page(request, me, review, claim_id)


@router.get("/claims/{claim_id}/pages/{number}.png")
async def page_picture(claim_id: str, number: int, me: Me, review: Reviewing) -> Response:
    view = await review.service.claim(me, claim_id)  # region check first: 404 outside one's regions
    pages, _ = await review.pages.readable_pages(view.documents)
    if not 1 <= number <= len(pages):
        return Response(status_code=404)
    page = pages[number - 1]
    png = await review.pages.picture(view.documents[page.document], page.index)
    return Response(png, media_type="image/png", headers={"Cache-Control": "private, max-age=300"})


@router.post("/claims/{claim_id}/take", response_class=HTMLResponse)
async def take(
    request: Request,
    claim_id: str,
    me: Me,
    review: Reviewing,
    csrf: Annotated[str, Form()] = "",
    force: Annotated[bool, Form()] = False,
) -> Response:
    _check_csrf(request, review, csrf)
    try:
        await review.service.take(me, claim_id, force=force)
    except (LeaseHeld, StaleDecision) as exc:
        return await _claim_page(request, me, review, claim_id, error=str(exc), status_code=409)
    return RedirectResponse(f"/claims/{claim_id}", status_code=303)


@router.post("/claims/{claim_id}/release")
async def release(
    request: Request, claim_id: str, me: Me, review: Reviewing, csrf: Annotated[str, Form()] = ""
) -> RedirectResponse:
    _check_csrf(request, review, csrf)
    await review.service.release(me, claim_id)
    return RedirectResponse("/queue", status_code=303)


@router.post("/claims/{claim_id}/decision", response_class=HTMLResponse)
async def decide(request: Request, claim_id: str, me: Me, review: Reviewing) -> Response:
    form = await request.form()
    _check_csrf(request, review, str(form.get("csrf", "")))
    try:
        base_revision = int(str(form.get("base_revision", "")))
    except ValueError:
        return await _claim_page(
            request, me, review, claim_id, error="the form lost its revision", status_code=422
        )
    decision = DecisionForm(
        decision_id=str(form.get("decision_id", "")),
        action=str(form.get("action", "")),
        base_revision=base_revision,
        fields={name: str(form[f"field.{name}"]) for name in EDITABLE_FIELDS if f"field.{name}" in form},
        reason_code=str(form.get("reason_code") or "") or None,
        note=str(form.get("note") or "") or None,
    )
    try:
        made = await review.service.decide(me, claim_id, decision)
    except InvalidDecision as exc:
        return await _claim_page(request, me, review, claim_id, error=str(exc), status_code=422)
    except (LeaseHeld, StaleDecision) as exc:
        return await _claim_page(request, me, review, claim_id, error=str(exc), status_code=409)
    # Wait briefly for the applier, so the page usually shows the outcome rather than "applying".
    await review.service.outcome(made.event_id, timeout_s=5.0)
    return RedirectResponse(f"/claims/{claim_id}?" + urlencode({"decision": made.event_id}), status_code=303)
