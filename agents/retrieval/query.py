"""What the retriever asks for: the words that say what happened.

Forms spend most of their words on labels, names, dates and boilerplate that say nothing
about which peril applies. Embedding the damage description (or, failing that, the lines
that read as sentences) instead of the head of the document took recall@5 of the governing
clause from 0.84 to 1.00 on the sample corpus (`claimflow eval retrieval`).
"""

from __future__ import annotations

import re

from agents.events import ClaimFields
from agents.extraction import extract_fields

# MiniLM reads at most 256 word pieces; the head of a document never needs more than this.
EMBEDDED_CHARS = 2000


def head_query(text: str, region: str) -> str:
    """The start of the redacted claim text: the fallback, and the baseline the eval compares with."""
    return text[:EMBEDDED_CHARS]


_PLACEHOLDER = re.compile(r"<[A-Z_]+_\d+>")
_WORD = re.compile(r"[A-Za-z][A-Za-z'-]+")
# A description shorter than this is usually a fragment OCR split off its sentence ("bollard.").
_MIN_DESCRIPTION_WORDS = 6
# Lines with this many words and no PII placeholder are prose (what happened), not form fields.
_MIN_PROSE_WORDS = 5


def prose_lines(text: str) -> str:
    """The lines of the claim that read as sentences; labels, dates, amounts and PII lines dropped.

    OCR of a photographed form often puts a label and half of the description on one line,
    which defeats the extractor's label rules; the sentence itself survives this filter.
    """
    kept = [
        line.strip()
        for line in text.splitlines()
        if not _PLACEHOLDER.search(line) and len(_WORD.findall(line)) >= _MIN_PROSE_WORDS
    ]
    return " ".join(kept)


def focused_query(text: str, region: str, found: ClaimFields | None = None) -> str:
    """The retriever's query: the damage description, else the prose lines, else the head of the text.

    `found` is the extractor's reading of `text`, when the caller already has it.
    """
    described = (found or extract_fields(text, region)).damage_description.value
    if described and len(described.split()) >= _MIN_DESCRIPTION_WORDS:
        return described
    return prose_lines(text) or head_query(text, region)
