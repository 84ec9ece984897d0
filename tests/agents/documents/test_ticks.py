"""Ticked boxes found on page images, where OCR reads the option words but not the tick."""

from __future__ import annotations

import io

import cv2
import numpy as np
import pypdfium2 as pdfium
import pytest
from reportlab.lib.pagesizes import A4
from reportlab.pdfgen import canvas

from agents.documents import DocumentSettings, read_claim
from agents.documents.ticks import TICK, find_ticks
from agents.extraction.layout_fields import TICKED
from agents.extraction.reading import read_claim_fields

WIDTH, HEIGHT = 1240, 1754  # A4 at 150 dpi


def _page() -> np.ndarray:
    return np.full((HEIGHT, WIDTH), 255, dtype=np.uint8)


def _box(page: np.ndarray, x: int, y: int, side: int = 19, *, mark: str = "") -> None:
    cv2.rectangle(page, (x, y), (x + side, y + side), 0, 2)
    if mark == "cross":
        cv2.line(page, (x + 4, y + 4), (x + side - 4, y + side - 4), 0, 2)
        cv2.line(page, (x + side - 4, y + 4), (x + 4, y + side - 4), 0, 2)
    elif mark == "check":
        cv2.line(page, (x + 4, y + side // 2), (x + side // 2 - 1, y + side - 5), 0, 2)
        cv2.line(page, (x + side // 2 - 1, y + side - 5), (x + side - 3, y + 3), 0, 2)


@pytest.mark.parametrize("mark", ["cross", "check"])
def test_the_ticked_box_of_a_row_is_found_and_the_empty_ones_are_not(mark: str) -> None:
    page = _page()
    for i in range(4):
        _box(page, 400 + 200 * i, 300, mark=mark if i == 2 else "")
    ticks = find_ticks(page)
    assert [t.text for t in ticks] == [TICK]
    (tick,) = ticks
    assert tick.x0 == pytest.approx(800 / WIDTH, abs=0.003) and tick.y0 == pytest.approx(
        300 / HEIGHT, abs=0.003
    )


def test_bullets_table_cells_and_letters_are_not_ticks() -> None:
    page = _page()
    cv2.rectangle(page, (100, 100), (118, 118), 0, -1)  # a solid bullet
    cv2.rectangle(page, (100, 400), (700, 460), 0, 2)  # a table cell
    cv2.putText(page, "O D 0 X", (100, 700), cv2.FONT_HERSHEY_SIMPLEX, 0.8, 0, 2)  # letters, an X of text
    assert find_ticks(page) == []


def test_a_blank_or_tiny_image_has_no_ticks() -> None:
    assert find_ticks(_page()) == []
    assert find_ticks(np.zeros((8, 8), dtype=np.uint8)) == []


def test_a_scanned_form_names_the_type_of_loss_its_drawn_tick_marks() -> None:
    buffer = io.BytesIO()
    page = canvas.Canvas(buffer, pagesize=A4)
    _, top = A4
    page.setFont("Helvetica", 10)
    page.drawString(60, top - 150, "Type of loss:")
    for i, (option, ticked) in enumerate(
        [("Fire", False), ("Theft", True), ("Water", False), ("Storm", False)]
    ):
        x = 200 + i * 80
        page.rect(x, top - 152, 9, 9)
        if ticked:
            page.drawString(x + 1.5, top - 150, "X")  # OCR does not read this as text
        page.drawString(x + 14, top - 150, option)
    page.save()
    scan = pdfium.PdfDocument(buffer.getvalue())[0].render(scale=150 / 72).to_pil().convert("L")
    png = io.BytesIO()
    scan.save(png, format="PNG")
    read = read_claim([(png.getvalue(), "form.png")], DocumentSettings(), None).redacted("UK")
    assert any(line.text == TICK for line in read.lines)
    found = read_claim_fields(read.text, read.lines, "UK").damage_type
    assert (found.value, found.confidence) == ("theft", TICKED)


def test_a_born_digital_forms_tick_drawn_as_a_path_in_a_vector_box_is_read() -> None:
    # A form exported from a word processor: boxes and the tick are paths, not text. Next to the
    # ticked box: an empty box, a box whose white inner square only thickens its border, a bullet.
    buffer = io.BytesIO()
    page = canvas.Canvas(buffer, pagesize=A4)
    _, top = A4
    page.setFont("Helvetica", 10)
    page.drawString(60, top - 150, "Please tick the type of loss")
    for i, option in enumerate(["Fire", "Theft", "Water", "Storm"]):
        x, y = 60 + i * 110, top - 172
        page.setFillColorRGB(0, 0, 0)
        page.rect(x, y, 9, 9, stroke=1, fill=0)
        if option == "Water":
            page.line(x + 2, y + 2, x + 7, y + 7)  # a cross drawn in the box
            page.line(x + 2, y + 7, x + 7, y + 2)
        elif option == "Theft":
            page.setFillColorRGB(1, 1, 1)
            page.rect(x + 1, y + 1, 7, 7, stroke=0, fill=1)  # white: nothing on paper
            page.setFillColorRGB(0, 0, 0)
        page.drawString(x + 14, y + 1, option)
    page.rect(480, top - 172, 6, 6, stroke=0, fill=1)  # a bullet, not a box
    page.drawString(490, top - 171, "see overleaf")
    page.drawString(60, top - 200, "What happened? A pipe burst under the kitchen sink overnight.")
    page.save()
    read = read_claim([(buffer.getvalue(), "form.pdf")], DocumentSettings(), None).redacted("UK")
    assert [line.text for line in read.lines].count(TICK) == 1
    found = read_claim_fields(read.text, read.lines, "UK").damage_type
    assert (found.value, found.confidence) == ("water", TICKED)
