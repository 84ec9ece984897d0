"""Submitting claims: documents into the object store, then the claim's first event."""

from agents.intake.submit import (
    MEDIA_TYPES,
    SUBMITTER,
    build_claim,
    check_region,
    claim_event,
    new_claim_id,
    publish_claims,
)

__all__ = [
    "MEDIA_TYPES",
    "SUBMITTER",
    "build_claim",
    "check_region",
    "claim_event",
    "new_claim_id",
    "publish_claims",
]
