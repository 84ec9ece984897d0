"""The reviewers' web pages in process (FastAPI's test client) on a real PostgreSQL and a real object store.

Decisions go to the real review applier through the broker-free harness instead of Kafka, so a
decision made on a page becomes a report revision here as it does in production; the browser
test (tests/integration/test_review_browser.py) runs the same pages through Kafka and Chromium.
The tests share one seeded site and run in file order: only the last one decides a claim.
"""

from __future__ import annotations

import asyncio
import io
import re
import secrets
import uuid
from collections.abc import AsyncIterator
from dataclasses import dataclass
from datetime import date
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from pydantic import SecretStr
from reportlab.lib.pagesizes import A4
from reportlab.pdfgen import canvas

from agents.auth import HmacTokens
from agents.events import ClaimIngested, ClaimReviewed, ClauseRef, DocumentRef
from agents.intake.api import ApiSettings, local_tokens, mint
from agents.review import ReviewSettings
from agents.review.auth import Passwords
from agents.review.web import create_app
from agents.stores import Clause, Policy, PolicyBook
from streams import AuditLog, AuditRecord, FileObjectStore, Settings, get_codec
from streams.testing import AgentHarness
from tests.fixtures.postgres import postgres_server_uri
from tests.fixtures.review import BY, ReviewWorld, reviewer, shared_world, validated

pytestmark = pytest.mark.integration

__all__ = ["postgres_server_uri", "shared_world"]  # the imported fixtures are used by name

PASSWORD = "correct horse"
SECRET = "k" * 40
API = ApiSettings(api_token_secret=SecretStr("a" * 40))
LINES = [
    "Claim notification",
    "Policy No: HX-442-0197",
    "Date of incident: 17/03/2024",
    "Description: A pipe burst in the kitchen",
    "Type of loss: water",
    "Amount claimed: EUR 4850.00",
    "Date: 20/03/2024",
]


def claim_pdf() -> bytes:
    """A one-page claim form whose lines are the evidence the report factory writes."""
    buffer = io.BytesIO()
    page = canvas.Canvas(buffer, pagesize=A4)
    for index, line in enumerate(LINES):
        page.drawString(72, 760 - 28 * index, line)
    page.save()
    return buffer.getvalue()


class ApplierPublisher:
    """Hands each decision to the real review applier (no broker): what Kafka and the agent would do."""

    def __init__(self, settings: Settings) -> None:
        self.settings = settings
        self.published: list[ClaimReviewed] = []

    async def publish(self, decision: ClaimReviewed) -> None:
        self.published.append(decision)
        async with AgentHarness("review_applier", settings=self.settings) as harness:
            await harness.deliver(decision)


@dataclass
class Site:
    client: TestClient
    publisher: ApplierPublisher
    world: ReviewWorld


async def _seed(world: ReviewWorld, objects: Path) -> None:
    """Two claims needing review (EU with its document and policy, US), reviewers, the audit rows."""
    store = FileObjectStore(objects.as_uri())
    stored = store.put(region="EU", claim_id="CLM-EU", filename="claim.pdf", data=claim_pdf())
    doc = DocumentRef(
        uri=stored.uri, filename="claim.pdf", size_bytes=stored.size_bytes, sha256=stored.sha256
    )
    ingested = ClaimIngested.new(claim_id="CLM-EU", region="EU", by=BY, documents=[doc])
    eu = validated("CLM-EU", failed_rule="no_duplicate").model_copy(
        update={"clauses": [ClauseRef(clause_id="3.1", title="Escape of water", score=0.81)]}
    )
    await world.queued(eu)
    await world.queued(validated("CLM-US", region="US"))
    await world.queued(validated("CLM-EU-BOT"))  # decided by a machine's token, in the module's last test
    async with AuditLog(world.settings.postgres_dsn.get_secret_value(), key=secrets.token_bytes(32)) as audit:
        await audit.append(
            [
                AuditRecord(
                    topic="claim.ingested",
                    partition=0,
                    offset=0,
                    timestamp_ms=1_700_000_000_000,
                    key=b"CLM-EU",
                    value=get_codec(world.settings.schemas_dir, "claim_ingested").encode(
                        ingested.to_record()
                    ),
                    headers=[],
                    event_id=ingested.event_id,
                    claim_id="CLM-EU",
                )
            ]
        )
    async with PolicyBook(world.settings.postgres_dsn.get_secret_value()) as book:
        await book.upsert(
            [
                Policy(
                    policy_number="HX-442-0197",
                    region="EU",
                    holder_name="A. Holder",
                    start_date=date(2024, 1, 1),
                    end_date=date(2024, 12, 31),
                    coverages=["water"],
                    limit=50_000,
                    clauses=[
                        Clause(clause_id="3.1", title="Escape of water", text="We pay for water escaping.")
                    ],
                )
            ]
        )
    hashed = Passwords().hash(PASSWORD)
    for person in (
        reviewer("alice", "EU"),
        reviewer("bob", "EU"),
        reviewer("ursula", "US"),
        reviewer("sam", "EU", supervisor=True),
    ):
        await world.review.save_reviewer(person, hashed)


@pytest.fixture(scope="module")
async def site(shared_world: ReviewWorld, tmp_path_factory: pytest.TempPathFactory) -> AsyncIterator[Site]:
    """The site on seeded data, shared by the module's tests (the last one decides the EU claim)."""
    world = shared_world
    objects = tmp_path_factory.mktemp("objects")
    await _seed(world, objects)
    settings = world.settings.model_copy(update={"object_store_url": objects.as_uri()})
    publisher = ApplierPublisher(settings)
    app = create_app(
        settings, section=ReviewSettings(review_token_secret=SECRET), publisher=publisher, api_section=API
    )

    def start() -> TestClient:
        client = TestClient(app, follow_redirects=False)
        client.__enter__()  # runs the lifespan (pools) on the client's own event loop
        return client

    client = await asyncio.to_thread(start)
    try:
        yield Site(client, publisher, world)
    finally:
        await asyncio.to_thread(client.__exit__, None, None, None)


def _sign_in(site: Site, user: str) -> TestClient:
    site.client.cookies.clear()
    answer = site.client.post("/login", data={"username": user, "password": PASSWORD, "next": "/queue"})
    assert answer.status_code == 303 and answer.headers["location"] == "/queue"
    return site.client


def _csrf(html: str) -> str:
    found = re.search(r'name="csrf" value="([0-9a-f]+)"', html)
    assert found, "the page has no form token"
    return found.group(1)


def test_signing_in(site: Site) -> None:
    client = site.client
    assert client.get("/queue").headers["location"] == "/login?next=/queue"
    wrong = client.post("/login", data={"username": "alice", "password": "wrong horse"})
    assert wrong.status_code == 401 and "unknown user or wrong password" in wrong.text
    assert client.post("/login", data={"username": "mallory", "password": PASSWORD}).status_code == 401
    away = client.post("/login", data={"username": "alice", "password": PASSWORD, "next": "//evil.example/"})
    assert away.headers["location"] == "/queue"  # never redirected off the site
    assert "HttpOnly" in away.headers["set-cookie"] and "SameSite=strict" in away.headers["set-cookie"]
    assert "Alice (reviewer) · EU" in client.get("/queue").text

    # Taking a reviewer's access away acts on their next request, not when the session expires.
    _sign_in(site, "bob")
    asyncio.run(_set_active(site.world.settings.postgres_dsn.get_secret_value(), "bob", False))
    assert client.get("/queue").headers["location"] == "/login?next=/queue"
    asyncio.run(_set_active(site.world.settings.postgres_dsn.get_secret_value(), "bob", True))
    assert client.get("/queue").status_code == 200


async def _set_active(dsn: str, user: str, active: bool) -> None:
    from agents.review import ReviewStore

    async with ReviewStore(dsn) as store:
        found = await store.reviewer(user)
        assert found is not None
        await store.save_reviewer(found[0].model_copy(update={"active": active}), None)


def test_a_reviewer_never_sees_or_decides_another_regions_claim(site: Site) -> None:
    client = _sign_in(site, "alice")
    queue = client.get("/queue")
    assert queue.status_code == 200 and "CLM-EU" in queue.text and "CLM-US" not in queue.text
    assert "CLM-US" not in client.get("/queue?region=US").text
    csrf = _csrf(queue.text)
    for answer in (
        client.get("/claims/CLM-US"),
        client.get("/claims/CLM-US/pages/1.png"),
        client.post("/claims/CLM-US/take", data={"csrf": csrf}),
        client.post(
            "/claims/CLM-US/decision", data={"csrf": csrf, "action": "approve", "base_revision": "1"}
        ),
    ):
        assert answer.status_code == 404
    assert client.get("/queue?status=lost").status_code == 400

    us = _sign_in(site, "ursula")
    assert "CLM-US" in us.get("/queue").text and us.get("/claims/CLM-EU").status_code == 404
    assert site.publisher.published == []


def test_the_claim_page_shows_the_evidence_where_it_was_read_and_everything_behind_the_decision(
    site: Site,
) -> None:
    client = _sign_in(site, "alice")
    page = client.get("/claims/CLM-EU")
    assert page.status_code == 200
    html = page.text
    for field in ("policy_number", "incident_date", "claimed_amount", "damage_description"):
        boxes = re.findall(
            rf'<div class="hl f-{field}" data-field="{field}"[^>]*style="left: ([\d.]+)%; top: ([\d.]+)%',
            html,
        )
        assert boxes, f"no evidence box for {field}"
    # The incident date was read on the form's third line: its box sits there, left-aligned.
    left, top = map(
        float, re.findall(r'data-field="incident_date"[^>]*style="left: ([\d.]+)%; top: ([\d.]+)%', html)[0]
    )
    assert 10 < left < 15 and 14 < top < 19
    assert "We pay for water escaping." in html  # the cited clause's text from the policy book
    assert "no_duplicate" in html and "Weakest field: <b>incident_date</b>" in html
    assert 'data-topic="claim.ingested"' in html  # the audit trail
    assert "2024-03-18" in html  # the other reading of the weak field
    picture = client.get("/claims/CLM-EU/pages/1.png")
    assert picture.status_code == 200 and picture.content.startswith(b"\x89PNG")
    assert client.get("/claims/CLM-EU/pages/2.png").status_code == 404


def test_taking_correcting_and_approving_makes_a_new_revision_and_leases_keep_others_out(site: Site) -> None:
    alice = _sign_in(site, "alice")
    csrf = _csrf(alice.get("/claims/CLM-EU").text)
    assert alice.post("/claims/CLM-EU/take", data={"csrf": "forged"}).status_code == 403
    assert alice.post("/claims/CLM-EU/take", data={"csrf": csrf}).status_code == 303
    form = alice.get("/claims/CLM-EU").text
    assert "Yours until" in form
    decision_id = re.search(r'name="decision_id" value="([^"]+)"', form).group(1)  # type: ignore[union-attr]

    bob = _sign_in(site, "bob")
    held = bob.post("/claims/CLM-EU/take", data={"csrf": _csrf(bob.get("/claims/CLM-EU").text)})
    assert held.status_code == 409 and "being reviewed by alice" in held.text
    sneaky = bob.post(
        "/claims/CLM-EU/decision",
        data={
            "csrf": _csrf(bob.get("/queue").text),
            "decision_id": decision_id,
            "action": "approve",
            "base_revision": "1",
        },
    )
    assert sneaky.status_code == 409 and site.publisher.published == []

    sam = _sign_in(site, "sam")  # a supervisor may take a claim over, and give it back
    sam_csrf = _csrf(sam.get("/claims/CLM-EU").text)
    assert sam.post("/claims/CLM-EU/take", data={"csrf": sam_csrf, "force": "true"}).status_code == 303
    assert "Yours until" in sam.get("/claims/CLM-EU").text
    assert sam.post("/claims/CLM-EU/release", data={"csrf": sam_csrf}).status_code == 303

    alice = _sign_in(site, "alice")
    assert (
        alice.post("/claims/CLM-EU/take", data={"csrf": _csrf(alice.get("/queue").text)}).status_code == 303
    )
    csrf = _csrf(alice.get("/claims/CLM-EU").text)
    fields = {"field.incident_date": "2024-03-18", "field.currency": "EUR", "field.claimed_amount": "4850.00"}
    bad = alice.post(
        "/claims/CLM-EU/decision",
        data={"csrf": csrf, "decision_id": decision_id, "action": "approve", "base_revision": "1",
              "field.incident_date": "18 March"},
    )  # fmt: skip
    assert bad.status_code == 422 and "not a date" in bad.text
    done = alice.post(
        "/claims/CLM-EU/decision",
        data={"csrf": csrf, "decision_id": decision_id, "action": "approve", "base_revision": "1", **fields},
    )
    assert done.status_code == 303 and done.headers["location"] == f"/claims/CLM-EU?decision={decision_id}"
    [made] = site.publisher.published
    assert (made.event_id, made.action, made.reviewer) == (decision_id, "correct_and_approve", "alice")
    assert [c.model_dump() for c in made.corrections] == [
        {"field": "incident_date", "before": "2024-03-17", "after": "2024-03-18"}
    ]
    after = alice.get(done.headers["location"]).text
    assert "Decision applied as revision 2: approved." in after
    # The revision history is the report store's, as the status is: no auditor has run here, so a
    # history read from the audit trail would lack revision 2 (it did, on a slow CI machine).
    history = after[after.index('data-testid="revisions"') :].split("</table>")[0]
    rows = re.findall(r"<tr><td>(\d+)</td><td>(\w+)</td><td>([^<]+)</td>", history)
    assert rows == [("1", "needs_review", "reporter"), ("2", "approved", "alice")]
    report = asyncio.run(_report(site.world.settings.postgres_dsn.get_secret_value()))
    assert (report.revision, report.status) == (2, "approved")

    sam = _sign_in(site, "sam")  # decided: nobody takes it, not even a supervisor
    late = sam.post("/claims/CLM-EU/take", data={"csrf": _csrf(sam.get("/queue").text), "force": "true"})
    assert late.status_code == 409 and "decided" in late.text


async def _report(dsn: str):  # type: ignore[no-untyped-def]
    from agents.stores import ReportStore

    async with ReportStore(dsn) as store:
        return await store.get("CLM-EU")


def test_a_machine_decides_with_a_review_decide_token_only_in_its_regions(site: Site) -> None:
    tokens = local_tokens(site.world.settings, API)

    def bearer(
        *scopes: str, regions: tuple[str, ...] = ("EU",), signer: HmacTokens = tokens
    ) -> dict[str, str]:
        return {"Authorization": f"Bearer {mint(signer, 'triage-bot', scopes, regions)}"}

    client = site.client
    client.cookies.clear()
    before = len(site.publisher.published)
    decision = {"decision_id": str(uuid.uuid4()), "action": "approve", "base_revision": "1"}
    wrong_scope = bearer("claims:submit", "claims:read")
    assert client.post("/claims/CLM-EU-BOT/take", headers=wrong_scope).status_code == 403
    assert client.post("/claims/CLM-EU-BOT/decision", headers=wrong_scope, data=decision).status_code == 403
    us_only = bearer("review:decide", regions=("US",))
    assert client.post("/claims/CLM-EU-BOT/take", headers=us_only).status_code == 404
    assert client.post("/claims/CLM-EU-BOT/decision", headers=us_only, data=decision).status_code == 404
    forged = bearer(
        "review:decide", signer=HmacTokens(b"f" * 32, issuer="claimflow", audience="claimflow-api", ttl_s=60)
    )
    assert client.post("/claims/CLM-EU-BOT/decision", headers=forged, data=decision).status_code == 401
    assert len(site.publisher.published) == before  # nothing decided by any of them

    eu = bearer("review:decide")
    assert client.post("/claims/CLM-EU-BOT/take", headers=eu).status_code == 303  # no form token: a bearer
    done = client.post("/claims/CLM-EU-BOT/decision", headers=eu, data=decision)
    assert done.status_code == 303, done.text
    made = site.publisher.published[-1]
    assert (made.claim_id, made.action, made.reviewer, made.reviewer_role) == (
        "CLM-EU-BOT", "approve", "api:triage-bot", "reviewer",
    )  # fmt: skip
