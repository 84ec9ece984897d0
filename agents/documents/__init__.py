"""Reading claim documents: PDF text layers, scanned pages and photos through OCR, within limits."""

from agents.documents.claim_text import ClaimText, RawClaimText, read_claim, read_claim_text
from agents.documents.layout import LayoutLine, Segment
from agents.documents.ocr import OcrEngine, OcrError, OcrModel, shared_engine
from agents.documents.reader import (
    PAGE_SEPARATOR,
    CorruptDocument,
    CorruptImage,
    DocumentError,
    DocumentText,
    DocumentTooLarge,
    EmptyDocument,
    EncryptedDocument,
    ImageTooLarge,
    OcrFailed,
    OcrTimeLimitExceeded,
    PageText,
    PageTooLarge,
    UnsupportedDocument,
    page_images,
    read_document,
)
from agents.documents.settings import DocumentSettings

__all__ = [
    "PAGE_SEPARATOR",
    "ClaimText",
    "CorruptDocument",
    "CorruptImage",
    "DocumentError",
    "DocumentSettings",
    "DocumentText",
    "DocumentTooLarge",
    "EmptyDocument",
    "EncryptedDocument",
    "ImageTooLarge",
    "LayoutLine",
    "OcrEngine",
    "OcrError",
    "OcrFailed",
    "OcrModel",
    "OcrTimeLimitExceeded",
    "PageText",
    "PageTooLarge",
    "RawClaimText",
    "Segment",
    "UnsupportedDocument",
    "page_images",
    "read_claim",
    "read_claim_text",
    "read_document",
    "shared_engine",
]
