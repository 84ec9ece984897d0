"""Human review: the queue, its reasons and deadlines, leases, decisions, reviewers (a shared library).

The queue agent (`agents.review_queue`) fills the queue from `report.ready`; reviewers work it
through `ReviewService` (the web pages, `claimflow review`); their decisions go out as
`claim.reviewed` events, which the applier (`agents.review_applier`) turns into report revisions.
"""

from agents.review.audit_trail import TrailEntry, decode_trail, documents_of
from agents.review.decisions import (
    ACTIONS,
    DECLINE_REASONS,
    EDITABLE_FIELDS,
    FINAL_STATUS,
    FINAL_STATUSES,
    check,
    corrections,
    normalise,
    revised_report,
)
from agents.review.errors import (
    AuthenticationFailed,
    ClaimNotFound,
    InvalidDecision,
    InvalidQuery,
    LeaseHeld,
    NotAllowed,
    ReviewError,
    ReviewStoreError,
    StaleDecision,
)
from agents.review.model import (
    DECIDED,
    INFORMATION_REQUESTED,
    ITEM_STATUSES,
    PENDING,
    ROLES,
    SUPERSEDED,
    SUPERVISOR,
    DecisionRecord,
    Principal,
    QueueEntry,
    QueueFilter,
    QueueItem,
    QueuePage,
    Reviewer,
)
from agents.review.service import (
    CitedClause,
    ClaimView,
    DecisionForm,
    DecisionPublisher,
    KafkaDecisions,
    ReviewService,
    open_service,
)
from agents.review.settings import ReviewSettings
from agents.review.store import Outcome, ReviewStore
from agents.review.triage import REASONS, Triage, deadline, is_qa_sample, priority_time, triage

__all__ = [
    "ACTIONS",
    "DECIDED",
    "DECLINE_REASONS",
    "EDITABLE_FIELDS",
    "FINAL_STATUS",
    "FINAL_STATUSES",
    "INFORMATION_REQUESTED",
    "ITEM_STATUSES",
    "PENDING",
    "REASONS",
    "ROLES",
    "SUPERSEDED",
    "SUPERVISOR",
    "AuthenticationFailed",
    "CitedClause",
    "ClaimNotFound",
    "ClaimView",
    "DecisionForm",
    "DecisionPublisher",
    "DecisionRecord",
    "InvalidDecision",
    "InvalidQuery",
    "KafkaDecisions",
    "LeaseHeld",
    "NotAllowed",
    "Outcome",
    "Principal",
    "QueueEntry",
    "QueueFilter",
    "QueueItem",
    "QueuePage",
    "ReviewError",
    "ReviewService",
    "ReviewSettings",
    "ReviewStore",
    "ReviewStoreError",
    "Reviewer",
    "StaleDecision",
    "TrailEntry",
    "Triage",
    "check",
    "corrections",
    "deadline",
    "decode_trail",
    "documents_of",
    "is_qa_sample",
    "normalise",
    "open_service",
    "priority_time",
    "revised_report",
    "triage",
]
