"""Policies numbered their own way, claims cited only from their own policy, and the received time.

A small book in another insurer's style is loaded into the session's stack beside the sample
book: two policies whose `Art. 3` are different texts. Claims written for them go through
the running pipeline.
"""

from __future__ import annotations

import asyncio
import io
import json
import uuid
from datetime import UTC, date, datetime
from pathlib import Path

import fastavro
import pytest
from reportlab.lib.pagesizes import A4
from reportlab.pdfgen import canvas

from agents.events import ClaimIngested
from agents.intake import build_claim
from agents.stores import Policy, wait_for_clause_version
from agents.stores.policy_loader import load_policy_book
from streams.kafka_io import make_producer
from tests.fixtures.paths import SCHEMAS
from tests.fixtures.pipeline import Pipeline

STORM = ("Storm", "We pay for loss or damage caused by storm, including rain driven in by the wind.")
WATER = ("Escape of water", "We pay for damage by water escaping from a fixed pipe, tank or appliance.")
THEFT = ("Theft", "We pay for property stolen after a forced and violent entry into the home.")


def _clause(clause_id: str, wording: tuple[str, str]) -> dict[str, str]:
    return {"clause_id": clause_id, "title": wording[0], "text": wording[1]}


def _book(path: Path) -> dict[str, Policy]:
    """Two policies of one insurer, each numbering its own clauses: both have an `Art. 3`."""
    suffix = uuid.uuid4().hex[:4].upper()
    common = {
        "region": "EU",
        "start_date": "2025-01-01",
        "end_date": "2025-12-31",
        "limit": 20000,
        "currency": "EUR",
        "holder_name": "Sigrid Mayer",
        "product": "Wohngebäude Plus",
    }
    first = Policy.model_validate(
        {
            **common,
            "policy_number": f"MX-{suffix}-01",
            "coverages": ["storm", "water"],
            "clauses": [_clause("Art. 3", STORM), _clause("Art. 4", WATER)],
        }
    )
    second = Policy.model_validate(
        {
            **common,
            "policy_number": f"MX-{suffix}-02",
            "coverages": ["theft"],
            "clauses": [_clause("Art. 3", THEFT), _clause("§ 9", STORM)],
        }
    )
    path.write_text("".join(p.model_dump_json() + "\n" for p in (first, second)))
    return {"first": first, "second": second}


def _claim_pdf(path: Path, *lines: str) -> Path:
    buffer = io.BytesIO()
    page = canvas.Canvas(buffer, pagesize=A4, invariant=1)
    y = A4[1] - 80
    for line in lines:
        page.drawString(60, y, line)
        y -= 18
    page.save()
    path.write_bytes(buffer.getvalue())
    return path


@pytest.fixture(scope="module")
def book(pipeline: Pipeline, tmp_path_factory: pytest.TempPathFactory) -> dict[str, Policy]:
    path = tmp_path_factory.mktemp("insurer") / "policies.jsonl"
    policies = _book(path)

    async def load() -> None:
        result = await load_policy_book(pipeline.settings, path)
        redis_url = pipeline.settings.redis_url.get_secret_value()
        await wait_for_clause_version(redis_url, result.clause_version, timeout_s=30)

    asyncio.run(load())
    return policies


def _storm_claim(tmp_path: Path, number: str) -> Path:
    return _claim_pdf(
        tmp_path / f"{uuid.uuid4().hex[:6]}.pdf",
        "Schadenmeldung",
        f"Versicherungsschein-Nr.: {number}",
        "Schadentag: 02.05.2025",
        "Schadenart: Sturm",
        "The storm tore tiles off the roof and rain came into the attic.",
        "Amount claimed: EUR 2,400.00",
    )


@pytest.mark.integration
def test_a_claim_cites_only_its_own_policys_clauses_numbered_as_that_policy_numbers_them(
    pipeline: Pipeline, book: dict[str, Policy], tmp_path: Path
) -> None:
    first, second = book["first"], book["second"]
    claim = pipeline.submit([_storm_claim(tmp_path, first.policy_number.lower())], region="EU")
    _, retrieved = pipeline.wait_for_message("clauses_retrieved", lambda r: r["claim_id"] == claim.claim_id)
    assert retrieved["policy_number"]["value"] == first.policy_number
    cited = {(c["clause_id"], c["text"]) for c in retrieved["clauses"]}
    assert cited == {("Art. 3", STORM[1]), ("Art. 4", WATER[1])}, "exactly the policy's own clauses"
    assert retrieved["clauses"][0]["clause_id"] == "Art. 3"  # the storm clause ranks first for a storm
    assert THEFT[1] not in {c["text"] for c in retrieved["clauses"]}, "never the other policy's Art. 3"
    report = pipeline.reports([claim.claim_id])[claim.claim_id]
    assert report.report["clauses"][0]["clause_id"] == "Art. 3"
    assert report.policy_number == first.policy_number
    assert second.clause_keys["§ 9"] == first.clause_keys["Art. 3"], "one wording, stored once, two numbers"


@pytest.mark.integration
def test_a_claim_under_a_number_the_book_lacks_cites_nothing_and_goes_to_review(
    pipeline: Pipeline, book: dict[str, Policy], tmp_path: Path
) -> None:
    typo = book["first"].policy_number[:-1] + "9"  # one character off: not that policy
    claim = pipeline.submit([_storm_claim(tmp_path, typo)], region="EU")
    _, retrieved = pipeline.wait_for_message("clauses_retrieved", lambda r: r["claim_id"] == claim.claim_id)
    assert retrieved["clauses"] == [] and retrieved["policy_number"]["value"] is None
    report = pipeline.reports([claim.claim_id])[claim.claim_id]
    assert report.status == "needs_review"
    failed = [r["rule_id"] for r in report.report["rules"] if not r["passed"]]
    assert failed[0] == "policy_exists"
    assert (
        report.report["fields"]["policy_number"]["value"] == typo
    )  # read as written, so the report explains


@pytest.mark.integration
def test_without_a_date_on_the_documents_the_report_date_is_when_the_claim_was_received(
    pipeline: Pipeline, book: dict[str, Policy], tmp_path: Path
) -> None:
    number = book["first"].policy_number
    on_time = pipeline.submit(
        [_storm_claim(tmp_path, number)], region="EU", received_at=datetime(2025, 5, 20, 9, 0, tzinfo=UTC)
    )
    late = pipeline.submit(
        [_storm_claim(tmp_path, number)], region="EU", received_at=datetime(2025, 7, 30, 9, 0, tzinfo=UTC)
    )
    reports = pipeline.reports([on_time.claim_id, late.claim_id])
    first, second = reports[on_time.claim_id].report, reports[late.claim_id].report
    assert first["fields"]["reported_on"]["value"] == "2025-05-20"
    assert "received" in first["fields"]["reported_on"]["evidence"]
    assert next(r for r in first["rules"] if r["rule_id"] == "reported_in_time")["passed"]
    assert second["fields"]["reported_on"]["value"] == "2025-07-30"
    assert not next(r for r in second["rules"] if r["rule_id"] == "reported_in_time")["passed"]


@pytest.mark.integration
def test_a_producer_written_against_the_first_schema_still_gets_a_report(
    pipeline: Pipeline, book: dict[str, Policy], tmp_path: Path
) -> None:
    """No received_at on the event: the submission's own time stands in, never the processing time."""
    built = build_claim(pipeline.settings, [_storm_claim(tmp_path, book["first"].policy_number)], region="EU")
    record = {k: v for k, v in built.to_record().items() if k != "received_at"}
    old = fastavro.parse_schema(json.loads((SCHEMAS / "history" / "claim_ingested.1.avsc").read_text()))
    buffer = io.BytesIO()
    fastavro.schemaless_writer(buffer, old, record)
    topic = pipeline.topology.topic_for_schema(ClaimIngested.avro_schema)
    producer = make_producer(pipeline.settings.kafka())
    producer.produce(topic.name, key=built.claim_id.encode(), value=buffer.getvalue())
    assert producer.flush(30) == 0
    report = pipeline.reports([built.claim_id])[built.claim_id]
    assert report.report["fields"]["reported_on"]["value"] == built.event_time.date().isoformat()
    assert date.fromisoformat(report.report["fields"]["incident_date"]["value"]) == date(2025, 5, 2)
