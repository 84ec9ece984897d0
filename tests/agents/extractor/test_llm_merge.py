"""Merging the LLM's reading with the rules', the provenance contract and its display: no infrastructure."""

from __future__ import annotations

import itertools
import json

import pytest

from agents.events import ClaimFields, ExtractorProvenance, FieldsExtracted
from agents.events import ExtractedField as EventField
from agents.extraction.fields import NOT_FOUND, ExtractedField, extract_fields
from agents.extractor.llm import ANSWER_SCHEMA, LlmAnswer, build_messages, response_format
from agents.extractor.merge import (
    AGREE,
    DISAGREE,
    DISAGREEMENT_CAP,
    LLM_ONLY,
    NEITHER,
    RULES_ONLY,
    UNCORROBORATED_EVIDENCED,
    UNCORROBORATED_GUESS,
    locate,
    merge,
    merge_field,
)
from agents.extractor.prompt_cache import prompt_key
from agents.tools.cli import describe_extractor
from streams.codec import get_codec
from streams.events import Producer
from tests.fixtures.paths import SCHEMAS

THRESHOLD = 0.9

TEXT = (
    "CLAIM FORM\nPolicy No: POL-EU-2024-001234\nDate of loss: 17.03.2024\n"
    "Description of damage: A pipe burst in the kitchen and water flooded the floor.\n"
    "Estimated cost: EUR 4,850.00\n\fPage two\nSubmitted on: 20.03.2024\n"
)


def rules(value: str | None, confidence: float, evidence: str = "x") -> ExtractedField:
    return ExtractedField(value=value, confidence=confidence, evidence=evidence)


def test_agreement_raises_a_trusted_field_halfway_to_one() -> None:
    merged, verdict = merge_field(
        "policy_number", rules("POL-EU-2024-001234", 0.98), "pol-eu-2024-001234", "", TEXT, THRESHOLD
    )
    assert verdict == AGREE
    assert merged.confidence == pytest.approx(0.99)
    assert merged.value == "POL-EU-2024-001234"


def test_agreement_never_lifts_a_field_across_the_review_threshold() -> None:
    merged, verdict = merge_field(
        "claimed_amount", rules("4850.00", 0.8), "4,850.00 EUR", "", TEXT, THRESHOLD
    )
    assert verdict == AGREE
    assert 0.8 < merged.confidence < THRESHOLD


def test_disagreement_caps_the_rules_value_and_offers_the_llm_value() -> None:
    merged, verdict = merge_field(
        "incident_date", rules("2024-03-17", 0.97), "2024-03-20", "20.03.2024", TEXT, THRESHOLD
    )
    assert verdict == DISAGREE
    assert merged.value == "2024-03-17"
    assert merged.confidence == DISAGREEMENT_CAP
    assert "2024-03-20" in merged.candidates


def test_llm_only_value_with_its_evidence_in_the_text_stays_below_the_threshold() -> None:
    merged, verdict = merge_field(
        "reported_on", NOT_FOUND, "2024-03-20", "Submitted on: 20.03.2024", TEXT, 0.9
    )
    assert verdict == LLM_ONLY
    assert merged.value == "2024-03-20"
    assert merged.confidence == UNCORROBORATED_EVIDENCED < THRESHOLD
    assert merged.page == 2
    assert merged.evidence.startswith("(llm) ")


@pytest.mark.parametrize(
    ("value", "evidence"),
    [("POL-EU-2024-009999", "a quote that is nowhere in the claim"), ("POL-EU-2024-009999", "Policy No:")],
    ids=["quote-not-in-text", "quote-without-the-value"],
)
def test_llm_only_value_without_supporting_evidence_is_a_guess(value: str, evidence: str) -> None:
    merged, verdict = merge_field("policy_number", NOT_FOUND, value, evidence, TEXT, THRESHOLD)
    assert verdict == LLM_ONLY
    assert merged.confidence == UNCORROBORATED_GUESS


def test_llm_silence_or_an_unparseable_value_leaves_the_rules_field_alone() -> None:
    field = rules("2024-03-17", 0.97)
    assert merge_field("incident_date", field, None, "", TEXT, THRESHOLD) == (field, RULES_ONLY)
    assert merge_field("incident_date", field, "the 17th of March", "", TEXT, THRESHOLD) == (
        field,
        RULES_ONLY,
    )
    assert merge_field("currency", NOT_FOUND, "euros", "", TEXT, THRESHOLD) == (NOT_FOUND, NEITHER)


def test_descriptions_agree_on_mostly_the_same_words() -> None:
    field = rules("A pipe burst in the kitchen and water flooded the floor.", 0.97)
    same = merge_field("damage_description", field, "Pipe burst in kitchen, floor flooded", "", TEXT, 0.9)
    other = merge_field("damage_description", field, "A car hit the garden wall", "", TEXT, 0.9)
    assert same[1] == AGREE
    assert other[1] == DISAGREE


def test_no_llm_answer_lifts_a_field_the_rules_doubt_to_auto_approval() -> None:
    """The 0.9 promise: whatever the LLM says, only fields the rules trust can reach the threshold."""
    values = [None, "POL-EU-2024-001234", "2024-03-17", "4850.00", "EUR", "water", "A pipe burst"]
    evidences = ["", "Policy No: POL-EU-2024-001234", "17.03.2024", "EUR 4,850.00", "nowhere"]
    for name in ("policy_number", "incident_date", "claimed_amount", "currency", "damage_type"):
        for confidence, value, said, evidence in itertools.product(
            [0.0, 0.45, 0.75, 0.8, 0.89], values, values, evidences
        ):
            field = rules(value, confidence if value else 0.0)
            merged, _ = merge_field(name, field, said, evidence, TEXT, THRESHOLD)
            assert merged.confidence < THRESHOLD, (name, field, said, evidence)


def test_merge_gives_every_field_a_verdict() -> None:
    found = extract_fields(TEXT, "EU")
    answer = LlmAnswer.model_validate(
        {
            name: {"value": getattr(found, name).value, "evidence": ""}
            for name in LlmAnswer.model_fields
            if name != "damage_type"
        }
        | {"damage_type": {"value": "water", "evidence": "water flooded the floor"}}
    )
    merged, verdicts = merge(found, answer, TEXT, THRESHOLD)
    assert set(verdicts) == set(LlmAnswer.model_fields)
    assert verdicts["policy_number"] == AGREE
    assert merged.policy_number.confidence > found.policy_number.confidence


def test_locate_ignores_whitespace_and_case_and_finds_the_page() -> None:
    assert locate("policy  no: pol-eu-2024-001234", TEXT) == 1
    assert locate("SUBMITTED ON:\n20.03.2024", TEXT) == 2
    assert locate("abc", TEXT) is None


def test_prompt_key_depends_on_model_and_prompt_only() -> None:
    messages = build_messages(TEXT, "EU", [])
    assert prompt_key("m", messages) == prompt_key("m", json.loads(json.dumps(messages)))
    assert prompt_key("m", messages) != prompt_key("n", messages)
    assert prompt_key("m", messages) != prompt_key("m", build_messages(TEXT + "x", "EU", []))


def test_response_format_spells_the_schema_for_each_kind_of_server() -> None:
    assert response_format("json_object") == {"type": "json_object", "schema": ANSWER_SCHEMA}
    spelled = response_format("json_schema")
    assert spelled["type"] == "json_schema"
    assert spelled["json_schema"]["schema"] == ANSWER_SCHEMA
    assert ANSWER_SCHEMA["additionalProperties"] is False  # strict mode (OpenAI) needs closed objects


def provenance() -> ExtractorProvenance:
    return ExtractorProvenance(
        kind="llm",
        version="llm-1+rules-2",
        model="smollm2",
        model_version="smollm2 (fp_1)",
        prompt_sha256="ab" * 32,
        cache_hit=False,
        latency_ms=1834.5,
        prompt_tokens=812,
        completion_tokens=143,
        agreement={"policy_number": AGREE, "incident_date": DISAGREE},
    )


@pytest.mark.parametrize("schema", ["fields_extracted", "claim_validated"])
def test_provenance_model_and_both_schemas_list_the_same_fields(schema: str) -> None:
    record = json.loads((SCHEMAS / f"{schema}.avsc").read_text())
    extractor = next(f for f in record["fields"] if f["name"] == "extractor")["type"]
    assert {f["name"] for f in extractor["fields"]} == set(ExtractorProvenance.model_fields)


def test_fields_extracted_round_trips_with_full_provenance() -> None:
    empty = EventField()
    event = FieldsExtracted.new(
        claim_id="CLM-1",
        region="EU",
        by=Producer("test", "1"),
        fields=ClaimFields(policy_number=empty, incident_date=empty, damage_description=empty),
        clauses=[],
        extractor=provenance(),
    )
    codec = get_codec(SCHEMAS, "fields_extracted")
    assert FieldsExtracted.model_validate(codec.decode(codec.encode(event.to_record()))) == event


def test_report_line_shows_the_llm_call_and_a_fallback() -> None:
    line = describe_extractor(provenance().model_dump())
    assert "extracted by llm llm-1+rules-2" in line
    assert "model smollm2 (smollm2 (fp_1))" in line
    assert "cache miss" in line and "1834 ms" in line and "tokens 812+143" in line
    assert "incident_date disagree" in line
    fallback = ExtractorProvenance(
        kind="rules", version="rules-2", model="m", fallback_reason="llm unavailable: circuit breaker is open"
    )
    assert "rules answered alone: llm unavailable: circuit breaker is open" in describe_extractor(
        fallback.model_dump()
    )
    assert (
        describe_extractor({"kind": "rules", "version": "rules-2", "model": None})
        == "extracted by rules rules-2"
    )
