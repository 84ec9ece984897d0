"""Ticked boxes on a page image: the marks that OCR does not read as text.

A scanned or photographed form shows its type of loss as a row of drawn boxes, one ticked.
OCR reads the option words but not the tick (a cross or check drawn in a square), so the
form would say nothing about the type of loss. This finds small square outlines on the page
image and calls one ticked when strokes fill part of its inside, as a person would see it.
Each ticked box becomes a segment "☒" at its place, which the layout reader pairs with the
option printed nearest it on its row.

A born-digital form draws its boxes as vector paths, and a tick as a path inside one (a cross,
a check or a filled square): no glyph in the text layer says which box is ticked. `drawn_ticks`
finds those on a PDF page the same way, from the paths' bounds instead of the image's ink.

A solid square (a bullet) is not a ticked box: its inside is full, not crossed.
"""

from __future__ import annotations

import ctypes
import logging
from typing import Any

import cv2
import numpy as np
import pypdfium2.raw as pdfium_c

from agents.documents.layout import Segment

TICK = "☒"
MIN_SIDE = 0.006  # of the page width: about 5 pt on A4, smaller than any tick box printed on a form
MAX_SIDE = 0.03  # about 18 pt: larger squares are table cells and photo frames
MIN_FILL = 0.08  # share of a box's inside that strokes cover when it is ticked
MAX_FILL = 0.75  # above this it is a solid bullet
SIDE_INK = 0.85  # share of a side that the outline's ink covers
_SQUARE = (0.75, 1.33)  # width / height
# A page drawn with more paths than this is a drawing or a map, not a form: its ticks are not read.
MAX_DRAWN_PATHS = 5_000
MARK_REACH = 1.5  # a drawn tick may overrun its box, but not by more than this times the box's side
BOX_SEGMENTS = 4  # a drawn square has four sides at least; a tick's stroke (a line) has two points
WHITE = 235  # each of R, G and B at or above this paints nothing visible on paper

log = logging.getLogger(__name__)


def find_ticks(image: np.ndarray) -> list[Segment]:
    """The ticked boxes on a greyscale page image, as "☒" segments in page fractions, top to bottom."""
    if image.ndim != 2 or min(image.shape) < 32:
        return []
    height, width = image.shape
    _, ink = cv2.threshold(image, 0, 255, cv2.THRESH_BINARY_INV | cv2.THRESH_OTSU)
    contours, _ = cv2.findContours(ink, cv2.RETR_LIST, cv2.CHAIN_APPROX_SIMPLE)
    found: list[tuple[int, int, int, int]] = []
    for contour in contours:
        x, y, w, h = cv2.boundingRect(contour)
        if not (MIN_SIDE * width <= w <= MAX_SIDE * width and _SQUARE[0] <= w / max(h, 1) <= _SQUARE[1]):
            continue
        outline = cv2.approxPolyDP(contour, 0.1 * cv2.arcLength(contour, True), True)
        if len(outline) != 4 or cv2.contourArea(contour) < 0.6 * w * h:
            continue  # not a square outline (a letter, a blot, a tick's own stroke)
        if not _outlined(ink[y : y + h, x : x + w]):
            continue  # round or open shapes ("O", "0", "D") are letters, not boxes
        if any(_same_box((x, y, w, h), other) for other in found):
            continue  # the inner edge of a square already found
        found.append((x, y, w, h))
    ticks = []
    for x, y, w, h in found:
        margin_x, margin_y = max(2, w // 5), max(2, h // 5)
        inside = ink[y + margin_y : y + h - margin_y, x + margin_x : x + w - margin_x]
        if inside.size and MIN_FILL <= float(np.count_nonzero(inside)) / inside.size <= MAX_FILL:
            ticks.append(
                Segment(
                    TICK,
                    round(x / width, 4),
                    round(y / height, 4),
                    round((x + w) / width, 4),
                    round((y + h) / height, 4),
                )
            )
    return sorted(ticks, key=lambda s: (s.y0, s.x0))


def _outlined(box: np.ndarray) -> bool:
    """Whether ink runs along all four sides of the rectangle, as a drawn square's outline does."""
    band = max(2, min(box.shape) // 5)
    sides = (box[:band, :], box[-band:, :], box[:, :band].T, box[:, -band:].T)
    return all(float((side > 0).mean(axis=1).max()) >= SIDE_INK for side in sides)


def _same_box(a: tuple[int, int, int, int], b: tuple[int, int, int, int]) -> bool:
    """Whether two rectangles are the outer and inner edge of one drawn square (centres within a few px)."""
    (ax, ay, aw, ah), (bx, by, bw, bh) = a, b
    return abs((ax + aw / 2) - (bx + bw / 2)) <= 0.25 * max(aw, bw) and abs(
        (ay + ah / 2) - (by + bh / 2)
    ) <= 0.25 * max(ah, bh)


def drawn_ticks(page: Any, width: float, height: float) -> list[Segment]:
    """The ticked boxes drawn as vector paths on a pdfium page (its raw handle), as "☒" segments.

    A box is a visible square path of four sides or more, the size of a tick box; it is ticked
    when another visible path (a cross, a check, a filled square) has its centre inside it and is
    not the box itself drawn twice. Call under the pdfium lock.
    """
    paths = _visible_paths(page, width, height)
    boxes = [
        (bounds, index)
        for index, (bounds, segments) in enumerate(paths)
        if segments >= BOX_SEGMENTS
        and MIN_SIDE <= bounds[2] - bounds[0] <= MAX_SIDE
        and _SQUARE[0]
        <= (bounds[2] - bounds[0]) / max((bounds[3] - bounds[1]) * height / width, 1e-9)
        <= _SQUARE[1]
    ]
    ticks = []
    for box, index in boxes:
        if any(_marks(box, other) for i, (other, _) in enumerate(paths) if i != index):
            x0, y0, x1, y1 = (round(v, 4) for v in box)
            segment = Segment(TICK, x0, y0, x1, y1)
            if segment not in ticks:
                ticks.append(segment)
    return sorted(ticks, key=lambda s: (s.y0, s.x0))


def _visible_paths(
    page: Any, width: float, height: float
) -> list[tuple[tuple[float, float, float, float], int]]:
    """The page's paths that put ink on paper: their bounds (x0, y0, x1, y1 in page fractions, top
    down) and how many segments draw them."""
    count = pdfium_c.FPDFPage_CountObjects(page)
    if count > MAX_DRAWN_PATHS * 4:
        log.warning("page with %d objects: its drawn tick boxes are not read", count)
        return []
    found: list[tuple[tuple[float, float, float, float], int]] = []
    left, bottom, right, top = (ctypes.c_float() for _ in range(4))
    for index in range(count):
        obj = pdfium_c.FPDFPage_GetObject(page, index)
        if pdfium_c.FPDFPageObj_GetType(obj) != pdfium_c.FPDF_PAGEOBJ_PATH or not _inked(obj):
            continue
        if not pdfium_c.FPDFPageObj_GetBounds(obj, left, bottom, right, top):
            continue
        bounds = (left.value / width, 1 - top.value / height, right.value / width, 1 - bottom.value / height)
        found.append((bounds, pdfium_c.FPDFPath_CountSegments(obj)))
        if len(found) > MAX_DRAWN_PATHS:
            log.warning("page with over %d paths: its drawn tick boxes are not read", MAX_DRAWN_PATHS)
            return []
    return found


def _inked(obj: Any) -> bool:
    """Whether a path is filled or stroked in a colour that shows on white paper."""
    fill_mode, stroke = ctypes.c_int(), ctypes.c_int()
    if not pdfium_c.FPDFPath_GetDrawMode(obj, fill_mode, stroke):
        return False
    colour = (ctypes.c_uint(), ctypes.c_uint(), ctypes.c_uint(), ctypes.c_uint())
    for painted, get in (
        (fill_mode.value != 0, pdfium_c.FPDFPageObj_GetFillColor),
        (bool(stroke.value), pdfium_c.FPDFPageObj_GetStrokeColor),
    ):
        if painted and get(obj, *colour) and colour[3].value > 0 and min(c.value for c in colour[:3]) < WHITE:
            return True
    return False


def _marks(box: tuple[float, float, float, float], other: tuple[float, float, float, float]) -> bool:
    """Whether `other` is a mark drawn in `box`: centred inside it, no larger than a tick, not its outline."""
    bx0, by0, bx1, by1 = box
    ox0, oy0, ox1, oy1 = other
    side_x, side_y = bx1 - bx0, by1 - by0
    centre_x, centre_y = (ox0 + ox1) / 2, (oy0 + oy1) / 2
    if not (bx0 < centre_x < bx1 and by0 < centre_y < by1):
        return False
    if ox1 - ox0 > MARK_REACH * side_x or oy1 - oy0 > MARK_REACH * side_y:
        return False
    inset = 0.1  # the box drawn a second time (a fill under its stroke) has the same bounds
    return not all(
        abs(a - b) <= inset * side
        for a, b, side in ((ox0, bx0, side_x), (oy0, by0, side_y), (ox1, bx1, side_x), (oy1, by1, side_y))
    )
