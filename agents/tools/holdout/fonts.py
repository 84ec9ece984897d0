"""Fonts, page sizes and text cleaning shared by every renderer.

Uses the PDF base-14 families plus Bitstream Vera (shipped with reportlab), so documents need
no system fonts and render identically on any machine.
"""

from __future__ import annotations

import unicodedata
from pathlib import Path
from typing import TYPE_CHECKING

import reportlab
from reportlab.lib.pagesizes import A4, A5, legal, letter
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.ttfonts import TTFont
from reportlab.pdfgen.canvas import Canvas

if TYPE_CHECKING:
    from .layout import Doc

PAGE_SIZES: dict[str, tuple[float, float]] = {"A4": A4, "A5": A5, "LETTER": letter, "LEGAL": legal}
FONTS: dict[str, tuple[str, str, str]] = {
    "helvetica": ("Helvetica", "Helvetica-Bold", "Helvetica-Oblique"),
    "times": ("Times-Roman", "Times-Bold", "Times-Italic"),
    "courier": ("Courier", "Courier-Bold", "Courier-Oblique"),
    "vera": ("Vera", "VeraBd", "VeraIt"),
}


def _register_vera() -> None:
    folder = Path(reportlab.__file__).parent / "fonts"
    for name in ("Vera", "VeraBd", "VeraIt"):
        if name not in pdfmetrics.getRegisteredFontNames():
            pdfmetrics.registerFont(TTFont(name, str(folder / f"{name}.ttf")))


_register_vera()


def clean(text: str) -> str:
    """``text`` restricted to what the built-in fonts can show (Windows-1252)."""
    try:
        text.encode("cp1252")
        return text
    except UnicodeEncodeError:
        out = []
        for char in text:
            try:
                char.encode("cp1252")
                out.append(char)
            except UnicodeEncodeError:
                folded = unicodedata.normalize("NFKD", char).encode("ascii", "ignore").decode()
                out.append(folded or "?")
        return "".join(out)


def put(
    c: Canvas,
    doc: Doc,
    x: float,
    y: float,
    s: str,
    *,
    font: str,
    size: float,
    color: tuple[float, float, float] = (0, 0, 0),
    align: str = "left",
) -> None:
    """Draw straight onto the canvas (for headers and footers), ``y`` measured from the top."""
    c.setFont(font, size)
    c.setFillColorRGB(*color)
    s = clean(s)
    if align == "right":
        c.drawRightString(x, doc.height - y, s)
    elif align == "center":
        c.drawCentredString(x, doc.height - y, s)
    else:
        c.drawString(x, doc.height - y, s)
