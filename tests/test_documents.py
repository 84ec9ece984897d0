"""Document reader: text from born-digital PDFs, and a typed, permanent error for everything else."""

from __future__ import annotations

import io
from collections.abc import Callable
from pathlib import Path

import pypdf
import pytest
from reportlab.pdfgen import canvas

from agents.documents import (
    CorruptDocument,
    DocumentError,
    DocumentText,
    DocumentTooLarge,
    EmptyDocument,
    EncryptedDocument,
    UnsupportedDocument,
    read_document,
)
from agents.samples import corrupt_pdf_bytes, generate

PdfFactory = Callable[..., bytes]


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
    document = read_document(pdf_factory("first page", "second page"))
    assert document == DocumentText(pages=["first page", "second page"])
    assert document.text == "first page\n\f\nsecond page"


def test_corrupt_bytes(tmp_path: Path) -> None:
    with pytest.raises(CorruptDocument, match=r"claim\.pdf: cannot parse PDF") as caught:
        read_document(corrupt_pdf_bytes(), filename="claim.pdf")
    assert caught.value.__cause__ is not None
    assert caught.value.retryable is False


def test_non_pdf_is_unsupported() -> None:
    with pytest.raises(UnsupportedDocument, match="not a PDF"):
        read_document(b"\x89PNG\r\n\x1a\n" + b"\x00" * 100, filename="photo.png")


def test_too_many_bytes(pdf_factory: PdfFactory) -> None:
    data = pdf_factory("hello")
    with pytest.raises(DocumentTooLarge, match="bytes exceeds"):
        read_document(data, max_bytes=len(data) - 1)


def test_too_many_pages(pdf_factory: PdfFactory) -> None:
    with pytest.raises(DocumentTooLarge, match="3 pages exceeds the limit of 2"):
        read_document(pdf_factory("a", "b", "c"), max_pages=2)


def test_page_without_text_layer_is_empty(pdf_factory: PdfFactory) -> None:
    with pytest.raises(EmptyDocument, match="no text layer"):
        read_document(pdf_factory(None, None))


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
    assert read_document(_encrypt(pdf_factory("readable"), user_password="")).pages == ["readable"]


def test_every_document_error_is_permanent() -> None:
    for error in (CorruptDocument, EmptyDocument, DocumentTooLarge, UnsupportedDocument, EncryptedDocument):
        assert issubclass(error, DocumentError)
        assert error.retryable is False
