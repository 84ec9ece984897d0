"""Read the text layer of a claim document.

pypdfium2 reads born-digital PDFs in about a millisecond a page; pypdf is the
fallback for the files pdfium refuses but a more lenient parser can still read.
Every failure is a `DocumentError`, a `PermanentError`: the same bytes will fail
the same way on a retry, so the message goes straight to the dead-letter topic.
"""

from __future__ import annotations

import io
import threading
from dataclasses import dataclass

import pypdf
import pypdfium2 as pdfium
from pypdf.errors import FileNotDecryptedError, PyPdfError

from streams.errors import PermanentError

PDF_MAGIC = b"%PDF-"
# The PDF specification lets a header follow up to 1 KiB of leading junk.
MAGIC_WINDOW = 1024
PAGE_SEPARATOR = "\n\f\n"

# pdfium keeps global state and is not thread-safe; agents may read documents
# from an executor, and at ~1 ms a page the lock costs nothing.
_PDFIUM_LOCK = threading.Lock()

# pypdf lets builtin errors escape on some malformed files instead of its own.
_PYPDF_ERRORS = (PyPdfError, ValueError, KeyError, TypeError, IndexError, AttributeError, RecursionError)


@dataclass(frozen=True)
class DocumentText:
    """The text layer of a document, one string per page."""

    pages: list[str]

    @property
    def text(self) -> str:
        """All pages joined by a form feed on its own line, so page breaks stay visible."""
        return PAGE_SEPARATOR.join(self.pages)


class DocumentError(PermanentError):
    """A claim document cannot be read; retrying will not help."""


class CorruptDocument(DocumentError):
    """The document claims to be a PDF but cannot be parsed."""


class EncryptedDocument(DocumentError):
    """The PDF is password-protected and its text cannot be read without the password."""


class EmptyDocument(DocumentError):
    """The PDF has no pages or no text layer (a scan: OCR is not available yet)."""


class DocumentTooLarge(DocumentError):
    """The document exceeds the byte or page limit."""


class UnsupportedDocument(DocumentError):
    """The bytes are not a PDF."""


def read_document(
    data: bytes, *, filename: str = "", max_bytes: int = 20 * 1024 * 1024, max_pages: int = 50
) -> DocumentText:
    """Return the text of every page of a PDF.

    Args:
        data: The document's bytes.
        filename: Used only to make error messages traceable.
        max_bytes: Larger documents are refused before parsing, to bound memory.
        max_pages: Documents with more pages are refused, to bound processing time.

    Raises:
        UnsupportedDocument: The bytes do not start with a PDF header.
        DocumentTooLarge: Over `max_bytes` or `max_pages`.
        EncryptedDocument: The PDF needs a password.
        CorruptDocument: Neither pdfium nor pypdf can parse it.
        EmptyDocument: No pages, or no text on any page.
    """
    name = filename or "document"
    _check_envelope(data, name, max_bytes)
    try:
        pages = _read_with_pdfium(data, name, max_pages)
    except pdfium.PdfiumError as pdfium_exc:
        # pdfium's error code is process-global and can be stale, so pypdf decides what went wrong.
        pages = _read_with_pypdf(data, name, max_pages, pdfium_exc)
    if not pages:
        raise EmptyDocument(f"{name}: PDF has no pages")
    if not any(page.strip() for page in pages):
        raise EmptyDocument(f"{name}: PDF has no text layer ({len(pages)} page(s)); scans need OCR")
    return DocumentText(pages=pages)


def _check_envelope(data: bytes, name: str, max_bytes: int) -> None:
    """Refuse oversized and non-PDF input before any parser sees it."""
    if len(data) > max_bytes:
        raise DocumentTooLarge(f"{name}: {len(data)} bytes exceeds the limit of {max_bytes} bytes")
    if not data:
        raise EmptyDocument(f"{name}: document is empty (0 bytes)")
    if PDF_MAGIC not in data[:MAGIC_WINDOW]:
        raise UnsupportedDocument(f"{name}: not a PDF (no {PDF_MAGIC!r} header); starts with {data[:8]!r}")


def _check_page_count(count: int, name: str, max_pages: int) -> None:
    if count > max_pages:
        raise DocumentTooLarge(f"{name}: {count} pages exceeds the limit of {max_pages} pages")


def _normalise(text: str) -> str:
    """pdfium ends lines with CRLF and marks hyphenation points; make plain text of it."""
    return text.replace("\r\n", "\n").replace("\r", "\n").replace("\x02", "-").replace("\ufffe", "-")


def _read_with_pdfium(data: bytes, name: str, max_pages: int) -> list[str]:
    with _PDFIUM_LOCK:
        pdf = pdfium.PdfDocument(data)
        try:
            _check_page_count(len(pdf), name, max_pages)
            return [_pdfium_page_text(pdf, index) for index in range(len(pdf))]
        finally:
            pdf.close()


def _pdfium_page_text(pdf: pdfium.PdfDocument, index: int) -> str:
    page = pdf[index]
    try:
        textpage = page.get_textpage()
        try:
            return _normalise(textpage.get_text_bounded())
        finally:
            textpage.close()
    finally:
        page.close()


def _read_with_pypdf(data: bytes, name: str, max_pages: int, pdfium_exc: Exception) -> list[str]:
    """Second opinion for files pdfium rejects; a failure here means the file is corrupt."""
    try:
        reader = pypdf.PdfReader(io.BytesIO(data))
        if reader.is_encrypted:
            _decrypt_without_password(reader, name)
        _check_page_count(len(reader.pages), name, max_pages)
        return [_normalise(page.extract_text() or "") for page in reader.pages]
    except FileNotDecryptedError as exc:
        raise EncryptedDocument(f"{name}: PDF is password-protected") from exc
    except _PYPDF_ERRORS as exc:
        raise CorruptDocument(
            f"{name}: cannot parse PDF (pdfium: {pdfium_exc}; pypdf: {type(exc).__name__}: {exc})"
        ) from exc


def _decrypt_without_password(reader: pypdf.PdfReader, name: str) -> None:
    """Open PDFs that only carry an owner password; any other encryption is refused."""
    try:
        opened = reader.decrypt("")
    except _PYPDF_ERRORS as exc:
        raise EncryptedDocument(f"{name}: PDF is encrypted and cannot be opened ({exc})") from exc
    if not opened:
        raise EncryptedDocument(f"{name}: PDF is password-protected")
