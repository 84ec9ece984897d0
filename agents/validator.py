"""Validator: resolves the policy number against the policy book, applies the rules, scores the claim."""

from __future__ import annotations

from datetime import date
from typing import Protocol

from agents.events import ClaimFields, ClaimValidated, ExtractedField, FieldsExtracted
from agents.policy_book import Policy, PolicyBook
from agents.report_store import ReportStore
from agents.rules import ClaimFacts, RuleSettings, evaluate, overall_confidence
from streams.agent import StreamAgent

# The document's own reading was not in the book but another reading was: likely right, yet a
# person should confirm which number the customer meant.
RESOLVED_CANDIDATE_CAP = 0.85
SEVERAL_IN_BOOK_CAP = 0.5


class PolicyLookup(Protocol):
    """What resolution needs from the policy book (a fake in tests)."""

    async def get(self, policy_number: str, region: str) -> Policy | None: ...


async def resolve_policy(
    book: PolicyLookup, found: ExtractedField, region: str
) -> tuple[Policy | None, ExtractedField]:
    """Find the claim's policy in the region's book from the extracted number and its other readings.

    The extractor reads (and normalises) numbers; only the book can tell which of them is
    real. The document's first reading wins when the book has it; otherwise a single other
    reading in the book is taken below auto-approval, and several are a conflict.
    """
    if not found.value:
        return None, found
    policy = await book.get(found.value, region)
    if policy is not None:
        return policy, found
    hits: dict[str, Policy] = {}
    for candidate in found.candidates:
        if candidate not in hits and (match := await book.get(candidate, region)) is not None:
            hits[candidate] = match
    if not hits:
        return None, found
    number, policy = next(iter(hits.items()))
    cap = RESOLVED_CANDIDATE_CAP if len(hits) == 1 else SEVERAL_IN_BOOK_CAP
    others = [c for c in [found.value, *found.candidates] if c != number]
    resolved = found.model_copy(
        update={"value": number, "confidence": min(found.confidence, cap), "candidates": others}
    )
    return policy, resolved


def _iso(value: str | None) -> date | None:
    try:
        return date.fromisoformat(value) if value else None
    except ValueError:
        return None


class Validator(StreamAgent[FieldsExtracted]):
    """Extracted fields → business-rule outcomes and an overall confidence."""

    input_model = FieldsExtracted

    async def start(self) -> None:
        dependency = self.ctx.dependency("postgres")
        self.policies = PolicyBook(self.ctx.settings.postgres_dsn, dependency)
        self.reports = ReportStore(self.ctx.settings.postgres_dsn, dependency)
        self.rule_settings = RuleSettings(reporting_window_days=self.ctx.settings.reporting_window_days)
        await self.policies.open()
        await self.reports.open()

    async def stop(self) -> None:
        await self.policies.close()
        await self.reports.close()

    async def _duplicates(self, event: FieldsExtracted, fields: ClaimFields) -> tuple[str, ...]:
        number, when, kind = (
            fields.policy_number.value,
            _iso(fields.incident_date.value),
            fields.damage_type.value,
        )
        if not (number and when and kind):
            return ()
        found = await self.reports.find_duplicates(
            region=event.region,
            policy_number=number,
            incident_date=when,
            damage_type=kind,
            exclude_claim_id=event.claim_id,
        )
        return tuple(found)

    async def handle(self, event: FieldsExtracted) -> ClaimValidated:
        policy, number = await resolve_policy(self.policies, event.fields.policy_number, event.region)
        fields = event.fields.model_copy(update={"policy_number": number})
        facts = ClaimFacts(
            fields,
            event.region,
            policy,
            # The ingest time is not carried down the chain; the extractor's event time is the
            # closest later bound (see ClaimFacts.processed_at).
            processed_at=event.event_time,
            duplicates=await self._duplicates(event, fields) if policy else (),
            settings=self.rule_settings,
        )
        outcomes = evaluate(facts)
        return event.follow(
            ClaimValidated,
            by=self.ctx.producer,
            fields=fields,
            clauses=event.clauses,
            extractor=event.extractor,
            rules=outcomes,
            confidence=overall_confidence(fields, outcomes),
        )
