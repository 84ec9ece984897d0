"""Why the intake API refuses a request; each error carries its HTTP status and a short code."""

from __future__ import annotations

from streams import ClaimFlowError


class IntakeRefused(ClaimFlowError):
    """Root of the intake API's refusals: the request is answered with `status` and nothing is kept."""

    status = 400
    code = "bad_request"


class BadRequest(IntakeRefused, ValueError):
    """Malformed multipart, a missing or repeated field, an unsafe or repeated file name."""


class NotAuthenticated(IntakeRefused):
    """No bearer token, or one that is forged, expired or meant for someone else."""

    status, code = 401, "invalid_token"


class Forbidden(IntakeRefused, PermissionError):
    """The token lacks the scope, or the region is not one of the client's."""

    status, code = 403, "forbidden"


class ClaimUnknown(IntakeRefused, LookupError):
    """No such claim, or not in a region the client may read (the two look alike on purpose)."""

    status, code = 404, "not_found"


class RequestInProgress(IntakeRefused):
    """Another request with the same Idempotency-Key is still being received."""

    status, code = 409, "idempotency_key_in_use"


class TooLarge(IntakeRefused):
    """A document or the whole request is over its size limit."""

    status, code = 413, "too_large"


class UnsupportedMedia(IntakeRefused):
    """The request is not multipart/form-data, or a document is not a PDF, PNG, JPEG or TIFF."""

    status, code = 415, "unsupported_media_type"


class Unprocessable(IntakeRefused):
    """A field is well-formed but not acceptable: an unknown region, one this deployment does not serve."""

    status, code = 422, "unprocessable"


class RateLimited(IntakeRefused):
    """The client sent more requests than its rate limit allows; `retry_after_s` says when to try again."""

    status, code = 429, "rate_limited"

    def __init__(self, message: str, retry_after_s: int) -> None:
        super().__init__(message)
        self.retry_after_s = retry_after_s
