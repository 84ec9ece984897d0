"""Deciding which of the book's policies a claim is under, from the spans of its text the book recognised."""

from __future__ import annotations

from datetime import date

import pytest

from agents.extraction.policy_match import (
    EXACT,
    LABELLED_EXACT,
    OCR_REPAIRED,
    REPAIRED_IN_TEXT,
    SEVERAL_POLICIES,
    choose_policy,
)
from agents.stores import Clause, MemoryPolicyIndex, Policy


def _policy(number: str, region: str = "EU") -> Policy:
    return Policy(
        policy_number=number,
        region=region,
        holder_name="A. Holder",
        start_date=date(2025, 1, 1),
        end_date=date(2025, 12, 31),
        coverages=["water"],
        limit=10_000,
        clauses=[Clause(clause_id="1", title="Water", text="We pay for water.")],
    )


BOOK = MemoryPolicyIndex(
    [_policy("HX 442 019 7"), _policy("A/2023/00471-K"), _policy("SGH.2231.778", "APAC")]
)


async def _choose(text: str, region: str = "EU", pages: list[tuple[int, int, str]] | None = None):  # type: ignore[no-untyped-def]
    return choose_policy(await BOOK.find(text, region), text, pages or [(0, len(text), "text")])


async def test_the_books_number_next_to_its_label_is_sure() -> None:
    found = await _choose("Claim form\nPolicy number: hx-442-0197\nDate of loss: 3 May 2025")
    assert (found.value, found.confidence) == ("HX 442 019 7", LABELLED_EXACT)
    assert found.evidence == "Policy number: hx-442-0197" and found.page == 1


async def test_the_books_number_without_a_label_is_still_the_claims() -> None:
    found = await _choose("Re: insurance claim - HX4420197\nDear Sir or Madam,")
    assert (found.value, found.confidence) == ("HX 442 019 7", EXACT)


async def test_an_ocr_slip_is_forgiven_on_a_scanned_page_but_not_in_a_typed_text() -> None:
    text = "Policy No. HX 442 O19 7"  # O for 0
    scanned = await _choose(text, pages=[(0, len(text), "ocr")])
    assert (scanned.value, scanned.confidence) == ("HX 442 019 7", OCR_REPAIRED)
    typed = await _choose(text)
    assert (typed.value, typed.confidence) == ("HX 442 019 7", REPAIRED_IN_TEXT)


async def test_a_number_one_character_off_matches_nothing() -> None:
    for typo in ("HX 442 019 8", "HX 442 019", "HX 442 019 77", "A/2023/00471-X"):
        assert (await _choose(f"Policy number: {typo}")).value is None, typo


async def test_two_policies_conflict_unless_a_label_picks_one() -> None:
    both = await _choose("We hold HX 442 019 7 and A/2023/00471-K with you.")
    assert both.confidence == SEVERAL_POLICIES and both.candidates
    picked = await _choose("Our other policy is HX 442 019 7.\nPolicy no.: A/2023/00471-K")
    assert (picked.value, picked.confidence) == ("A/2023/00471-K", LABELLED_EXACT)
    assert picked.candidates == ["HX 442 019 7"]


async def test_another_regions_policy_is_never_found() -> None:
    assert (await _choose("Policy number SGH.2231.778", "EU")).value is None
    assert (await _choose("Policy number SGH 2231 778", "APAC")).value == "SGH.2231.778"


@pytest.mark.parametrize(
    "text", ["", "no numbers here at all", "Phone +44 20 7946 0958, IBAN DE89 3704 0044 0532 0130 00"]
)
async def test_text_without_a_book_number_gives_an_empty_field(text: str) -> None:
    assert (await _choose(text)).value is None
