"""Sums of money as claim documents print them, in any of the common number groupings.

A claim's amount may be written `EUR 4.850,00`, `4 850,00 €` (with a non-breaking or thin
space), `€4,850.00`, `4850,- EUR`, `CHF 1'250.50`, `S$1,200.50` or `12.450,00 Euro`, depending on
the country, the software and the person who typed it. `.` and `,` mean opposite things in
Europe and in the English-speaking world, so a number is read from its shape: with both marks
the last one is the decimal mark; a single mark followed by exactly three digits groups
thousands (money is never printed to three decimals in these currencies); one or two digits
after it are decimals.

`find_amounts` only returns numbers that a currency sign, ISO code or word marks as money, so
dates, percentages, phone numbers, IBANs and policy numbers are not taken for amounts. A bare
`$` is kept apart (`dollar=True`, no currency), because USD, SGD, AUD, NZD and HKD all write it
and only the claim's region can tell them apart. A minus sign or accounting parentheses never
make a claim: the value is kept positive and `negative` says the document printed it as a debit.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from decimal import Decimal

__all__ = ["CURRENCY_CODES", "AmountMention", "currency_named", "find_amounts", "parse_amount"]

CURRENCY_CODES = frozenset(
    {"EUR", "USD", "GBP", "CHF", "JPY", "SGD", "AUD", "NZD", "HKD", "CAD", "CNY", "SEK", "NOK", "DKK", "PLN",
     "CZK", "INR", "MYR", "THB", "ZAR", "MXN"}
)  # fmt: skip


@dataclass(frozen=True)
class AmountMention:
    """One sum of money found in a text.

    Attributes:
        value: The amount, always positive (see `negative`), scaled by "Mio."/"k" where printed.
        currency: ISO 4217 code when the text says which currency, else None.
        dollar: The only currency marker is a bare `$` (USD, SGD, AUD, NZD or HKD).
        start: Offset of the first character of the mention (currency marker included).
        end: Offset just past its last character.
        text: The matched text (`text[start:end]`).
        negative: Printed with a minus sign or in accounting parentheses: a debit, not a claim.
    """

    value: Decimal
    currency: str | None
    dollar: bool
    start: int
    end: int
    text: str
    negative: bool = False


_SPACE = r"[ \t\u00a0\u202f\u2009]"
# A number: groups of three after a separator (. , ' or its typographic form, or a space of any
# width), or a plain run of digits; then one or two decimals, or the dash that writes "no cents"
# (4850,- / 4.850,--).
# A thousands mark may be followed by a space OCR put after it ("USD 1, 055.15"), when cents end
# the number ("USD 12, 500 and 300" stays 12).
_NUMBER = (
    r"(?:\d{1,3}(?:(?:[.,] (?=\d{3}[.,]\d{2}(?!\d))|[.,'\u2019\u00a0\u202f\u2009 ])\d{3})+|\d+)"
    r"(?:[.,](?:\d{1,2}|[-\u2013\u2014]{1,2}))?"
)
# Not followed by more of a number, a date's or a policy number's next part, or a percent sign.
_NUMBER_END = r"(?!\d|[.,'\u2019]\d|[-/]\d|[ \t]*%)"
_SCALE = (
    rf"(?:{_SPACE}*(?:Mio|Mill|Mrd|Tsd)\.?|{_SPACE}*(?:Millionen|Milliarden|millions?|millones|milliards?"
    r"|billions?|thousand|bn|mn)(?![^\W\d_])|(?:k|K|m|M)(?![^\W\d_²³]))"
)
_CODE = r"(?<![^\W\d_])(?:" + "|".join(sorted(CURRENCY_CODES)) + r"|(?i:eur|usd|gbp|chf))(?![^\W\d_])"
# The currencies a bare `$` may be: each writes it.
DOLLAR_CURRENCIES = ("USD", "SGD", "AUD", "NZD", "HKD")
_DOLLAR_SIGNS = rf"(?<![^\W\d_])(?:US|U\.S\.|AU|NZ|HK|SG|CA|A|S|C){_SPACE}?\$"
_SYMBOL = rf"(?:{_DOLLAR_SIGNS}|[$€£¥₹]|(?<![^\W\d_])[sS]?Fr\.)"
# Words naming a currency after the number; "dollars" alone is a bare dollar.
_PRE_QUALIFIER = (
    r"(?i:(?:US|U\.S\.|american|singapore|australian|new\s+zealand|NZ|hong\s+kong|HK|canadian|Singapur"
    r"|australische[n]?|neuseeländische[n]?|Hongkong|kanadische[n]?|schweizer)[ -]?)"
)
_WORD = (
    r"(?<![^\W\d_])(?i:(?:dollars?|d[óo]lares|d[óo]lar)"
    r"(?:\s+(?:US|américains|americains|australiens|de\s+Singapour|singapouriens|néo-zélandais"
    r"|de\s+Hong\s+Kong|canadiens|estadounidenses|americanos|australianos|de\s+Singapur|singapurenses"
    r"|neozelandeses|canadienses))?"
    r"|euros?|pounds?\s+sterling|pounds|sterling|pfund|livres?\s+sterling|libras?(?:\s+esterlinas?)?"
    r"|franken|francs?\s+suisses|francs|francos?\s+suizos|yens?)(?![^\W\d_])"
)
# Where a currency marker may start. Every branch starts with a literal character, so the regex
# engine skips the rest of the text in C instead of trying the amount patterns at every position.
_SIGNS = {
    "€", "$", "£", "¥", "₹", "US", "U.S.", "AU", "A$", "S$", "SG", "NZ", "HK", "C$", "CA",
    "Fr.", "SFr.", "sFr.",
}  # fmt: skip
_WORD_STEMS = (
    "eur", "usd", "gbp", "chf", "dollar", "dólar", "dolar", "pound", "pfund", "sterling", "livre", "libra",
    "franc", "franken", "yen",
)  # fmt: skip
_MARKER_STARTS = sorted(
    CURRENCY_CODES | _SIGNS | {v for stem in _WORD_STEMS for v in (stem, stem.capitalize(), stem.upper())},
    key=lambda s: (-len(s), s),
)
_MARKER_SCAN = re.compile(
    "|".join(
        re.escape(first) + "(?:" + "|".join(re.escape(s[1:]) for s in _MARKER_STARTS if s[0] == first) + ")"
        for first in sorted({s[0] for s in _MARKER_STARTS})
    )
)
# A marker followed by the amount: EUR 4.850,00 / € 4850 / US$ 12,400 / CHF 1'250.50 / USD $1,200.
_PREFIXED = re.compile(
    rf"(?P<marker>(?:{_CODE}{_SPACE}*)?{_SYMBOL}|{_CODE}){_SPACE}*:?{_SPACE}*(?P<sign>[-\u2212]{_SPACE}?)?"
    rf"(?P<open>\()?(?P<number>{_NUMBER}){_NUMBER_END}(?P<scale>{_SCALE})?(?(open)\))"
    rf"(?:{_SPACE}*(?P<code>{_CODE}))?"
)
# A marker after the amount (4 850,00 € / 4850,- EUR / 12,400.00 US$ / 1'250.50 Fr. / 3 200 $) and
# the amount just before it, found in a short window that ends at the marker.
_SUFFIX_MARKER = re.compile(rf"{_CODE}|{_SYMBOL}|{_WORD}")
_NUMBER_BEFORE = re.compile(
    rf"(?<![\w])(?<!\d[.,'\u2019])(?P<open>\((?=\d))?(?P<number>{_NUMBER}){_NUMBER_END}(?P<scale>{_SCALE})?"
    rf"(?(open)\)){_SPACE}*(?P<qualifier>{_PRE_QUALIFIER})?\Z"
)
_WINDOW = 40  # characters before a marker searched for its amount
_SCALES = {
    "k": 3, "tsd": 3, "thousand": 3,
    "m": 6, "mn": 6, "mio": 6, "mill": 6, "million": 6, "millions": 6, "millionen": 6, "millones": 6,
    "mrd": 9, "bn": 9, "billion": 9, "billions": 9, "milliard": 9, "milliards": 9, "milliarden": 9,
}  # fmt: skip
_SYMBOL_CURRENCY = {
    "€": "EUR", "£": "GBP", "¥": "JPY", "₹": "INR", "us$": "USD", "u.s.$": "USD", "s$": "SGD", "sg$": "SGD",
    "a$": "AUD", "au$": "AUD", "nz$": "NZD", "hk$": "HKD", "c$": "CAD", "ca$": "CAD", "fr.": "CHF",
    "sfr.": "CHF",
}  # fmt: skip
# Words that name a currency, by a stem of their folded spelling; checked in this order.
_WORD_CURRENCY = (
    (re.compile(r"\bus\b|u\.s\.|americ|estadounid"), "USD"),
    (re.compile(r"singap"), "SGD"),
    (re.compile(r"austral"), "AUD"),
    (re.compile(r"zeal|zeland|neusee"), "NZD"),
    (re.compile(r"hong\s*kong|\bhk\b"), "HKD"),
    (re.compile(r"canad|kanad"), "CAD"),
    (re.compile(r"euro"), "EUR"),
    (re.compile(r"pound|pfund|livre|libra|sterling"), "GBP"),
    (re.compile(r"fran[ck]"), "CHF"),
    (re.compile(r"yen"), "JPY"),
)
# parse_amount also takes more than two decimals ("1234.5678"), which money marked in text never has.
_PLAIN_NUMBER = re.compile(
    r"(?P<n>(?:\d{1,3}(?:[.,'\u2019\u00a0\u202f\u2009 ]\d{3})+|\d+)(?:[.,](?:\d+|[-\u2013\u2014]{1,2}))?)"
)
_NOT_IN_SYMBOL = re.compile(r"[\s-]")
# No sum of money has more integer digits than this (10^15 is a quadrillion); longer runs are
# serial numbers or noise, and a "Mio."/"Mrd" after one would overflow Decimal's 28 digits.
_MAX_INTEGER_DIGITS = 15
_MARKS = re.compile(r"([.,'\u2019\u00a0\u202f\u2009 ])")
_MARK_THEN_SPACE = re.compile(r"([.,]) (?=\d{3}[.,]\d{2}(?!\d))")


def _fold(text: str) -> str:
    if text.isascii():
        return text.lower()
    decomposed = unicodedata.normalize("NFKD", text.lower())
    return "".join(c for c in decomposed if not unicodedata.combining(c))


def _currency(marker: str) -> tuple[str | None, bool]:
    """ISO code and bare-dollar flag of a currency sign, code or word."""
    if marker in _SYMBOL_CURRENCY:
        return _SYMBOL_CURRENCY[marker], False
    folded = _fold(marker)
    compact = _NOT_IN_SYMBOL.sub("", folded)
    if compact[:3].upper() in CURRENCY_CODES:
        return compact[:3].upper(), False
    if compact in _SYMBOL_CURRENCY:
        return _SYMBOL_CURRENCY[compact], False
    for stem, code in _WORD_CURRENCY:
        if stem.search(folded):
            return code, False
    return None, True  # "$", "dollars", "dólares": which dollar depends on the region


def _decimal(raw: str) -> Decimal | None:
    """A printed number in any common grouping as a Decimal, or None when its grouping is invalid."""
    if raw.isdigit():
        return Decimal(raw) if len(raw) <= _MAX_INTEGER_DIGITS else None
    raw = _MARK_THEN_SPACE.sub(r"\1", raw)  # "1, 055.15" as OCR read "1,055.15"
    dash = raw[-1] in "-\u2013\u2014"
    body = raw.rstrip("-\u2013\u2014")[:-1] if dash else raw  # 4850,- and 4.850,--: no cents
    parts = _MARKS.split(body)
    digits, marks = parts[0::2], parts[1::2]
    if not all(part.isdigit() for part in digits):
        return None
    fraction = ""
    if marks and marks[-1] in ".," and not dash:
        last, single = digits[-1], len(marks) == 1
        if len(last) in (1, 2) or (single and (len(last) > 3 or digits[0] == "0")):
            fraction, digits, decimal_mark, marks = last, digits[:-1], marks[-1], marks[:-1]
            if decimal_mark in marks:  # 1.234.56: the same mark cannot group and separate decimals
                return None
    if marks and (len(set(marks)) > 1 or len(digits[0]) > 3 or digits[0] == "0"):
        return None  # mixed grouping marks, or a first group that cannot start a grouped number
    if marks and any(len(group) != 3 for group in digits[1:]):
        return None
    if sum(map(len, digits)) > _MAX_INTEGER_DIGITS:
        return None
    return Decimal("".join(digits) + ("." + fraction if fraction else ""))


def _minus_before(text: str, start: int) -> bool:
    """A minus sign tight against the amount ("-120,00 €"), not the dash of a range ("1.000-2.000 €")."""
    return start > 0 and text[start - 1] in "-\u2212" and (start < 2 or not text[start - 2].isalnum())


def _prefixed(text: str, at: int) -> AmountMention | None:
    match = _PREFIXED.match(text, at)
    if match is None:
        return None
    marker, number_end = match.group("marker"), match.end("number")
    if marker.endswith("Fr.") and text[number_end : number_end + 1] == ".":
        return None  # "Fr. 3. April": Friday, not Swiss francs
    start, end = match.start(), match.end()
    tight_parentheses = (
        marker in ("$", "€", "£", "¥") and match.start("number") == start + 1
        and text[start - 1 : start] == "(" and text[end : end + 1] == ")"
    )  # fmt: skip  # ($120.00): accounting style
    negative = bool(match.group("sign") or match.group("open")) or tight_parentheses
    return _mention(text, match, (match.group("code"), marker), negative or _minus_before(text, start))


def _suffixed(text: str, at: int, not_before: int) -> AmountMention | None:
    marker = _SUFFIX_MARKER.match(text, at)
    if marker is None:
        return None
    match = _NUMBER_BEFORE.search(text, max(not_before, at - _WINDOW), at)
    if match is None or (match.group("qualifier") and not marker.group()[0].isalpha()):
        return None
    qualified = (match.group("qualifier") or "") + marker.group()
    negative = bool(match.group("open")) or _minus_before(text, match.start())
    mention = _mention(text, match, (qualified,), negative)
    return mention and AmountMention(
        mention.value, mention.currency, mention.dollar, mention.start, marker.end(),
        text[mention.start : marker.end()], mention.negative,
    )  # fmt: skip


def _mention(
    text: str, match: re.Match[str], markers: tuple[str | None, ...], negative: bool
) -> AmountMention | None:
    value = _decimal(match.group("number"))
    if value is None:
        return None
    scale = match.group("scale")
    if scale:
        value *= Decimal(10) ** _SCALES[scale.strip().rstrip(".").lower()]
        value = value.quantize(Decimal(1)) if value == value.to_integral_value() else value
    currency, dollar = None, True
    for marker in markers:  # a code or named currency wins over a bare "$"
        if marker:
            currency, dollar = _currency(marker)
            if currency:
                break
    return AmountMention(value, currency, dollar, match.start(), match.end(), match.group(), negative)


def find_amounts(text: str) -> list[AmountMention]:
    """Every sum of money marked by a currency sign, code or word, in order and non-overlapping.

    A number without any currency marker is not returned (use `parse_amount` for a value read
    next to a label).
    """
    found: list[AmountMention] = []
    last_end = 0
    for marker in _MARKER_SCAN.finditer(text):
        at = marker.start()
        if at < last_end:
            continue
        mention = _suffixed(text, at, last_end) or _prefixed(text, at)
        if mention is not None:
            found.append(mention)
            last_end = mention.end
    return found


def currency_named(text: str) -> tuple[str | None, bool] | None:
    """The currency a short text names ("Amount claimed (EUR)", "in €", "Euro"), as (ISO code, bare dollar).

    None when it names none; `(None, True)` for a dollar whose country the text does not say.
    """
    for marker in _SUFFIX_MARKER.finditer(text):
        return _currency(marker.group())
    return None


def parse_amount(text: str) -> Decimal | None:
    """A number in any common grouping, with or without a currency marker; None if it is not one.

    `4.850,00`, `4,850.00`, `4 850,00`, `1'250.50`, `4850,-` and `EUR 4.850` all work. A single
    `.` or `,` followed by exactly three digits groups thousands (`4.850` is 4850, `0.850` is
    0.85). A sign or parentheses are ignored: the magnitude is returned.
    """
    cleaned = text.strip().lstrip("-\u2212+").strip()
    if cleaned.startswith("(") and cleaned.endswith(")"):
        cleaned = cleaned[1:-1].strip()
    if not cleaned:
        return None
    mentions = find_amounts(cleaned)
    if len(mentions) == 1 and mentions[0].start == 0 and mentions[0].end == len(cleaned):
        return mentions[0].value
    match = _PLAIN_NUMBER.fullmatch(cleaned)
    return _decimal(match.group("n")) if match else None
