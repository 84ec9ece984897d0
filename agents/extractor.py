"""Extractor: reads the claim fields (policy number candidates, dates, damage, amount) from the claim text.

It only reads: resolving a policy number against the policy book is the validator's job,
because the validator holds the book.
"""

from __future__ import annotations

import asyncio
from typing import Any

from agents.events import (
    ClaimFields,
    ClauseRef,
    ClausesRetrieved,
    ExtractedField,
    ExtractorProvenance,
    FieldsExtracted,
)
from agents.extraction import extract_fields
from streams.agent import StreamAgent

RULES_EXTRACTOR_VERSION = "rules-2"


def _weighted(field: dict[str, Any], reading_confidence: float) -> ExtractedField:
    """A field read from a poor scan is only as sure as the scan: both must be right."""
    return ExtractedField.model_validate(
        {**field, "confidence": round(field["confidence"] * reading_confidence, 4)}
    )


class Extractor(StreamAgent[ClausesRetrieved]):
    """Claim text with its clauses → extracted fields (deterministic rules; an LLM path is issue 5)."""

    input_model = ClausesRetrieved

    async def handle(self, event: ClausesRetrieved) -> FieldsExtracted:
        found = await asyncio.to_thread(extract_fields, event.text, event.region)
        reading = event.min_confidence
        fields = ClaimFields(
            **{name: _weighted(value, reading) for name, value in found.model_dump().items()}
        )
        return event.follow(
            FieldsExtracted,
            by=self.ctx.producer,
            fields=fields,
            clauses=[ClauseRef(clause_id=c.clause_id, title=c.title, score=c.score) for c in event.clauses],
            extractor=ExtractorProvenance(kind="rules", version=RULES_EXTRACTOR_VERSION),
        )
