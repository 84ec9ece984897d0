"""A reviewer's decision, checked and applied to a report: pure functions, no storage.

The four decisions and the report status each leads to:

| action | final status | needs |
| --- | --- | --- |
| `approve` | `approved` | nothing |
| `correct_and_approve` | `approved` | at least one corrected field |
| `decline` | `declined` | a coded reason (`DECLINE_REASONS`) |
| `request_information` | `information_requested` | a note saying what is missing |

A corrected value is normalised as the extractor writes it (ISO dates, two-decimal amounts,
ISO 4217 codes, the damage types), so reports read alike whoever filled them in. The rules
are not evaluated again on corrected values: the reviewer's approval is the decision, and
the report keeps the assessment's rule outcomes beside the correction.
"""

from __future__ import annotations

import copy
import re
from collections.abc import Mapping
from datetime import date
from decimal import Decimal, InvalidOperation
from typing import Any

from agents.events import ClaimReviewed, FieldCorrection
from agents.review.errors import InvalidDecision

FINAL_STATUS = {
    "approve": "approved",
    "correct_and_approve": "approved",
    "decline": "declined",
    "request_information": "information_requested",
}
FINAL_STATUSES = frozenset(FINAL_STATUS.values())
ACTIONS = tuple(FINAL_STATUS)

DECLINE_REASONS = {
    "not_covered": "The damage is not covered by the policy",
    "policy_inactive": "The policy was not in force on the incident date",
    "late_notification": "Reported after the reporting window",
    "duplicate": "Duplicate of a claim already made",
    "exceeds_limit": "The amount claimed exceeds what the policy pays",
    "fraud_suspected": "Referred: fraud suspected",
    "no_policy": "No policy of this insurer matches the claim",
    "other": "Other (see the note)",
}
"""Coded reasons of a decline: codes on the wire, labels on the page."""

EDITABLE_FIELDS = (
    "policy_number",
    "incident_date",
    "reported_on",
    "damage_type",
    "claimed_amount",
    "currency",
    "damage_description",
)
DAMAGE_TYPES = ("water", "fire", "storm", "theft", "collision", "glass", "other")
REVIEWED_CONFIDENCE = 1.0
"""A value a person read and confirmed or corrected."""

_CURRENCY = re.compile(r"^[A-Z]{3}$")


def normalise(field: str, raw: str | None) -> str | None:
    """The value of `field` as reports write it; `InvalidDecision` when it is not one. Empty means none."""
    value = (raw or "").strip()
    if field not in EDITABLE_FIELDS:
        raise InvalidDecision(
            f"{field!r} is not a field a reviewer can correct ({', '.join(EDITABLE_FIELDS)})"
        )
    if not value:
        return None
    if field in ("incident_date", "reported_on"):
        try:
            return date.fromisoformat(value).isoformat()
        except ValueError:
            raise InvalidDecision(f"{field}: {value!r} is not a date (YYYY-MM-DD)") from None
    if field == "claimed_amount":
        try:
            amount = Decimal(value.replace(",", "").replace(" ", ""))
        except InvalidOperation:
            raise InvalidDecision(f"claimed_amount: {value!r} is not an amount (e.g. 4850.00)") from None
        if not amount.is_finite() or amount < 0:
            raise InvalidDecision(f"claimed_amount: {value!r} is not an amount (e.g. 4850.00)")
        return f"{amount:.2f}"
    if field == "currency":
        if not _CURRENCY.match(value.upper()):
            raise InvalidDecision(f"currency: {value!r} is not an ISO 4217 code (e.g. EUR)")
        return value.upper()
    if field == "damage_type":
        if value.lower() not in DAMAGE_TYPES:
            raise InvalidDecision(f"damage_type: {value!r} is not one of {', '.join(DAMAGE_TYPES)}")
        return value.lower()
    return " ".join(value.split())


def corrections(report: Mapping[str, Any], proposed: Mapping[str, str | None]) -> list[FieldCorrection]:
    """The fields whose proposed value differs from the report's, with before and after."""
    fields = report.get("fields") or {}
    found = []
    for name, raw in proposed.items():
        after = normalise(name, raw)
        before = (fields.get(name) or {}).get("value")
        if after != before and not _same(name, before, after):
            found.append(FieldCorrection(field=name, before=before, after=after))
    return found


def _same(name: str, before: str | None, after: str | None) -> bool:
    """Whether the stored value, normalised as a form's is, equals `after` (re-spacing is no correction)."""
    try:
        return normalise(name, before) == after
    except InvalidDecision:
        return False


def check(
    action: str, *, corrected: list[FieldCorrection], reason_code: str | None, note: str | None
) -> None:
    """Refuse a decision that lacks what its action needs (see the module's table)."""
    if action not in FINAL_STATUS:
        raise InvalidDecision(f"unknown decision {action!r} (one of {', '.join(ACTIONS)})")
    if action == "correct_and_approve" and not corrected:
        raise InvalidDecision("correct and approve: no field was changed (approve instead)")
    if action != "correct_and_approve" and corrected:
        raise InvalidDecision(f"{action}: corrections are only taken with correct_and_approve")
    if action == "decline" and reason_code not in DECLINE_REASONS:
        raise InvalidDecision(f"decline needs a reason code: one of {', '.join(DECLINE_REASONS)}")
    if action != "decline" and reason_code:
        raise InvalidDecision("a reason code is only taken with a decline")
    if action == "request_information" and not (note or "").strip():
        raise InvalidDecision("asking for more information needs a note saying what is missing")


def revised_report(report: Mapping[str, Any], decision: ClaimReviewed, *, revision: int) -> dict[str, Any]:
    """The report as the decision leaves it: final status, corrected fields, and the decision itself.

    A corrected field keeps the assessment's value among its candidates, so the next reader
    sees what the machine read and what the person wrote.
    """
    body = copy.deepcopy(dict(report))
    fields = body.setdefault("fields", {})
    for change in decision.corrections:
        old = fields.get(change.field) or {}
        candidates = [c for c in [change.before, *old.get("candidates", [])] if c and c != change.after]
        fields[change.field] = {
            **old,
            "value": change.after,
            "confidence": REVIEWED_CONFIDENCE,
            "evidence": f"corrected by {decision.reviewer}",
            "candidates": list(dict.fromkeys(candidates)),
        }
    body["status"] = FINAL_STATUS[decision.action]
    body["review"] = {
        "decision_id": decision.event_id,
        "action": decision.action,
        "reviewer": decision.reviewer,
        "reviewer_role": decision.reviewer_role,
        "decided_at": decision.event_time.isoformat(),
        "reason_code": decision.reason_code,
        "note": decision.note,
        "corrections": [c.model_dump() for c in decision.corrections],
        "base_revision": decision.base_revision,
        "revision": revision,
        "qa_sample": decision.qa_sample,
    }
    return body
