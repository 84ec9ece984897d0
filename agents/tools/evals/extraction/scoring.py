"""Scoring assessments against a labelled corpus: pure functions, no infrastructure.

An `Outcome` is what the pipeline decided for one claim (fields with confidences, failed
rules, overall confidence, status), whichever way it was produced; a `LabelledClaim` is what
a correct assessment says. The figures: per-field accuracy per kind of claim, auto-approve
precision (share of auto-approved claims with every field right *and* the claim valid), the
share of valid claims auto-approved per kind, the share sent to review, rule-outcome
accuracy, breakdowns by the corpus's tags, and a reliability table of confidence against
correctness.
"""

from __future__ import annotations

import re
from collections import Counter, defaultdict
from collections.abc import Sequence
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from difflib import SequenceMatcher
from typing import Any

from agents.tools.evals.corpus import TRUTH_KEY, LabelledClaim

FIELDS = (
    "policy_number",
    "incident_date",
    "damage_description",
    "damage_type",
    "claimed_amount",
    "currency",
    "reported_on",
)
# Tags whose values get a breakdown of their own when a corpus carries them.
TAG_BREAKDOWNS = ("language", "template", "layout", "insurer", "damage_shown_by", "has_cover_sheet", "hard")
AUTO_APPROVED = "auto_approved"
# A description read through OCR may differ by a character or two and still be the customer's
# account; an extra or a missing sentence is not (one of three sentences moves the ratio < 0.85).
DESCRIPTION_SIMILARITY = 0.9
CALIBRATION_EDGES = (0.0, 0.3, 0.5, 0.6, 0.7, 0.8, 0.85, 0.9, 0.95, 1.0)
SEGMENTS = ("clean digital", "hard digital", "multi-document", "scanned", "photo")
_SEPARATORS = re.compile(r"[^0-9A-Za-z]")


@dataclass(frozen=True)
class Outcome:
    """One claim's assessment: field values and confidences, failed rules, confidence, status."""

    values: dict[str, str | None]
    confidences: dict[str, float]
    failed_rules: tuple[str, ...]
    confidence: float
    status: str
    # Text that left the retriever for this claim (in process: the redacted text; through the
    # pipeline: the stored report), searched for the ground truth's personal values.
    exposed_text: str = ""


def pii_leaks(truth: LabelledClaim, exposed_text: str) -> list[dict[str, str]]:
    """The claim's personal values (when the corpus lists them) that appear verbatim in `exposed_text`."""
    flat = " ".join(exposed_text.split())
    found = {(kind, value) for kind, value in truth.pii if " ".join(value.split()) in flat}
    return [{"kind": kind, "value": value} for kind, value in sorted(found)]


def segment(truth: LabelledClaim) -> str:
    """Which kind of claim a labelled claim is, for the per-kind tables."""
    if truth.kind != "digital":
        return truth.kind
    if len(truth.documents) > 1:
        return "multi-document"
    return "hard digital" if truth.tags.get("hard") else "clean digital"


def _words(text: str) -> str:
    return " ".join(re.findall(r"\w+", text.lower()))


def field_correct(name: str, got: str | None, want: str | None) -> bool:
    """Whether an extracted value is the ground truth's (amounts as numbers, descriptions fuzzily)."""
    if got is None or want is None:
        return got == want
    if name == "claimed_amount":
        try:
            return Decimal(got) == Decimal(want)
        except InvalidOperation:
            return False
    if name == "damage_description":
        return SequenceMatcher(None, _words(got), _words(want)).ratio() >= DESCRIPTION_SIMILARITY
    if name == "policy_number":
        # The book's number, or the number as written: case and separators are not the reading.
        return _SEPARATORS.sub("", got).upper() == _SEPARATORS.sub("", want).upper()
    return got == want


@dataclass
class Scored:
    """One claim with its truth, its outcome and which fields were right."""

    truth: LabelledClaim
    outcome: Outcome
    correct: dict[str, bool]

    @property
    def all_correct(self) -> bool:
        return all(self.correct.values())

    @property
    def approved(self) -> bool:
        return self.outcome.status == AUTO_APPROVED

    @property
    def rules_as_expected(self) -> bool:
        """The failed rules are those expected; a policy the book lacks need only fail policy_exists."""
        failed, expected = set(self.outcome.failed_rules), set(self.truth.expected_failed_rules)
        if not self.truth.policy_in_book:
            return "policy_exists" in failed and expected <= failed
        return failed == expected

    @property
    def approved_right(self) -> bool:
        """Auto-approved, every field right and the claim valid: the only approval that is correct."""
        return self.approved and self.all_correct and self.truth.valid


def score(truth: LabelledClaim, outcome: Outcome) -> Scored:
    """Which fields of `outcome` are right; fields the truth does not label are not scored."""
    correct = {
        name: field_correct(name, outcome.values.get(name), truth.expected[TRUTH_KEY[name]])
        for name in FIELDS
        if TRUTH_KEY[name] in truth.expected
    }
    return Scored(truth, outcome, correct)


def _share(part: int, whole: int) -> float | None:
    return round(part / whole, 4) if whole else None


@dataclass
class Group:
    """Counts over a set of claims."""

    claims: int = 0
    fields_scored: Counter[str] = field(default_factory=Counter)
    fields_right: Counter[str] = field(default_factory=Counter)
    all_right: int = 0
    approved: int = 0
    approved_right: int = 0
    approved_should_flag: int = 0
    valid: int = 0
    valid_approved: int = 0
    rules_as_expected: int = 0

    def add(self, s: Scored) -> None:
        self.claims += 1
        self.fields_scored.update(s.correct.keys())
        self.fields_right.update(name for name, ok in s.correct.items() if ok)
        self.all_right += s.all_correct
        self.approved += s.approved
        self.approved_right += s.approved_right
        self.approved_should_flag += s.approved and not s.truth.valid
        self.valid += s.truth.valid
        self.valid_approved += s.truth.valid and s.approved
        self.rules_as_expected += s.rules_as_expected

    def to_json(self) -> dict[str, Any]:
        return {
            "claims": self.claims,
            "field_accuracy": {
                name: _share(self.fields_right[name], self.fields_scored[name]) for name in FIELDS
            },
            "all_fields_right": _share(self.all_right, self.claims),
            "auto_approved": self.approved,
            "review_share": _share(self.claims - self.approved, self.claims),
            "auto_approve_precision": _share(self.approved_right, self.approved),
            "auto_approved_but_should_be_flagged": self.approved_should_flag,
            "valid": self.valid,
            "valid_auto_approved": _share(self.valid_approved, self.valid),
            "rule_outcomes_as_expected": _share(self.rules_as_expected, self.claims),
        }


def calibration(scored: Sequence[Scored], edges: Sequence[float] = CALIBRATION_EDGES) -> list[dict[str, Any]]:
    """Reliability table: per confidence bin, claims, mean confidence and share with every field right."""
    bins: list[list[Scored]] = [[] for _ in edges[:-1]]
    for s in scored:
        index = next(
            i for i in range(len(edges) - 1) if s.outcome.confidence < edges[i + 1] or i == len(edges) - 2
        )
        bins[index].append(s)
    return [
        {
            "low": low,
            "high": high,
            "claims": len(members),
            "mean_confidence": round(sum(m.outcome.confidence for m in members) / len(members), 4)
            if members
            else None,
            "all_fields_right": _share(sum(m.all_correct for m in members), len(members)),
        }
        for low, high, members in zip(edges[:-1], edges[1:], bins, strict=True)
    ]


def _rule_confusion(scored: Sequence[Scored]) -> dict[str, dict[str, int]]:
    """Per rule: failed as expected, failed unexpectedly, passed although expected to fail."""
    table: dict[str, Counter[str]] = defaultdict(Counter)
    for s in scored:
        expected, failed = set(s.truth.expected_failed_rules), set(s.outcome.failed_rules)
        for rule in expected | failed:
            key = (
                "expected_and_failed"
                if rule in expected and rule in failed
                else ("unexpected_failure" if rule in failed else "missed_failure")
            )
            table[rule][key] += 1
    return {rule: dict(counts) for rule, counts in sorted(table.items())}


def _review_causes(scored: Sequence[Scored], threshold: float) -> dict[str, int]:
    """Why claims went to review: a failed rule, else the weakest field below the threshold."""
    causes: Counter[str] = Counter()
    for s in scored:
        if s.approved:
            continue
        if s.outcome.failed_rules:
            causes.update(f"rule {r}" for r in s.outcome.failed_rules)
            continue
        low = [n for n in FIELDS if s.outcome.confidences.get(n, 0.0) < threshold]
        causes.update(f"field {n}" for n in low or ["(none)"])
    return dict(causes.most_common())


def summarise(scored: Sequence[Scored], threshold: float) -> dict[str, Any]:
    """Every figure of the evaluation, as JSON-ready data."""
    overall = Group()
    by_segment: defaultdict[str, Group] = defaultdict(Group)
    by_delivery: defaultdict[str, Group] = defaultdict(Group)
    by_tag: defaultdict[str, defaultdict[str, Group]] = defaultdict(lambda: defaultdict(Group))
    should_pass, should_flag = Group(), Group()
    clean_should_pass = Group()
    for s in scored:
        overall.add(s)
        by_segment[segment(s.truth)].add(s)
        by_delivery[s.truth.kind].add(s)
        for tag in TAG_BREAKDOWNS:
            if s.truth.tags.get(tag) is not None:
                by_tag[tag][str(s.truth.tags[tag])].add(s)
        (should_pass if s.truth.valid else should_flag).add(s)
        if s.truth.tags.get("clean") and s.truth.valid:
            clean_should_pass.add(s)
    clean = by_segment.get("clean digital", Group())
    leaks = [(s.truth.claim_id, leak) for s in scored for leak in pii_leaks(s.truth, s.outcome.exposed_text)]
    values = {(s.truth.claim_id, kind, value) for s in scored for kind, value in s.truth.pii}
    return {
        "claims": overall.claims,
        "pii": {
            "values": len(values),
            "leaked": len(leaks),
            "leaked_by_kind": dict(Counter(leak["kind"] for _, leak in leaks)),
            "examples": [{"claim_id": c, **leak} for c, leak in leaks[:20]],
        },
        "overall": overall.to_json(),
        "by_kind": {name: by_segment[name].to_json() for name in SEGMENTS if name in by_segment},
        "by_delivery": {name: group.to_json() for name, group in sorted(by_delivery.items())},
        "by_tag": {
            tag: {value: group.to_json() for value, group in sorted(values_.items())}
            for tag, values_ in by_tag.items()
        },
        "auto_approve_precision": _share(overall.approved_right, overall.approved),
        "review_share": {
            "overall": _share(overall.claims - overall.approved, overall.claims),
            "clean_digital": _share(clean.claims - clean.approved, clean.claims),
            "clean_digital_should_pass": _share(
                clean_should_pass.claims - clean_should_pass.approved, clean_should_pass.claims
            ),
            "should_pass": _share(should_pass.claims - should_pass.approved, should_pass.claims),
            "should_be_flagged": _share(should_flag.claims - should_flag.approved, should_flag.claims),
        },
        "valid_auto_approved": {
            kind: by_delivery[kind].to_json()["valid_auto_approved"] for kind in sorted(by_delivery)
        },
        "should_pass": should_pass.to_json(),
        "should_be_flagged": should_flag.to_json(),
        "rule_outcomes_as_expected": _share(overall.rules_as_expected, overall.claims),
        "rule_confusion": _rule_confusion(scored),
        "review_causes": _review_causes(scored, threshold),
        "calibration": calibration(scored),
    }


def mismatches(scored: Sequence[Scored], limit: int = 300) -> list[dict[str, Any]]:
    """Wrong fields, auto-approved ones first: what a reader of the results wants to look at."""
    rows = [
        {
            "claim_id": s.truth.claim_id,
            "segment": segment(s.truth),
            "tags": s.truth.tags,
            "status": s.outcome.status,
            "field": name,
            "got": s.outcome.values.get(name),
            "want": s.truth.expected[TRUTH_KEY[name]],
            "field_confidence": s.outcome.confidences.get(name),
        }
        for s in scored
        for name, ok in s.correct.items()
        if not ok
    ]
    rows.sort(key=lambda r: (r["status"] != AUTO_APPROVED, r["segment"], r["claim_id"]))
    return rows[:limit]
