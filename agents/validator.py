"""Validator: applies the business rules against the policy book and scores the claim."""

from __future__ import annotations

from agents.events import ClaimValidated, FieldsExtracted
from agents.policy_book import PolicyBook
from agents.rules import ClaimFacts, evaluate, overall_confidence
from streams.agent import StreamAgent


class Validator(StreamAgent[FieldsExtracted]):
    """fields.extracted → claim.validated."""

    input_model = FieldsExtracted

    async def start(self) -> None:
        self.policies = PolicyBook(self.ctx.settings.postgres_dsn, self.ctx.dependency("postgres"))
        await self.policies.open()

    async def stop(self) -> None:
        await self.policies.close()

    async def handle(self, event: FieldsExtracted) -> ClaimValidated:
        number = event.fields.policy_number.value
        policy = await self.policies.get(number, event.region) if number else None
        outcomes = evaluate(ClaimFacts(event.fields, event.region, policy))
        return event.follow(
            ClaimValidated,
            by=self.ctx.producer,
            fields=event.fields,
            clauses=event.clauses,
            extractor=event.extractor,
            rules=outcomes,
            confidence=overall_confidence(event.fields, outcomes),
        )
