"""Avro codec: round trips, and refusal of anything that is not a record of the schema."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from agents.events import (
    ClaimFields,
    ClaimIngested,
    ClaimValidated,
    DocumentRef,
    ExtractedField,
    ExtractorProvenance,
    ReportReady,
    RuleOutcome,
)
from streams.codec import AvroCodec, get_codec, load_codecs
from streams.errors import DecodeError, EncodeError, SchemaError
from streams.events import Producer
from tests.fixtures.paths import SCHEMAS

BY = Producer("test", "1")


def ingested() -> ClaimIngested:
    doc = DocumentRef(uri="file:///x/claim.pdf", filename="claim.pdf", size_bytes=10, sha256="ab" * 32)
    return ClaimIngested.new(claim_id="CLM-1", region="EU", by=BY, documents=[doc], submitted_by="cli")


def validated() -> ClaimValidated:
    field = ExtractedField(
        value="POL-EU-2024-000001", confidence=0.97, evidence="Policy No: POL-EU-2024-000001"
    )
    return ingested().follow(
        ClaimValidated,
        by=BY,
        fields=ClaimFields(
            policy_number=field.model_copy(update={"page": 2, "candidates": ["POL-EU-2024-000002"]}),
            incident_date=ExtractedField(),
            damage_description=field,
            damage_type=ExtractedField(value="water", confidence=0.95, evidence="a pipe burst"),
            claimed_amount=ExtractedField(value="4850.00", confidence=0.97, evidence="EUR 4,850.00"),
            currency=ExtractedField(value="EUR", confidence=0.97, evidence="EUR 4,850.00"),
        ),
        clauses=[],
        extractor=ExtractorProvenance(kind="rules", version="1"),
        rules=[RuleOutcome(rule_id="r", description="d", passed=True, severity="minor")],
        confidence=0.5,
    )


def ready() -> ReportReady:
    return validated().follow(
        ReportReady,
        by=BY,
        status="auto_approved",
        confidence=0.95,
        damage_type="water",
        claimed_amount="4850.00",
        currency="EUR",
    )


@pytest.mark.parametrize("event", [ingested(), validated(), ready()], ids=["ingested", "validated", "ready"])
def test_round_trip_gives_back_the_same_event(event):
    codec = get_codec(SCHEMAS, event.avro_schema)
    decoded = codec.decode(codec.encode(event.to_record()))
    assert type(event).model_validate(decoded) == event


def test_garbage_bytes_are_a_decode_error():
    with pytest.raises(DecodeError, match="claim_ingested"):
        get_codec(SCHEMAS, "claim_ingested").decode(b"\x00\xff not avro at all")


def test_a_record_of_another_schema_is_refused():
    report = ingested().follow(ReportReady, by=BY, status="needs_review", confidence=0.1)
    data = get_codec(SCHEMAS, "report_ready").encode(report.to_record())
    with pytest.raises(DecodeError):
        get_codec(SCHEMAS, "claim_ingested").decode(data)


def test_trailing_bytes_are_refused():
    codec = get_codec(SCHEMAS, "claim_ingested")
    with pytest.raises(DecodeError, match="trailing"):
        codec.decode(codec.encode(ingested().to_record()) + b"\x00")


def test_an_int_field_holding_more_than_32_bits_is_a_decode_error():
    """Found by the fuzzer: fastavro reads an Avro int's varint unchecked, so 2**40 decoded fine
    and only the agent's next encode failed."""
    long_schema = {"type": "record", "name": "P", "fields": [{"name": "n", "type": "long"}]}
    wide = AvroCodec("p", long_schema).encode({"n": 2**40})
    codec = AvroCodec("p", {**long_schema, "fields": [{"name": "n", "type": "int"}]})
    assert codec.decode(AvroCodec("p", long_schema).encode({"n": 2**31 - 1})) == {"n": 2**31 - 1}
    with pytest.raises(DecodeError, match=r"cannot hold: P\.n is <1099511627776>"):
        codec.decode(wide)


@pytest.mark.parametrize(
    ("change", "message"),
    [({"status": "maybe"}, "maybe"), ({"confidence": "high"}, "float"), ({"extra": 1}, "extra")],
)
def test_invalid_records_are_refused_on_encode(change, message):
    record = {
        **ingested().follow(ReportReady, by=BY, status="needs_review", confidence=0.1).to_record(),
        **change,
    }
    with pytest.raises(EncodeError, match=message):
        get_codec(SCHEMAS, "report_ready").encode(record)


def test_unknown_schema_names_the_ones_that_exist():
    with pytest.raises(SchemaError, match="claim_ingested"):
        get_codec(SCHEMAS, "no_such_schema")


def test_an_invalid_schema_is_a_schema_error():
    with pytest.raises(SchemaError):
        AvroCodec("broken", {"type": "record", "name": "X", "fields": [{"name": "a", "type": "nope"}]})


def test_every_event_model_matches_its_schema_fields():
    """The pydantic models and the .avsc contracts must not drift apart."""
    from agents import events as domain
    from streams.dead_letter import DeadLetter
    from streams.events import Event

    models = [
        m for m in vars(domain).values() if isinstance(m, type) and issubclass(m, Event) and m is not Event
    ]
    models.append(DeadLetter)
    codecs = load_codecs(SCHEMAS)
    assert {m.avro_schema for m in models} == set(codecs)
    for model in models:
        assert set(model.model_fields) == codecs[model.avro_schema].field_names, model.__name__


def _ingested_as_written_by(version: int, without: str) -> dict:
    """A claim_ingested record written with an earlier version of the schema (lacking `without`),
    decoded by the current codec."""
    import io
    import json

    import fastavro

    old = fastavro.parse_schema(
        json.loads((SCHEMAS / "history" / f"claim_ingested.{version}.avsc").read_text())
    )
    record = {k: v for k, v in ingested().to_record().items() if k != without}
    buffer = io.BytesIO()
    fastavro.schemaless_writer(buffer, old, record)
    return get_codec(SCHEMAS, "claim_ingested").decode(buffer.getvalue())


def test_a_record_written_with_an_earlier_schema_version_still_decodes_with_defaults():
    """A producer written against claim_ingested version 1 (no received_at) keeps working."""
    decoded = _ingested_as_written_by(1, without="received_at")
    assert decoded["received_at"] is None and decoded["claim_id"] == "CLM-1"
    event = ClaimIngested.model_validate(decoded)
    assert event.received == event.event_time  # no received time: the submission's own time stands in


def test_the_received_time_keeps_the_submitters_offset_through_avro_and_down_the_chain():
    """timestamp-millis is UTC; the offset travels beside it, so the day received is the submitter's."""
    from datetime import timedelta, timezone

    from agents.events import RetrievalRequest

    wellington = datetime(2025, 3, 12, 9, 19, 55, tzinfo=timezone(timedelta(hours=13)))
    event = ingested().model_copy(update={"received_at": wellington})
    event = ClaimIngested.model_validate({**event.to_record(), "received_utc_offset_min": None})
    assert event.received_utc_offset_min == 780
    codec = get_codec(SCHEMAS, "claim_ingested")
    decoded = ClaimIngested.model_validate(codec.decode(codec.encode(event.to_record())))
    assert decoded.received_at == wellington and decoded.received_at.utcoffset() == timedelta(0)
    assert decoded.received.isoformat() == "2025-03-12T09:19:55+13:00"
    request = decoded.follow(
        RetrievalRequest, by=BY, text="", pages=1, embedding=[], top_k=1, received_at=decoded.received
    )
    assert (
        request.received_utc_offset_min == 780 and request.received_local.date().isoformat() == "2025-03-12"
    )
    in_utc = ingested().model_copy(update={"received_at": datetime(2025, 3, 11, 20, 19, tzinfo=UTC)})
    assert ClaimIngested.model_validate(in_utc.to_record()).received_utc_offset_min is None


def test_an_offset_beyond_a_day_is_refused_as_off_schema():
    """A foreign producer's impossible offset fails validation at decode (a dead letter), never in a
    handler that takes the day of receipt."""
    import pydantic

    record = {**ingested().to_record(), "received_utc_offset_min": 99_999}
    decoded = get_codec(SCHEMAS, "claim_ingested").decode(get_codec(SCHEMAS, "claim_ingested").encode(record))
    with pytest.raises(pydantic.ValidationError, match="received_utc_offset_min"):
        ClaimIngested.model_validate(decoded)


def test_a_record_of_the_schema_before_the_received_offset_still_decodes():
    decoded = _ingested_as_written_by(2, without="received_utc_offset_min")
    assert decoded["received_utc_offset_min"] is None and decoded["claim_id"] == "CLM-1"


def test_every_earlier_schema_version_is_valid_avro_and_older_than_its_current_schema():
    history = sorted((SCHEMAS / "history").glob("*.avsc"))
    assert history
    codecs = load_codecs(SCHEMAS)
    for path in history:
        name = path.name.split(".")[0]
        assert name in codecs and codecs[name].earlier, path.name


def test_a_report_announced_before_decisions_existed_still_decodes():
    """report.ready version 1 (two statuses, no decision fields) reads as the current version."""
    import io
    import json

    import fastavro

    old = fastavro.parse_schema(json.loads((SCHEMAS / "history" / "report_ready.1.avsc").read_text()))
    event = ready()
    record = {k: v for k, v in event.to_record().items() if k not in ("decision_id", "reviewed_by")}
    buffer = io.BytesIO()
    fastavro.schemaless_writer(buffer, old, record)
    decoded = get_codec(SCHEMAS, "report_ready").decode(buffer.getvalue())
    assert ReportReady.model_validate(decoded) == event
    assert decoded["decision_id"] is None and decoded["status"] == "auto_approved"


def test_a_validated_claim_written_before_model_provenance_decodes_with_no_models():
    """claim.validated version 1 (no `models`) reads as the current version with an empty list."""
    import io
    import json

    import fastavro

    from agents.events import ModelRef

    old = fastavro.parse_schema(json.loads((SCHEMAS / "history" / "claim_validated.1.avsc").read_text()))
    event = validated()
    buffer = io.BytesIO()
    fastavro.schemaless_writer(buffer, old, {k: v for k, v in event.to_record().items() if k != "models"})
    codec = get_codec(SCHEMAS, "claim_validated")
    assert ClaimValidated.model_validate(codec.decode(buffer.getvalue())) == event
    named = event.model_copy(update={"models": [ModelRef(role="validator", name="rules", version="r-1")]})
    assert ClaimValidated.model_validate(codec.decode(codec.encode(named.to_record()))) == named
