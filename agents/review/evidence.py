"""The claim's pages as pictures, and where on them each field's evidence was read.

The report keeps each field's evidence (the words it was read from, redacted) and its page; the
reading keeps where words sit on a page (`Segment`: pdfium's text rectangles on a born-digital
page, rapidocr's boxes on a scan or photo) but only inside the retriever. So the reviewers'
server reads the documents again, exactly as the retriever reads them (`read_document`: text
layer, else OCR), and marks the segments whose words are the evidence's. A born-digital page
costs about a millisecond; a scanned page costs its OCR once (seconds), then both the layout
and the pictures are kept in memory by the documents' content hash.

Matching is by letters and digits only (OCR drops spaces, evidence has its whitespace folded and
personal data replaced by placeholders such as `<NAME_1>`): a segment is evidence when its
characters lie within the evidence, or when it holds the field's value. Of all pages, the one
with the most matched characters wins, the report's own page breaking ties.
"""

from __future__ import annotations

import asyncio
import io
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from cachetools import LRUCache

from agents.documents import DocumentSettings, Segment, page_images, read_document
from agents.events import DocumentRef
from streams import ObjectStore, PermanentError

_PLACEHOLDER = re.compile(r"<[A-Z_]+_\d+>")
_NOT_WORD = re.compile(r"[\W_]+", re.UNICODE)
MIN_SEGMENT_CHARS = 6
"""Shorter segments ("Date:", "EUR") match only by holding the value: they occur in much evidence."""
MIN_VALUE_CHARS = 3


def _letters(text: str) -> str:
    return _NOT_WORD.sub("", text).lower()


@dataclass(frozen=True)
class PageView:
    """One page of the claim: its number over all documents (1-based), where it comes from, its segments."""

    number: int
    document: int
    index: int
    filename: str
    method: str
    segments: tuple[Segment, ...]


@dataclass(frozen=True)
class Highlight:
    """A box on a page (fractions of the page, y down) where a field's evidence was read."""

    field: str
    page: int
    x0: float
    y0: float
    x1: float
    y1: float
    text: str


def _matches(segment: str, evidence: str, value: str) -> bool:
    if len(segment) >= MIN_SEGMENT_CHARS and segment in evidence:
        return True
    if len(evidence) >= MIN_SEGMENT_CHARS and evidence in segment:
        return True
    return len(value) >= MIN_VALUE_CHARS and value in segment


def locate(name: str, field: Mapping[str, Any], pages: Sequence[PageView]) -> list[Highlight]:
    """Where field `name`'s evidence sits: the matching segments of the best page (or none)."""
    evidence = _letters(_PLACEHOLDER.sub(" ", str(field.get("evidence") or "")))
    value = _letters(str(field.get("value") or ""))
    if not evidence and not value:
        return []
    stated = field.get("page")
    best: tuple[int, int, list[Segment], PageView] | None = None
    for page in pages:
        hits = [s for s in page.segments if _matches(_letters(s.text), evidence, value)]
        if not hits:
            continue
        rank = (sum(len(_letters(s.text)) for s in hits), int(page.number == stated))
        if best is None or rank > best[:2]:
            best = (*rank, hits, page)
    if best is None:
        return []
    _, _, hits, page = best
    return [Highlight(name, page.number, s.x0, s.y0, s.x1, s.y1, s.text) for s in hits]


def highlights(
    fields: Mapping[str, Mapping[str, Any]], pages: Sequence[PageView]
) -> dict[str, list[Highlight]]:
    """Every field's evidence boxes, by field name."""
    return {name: locate(name, field or {}, pages) for name, field in fields.items()}


class DocumentPages:
    """Reads and pictures a claim's documents for the reviewers' pages; both kept per document hash.

    Every object-store read goes through the store's dependency (timeout, retries, breaker) and
    is checked against the digest its claim's event carries; reading and rendering run in
    threads, off the server's event loop.
    """

    def __init__(
        self,
        store: ObjectStore,
        settings: DocumentSettings,
        *,
        dpi: int,
        cache_documents: int = 64,
    ) -> None:
        self.store = store
        self.settings = settings
        self.dpi = dpi
        self._layouts: LRUCache[str, list[tuple[str, tuple[Segment, ...]]]] = LRUCache(cache_documents)
        self._pictures: LRUCache[str, list[bytes]] = LRUCache(cache_documents)

    async def _bytes(self, doc: DocumentRef) -> bytes:
        return await self.store.get(doc.uri, max_bytes=self.settings.max_document_bytes, sha256=doc.sha256)

    async def pages(self, documents: Sequence[DocumentRef]) -> list[PageView]:
        """Every page of the documents in submission order, with the segments the reading found on it.

        Raises the first document's error (changed, missing, unreadable); `readable_pages` does not.
        """
        found, problems = await self.readable_pages(documents)
        if problems:
            raise problems[0][1]
        return found

    async def readable_pages(
        self, documents: Sequence[DocumentRef]
    ) -> tuple[list[PageView], list[tuple[DocumentRef, PermanentError]]]:
        """The pages of every document that can be shown, and each one that cannot with why: a
        document changed since its claim was submitted, gone from the store or unreadable is a fact
        for the reviewer, not a failure of the page. A store outage still raises."""
        found: list[PageView] = []
        problems: list[tuple[DocumentRef, PermanentError]] = []
        for number, doc in enumerate(documents):
            try:
                layout = await self._layout(doc)
            except PermanentError as exc:
                problems.append((doc, exc))
                continue
            for index, (method, segments) in enumerate(layout):
                found.append(PageView(len(found) + 1, number, index, doc.filename, method, segments))
        return found, problems

    async def _layout(self, doc: DocumentRef) -> list[tuple[str, tuple[Segment, ...]]]:
        layout = self._layouts.get(doc.sha256)
        if layout is None:
            data = await self._bytes(doc)
            read = await asyncio.to_thread(
                read_document,
                data,
                filename=doc.filename,
                max_bytes=self.settings.max_document_bytes,
                max_pages=self.settings.max_document_pages,
                ocr_seconds_per_page=self.settings.ocr_seconds_per_page,
                max_pixels=self.settings.max_image_pixels,
            )
            layout = [(page.method, page.segments) for page in read.page_texts]
            self._layouts[doc.sha256] = layout
        return layout

    async def picture(self, doc: DocumentRef, index: int) -> bytes:
        """Page `index` (0-based) of `doc` as PNG; `IndexError` past the last page."""
        pictures = self._pictures.get(doc.sha256)
        if pictures is None:
            data = await self._bytes(doc)
            pictures = await asyncio.to_thread(self._render, data, doc.filename)
            self._pictures[doc.sha256] = pictures
        return pictures[index]

    def _render(self, data: bytes, filename: str) -> list[bytes]:
        encoded = []
        for image in page_images(
            data,
            filename=filename,
            dpi=self.dpi,
            max_bytes=self.settings.max_document_bytes,
            max_pages=self.settings.max_document_pages,
            max_pixels=self.settings.max_image_pixels,
        ):
            buffer = io.BytesIO()
            image.save(buffer, format="PNG", optimize=False)
            encoded.append(buffer.getvalue())
        return encoded
