"""Read the text of a claim document: a PDF's text layer where it has one, OCR where it does not.

pypdfium2 reads born-digital PDFs in about a millisecond a page; pypdf is the
fallback for the files pdfium refuses but a more lenient parser can still read.
Pages without a text layer (scans) and photos (PNG, JPEG, TIFF) go through OCR,
which costs about two seconds a page, so each page carries how its text was
obtained and how sure the recogniser was. Every failure is a `DocumentError`, a
`PermanentError`: the same bytes will fail the same way on a retry, so the
message goes straight to the dead-letter topic.
"""

from __future__ import annotations

import io
import threading
from dataclasses import dataclass
from typing import Literal

import numpy as np
import pypdf
import pypdfium2 as pdfium
from PIL import Image, ImageOps
from pypdf.errors import FileNotDecryptedError, PyPdfError

from agents.documents.layout import Segment, locate, pdfium_segments
from agents.documents.ocr import MAX_SIDE, OcrEngine, OcrError, OcrTimeout, shared_engine
from agents.documents.ticks import drawn_ticks, find_ticks
from streams import PermanentError

PDF_MAGIC = b"%PDF-"
# The PDF specification lets a header follow up to 1 KiB of leading junk.
MAGIC_WINDOW = 1024
IMAGE_MAGIC = {
    b"\x89PNG\r\n\x1a\n": "PNG",
    b"\xff\xd8\xff": "JPEG",
    b"II*\x00": "TIFF",
    b"MM\x00*": "TIFF",
}
PAGE_SEPARATOR = "\n\f\n"
# A page with less text than this is treated as a scan (a stamp or page number is not a text layer).
MIN_TEXT_CHARS = 16
# 150 dpi keeps an A4 page under rapidocr's own 2000-pixel working size: more would only cost time.
OCR_DPI = 150
TEXT_LAYER_CONFIDENCE = 1.0
# A full A4 page of 6 pt prose holds about 30,000 characters. A text layer with far more is built
# to feed megabytes of text to every parser downstream (a 2 KB content stream can draw 500,000).
MAX_PAGE_CHARS = 100_000

Method = Literal["text", "ocr"]

# pdfium keeps global state and is not thread-safe; agents may read documents
# from an executor, and at ~1 ms a page the lock costs nothing.
_PDFIUM_LOCK = threading.Lock()

# pypdf lets builtin errors escape on some malformed files instead of its own, and raises
# NotImplementedError for a filter name it does not know (found by fuzzing).
_PYPDF_ERRORS = (
    PyPdfError, ValueError, KeyError, TypeError, IndexError, AttributeError, RecursionError,
    NotImplementedError,
)  # fmt: skip
# What Pillow raises for bytes it cannot decode, truncated files included; a TIFF page without its
# dimensions raises TypeError, a palette TIFF page without its colour map KeyError (found by fuzzing).
_IMAGE_ERRORS = (OSError, SyntaxError, ValueError, EOFError, IndexError, TypeError, KeyError)


@dataclass(frozen=True)
class PageText:
    """One page's text, how it was obtained, and how far later agents should trust it."""

    text: str
    method: Method = "text"
    confidence: float = TEXT_LAYER_CONFIDENCE
    segments: tuple[Segment, ...] = ()


@dataclass(frozen=True)
class DocumentText:
    """A document's text, page by page, with the reading method and confidence of each page."""

    page_texts: list[PageText]

    @classmethod
    def from_text_layer(cls, pages: list[str]) -> DocumentText:
        """A document read entirely from its text layer (full confidence)."""
        return cls([PageText(text) for text in pages])

    @property
    def pages(self) -> list[str]:
        """One string per page."""
        return [page.text for page in self.page_texts]

    @property
    def text(self) -> str:
        """All pages joined by a form feed on its own line, so page breaks stay visible."""
        return PAGE_SEPARATOR.join(self.pages)

    @property
    def min_confidence(self) -> float:
        """The weakest page's confidence: one bad scan is enough to make a claim need review."""
        return min((page.confidence for page in self.page_texts), default=0.0)

    @property
    def ocr_pages(self) -> int:
        """How many pages were read by OCR."""
        return sum(page.method == "ocr" for page in self.page_texts)


class DocumentError(PermanentError):
    """A claim document cannot be read; retrying will not help."""


class CorruptDocument(DocumentError):
    """The document claims to be a PDF but cannot be parsed."""


class CorruptImage(CorruptDocument):
    """The image is truncated or cannot be decoded."""


class EncryptedDocument(DocumentError):
    """The PDF is password-protected and its text cannot be read without the password."""


class EmptyDocument(DocumentError):
    """The document has no pages, or neither a text layer nor OCR found any text."""


class DocumentTooLarge(DocumentError):
    """The document exceeds the byte or page limit."""


class PageTooLarge(DocumentTooLarge):
    """A PDF page's text layer holds more characters than any printed page can."""


class ImageTooLarge(DocumentTooLarge):
    """An image has more pixels than the limit (a decompression-bomb guard)."""


class UnsupportedDocument(DocumentError):
    """The bytes are neither a PDF nor a PNG, JPEG or TIFF image."""


class OcrTimeLimitExceeded(DocumentError):
    """OCR of one page ran past the per-page time limit; the same page would again."""


class OcrFailed(DocumentError):
    """The OCR engine failed on a page."""


@dataclass(frozen=True)
class _Limits:
    name: str
    max_pages: int
    max_pixels: int
    ocr_seconds_per_page: float
    ocr_dpi: int
    ocr: OcrEngine | None


def read_document(
    data: bytes,
    *,
    filename: str = "",
    max_bytes: int = 20 * 1024 * 1024,
    max_pages: int = 50,
    ocr_seconds_per_page: float = 30.0,
    max_pixels: int = 50_000_000,
    ocr_dpi: int = OCR_DPI,
    ocr: OcrEngine | None = None,
) -> DocumentText:
    """Return the text of every page of a PDF, PNG, JPEG or (multi-page) TIFF.

    Args:
        data: The document's bytes.
        filename: Used only to make error messages traceable.
        max_bytes: Larger documents are refused before parsing, to bound memory.
        max_pages: Documents with more pages (or TIFF frames) are refused, to bound processing time.
        ocr_seconds_per_page: OCR of one page is stopped after this long, so a worker never hangs.
        max_pixels: Images with more pixels are refused before decoding (decompression bombs);
            PDF pages are never rendered larger than 2000 pixels a side.
        ocr_dpi: Resolution at which PDF pages without a text layer are rendered for OCR.
        ocr: The engine to use; the process-wide `shared_engine()` by default.

    Raises:
        UnsupportedDocument: Neither a PDF nor a supported image.
        DocumentTooLarge: Over `max_bytes` or `max_pages` (`ImageTooLarge`: over `max_pixels`;
            `PageTooLarge`: a page's text layer over `MAX_PAGE_CHARS`).
        EncryptedDocument: The PDF needs a password.
        CorruptDocument: Neither pdfium nor pypdf can parse it (`CorruptImage`: undecodable image).
        EmptyDocument: No pages, or no text on any page even after OCR.
        OcrTimeLimitExceeded: One page took longer than `ocr_seconds_per_page`.
        OcrFailed: The OCR engine failed.
    """
    name = filename or "document"
    limits = _Limits(name, max_pages, max_pixels, ocr_seconds_per_page, ocr_dpi, ocr)
    kind = _sniff(data, name, max_bytes)
    if kind == "PDF":
        try:
            pages = _read_with_pdfium(data, limits)
        except pdfium.PdfiumError as pdfium_exc:
            # pdfium's error code is process-global and can be stale, so pypdf decides what went wrong.
            pages = _read_with_pypdf(data, name, max_pages, pdfium_exc)
        if not pages:
            raise EmptyDocument(f"{name}: PDF has no pages")
    else:
        pages = [_ocr_page(image, limits, index) for index, image in enumerate(_image_pages(data, limits))]
    if not any(page.text.strip() for page in pages):
        raise EmptyDocument(f"{name}: no text found on {len(pages)} page(s), neither text layer nor OCR")
    return DocumentText(pages)


def _sniff(data: bytes, name: str, max_bytes: int) -> str:
    """Refuse oversized and unsupported input before any parser sees it; return the format."""
    if len(data) > max_bytes:
        raise DocumentTooLarge(f"{name}: {len(data)} bytes exceeds the limit of {max_bytes} bytes")
    if not data:
        raise EmptyDocument(f"{name}: document is empty (0 bytes)")
    if PDF_MAGIC in data[:MAGIC_WINDOW]:
        return "PDF"
    for magic, kind in IMAGE_MAGIC.items():
        if data.startswith(magic):
            return kind
    raise UnsupportedDocument(
        f"{name}: unsupported document type (not a PDF, PNG, JPEG or TIFF); starts with {data[:8]!r}"
    )


def _check_page_count(count: int, name: str, max_pages: int) -> None:
    if count > max_pages:
        raise DocumentTooLarge(f"{name}: {count} pages exceeds the limit of {max_pages} pages")


def _normalise(text: str) -> str:
    """pdfium ends lines with CRLF and marks hyphenation points; make plain text of it."""
    return text.replace("\r\n", "\n").replace("\r", "\n").replace("\x02", "-").replace("\ufffe", "-")


def _ocr_page(image: np.ndarray, limits: _Limits, index: int) -> PageText:
    engine = limits.ocr or shared_engine()
    try:
        result = engine.recognise(image, timeout=limits.ocr_seconds_per_page)
    except OcrTimeout as exc:
        raise OcrTimeLimitExceeded(
            f"{limits.name}: OCR of page {index + 1} exceeded {limits.ocr_seconds_per_page:g} s"
        ) from exc
    except OcrError as exc:
        raise OcrFailed(f"{limits.name}: OCR of page {index + 1} failed: {exc}") from exc
    # A tick drawn in a box is no text to OCR: it joins the page's segments as a mark of its own.
    segments = (*(Segment(*box) for box in result.boxes), *find_ticks(image))
    return PageText(result.text, "ocr", round(result.confidence, 4), segments)


# --- PDF ----------------------------------------------------------------------------------------


def _read_with_pdfium(data: bytes, limits: _Limits) -> list[PageText]:
    """Text layer page by page; pages without one are rendered and OCR'd outside the pdfium lock."""
    with _PDFIUM_LOCK:
        pdf = pdfium.PdfDocument(data)
    try:
        with _PDFIUM_LOCK:
            count = len(pdf)
        _check_page_count(count, limits.name, limits.max_pages)
        pages = []
        for index in range(count):
            with _PDFIUM_LOCK:
                text, image, segments = _pdfium_page(pdf, index, limits)
            layer = PageText(text, segments=locate(segments, text))
            page = layer if image is None else _ocr_page(image, limits, index)
            # A stamp or page number in a thin text layer beats an OCR pass that found nothing.
            pages.append(page if page.text.strip() or not text.strip() else layer)
        return pages
    finally:
        with _PDFIUM_LOCK:
            pdf.close()


def _pdfium_page(
    pdf: pdfium.PdfDocument, index: int, limits: _Limits
) -> tuple[str, np.ndarray | None, list[Segment]]:
    """The page's text layer with its segments, and a rendering when that layer is too thin to be its text."""
    page = pdf[index]
    try:
        width, height = page.get_size()
        textpage = page.get_textpage()
        try:
            chars = textpage.count_chars()
            if chars > MAX_PAGE_CHARS:
                raise PageTooLarge(
                    f"{limits.name}: page {index + 1} has {chars} characters, "
                    f"over the limit of {MAX_PAGE_CHARS} for one page"
                )
            text = _normalise(textpage.get_text_bounded())
            segments = pdfium_segments(textpage, width, height) if text.strip() else []
        finally:
            textpage.close()
        if segments:
            # A tick drawn as a path in a vector box is no text: it joins the segments as a mark.
            segments += drawn_ticks(page.raw, width, height)
        if len(text.strip()) >= MIN_TEXT_CHARS:
            return text, None, segments
        # A poster-sized page is rendered at a lower resolution rather than refused.
        scale = min(limits.ocr_dpi / 72, MAX_SIDE / max(width, height, 1.0))
        bitmap = page.render(scale=scale, grayscale=True)
        try:
            return text, bitmap.to_numpy().copy(), segments
        finally:
            bitmap.close()
    finally:
        page.close()


def _read_with_pypdf(data: bytes, name: str, max_pages: int, pdfium_exc: Exception) -> list[PageText]:
    """Second opinion for files pdfium rejects; a failure here means the file is corrupt."""
    try:
        reader = pypdf.PdfReader(io.BytesIO(data))
        if reader.is_encrypted:
            _decrypt_without_password(reader, name)
        _check_page_count(len(reader.pages), name, max_pages)
        return [PageText(_normalise(page.extract_text() or "")) for page in reader.pages]
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


# --- images -------------------------------------------------------------------------------------


def _image_pages(data: bytes, limits: _Limits) -> list[np.ndarray]:
    """Decode every frame as grayscale, after checking frame count and pixel count from the header."""
    name = limits.name
    try:
        with Image.open(io.BytesIO(data)) as image:
            frames = getattr(image, "n_frames", 1)
            _check_page_count(frames, name, limits.max_pages)
            pages = []
            for index in range(frames):
                image.seek(index)
                width, height = image.size
                if width * height > limits.max_pixels:
                    raise ImageTooLarge(
                        f"{name}: page {index + 1} is {width}x{height} pixels, "
                        f"over the limit of {limits.max_pixels} pixels"
                    )
                image.draft("L", (MAX_SIDE, MAX_SIDE))  # JPEG decodes straight at a reduced scale
                frame = ImageOps.exif_transpose(image).convert("L")
                frame.thumbnail((MAX_SIDE, MAX_SIDE))
                pages.append(np.asarray(frame))
            return pages
    except Image.DecompressionBombError as exc:
        raise ImageTooLarge(f"{name}: image is a decompression bomb ({exc})") from exc
    except _IMAGE_ERRORS as exc:
        raise CorruptImage(f"{name}: cannot decode image ({type(exc).__name__}: {exc})") from exc


# --- pictures of the pages, for people ------------------------------------------------------------


def page_images(
    data: bytes,
    *,
    filename: str = "",
    dpi: int = 110,
    max_bytes: int = 20 * 1024 * 1024,
    max_pages: int = 50,
    max_pixels: int = 50_000_000,
) -> list[Image.Image]:
    """Every page as an RGB picture a person reads beside what was extracted from it.

    PDF pages are rendered at `dpi` (never over `MAX_SIDE` pixels a side); photos are turned
    upright as `read_document` turns them, so the fractions of a page that segments carry land on
    the same words in the picture. The same limits as reading apply.
    """
    name = filename or "document"
    kind = _sniff(data, name, max_bytes)
    if kind != "PDF":
        limits = _Limits(name, max_pages, max_pixels, 0.0, dpi, None)
        return [_upright_rgb(data, index, limits) for index in range(_frame_count(data, limits))]
    try:
        with _PDFIUM_LOCK:
            pdf = pdfium.PdfDocument(data)
    except pdfium.PdfiumError as exc:
        raise CorruptDocument(f"{name}: cannot render PDF ({exc})") from exc
    try:
        with _PDFIUM_LOCK:
            count = len(pdf)
        _check_page_count(count, name, max_pages)
        images = []
        for index in range(count):
            with _PDFIUM_LOCK:
                page = pdf[index]
                try:
                    width, height = page.get_size()
                    scale = min(dpi / 72, MAX_SIDE / max(width, height, 1.0))
                    bitmap = page.render(scale=scale)
                    try:
                        images.append(bitmap.to_pil().convert("RGB"))
                    finally:
                        bitmap.close()
                finally:
                    page.close()
        return images
    finally:
        with _PDFIUM_LOCK:
            pdf.close()


def _frame_count(data: bytes, limits: _Limits) -> int:
    try:
        with Image.open(io.BytesIO(data)) as image:
            frames = getattr(image, "n_frames", 1)
    except _IMAGE_ERRORS as exc:
        raise CorruptImage(f"{limits.name}: cannot decode image ({type(exc).__name__}: {exc})") from exc
    _check_page_count(frames, limits.name, limits.max_pages)
    return int(frames)


def _upright_rgb(data: bytes, index: int, limits: _Limits) -> Image.Image:
    try:
        with Image.open(io.BytesIO(data)) as image:
            image.seek(index)
            if image.size[0] * image.size[1] > limits.max_pixels:
                raise ImageTooLarge(f"{limits.name}: page {index + 1} is over {limits.max_pixels} pixels")
            frame = ImageOps.exif_transpose(image).convert("RGB")
            frame.thumbnail((MAX_SIDE, MAX_SIDE))
            return frame
    except Image.DecompressionBombError as exc:
        raise ImageTooLarge(f"{limits.name}: image is a decompression bomb ({exc})") from exc
    except _IMAGE_ERRORS as exc:
        raise CorruptImage(f"{limits.name}: cannot decode image ({type(exc).__name__}: {exc})") from exc
