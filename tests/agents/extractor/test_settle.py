"""How the extractor settles its fields: the book's number, the reading's weight, the received date."""

from __future__ import annotations

import dataclasses
from datetime import UTC, datetime, timedelta, timezone

import pytest

from agents.events import ClaimFields, ExtractedField, LayoutLine
from agents.extractor.handler import (
    CLEAN_SCAN,
    RECEIVED_CONFIDENCE,
    RECEIVED_OVER_UNREAD,
    read_fields,
    settle,
)

RECEIVED = datetime(2025, 5, 14, 23, 30, tzinfo=timezone(timedelta(hours=-5)))  # 04:30 UTC the next day
WELLINGTON = datetime(
    2025, 3, 12, 9, 19, 55, tzinfo=timezone(timedelta(hours=13))
)  # 20:19 UTC the day before


def _fields(reported: str | None) -> ClaimFields:
    found = ExtractedField(value="X", confidence=0.9, evidence="x")
    return ClaimFields(
        policy_number=ExtractedField(value="AS WRITTEN 1", confidence=0.8, evidence="policy"),
        incident_date=found,
        damage_description=found,
        reported_on=ExtractedField(value=reported, confidence=0.97, evidence="Date")
        if reported
        else ExtractedField(),
    )


def test_without_a_date_on_the_documents_the_report_date_is_the_day_received_where_it_was_received() -> None:
    """The submitter's calendar day, not UTC's: a hold-out claim received at 09:19 on 12 March in
    Wellington was dated the 11th when the day was taken in UTC."""
    fields = settle(_fields(None), reading_confidence=0.5, received_at=RECEIVED)
    assert fields.reported_on.value == "2025-05-14"
    assert fields.reported_on.confidence == RECEIVED_CONFIDENCE  # a fact, not a reading: not weighed by OCR
    assert "received 2025-05-14 23:30 (UTC-0500)" in fields.reported_on.evidence
    assert (
        settle(_fields(None), reading_confidence=1.0, received_at=WELLINGTON).reported_on.value
        == "2025-03-12"
    )
    naive = settle(_fields(None), reading_confidence=1.0, received_at=datetime(2025, 3, 11, 23, 0))
    assert naive.reported_on.value == "2025-03-11"  # no offset given: UTC


def test_a_report_date_the_documents_carry_but_the_reader_could_not_read_doubts_the_receipt() -> None:
    """A scanned e-mail's "Sent:" beside figures that read as no date (OCR's "17/O9/2514:O3"): the
    receipt, days later, stands in at a confidence a person confirms, and says why."""
    mail = [
        LayoutLine(document=0, page=1, text="From:", x0=0.108, y0=0.111, x1=0.162, y1=0.127),
        LayoutLine(document=0, page=1, text="Sent:", x0=0.109, y0=0.128, x1=0.158, y1=0.144),
        LayoutLine(document=0, page=1, text="17/O9/2514:O3", x0=0.2, y0=0.128, x1=0.34, y1=0.144),
    ]
    text = "\n".join(line.text for line in mail)
    doubted = read_fields(text, "APAC", 1.0, lines=mail, received_at=RECEIVED).reported_on
    assert (doubted.value, doubted.confidence) == ("2025-05-14", RECEIVED_OVER_UNREAD)
    assert "unread: Sent: 17/O9/2514:O3" in doubted.evidence
    blank = [mail[0], dataclasses.replace(mail[1], text="Sent: ________")]
    undated = read_fields("From:\nSent: ________", "APAC", 1.0, lines=blank, received_at=RECEIVED)
    assert undated.reported_on.confidence == RECEIVED_CONFIDENCE  # an empty field carries no date


def test_the_documents_own_date_wins_over_the_received_time() -> None:
    fields = settle(_fields("2025-05-12"), reading_confidence=1.0, received_at=RECEIVED)
    assert fields.reported_on.value == "2025-05-12"


def test_the_books_number_replaces_the_one_read_and_is_weighed_by_the_reading() -> None:
    book = ExtractedField(value="HX 442 019 7", confidence=0.98, evidence="Policy number: HX4420197")
    fields = settle(_fields(None), reading_confidence=0.9, policy_number=book)
    assert fields.policy_number.value == "HX 442 019 7"
    assert fields.policy_number.confidence == round(0.98 * 0.9 / CLEAN_SCAN, 4)
    kept = settle(_fields(None), reading_confidence=1.0, policy_number=ExtractedField())
    assert kept.policy_number.value == "AS WRITTEN 1"


def test_a_clean_scan_weighs_like_a_text_layer_and_a_poor_one_less() -> None:
    for clean in (1.0, CLEAN_SCAN, 0.985):
        assert settle(_fields(None), reading_confidence=clean).incident_date.confidence == 0.9
    poor = settle(_fields(None), reading_confidence=0.8).incident_date.confidence
    assert poor == round(0.9 * 0.8 / CLEAN_SCAN, 4) and poor < 0.75


def test_no_report_date_and_no_received_time_leaves_the_field_empty() -> None:
    assert read_fields("A pipe burst.", "EU", 1.0).reported_on.value is None
    assert (
        read_fields(
            "A pipe burst.", "EU", 1.0, received_at=datetime(2025, 1, 2, tzinfo=UTC)
        ).reported_on.value
        == "2025-01-02"
    )


def _letter(*body: str) -> list[LayoutLine]:
    texts = ["Policy number: HX4420197", "Date of loss: 2 May 2025", *body]
    return [
        LayoutLine(document=0, page=1, text=text, x0=0.1, y0=0.1 + 0.03 * i, x1=0.6, y1=0.12 + 0.03 * i)
        for i, text in enumerate(texts)
    ]


def _report_date(lines: list[LayoutLine]) -> ExtractedField:
    text = "\n".join(line.text for line in lines)
    return read_fields(text, "EU", 1.0, lines=lines, received_at=RECEIVED).reported_on


def test_an_unlabelled_date_between_the_loss_and_the_receipt_doubts_the_receipt() -> None:
    """No report date read, but the letter carries a date after the loss that no label places: it
    may be the claim's own date in a wording the reader does not know, so a person confirms. One
    such date is proposed first (calibration: the report date 34 times in 48, the receipt 19), the
    receipt a candidate; with two, the receipt stays the proposal and both are candidates."""
    one = _report_date(_letter("The roof was patched on 9 May 2025."))
    assert (one.value, one.confidence) == ("2025-05-09", RECEIVED_OVER_UNREAD)
    assert "the documents carry 2025-05-09, which no label names; received 2025-05-14" in one.evidence
    assert one.candidates == ["2025-05-14"]  # the reviewer may pick the receipt
    two = _report_date(_letter("The roof was patched on 9 May 2025.", "A roofer came on 12 May 2025."))
    assert (two.value, two.confidence) == ("2025-05-14", RECEIVED_OVER_UNREAD)
    assert "the documents also carry 2025-05-09, 2025-05-12, which no label names" in two.evidence
    assert two.candidates == ["2025-05-09", "2025-05-12"]


@pytest.mark.parametrize(
    "line",
    [
        "Repairs are booked for 20 May 2025.",  # after the receipt: not its report date
        "Invoice date: 9 May 2025",  # a distractor's label places it
        "Estimated total: 1,200.00 EUR",  # no date at all
    ],
)
def test_the_receipt_stands_when_no_unplaced_date_could_be_the_report_date(line: str) -> None:
    sure = _report_date(_letter(line))
    assert (sure.value, sure.confidence) == ("2025-05-14", RECEIVED_CONFIDENCE)
