"""The retriever's query: the words that say what happened."""

from __future__ import annotations

from agents.retrieval import focused_query, prose_lines

OCR_SPLIT_FORM = """ClaimFlow Insurance Company of America
Policy number POL-US-2023-096954
Policyholder <NAME_1>
While reversing out of a parking space I collided with a concrete
Description of loss bollard.
Estimated cost USD 828.00
Telephone <PHONE_1>"""


def test_the_focused_query_keeps_the_sentence_that_ocr_split_from_its_label() -> None:
    assert prose_lines(OCR_SPLIT_FORM) == (
        "ClaimFlow Insurance Company of America "
        "While reversing out of a parking space I collided with a concrete"
    )
    assert "collided with a concrete" in focused_query(OCR_SPLIT_FORM, "US")
