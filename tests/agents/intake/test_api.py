"""The intake API's door: what it accepts, and that every refusal stores and publishes nothing.

Runs the app in process (httpx's ASGI transport) on a real PostgreSQL, with the publisher
recorded; the HTTPS round trip through uvicorn and the pipeline is in tests/integration/test_intake_api.py.
"""

from __future__ import annotations

import hashlib
import time
from collections.abc import AsyncIterator
from datetime import UTC, datetime

import jwt
import pytest
from pydantic import SecretStr

from agents.intake.api import ApiSettings, sniff
from agents.intake.api.app import document_limits
from streams import Dependency, FileObjectStore, RetryPolicy, get_settings
from streams.devstack import free_port
from streams.objectstore_s3 import S3ObjectStore, S3Settings
from tests.fixtures import bombs
from tests.fixtures.intake import PDF, PNG, SECRET, IntakeWorld, claim_form, intake, intake_world
from tests.fixtures.postgres import postgres_dsn, postgres_server_uri

__all__ = ["intake", "postgres_dsn", "postgres_server_uri"]  # fixtures used by name

pytestmark = pytest.mark.integration  # a real PostgreSQL


def test_sniffing_knows_the_four_document_types_and_nothing_else() -> None:
    assert sniff(PDF) == "application/pdf" and sniff(PNG) == "image/png"
    assert sniff(b"\xff\xd8\xff\xe0rest") == "image/jpeg"
    assert sniff(b"II*\x00....") == sniff(b"MM\x00*....") == "image/tiff"
    assert sniff(b"PK\x03\x04zip") is None and sniff(b"<html>") is None and sniff(b"") is None


async def test_a_claim_is_stored_digested_published_once_and_replayed_for_its_key(
    intake: IntakeWorld,
) -> None:
    form = claim_form(
        ("claim.pdf", PDF, "application/pdf"),
        ("photo.png", PNG, "application/octet-stream"),
        external_reference="INS-42",
        received_at="2024-03-20T09:30:00+01:00",
    )
    headers = {**intake.auth(), "Idempotency-Key": "k-1"}
    answer = await intake.client.post("/v1/claims", headers=headers, **form)  # type: ignore[arg-type]
    assert answer.status_code == 202, answer.text
    body = answer.json()
    claim_id = body["claim_id"]
    assert body["region"] == "EU" and body["status_url"].endswith(f"/v1/claims/{claim_id}")
    assert answer.headers["location"] == body["status_url"]

    [event] = intake.published.events
    assert (event.claim_id, event.region, event.submitted_by) == (claim_id, "EU", "api:c1")
    assert event.received_at == datetime(2024, 3, 20, 8, 30, tzinfo=UTC)
    docs = {d.filename: d for d in event.documents}
    assert docs["claim.pdf"].sha256 == hashlib.sha256(PDF).hexdigest() and docs[
        "claim.pdf"
    ].size_bytes == len(PDF)
    assert docs["photo.png"].media_type == "image/png"  # sniffed, not the declared octet-stream
    assert sorted(p.name for p in intake.stored_files()) == ["claim.pdf", "photo.png"]
    assert all(f"/EU/{claim_id}/" in d.uri for d in event.documents)

    again = await intake.client.post("/v1/claims", headers=headers, **form)  # type: ignore[arg-type]
    assert again.status_code == 202 and again.json()["claim_id"] == claim_id and again.json()["replayed"]
    assert len(intake.published.events) == 1 and await intake.accepted() == 1  # no second claim
    assert len(intake.stored_files()) == 2

    status = await intake.client.get(f"/v1/claims/{claim_id}", headers=intake.auth("claims:read"))
    assert status.status_code == 200
    assert status.json()["status"] == "processing" and status.json()["external_reference"] == "INS-42"


def _expired(world: IntakeWorld) -> str:
    claims = world.tokens.claims(world.token())
    return jwt.encode({**claims, "exp": int(time.time()) - 5}, SECRET, algorithm="HS256")


BAD = {
    "no token": (401, {}, claim_form(("a.pdf", PDF, "application/pdf"))),
    "read scope only": (403, {"scopes": ("claims:read",)}, claim_form(("a.pdf", PDF, "application/pdf"))),
    "region not the client's": (403, {}, claim_form(("a.pdf", PDF, "application/pdf"), region="US")),
    "unknown region": (422, {}, claim_form(("a.pdf", PDF, "application/pdf"), region="MARS")),
    "region not served": (
        422,
        {"regions": ("APAC",)},
        claim_form(("a.pdf", PDF, "application/pdf"), region="APAC"),
    ),
    "oversized document": (413, {}, claim_form(("a.pdf", PDF + b"x" * 5000, "application/pdf"))),
    "not a document": (415, {}, claim_form(("a.pdf", b"MZ\x90\x00 an executable", "application/pdf"))),
    "declared type lies": (415, {}, claim_form(("a.png", PDF, "image/png"))),
    "path traversal": (400, {}, claim_form(("../../etc/passwd.pdf", PDF, "application/pdf"))),
    "hidden name": (400, {}, claim_form((".bashrc", PDF, "application/pdf"))),
    "same name twice": (
        400,
        {},
        claim_form(("a.pdf", PDF, "application/pdf"), ("a.pdf", PDF, "application/pdf")),
    ),
    "no documents": (400, {}, {"data": {"region": "EU"}, "files": [("x", ("", b"", "text/plain"))]}),
    "bad received_at": (422, {}, claim_form(("a.pdf", PDF, "application/pdf"), received_at="yesterday")),
    "unknown field": (400, {}, claim_form(("a.pdf", PDF, "application/pdf"), colour="red")),
}


@pytest.mark.parametrize("case", BAD)
async def test_a_bad_submission_is_refused_with_a_4xx_and_leaves_nothing(
    intake: IntakeWorld, case: str
) -> None:
    status, token_kw, form = BAD[case]
    headers = (
        intake.auth(*token_kw.get("scopes", ()), regions=token_kw.get("regions", ("EU",)))
        if case != "no token"
        else {}
    )
    answer = await intake.client.post("/v1/claims", headers=headers, **form)  # type: ignore[arg-type]
    assert answer.status_code == status, answer.text
    assert answer.json()["error"] and answer.json()["detail"]
    assert intake.stored_files() == [] and intake.published.events == [] and await intake.accepted() == 0


RAW = {
    "not multipart": (415, "application/json", b'{"region": "EU"}'),
    "no boundary": (400, "multipart/form-data", b"--x\r\n"),
    "truncated multipart": (
        400,
        "multipart/form-data; boundary=XyZ",
        b'--XyZ\r\nContent-Disposition: form-data; name="region"\r\n\r\nEU\r\n--XyZ\r\n'
        b'Content-Disposition: form-data; name="documents"; filename="a.pdf"\r\n\r\n' + PDF,
    ),
    "garbage": (400, "multipart/form-data; boundary=XyZ", b"\x00\x01 not multipart at all " * 10),
    "documents before region": (
        400,
        "multipart/form-data; boundary=XyZ",
        b'--XyZ\r\nContent-Disposition: form-data; name="documents"; filename="a.pdf"\r\n\r\n'
        + PDF
        + b'\r\n--XyZ\r\nContent-Disposition: form-data; name="region"\r\n\r\nEU\r\n--XyZ--\r\n',
    ),
}


@pytest.mark.parametrize("case", RAW)
async def test_a_malformed_body_is_refused_and_leaves_nothing(intake: IntakeWorld, case: str) -> None:
    status, content_type, body = RAW[case]
    headers = {
        **intake.auth(),
        "Content-Type": content_type,
        "Idempotency-Key": f"raw-{case}".replace(" ", "-"),
    }
    answer = await intake.client.post("/v1/claims", headers=headers, content=body)
    assert answer.status_code == status, answer.text
    assert intake.stored_files() == [] and intake.published.events == [] and await intake.accepted() == 0


async def test_a_refused_request_frees_its_idempotency_key(intake: IntakeWorld) -> None:
    headers = {**intake.auth(), "Idempotency-Key": "retry-me"}
    refused = await intake.client.post("/v1/claims", headers=headers, **claim_form(("a.pdf", b"junk", "x/y")))  # type: ignore[arg-type]
    assert refused.status_code == 415
    accepted = await intake.client.post(
        "/v1/claims", headers=headers, **claim_form(("a.pdf", PDF, "application/pdf"))
    )  # type: ignore[arg-type]
    assert accepted.status_code == 202 and not accepted.json()["replayed"]


async def test_tokens_expired_forged_or_for_another_audience_are_refused(intake: IntakeWorld) -> None:
    claims = intake.tokens.claims(intake.token())
    for bad in (
        _expired(intake),
        jwt.encode(claims, b"x" * 32, algorithm="HS256"),
        jwt.encode({**claims, "aud": "claimflow-review"}, SECRET, algorithm="HS256"),
        "not.a.token",
    ):
        answer = await intake.client.get("/v1/claims/CLM-1", headers={"Authorization": f"Bearer {bad}"})
        assert answer.status_code == 401 and "invalid_token" in answer.headers["www-authenticate"]


async def test_a_client_cannot_read_a_claim_outside_its_regions(intake: IntakeWorld) -> None:
    us = await intake.client.post(
        "/v1/claims",
        headers=intake.auth(regions=("US",)),
        **claim_form(("a.pdf", PDF, "application/pdf"), region="US"),  # type: ignore[arg-type]
    )
    claim_id = us.json()["claim_id"]
    assert (
        await intake.client.get(f"/v1/claims/{claim_id}", headers=intake.auth(regions=("US",)))
    ).status_code == 200
    eu = await intake.client.get(f"/v1/claims/{claim_id}", headers=intake.auth(regions=("EU",)))
    missing = await intake.client.get("/v1/claims/CLM-NOSUCHCLAIM", headers=intake.auth(regions=("EU",)))
    assert eu.status_code == missing.status_code == 404 and eu.json()["detail"].startswith("no claim")
    trail = await intake.client.get(f"/v1/claims/{claim_id}/trail", headers=intake.auth(regions=("EU",)))
    assert trail.status_code == 404
    admin = await intake.client.get(f"/v1/claims/{claim_id}", headers=intake.auth("admin", regions=()))
    assert admin.status_code == 200


async def test_a_client_over_its_rate_limit_is_told_when_to_come_back(postgres_dsn: str, tmp_path) -> None:
    settings = get_settings().model_copy(update={"postgres_dsn": SecretStr(postgres_dsn)})
    section = ApiSettings(api_rate_limit="3/minute")
    async for world in intake_world(postgres_dsn, tmp_path, section, settings):
        answers = [await world.client.get("/v1/claims/CLM-1", headers=world.auth()) for _ in range(4)]
        assert [a.status_code for a in answers] == [404, 404, 404, 429]
        assert int(answers[-1].headers["retry-after"]) >= 1
        other = await world.client.get("/v1/claims/CLM-1", headers=world.auth(client="c2"))
        assert other.status_code == 404  # the limit is per client


async def test_the_openapi_document_describes_the_three_operations(intake: IntakeWorld) -> None:
    spec = (await intake.client.get("/openapi.json")).json()
    assert set(spec["paths"]) == {"/v1/claims", "/v1/claims/{claim_id}", "/v1/claims/{claim_id}/trail"}
    body = spec["paths"]["/v1/claims"]["post"]["requestBody"]["content"]["multipart/form-data"]
    assert body["schema"]["required"] == ["region", "documents"]


async def test_an_object_store_that_is_away_answers_503_and_keeps_nothing(intake: IntakeWorld) -> None:
    away = S3Settings(s3_endpoint_url=f"http://127.0.0.1:{free_port()}", s3_access_key_id="k")
    intake.intake.store = S3ObjectStore(
        "s3://docs-{region}/", dependency=Dependency("object-store", RetryPolicy(attempts=1)), settings=away
    )
    headers = {**intake.auth(), "Idempotency-Key": "store-away"}
    form = claim_form(("a.pdf", PDF, "application/pdf"))
    answer = await intake.client.post("/v1/claims", headers=headers, **form)  # type: ignore[arg-type]
    assert answer.status_code == 503 and answer.headers["retry-after"] == "5"
    assert answer.json()["error"] == "unavailable" and not intake.published.events
    intake.intake.store = FileObjectStore(intake.objects.as_uri())
    form = claim_form(("a.pdf", PDF, "application/pdf"))
    again = await intake.client.post("/v1/claims", headers=headers, **form)  # type: ignore[arg-type]
    assert again.status_code == 202 and not again.json()["replayed"]  # the key was freed


BOMBS = {
    "PNG 100k x 100k": ("b.png", bombs.png_claiming(), "image/png"),
    "JPEG 65k x 65k": ("b.jpg", bombs.jpeg_claiming(), "image/jpeg"),
    "TIFF 100k x 100k": ("b.tif", bombs.tiff_claiming(), "image/tiff"),
    "PDF Flate bomb": ("b.pdf", bombs.pdf_flate_bomb(8 << 20), "application/pdf"),
    "PDF of 60 pages": ("b.pdf", bombs.pdf_pages(60), "application/pdf"),
    "PDF page of 1,389 inches": ("b.pdf", bombs.pdf_pages(1, 100_000), "application/pdf"),
}


@pytest.fixture
async def roomy(postgres_dsn: str, tmp_path) -> AsyncIterator[IntakeWorld]:
    """The door with room for the bombs' bytes (64 KB), so only their decoded size can refuse them."""
    settings = get_settings().model_copy(update={"postgres_dsn": SecretStr(postgres_dsn), "regions": ["EU"]})
    section = ApiSettings(api_max_document_bytes=64 * 1024, api_max_inflated_bytes=4 << 20)
    async for world in intake_world(postgres_dsn, tmp_path / "objects", section, settings):
        world.intake.document_limits = document_limits(section)
        yield world


@pytest.mark.parametrize("case", BOMBS)
async def test_a_decompression_bomb_is_refused_at_the_door_and_leaves_nothing(
    roomy: IntakeWorld, case: str
) -> None:
    headers = {**roomy.auth(), "Idempotency-Key": f"bomb-{case}".replace(" ", "-")}
    form = claim_form(("ok.pdf", bombs.pdf_pages(1), "application/pdf"), BOMBS[case])
    answer = await roomy.client.post("/v1/claims", headers=headers, **form)  # type: ignore[arg-type]
    assert answer.status_code == 413, answer.text
    assert answer.json()["error"] == "too_large" and BOMBS[case][0] in answer.json()["detail"]
    assert roomy.stored_files() == [] and roomy.published.events == [] and await roomy.accepted() == 0
    fine = claim_form(("ok.pdf", bombs.pdf_pages(1), "application/pdf"))
    again = await roomy.client.post("/v1/claims", headers=headers, **fine)  # type: ignore[arg-type]
    assert again.status_code == 202 and len(roomy.published.events) == 1  # the key was freed
