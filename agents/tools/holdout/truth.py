"""The truth line of a claim, computed from its facts only (never from its documents).

Field names, types and vocabularies follow ``docs/evaluation/corpus-format.md``.
"""

from __future__ import annotations

from .books import Policy
from .facts import ClaimFacts


def truth_line(f: ClaimFacts, documents: list[str], tags: dict[str, object]) -> dict[str, object]:
    """One line of ``truth.jsonl``."""
    failed = f.failed_rules
    return {
        "claim_id": f.claim_id,
        "region": f.region,
        "documents": documents,
        "received_at": f.received_at,
        "policy_number": f.quoted_number,
        "policy_in_book": f.in_book,
        "incident_date": f.incident.isoformat(),
        "report_date": f.report_date.isoformat(),
        "report_date_source": f.report_source,
        "damage_type": f.damage,
        "claimed_amount": f"{f.amount:.2f}",
        "currency": f.currency,
        "expected_failed_rules": failed,
        "valid": not failed,
        "tags": tags,
    }


def policy_line(policy: Policy) -> dict[str, object]:
    """One line of ``policies.jsonl``."""
    return policy.to_json()
