"""`claimflow submit --api URL`: claims sent to the intake API over HTTPS instead of straight to the log.

The API stores the documents, checks the token's scopes and regions and publishes the claim; this
client only sends. Each claim gets its own Idempotency-Key, so a retry after a lost answer (a
timeout, a 503 while the store is away, a 429 over the rate limit) returns the same claim rather
than a second one.
"""

from __future__ import annotations

import mimetypes
import ssl
import uuid
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

import httpx
from tenacity import (
    RetryCallState,
    retry,
    retry_if_exception,
    stop_after_attempt,
    wait_exponential_jitter,
)

from streams import ConfigurationError

TIMEOUT_S = 60.0
ATTEMPTS = 5
RETRYABLE_STATUS = frozenset({429, 502, 503, 504})


class ApiRefused(ConfigurationError):
    """The API answered with a client error (4xx but 429): a retry cannot help."""


@dataclass(frozen=True)
class ApiTarget:
    """Where the API is and how this client proves who it is."""

    url: str
    token: str
    ca_certs: Path | None = None
    cert: Path | None = None
    key: Path | None = None

    def client(self) -> httpx.Client:
        context = ssl.create_default_context(cafile=str(self.ca_certs) if self.ca_certs else None)
        if self.cert is not None:
            context.load_cert_chain(str(self.cert), str(self.key) if self.key else None)
        return httpx.Client(
            base_url=self.url.rstrip("/"),
            verify=context,
            timeout=TIMEOUT_S,
            headers={"Authorization": f"Bearer {self.token}"},
        )


class _Retryable(Exception):
    def __init__(self, status: int, retry_after_s: float | None) -> None:
        super().__init__(f"the API answered {status}")
        self.retry_after_s = retry_after_s


def _is_retryable(exc: BaseException) -> bool:
    return isinstance(exc, _Retryable | httpx.TransportError)


def _wait(state: RetryCallState) -> float:
    """Exponential with jitter, or what the API's Retry-After asks when longer."""
    backoff = float(wait_exponential_jitter(initial=0.5, max=10)(state))
    exc = state.outcome.exception() if state.outcome else None
    asked = exc.retry_after_s if isinstance(exc, _Retryable) and exc.retry_after_s else 0.0
    return max(backoff, asked)


def submit_via_api(
    target: ApiTarget,
    groups: Sequence[Sequence[Path]],
    *,
    region: str,
    received_at: datetime | None = None,
    idempotency_key: str | None = None,
) -> list[str]:
    """Send each group of files as one claim; the claim ids the API gave, in order."""
    claim_ids = []
    with target.client() as http:
        for index, files in enumerate(groups):
            key = f"{idempotency_key}-{index}" if idempotency_key and len(groups) > 1 else idempotency_key
            claim_ids.append(_send(http, files, region, received_at, key or str(uuid.uuid4())))
    return claim_ids


@retry(
    retry=retry_if_exception(_is_retryable),
    wait=_wait,
    stop=stop_after_attempt(ATTEMPTS),
    reraise=True,
)
def _send(
    http: httpx.Client, files: Sequence[Path], region: str, received_at: datetime | None, key: str
) -> str:
    data = {"region": region, **({"received_at": received_at.isoformat()} if received_at else {})}
    documents = [
        (
            "documents",
            (path.name, path.read_bytes(), mimetypes.guess_type(path.name)[0] or "application/octet-stream"),
        )
        for path in files
    ]
    answer = http.post("/v1/claims", headers={"Idempotency-Key": key}, data=data, files=documents)
    if answer.status_code in RETRYABLE_STATUS:
        retry_after = answer.headers.get("Retry-After")
        raise _Retryable(
            answer.status_code, float(retry_after) if retry_after and retry_after.isdigit() else None
        )
    if answer.status_code >= 400:
        raise ApiRefused(f"the API refused the claim ({answer.status_code}): {answer.text[:500]}")
    return str(answer.json()["claim_id"])
