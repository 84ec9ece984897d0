"""Looking a policy up by its number in its region's book: the protocol, and a book held in memory."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Protocol

from agents.stores.policy_book import Policy


class PolicyLookup(Protocol):
    """What resolution needs from the policy book: `PolicyBook` on PostgreSQL, or `MemoryPolicyBook`."""

    async def get(self, policy_number: str, region: str) -> Policy | None: ...


class MemoryPolicyBook:
    """The policy book held in memory (read from its JSONL file), for the evaluations, the bench and tests."""

    def __init__(self, policies: Iterable[Policy]) -> None:
        self._policies = {(p.policy_number, p.region): p for p in policies}

    async def get(self, policy_number: str, region: str) -> Policy | None:
        return self._policies.get((policy_number, region.strip().upper()))
