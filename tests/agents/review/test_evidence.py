"""Where a field's evidence is on the pages: the report's evidence matched to the reading's segments."""

from __future__ import annotations

import io

from PIL import Image

from agents.documents import Segment, page_images
from agents.review.evidence import PageView, locate


def _page(number: int, *texts: str, method: str = "text") -> PageView:
    segments = tuple(
        Segment(text, 0.1, 0.1 * i, 0.5, 0.1 * i + 0.03) for i, text in enumerate(texts, start=1)
    )
    return PageView(number, 0, number - 1, "claim.pdf", method, segments)


def test_the_segments_holding_the_evidence_are_marked_and_short_common_words_are_not() -> None:
    page = _page(1, "Claim notification", "Date of incident:", "17/03/2024", "Date:", "20/03/2024")
    field = {"value": "2024-03-17", "evidence": "Date of incident: 17/03/2024", "page": 1}
    found = locate("incident_date", field, [page])
    assert [h.text for h in found] == ["Date of incident:", "17/03/2024"]
    assert (found[0].page, found[0].y0) == (1, 0.2)


def test_ocr_without_spaces_and_redacted_names_still_match() -> None:
    scan = _page(1, "Claimant:JaneDoe", "Amountclaimed:EUR4,850.00", method="ocr")
    amount = {"value": "4850.00", "evidence": "Amount claimed: EUR 4,850.00"}
    assert [h.text for h in locate("claimed_amount", amount, [scan])] == ["Amountclaimed:EUR4,850.00"]
    named = {"value": None, "evidence": "Claimant: <NAME_1>"}  # the name was redacted; the line is found
    assert [h.text for h in locate("holder", named, [scan])] == ["Claimant:JaneDoe"]
    assert locate("holder", {"value": None, "evidence": "by <NAME_1>"}, [scan]) == []  # too little to go on


def test_the_page_with_most_of_the_evidence_wins_and_the_reports_page_breaks_ties() -> None:
    first = _page(1, "Policy No: HX-442-0197")
    second = _page(2, "Policy No: HX-442-0197")
    field = {"value": "HX-442-0197", "evidence": "Policy No: HX-442-0197", "page": 2}
    assert {h.page for h in locate("policy_number", field, [first, second])} == {2}
    assert locate("policy_number", {"value": "", "evidence": ""}, [first]) == []


def test_a_photo_is_pictured_upright_and_whole() -> None:
    buffer = io.BytesIO()
    Image.new("L", (300, 200), 255).save(buffer, format="PNG")
    [picture] = page_images(buffer.getvalue(), filename="photo.png")
    assert picture.mode == "RGB" and picture.size == (300, 200)
