"""What can go wrong when a person reviews a claim; the web server maps each to an HTTP status."""

from __future__ import annotations

from streams import ClaimFlowError, PermanentError


class ReviewError(ClaimFlowError):
    """Root of the review errors."""


class ClaimNotFound(ReviewError, LookupError):
    """No such claim in the queue, or not in a region the reviewer may see (the two look alike on purpose)."""


class NotAllowed(ReviewError, PermissionError):
    """The reviewer's role does not allow this (e.g. taking over another reviewer's lease)."""


class LeaseHeld(ReviewError):
    """Another reviewer holds the claim's lease; it is theirs to decide until the lease expires."""


class StaleDecision(ReviewError):
    """The claim changed since the reviewer saw it (a new revision, or it was decided already)."""


class InvalidQuery(ReviewError, ValueError):
    """A queue filter names a status, reason or order that does not exist."""


class InvalidDecision(ReviewError, ValueError):
    """The decision is incomplete or a corrected value is not a valid value of its field."""


class AuthenticationFailed(ReviewError):
    """Unknown user, wrong password, or an invalid or expired token."""


class ReviewStoreError(PermanentError):
    """The review store refused a value or was used unopened; a retry cannot help."""
