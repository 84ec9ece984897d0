"""The HTTPS intake API: submit a claim, read its status and report, read its audit trail.

`POST /v1/claims` authenticates the client, takes the Idempotency-Key's row, then reads the
multipart body as it streams (`uploads.ClaimBodyReader`): the region is checked against the
client's regions and this deployment's before any document is written; documents are sniffed,
hashed and staged, then committed, and the claim.ingested event (built by `claim_event`, as
`claimflow submit` builds it) goes out through one long-lived producer (`EventPublisher`), the
answer waiting for the broker's confirmation. Any refusal drops what was staged and frees the
key. Reads of a claim outside the client's regions answer 404, as a claim that does not exist.

Needs the `api` extra (FastAPI, uvicorn, python-multipart, PyJWT, limits).
"""

from __future__ import annotations

import math
import time
from collections.abc import AsyncIterator, Awaitable, Callable
from contextlib import AsyncExitStack, asynccontextmanager
from dataclasses import dataclass, field
from datetime import datetime
from typing import Annotated, Any

from fastapi import Depends, FastAPI, Header, Path, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer
from limits import RateLimitItem, parse_many
from limits.aio.strategies import MovingWindowRateLimiter
from limits.storage import storage_from_string
from pydantic import BaseModel

from agents.auth import ClaimsVerifier, TokenRefused
from agents.documents import DocumentSettings
from agents.documents.guard import DocumentLimits
from agents.events import ClaimIngested
from agents.intake.api.clients import READ, SUBMIT, Client, verifier_from_settings
from agents.intake.api.errors import (
    ClaimUnknown,
    Forbidden,
    IntakeRefused,
    NotAuthenticated,
    RateLimited,
    RequestInProgress,
    TooLarge,
    Unprocessable,
)
from agents.intake.api.registry import ACCEPTED, IntakeRegistry
from agents.intake.api.settings import ApiSettings
from agents.intake.api.uploads import DOCUMENTS_FIELD, ClaimBodyReader
from agents.intake.submit import claim_event, new_claim_id
from agents.review import decode_trail
from agents.stores import ReportStore
from streams import (
    AuditLog,
    Dependency,
    DependencyUnavailable,
    EventPublisher,
    ObjectStore,
    ObjectWriter,
    Producer,
    Settings,
    get_codec,
    load_topology,
    open_object_store,
)

API_PRODUCER = Producer("claimflow-api", "0.1.0")
CLAIM_ID = r"^[A-Za-z0-9._-]{1,64}$"
IDEMPOTENCY_KEY = r"^[\x21-\x7e]{1,200}$"

Publish = Callable[[ClaimIngested], Awaitable[None]]


class Accepted(BaseModel):
    """A claim taken in: its id and where to follow it."""

    claim_id: str
    region: str
    status: str
    status_url: str
    trail_url: str
    replayed: bool = False


class ClaimStatus(BaseModel):
    """Where a claim stands: `processing` until the reporter stored a report, then the report's status."""

    claim_id: str
    region: str
    status: str
    revision: int | None = None
    external_reference: str | None = None
    accepted_at: datetime | None = None
    report: dict[str, Any] | None = None


class TrailEntryOut(BaseModel):
    """One audited message of the claim."""

    seq: int
    topic: str
    partition: int
    offset: int
    logged_at: datetime
    recorded_at: datetime
    schema_name: str
    event_id: str | None
    producer: str
    summary: str


class Problem(BaseModel):
    """Why a request was refused."""

    error: str
    detail: str


@dataclass
class Intake:
    """What the handlers need, built once per app."""

    settings: Settings
    section: ApiSettings
    store: ObjectStore
    registry: IntakeRegistry
    reports: ReportStore
    audit: AuditLog
    verifier: ClaimsVerifier
    limiter: MovingWindowRateLimiter
    limits: list[RateLimitItem]
    publish: Publish
    declared_regions: tuple[str, ...]
    document_limits: DocumentLimits = field(default_factory=DocumentLimits)

    def served_region(self, region: str) -> str:
        """The region in canonical form if this deployment serves it; `Unprocessable` otherwise."""
        canonical = region.strip().upper()
        if canonical not in self.declared_regions:
            raise Unprocessable(f"unknown region {region!r}; declared: {', '.join(self.declared_regions)}")
        served = self.settings.regions or list(self.declared_regions)
        if canonical not in served:
            raise Unprocessable(f"this deployment does not serve {canonical}; it serves {', '.join(served)}")
        return canonical


def claim_publisher(settings: Settings) -> EventPublisher:
    """Claims onto their topic (from topology.yaml) through one long-lived producer; each claim
    awaits its own delivery report."""
    topology = load_topology(settings.topology_file)
    topic = topology.topic_for_schema(ClaimIngested.avro_schema)
    return EventPublisher(
        settings.kafka(),
        topic,
        get_codec(settings.schemas_dir, topic.schema_name),
        dependency=Dependency("kafka-intake", settings.retry_policy()),
        service="claimflow-api",
    )


@asynccontextmanager
async def open_intake(
    settings: Settings, section: ApiSettings, *, publish: Publish | None = None
) -> AsyncIterator[Intake]:
    """The intake's stores opened on `settings`' PostgreSQL and object store."""
    policy = settings.retry_policy()
    async with AsyncExitStack() as stack:
        registry = await stack.enter_async_context(
            IntakeRegistry(settings.postgres_dsn.get_secret_value(), Dependency("postgres-intake", policy))
        )
        reports = await stack.enter_async_context(ReportStore(settings.postgres_dsn.get_secret_value()))
        audit = await stack.enter_async_context(AuditLog(settings.postgres_dsn.get_secret_value()))
        if publish is None:
            publish = (await stack.enter_async_context(claim_publisher(settings))).publish
        yield Intake(
            settings=settings,
            section=section,
            store=open_object_store(settings.object_store_root, Dependency("object-store", policy)),
            registry=registry,
            reports=reports,
            audit=audit,
            verifier=verifier_from_settings(settings, section),
            limiter=MovingWindowRateLimiter(storage_from_string(section.api_rate_limit_storage)),
            limits=parse_many(section.api_rate_limit),
            publish=publish,
            declared_regions=load_topology(settings.topology_file).regions,
            document_limits=document_limits(section),
        )


def document_limits(section: ApiSettings) -> DocumentLimits:
    """The reader's own page and pixel limits, and the API's bound on inflated PDF streams."""
    documents = DocumentSettings.current()
    return DocumentLimits(
        max_pages=documents.max_document_pages,
        max_pixels=documents.max_image_pixels,
        max_inflated_bytes=section.api_max_inflated_bytes,
    )


def intake_of(request: Request) -> Intake:
    found: Intake = request.app.state.intake
    return found


bearer = HTTPBearer(auto_error=False, description="A JWT with scopes and regions (`claimflow api token`).")


async def client_of(
    request: Request, credentials: Annotated[HTTPAuthorizationCredentials | None, Depends(bearer)]
) -> Client:
    """The verified client; then its rate limit is counted (429 over it)."""
    if credentials is None or credentials.scheme.lower() != "bearer":
        raise NotAuthenticated("send a bearer token: Authorization: Bearer <token>")
    intake = intake_of(request)
    try:
        client = Client.from_claims(
            await intake.verifier.verify_claims(credentials.credentials), intake.section
        )
    except TokenRefused as exc:
        raise NotAuthenticated(str(exc)) from exc
    for item in intake.limits:
        if not await intake.limiter.hit(item, "intake", client.client_id):
            stats = await intake.limiter.get_window_stats(item, "intake", client.client_id)
            wait = max(1, math.ceil(stats.reset_time - time.time()))
            raise RateLimited(f"over the rate limit of {item}; retry in {wait} s", wait)
    return client


def needs(client: Client, scope: str) -> None:
    if not client.may(scope):
        raise Forbidden(f"the token lacks the {scope} scope")


Authenticated = Annotated[Client, Depends(client_of)]
ClaimId = Annotated[str, Path(pattern=CLAIM_ID, description="The claim id from the submission.")]

CLAIM_BODY = {
    "required": True,
    "content": {
        "multipart/form-data": {
            "schema": {
                "type": "object",
                "required": ["region", DOCUMENTS_FIELD],
                "properties": {
                    "region": {
                        "type": "string",
                        "description": "Data-residency region, e.g. EU. Send it first.",
                    },
                    "external_reference": {"type": "string", "maxLength": 200},
                    "received_at": {"type": "string", "format": "date-time"},
                    DOCUMENTS_FIELD: {
                        "type": "array",
                        "items": {"type": "string", "format": "binary"},
                        "description": "PDF, PNG, JPEG or TIFF files.",
                    },
                },
            },
            "encoding": {
                DOCUMENTS_FIELD: {"contentType": "application/pdf, image/png, image/jpeg, image/tiff"}
            },
        }
    },
}
REFUSALS: dict[int | str, dict[str, Any]] = {
    status: {"model": Problem, "description": description}
    for status, description in (
        (400, "Malformed request"),
        (401, "No valid bearer token"),
        (403, "Scope or region not allowed"),
        (422, "A field, header or path parameter is not acceptable"),
        (429, "Rate limit"),
        (503, "The object store or the broker is unavailable; retry later"),
    )
}


def create_app(
    settings: Settings,
    *,
    section: ApiSettings | None = None,
    publish: Publish | None = None,
    intake: Intake | None = None,
) -> FastAPI:
    """The intake API on `settings`' PostgreSQL, Kafka and object store (or on a ready `intake`, in tests)."""
    section = section or ApiSettings.current()

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        if intake is not None:
            app.state.intake = intake
            yield
            return
        async with open_intake(settings, section, publish=publish) as opened:
            app.state.intake = opened
            yield

    app = FastAPI(
        title="ClaimFlow intake",
        version="1",
        description="Submit insurance claims and follow them through assessment.",
        lifespan=lifespan,
    )
    if intake is not None:
        app.state.intake = intake

    @app.exception_handler(IntakeRefused)
    async def _refused(request: Request, exc: IntakeRefused) -> JSONResponse:
        headers = {}
        if isinstance(exc, NotAuthenticated):
            headers["WWW-Authenticate"] = 'Bearer error="invalid_token"'
        elif isinstance(exc, Forbidden):
            headers["WWW-Authenticate"] = 'Bearer error="insufficient_scope"'
        elif isinstance(exc, RateLimited):
            headers["Retry-After"] = str(exc.retry_after_s)
        return JSONResponse({"error": exc.code, "detail": str(exc)}, status_code=exc.status, headers=headers)

    @app.exception_handler(DependencyUnavailable)
    async def _unavailable(request: Request, exc: DependencyUnavailable) -> JSONResponse:
        # The object store or the broker is away (every retry failed, or its breaker is open):
        # what was staged is dropped and the key freed by the handler, so a retry is safe.
        body = {"error": "unavailable", "detail": "a service behind the API is unavailable; retry later"}
        return JSONResponse(body, status_code=503, headers={"Retry-After": "5"})

    @app.exception_handler(RequestValidationError)
    async def _invalid(request: Request, exc: RequestValidationError) -> JSONResponse:
        where = "; ".join(f"{'.'.join(map(str, e['loc']))}: {e['msg']}" for e in exc.errors())
        return JSONResponse({"error": "invalid_request", "detail": where}, status_code=422)

    @app.post(
        "/v1/claims",
        status_code=202,
        response_model=Accepted,
        openapi_extra={"requestBody": CLAIM_BODY},
        responses={
            **REFUSALS,
            409: {"model": Problem, "description": "Idempotency-Key in use"},
            413: {"model": Problem, "description": "Too large"},
            415: {"model": Problem, "description": "Not multipart, or not a PDF/PNG/JPEG/TIFF"},
            422: {"model": Problem, "description": "Unknown or unserved region, bad date"},
        },
    )
    async def submit_claim(
        request: Request,
        client: Authenticated,
        idempotency_key: Annotated[
            str | None,
            Header(
                pattern=IDEMPOTENCY_KEY,
                description="Repeat a submission safely: the same key returns the first claim.",
            ),
        ] = None,
    ) -> Accepted | JSONResponse:
        """Submit a claim: documents and region as multipart/form-data; 202 with the claim id."""
        needs(client, SUBMIT)
        intake = intake_of(request)
        length = request.headers.get("content-length")
        if length and length.isdigit() and int(length) > intake.section.api_max_request_bytes:
            raise TooLarge(f"the request is over the limit of {intake.section.api_max_request_bytes:,} bytes")
        claim_id = new_claim_id()
        first = await intake.registry.reserve(claim_id, client.client_id, idempotency_key)
        if first is not None:
            if first.state != ACCEPTED or first.region is None:
                raise RequestInProgress("a request with this Idempotency-Key is still being received")
            return _accepted(request, first.claim_id, first.region, replayed=True)

        def check_region(region: str) -> str:
            canonical = intake.served_region(region)
            if not client.serves(canonical):
                raise Forbidden(f"the client may not submit claims of {canonical}")
            return canonical

        async def open_document(region: str, filename: str) -> ObjectWriter:
            return await intake.store.writer(
                region=region,
                claim_id=claim_id,
                filename=filename,
                max_bytes=intake.section.api_max_document_bytes,
            )

        try:
            reader = ClaimBodyReader(
                request.headers.get("content-type", ""),
                check_region=check_region,
                open_document=open_document,
                max_documents=intake.section.api_max_documents,
                max_request_bytes=intake.section.api_max_request_bytes,
                limits=intake.document_limits,
            )
            received = await reader.read(request.stream())
            reference = received.fields.get("external_reference") or None
            try:
                received_at = received.received_at
                documents = await received.commit()
                claim = claim_event(
                    claim_id=claim_id,
                    region=received.region,
                    documents=documents,
                    submitted_by=f"api:{client.client_id}",
                    received_at=received_at,
                    by=API_PRODUCER,
                )
                await intake.publish(claim)
            except BaseException:
                await received.abort()
                raise
            await intake.registry.accept(claim_id, region=received.region, external_reference=reference)
        except BaseException:
            await intake.registry.release(claim_id)
            raise
        return _accepted(request, claim_id, received.region)

    @app.get(
        "/v1/claims/{claim_id}",
        response_model=ClaimStatus,
        name="claim_status",
        responses={**REFUSALS, 404: {"model": Problem, "description": "No such claim in your regions"}},
    )
    async def claim_status(request: Request, client: Authenticated, claim_id: ClaimId) -> ClaimStatus:
        """The claim's status and, once assessed, its report."""
        needs(client, READ)
        intake = intake_of(request)
        report = await intake.reports.get(claim_id)
        row = await intake.registry.get(claim_id)
        region = report.region if report else row.region if row else None
        if region is None or not client.serves(region):
            raise ClaimUnknown(f"no claim {claim_id} in your regions")
        return ClaimStatus(
            claim_id=claim_id,
            region=region,
            status=report.status if report else "processing",
            revision=report.revision if report else None,
            external_reference=row.external_reference if row else None,
            accepted_at=row.accepted_at if row else None,
            report=report.report if report else None,
        )

    @app.get(
        "/v1/claims/{claim_id}/trail",
        response_model=list[TrailEntryOut],
        name="claim_trail",
        responses={**REFUSALS, 404: {"model": Problem, "description": "No such claim in your regions"}},
    )
    async def claim_trail(request: Request, client: Authenticated, claim_id: ClaimId) -> list[TrailEntryOut]:
        """Every audited message of the claim, oldest first, summarised (the audit log's rows)."""
        needs(client, READ)
        intake = intake_of(request)
        entries = await intake.audit.for_claim(claim_id)
        trail = decode_trail(
            entries, load_topology(intake.settings.topology_file), intake.settings.schemas_dir
        )
        regions = {str(e.record["region"]).upper() for e in trail if e.record.get("region")}
        if not regions or not all(client.serves(r) for r in regions):
            raise ClaimUnknown(f"no claim {claim_id} in your regions")
        return [
            TrailEntryOut(
                seq=e.seq,
                topic=e.topic,
                partition=e.partition,
                offset=e.offset,
                logged_at=e.logged_at,
                recorded_at=e.recorded_at,
                schema_name=e.schema,
                event_id=e.event_id,
                producer=e.producer,
                summary=e.summary,
            )
            for e in trail
        ]

    return app


def _accepted(
    request: Request, claim_id: str, region: str, *, replayed: bool = False
) -> Accepted | JSONResponse:
    body = Accepted(
        claim_id=claim_id,
        region=region,
        status="accepted",
        status_url=str(request.url_for("claim_status", claim_id=claim_id)),
        trail_url=str(request.url_for("claim_trail", claim_id=claim_id)),
        replayed=replayed,
    )
    return JSONResponse(body.model_dump(), status_code=202, headers={"Location": body.status_url})
