"""A claim's documents read (text layer or OCR), joined, then redacted: the one way ClaimFlow reads a claim.

Reading and redaction are two steps (`read_claim`, then `RawClaimText.redacted`) because what
must survive redaction is only known in between: the spans the policy book recognises as its
numbers. `read_claim_text` does both for callers with nothing to keep. The retriever, the
evaluations and the bench's in-process limit all read claims through these functions, so
what they measure is what the pipeline does.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field

from agents.documents.ocr import OcrEngine
from agents.documents.reader import PAGE_SEPARATOR, DocumentText, read_document
from agents.documents.settings import DocumentSettings
from agents.events import LayoutLine
from agents.redaction import RedactedSpan, redact

DOCUMENT_SEPARATOR = "\n\n"


@dataclass
class ClaimText:
    """Everything read from one claim's documents, already redacted."""

    text: str = ""
    pages: int = 0
    ocr_pages: int = 0
    min_confidence: float = 1.0
    redactions: Counter[str] = field(default_factory=Counter)
    lines: list[LayoutLine] = field(default_factory=list)


@dataclass(frozen=True)
class RawClaimText:
    """Every document of a claim as read, before redaction: the text with its pages' spans and methods."""

    documents: tuple[DocumentText, ...]

    @property
    def text(self) -> str:
        """The documents' texts in submission order, a blank line between two documents."""
        return DOCUMENT_SEPARATOR.join(document.text for document in self.documents)

    def pages(self) -> list[tuple[int, int, str]]:
        """(start, end, method) of every page in `text`, method being "text" or "ocr"."""
        found: list[tuple[int, int, str]] = []
        offset = 0
        for number, document in enumerate(self.documents):
            if number:
                offset += len(DOCUMENT_SEPARATOR)
            for index, page in enumerate(document.page_texts):
                if index:
                    offset += len(PAGE_SEPARATOR)
                found.append((offset, offset + len(page.text), page.method))
                offset += len(page.text)
        return found

    def redacted(self, region: str, keep: Sequence[tuple[int, int]] = ()) -> ClaimText:
        """The claim text and its layout with personal data replaced; the `keep` spans stay as they are."""
        redacted = redact(self.text, region, keep=keep)
        return ClaimText(
            text=redacted.text,
            pages=sum(len(d.page_texts) for d in self.documents),
            ocr_pages=sum(d.ocr_pages for d in self.documents),
            min_confidence=min((d.min_confidence for d in self.documents), default=1.0),
            redactions=Counter(redacted.counts()),
            lines=self._redacted_lines(redacted.spans, region),
        )

    def _redacted_lines(self, spans: Sequence[RedactedSpan], region: str) -> list[LayoutLine]:
        """Every segment, its text redacted as the claim text was (a segment whose place in the text
        is unknown is redacted on its own)."""
        lines: list[LayoutLine] = []
        page_starts = [start for start, _, _ in self.pages()]
        page_number = 0
        for number, document in enumerate(self.documents):
            for page in document.page_texts:
                base = page_starts[page_number]
                page_number += 1
                for segment in page.segments:
                    if segment.start < 0:
                        text = redact(segment.text, region).text
                    else:
                        text = _redact_slice(self.text, base + segment.start, base + segment.end, spans)
                    lines.append(
                        LayoutLine(
                            document=number,
                            page=page_number,
                            text=text,
                            x0=segment.x0,
                            y0=segment.y0,
                            x1=segment.x1,
                            y1=segment.y1,
                        )
                    )
        return lines


def read_claim(
    documents: Iterable[tuple[bytes, str]], settings: DocumentSettings, ocr: OcrEngine | None
) -> RawClaimText:
    """Every (bytes, filename) document in submission order, within the settings' limits, unredacted.

    Raises the documents' errors (corrupt, too large, OCR over its time...) unchanged.
    """
    return RawClaimText(
        tuple(
            read_document(
                data,
                filename=filename,
                max_bytes=settings.max_document_bytes,
                max_pages=settings.max_document_pages,
                ocr_seconds_per_page=settings.ocr_seconds_per_page,
                max_pixels=settings.max_image_pixels,
                ocr=ocr,
            )
            for data, filename in documents
        )
    )


def read_claim_text(
    documents: Iterable[tuple[bytes, str]], region: str, settings: DocumentSettings, ocr: OcrEngine | None
) -> ClaimText:
    """`read_claim`, then redaction with nothing kept but what the redactor always keeps."""
    return read_claim(documents, settings, ocr).redacted(region)


def _redact_slice(text: str, start: int, end: int, spans: Sequence[RedactedSpan]) -> str:
    """`text[start:end]` with every redacted span that touches it replaced by its placeholder."""
    parts, cursor = [], start
    for span in spans:
        if span.end <= start or span.start >= end:
            continue
        if span.start > cursor:
            parts.append(text[cursor : span.start])
        parts.append(span.placeholder)
        cursor = max(cursor, min(span.end, end))
    parts.append(text[cursor:end])
    return "".join(parts)
