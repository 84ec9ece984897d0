"""Which policy of the region's book a claim is under, from the numbers read off its documents."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Protocol

from agents.events import ExtractedField
from agents.stores.policy_book import Policy

# The document's own reading was not in the book but another reading was: likely right, yet a
# person should confirm which number the customer meant.
RESOLVED_CANDIDATE_CAP = 0.85
SEVERAL_IN_BOOK_CAP = 0.5


class PolicyLookup(Protocol):
    """What resolution needs from the policy book: `PolicyBook` on PostgreSQL, or `MemoryPolicyBook`."""

    async def get(self, policy_number: str, region: str) -> Policy | None: ...


class MemoryPolicyBook:
    """The policy book held in memory (read from its JSONL file), for the evaluations, the bench and tests."""

    def __init__(self, policies: Iterable[Policy]) -> None:
        self._policies = {(p.policy_number, p.region): p for p in policies}

    async def get(self, policy_number: str, region: str) -> Policy | None:
        return self._policies.get((policy_number, region.strip().upper()))


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
