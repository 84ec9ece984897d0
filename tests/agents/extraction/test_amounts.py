"""Sums of money in every common grouping and currency marker, and the numbers that are not money."""

from __future__ import annotations

from decimal import Decimal
from itertools import pairwise

import pytest

from agents.extraction.amounts import AmountMention, find_amounts, parse_amount


@pytest.mark.parametrize(
    ("text", "value", "currency", "dollar"),
    [
        ("EUR 4.850,00", "4850.00", "EUR", False),
        ("4 850,00 €", "4850.00", "EUR", False),
        ("4\u00a0850,00 €", "4850.00", "EUR", False),  # non-breaking space
        ("4\u202f850,00 €", "4850.00", "EUR", False),  # narrow no-break space
        ("4\u2009850,00 €", "4850.00", "EUR", False),  # thin space
        ("4.850 €", "4850", "EUR", False),
        ("€4,850.00", "4850.00", "EUR", False),
        ("€ 4850", "4850", "EUR", False),
        ("4850,- EUR", "4850", "EUR", False),
        ("4.850,-- €", "4850", "EUR", False),
        ("4850EUR", "4850", "EUR", False),
        ("12.450,00 Euro", "12450.00", "EUR", False),
        ("1.234,56 EUR", "1234.56", "EUR", False),
        ("500 euros", "500", "EUR", False),
        ("4850 eur", "4850", "EUR", False),
        ("4,85 €", "4.85", "EUR", False),
        ("$12,400", "12400", None, True),
        ("1,500 $", "1500", None, True),
        ("3 200 $", "3200", None, True),
        ("1,200 dollars", "1200", None, True),
        ("1.200 Dollar", "1200", None, True),
        ("300 dólares", "300", None, True),
        ("USD 12,400.00", "12400.00", "USD", False),
        ("US$ 12,400", "12400", "USD", False),
        ("US $ 50", "50", "USD", False),
        ("12,400.00 US$", "12400.00", "USD", False),
        ("$1,200 USD", "1200", "USD", False),
        ("1.000 US-Dollar", "1000", "USD", False),
        ("S$1,200.50", "1200.50", "SGD", False),
        ("SGD 1,200.50", "1200.50", "SGD", False),
        ("2,500 Singapore dollars", "2500", "SGD", False),
        ("A$3,200", "3200", "AUD", False),
        ("AUD 3200", "3200", "AUD", False),
        ("AU$ 3,200.00", "3200.00", "AUD", False),
        ("500 dólares australianos", "500", "AUD", False),
        ("NZ$ 980.00", "980.00", "NZD", False),
        ("NZD 980", "980", "NZD", False),
        ("HK$15,000", "15000", "HKD", False),
        ("HKD 15,000.00", "15000.00", "HKD", False),
        ("£1,234.56", "1234.56", "GBP", False),
        ("GBP 1234.56", "1234.56", "GBP", False),
        ("200 pounds", "200", "GBP", False),
        ("CHF 1'250.50", "1250.50", "CHF", False),
        ("1\u2019250.50 Fr.", "1250.50", "CHF", False),
        ("100 Schweizer Franken", "100", "CHF", False),
        ("100 francs suisses", "100", "CHF", False),
        ("¥120,000", "120000", "JPY", False),
        ("JPY 120,000", "120000", "JPY", False),
        ("USD: 1,200", "1200", "USD", False),
        ("1,5 Mio. €", "1500000", "EUR", False),
        ("€5m", "5000000", "EUR", False),
        ("EUR 2,5 Mio.", "2500000", "EUR", False),
        ("USD 1, 055.15", "1055.15", "USD", False),  # OCR put a space after the thousands mark
        ("1. 234,56 EUR", "1234.56", "EUR", False),
    ],
)
def test_reads_every_currency_form(text: str, value: str, currency: str | None, dollar: bool) -> None:
    [mention] = find_amounts(f"Betrag: {text} (geschätzt)")
    assert (mention.value, mention.currency, mention.dollar) == (Decimal(value), currency, dollar)
    assert mention.text == text
    assert not mention.negative
    assert parse_amount(text) == Decimal(value)


def test_a_comma_and_space_without_cents_after_them_stays_a_list() -> None:
    """Only "1, 055.15" (cents after the group) is read as OCR's space after a thousands mark."""
    assert [m.value for m in find_amounts("USD 12, 500 and 300")] == [Decimal("12")]


@pytest.mark.parametrize(
    ("text", "value"),
    [
        ("-€120.00", "120.00"), ("(€120.00)", "120.00"), ("€ (120.00)", "120.00"), ("EUR -120,00", "120.00"),
        ("(120,00) €", "120.00"), ("Gutschrift: \u2212120,00 €", "120.00"),
    ],
)  # fmt: skip
def test_negative_and_parenthesised_amounts_keep_their_value_and_are_flagged(text: str, value: str) -> None:
    [mention] = find_amounts(text)
    assert (mention.value, mention.negative) == (Decimal(value), True)


@pytest.mark.parametrize("text", ["the repairs (EUR 4.850,00) were", "costs 1.000-2.000 € in total"])
def test_parentheses_and_range_dashes_in_prose_are_not_a_sign(text: str) -> None:
    assert [m.negative for m in find_amounts(text)] == [False]


@pytest.mark.parametrize(
    "text",
    [
        "4850", "4.850,00", "Total 12,400.00",  # no currency marker
        "19 %", "MwSt 19 % EUR",  # percentages
        "03.04.2025 €", "am 03.04.2025", "2025-04-03",  # dates
        "+49 30 1234 5678", "Tel. 0800 123 456",  # phone numbers
        "DE89 3704 0044 0532 0130 00", "IBAN: FR76 3000 6000 0112 3456 7890 189",  # IBANs
        "POL-EU-2024-001234", "EUR-2024-001234", "Policy 884417/22",  # policy numbers
        "Fr. 3. April 2025", "neurologist 100", "100 Europe", "1,234.567 €", "1.234.56 €",
    ],
)  # fmt: skip
def test_rejects_numbers_that_are_not_money(text: str) -> None:
    assert find_amounts(text) == []


def test_finds_every_amount_in_order_with_its_span() -> None:
    text = (
        "Kostenvoranschlag: 4.850,00 EUR zzgl. 19 % MwSt (921,50 €). Selbstbeteiligung € 300. "
        "Converted: USD 5,240.00 / $5,240 / S$7,000.50. Date 03.04.2025, policy POL-EU-2024-001234."
    )
    mentions = find_amounts(text)
    assert [(str(m.value), m.currency) for m in mentions] == [
        ("4850.00", "EUR"), ("921.50", "EUR"), ("300", "EUR"), ("5240.00", "USD"), ("5240", None),
        ("7000.50", "SGD"),
    ]  # fmt: skip
    assert all(text[m.start : m.end] == m.text for m in mentions)
    assert all(a.end <= b.start for a, b in pairwise(mentions))


def test_a_marker_between_two_numbers_belongs_to_the_one_before() -> None:
    assert [m.text for m in find_amounts("Betrag 100 € 200 €")] == ["100 €", "200 €"]
    assert [m.text for m in find_amounts("€ 100 € 200")] == ["€ 100", "€ 200"]


def test_a_mention_is_a_frozen_record() -> None:
    [mention] = find_amounts("Total: € 4850")
    assert mention == AmountMention(Decimal(4850), "EUR", False, 7, 13, "€ 4850")
    with pytest.raises(AttributeError):
        mention.value = Decimal(0)  # type: ignore[misc]


@pytest.mark.parametrize(
    ("text", "value"),
    [
        ("4.850,00", "4850.00"), ("4,850.00", "4850.00"), ("4 850,00", "4850.00"), ("4\u00a0850,00",
        "4850.00"),
        ("1'250.50", "1250.50"), ("1\u2019250.50", "1250.50"), ("4850,-", "4850"), ("4.850,--", "4850"),
        ("4.850", "4850"), ("4,850", "4850"), ("12,400", "12400"), ("1.234.567,89", "1234567.89"),
        ("1,234,567.89", "1234567.89"), ("4,85", "4.85"), ("4850,5", "4850.5"), ("0.850", "0.850"), ("1.5",
        "1.5"),
        ("1234.5678", "1234.5678"), ("4850", "4850"), (" 4850 ", "4850"), ("-120,00", "120.00"),
        ("(120.00)", "120.00"), ("EUR 4.850", "4850"), ("4.850 €", "4850"),
    ],
)  # fmt: skip
def test_parse_amount_reads_any_common_grouping(text: str, value: str) -> None:
    assert parse_amount(text) == Decimal(value)


@pytest.mark.parametrize(
    "text",
    ["", "   ", "abc", "03.04.2025", "19 %", "1.23.45", "1,234.567", "1.234,567", "1.234 567", "0.123.456",
     "12 34", "4.850,00 EUR and 12 USD", "POL-EU-2024-001234"],
)  # fmt: skip
def test_parse_amount_rejects_what_is_not_one_number(text: str) -> None:
    assert parse_amount(text) is None


@pytest.mark.parametrize("text", ["€10000000000000000000000Mio.", "EUR 1234567890123456 Mrd", "€" + "9" * 40])
def test_a_digit_run_too_long_for_money_is_not_an_amount(text: str) -> None:
    """Found by the fuzzer: 23 digits and "Mio." overflowed Decimal's precision (InvalidOperation)."""
    assert find_amounts(text) == []
    assert parse_amount(text) is None


def test_the_longest_sum_of_money_still_reads_with_its_scale() -> None:
    [mention] = find_amounts("EUR 999.999.999.999.999 Mrd")
    assert mention.value == Decimal("999999999999999") * 10**9
