"""A claim's documents read (text layer or OCR), redacted and joined: the one way ClaimFlow reads a claim.

The retriever passes the result on; the evaluations and the bench's in-process limit read
claims through the same function, so what they measure is what the pipeline does.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, field

from agents.documents.ocr import OcrEngine
from agents.documents.reader import read_document
from agents.documents.settings import DocumentSettings
from agents.redaction import redact


@dataclass
class ClaimText:
    """Everything read from one claim's documents, already redacted."""

    text: str = ""
    pages: int = 0
    ocr_pages: int = 0
    min_confidence: float = 1.0
    redactions: Counter[str] = field(default_factory=Counter)


def read_claim_text(
    documents: Iterable[tuple[bytes, str]], region: str, settings: DocumentSettings, ocr: OcrEngine | None
) -> ClaimText:
    """Every (bytes, filename) document in submission order, within the settings' limits.

    Raises the documents' errors (corrupt, too large, OCR over its time...) unchanged.
    """
    result, texts = ClaimText(), []
    for data, filename in documents:
        document = read_document(
            data,
            filename=filename,
            max_bytes=settings.max_document_bytes,
            max_pages=settings.max_document_pages,
            ocr_seconds_per_page=settings.ocr_seconds_per_page,
            max_pixels=settings.max_image_pixels,
            ocr=ocr,
        )
        redacted = redact(document.text, region)
        texts.append(redacted.text)
        result.pages += len(document.pages)
        result.ocr_pages += document.ocr_pages
        result.min_confidence = min(result.min_confidence, document.min_confidence)
        result.redactions.update(redacted.counts())
    result.text = "\n\n".join(texts)
    return result
