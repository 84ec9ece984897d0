"""Dates as claims print them: every accepted shape, region order, and everything that is not a date."""

from __future__ import annotations

from datetime import date
from itertools import pairwise

import pytest

from agents.extraction.dates import MONTH_FIRST_REGIONS, DateMention, find_dates, parse_date

APRIL_3 = date(2025, 4, 3)


@pytest.mark.parametrize(
    "text",
    [
        "03.04.2025", "3.4.25", "03/04/2025", "3/4/2025", "03-04-2025", "03 .04. 2025", "3 . 4 . 2025",
        "2025-04-03", "2025/04/03", "2025.04.03", "2025年4月3日", "2025년 4월 3일",
        "3 April 2025", "3rd April 2025", "3rd of April 2025", "April 3, 2025", "April 3rd, 2025",
        "April 3 2025", "Apr. 3, 2025", "Apr 3,2025", "3-Apr-2025", "3-Apr-25", "03 APR 2025", "03APR2025",
        "3 Apr '25",
        "3. April 2025", "3.April 2025", "3. Apr. 2025", "3 April2025", "3 avril 2025", "3 avr. 2025",
        "3 de abril de 2025", "3 de abril del 2025", "3 abril 2025", "3 abr 2025", "abril 3 de 2025",
        "2025-Apr-03", "2025 April 3", "3 APRIL 2025", "3\u00a0avril\u00a02025",
    ],
)  # fmt: skip
def test_reads_every_shape_of_3_april_2025(text: str) -> None:
    [mention] = find_dates(f"Datum: {text} (gez.)", "EU")
    assert mention.value == APRIL_3
    assert mention.text == text
    assert parse_date(text, "EU") == APRIL_3


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Montag, 3. März 2025", date(2025, 3, 3)),
        ("Montag, den 3. März 2025", date(2025, 3, 3)),
        ("Mo., 03.03.2025", date(2025, 3, 3)),
        ("lundi 3 mars 2025", date(2025, 3, 3)),
        ("Monday, 3 March 2025", date(2025, 3, 3)),
        ("Monday, March 3, 2025", date(2025, 3, 3)),
        ("Monday the 3rd of March 2025", date(2025, 3, 3)),
        ("lunes, 3 de marzo de 2025", date(2025, 3, 3)),
        ("mié 5 de marzo de 2025", date(2025, 3, 5)),
        ("Fr. 7. März 2025", date(2025, 3, 7)),
    ],
)
def test_a_weekday_in_front_is_part_of_the_mention(text: str, expected: date) -> None:
    [mention] = find_dates(f"Berlin, {text}", "EU")
    assert (mention.value, mention.text) == (expected, text)


@pytest.mark.parametrize(
    ("text", "month"),
    [
        ("3 Jan 2025", 1), ("3 janv. 2025", 1), ("3 Jänner 2025", 1), ("3 ene 2025", 1), ("3 enero 2025", 1),
        ("3 Feb 2025", 2), ("3 févr. 2025", 2), ("3 fevrier 2025", 2), ("3 FÉVRIER 2025", 2),
        ("3 Febr. 2025", 2),
        ("3. Mär. 2025", 3), ("3. Mrz. 2025", 3), ("3. Marz 2025", 3), ("3. Maerz 2025", 3), ("3 MÄRZ 2025",
        3),
        ("3 mars 2025", 3), ("3 marzo 2025", 3), ("3 mai 2025", 5), ("3 mayo 2025", 5), ("3 juin 2025", 6),
        ("3 juil. 2025", 7), ("3 juillet 2025", 7), ("3 Aug 2025", 8), ("3 aout 2025", 8), ("3 août 2025", 8),
        ("3 ago 2025", 8), ("3 sept. 2025", 9), ("3 Sep 2025", 9), ("3 setiembre 2025", 9), ("3. Okt. 2025",
        10),
        ("3 oct. 2025", 10), ("3 Nov 2025", 11), ("3 déc. 2025", 12), ("3 dec 2025", 12), ("3. Dez. 2025",
        12),
        ("3 dic 2025", 12), ("3 diciembre 2025", 12), ("1er avril 2025", 4), ("1º de abril de 2025", 4),
    ],
)  # fmt: skip
def test_month_names_and_abbreviations_in_four_languages(text: str, month: int) -> None:
    [mention] = find_dates(text, "EU")
    assert (mention.value.month, mention.value.year) == (month, 2025)


@pytest.mark.parametrize(
    ("text", "region", "expected", "ambiguous"),
    [
        ("03/04/2025", "EU", date(2025, 4, 3), True),
        ("03/04/2025", "APAC", date(2025, 4, 3), True),
        ("03/04/2025", "US", date(2025, 3, 4), True),
        ("03/04/2025", "us", date(2025, 3, 4), True),
        ("13/04/2025", "US", date(2025, 4, 13), False),  # the day > 12 decides, whatever the region
        ("04/13/2025", "EU", date(2025, 4, 13), False),
        ("03/03/2025", "EU", date(2025, 3, 3), False),  # both readings are the same day
        ("2025-04-03", "US", date(2025, 4, 3), False),
        ("3 April 2025", "US", date(2025, 4, 3), False),
    ],
)
def test_numeric_order_comes_from_the_region_and_is_flagged(
    text: str, region: str, expected: date, ambiguous: bool
) -> None:
    [mention] = find_dates(text, region)
    assert (mention.value, mention.ambiguous) == (expected, ambiguous)
    assert "US" in MONTH_FIRST_REGIONS


@pytest.mark.parametrize(
    ("text", "year", "short"),
    [("3.4.25", 2025, True), ("3.4.69", 2069, True), ("3.4.70", 1970, True), ("3.4.99", 1999, True),
     ("3-Apr-00", 2000, True), ("3.4.2025", 2025, False), ("3 April 1999", 1999, False)],
)  # fmt: skip
def test_two_digit_years_pivot_at_69(text: str, year: int, short: bool) -> None:
    [mention] = find_dates(text, "EU")
    assert (mention.value.year, mention.two_digit_year) == (year, short)


@pytest.mark.parametrize(
    "text",
    [
        "31.02.2025", "29.02.2025", "31 April 2025", "32.01.2025", "00.01.2025", "13/13/2025",  # impossible
        "10:30", "10.30 Uhr", "um 10:30:15",  # times
        "rev. 03/2019", "Formular 03/2019", "03/2025", "März 2025", "March 2025", "rev. 03/04/19", "v1.2.10",
        "Version 2.3.25", "§ 3.4.25", "Art. 3.4.25", "Seite 3.4.25",  # versions, form and section numbers
        "+49 30 1234 5678", "030-12-04-25", "06.12.34.56.78", "(555) 123-4567", "192.168.1.10",  # phones, IPs
        "DE89 3704 0044 0532 0130 00", "FR76 3000 6000 0112 3456 7890 189",  # IBANs
        "4.850,00", "1.234.567", "12,400.00",  # amounts
        "2023/24", "2023-24", "FY 2024/25",  # ranges
        "3 April", "am 3. März", "le 3 avril", "3 de abril", "April 3",  # no year: not a date
        "20250403", "Page 3, 2025", "3, 2025", "Summer 3, 2025", "Policy No. 884417/22", "88 4417 22",
    ],
)  # fmt: skip
def test_rejects_what_is_not_a_date(text: str) -> None:
    assert find_dates(text, "EU") == []
    assert parse_date(text, "EU") is None


def test_finds_every_date_in_order_without_overlap() -> None:
    text = (
        "Schadentag: 01.03.2025-31.03.2025; gemeldet am 2. April 2025, Geburtsdatum 12/05/1980, "
        "Police gültig ab 2024-01-01, Tel. 030 1234567, Betrag 4.850,00 EUR. Invoice dated April 3, 2025. "
        "Eingang 2025-04-03T10:30:00."
    )
    mentions = find_dates(text, "EU")
    assert [m.value for m in mentions] == [
        date(2025, 3, 1), date(2025, 3, 31), date(2025, 4, 2), date(1980, 5, 12), date(2024, 1, 1), APRIL_3,
        APRIL_3,
    ]  # fmt: skip
    assert all(text[m.start : m.end] == m.text for m in mentions)
    assert all(a.end <= b.start for a, b in pairwise(mentions))


def test_a_mention_is_a_frozen_record() -> None:
    [mention] = find_dates("on 3 April 2025", "EU")
    assert mention == DateMention(APRIL_3, 3, 15, "3 April 2025", ambiguous=False, two_digit_year=False)
    with pytest.raises(AttributeError):
        mention.start = 0  # type: ignore[misc]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("  03.04.2025  ", APRIL_3), ("le 3 avril 2025", APRIL_3), ("am 3. April 2025", APRIL_3),
        ("on 3 April 2025.", APRIL_3), ("Date: 3 April 2025", None), ("3 April 2025 and 4 April 2025", None),
        ("3 April 2025 10:30", None), ("", None), ("yesterday", None),
    ],
)  # fmt: skip
def test_parse_date_reads_the_whole_string_as_one_date(text: str, expected: date | None) -> None:
    assert parse_date(text, "EU") == expected


def test_a_time_glued_to_the_year_by_ocr_leaves_the_date_readable() -> None:
    """Hold-out: an e-mail's "Sent: 19/06/202418:13" (OCR lost the space) gave no date, and the broker's
    cover sheet dated the claim instead."""
    assert [m.value for m in find_dates("Sent: 19/06/202418:13", "APAC")] == [date(2024, 6, 19)]
    assert find_dates("Ref. 12/05/20241", "APAC") == []  # five digits are no year
    assert find_dates("12/05/2024123:45", "APAC") == []  # nor is a year followed by "123:45"
    # Spent seed 819384: a two-digit year too ("Sent: 17/09/25 14:03" on a scanned e-mail).
    assert [m.value for m in find_dates("Sent: 17/09/2514:03", "APAC")] == [date(2025, 9, 17)]
    assert [m.value for m in find_dates("12/05/2014:30", "EU")] == [date(2014, 5, 12)]  # a year, no time
