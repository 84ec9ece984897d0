"""A small page-layout layer over reportlab: flowing text, boxes, tables, checkboxes.

Drawing is recorded per page and replayed when the document is saved, so headers and footers
know the page count ("Page 1 of 2") and forms can put their printed template first and the
filled-in values after it, the order a filled PDF form has in its text layer.
"""

from __future__ import annotations

import io
import random
from collections.abc import Callable
from dataclasses import dataclass

from reportlab.pdfbase import pdfmetrics
from reportlab.pdfgen.canvas import Canvas

from .fonts import FONTS, PAGE_SIZES, clean

MM = 72 / 25.4
Op = Callable[[Canvas], None]


@dataclass
class Style:
    """How a document looks: page, margins, fonts and colours."""

    page: str = "A4"
    margin: float = 20 * MM
    font: str = "helvetica"
    size: float = 10.0
    bold_labels: bool = False
    accent: tuple[float, float, float] = (0.1, 0.1, 0.4)
    value_font: str | None = None  # filled-in values in another family (typed into a form)


class Doc:
    """A document being laid out top-down; ``y`` is the distance from the top of the page."""

    def __init__(
        self,
        style: Style,
        *,
        header: Callable[[Canvas, Doc, int, int], None] | None = None,
        footer: Callable[[Canvas, Doc, int, int], None] | None = None,
        top_extra: float = 0,
        bottom_extra: float = 0,
        overlay: bool = False,
    ) -> None:
        self.style = style
        self.width, self.height = PAGE_SIZES[style.page]
        self.left = style.margin
        self.right = self.width - style.margin * (0.8 if style.margin > 20 * MM else 1.0)
        self.top = style.margin * 0.8 + top_extra
        self.bottom = self.height - style.margin * 0.8 - bottom_extra
        self.header, self.footer, self.overlay = header, footer, overlay
        self.pages: list[list[tuple[int, Op]]] = []
        self.y = 0.0
        self.layer = 0
        self.new_page()

    # -- structure -------------------------------------------------------------------------
    @property
    def text_width(self) -> float:
        """The width between the margins."""
        return self.right - self.left

    def new_page(self) -> None:
        """Start a fresh page and put the cursor at its top margin."""
        self.pages.append([])
        self.y = self.top

    def need(self, height: float) -> None:
        """Break the page unless ``height`` still fits."""
        if self.y + height > self.bottom:
            self.new_page()

    def gap(self, height: float) -> None:
        """Vertical space."""
        self.y += height

    def op(self, fn: Op) -> None:
        """Record a drawing operation on the current page and layer."""
        self.pages[-1].append((self.layer, fn))

    def font(self, kind: str = "regular", value: bool = False) -> str:
        """The font name of a kind (regular, bold, italic), for a label or a filled-in value."""
        family = self.style.value_font if value and self.style.value_font else self.style.font
        return FONTS[family][{"regular": 0, "bold": 1, "italic": 2}[kind]]

    # -- primitives --------------------------------------------------------------------------
    def text(
        self,
        x: float,
        y: float,
        s: str,
        *,
        size: float | None = None,
        font: str | None = None,
        color: tuple[float, float, float] = (0, 0, 0),
        align: str = "left",
    ) -> None:
        """One line of text with its baseline ``y`` below the top edge."""
        s, size_, font_, h = clean(s), size or self.style.size, font or self.font(), self.height

        def draw(c: Canvas) -> None:
            c.setFont(font_, size_)
            c.setFillColorRGB(*color)
            if align == "right":
                c.drawRightString(x, h - y, s)
            elif align == "center":
                c.drawCentredString(x, h - y, s)
            else:
                c.drawString(x, h - y, s)

        self.op(draw)

    def line(
        self,
        x1: float,
        y1: float,
        x2: float,
        y2: float,
        *,
        width: float = 0.6,
        color: tuple[float, float, float] = (0, 0, 0),
    ) -> None:
        """A straight line."""
        h = self.height

        def draw(c: Canvas) -> None:
            c.setStrokeColorRGB(*color)
            c.setLineWidth(width)
            c.line(x1, h - y1, x2, h - y2)

        self.op(draw)

    def rect(
        self,
        x: float,
        y: float,
        w: float,
        hgt: float,
        *,
        stroke: float = 0.6,
        fill: tuple[float, float, float] | None = None,
        color: tuple[float, float, float] = (0, 0, 0),
    ) -> None:
        """A rectangle with its top-left corner at (x, y)."""
        h = self.height

        def draw(c: Canvas) -> None:
            c.setLineWidth(stroke)
            c.setStrokeColorRGB(*color)
            if fill:
                c.setFillColorRGB(*fill)
            c.rect(x, h - y - hgt, w, hgt, stroke=1 if stroke else 0, fill=1 if fill else 0)

        self.op(draw)

    def width_of(self, s: str, size: float | None = None, font: str | None = None) -> float:
        """The printed width of ``s``."""
        return float(pdfmetrics.stringWidth(clean(s), font or self.font(), size or self.style.size))

    def wrap(self, text: str, width: float, size: float | None = None, font: str | None = None) -> list[str]:
        """``text`` broken into lines no wider than ``width`` (explicit newlines kept)."""
        lines: list[str] = []
        for para in text.split("\n"):
            current = ""
            for word in para.split(" "):
                trial = f"{current} {word}" if current else word
                if current and self.width_of(trial, size, font) > width:
                    lines.append(current)
                    current = word
                else:
                    current = trial
            lines.append(current)
        return lines

    # -- flowing blocks ------------------------------------------------------------------------
    def paragraph(
        self,
        text: str,
        *,
        x: float | None = None,
        width: float | None = None,
        size: float | None = None,
        font: str | None = None,
        leading: float = 1.3,
        after: float = 0.5,
    ) -> None:
        """Wrapped text at the cursor, breaking pages as needed."""
        x = self.left if x is None else x
        size_ = size or self.style.size
        for line in self.wrap(text, width or (self.right - x), size_, font):
            self.need(size_ * leading)
            self.y += size_ * leading
            self.text(x, self.y, line, size=size_, font=font)
        self.y += size_ * after

    def kv(self, label: str, value: str, *, label_width: float | None = None, sep: str = ":") -> None:
        """``Label: value`` on one line (the value wraps under itself if long)."""
        size = self.style.size
        if label.endswith(("?", ":")):
            sep = ""
        lw = (
            label_width
            or self.width_of(
                label + sep + " ", size, self.font("bold" if self.style.bold_labels else "regular")
            )
            + 4
        )
        lines = self.wrap(value, self.right - self.left - lw, size, self.font(value=True))
        self.need(size * 1.45 * len(lines))
        self.y += size * 1.45
        self.text(
            self.left, self.y, label + sep, font=self.font("bold" if self.style.bold_labels else "regular")
        )
        self.layer = 1 if self.overlay else 0
        for i, line in enumerate(lines):
            self.text(self.left + lw, self.y + i * size * 1.3, line, font=self.font(value=True))
        self.layer = 0
        self.y += size * 1.3 * (len(lines) - 1)

    def boxes(self, fields: list[tuple[str, str]], columns: int, *, height: float | None = None) -> None:
        """Label-above-value boxes in ``columns`` columns, filling rows left to right."""
        size = self.style.size
        col_w = self.text_width / columns
        for start in range(0, len(fields), columns):
            row = fields[start : start + columns]
            wrapped = [self.wrap(v, col_w - 8, size, self.font(value=True)) for _, v in row]
            box_h = height or size * (1.6 + 1.3 * max(len(w) for w in wrapped)) + 6
            self.need(box_h)
            for i, ((label, _), lines) in enumerate(zip(row, wrapped, strict=True)):
                x = self.left + i * col_w
                self.rect(x, self.y, col_w, box_h, stroke=0.5, color=self.style.accent)
                self.text(
                    x + 3,
                    self.y + size * 0.85 + 1,
                    label,
                    size=size * 0.72,
                    color=self.style.accent,
                    font=self.font("bold" if self.style.bold_labels else "regular"),
                )
                self.layer = 1 if self.overlay else 0
                for j, line in enumerate(lines):
                    self.text(x + 5, self.y + size * (1.95 + 1.3 * j) + 2, line, font=self.font(value=True))
                self.layer = 0
            self.y += box_h

    def table(
        self,
        headers: list[str],
        rows: list[list[str]],
        widths: list[float],
        *,
        align: list[str] | None = None,
        header_fill: tuple[float, float, float] = (0.88, 0.88, 0.88),
    ) -> None:
        """A ruled table with a shaded header row; ``widths`` are fractions of the text width."""
        size = self.style.size
        xs = [self.left]
        for w in widths:
            xs.append(xs[-1] + w * self.text_width)
        align = align or ["left"] * len(headers)
        for r, cells in enumerate([headers, *rows]):
            cell_font = self.font("bold") if r == 0 else self.font(value=True)
            wrapped = [self.wrap(c, (xs[i + 1] - xs[i]) - 6, size, cell_font) for i, c in enumerate(cells)]
            row_h = size * 1.35 * max(len(w) for w in wrapped) + 5
            self.need(row_h)
            if r == 0:
                self.rect(xs[0], self.y, xs[-1] - xs[0], row_h, stroke=0, fill=header_fill)
            for i, lines in enumerate(wrapped):
                for j, line in enumerate(lines):
                    font = cell_font
                    base = self.y + size * (1.1 + 1.35 * j) + 1
                    if align[i] == "right" and r > 0:
                        self.text(xs[i + 1] - 3, base, line, font=font, align="right")
                    else:
                        self.text(xs[i] + 3, base, line, font=font)
            self.line(xs[0], self.y + row_h, xs[-1], self.y + row_h, width=0.4)
            self.y += row_h

    def checkbox(self, x: float, y: float, checked: bool, style: str, size: float) -> float:
        """A tick box (bracket, xbox, ballot, check or filled) with its top at ``y``; returns its width."""
        if style == "bracket":
            s = "[X]" if checked else "[  ]"
            self.text(x, y + size * 0.85, s, size=size)
            return self.width_of("[X]", size) + 2
        box = size * 0.9
        self.rect(x, y, box, box, stroke=0.7)
        if checked:
            if style == "xbox":
                self.text(
                    x + box / 2, y + box * 0.82, "X", size=size * 0.85, font="Helvetica-Bold", align="center"
                )
            elif style == "ballot":
                self.line(x + 1, y + 1, x + box - 1, y + box - 1, width=1)
                self.line(x + 1, y + box - 1, x + box - 1, y + 1, width=1)
            elif style == "check":
                self.text(x + 0.5, y + box * 0.85, "4", size=size, font="ZapfDingbats")
            else:
                self.rect(x + 1.5, y + 1.5, box - 3, box - 3, stroke=0, fill=(0, 0, 0))
        return box + 3

    def checkbox_row(self, options: list[tuple[str, bool]], style: str) -> None:
        """Tick boxes with their captions, wrapping onto further rows as needed."""
        size = self.style.size
        x = self.left
        self.need(size * 1.6)
        for caption, checked in options:
            w = self.width_of(caption, size) + size * 2.8
            if x + w > self.right:
                x = self.left
                self.y += size * 1.6
                self.need(size * 1.6)
            x += self.checkbox(x, self.y + size * 0.25, checked, style, size)
            self.text(x, self.y + size * 1.1, caption, size=size)
            x += w - size * 1.2
        self.y += size * 1.8

    def signature(self, x: float, y: float, width: float, rng: random.Random) -> None:
        """A handwritten-looking squiggle with its baseline at ``y``."""
        h = self.height
        points = [(x + width * i / 6, y - rng.uniform(2, 14)) for i in range(7)]

        def draw(c: Canvas) -> None:
            c.setStrokeColorRGB(0.08, 0.12, 0.45)
            c.setLineWidth(1.1)
            path = c.beginPath()
            path.moveTo(points[0][0], h - points[0][1])
            for (x1, y1), (x2, y2) in zip(points[1::2], points[2::2], strict=False):
                path.curveTo(x1, h - y1 - 9, x1 + 6, h - y1 + 9, x2, h - y2)
            c.drawPath(path, stroke=1, fill=0)

        self.op(draw)

    # -- output ----------------------------------------------------------------------------------
    def render(self) -> bytes:
        """The PDF, with headers and footers that know the page count; identical for identical input."""
        buf = io.BytesIO()
        canvas = Canvas(buf, pagesize=(self.width, self.height), invariant=1, pageCompression=1)
        canvas.setTitle("")
        pages = [p for p in self.pages if p] or [[]]
        for index, page in enumerate(pages):
            if self.header:
                self.header(canvas, self, index, len(pages))
            for layer in (0, 1):
                for op_layer, fn in page:
                    if op_layer == layer:
                        fn(canvas)
            if self.footer:
                self.footer(canvas, self, index, len(pages))
            canvas.showPage()
        canvas.save()
        return buf.getvalue()

    @property
    def page_count(self) -> int:
        """Pages with content (what ``render`` will write)."""
        return max(1, sum(1 for p in self.pages if p))
