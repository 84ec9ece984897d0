"""Where each run of words sits on its page: the layout a form's fields are read from.

A claim form pairs a label with its value by position (the value right of the label, or in
the box below it, or in the column under a table header), which a flat text loses. A
`Segment` is one run of words on one visual line, with its box as fractions of the page
(x to the right, y down, so layouts of any page size compare) and, when known, its offsets
in the page's text, so the redaction of the text can be carried over to the segments.

Born-digital pages get their segments from pdfium's text rectangles (one per run of
characters on a line; a gap between table columns ends a run). OCR'd pages get one segment
per detected text box.
"""

from __future__ import annotations

import logging
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from agents.events import LayoutLine

__all__ = ["LayoutLine", "Segment", "locate", "pdfium_segments"]

# pdfium rectangles narrower than this share of the page and holding only spaces are noise.
_MIN_TEXT = 1
# Reading a rectangle's text scans every character of the page (about 50 ns each), so the layout
# costs runs x characters. A dense 6 pt table page (1,651 runs, 16,453 characters) is 2.7e7; a
# page of one-character runs built to stall the reader (20,000 x 20,000) took 20 s. Past this
# budget (about 1.5 s) the page is read without its layout: its text is still the claim's.
MAX_LAYOUT_WORK = 30_000_000

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class Segment:
    """One run of words on one visual line: its text, box and offsets in its page's text (-1: unknown)."""

    text: str
    x0: float
    y0: float
    x1: float
    y1: float
    start: int = -1
    end: int = -1

    @property
    def height(self) -> float:
        return self.y1 - self.y0

    def same_row(self, other: Segment) -> bool:
        """Whether the two share a visual line (their vertical extents overlap by half the smaller)."""
        overlap = min(self.y1, other.y1) - max(self.y0, other.y0)
        return overlap > 0.5 * min(self.height, other.height)


def locate(segments: Sequence[Segment], page_text: str) -> tuple[Segment, ...]:
    """The segments with their offsets in `page_text`, found in order (a segment not found keeps -1)."""
    located, cursor = [], 0
    for segment in segments:
        needle = segment.text.strip()
        found = page_text.find(needle, cursor) if needle else -1
        if found < 0:
            located.append(segment)
            continue
        located.append(
            Segment(
                segment.text.strip(),
                segment.x0,
                segment.y0,
                segment.x1,
                segment.y1,
                found,
                found + len(needle),
            )
        )
        cursor = found + len(needle)
    return tuple(located)


def pdfium_segments(textpage: Any, width: float, height: float) -> list[Segment]:
    """The text rectangles of a pdfium text page, as segments in text order (call under the pdfium lock).

    No segments for a page whose layout would take longer to read than `MAX_LAYOUT_WORK` allows.
    """
    runs, chars = textpage.count_rects(), textpage.count_chars()
    if runs * chars > MAX_LAYOUT_WORK:
        log.warning("page with %d text runs over %d characters: read without its layout", runs, chars)
        return []
    found = []
    for index in range(runs):
        left, bottom, right, top = textpage.get_rect(index)
        text = textpage.get_text_bounded(left, bottom, right, top)
        text = " ".join(text.split())
        if len(text) < _MIN_TEXT:
            continue
        found.append(
            Segment(
                text,
                round(left / width, 4),
                round(1 - top / height, 4),
                round(right / width, 4),
                round(1 - bottom / height, 4),
            )
        )
    return found
