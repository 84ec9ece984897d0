"""Typed events of the claim pipeline; each mirrors one `schemas/*.avsc` (tests keep them in step)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta, timezone
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, model_validator

from streams import Event


class _Part(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")


class DocumentRef(_Part):
    """A claim document in the object store."""

    uri: str
    filename: str
    media_type: str = "application/pdf"
    size_bytes: int
    sha256: str


class RetrievedClause(_Part):
    """A clause of the claim's policy and how close it is to the claim (cosine similarity).

    `clause_id` is the clause's number in the policy; `clause_key` names its wording.
    """

    clause_id: str
    title: str
    text: str
    score: float
    clause_key: str = ""


class ClauseLink(_Part):
    """One clause of a policy: its number in the policy and the key of its wording."""

    clause_key: str
    clause_id: str


class ClauseRef(_Part):
    """A clause cited by id in the assessment."""

    clause_id: str
    title: str
    score: float


def iso_date(value: str | None) -> date | None:
    """The date an ISO `YYYY-MM-DD` string names; None for nothing or anything else."""
    try:
        return date.fromisoformat(value.strip()) if value else None
    except ValueError:
        return None


class ExtractedField(_Part):
    """One field read from the claim: its value, how sure we are, and where it came from."""

    value: str | None = None
    confidence: float = Field(default=0.0, ge=0.0, le=1.0)
    evidence: str = ""
    page: int | None = None
    candidates: list[str] = []

    def as_date(self) -> date | None:
        """The value as a date, for the date fields (None if absent or not an ISO date)."""
        return iso_date(self.value)


class ClaimFields(_Part):
    """The fields every assessment needs.

    The fields added after the walking skeleton default to "not found", so a producer
    that predates them still writes valid events (and reads as needing review).
    """

    policy_number: ExtractedField
    incident_date: ExtractedField
    damage_description: ExtractedField
    damage_type: ExtractedField = ExtractedField()
    claimed_amount: ExtractedField = ExtractedField()
    currency: ExtractedField = ExtractedField()
    reported_on: ExtractedField = ExtractedField()


class ExtractorProvenance(_Part):
    """Which extractor produced the fields, and, when an LLM was asked, what that call was.

    `kind` is "rules" (the deterministic extractor alone: no LLM configured, or the LLM
    failed and `fallback_reason` says why) or "llm" (the LLM's answer merged with the
    rules; `agreement` gives each field's verdict). A cache hit spent no tokens, so its
    token counts are 0.
    """

    kind: str
    version: str
    model: str | None = None
    model_version: str | None = None
    prompt_sha256: str | None = None
    cache_hit: bool | None = None
    latency_ms: float | None = None
    prompt_tokens: int | None = None
    completion_tokens: int | None = None
    fallback_reason: str | None = None
    agreement: dict[str, str] = {}


class ModelRef(_Part):
    """A model, rule set or index that touched the claim, named with its version (model provenance).

    Each agent appends its own to the `models` it received, so the validated claim names every
    one that shaped the verdict. Tokens and cost are an LLM's, for this claim (0 otherwise, and
    0 for a prompt-cache hit); `cost` is at the configured price (`CLAIMFLOW_LLM_PRICES`).
    """

    role: str
    name: str
    version: str
    sha256: str = ""
    detail: str = ""
    prompt_tokens: int = 0
    completion_tokens: int = 0
    cost: float = 0.0


@dataclass(frozen=True)
class LayoutLine:
    """One run of words on one line of a claim page, redacted, with its box (fractions of the page, y down).

    `document` is the claim document (0-based), `page` the page over all of them (1-based). Not on
    the wire: the retriever reads the claim's fields from its lines where they are made.
    """

    page: int
    text: str
    x0: float
    y0: float
    x1: float
    y1: float
    document: int = 0


class RuleOutcome(_Part):
    """One business rule applied to the claim."""

    rule_id: str
    description: str
    passed: bool
    detail: str = ""
    severity: str = "major"


def with_zone(at: datetime) -> datetime:
    """`at` in the time zone it carries, or in UTC when it carries none."""
    return at if at.tzinfo else at.replace(tzinfo=UTC)


class _Received(BaseModel):
    """An event that carries when the claim was received, in the time zone it was given in.

    Avro's timestamp-millis is UTC, so the submitter's UTC offset travels beside it
    (`received_utc_offset_min`, filled from `received_at` when that has one): the day a claim
    was received is the submitter's calendar day, not UTC's (09:19 on 12 March in Wellington
    is 20:19 UTC on the 11th; the report date falls back to that day).
    """

    received_at: datetime | None = None
    # A real UTC offset lies within a day either way (Python's `timezone` refuses anything else).
    received_utc_offset_min: int | None = Field(default=None, gt=-24 * 60, lt=24 * 60)

    @model_validator(mode="before")
    @classmethod
    def _offset_of_received_at(cls, data: Any) -> Any:
        if isinstance(data, dict) and data.get("received_utc_offset_min") is None:
            at = data.get("received_at")
            offset = at.utcoffset() if isinstance(at, datetime) else None
            if offset:
                data = {**data, "received_utc_offset_min": int(offset.total_seconds() // 60)}
        return data

    @property
    def received_local(self) -> datetime | None:
        """`received_at` in the submitter's time zone (UTC when that is not known)."""
        if self.received_at is None:
            return None
        zone = timezone(timedelta(minutes=self.received_utc_offset_min or 0))
        return with_zone(self.received_at).astimezone(zone)


class ClaimIngested(Event, _Received):
    """A claim was submitted; its documents wait in the object store.

    `received_at` is when the insurer received the claim, as whoever submits it says (the
    report date falls back to it); events written against version 1 of the schema have none,
    and their event time stands in.
    """

    avro_schema = "claim_ingested"
    documents: list[DocumentRef]
    submitted_by: str = ""

    @property
    def received(self) -> datetime:
        """When the claim was received (`received_local`), else the submission's event time."""
        return self.received_local or self.event_time


class RetrievalRequest(Event, _Received):
    """The claim's redacted text, fields, resolved policy and query embedding, on its way to the FAISS worker.

    The claim is read once, in the retriever, where its layout is at hand: `fields` are read
    from the text and the layout there (the query is made of them), and travel on. The
    `policy_clauses` are the only clauses the claim may cite: those of the policy the region's
    book resolved from the documents (`policy_number`); empty when none resolved.
    """

    avro_schema = "retrieval_request"
    text: str
    pages: int
    ocr_pages: int = 0
    min_confidence: float = 1.0
    redactions: dict[str, int] = {}
    embedding: list[float]
    top_k: int
    policy_number: ExtractedField = ExtractedField()
    policy_clauses: list[ClauseLink] = []
    fields: ClaimFields | None = None
    models: list[ModelRef] = []


class ClausesRetrieved(Event, _Received):
    """The claim's redacted text and fields, its resolved policy and that policy's most relevant clauses."""

    avro_schema = "clauses_retrieved"
    text: str
    pages: int
    ocr_pages: int = 0
    min_confidence: float = 1.0
    redactions: dict[str, int] = {}
    clauses: list[RetrievedClause]
    policy_number: ExtractedField = ExtractedField()
    fields: ClaimFields | None = None
    models: list[ModelRef] = []


class FieldsExtracted(Event, _Received):
    """Fields read from the claim, with the clauses to cite and when the claim was received."""

    avro_schema = "fields_extracted"
    fields: ClaimFields
    clauses: list[ClauseRef]
    extractor: ExtractorProvenance
    models: list[ModelRef] = []


class ClaimValidated(Event):
    """Fields plus the outcome of every business rule and an overall confidence."""

    avro_schema = "claim_validated"
    fields: ClaimFields
    clauses: list[ClauseRef]
    extractor: ExtractorProvenance
    rules: list[RuleOutcome]
    confidence: float
    models: list[ModelRef] = []


ReportStatus = Literal["auto_approved", "needs_review", "approved", "declined", "information_requested"]
ReviewAction = Literal["approve", "correct_and_approve", "decline", "request_information"]


class ReportReady(Event):
    """The stored report's headline, for anyone tailing the pipeline's output.

    An assessment is `auto_approved` or `needs_review`; a reviewer's decision applied as a new
    revision gives a final status and names the decision (`decision_id`) and who took it.
    """

    avro_schema = "report_ready"
    status: ReportStatus
    confidence: float
    policy_number: str | None = None
    incident_date: str | None = None
    damage_description: str | None = None
    damage_type: str | None = None
    claimed_amount: str | None = None
    currency: str | None = None
    revision: int = 1
    decision_id: str | None = None
    reviewed_by: str | None = None


class FieldCorrection(_Part):
    """A field a reviewer corrected: its value in the revision they saw, and theirs."""

    field: str
    before: str | None = None
    after: str | None = None


class ClaimReviewed(Event):
    """A person's decision on a claim; `event_id` is the decision id (chosen when the form is shown).

    Applied by the review applier as a new report revision, but only if `base_revision` is still
    the report's revision: a decision on a claim that changed meanwhile is refused.
    """

    avro_schema = "claim_reviewed"
    action: ReviewAction
    reviewer: str
    reviewer_role: str
    base_revision: int
    corrections: list[FieldCorrection] = []
    reason_code: str | None = None
    note: str | None = None
    qa_sample: bool = False


class PolicyUpdated(Event):
    """Policies and clauses were (re)loaded: every FAISS worker serving one of `regions` refreshes it.

    One event per region of the load, keyed by that region; all carry the load's `version`
    and every region it touched, so a worker refreshes the whole load from the first event.
    `claim_id` is empty: a policy change belongs to no claim.
    """

    avro_schema = "policy_updated"
    version: int
    regions: list[str]
    clause_ids: list[str]
    policy_numbers: list[str] = []


class AuditHead(Event):
    """The audit chain's head, published by the auditor outside the database (`audit.heads`).

    `claim_id` and `region` are empty: the head covers every region's messages.
    """

    avro_schema = "audit_head"
    chain: str
    seq: int
    rows: int
    hash: str
    key_id: str
