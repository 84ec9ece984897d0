"""Which of the book's policies a claim is under, from the spans of its text the book recognised.

`PolicyIndex.find` returns every span of the text that is a number of the region's book
(`PolicyMatch`: the policy, the span, and whether only case and separators differ from the
book's number). Deciding between them is this module's job, a pure function of the matches,
the text and how each page was read:

- a number written as the book writes it (up to case and separators) is the claim's own, and
  surer when a policy-number label stands before it on its line;
- a number that matches only once OCR confusions are forgiven (O/0, I/1, S/5, B/8 …) is taken
  when the page was read by OCR, where such slips happen; in a born-digital text the same
  difference is a typo, and a claim under a mistyped number goes to a person;
- two different policies at the same tier are a conflict, unless a label picks one.

A number one character away from a book number never matches at all (the index does not
forgive it), so such a claim has no policy here and fails `policy_exists` downstream.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Protocol

from agents.events import ExtractedField
from agents.extraction.lexicon import label_pattern

LABELLED_EXACT = 0.98  # the book's number, next to a policy-number label
EXACT = 0.96  # the book's number with no label: a number of the region's book in the claim is its own
OCR_REPAIRED = 0.93  # only OCR confusions forgiven, on a page read by OCR
REPAIRED_IN_TEXT = 0.6  # the same differences in a born-digital text are a typo: a person decides
SEVERAL_POLICIES = 0.5  # two different policies at the same tier and no label to choose
LABEL_WINDOW = 60  # characters before a number in which its label may stand (same line)
EVIDENCE_CHARS = 200


class Match(Protocol):
    """A span of the claim's text that is a number of the book (`agents.stores.PolicyMatch`)."""

    @property
    def policy_number(self) -> str: ...
    @property
    def start(self) -> int: ...
    @property
    def end(self) -> int: ...
    @property
    def exact(self) -> bool: ...


@dataclass(frozen=True)
class _Reading:
    policy_number: str
    start: int
    end: int
    tier: int  # 0 exact, 1 repaired on an OCR page, 2 repaired in born-digital text
    labelled: bool


def _line(text: str, start: int, end: int) -> tuple[int, int]:
    first = text.rfind("\n", 0, start) + 1
    last = text.find("\n", end)
    return first, len(text) if last < 0 else last


def _labelled(text: str, start: int) -> bool:
    first, _ = _line(text, start, start)
    before = text[max(first, start - LABEL_WINDOW) : start]
    return any(m.end() >= len(before.rstrip()) - 1 for m in label_pattern("policy_number").finditer(before))


def _read_by_ocr(pages: Sequence[tuple[int, int, str]], position: int) -> bool:
    return any(start <= position < end and method == "ocr" for start, end, method in pages)


def _page_of(pages: Sequence[tuple[int, int, str]], position: int) -> int | None:
    for number, (start, end, _) in enumerate(pages, start=1):
        if start <= position <= end:
            return number
    return None


def choose_policy(
    matches: Sequence[Match], text: str, pages: Sequence[tuple[int, int, str]] = ()
) -> ExtractedField:
    """The policy-number field of a claim from the book's matches in its text (empty if none).

    Args:
        matches: What the policy index found in `text`.
        text: The claim's text the matches point into (before redaction).
        pages: (start, end, method) of each page in `text`; "ocr" pages forgive OCR confusions.
    """
    readings = [
        _Reading(
            m.policy_number,
            m.start,
            m.end,
            0 if m.exact else (1 if _read_by_ocr(pages, m.start) else 2),
            _labelled(text, m.start),
        )
        for m in matches
    ]
    if not readings:
        return ExtractedField()
    best_tier = min(r.tier for r in readings)
    tier = [r for r in readings if r.tier == best_tier]
    labelled = [r for r in tier if r.labelled]
    numbers = sorted({r.policy_number for r in (labelled or tier)}, key=lambda n: _first(readings, n))
    chosen = next(r for r in (labelled or tier) if r.policy_number == numbers[0])
    if len(numbers) > 1:
        confidence = SEVERAL_POLICIES
    elif best_tier == 0:
        confidence = LABELLED_EXACT if chosen.labelled else EXACT
    else:
        confidence = OCR_REPAIRED if best_tier == 1 else REPAIRED_IN_TEXT
    first, last = _line(text, chosen.start, chosen.end)
    others = sorted({r.policy_number for r in readings} - {chosen.policy_number})
    return ExtractedField(
        value=chosen.policy_number,
        confidence=confidence,
        evidence=" ".join(text[first:last].split())[:EVIDENCE_CHARS],
        page=_page_of(pages, chosen.start),
        candidates=others,
    )


def _first(readings: Sequence[_Reading], number: str) -> int:
    return min(r.start for r in readings if r.policy_number == number)
