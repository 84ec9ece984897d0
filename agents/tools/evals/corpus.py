"""A labelled corpus on disk, in the documented format (`docs/evaluation/corpus-format.md`).

`policies.jsonl` (the policy book), `truth.jsonl` (one claim a line: its documents and what a
correct assessment says) and the documents. The tuning corpus (`claimflow sample`), the
hold-out corpus (`claimflow sample --holdout`) and an insurer's own labelled claims are all
read here, so every accuracy figure ClaimFlow publishes comes from one scorer.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal, InvalidOperation
from pathlib import Path
from typing import Any

from streams import ConfigurationError

DAMAGE_TYPES = frozenset({"water", "fire", "storm", "theft", "glass", "collision", "other"})
RULE_IDS = frozenset(
    {
        "policy_exists",
        "region_matches",
        "policy_active",
        "damage_covered",
        "amount_within_limit",
        "reported_in_time",
        "no_duplicate",
    }
)
REPORT_DATE_SOURCES = frozenset({"document", "cover_sheet", "received"})
# What a correct report says, field by field: the truth key of each extracted field.
TRUTH_KEY = {
    "policy_number": "policy_number",
    "incident_date": "incident_date",
    "reported_on": "report_date",
    "damage_type": "damage_type",
    "claimed_amount": "claimed_amount",
    "currency": "currency",
    "damage_description": "damage_description",  # optional: scored only where the truth has it
}


class CorpusError(ConfigurationError):
    """A corpus folder is not in the documented format; the message names the file and line."""


@dataclass(frozen=True)
class LabelledClaim:
    """One claim of a corpus: where its documents are and what a correct assessment says."""

    claim_id: str
    region: str
    documents: tuple[Path, ...]
    received_at: datetime | None
    expected: dict[str, str | None]
    policy_in_book: bool
    report_date_source: str
    expected_failed_rules: tuple[str, ...]
    valid: bool
    tags: dict[str, Any] = field(default_factory=dict)
    pii: tuple[tuple[str, str], ...] = ()

    @property
    def kind(self) -> str:
        """How the documents were delivered: digital, scanned or photo (tags.kind)."""
        return str(self.tags.get("kind", "digital"))


@dataclass(frozen=True)
class LabelledCorpus:
    """A corpus folder: its policy book and its claims, in `truth.jsonl` order."""

    root: Path
    policies_file: Path
    claims: tuple[LabelledClaim, ...]
    about: dict[str, Any] = field(default_factory=dict)


def _iso_date(value: Any, where: str) -> str:
    try:
        return date.fromisoformat(str(value)).isoformat()
    except ValueError as exc:
        raise CorpusError(f"{where}: not an ISO date: {value!r}") from exc


def _claim(root: Path, record: dict[str, Any], where: str) -> LabelledClaim:
    try:
        documents = tuple(root / str(p) for p in record["documents"])
        missing = [str(p) for p in documents if not p.is_file()]
        if not documents or missing:
            raise CorpusError(f"{where}: documents missing: {missing or 'none listed'}")
        received = record.get("received_at")
        received_at = datetime.fromisoformat(received) if received else None
        if received_at is not None and received_at.tzinfo is None:
            raise CorpusError(f"{where}: received_at needs an offset: {received!r}")
        damage = record["damage_type"]
        if damage not in DAMAGE_TYPES:
            raise CorpusError(f"{where}: damage_type {damage!r} is not one of {sorted(DAMAGE_TYPES)}")
        failed = tuple(record.get("expected_failed_rules") or ())
        unknown = sorted(set(failed) - RULE_IDS)
        if unknown:
            raise CorpusError(f"{where}: unknown rule ids {unknown}")
        source = record.get("report_date_source", "document")
        if source not in REPORT_DATE_SOURCES:
            raise CorpusError(
                f"{where}: report_date_source {source!r} is not one of {sorted(REPORT_DATE_SOURCES)}"
            )
        expected: dict[str, str | None] = {
            "policy_number": record.get("policy_number"),
            "incident_date": _iso_date(record["incident_date"], where),
            "report_date": _iso_date(record["report_date"], where),
            "damage_type": damage,
            "claimed_amount": str(Decimal(str(record["claimed_amount"])).quantize(Decimal("0.01"))),
            "currency": str(record["currency"]).upper(),
        }
        if "damage_description" in record:
            expected["damage_description"] = record["damage_description"]
        return LabelledClaim(
            claim_id=str(record["claim_id"]),
            region=str(record["region"]).upper(),
            documents=documents,
            received_at=received_at,
            expected=expected,
            policy_in_book=bool(record.get("policy_in_book", True)),
            report_date_source=source,
            expected_failed_rules=failed,
            valid=bool(record.get("valid", not failed)),
            tags=dict(record.get("tags") or {}),
            pii=tuple((p["kind"], p["value"]) for p in record.get("pii", ())),
        )
    except KeyError as exc:
        raise CorpusError(f"{where}: missing field {exc.args[0]!r}") from exc
    except (TypeError, ValueError, InvalidOperation) as exc:
        if isinstance(exc, CorpusError):
            raise
        raise CorpusError(f"{where}: {exc}") from exc


def load_corpus(root: Path) -> LabelledCorpus:
    """Read and check a corpus folder; `CorpusError` names the first problem with its line."""
    root = root.resolve()
    policies, truth = root / "policies.jsonl", root / "truth.jsonl"
    for needed in (policies, truth):
        if not needed.is_file():
            raise CorpusError(f"{root} is not a labelled corpus: {needed.name} is missing")
    claims = []
    seen: set[str] = set()
    for number, line in enumerate(truth.read_text(encoding="utf-8").splitlines(), start=1):
        if not line.strip():
            continue
        where = f"{truth}:{number}"
        try:
            record = json.loads(line)
        except json.JSONDecodeError as exc:
            raise CorpusError(f"{where}: not JSON: {exc}") from exc
        claim = _claim(root, record, where)
        if claim.claim_id in seen:
            raise CorpusError(f"{where}: claim_id {claim.claim_id!r} appears twice")
        seen.add(claim.claim_id)
        claims.append(claim)
    if not claims:
        raise CorpusError(f"{truth} holds no claims")
    about_file = root / "corpus.json"
    about = json.loads(about_file.read_text(encoding="utf-8")) if about_file.is_file() else {}
    return LabelledCorpus(root, policies, tuple(claims), about)
