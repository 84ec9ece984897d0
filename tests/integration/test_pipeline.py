"""The whole choreographed pipeline on the embedded stack: claims in, reports out, nothing lost."""

from __future__ import annotations

import asyncio

import pytest

from agents.assessment import RULES
from agents.events import ClaimIngested, DocumentRef
from agents.intake import build_claim, publish_claims
from agents.stores import ReportStore
from agents.tools.samples import corrupt_pdf_bytes
from streams.codec import get_codec
from streams.events import Producer
from streams.kafka_io import flush_or_fail, make_producer
from streams.telemetry import trace_id_of
from tests.fixtures.pipeline import Pipeline
from tests.fixtures.waiting import NotYet, eventually

pytestmark = pytest.mark.integration


def _report_count(pipeline: Pipeline) -> int:
    async def count() -> int:
        store = ReportStore(pipeline.settings.postgres_dsn.get_secret_value())
        await store.open()
        try:
            return await store.count()
        finally:
            await store.close()

    return asyncio.run(count())


@pytest.fixture(scope="module")
def sample_reports(pipeline: Pipeline):
    """Submit every sample claim once and wait for all their reports."""
    claims = {}
    for row in pipeline.truth:
        claim = pipeline.submit([pipeline.corpus.claims_dir / row["file"]], region=row["region"])
        claims[claim.claim_id] = row
    reports = pipeline.reports(list(claims), timeout_s=240)
    return claims, reports


def test_every_sample_claim_gets_a_report_matching_the_ground_truth(pipeline: Pipeline, sample_reports):
    claims, reports = sample_reports
    assert len(reports) == len(claims) == 20
    ready = {r["claim_id"]: r for _, r in pipeline.messages("report_ready") if r["claim_id"] in claims}
    for claim_id, truth in claims.items():
        report = reports[claim_id]
        assert report.policy_number == truth["policy_number"], claim_id
        assert str(report.incident_date) == truth["incident_date"], claim_id
        assert report.damage_description == truth["damage_description"], claim_id
        assert report.region == truth["region"]
        fields = report.report["fields"]
        for name in ("damage_type", "claimed_amount", "currency", "reported_on"):
            assert fields[name]["value"] == truth[name], (claim_id, name)
            assert fields[name]["evidence"], (claim_id, name)
        rules = {r["rule_id"]: r["passed"] for r in report.report["rules"]}
        assert list(rules) == [r.rule_id for r in RULES]
        assert rules["policy_exists"] is True
        assert rules["region_matches"] is True
        assert rules["policy_active"] is truth["policy_active"]
        assert rules["damage_covered"] is True
        assert rules["amount_within_limit"] is True
        assert rules["reported_in_time"] is True
        # Other test modules may have submitted the same sample document before: then it is a duplicate.
        duplicate = next(r for r in report.report["rules"] if r["rule_id"] == "no_duplicate")
        assert duplicate["passed"] or "CLM-" in duplicate["detail"] or "same policy" in duplicate["detail"]
        assert report.report["confidence_basis"]["failed_rules"] == [k for k, v in rules.items() if not v]
        expected = "auto_approved" if report.confidence >= 0.9 else "needs_review"
        assert report.status == expected
        if not truth["policy_active"]:
            assert report.status == "needs_review"
        headline = ready[claim_id]
        assert (headline["damage_type"], headline["claimed_amount"], headline["currency"]) == (
            truth["damage_type"],
            truth["claimed_amount"],
            truth["currency"],
        )
        cited = [c["clause_id"] for c in report.report["clauses"]]
        assert cited and all(c.startswith(truth["region"] + "-") for c in cited), "region is a hard filter"


def test_the_governing_clause_is_retrieved_for_most_claims(sample_reports):
    claims, reports = sample_reports
    hits = sum(
        truth["governing_clause_id"] in [c["clause_id"] for c in reports[cid].report["clauses"]]
        for cid, truth in claims.items()
    )
    assert hits / len(claims) >= 0.9


def test_one_trace_follows_a_claim_from_submission_to_report(pipeline: Pipeline, sample_reports):
    claims, _ = sample_reports
    claim_id = next(iter(claims))
    ingested, _ = pipeline.wait_for_message("claim_ingested", lambda r: r["claim_id"] == claim_id)
    ready, _ = pipeline.wait_for_message("report_ready", lambda r: r["claim_id"] == claim_id)
    trace_id = trace_id_of(ingested.headers())
    assert trace_id is not None
    assert trace_id_of(ready.headers()) == trace_id


def test_replaying_the_ingest_topic_adds_no_report(pipeline: Pipeline, sample_reports):
    claims, before = sample_reports
    count_before = _report_count(pipeline)
    ready_before = len(pipeline.messages("report_ready"))
    ingested = len(pipeline.messages("claim_ingested"))

    result = pipeline.cli(
        "replay", pipeline.topology.topic_for_schema("claim_ingested").name, "--from-beginning"
    )
    assert f"re-published {ingested} message(s)" in result.stdout

    def replayed_reports_announced() -> None:
        if len(pipeline.messages("report_ready")) < ready_before + len(claims):
            raise NotYet("the replayed claims have not all been reported again")

    eventually(replayed_reports_announced, timeout_s=180)
    assert _report_count(pipeline) == count_before
    after = pipeline.reports(list(claims))
    for claim_id, report in after.items():
        assert report.revision == 1
        assert report.event_id == before[claim_id].event_id


def test_a_corrupt_pdf_is_dead_lettered_and_the_next_claim_completes(pipeline: Pipeline, tmp_path):
    bad_file = tmp_path / "broken.pdf"
    bad_file.write_bytes(corrupt_pdf_bytes())
    bad = pipeline.submit([bad_file], region="EU")
    row = pipeline.truth[0]
    good = pipeline.submit([pipeline.corpus.claims_dir / row["file"]], region=row["region"])

    assert pipeline.reports([good.claim_id])[good.claim_id].policy_number == row["policy_number"]
    _, dead = pipeline.wait_for_message(_ingest_dlq(pipeline), lambda r: r["claim_id"] == bad.claim_id)
    assert dead["error_type"] == "CorruptDocument"
    assert dead["retryable"] is False and dead["attempts"] == 1
    assert dead["agent"] == "retriever"
    assert dead["source_topic"] == pipeline.topology.topic_for_schema("claim_ingested").name
    original = get_codec(pipeline.settings.schemas_dir, "claim_ingested").decode(dead["original_value"])
    assert original["event_id"] == bad.event_id


def _ingest_dlq(pipeline: Pipeline) -> str:
    return pipeline.topology.dead_letter_for(pipeline.topology.topic_for_schema("claim_ingested").name).name


def _produce_raw(pipeline: Pipeline, key: bytes, value: bytes) -> None:
    producer = make_producer(pipeline.settings.kafka())
    producer.produce(pipeline.topology.topic_for_schema("claim_ingested").name, key=key, value=value)
    flush_or_fail(producer)


def test_a_claim_for_an_unknown_region_is_dead_lettered(pipeline: Pipeline):
    claim = ClaimIngested.new(
        claim_id="CLM-MARS-1",
        region="MARS",
        by=Producer("other-client", "1"),
        documents=[DocumentRef(uri="file:///nowhere.pdf", filename="x.pdf", size_bytes=1, sha256="0" * 64)],
    )
    codec = get_codec(pipeline.settings.schemas_dir, "claim_ingested")
    _produce_raw(pipeline, b"CLM-MARS-1", codec.encode(claim.to_record()))
    _, dead = pipeline.wait_for_message(_ingest_dlq(pipeline), lambda r: r["claim_id"] == "CLM-MARS-1")
    assert dead["error_type"] == "RegionNotServed"
    assert "MARS" in dead["error_message"]


def test_bytes_that_do_not_decode_are_dead_lettered_and_the_stream_keeps_flowing(pipeline: Pipeline):
    _produce_raw(pipeline, b"CLM-GARBAGE", b"\x00\x01 this is not avro")
    _, dead = pipeline.wait_for_message(
        _ingest_dlq(pipeline), lambda r: r["original_value"].endswith(b"not avro")
    )
    assert dead["error_type"] == "DecodeError"
    row = pipeline.truth[1]
    good = pipeline.submit([pipeline.corpus.claims_dir / row["file"]], region=row["region"])
    assert pipeline.reports([good.claim_id])[good.claim_id].incident_date.isoformat() == row["incident_date"]


@pytest.mark.parametrize("digest", ["0" * 64, "ab" * 32])
def test_a_document_whose_digest_is_not_the_events_is_dead_lettered(pipeline: Pipeline, digest: str):
    row = pipeline.truth[2]
    built = build_claim(pipeline.settings, [pipeline.corpus.claims_dir / row["file"]], region=row["region"])
    assert all(d.uri.startswith("s3://") for d in built.documents)  # the stack keeps documents in S3
    forged = built.model_copy(
        update={"documents": [d.model_copy(update={"sha256": digest}) for d in built.documents]}
    )
    publish_claims(pipeline.settings, [forged])
    _, dead = pipeline.wait_for_message(_ingest_dlq(pipeline), lambda r: r["claim_id"] == forged.claim_id)
    assert dead["error_type"] == "DigestMismatch"
    assert dead["retryable"] is False and dead["agent"] == "retriever"
    assert ("no digest" if digest == "0" * 64 else digest) in dead["error_message"]
