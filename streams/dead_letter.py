"""The dead-letter record: what failed, where it was on the log, why, and its original bytes.

Except for a region this deployment does not serve but topology.yaml declares (another
deployment's): residency forbids it to keep that claim's content, so the letter keeps the
coordinates, the claim id, the region and the error, and an empty `original_value` and headers
(`content_withheld`). A region nobody declares is malformed input and keeps its bytes. The
owning deployment reads the original at the coordinates; `claimflow dlq redrive` skips such a
letter. Without this, the bytes travelled into the dead-letter topic and from there into the
non-owning deployment's audit log.
"""

from __future__ import annotations

import traceback
from dataclasses import dataclass

from pydantic import BaseModel, ConfigDict

from streams.errors import ClaimFlowError, RegionNotServed
from streams.events import Event, Producer, derived_event_id, utc_now


class Header(BaseModel):
    model_config = ConfigDict(frozen=True)

    key: str
    value: bytes | None = None


class DeadLetter(Event):
    """A message an agent gave up on (schema `dead_letter`); replayable from `original_value`."""

    avro_schema = "dead_letter"
    agent: str
    source_topic: str
    source_partition: int
    source_offset: int
    source_timestamp_ms: int
    failed_event_id: str | None = None
    error_type: str
    error_message: str
    retryable: bool
    attempts: int
    original_key: bytes | None = None
    original_value: bytes
    original_headers: list[Header]

    @property
    def content_withheld(self) -> bool:
        """The original was of a region this deployment does not serve: only where it is was kept."""
        return self.error_type == RegionNotServed.__name__ and not self.original_value


@dataclass(frozen=True)
class Coordinates:
    """Where a message sits on the log; every failure is reported with these."""

    topic: str
    partition: int
    offset: int
    timestamp_ms: int

    def __str__(self) -> str:
        return f"{self.topic}[{self.partition}]@{self.offset}"


def describe_error(exc: BaseException) -> str:
    """One line for people: the message plus the innermost frame for unexpected errors."""
    text = str(exc) or type(exc).__name__
    if not isinstance(exc, ClaimFlowError) and exc.__traceback__ is not None:
        frame = traceback.extract_tb(exc.__traceback__)[-1]
        text += f" (at {frame.filename.rsplit('/', 1)[-1]}:{frame.lineno} in {frame.name})"
    return text


def build_dead_letter(
    *,
    by: Producer,
    at: Coordinates,
    key: bytes | None,
    value: bytes,
    headers: list[tuple[str, bytes | None]],
    error: BaseException,
    attempts: int,
    event: Event | None = None,
) -> DeadLetter:
    """A dead-letter record for the message at `at`; claim and region come from the event when it decoded.

    For `RegionNotServed` of a declared region the original value and headers are left out
    (residency, see the module).
    """
    claim_id = event.claim_id if event else (key.decode("utf-8", "replace") if key else "")
    withheld = isinstance(error, RegionNotServed) and error.declared
    return DeadLetter(
        event_id=derived_event_id(f"{at}/{at.timestamp_ms}", by.name),
        claim_id=claim_id,
        region=event.region if event else "",
        event_time=utc_now(),
        producer=by.name,
        producer_version=by.version,
        causation_id=event.event_id if event else None,
        agent=by.name,
        source_topic=at.topic,
        source_partition=at.partition,
        source_offset=at.offset,
        source_timestamp_ms=at.timestamp_ms,
        failed_event_id=event.event_id if event else None,
        error_type=type(error).__name__,
        error_message=describe_error(error),
        retryable=bool(getattr(error, "retryable", False)),
        attempts=attempts,
        original_key=key,
        original_value=b"" if withheld else value,
        original_headers=[] if withheld else [Header(key=k, value=v) for k, v in headers],
    )
