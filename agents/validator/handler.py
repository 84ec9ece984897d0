"""Validator: fetches the claim's policy from the book, applies the rules, scores the claim.

`assess` is the stage itself, with no Kafka: the agent calls it per event, and the
evaluation and the benchmark's in-process limit call the very same function.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from datetime import datetime

from agents.assessment import (
    RULES,
    AssessmentSettings,
    ClaimFacts,
    LossKey,
    RuleSettings,
    evaluate,
    overall_confidence,
    rules_version,
)
from agents.events import (
    ClaimFields,
    ClaimValidated,
    ExtractedField,
    FieldsExtracted,
    ModelRef,
    RuleOutcome,
    with_zone,
)
from agents.extraction import DOLLAR_CURRENCIES, find_amounts
from agents.stores import Policy, PolicyBook, PolicyLookup, ReportStore
from streams import AgentContext, StreamAgent

DuplicateFinder = Callable[[ClaimFields], Awaitable[tuple[str, ...]]]
# A bare "$" on a claim is the policy's dollar when the policy pays in one (USD, SGD, AUD, NZD, HKD):
# claimants write the currency they are insured in.
DOLLAR_OF_THE_POLICY = 0.93


def _read_from_a_bare_dollar(currency: ExtractedField) -> bool:
    """Whether a currency was only guessed from a bare "$" (a region's usual dollar, below approval)."""
    return (
        currency.value in DOLLAR_CURRENCIES
        and currency.confidence < DOLLAR_OF_THE_POLICY
        and bool(mentions := find_amounts(currency.evidence))
        and all(mention.dollar for mention in mentions)
    )


def settle_currency(fields: ClaimFields, policy: Policy | None) -> ClaimFields:
    """A currency the documents left open (a bare "$") taken from the policy when it is a dollar: left
    open with the policy's among the candidates, or guessed from the region's usual dollar."""
    currency = fields.currency
    if policy is None:
        return fields
    left_open = not currency.value and policy.currency in currency.candidates
    guessed = policy.currency in DOLLAR_CURRENCIES and _read_from_a_bare_dollar(currency)
    if not (left_open or guessed):
        return fields
    settled = currency.model_copy(
        update={
            "value": policy.currency,
            "confidence": min(fields.claimed_amount.confidence, DOLLAR_OF_THE_POLICY),
            "evidence": f"{currency.evidence} (a bare $ under a {policy.currency} policy)".strip(),
            "candidates": [],
        }
    )
    return fields.model_copy(update={"currency": settled})


async def _no_duplicates(_: ClaimFields) -> tuple[str, ...]:
    return ()


@dataclass(frozen=True)
class Assessment:
    """The claim's policy, its fields with the number resolved, every rule's outcome and the confidence."""

    policy: Policy | None
    fields: ClaimFields
    rules: list[RuleOutcome]
    confidence: float


async def assess(
    fields: ClaimFields,
    region: str,
    book: PolicyLookup,
    *,
    rule_settings: RuleSettings,
    duplicates: DuplicateFinder = _no_duplicates,
    received_at: datetime | None = None,
) -> Assessment:
    """Fetch the claim's policy from the region's book, look for duplicates, apply the rules, score.

    Args:
        fields: The extracted fields.
        region: The claim's region; only its book is searched.
        book: The policy book (or anything with its `get`).
        rule_settings: The rules' thresholds.
        duplicates: Other claims for possibly the same loss (`LossKey.same_loss`; asked only once
            the policy is known).
        received_at: When the insurer received the claim (bounds its report date).
    """
    # The retriever resolved the number against the book's index; here the policy is only fetched.
    number = fields.policy_number.value
    policy = await book.get(number, region) if number else None
    fields = settle_currency(fields, policy)
    facts = ClaimFacts(
        fields,
        region,
        policy,
        duplicates=await duplicates(fields) if policy else (),
        settings=rule_settings,
        received_on=with_zone(received_at).date() if received_at else None,
    )
    outcomes = evaluate(facts)
    return Assessment(policy, fields, outcomes, overall_confidence(fields, outcomes))


class Validator(StreamAgent[FieldsExtracted]):
    """Extracted fields → business-rule outcomes and an overall confidence."""

    input_model = FieldsExtracted

    def __init__(self, ctx: AgentContext) -> None:
        super().__init__(ctx)
        settings = ctx.section(AssessmentSettings)
        self.model = ModelRef(
            role="validator",
            name="business rules",
            version=rules_version(),
            detail=f"{len(RULES)} rules; reporting window {settings.reporting_window_days} days; "
            f"review below {settings.review_threshold:g}",
        )

    async def start(self) -> None:
        dependency = self.ctx.dependency("postgres")
        self.policies = PolicyBook(self.ctx.settings.postgres_dsn.get_secret_value(), dependency)
        self.reports = ReportStore(self.ctx.settings.postgres_dsn.get_secret_value(), dependency)
        self.rule_settings = self.ctx.section(AssessmentSettings).rule_settings()
        await self.policies.open()
        await self.reports.open()

    async def stop(self) -> None:
        await self.policies.close()
        await self.reports.close()

    def _duplicates_of(self, event: FieldsExtracted) -> DuplicateFinder:
        async def find(fields: ClaimFields) -> tuple[str, ...]:
            key = LossKey.of(fields)
            if key is None:
                return ()
            found = await self.reports.find_duplicates(
                region=event.region,
                policy_number=key.policy_number,
                incident_date=key.incident_date,
                damage_type=key.damage_type,
                exclude_claim_id=event.claim_id,
                claimed_amount=key.claimed_amount,
                currency=key.currency,
                window_days=self.rule_settings.duplicate_window_days,
            )
            return tuple(found)

        return find

    async def handle(self, event: FieldsExtracted) -> ClaimValidated:
        assessment = await assess(
            event.fields,
            event.region,
            self.policies,
            rule_settings=self.rule_settings,
            duplicates=self._duplicates_of(event),
            received_at=event.received_local,
        )
        return event.follow(
            ClaimValidated,
            by=self.ctx.producer,
            fields=assessment.fields,
            clauses=event.clauses,
            extractor=event.extractor,
            rules=assessment.rules,
            confidence=assessment.confidence,
            models=[*event.models, self.model],
        )
