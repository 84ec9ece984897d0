"""Ground truth of a sample claim: every field, every personal value, and the rules it must fail.

The truth is read from the `Claim` the documents were rendered from, never from the
documents, so it measures the extractor and the redactor rather than agreeing with them.
Personal values are located in each document's born-digital text layer (what the reader
returns for a digital PDF; scans and photos of it carry the same values through OCR).
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from pathlib import Path
from typing import Any

from agents.assessment import DEFAULT_REPORTING_WINDOW_DAYS
from agents.redaction import PiiKind
from agents.tools.samples.model import Claim
from agents.tools.samples.vocabulary import PRODUCT_PERILS, REGIONS


@dataclass(frozen=True)
class Document:
    """One file of a claim: its name, what it is, the personal values printed on it and its text layer."""

    file: str
    doc_type: str  # claim_form, repair_estimate, police_report
    pii: tuple[tuple[str, str], ...]  # (PiiKind, value)
    text_layer: str


def holder_pii(claim: Claim, *, email: bool = True) -> list[tuple[str, str]]:
    holder = claim.policy.holder
    found = [
        (PiiKind.NAME.value, holder.name),
        (PiiKind.ADDRESS.value, f"{holder.street}, {holder.city}"),
        (PiiKind.PHONE.value, holder.phone),
    ]
    return [*found, (PiiKind.EMAIL.value, holder.email)] if email else found


def expected_failed_rules(claim: Claim) -> list[str]:
    """The rules this claim fails when every field is read right, in the rule set's order."""
    failed = []
    if not claim.policy_active:
        failed.append("policy_active")
    if claim.damage_type not in PRODUCT_PERILS[claim.policy.product]:
        failed.append("damage_covered")
    if claim.estimate > claim.policy.limit:
        failed.append("amount_within_limit")
    if not 0 <= claim.reporting_days <= DEFAULT_REPORTING_WINDOW_DAYS:
        failed.append("reported_in_time")
    return failed


def _spans(text: str, value: str) -> list[list[int]]:
    """Every occurrence of `value` in `text`, a line break standing in for any space."""
    pattern = r"\s+".join(re.escape(part) for part in value.split())
    return [[m.start(), m.end()] for m in re.finditer(pattern, text)]


def truth_record(claim: Claim, layout: str, documents: list[Document]) -> dict[str, Any]:
    """One line of `ground_truth.jsonl`."""
    failed = expected_failed_rules(claim)
    covered = claim.damage_type in PRODUCT_PERILS[claim.policy.product]
    return {
        "file": claim.file,
        "kind": claim.kind,
        "region": claim.policy.region,
        "policy_number": claim.policy.number,
        "incident_date": claim.incident.isoformat(),
        "damage_type": claim.damage_type,
        "damage_description": claim.description,
        "claimed_amount": claim.amount,
        "currency": REGIONS[claim.policy.region].currency,
        "reported_on": claim.reported.isoformat(),
        "policy_number_printed": claim.printed_policy,
        "governing_clause_id": claim.policy.clause_id(claim.damage_type) if covered else None,
        "policy_active": claim.policy_active,
        "layout": layout,
        "date_format": claim.date_format,
        "hard": claim.hard,
        "clean": claim.kind == "digital" and claim.hard is None and len(documents) == 1,
        "expected_failed_rules": failed,
        "should_pass": not failed,
        "documents": [
            {
                "file": d.file,
                "type": d.doc_type,
                "pii": [
                    {"kind": kind, "value": value, "text_layer_spans": _spans(d.text_layer, value)}
                    for kind, value in d.pii
                ],
            }
            for d in documents
        ],
    }


def write_jsonl(path: Path, records: list[dict[str, Any]]) -> None:
    lines = (json.dumps(record, ensure_ascii=False, sort_keys=False) for record in records)
    path.write_text("".join(f"{line}\n" for line in lines), encoding="utf-8")


def labelled_record(record: dict[str, Any], claim_id: str, documents: list[str]) -> dict[str, Any]:
    """One line of `truth.jsonl` in the documented corpus format, from a `ground_truth.jsonl` line.

    Every sample document prints the date it was reported; the insurer's intake is taken to be
    the next morning (09:30 UTC), so `received_at` is realistic but never the report date.
    """
    reported = date.fromisoformat(record["reported_on"])
    received = datetime.combine(reported + timedelta(days=1), time(9, 30), tzinfo=UTC)
    return {
        "claim_id": claim_id,
        "region": record["region"],
        "documents": documents,
        "received_at": received.isoformat(),
        "policy_number": record["policy_number"],
        "policy_in_book": True,
        "incident_date": record["incident_date"],
        "report_date": record["reported_on"],
        "report_date_source": "document",
        "damage_type": record["damage_type"],
        "claimed_amount": record["claimed_amount"],
        "currency": record["currency"],
        "expected_failed_rules": record["expected_failed_rules"],
        "valid": record["should_pass"],
        "damage_description": record["damage_description"],
        "pii": [{"kind": p["kind"], "value": p["value"]} for d in record["documents"] for p in d["pii"]],
        "tags": {
            "kind": record["kind"],
            "layout": record["layout"],
            "date_format": record["date_format"],
            "hard": record["hard"],
            "clean": record["clean"],
            "documents": len(record["documents"]),
        },
    }
