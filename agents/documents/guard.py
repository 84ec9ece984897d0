"""Decompression bombs refused from a document's headers and structure, before anything decodes it whole.

The intake API runs this on every received document before it is committed, so a bomb is a 413
at the door with nothing stored or published, rather than a dead letter after the retriever
spent memory on it. What is checked, each without decoding pixels or keeping decoded bytes:

- images (PNG, JPEG, TIFF): the pixel count each frame's header claims (Pillow reads headers only
  on open) against `max_pixels`, and a TIFF's frame count against `max_pages`;
- PDFs: the page count the page tree declares and holds, each page's size (PDF's own limit is
  200 inches a side), every image XObject's `/Width` x `/Height`, and the bytes every
  `/FlateDecode` stream inflates to, counted in bounded chunks and summed over the document
  against `max_inflated_bytes`.

A document the inspection cannot parse is not judged here: the reader decides what it is (pdfium
reads PDFs pypdf cannot, and the retriever dead-letters what neither reads).
"""

from __future__ import annotations

import warnings
import zlib
from dataclasses import dataclass
from typing import IO, Any

import pypdf
from PIL import Image
from pypdf.errors import LimitReachedError
from pypdf.generic import IndirectObject, StreamObject

from agents.documents.reader import DocumentTooLarge, ImageTooLarge

MAX_PAGE_SIDE_PT = 14_400
"""PDF's own limit of a page side at UserUnit 1 (200 inches); no claim document comes near it."""
INFLATE_CHUNK = 1 << 20
FLATE = ("/FlateDecode", "/Fl")


@dataclass(frozen=True)
class DocumentLimits:
    """What one document may claim to be once decoded."""

    max_pages: int = 50
    max_pixels: int = 50_000_000
    max_inflated_bytes: int = 256 * 1024 * 1024


def check_decoded_size(data: IO[bytes], media_type: str, limits: DocumentLimits, name: str = "") -> None:
    """Raise `DocumentTooLarge` (`ImageTooLarge` for pixels) if `data` would decode past `limits`.

    Args:
        data: The document, positioned anywhere (it is rewound); read, never decoded whole.
        media_type: The sniffed type: application/pdf, image/png, image/jpeg or image/tiff.
        limits: The pages, pixels and inflated bytes allowed.
        name: For the error message.
    """
    name = name or "document"
    data.seek(0)
    if media_type == "application/pdf":
        _check_pdf(data, limits, name)
    elif media_type.startswith("image/"):
        _check_image(data, limits, name)


def _check_image(data: IO[bytes], limits: DocumentLimits, name: str) -> None:
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", Image.DecompressionBombWarning)
            with Image.open(data) as image:
                frames = int(getattr(image, "n_frames", 1))
                if frames > limits.max_pages:
                    raise DocumentTooLarge(f"{name}: {frames} frames, over the limit of {limits.max_pages}")
                for index in range(frames):
                    image.seek(index)
                    _check_pixels(*image.size, limits, f"{name}: frame {index + 1}")
    except (Image.DecompressionBombError, MemoryError) as exc:
        raise ImageTooLarge(f"{name}: {exc or 'out of memory reading its header'}") from exc
    except DocumentTooLarge:
        raise
    except Exception:  # bytes Pillow cannot parse are the reader's to judge, not a bomb
        return


def _check_pixels(width: int, height: int, limits: DocumentLimits, where: str) -> None:
    if width * height > limits.max_pixels:
        raise ImageTooLarge(
            f"{where} claims {width:,} x {height:,} pixels, over the limit of {limits.max_pixels:,}"
        )


def _check_pdf(data: IO[bytes], limits: DocumentLimits, name: str) -> None:
    try:
        reader = pypdf.PdfReader(data, strict=False)
        if reader.is_encrypted and not reader.decrypt(""):
            return  # streams cannot be read without the password; the reader refuses such a PDF
        root: Any = reader.trailer["/Root"]
        declared = int(root["/Pages"].get("/Count", 0))
        if declared > limits.max_pages:
            raise DocumentTooLarge(
                f"{name}: declares {declared:,} pages, over the limit of {limits.max_pages}"
            )
        pages = len(reader.pages)
        if pages > limits.max_pages:
            raise DocumentTooLarge(f"{name}: {pages:,} pages, over the limit of {limits.max_pages}")
        for index, page in enumerate(reader.pages):
            unit = float(page.get("/UserUnit", 1) or 1)
            box = page.mediabox
            side = max(abs(float(box.width)), abs(float(box.height))) * unit
            if side > MAX_PAGE_SIDE_PT:
                raise DocumentTooLarge(
                    f"{name}: page {index + 1} is {side / 72:,.0f} inches on a side, over PDF's 200"
                )
        _check_streams(reader, limits, name)
    except (LimitReachedError, MemoryError) as exc:
        raise DocumentTooLarge(f"{name}: {exc or 'out of memory reading its structure'}") from exc
    except DocumentTooLarge:
        raise
    except Exception:  # a PDF pypdf cannot parse is the reader's to judge (pdfium may read it)
        return


def _check_streams(reader: pypdf.PdfReader, limits: DocumentLimits, name: str) -> None:
    """Image XObject sizes, and the bytes all Flate streams inflate to, summed over the document."""
    inflated = 0
    for generation, numbers in reader.xref.items():
        for number in numbers:
            stream = IndirectObject(number, generation, reader).get_object()
            if not isinstance(stream, StreamObject):
                continue
            if stream.get("/Subtype") == "/Image":
                _check_pixels(
                    int(stream.get("/Width", 0)),
                    int(stream.get("/Height", 0)),
                    limits,
                    f"{name}: image object {number}",
                )
            inflated += _inflated_bytes(stream, limits.max_inflated_bytes - inflated)
            if inflated > limits.max_inflated_bytes:
                raise DocumentTooLarge(
                    f"{name}: its compressed streams inflate to over {limits.max_inflated_bytes:,} bytes"
                )


def _filters(stream: StreamObject) -> list[str]:
    found: Any = stream.get("/Filter")
    if found is None:
        return []
    return [str(f) for f in found] if isinstance(found, list) else [str(found)]


def _inflated_bytes(stream: StreamObject, budget: int) -> int:
    """What a Flate stream inflates to, counted chunk by chunk; stops once past `budget`."""
    filters = _filters(stream)
    if not filters:
        return 0
    if filters[0] not in FLATE:
        # A chain starting with another filter: pypdf decodes it within its own output limits
        # (LimitReachedError, a refusal, past them).
        return len(stream.get_data()) if any(f in FLATE for f in filters) else 0
    raw: bytes = stream._data  # the encoded bytes as stored; pypdf has no public accessor for them
    inflater = zlib.decompressobj()
    total = 0
    pending = raw
    try:
        while pending and total <= budget:
            total += len(inflater.decompress(pending, INFLATE_CHUNK))
            pending = inflater.unconsumed_tail
    except zlib.error:
        return total  # a corrupt stream: what came out so far counts, the reader judges the rest
    return total
