"""The envelope every event carries, and how one event derives the next.

Output event ids are derived from the input event id and the producing agent
(UUIDv5), so a redelivered or replayed input reproduces exactly the same
downstream ids and every idempotent sink recognises it.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any, ClassVar, Self, TypeVar

from pydantic import BaseModel, ConfigDict

_EVENT_NAMESPACE = uuid.UUID("6f1c3f0e-7a52-4d8b-9d3e-2b1c0c8f4a11")

E = TypeVar("E", bound="Event")


@dataclass(frozen=True)
class Producer:
    """Who emits an event: an agent or a tool, and its version."""

    name: str
    version: str


def derived_event_id(cause_event_id: str, producer: str, index: int = 0) -> str:
    """A stable id for the `index`-th event `producer` derives from `cause_event_id`."""
    return str(uuid.uuid5(_EVENT_NAMESPACE, f"{cause_event_id}/{producer}/{index}"))


def epoch_event_id(event_id: str, epoch: str) -> str:
    """The id `event_id` takes in reprocessing epoch `epoch`: new, so every event derived from it is new too.

    Stable for one epoch, so replaying the same epoch twice still changes nothing the second time.
    """
    return str(uuid.uuid5(_EVENT_NAMESPACE, f"{event_id}/epoch/{epoch}"))


def utc_now() -> datetime:
    """Now in UTC at the millisecond precision of Avro's timestamp-millis, so events round-trip exactly."""
    now = datetime.now(UTC)
    return now.replace(microsecond=now.microsecond // 1000 * 1000)


class Event(BaseModel):
    """Envelope fields shared by every ClaimFlow event (see `schemas/*.avsc`)."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    avro_schema: ClassVar[str]

    event_id: str
    claim_id: str
    region: str
    event_time: datetime
    producer: str
    producer_version: str
    causation_id: str | None = None

    @classmethod
    def new(
        cls, *, claim_id: str, region: str, by: Producer, event_id: str | None = None, **payload: Any
    ) -> Self:
        """The first event of a chain (a submission), with a fresh or given id."""
        return cls(
            event_id=event_id or str(uuid.uuid4()),
            claim_id=claim_id,
            region=region,
            event_time=utc_now(),
            producer=by.name,
            producer_version=by.version,
            **payload,
        )

    def follow(self, cls: type[E], *, by: Producer, index: int = 0, **payload: Any) -> E:
        """The next event of this claim's chain: same claim and region, deterministic id."""
        return cls(
            event_id=derived_event_id(self.event_id, by.name, index),
            claim_id=self.claim_id,
            region=self.region,
            event_time=utc_now(),
            producer=by.name,
            producer_version=by.version,
            causation_id=self.event_id,
            **payload,
        )

    def to_record(self) -> dict[str, Any]:
        """The dict the Avro codec writes."""
        return self.model_dump(mode="python")
