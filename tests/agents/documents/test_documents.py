"""Document reader: text layer or OCR per page, and a typed, permanent error for every bad input.

OCR is stubbed here so these tests stay fast; tests/test_ocr.py runs the real models.
"""

from __future__ import annotations

import io
import re
from collections.abc import Callable
from pathlib import Path

import numpy as np
import pypdf
import pytest
from PIL import Image
from reportlab.pdfgen import canvas

from agents.documents import (
    CorruptDocument,
    CorruptImage,
    DocumentError,
    DocumentTooLarge,
    EmptyDocument,
    EncryptedDocument,
    ImageTooLarge,
    OcrFailed,
    OcrTimeLimitExceeded,
    PageText,
    PageTooLarge,
    UnsupportedDocument,
    read_document,
)
from agents.documents.ocr import OcrEngine, OcrError, OcrResult
from agents.tools.samples import corrupt_pdf_bytes, generate

PdfFactory = Callable[..., bytes]


class StubOcr(OcrEngine):
    """Answers every page with fixed lines and records the image sizes it was given."""

    def __init__(self, lines: list[str] | None = None, error: Exception | None = None) -> None:
        super().__init__()
        self.lines = lines or []
        self.error = error
        self.shapes: list[tuple[int, ...]] = []

    def recognise(self, image: np.ndarray, *, timeout: float) -> OcrResult:
        self.shapes.append(image.shape)
        if self.error:
            raise self.error
        return OcrResult(lines=self.lines, scores=[0.9, 0.7][: len(self.lines)], seconds=0.0)


def _image_bytes(fmt: str, size: tuple[int, int] = (120, 80), frames: int = 1) -> bytes:
    images = [Image.new("L", size, 255 - index) for index in range(frames)]
    buffer = io.BytesIO()
    images[0].save(buffer, fmt, save_all=frames > 1, append_images=images[1:])
    return buffer.getvalue()


@pytest.fixture
def pdf_factory() -> PdfFactory:
    """Build a PDF with one page per entry; None makes a page without any text."""

    def build(*pages: str | None) -> bytes:
        buffer = io.BytesIO()
        pdf = canvas.Canvas(buffer, invariant=1)
        for text in pages:
            if text is None:
                pdf.rect(100, 100, 200, 200, fill=1)
            else:
                pdf.drawString(72, 720, text)
            pdf.showPage()
        pdf.save()
        return buffer.getvalue()

    return build


def test_reads_a_generated_claim(tmp_path: Path) -> None:
    corpus = generate(tmp_path, claims=3)
    for path in corpus.claim_files:
        document = read_document(path.read_bytes(), filename=path.name)
        assert len(document.pages) == 1
        assert "POL-" in document.text


def test_pages_are_kept_apart(pdf_factory: PdfFactory) -> None:
    document = read_document(pdf_factory("first page of text", "second page of text"))
    assert [(p.method, p.confidence) for p in document.page_texts] == [("text", 1.0), ("text", 1.0)]
    first, second = (page.segments for page in document.page_texts)
    assert [s.text for s in first] == ["first page of text"]
    assert [s.text for s in second] == ["second page of text"]
    assert (first[0].start, first[0].end) == (0, len("first page of text"))
    assert 0 < first[0].x0 < first[0].x1 < 1 and 0 < first[0].y0 < first[0].y1 < 1
    assert document.pages == ["first page of text", "second page of text"]
    assert document.text == "first page of text\n\f\nsecond page of text"
    assert (document.min_confidence, document.ocr_pages) == (1.0, 0)


def test_page_without_text_layer_goes_to_ocr(pdf_factory: PdfFactory) -> None:
    ocr = StubOcr(["Policy number: POL-EU-2024-000001", "Date of loss: 01.02.2024"])
    document = read_document(pdf_factory("a page with a real text layer", None), ocr=ocr)
    assert [(p.text, p.method, p.confidence) for p in document.page_texts] == [
        ("a page with a real text layer", "text", 1.0),
        ("Policy number: POL-EU-2024-000001\nDate of loss: 01.02.2024", "ocr", 0.8),
    ]
    assert (document.min_confidence, document.ocr_pages) == (0.8, 1)
    assert len(ocr.shapes) == 1 and max(ocr.shapes[0]) <= 2000


@pytest.mark.parametrize("fmt", ["PNG", "JPEG", "TIFF"])
def test_images_are_ocred(fmt: str) -> None:
    document = read_document(_image_bytes(fmt), filename=f"photo.{fmt.lower()}", ocr=StubOcr(["some text"]))
    assert document.page_texts == [PageText("some text", "ocr", 0.9)]


def test_multi_page_tiff_is_one_page_per_frame() -> None:
    ocr = StubOcr(["text"])
    assert len(read_document(_image_bytes("TIFF", frames=3), ocr=ocr).pages) == 3
    assert len(ocr.shapes) == 3


def test_large_photos_are_downscaled_before_ocr() -> None:
    ocr = StubOcr(["text"])
    read_document(_image_bytes("JPEG", size=(4000, 3000)), ocr=ocr)
    assert max(ocr.shapes[0]) <= 2000


def test_corrupt_bytes(tmp_path: Path) -> None:
    with pytest.raises(CorruptDocument, match=r"claim\.pdf: cannot parse PDF") as caught:
        read_document(corrupt_pdf_bytes(), filename="claim.pdf")
    assert caught.value.__cause__ is not None
    assert caught.value.retryable is False


@pytest.mark.parametrize("data", [b"GIF89a" + b"\x00" * 100, b"PK\x03\x04 a word document", b"plain text"])
def test_other_types_are_unsupported(data: bytes) -> None:
    with pytest.raises(UnsupportedDocument, match="unsupported document type"):
        read_document(data, filename="upload.bin", ocr=StubOcr())


def test_garbage_after_image_header_is_corrupt() -> None:
    with pytest.raises(CorruptImage, match=r"photo\.png: cannot decode image"):
        read_document(b"\x89PNG\r\n\x1a\n" + b"\x00" * 100, filename="photo.png", ocr=StubOcr())


@pytest.mark.parametrize("fmt", ["PNG", "JPEG", "TIFF"])
def test_truncated_image_is_corrupt(fmt: str) -> None:
    noise = np.random.default_rng(0).integers(0, 255, (200, 300), dtype=np.uint8)
    buffer = io.BytesIO()
    Image.fromarray(noise).save(buffer, fmt)
    data = buffer.getvalue()
    with pytest.raises(CorruptImage, match="truncated") as caught:
        read_document(data[: len(data) // 2], filename="scan", ocr=StubOcr(["never"]))
    assert caught.value.retryable is False


def test_image_over_the_pixel_limit_is_refused_before_decoding() -> None:
    with pytest.raises(ImageTooLarge, match="120x80 pixels, over the limit of 5000"):
        read_document(_image_bytes("PNG"), max_pixels=5000, ocr=StubOcr(["never"]))


def test_tiff_with_too_many_frames() -> None:
    with pytest.raises(DocumentTooLarge, match="3 pages exceeds the limit of 2"):
        read_document(_image_bytes("TIFF", frames=3), max_pages=2, ocr=StubOcr(["never"]))


def test_ocr_failures_are_permanent_document_errors(pdf_factory: PdfFactory) -> None:
    with pytest.raises(OcrFailed, match="page 1 failed"):
        read_document(pdf_factory(None), ocr=StubOcr(error=OcrError("helper died")))


def test_too_many_bytes(pdf_factory: PdfFactory) -> None:
    data = pdf_factory("hello")
    with pytest.raises(DocumentTooLarge, match="bytes exceeds"):
        read_document(data, max_bytes=len(data) - 1)


def test_too_many_pages(pdf_factory: PdfFactory) -> None:
    with pytest.raises(DocumentTooLarge, match="3 pages exceeds the limit of 2"):
        read_document(pdf_factory("a", "b", "c"), max_pages=2)


def test_no_text_anywhere_is_empty(pdf_factory: PdfFactory) -> None:
    with pytest.raises(EmptyDocument, match="no text found on 2 page"):
        read_document(pdf_factory(None, None), ocr=StubOcr([]))


def test_zero_pages_is_empty() -> None:
    buffer = io.BytesIO()
    pypdf.PdfWriter().write(buffer)
    with pytest.raises(EmptyDocument, match="no pages"):
        read_document(buffer.getvalue())


def test_zero_bytes_is_empty() -> None:
    with pytest.raises(EmptyDocument):
        read_document(b"")


def _encrypt(data: bytes, user_password: str) -> bytes:
    writer = pypdf.PdfWriter(clone_from=pypdf.PdfReader(io.BytesIO(data)))
    writer.encrypt(user_password, owner_password="owner-secret", algorithm="RC4-128")
    buffer = io.BytesIO()
    writer.write(buffer)
    return buffer.getvalue()


def test_password_protected_pdf(pdf_factory: PdfFactory) -> None:
    with pytest.raises(EncryptedDocument, match="password-protected"):
        read_document(_encrypt(pdf_factory("secret"), user_password="user-secret"))


def test_owner_password_only_is_readable(pdf_factory: PdfFactory) -> None:
    document = read_document(_encrypt(pdf_factory("readable without a password"), user_password=""))
    assert document.pages == ["readable without a password"]


def test_every_document_error_is_permanent() -> None:
    for error in (
        CorruptDocument,
        CorruptImage,
        EmptyDocument,
        DocumentTooLarge,
        ImageTooLarge,
        UnsupportedDocument,
        EncryptedDocument,
        OcrTimeLimitExceeded,
        OcrFailed,
        PageTooLarge,
    ):
        assert issubclass(error, DocumentError)
        assert error.retryable is False


def _grid_pdf(columns: int, rows: int, cell: str, font_size: float = 4) -> bytes:
    """One page with `cell` drawn as its own text object at every point of a grid."""
    buffer = io.BytesIO()
    pdf = canvas.Canvas(buffer, pagesize=(612, 792), invariant=1)
    pdf.setFont("Helvetica", font_size)
    for row in range(rows):
        for column in range(columns):
            pdf.drawString(4 + column * 608 / columns, 788 - row * 784 / rows, cell)
    pdf.showPage()
    pdf.save()
    return buffer.getvalue()


def test_a_page_of_thousands_of_text_runs_is_read_without_its_layout() -> None:
    """Found with hand-built hostile PDFs while fuzzing the reader: the layout read each run's text by
    scanning the whole page, so 20,000 one-character runs held a worker for 20 s (this page 14 s);
    past the budget the page keeps only its text."""
    document = read_document(_grid_pdf(60, 100, "AB"))
    [page] = document.page_texts
    assert page.text.count("AB") == 6000
    assert page.segments == ()


def test_a_dense_real_page_keeps_its_layout() -> None:
    document = read_document(_grid_pdf(13, 120, "ab12 cd.", font_size=5))
    assert len(document.page_texts[0].segments) == 13 * 120


def test_a_page_holding_more_text_than_a_page_can_is_refused() -> None:
    """Found with hand-built hostile PDFs while fuzzing the reader: a 2 KB content stream drew 500,000
    characters onto one page, and every parser downstream (redaction, dates, amounts) would have
    read them."""
    with pytest.raises(
        PageTooLarge, match=r"claim\.pdf: page 1 has 12\d{4} characters, over the limit of 100000"
    ):
        read_document(_grid_pdf(1, 250, "Lorem ipsum " * 42, font_size=0.5), filename="claim.pdf")


def _tiff_without(tag: int, mode: str) -> bytes:
    """A real two-page TIFF whose second page has lost one tag (renamed to one no reader knows)."""
    buffer = io.BytesIO()
    pages = [Image.new(mode, (2, 2), 0), Image.new(mode, (2, 2), 1)]
    pages[0].save(buffer, "TIFF", save_all=True, append_images=pages[1:])
    data = bytearray(buffer.getvalue())
    first = int.from_bytes(data[4:8], "little")
    entries = int.from_bytes(data[first : first + 2], "little")
    second = int.from_bytes(data[first + 2 + 12 * entries : first + 6 + 12 * entries], "little")
    for entry in range(int.from_bytes(data[second : second + 2], "little")):
        at = second + 2 + 12 * entry
        if int.from_bytes(data[at : at + 2], "little") == tag:
            data[at : at + 2] = (0xFFF0).to_bytes(2, "little")
    return bytes(data)


@pytest.mark.parametrize(
    ("tag", "mode", "cause"),
    [(256, "L", "TypeError"), (320, "P", "KeyError")],
    ids=["no width", "no colour map"],
)
def test_a_tiff_missing_a_required_tag_is_corrupt(tag: int, mode: str, cause: str) -> None:
    """Found by the fuzzer: Pillow raises TypeError and KeyError for these, which escaped the reader."""
    with pytest.raises(CorruptImage, match=rf"scan\.tif: cannot decode image \({cause}"):
        read_document(_tiff_without(tag, mode), filename="scan.tif", ocr=StubOcr(["never"]))


def test_a_pdf_only_pypdf_opens_whose_content_filter_it_does_not_know_is_corrupt(
    pdf_factory: PdfFactory,
) -> None:
    """Found by the fuzzer: pdfium refuses the file (its trailer names no catalog), pypdf finds the
    catalog, then raises NotImplementedError for the unknown filter, which escaped the reader."""
    data = pdf_factory("hello").replace(b"/FlateDecode", b"/FlateDecodX")
    data = re.sub(rb"/Root \d+ 0 R", b"/Root 99 0 R", data)
    with pytest.raises(
        CorruptDocument, match=r"claim\.pdf: cannot parse PDF .*NotImplementedError: .*FlateDecodX"
    ):
        read_document(data, filename="claim.pdf")
