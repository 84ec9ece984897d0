"""A claim's audit trail as a reviewer reads it: every audited message of the claim, decoded and summarised.

The auditor stores bytes exactly as they were on the log; this decodes them with the topic's
codec (as of now: earlier schema versions resolve to the current one) and says in one line
what each message was. A message that no longer decodes is shown as such, never hidden.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

from agents.events import DocumentRef
from streams import AuditEntry, SchemaError, Topology, load_codecs


@dataclass(frozen=True)
class TrailEntry:
    """One audited message of the claim."""

    seq: int
    topic: str
    partition: int
    offset: int
    logged_at: datetime
    recorded_at: datetime
    schema: str
    event_id: str | None
    producer: str
    summary: str
    record: dict[str, Any] = field(default_factory=dict, repr=False)
    headers: tuple[tuple[str, bytes | None], ...] = field(default=(), repr=False)


def _fields_summary(record: Mapping[str, Any]) -> str:
    fields = record.get("fields") or {}
    read = sum(1 for f in fields.values() if f and f.get("value") is not None)
    return f"{read} of {len(fields)} fields read"


def _ingested(r: Mapping[str, Any]) -> str:
    docs = r.get("documents") or []
    names = ", ".join(d["filename"] for d in docs) or "no documents"
    return f"submitted by {r.get('submitted_by') or '?'}: {names}"


def _retrieval(r: Mapping[str, Any]) -> str:
    policy = (r.get("policy_number") or {}).get("value") or "no policy resolved"
    return f"read {r.get('pages')} page(s), {r.get('ocr_pages')} by OCR; {policy}"


def _validated(r: Mapping[str, Any]) -> str:
    failed = [o["rule_id"] for o in r.get("rules") or [] if not o.get("passed")]
    return f"confidence {r.get('confidence', 0):.2f}; failed rules: {', '.join(failed) or 'none'}"


def _ready(r: Mapping[str, Any]) -> str:
    by = f" by {r['reviewed_by']}" if r.get("reviewed_by") else ""
    return f"revision {r.get('revision')}: {r.get('status')}{by} (confidence {r.get('confidence', 0):.2f})"


def _reviewed(r: Mapping[str, Any]) -> str:
    changes = "; ".join(f"{c['field']}: {c['before']!r} → {c['after']!r}" for c in r.get("corrections") or [])
    extra = [x for x in (r.get("reason_code"), changes, r.get("note")) if x]
    return f"{r.get('reviewer')} ({r.get('reviewer_role')}) decided {r.get('action')} on revision " + (
        f"{r.get('base_revision')}" + (f": {' · '.join(extra)}" if extra else "")
    )


def _dead_letter(r: Mapping[str, Any]) -> str:
    return (
        f"dead-lettered by {r.get('agent', '?')}: {r.get('error_type', '?')}: {r.get('error_message', '')}"[
            :300
        ]
    )


_SUMMARIES: dict[str, Callable[[Mapping[str, Any]], str]] = {
    "claim_ingested": _ingested,
    "retrieval_request": _retrieval,
    "clauses_retrieved": lambda r: f"{len(r.get('clauses') or [])} clause(s) of the policy retrieved",
    "fields_extracted": lambda r: f"{_fields_summary(r)} by {(r.get('extractor') or {}).get('kind', '?')}",
    "claim_validated": _validated,
    "report_ready": _ready,
    "claim_reviewed": _reviewed,
    "dead_letter": _dead_letter,
}


def decode_trail(entries: Sequence[AuditEntry], topology: Topology, schemas_dir: Any) -> list[TrailEntry]:
    """Every audited message decoded with its topic's codec, oldest first."""
    codecs = load_codecs(schemas_dir)
    trail = []
    for entry in entries:
        record = entry.record
        topic = topology.topics.get(record.topic)
        schema = topic.schema_name if topic else "?"
        try:
            decoded = codecs[schema].decode(record.value)
            summary = _SUMMARIES.get(schema, lambda _: "")(decoded)
        except (KeyError, SchemaError) as exc:
            decoded, summary = {}, f"not decodable with the current schemas: {exc}"
        trail.append(
            TrailEntry(
                seq=entry.seq,
                topic=record.topic,
                partition=record.partition,
                offset=record.offset,
                logged_at=datetime.fromtimestamp(record.timestamp_ms / 1000, UTC),
                recorded_at=entry.recorded_at,
                schema=schema,
                event_id=record.event_id,
                producer=str(decoded.get("producer") or decoded.get("agent") or "?"),
                summary=summary,
                record=decoded,
                headers=tuple(record.headers),
            )
        )
    return trail


def documents_of(trail: Sequence[TrailEntry]) -> list[DocumentRef]:
    """The documents of the claim's latest submission in the trail (a resubmission replaces them)."""
    for entry in reversed(trail):
        if entry.schema == "claim_ingested" and entry.record:
            return [DocumentRef.model_validate(d) for d in entry.record.get("documents") or []]
    return []
