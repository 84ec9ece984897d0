"""Ticked boxes on a page image: the marks that OCR does not read as text.

A scanned or photographed form shows its type of loss as a row of drawn boxes, one ticked.
OCR reads the option words but not the tick (a cross or check drawn in a square), so the
form would say nothing about the type of loss. This finds small square outlines on the page
image and calls one ticked when strokes fill part of its inside, as a person would see it.
Each ticked box becomes a segment "☒" at its place, which the layout reader pairs with the
option printed nearest it on its row.

A solid square (a bullet) is not a ticked box: its inside is full, not crossed.
"""

from __future__ import annotations

import cv2
import numpy as np

from agents.documents.layout import Segment

TICK = "☒"
MIN_SIDE = 0.006  # of the page width: about 5 pt on A4, smaller than any tick box printed on a form
MAX_SIDE = 0.03  # about 18 pt: larger squares are table cells and photo frames
MIN_FILL = 0.08  # share of a box's inside that strokes cover when it is ticked
MAX_FILL = 0.75  # above this it is a solid bullet
SIDE_INK = 0.85  # share of a side that the outline's ink covers
_SQUARE = (0.75, 1.33)  # width / height


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
