"""What the reviewers' decisions say about the machine: field accuracy, auto-approve precision, the threshold.

Every applied decision labels one assessment. An approval with nothing corrected says every
field was right and the claim valid; a corrected field was wrong; a decline says the claim should
not have been paid (so auto-approving it would have been wrong); a request for information says
nothing yet and is left out. From these:

- field accuracy: per field, the share of approved claims whose field needed no correction;
- auto-approve precision: among QA samples (auto-approved claims a person checked anyway), the
  share approved as they were, measured in production rather than assumed;
- calibration: for each candidate threshold, the share of reviewed claims at or above it that
  were right; the lowest threshold reaching the target precision on enough claims is proposed.

Claims below the current threshold were all reviewed; above it only the QA share was, so the
precision above the current threshold rests on the QA samples alone, and is only as good as
their number (the report says how many).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field

from agents.review.decisions import EDITABLE_FIELDS
from agents.review.model import DecisionRecord

APPROVALS = ("approve", "correct_and_approve")
VERDICTS = (*APPROVALS, "decline")


@dataclass(frozen=True)
class Labelled:
    """One reviewed assessment: its confidence, and whether the machine had it right."""

    claim_id: str
    region: str
    action: str
    corrected: frozenset[str]
    qa_sample: bool
    confidence: float | None

    @property
    def right(self) -> bool:
        """Approved as assessed: every field right and the claim valid."""
        return self.action == "approve"

    @classmethod
    def of(cls, record: DecisionRecord) -> Labelled:
        return cls(
            record.claim_id,
            record.region,
            record.action,
            frozenset(str(c["field"]) for c in record.corrections),
            record.qa_sample,
            record.assessed_confidence,
        )


@dataclass(frozen=True)
class Share:
    right: int
    total: int

    @property
    def value(self) -> float | None:
        return self.right / self.total if self.total else None


def field_accuracy(labelled: Sequence[Labelled]) -> dict[str, Share]:
    """Per field, the approved claims whose value the reviewer left as it was."""
    approved = [x for x in labelled if x.action in APPROVALS]
    total = len(approved)
    return {name: Share(sum(name not in x.corrected for x in approved), total) for name in EDITABLE_FIELDS}


def qa_precision(labelled: Sequence[Labelled]) -> Share:
    """Among QA samples decided, those approved as the machine had them."""
    decided = [x for x in labelled if x.qa_sample and x.action in VERDICTS]
    return Share(sum(x.right for x in decided), len(decided))


@dataclass(frozen=True)
class Calibration:
    """The proposed threshold (None when no threshold reaches the target on enough claims) and the curve."""

    target: float
    min_claims: int
    threshold: float | None
    precision: float | None
    above: int
    considered: int
    curve: list[tuple[float, Share]] = field(default_factory=list)


def calibrate(labelled: Sequence[Labelled], *, target: float, min_claims: int) -> Calibration:
    """The lowest threshold whose reviewed claims at or above it were right at least `target` of the time."""
    known = sorted(
        (x for x in labelled if x.action in VERDICTS and x.confidence is not None),
        key=lambda x: x.confidence or 0.0,
    )
    curve: list[tuple[float, Share]] = []
    chosen: tuple[float, Share] | None = None
    for threshold in sorted({round(x.confidence or 0.0, 4) for x in known}):
        above = [x for x in known if (x.confidence or 0.0) >= threshold]
        share = Share(sum(x.right for x in above), len(above))
        curve.append((threshold, share))
        if chosen is None and share.total >= min_claims and (share.value or 0.0) >= target:
            chosen = (threshold, share)
    return Calibration(
        target=target,
        min_claims=min_claims,
        threshold=chosen[0] if chosen else None,
        precision=chosen[1].value if chosen else None,
        above=chosen[1].total if chosen else 0,
        considered=len(known),
        curve=curve,
    )
