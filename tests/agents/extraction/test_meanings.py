"""What titles and the words naming a sum mean, in wordings no lexicon holds: the real all-MiniLM-L6-v2."""

from __future__ import annotations

import pytest

from agents.events import ClaimFields, LayoutLine
from agents.extraction.fields import GUESS
from agents.extraction.layout_fields import read_layout
from agents.extraction.meanings import AGREES, Meanings, NamedSum, agrees
from agents.extraction.reading import read_claim_fields
from agents.retrieval import MiniLMEmbedder

ROW = 0.02


def line(text: str, x: float, y: float, *, width: float = 0.3, document: int = 0) -> LayoutLine:
    return LayoutLine(document=document, page=1, text=text, x0=x, y0=y, x1=x + width, y1=y + ROW)


@pytest.fixture(scope="module")
def sums() -> Meanings:
    found = Meanings(MiniLMEmbedder())
    found.warm()
    return found


def form(*rows: tuple[str, str]) -> list[LayoutLine]:
    """A form in a wording the lexicon does not know: each label in its cell, its sum right of it."""
    lines = [line("Household claim", 0.1, 0.05)]
    for i, (label, value) in enumerate(rows):
        lines += [line(label, 0.1, 0.3 + 0.05 * i), line(value, 0.55, 0.3 + 0.05 * i, width=0.2)]
    return lines


def fields(lines: list[LayoutLine], sums: Meanings | None) -> ClaimFields:
    assert not read_layout(lines, "EU").claimed_amount.value  # no reader knows these labels
    return read_claim_fields("\n".join(c.text for c in lines), lines, "EU", sums)


def test_the_sum_named_as_the_claim_is_proposed_over_a_larger_one_named_otherwise(sums: Meanings) -> None:
    lines = form(
        ("Mortgage outstanding", "EUR 180.000,00"),
        ("Total to be reimbursed", "EUR 3.150,00"),
        ("Annual premium", "EUR 820,00"),
    )
    amount = fields(lines, sums).claimed_amount
    assert (amount.value, amount.confidence) == ("3150.00", GUESS)  # not the largest: a person confirms
    assert "180000.00" in amount.candidates
    assert "Total to be reimbursed" in amount.evidence
    # Without the reader of meanings (no embedder), the guess is the largest unmarked sum.
    assert fields(lines, None).claimed_amount.value == "180000.00"


def test_the_best_named_sum_that_is_also_the_largest_stands_surer_but_below_approval(sums: Meanings) -> None:
    lines = form(("Total to be reimbursed", "EUR 3.150,00"), ("Annual premium", "EUR 820,00"))
    amount = fields(lines, sums).claimed_amount
    assert (amount.value, amount.confidence) == ("3150.00", AGREES)
    assert GUESS < AGREES < 0.9
    assert amount.candidates == ["820.00"]


def test_a_sums_words_are_its_run_else_its_label_cell_left_of_it_else_the_caption_above() -> None:
    lines = [
        line("Household claim", 0.1, 0.05),
        line("Glazier EUR 450,00", 0.1, 0.2),
        line("Total to be reimbursed", 0.1, 0.3),
        line("EUR 3.150,00", 0.55, 0.3, width=0.2),
        line("Annual premium", 0.1, 0.4),
        line("EUR 820,00", 0.1, 0.4 + ROW + 0.005, width=0.2),
    ]
    assert read_layout(lines, "EU").named_sums == (
        ("450.00", "Glazier "),  # a sum with its currency is named once, not again as a bare figure
        ("3150.00", "Total to be reimbursed "),
        ("820.00", "Annual premium"),
    )


def test_sums_are_ranked_by_their_best_naming_and_agreement_needs_a_clear_margin(sums: Meanings) -> None:
    ranked = sums.rank(
        [
            ("820.00", "Annual premium"),
            ("3150.00", "Total to be reimbursed"),
            ("820.00", "Amount we ask you to pay"),
        ]
    )
    assert [found.value for found in ranked] == ["3150.00", "820.00"]  # 820.00 scored by its better words
    assert ranked[1].words == "Amount we ask you to pay"
    assert sums.rank([]) == []
    assert agrees(ranked, "3150.00") is (ranked[0].score - ranked[1].score >= 0.05)
    assert not agrees(ranked, "820.00")  # the best named is not the largest
    close = [NamedSum("3150.00", 0.30, "a"), NamedSum("820.00", 0.29, "b")]
    assert not agrees(close, "3150.00")
    assert agrees([NamedSum("3150.00", -0.2, "a")], "3150.00")  # the only sum, and the largest


def claim_of(*titles: str) -> list[LayoutLine]:
    """One document per title, each with a line of its own below the title."""
    lines = []
    for document, title in enumerate(titles):
        lines += [
            line(title, 0.1, 0.05, document=document),
            line("Reference 2025/114", 0.1, 0.3, document=document),
        ]
    return lines


def test_a_title_no_pattern_knows_is_read_by_its_meaning_where_two_documents_read_as_the_claim(
    sums: Meanings,
) -> None:
    lines = claim_of(
        "Household loss notification",
        "Costing of remedial works",
        "Images taken after the storm",
        "Remittance note from your agent",
    )
    by_patterns = read_layout(lines, "EU")
    assert by_patterns.claim_documents == {0, 1, 2, 3}  # no title pattern names any of them
    by_meaning = read_layout(lines, "EU", sums)
    assert by_meaning.claim_documents == {0}
    assert by_meaning.attachments == {1, 2}  # the agent's remittance note is a cover sheet


def test_one_document_at_least_stays_the_claim(sums: Meanings) -> None:
    lines = claim_of("Costing of remedial works", "Statement of repair charges")
    assert read_layout(lines, "EU", sums).claim_documents == {0, 1}
