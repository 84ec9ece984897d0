"""Amounts, dates and policy numbers over hostile text: no exception, consistent spans, exact round trips.

Each parser reads text that OCR and claimants produce, so any string must come back as a
(possibly empty) list of mentions whose offsets point at their own text, and a value printed
in any of the documented formats must read back as itself.
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from itertools import pairwise

from hypothesis import given
from hypothesis import strategies as st

from agents.events import ClaimFields, LayoutLine
from agents.extraction import extract_fields, read_claim_fields
from agents.extraction.amounts import CURRENCY_CODES, find_amounts, parse_amount
from agents.extraction.dates import find_dates, parse_date
from agents.extraction.policy_numbers import candidates, match_key, spans, strict_key
from tests.fuzz.strategies import claim_text, heavy, regions, repeated_text

texts = claim_text | st.text()


def _ordered_and_consistent(text: str, mentions: list) -> None:
    for mention in mentions:
        assert 0 <= mention.start < mention.end <= len(text)
        assert text[mention.start : mention.end] == mention.text
    for before, after in pairwise(mentions):
        assert before.end <= after.start


# --- amounts ------------------------------------------------------------------------------------


@given(texts)
def test_find_amounts_returns_consistent_positive_mentions(text: str) -> None:
    mentions = find_amounts(text)
    _ordered_and_consistent(text, mentions)
    for mention in mentions:
        assert mention.value >= 0
        assert mention.currency is None or mention.currency in CURRENCY_CODES
        assert mention.dollar == (mention.currency is None)


@given(texts)
def test_parse_amount_is_a_non_negative_decimal_or_none(text: str) -> None:
    value = parse_amount(text)
    assert value is None or (isinstance(value, Decimal) and value >= 0)


GROUPINGS = [
    (".", ","),
    (",", "."),
    (" ", ","),
    ("\u00a0", ","),
    ("\u202f", ","),
    ("'", "."),
    ("", ","),
    ("", "."),
]


def _printed(value: Decimal, thousands: str, decimal_mark: str) -> str:
    whole, cents = f"{value:.2f}".split(".")
    groups = []
    while whole:
        groups.insert(0, whole[-3:])
        whole = whole[:-3]
    return thousands.join(groups) + decimal_mark + cents


money = st.decimals(min_value=0, max_value=10**9, places=2, allow_nan=False, allow_infinity=False)


@given(money, st.sampled_from(GROUPINGS))
def test_an_amount_in_any_grouping_reads_back_as_itself(value: Decimal, grouping: tuple[str, str]) -> None:
    printed = _printed(value, *grouping)
    assert parse_amount(printed) == value
    [prefixed] = find_amounts(f"Total: EUR {printed}.")
    assert (prefixed.value, prefixed.currency) == (value, "EUR")
    [suffixed] = find_amounts(f"Total {printed} CHF\n")
    assert (suffixed.value, suffixed.currency) == (value, "CHF")


# --- dates --------------------------------------------------------------------------------------

MONTH_NAMES = {
    "en": ("January February March April May June July August September October November December"),
    "de": "Januar Februar März April Mai Juni Juli August September Oktober November Dezember",
    "fr": "janvier février mars avril mai juin juillet août septembre octobre novembre décembre",
    "es": "enero febrero marzo abril mayo junio julio agosto septiembre octubre noviembre diciembre",
}


def _written(day: date, shape: str, region: str) -> str:
    month = {lang: names.split()[day.month - 1] for lang, names in MONTH_NAMES.items()}
    d, m, y = day.day, day.month, day.year
    return {
        "iso": f"{y:04d}-{m:02d}-{d:02d}",
        "numeric": f"{m:02d}/{d:02d}/{y}" if region == "US" else f"{d:02d}.{m:02d}.{y}",
        "en": f"{d} {month['en']} {y}",
        "en-us": f"{month['en']} {d}, {y}",
        "de": f"{d}. {month['de']} {y}",
        "fr": f"le {d} {month['fr']} {y}",
        "es": f"{d} de {month['es']} de {y}",
    }[shape]


dates = st.dates(min_value=date(1900, 1, 1), max_value=date(2099, 12, 31))
shapes = st.sampled_from(["iso", "numeric", "en", "en-us", "de", "fr", "es"])


@given(texts, regions)
def test_find_dates_returns_consistent_dates_in_the_supported_years(text: str, region: str) -> None:
    mentions = find_dates(text, region)
    _ordered_and_consistent(text, mentions)
    for mention in mentions:
        assert 1900 <= mention.value.year <= 2099


@given(texts, regions)
def test_parse_date_is_a_date_or_none(text: str, region: str) -> None:
    found = parse_date(text, region)
    assert found is None or isinstance(found, date)


@given(dates, shapes, st.sampled_from(["EU", "US", "APAC"]))
def test_a_date_in_any_supported_shape_reads_back_as_itself(day: date, shape: str, region: str) -> None:
    written = _written(day, shape, region)
    assert parse_date(written, region) == day
    [mention] = find_dates(f"Date of loss: {written}; reported later.", region)
    assert mention.value == day


# --- policy numbers -----------------------------------------------------------------------------


@given(texts)
def test_candidates_are_spans_of_the_text_with_their_keys(text: str) -> None:
    found = candidates(text)
    assert [(c.start, c.end) for c in found] == sorted((c.start, c.end) for c in found)
    for candidate in found:
        assert text[candidate.start : candidate.end] == candidate.text
        assert candidate.strict == strict_key(candidate.text)
        assert candidate.key == match_key(candidate.text)
        assert 5 <= len(candidate.key) <= 24
        assert sum(ch.isdigit() or ch == "|" for ch in candidate.text) >= 2


@given(texts, st.sets(st.integers(min_value=0, max_value=30), max_size=5))
def test_spans_of_given_sizes_are_the_spans_of_those_sizes(text: str, sizes: set[int]) -> None:
    assert spans(text, sizes=sizes) == [s for s in spans(text) if len(s[2]) in sizes]


@given(st.text())
def test_keys_are_idempotent(text: str) -> None:
    assert strict_key(strict_key(text)) == strict_key(text)
    assert match_key(match_key(text)) == match_key(text)


policy_like = st.from_regex(r"[A-Z]{1,3}[-/ ]?[0-9]{2,6}([-/ ][0-9A-Z]{1,6}){0,2}", fullmatch=True)


@given(claim_text, policy_like, claim_text)
def test_a_number_on_its_own_line_is_a_candidate(before: str, number: str, after: str) -> None:
    text = f"{before}\n{number}\n{after}"
    start = len(before) + 1
    if not 5 <= len(strict_key(number)) <= 24:
        return
    keys = {(c.start, c.end): c.strict for c in candidates(text)}
    assert keys.get((start, start + len(number))) == strict_key(number)


# --- hostile repetition -------------------------------------------------------------------------


@heavy(share=4)
@given(repeated_text(), regions)
def test_parsers_finish_on_20k_of_repeated_claim_tokens(text: str, region: str) -> None:
    """Backtracking regexes blow up on repetition; the deadline catches a parser gone quadratic."""
    find_amounts(text)
    find_dates(text, region)
    candidates(text)


# --- the whole reading of a claim's fields ------------------------------------------------------

unit = st.floats(0.0, 1.0)
layout_lines = st.lists(
    st.builds(LayoutLine, page=st.integers(1, 3), text=claim_text, x0=unit, y0=unit, x1=unit, y1=unit),
    max_size=12,
)


@heavy(share=2)
@given(claim_text, layout_lines, regions)
def test_reading_a_claims_fields_from_any_text_and_layout_gives_fields(
    text: str, lines: list[LayoutLine], region: str
) -> None:
    """What the retriever runs on every claim: the text rules and the layout, merged."""
    fields = read_claim_fields(text, lines, region)
    assert isinstance(fields, ClaimFields)
    for _, field in fields:
        assert 0.0 <= field.confidence <= 1.0
    assert isinstance(extract_fields(text, region), ClaimFields)
