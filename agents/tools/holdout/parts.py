"""Page furniture shared by the templates: insurer logos, letterheads, footers, styles.

Every insurer document gets the insurer's text logo and form footer; claimants, brokers,
repairers and police get their own looks, drawn per document.
"""

from __future__ import annotations

import random
from collections.abc import Callable

from reportlab.pdfgen.canvas import Canvas

from . import lexicon
from .fonts import FONTS, put
from .insurers import Insurer
from .layout import MM, Doc, Style

Chrome = Callable[[Canvas, Doc, int, int], None]


def insurer_style(ins: Insurer, rng: random.Random) -> Style:
    """The house style of an insurer's forms; the filled-in values may be typed in another font."""
    value_font = rng.choice((None, None, "courier", "helvetica"))
    return Style(
        page=ins.page,
        margin=ins.margin_mm * MM,
        font=ins.font,
        size=ins.font_size,
        bold_labels=ins.bold_labels,
        accent=ins.accent,
        value_font=value_font,
    )


def private_style(region: str, rng: random.Random, *, sizes: tuple[float, float] = (9.5, 12.5)) -> Style:
    """A private person's or small firm's document look."""
    page = "LETTER" if region == "US" and rng.random() < 0.85 else rng.choice(("A4", "A4", "A4", "A5"))
    if page == "LETTER" and rng.random() < 0.1:
        page = "LEGAL"
    size = round(rng.uniform(*sizes) * 2) / 2
    if page == "A5":
        size = min(size, 9.5)
    return Style(
        page=page,
        margin=rng.uniform(14, 30) * MM,
        font=rng.choice(tuple(FONTS)),
        size=size,
        accent=(rng.uniform(0, 0.5), rng.uniform(0, 0.5), rng.uniform(0.1, 0.6)),
    )


def insurer_header(ins: Insurer, title: str) -> Chrome:
    """Logo left, form title right, a rule in the accent colour."""

    def draw(c: Canvas, doc: Doc, index: int, count: int) -> None:
        size = doc.style.size
        bold = FONTS[doc.style.font][1]
        put(
            c,
            doc,
            doc.left,
            doc.style.margin * 0.55 + size * 1.6,
            ins.logo,
            font=bold,
            size=size * 1.75,
            color=ins.accent,
        )
        put(
            c,
            doc,
            doc.right,
            doc.style.margin * 0.55 + size * 1.5,
            title,
            font=bold,
            size=size * 1.15,
            align="right",
        )
        put(
            c,
            doc,
            doc.left,
            doc.style.margin * 0.55 + size * 2.9,
            " | ".join(ins.address[1:]),
            font=FONTS[doc.style.font][0],
            size=size * 0.7,
            color=(0.35, 0.35, 0.35),
        )
        c.setStrokeColorRGB(*ins.accent)
        c.setLineWidth(1.4)
        y = doc.height - (doc.style.margin * 0.55 + size * 3.5)
        c.line(doc.left, y, doc.right, y)

    return draw


def form_footer(ins: Insurer, lang: str, region: str, revision: str) -> Chrome:
    """Form number and revision left, page count right."""

    def draw(c: Canvas, doc: Doc, index: int, count: int) -> None:
        size = doc.style.size * 0.72
        regular = FONTS[doc.style.font][0]
        y = doc.height - doc.style.margin * 0.45
        put(
            c,
            doc,
            doc.left,
            y,
            lexicon.first(lang, "form_footer", region).format(code=ins.form_code, rev=revision),
            font=regular,
            size=size,
            color=(0.3, 0.3, 0.3),
        )
        put(
            c,
            doc,
            doc.right,
            y,
            lexicon.first(lang, "page", region).format(n=index + 1, m=count),
            font=regular,
            size=size,
            align="right",
            color=(0.3, 0.3, 0.3),
        )

    return draw


def page_number_footer(lang: str, region: str, *, plain: bool = False) -> Chrome:
    """A centred page number ("Page 2 of 3", or just "2")."""

    def draw(c: Canvas, doc: Doc, index: int, count: int) -> None:
        text = str(index + 1) if plain else lexicon.first(lang, "page", region).format(n=index + 1, m=count)
        put(
            c,
            doc,
            doc.width / 2,
            doc.height - doc.style.margin * 0.45,
            text,
            font=FONTS[doc.style.font][0],
            size=doc.style.size * 0.75,
            align="center",
            color=(0.3, 0.3, 0.3),
        )

    return draw


def letterhead(doc: Doc, lines: list[str], *, align: str = "left", bold_first: bool = True) -> None:
    """A sender block at the cursor."""
    size = doc.style.size
    x = doc.right if align == "right" else doc.left
    for i, line in enumerate(lines):
        doc.y += size * 1.25
        doc.text(
            x,
            doc.y,
            line,
            font=doc.font("bold") if i == 0 and bold_first else doc.font(),
            align=align,
            size=size * (1.1 if i == 0 and bold_first else 0.9),
        )
    doc.gap(size * 0.8)


def revision_text(ins: Insurer, rng: random.Random) -> str:
    """A form revision date as printed in footers (``03/2019``, ``2019-03``, ``(Rev. 3/19)``)."""
    d = ins.form_revision
    return rng.choice((f"{d.month:02d}/{d.year}", f"{d.year}-{d.month:02d}", f"{d.month}/{d.year % 100:02d}"))
