"""Extractor: reads the policy number, incident date and damage description from the claim text."""

from __future__ import annotations

import asyncio

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

RULES_EXTRACTOR_VERSION = "rules-1"


class Extractor(StreamAgent[ClausesRetrieved]):
    """clauses.retrieved → fields.extracted (deterministic rules; an LLM path comes with issue 5)."""

    input_model = ClausesRetrieved

    async def handle(self, event: ClausesRetrieved) -> FieldsExtracted:
        found = await asyncio.to_thread(extract_fields, event.text, event.region)
        fields = ClaimFields(
            policy_number=ExtractedField.model_validate(found.policy_number.model_dump()),
            incident_date=ExtractedField.model_validate(found.incident_date.model_dump()),
            damage_description=ExtractedField.model_validate(found.damage_description.model_dump()),
        )
        return event.follow(
            FieldsExtracted,
            by=self.ctx.producer,
            fields=fields,
            clauses=[ClauseRef(clause_id=c.clause_id, title=c.title, score=c.score) for c in event.clauses],
            extractor=ExtractorProvenance(kind="rules", version=RULES_EXTRACTOR_VERSION),
        )
