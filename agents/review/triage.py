"""Why a claim waits for a person, how urgent it is, and which auto-approved claims are QA samples.

Pure functions of the stored report, so the queue agent, the tests and a replay all reach the
same answer. The QA draw is a hash of the claim id, not a random number: a replayed
`report.ready` samples exactly the claims it sampled the first time.
"""

from __future__ import annotations

import hashlib
import math
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime, timedelta
from decimal import Decimal, InvalidOperation
from typing import Any

WEAK_FIELD = "weak_field"
FAILED_RULES = "failed_rules"
LOW_CONFIDENCE = "low_confidence"
QA_SAMPLE = "qa_sample"
REASSESSED = "reassessed_after_decision"
REASONS = (WEAK_FIELD, FAILED_RULES, LOW_CONFIDENCE, QA_SAMPLE, REASSESSED)
"""Every reason a claim can be queued for: filterable on the queue page."""

MAX_AMOUNT_SCORE = 7.0
HOURS_PER_DECADE = 2.0
"""How much earlier a claim ten times larger should be looked at: its priority time moves this many hours
before its deadline per power of ten of the amount (a 10,000 claim 8 hours, a 100 claim 4 hours)."""


@dataclass(frozen=True)
class Triage:
    """Why one claim is in the queue and what the queue sorts it by."""

    reasons: tuple[str, ...]
    weakest_field: str | None
    weakest_confidence: float | None
    failed_rules: tuple[str, ...]
    claimed_amount: Decimal | None
    currency: str | None

    @property
    def amount_score(self) -> float:
        """log10(1 + amount), capped: 10,000 scores 4, 100 scores 2 (currencies are not converted)."""
        if self.claimed_amount is None or self.claimed_amount <= 0:
            return 0.0
        return min(MAX_AMOUNT_SCORE, math.log10(1 + float(self.claimed_amount)))


def _amount(fields: Mapping[str, Any]) -> Decimal | None:
    value = (fields.get("claimed_amount") or {}).get("value")
    try:
        return Decimal(value) if value else None
    except InvalidOperation:
        return None


def triage(report: Mapping[str, Any], *, qa_sample: bool = False) -> Triage:
    """The reasons a reviewer should look at this report (from its `confidence_basis`), and its amount.

    A field below the report's review threshold is `weak_field`; a failed rule `failed_rules`; a
    report needing review for neither (an older report without a basis) `low_confidence`; a
    re-assessment of a claim a reviewer had approved or declined `reassessed_after_decision`.
    """
    basis = report.get("confidence_basis") or {}
    threshold = float(report.get("review_threshold") or 0.9)
    weakest = basis.get("weakest_field")
    weakest_confidence = basis.get("weakest_field_confidence")
    failed = tuple(basis.get("failed_rules") or ())
    reasons: list[str] = []
    if qa_sample:
        reasons.append(QA_SAMPLE)
    elif report.get("decided_before"):  # a reviewer had decided; the machine's new reading is theirs to judge
        reasons.append(REASSESSED)
    else:
        if weakest is not None and weakest_confidence is not None and weakest_confidence < threshold:
            reasons.append(WEAK_FIELD)
        if failed:
            reasons.append(FAILED_RULES)
        if not reasons:
            reasons.append(LOW_CONFIDENCE)
    fields = report.get("fields") or {}
    return Triage(
        reasons=tuple(reasons),
        weakest_field=weakest,
        weakest_confidence=None if weakest_confidence is None else float(weakest_confidence),
        failed_rules=failed,
        claimed_amount=_amount(fields),
        currency=(fields.get("currency") or {}).get("value"),
    )


def is_qa_sample(claim_id: str, share: float) -> bool:
    """Whether an auto-approved claim is drawn for QA: a stable hash of its id below `share`."""
    if share <= 0:
        return False
    draw = int.from_bytes(hashlib.sha256(f"claimflow.qa/{claim_id}".encode()).digest()[:8], "big") / 2**64
    return draw < share


def deadline(queued_at: datetime, *, qa_sample: bool, sla_hours: float, qa_sla_hours: float) -> datetime:
    """When the claim must have been decided (the SLA): QA samples are not urgent, so they get longer."""
    return queued_at + timedelta(hours=qa_sla_hours if qa_sample else sla_hours)


def priority_time(due_at: datetime, amount_score: float) -> datetime:
    """When the claim should be taken, by amount and age: its deadline, earlier the larger the amount.

    Age is in the deadline already (queued earlier, due earlier). A time rather than a score that
    grows with the clock, so the queue can keep it in an index and sort 100,000 claims by it at once.
    """
    return due_at - timedelta(hours=HOURS_PER_DECADE * amount_score)
