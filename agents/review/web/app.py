"""The reviewers' web pages: FastAPI on uvicorn, server-rendered HTML (Jinja2), no script from elsewhere.

`create_app` wires the review service, sign-in and the documents' pictures into one app; the
pages are in `pages.py`. A request is signed in by a token (the session cookie the sign-in page
sets, or an `Authorization: Bearer` header from an identity provider), verified into the
`Principal` that scopes everything the request reads or decides. A claim outside the principal's
regions answers 404, exactly as a claim that does not exist; a role that does not allow an action
answers 403. Forms that change something carry a token tied to the session (CSRF).

Needs the `review` extra (FastAPI, uvicorn, Jinja2, python-multipart, argon2-cffi, PyJWT).
"""

from __future__ import annotations

import hashlib
import hmac
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from fastapi import FastAPI, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from fastapi.staticfiles import StaticFiles
from fastapi.templating import Jinja2Templates
from jinja2 import Environment, FileSystemLoader, select_autoescape

from agents.documents import DocumentSettings
from agents.review.auth import (
    ApiClientVerifier,
    LocalSignIn,
    SessionTokens,
    TokenVerifier,
    verifiers_from_settings,
)
from agents.review.errors import (
    AuthenticationFailed,
    ClaimNotFound,
    InvalidQuery,
    NotAllowed,
    ReviewError,
)
from agents.review.evidence import DocumentPages
from agents.review.model import Principal
from agents.review.service import DecisionPublisher, ReviewService, open_service
from agents.review.settings import ReviewSettings
from streams import Dependency, Producer, Settings, load_topology, open_object_store

if TYPE_CHECKING:
    from agents.intake.api import ApiSettings

HERE = Path(__file__).resolve().parent
SESSION_COOKIE = "claimflow_session"
WEB_PRODUCER = Producer("claimflow-review-web", "0.1.0")


class NotSignedIn(ReviewError):
    """The request carries no valid session or bearer token."""


@dataclass
class Review:
    """What every page handler needs, built once per app in its lifespan."""

    service: ReviewService
    sign_in: LocalSignIn
    sessions: SessionTokens
    verifier: TokenVerifier
    pages: DocumentPages
    templates: Jinja2Templates
    section: ReviewSettings

    def csrf(self, token: str) -> str:
        """The form token of one session: a MAC of its token id, so it dies with the session."""
        try:
            jti = str(self.sessions.claims(token)["jti"])
        except AuthenticationFailed:
            jti = token  # a provider's bearer token: tie the form to the token itself
        return hmac.new(self.sessions.secret, f"csrf/{jti}".encode(), hashlib.sha256).hexdigest()[:40]


def review_of(request: Request) -> Review:
    found: Review = request.app.state.review
    return found


def token_of(request: Request) -> str | None:
    header = request.headers.get("authorization", "")
    if header.lower().startswith("bearer "):
        return header[7:].strip()
    return request.cookies.get(SESSION_COOKIE)


async def principal_of(request: Request) -> Principal:
    """The signed-in principal; `NotSignedIn` without a valid token.

    A local reviewer's roles and regions are read again on every request (one primary-key
    lookup), so deactivating a reviewer or taking a region away acts at once, not when their
    session token expires. A principal the identity provider vouches for has no row: its token's
    claims stand.
    """
    token = token_of(request)
    if not token:
        raise NotSignedIn("sign in first")
    review = review_of(request)
    try:
        who = await review.verifier.verify(token)
    except AuthenticationFailed as exc:
        raise NotSignedIn(str(exc)) from exc
    found = await review.service.review.reviewer(who.user_id)
    if found is None:
        return who
    if not found[0].active:
        raise NotSignedIn(f"{who.user_id} may no longer sign in")
    return Principal.of(found[0])


def _error_page(request: Request, status: int, title: str, message: str) -> HTMLResponse:
    review = review_of(request)
    return review.templates.TemplateResponse(
        request, "error.html", {"title": title, "message": message, "me": None}, status_code=status
    )


def api_clients(settings: Settings, api_section: ApiSettings | None = None) -> ApiClientVerifier | None:
    """The intake API's client tokens (its local key, and its identity provider), as review principals.

    None when this deployment has no API key to trust (`CLAIMFLOW_API_TOKEN_SECRET` unset and no
    dev key in the state folder): the review pages never make one (a read-only state folder in a
    pod must not stop them from starting).
    """
    from agents.intake.api import ApiSettings
    from agents.intake.api.clients import DEV_SECRET_FILE, verifier_from_settings

    api = api_section or ApiSettings.current()
    if api.api_token_secret is None and not (settings.state_dir / DEV_SECRET_FILE).exists():
        return None
    return ApiClientVerifier(
        verifier_from_settings(settings, api),
        all_regions=load_topology(settings.topology_file).regions,
        scopes_claim=api.api_scopes_claim,
        regions_claim=api.api_regions_claim,
    )


def create_app(
    settings: Settings,
    *,
    section: ReviewSettings | None = None,
    publisher: DecisionPublisher | None = None,
    api_section: ApiSettings | None = None,
) -> FastAPI:
    """The reviewers' web app on `settings`' PostgreSQL, Kafka and object store.

    With `review_api_tokens` (default) it also takes the intake API's client tokens as bearer
    tokens (`api_section`, default `CLAIMFLOW_API_*`): `review:decide` for machines deciding claims.
    """
    section = section or ReviewSettings.current()

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        async with open_service(settings, WEB_PRODUCER, publisher=publisher) as service:
            sessions = SessionTokens.from_settings(section)
            environment = Environment(
                loader=FileSystemLoader(HERE / "templates"), autoescape=select_autoescape(["html"])
            )
            app.state.review = Review(
                service=service,
                sign_in=LocalSignIn(service.review),
                sessions=sessions,
                verifier=verifiers_from_settings(
                    section,
                    sessions,
                    api_clients(settings, api_section) if section.review_api_tokens else None,
                ),
                pages=DocumentPages(
                    open_object_store(
                        settings.object_store_root, Dependency("object-store", settings.retry_policy())
                    ),
                    DocumentSettings.current(),
                    dpi=section.review_page_dpi,
                ),
                templates=Jinja2Templates(env=environment),
                section=section,
            )
            yield

    app = FastAPI(
        title="ClaimFlow review", lifespan=lifespan, docs_url=None, redoc_url=None, openapi_url=None
    )
    app.mount("/static", StaticFiles(directory=HERE / "static"), name="static")

    @app.exception_handler(NotSignedIn)
    async def _not_signed_in(request: Request, exc: NotSignedIn) -> Response:
        if request.method == "GET" and not request.url.path.endswith(".png"):
            return RedirectResponse(f"/login?next={request.url.path}", status_code=303)
        return _error_page(request, 401, "Not signed in", str(exc))

    @app.exception_handler(ClaimNotFound)
    async def _not_found(request: Request, exc: ClaimNotFound) -> Response:
        return _error_page(request, 404, "Not found", "No such claim in the regions you review.")

    @app.exception_handler(NotAllowed)
    async def _forbidden(request: Request, exc: NotAllowed) -> Response:
        return _error_page(request, 403, "Not allowed", str(exc))

    @app.exception_handler(InvalidQuery)
    async def _bad_query(request: Request, exc: InvalidQuery) -> Response:
        return _error_page(request, 400, "Bad request", str(exc))

    from agents.review.web.pages import router

    app.include_router(router)
    return app
