"""What the review queue holds: items, decisions and reviewers, as the store reads and writes them."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal
from typing import Any, Literal, cast

from pydantic import BaseModel, ConfigDict, Field

from agents.review.errors import InvalidQuery
from agents.review.triage import REASONS

PENDING = "pending"
DECIDED = "decided"
INFORMATION_REQUESTED = "information_requested"
SUPERSEDED = "superseded"
ITEM_STATUSES = (PENDING, DECIDED, INFORMATION_REQUESTED, SUPERSEDED)
"""pending: waiting for a person; decided; information_requested: waiting for the claimant (a new
assessment queues it again); superseded: a newer assessment no longer needs a person."""

REVIEWER = "reviewer"
SUPERVISOR = "supervisor"
ROLES = (REVIEWER, SUPERVISOR)

Sort = Literal["deadline", "priority", "amount"]
SORTS: tuple[Sort, ...] = ("deadline", "priority", "amount")


class _Frozen(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")


class QueueEntry(_Frozen):
    """What the queue agent writes for one report revision that a person must look at."""

    claim_id: str = Field(min_length=1)
    region: str = Field(min_length=1)
    revision: int = Field(ge=1)
    report_status: str
    reasons: tuple[str, ...]
    weakest_field: str | None = None
    weakest_confidence: float | None = None
    failed_rules: tuple[str, ...] = ()
    confidence: float
    claimed_amount: Decimal | None = None
    currency: str | None = None
    amount_score: float = 0.0
    queued_at: datetime
    due_at: datetime
    priority_at: datetime
    source_event_id: str


class QueueItem(QueueEntry):
    """A queue item as stored: the entry, its state, its lease and how it was decided."""

    status: str
    assigned_to: str | None = None
    lease_until: datetime | None = None
    lease_live: bool = False
    decision_id: str | None = None
    decided_by: str | None = None
    decided_at: datetime | None = None
    outcome: str | None = None
    overdue: bool = False
    updated_at: datetime

    @property
    def qa_sample(self) -> bool:
        return "qa_sample" in self.reasons

    def held_by(self, user_id: str) -> bool:
        """Whether `user_id` holds a live lease on the item."""
        return self.lease_live and self.assigned_to == user_id


class DecisionRecord(_Frozen):
    """A decision as the applier recorded it: applied as `applied_revision`, or refused and why."""

    decision_id: str
    claim_id: str
    region: str
    reviewer: str
    action: str
    reason_code: str | None = None
    note: str | None = None
    corrections: list[dict[str, Any]] = []
    base_revision: int
    decided_at: datetime
    applied: bool
    applied_revision: int | None = None
    refusal: str | None = None
    announced: dict[str, Any] | None = None
    qa_sample: bool = False
    assessed_confidence: float | None = None
    recorded_at: datetime


@dataclass(frozen=True)
class QueueFilter:
    """What the queue page asks for; `region` None is every region the reviewer may see."""

    status: str = PENDING
    region: str | None = None
    reason: str | None = None
    sort: Sort = "deadline"
    limit: int = 50
    offset: int = 0

    @classmethod
    def parse(
        cls,
        *,
        status: str | None = None,
        region: str | None = None,
        reason: str | None = None,
        sort: str | None = None,
        limit: int = 50,
        offset: int = 0,
    ) -> QueueFilter:
        """A filter from what a person typed or a query string held; `InvalidQuery` names what is wrong."""
        status = status or PENDING
        if status not in (*ITEM_STATUSES, "all"):
            raise InvalidQuery(f"status {status!r} is not one of {', '.join((*ITEM_STATUSES, 'all'))}")
        if reason and reason not in REASONS:
            raise InvalidQuery(f"reason {reason!r} is not one of {', '.join(REASONS)}")
        if (sort or "deadline") not in SORTS:
            raise InvalidQuery(f"sort {sort!r} is not one of {', '.join(SORTS)}")
        if not 1 <= limit <= 1000 or offset < 0:
            raise InvalidQuery("limit must be 1..1000 and offset 0 or more")
        return cls(
            status=status,
            region=region.strip().upper() if region else None,
            reason=reason or None,
            sort=cast(Sort, sort or "deadline"),
            limit=limit,
            offset=offset,
        )


COUNT_CAP = 10_000
"""Matching items are counted up to this many ("10,000+"): an exact count of a huge queue costs more than
the page itself and tells a reviewer nothing more."""


@dataclass(frozen=True)
class QueuePage:
    """One page of the queue and how many items match in all (`total` at most `COUNT_CAP`, then `more`)."""

    items: list[QueueItem]
    total: int
    more: bool = False


class Reviewer(_Frozen):
    """A person who reviews claims: their roles and the regions whose claims they may see and decide."""

    user_id: str = Field(min_length=1, pattern=r"^[A-Za-z0-9._@-]+$")
    display_name: str
    roles: tuple[str, ...]
    regions: tuple[str, ...]
    active: bool = True


@dataclass(frozen=True)
class Principal:
    """Who is asking, as the sign-in established it: what every read and decision is scoped by.

    From a local reviewer (`of`) or from a verified token's claims; an identity provider that
    takes over sign-in only has to supply these four things.
    """

    user_id: str
    display_name: str
    roles: frozenset[str]
    regions: tuple[str, ...]

    @classmethod
    def of(cls, reviewer: Reviewer) -> Principal:
        return cls(
            reviewer.user_id, reviewer.display_name, frozenset(reviewer.roles), tuple(reviewer.regions)
        )

    @property
    def is_supervisor(self) -> bool:
        return SUPERVISOR in self.roles

    @property
    def role(self) -> str:
        """The strongest role, as a decision records it."""
        return SUPERVISOR if self.is_supervisor else REVIEWER
