"""The intake API over HTTPS with mutual TLS on the running pipeline: submit with a token, get the report.

A real uvicorn on a free port serves `create_app` with trustme certificates (`claimflow api
dev-certs`); the client presents its certificate and a bearer token minted by `claimflow api
token`'s code. Schemathesis then throws generated requests at the served OpenAPI document.
"""

from __future__ import annotations

import asyncio
import os
import shutil
import ssl
import subprocess
import sys
import threading
import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import httpx
import pytest
import uvicorn
from pydantic import SecretStr

from agents.intake.api import ApiSettings, create_app, local_tokens, mint
from agents.intake.api.serving import server_config
from agents.tools.api_cli import DevCerts, make_dev_certs
from agents.tools.bench.intake_bench import sample_claim_pdf
from agents.tools.bench.intake_load import LoadPlan, LoadTarget, analyse, drive, verify_on_stack
from tests.fixtures.pipeline import Pipeline
from tests.fixtures.waiting import NotYet, eventually

pytestmark = pytest.mark.integration


@dataclass
class Served:
    url: str
    certs: DevCerts
    section: ApiSettings
    pipeline: Pipeline

    def token(self, *scopes: str, regions: tuple[str, ...] = ("EU",)) -> str:
        tokens = local_tokens(self.pipeline.settings, self.section)
        return mint(tokens, "insurer-eu", scopes or ("claims:submit", "claims:read"), regions)

    def client(self, *, with_cert: bool = True) -> httpx.Client:
        context = ssl.create_default_context(cafile=str(self.certs.ca))
        if with_cert:
            context.load_cert_chain(str(self.certs.client_cert), str(self.certs.client_key))
        return httpx.Client(base_url=self.url, verify=context, timeout=30)


@pytest.fixture(scope="module")
def served(pipeline: Pipeline, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Served]:
    """The intake API on HTTPS, client certificates required, on a free port of 127.0.0.1."""
    certs = make_dev_certs(tmp_path_factory.mktemp("certs"), ["127.0.0.1", "localhost"])
    section = ApiSettings(api_token_secret=SecretStr("i" * 40), api_rate_limit="10000/minute")
    config = server_config(
        create_app(pipeline.settings, section=section),
        host="127.0.0.1",
        port=0,
        certfile=certs.server_cert,
        keyfile=certs.server_key,
        ca_certs=certs.ca,
        log_level="warning",
    )
    server = uvicorn.Server(config)
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()

    def listening() -> int:
        if not server.started:
            raise NotYet("uvicorn is not listening yet")
        return int(server.servers[0].sockets[0].getsockname()[1])

    port = eventually(listening, timeout_s=30, interval_s=0.1)
    try:
        yield Served(f"https://127.0.0.1:{port}", certs, section, pipeline)
    finally:
        server.should_exit = True
        thread.join(timeout=10)


def test_a_claim_submitted_over_https_is_assessed_and_its_report_and_trail_read_back(served: Served) -> None:
    pipeline = served.pipeline
    form = next(r for r in pipeline.truth if r["region"] == "EU" and r["file"].endswith(".pdf"))
    path = pipeline.corpus.claims_dir / form["file"]
    auth = {"Authorization": f"Bearer {served.token()}"}
    with served.client() as http:
        answer = http.post(
            "/v1/claims",
            headers={**auth, "Idempotency-Key": "it-1"},
            data={"region": "EU", "external_reference": "INS-IT-1"},
            files=[("documents", (path.name, path.read_bytes(), "application/pdf"))],
        )
        assert answer.status_code == 202, answer.text
        claim_id = answer.json()["claim_id"]

        def assessed() -> dict:
            status = http.get(f"/v1/claims/{claim_id}", headers=auth).json()
            if status["status"] == "processing":
                raise NotYet(f"{claim_id} not assessed yet")
            return status

        status = eventually(
            assessed, timeout_s=240, interval_s=1
        )  # the session's first claims wait for cold agents
        assert status["region"] == "EU" and status["external_reference"] == "INS-IT-1"
        assert status["report"]["claim_id"] == claim_id
        assert status["report"]["fields"]["policy_number"]["value"] == form["policy_number"]

        def audited() -> list[dict]:
            trail = http.get(f"/v1/claims/{claim_id}/trail", headers=auth)
            schemas = {e["schema_name"] for e in trail.json()} if trail.status_code == 200 else set()
            if not {"claim_ingested", "report_ready"} <= schemas:
                raise NotYet(f"trail of {claim_id} so far: {sorted(schemas)}")
            return trail.json()

        trail = eventually(audited, timeout_s=60, interval_s=1)
        # The auditor records each topic as it reads it, so rows of different topics may interleave.
        ingested = next(entry for entry in trail if entry["schema_name"] == "claim_ingested")
        assert "api:insurer-eu" in ingested["summary"]

        us = http.get(
            f"/v1/claims/{claim_id}", headers={"Authorization": f"Bearer {served.token(regions=('US',))}"}
        )
        assert us.status_code == 404


def test_claimflow_submit_through_the_api_sends_each_file_once_per_idempotency_key(served: Served) -> None:
    pipeline = served.pipeline
    path = pipeline.corpus.claims_dir / next(r["file"] for r in pipeline.truth if r["region"] == "EU")
    certs = served.certs
    args = [
        "submit", str(path), "--region", "eu", "--api", served.url, "--token", served.token(),
        "--ca-certs", str(certs.ca), "--cert", str(certs.client_cert), "--key", str(certs.client_key),
        "--idempotency-key", "cli-1",
    ]  # fmt: skip
    first = pipeline.cli(*args).stdout.split()
    again = pipeline.cli(*args).stdout.split()
    assert len(first) == 1 and first[0].startswith("CLM-")
    assert again == first, "the same Idempotency-Key is the same claim"
    with served.client() as http:
        status = http.get(f"/v1/claims/{first[0]}", headers={"Authorization": f"Bearer {served.token()}"})
    assert status.status_code == 200 and status.json()["region"] == "EU"

    refused = pipeline.cli(*args[:-2], "--idempotency-key", "cli-2", "--region", "us", check=False)
    assert refused.returncode == 1 and "403" in refused.stdout, refused.stdout + refused.stderr


def test_without_a_client_certificate_the_tls_handshake_is_refused(served: Served) -> None:
    with served.client(with_cert=False) as http, pytest.raises(httpx.TransportError):
        http.get("/openapi.json")


@pytest.mark.skipif(
    shutil.which("schemathesis", path=str(Path(sys.executable).parent)) is None, reason="schemathesis"
)
def test_generated_requests_never_break_the_api(served: Served, tmp_path: Path) -> None:
    """Schemathesis against the served OpenAPI document: no 5xx, only documented statuses and bodies."""
    tool = Path(sys.executable).parent / "schemathesis"
    result = subprocess.run(
        [
            str(tool),
            "run",
            f"{served.url}/openapi.json",
            "--checks",
            "not_a_server_error,status_code_conformance,content_type_conformance,response_schema_conformance",
            "--max-examples",
            "15",
            "--header",
            f"Authorization: Bearer {served.token()}",
            "--tls-verify",
            str(served.certs.ca),
            "--request-cert",
            str(served.certs.client_cert),
            "--request-cert-key",
            str(served.certs.client_key),
        ],
        capture_output=True,
        text=True,
        timeout=120,
        env={**os.environ, "SCHEMATHESIS_HOOKS": ""},
        cwd=tmp_path,
    )
    assert result.returncode == 0, result.stdout[-4000:] + result.stderr[-2000:]


def test_the_intake_load_test_finds_every_claim_once_and_no_second_claim_for_a_repeated_key(
    served: Served,
) -> None:
    """`claimflow bench intake`'s driver and checks, small, on the session's stack with its S3 server."""
    plan = LoadPlan(
        clients=3, claims_per_client=2, repeat_share=0.5, concurrent_repeat_share=0.34, seed=3,
        run_id=f"smoke-{uuid.uuid4().hex[:8]}",
    )  # fmt: skip
    tokens = local_tokens(served.pipeline.settings, served.section)
    target = LoadTarget(
        served.url,
        lambda client: mint(tokens, client, ["claims:submit"], ["EU"]),
        served.certs.ca,
        served.certs.client_cert,
        served.certs.client_key,
    )
    # A form whose policy is in no book: these claims are nobody else's duplicates.
    document = ("load.pdf", sample_claim_pdf(915), "application/pdf")
    run = asyncio.run(drive(target, plan, [document]))
    figures = analyse(run)
    # Seed 3 sends claims once, again after the answer, and twice at once.
    assert figures["accepted_by_kind"]["repeat"] >= 1 and figures["replayed_answers"] >= 2
    assert sum(1 for a in run.answers if a.kind == "concurrent") >= 1
    assert figures["accepted"] == 6 and not figures["not_accepted"] and not figures["second_claims"]

    check = verify_on_stack(served.pipeline.settings, run, figures)
    assert check.ok, check.to_json()
    assert sorted(check.published) == sorted(figures["accepted_claims"].values())
    assert set(check.published.values()) == {1} and check.registry_rows == 6
