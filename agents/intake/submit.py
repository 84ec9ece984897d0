"""Submitting claims: store the documents, then publish claim.ingested (what `claimflow submit` does)."""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from datetime import UTC, datetime
from pathlib import Path

from agents.events import ClaimIngested, DocumentRef
from streams import (
    ConfigurationError,
    Dependency,
    Producer,
    Settings,
    get_codec,
    load_topology,
    open_object_store,
    publish_events,
    utc_now,
)

SUBMITTER = Producer("claimflow-submit", "0.1.0")
MEDIA_TYPES = {
    ".pdf": "application/pdf",
    ".png": "image/png",
    ".jpg": "image/jpeg",
    ".jpeg": "image/jpeg",
    ".tif": "image/tiff",
    ".tiff": "image/tiff",
}


def new_claim_id() -> str:
    return f"CLM-{uuid.uuid4().hex[:12].upper()}"


def build_claim(
    settings: Settings,
    files: Sequence[Path],
    *,
    region: str,
    claim_id: str | None = None,
    submitted_by: str = "cli",
    received_at: datetime | None = None,
) -> ClaimIngested:
    """Store `files` as the documents of one claim and return its claim.ingested event (not yet published)."""
    store = open_object_store(settings.object_store_root, Dependency("object-store", settings.retry_policy()))
    claim_id = claim_id or new_claim_id()
    documents = []
    for path in files:
        stored = store.put(region=region, claim_id=claim_id, filename=path.name, data=path.read_bytes())
        documents.append(
            DocumentRef(
                uri=stored.uri,
                filename=stored.filename,
                media_type=MEDIA_TYPES.get(path.suffix.lower(), "application/octet-stream"),
                size_bytes=stored.size_bytes,
                sha256=stored.sha256,
            )
        )
    return claim_event(
        claim_id=claim_id,
        region=region,
        documents=documents,
        submitted_by=submitted_by,
        received_at=received_at,
    )


def claim_event(
    *,
    claim_id: str,
    region: str,
    documents: Sequence[DocumentRef],
    submitted_by: str,
    received_at: datetime | None = None,
    by: Producer = SUBMITTER,
) -> ClaimIngested:
    """The claim.ingested event of documents already in the object store (every submission path ends here).

    `received_at` is when the insurer received the claim (default: now); a naive datetime is UTC.
    """
    received = received_at or utc_now()
    return ClaimIngested.new(
        claim_id=claim_id,
        region=region,
        by=by,
        documents=list(documents),
        submitted_by=submitted_by,
        received_at=received if received.tzinfo else received.replace(tzinfo=UTC),
    )


def check_region(settings: Settings, region: str) -> str:
    """The region in canonical form; a clear error for one the topology does not declare."""
    regions = load_topology(settings.topology_file).regions
    canonical = region.strip().upper()
    if canonical not in regions:
        raise ConfigurationError(f"unknown region {region!r}; this deployment declares {', '.join(regions)}")
    return canonical


def publish_claims(settings: Settings, claims: Sequence[ClaimIngested]) -> None:
    """Publish claim.ingested events (idempotent producer, acks=all, keyed by claim id)."""
    topology = load_topology(settings.topology_file)
    topic = topology.topic_for_schema(ClaimIngested.avro_schema)
    publish_events(settings.kafka(), topic, get_codec(settings.schemas_dir, topic.schema_name), claims)
