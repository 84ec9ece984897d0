"""Dates as claim documents really print them, in English, German, French and Spanish.

Claims arrive as typed letters, scanned forms, e-mails and OCR output from four languages and
three regions, so one document may write `03.04.2025`, `3rd April 2025`, `Montag, 3. März 2025`,
`le 1er avril 2025` or `3 de abril de 2025`, with accents lost, spaces inserted by OCR and two-digit
years. The rules that read them were once tuned on one generator's layout; this module reads the
shapes people and systems actually produce, and only dates: a day and month without a year, a
month and year (`rev. 03/2019`), a time, a phone number, an amount (`4.850,00`) or a range
(`2023/24`) is not a date and is not returned.

Numeric day/month order follows the claim's region (`MONTH_FIRST_REGIONS` write the month first;
Europe and APAC write the day first), unless a number above 12 decides it; a mention whose order
came from the region while both readings are valid dates is flagged `ambiguous`, so that a caller
can lower its confidence. All shapes are matched in one pass of one compiled pattern; the Python
work per match is constant, so a 20 KB text takes a few milliseconds.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from datetime import date

__all__ = ["MONTH_FIRST_REGIONS", "DateMention", "find_dates", "parse_date"]

MONTH_FIRST_REGIONS = frozenset({"US"})  # EU and APAC write day first

TWO_DIGIT_YEAR_PIVOT = 69  # yy <= 69 -> 20yy, else 19yy


@dataclass(frozen=True)
class DateMention:
    """One date found in a text.

    Attributes:
        value: The calendar date.
        start: Offset of the first character of the mention in the text.
        end: Offset just past its last character.
        text: The matched text (`text[start:end]`).
        ambiguous: Day/month order was decided by the region while both readings are valid dates.
        two_digit_year: The year was printed with two digits and expanded with the pivot.
    """

    value: date
    start: int
    end: int
    text: str
    ambiguous: bool
    two_digit_year: bool


# Month names and abbreviations, written with their accents; the pattern also accepts them
# without accents, with German umlauts spelt out (Maerz) and in any case.
_MONTHS: dict[int, tuple[str, ...]] = {
    1: ("january", "jan", "januar", "jänner", "jän", "janvier", "janv", "enero", "ene"),
    2: ("february", "feb", "febr", "februar", "février", "févr", "fév", "febrero"),
    3: ("march", "mar", "märz", "mär", "mrz", "mars", "marzo"),
    4: ("april", "apr", "avril", "avr", "abril", "abr"),
    5: ("may", "mai", "mayo"),
    6: ("june", "jun", "juni", "juin", "junio"),
    7: ("july", "jul", "juli", "juillet", "juil", "julio"),
    8: ("august", "aug", "août", "aoû", "agosto", "ago"),
    9: ("september", "sep", "sept", "septembre", "septiembre", "setiembre", "set"),
    10: ("october", "oct", "oktober", "okt", "octobre", "octubre"),
    11: ("november", "nov", "novembre", "noviembre"),
    12: ("december", "dec", "dezember", "dez", "décembre", "déc", "diciembre", "dic"),
}
_WEEKDAYS = (
    "monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday",
    "mon", "tue", "tues", "wed", "thu", "thur", "thurs", "fri", "sat", "sun",
    "montag", "dienstag", "mittwoch", "donnerstag", "freitag", "samstag", "sonnabend", "sonntag",
    "lundi", "mardi", "mercredi", "jeudi", "vendredi", "samedi", "dimanche",
    "lun", "mer", "jeu", "ven", "sam", "dim",
    "lunes", "martes", "miércoles", "jueves", "viernes", "sábado", "domingo",
    "mié", "jue", "vie", "sáb", "dom",
)  # fmt: skip
_UMLAUTS = {"ä": "(?:ae|[aä])"}  # Maerz, Jaenner; the only umlaut in a month name
_VOWELS = {"a": "[aàáâä]", "e": "[eéèêë]", "i": "[iíîï]", "o": "[oóôö]", "u": "[uúûü]"}


def _fold(text: str) -> str:
    """Lower case without accents: `Févr.` -> `fevr.`."""
    if text.isascii():
        return text.lower()
    decomposed = unicodedata.normalize("NFKD", text.lower())
    return "".join(c for c in decomposed if not unicodedata.combining(c))


def _word(word: str) -> str:
    """A regex for `word` that also matches it with or without accents, or with umlauts spelt out."""
    return "".join(_UMLAUTS.get(c) or _VOWELS.get(c) or re.escape(c) for c in word)


def _alternation(words: list[str]) -> str:
    """One regex for many words, as a trie: the engine picks a branch by its first letter."""
    trie: dict[str, dict] = {}
    for word in words:
        node = trie
        for char in word if "ä" in word else _fold(word):  # other accents: _VOWELS takes both
            node = node.setdefault(char, {})
        node[""] = {}
    return _branches(trie)


def _branches(node: dict[str, dict]) -> str:
    options = [_word(char) + _branches(child) for char, child in sorted(node.items()) if char]
    if not options:
        return ""
    body = options[0] if len(options) == 1 else "(?:" + "|".join(options) + ")"
    return f"(?:{body})?" if "" in node else body


_MONTH_NUMBER = {_fold(name): number for number, names in _MONTHS.items() for name in names}
_LETTER_BEFORE = r"(?<![^\W\d_])"  # not preceded by a letter (digits may touch: 03APR2025)
_LETTER_AFTER = r"(?![^\W\d_])"
_MONTH = rf"{_LETTER_BEFORE}(?=[^\W\d_]){_alternation([n for v in _MONTHS.values() for n in v])}"
_SPACES = " \t\u00a0\u202f"
_SP = f"[{_SPACES}]"  # spaces within one line, including the non-breaking ones
_YEAR4 = r"(?:19|20)\d{2}"


def _month(name: str) -> str:
    return rf"(?P<{name}>{_MONTH}){_LETTER_AFTER}\.?"


def _day(name: str) -> str:
    # 3, 03, 3rd, 3rd of, 1er (French), 1º (Spanish); the German "3." ordinal dot is a separator.
    return rf"(?P<{name}>[0-3]?\d)(?:(?:st|nd|rd|th)(?:{_SP}+of)?|er|ᵉʳ|\.?º|°|ª)?"


# Every shape starts with a digit; a month or weekday written before that digit ("April 3, 2025",
# "Monday, 3 March 2025") is looked up behind the match, so the scan never tries the long lists
# of names at every word of a long text.
_DATE = re.compile(
    r"(?=\d)(?:"
    # 2025-04-03, 2025/04/03, 2025.04.03 (always year, month, day)
    rf"(?<![\w./-])(?P<iy>{_YEAR4}){_SP}?(?P<isep>[./-]){_SP}?(?P<im>\d{{1,2}}){_SP}?(?P=isep){_SP}?"
    rf"(?P<id>\d{{1,2}})(?!\d|\.\d)"
    # 03.04.2025, 3/4/25, 03-04-2025, 03 .04. 2025 (order from the region unless a part is > 12)
    rf"|(?<![\w./])(?<!\d,)(?P<na>\d{{1,2}}){_SP}?(?P<nsep>[./-]){_SP}?(?P<nb>\d{{1,2}}){_SP}?(?P=nsep)"
    # ... and OCR's "19/06/202418:13" or "17/09/2514:03", a time glued to the year
    rf"{_SP}?(?P<ny>{_YEAR4}|\d{{2}})(?:(?=\d{{1,2}}:\d{{2}}(?!\d))|(?!\d|\.\d))"
    # 2025年4月3日, 2025년 4월 3일
    rf"|(?P<cy>{_YEAR4})\s*[年년]\s*(?P<cm>\d{{1,2}})\s*[月월]\s*(?P<cd>\d{{1,2}})\s*[日일]"
    # 2025-Apr-03, 2025 April 3
    rf"|(?<![\w.])(?P<ky>{_YEAR4})(?:{_SP}*[-/]{_SP}*|{_SP}+){_month('km')}(?:{_SP}*[-/]{_SP}*|{_SP}+)"
    rf"(?P<kd>[0-3]?\d)(?!\d)"
    # 3 April 2025, 3rd of April 2025, 3. Apr. 2025, 3-Apr-25, 03APR2025, 3 de abril de 2025
    rf"|(?<!\d)(?<!\d[.,/]){_day('dd')}(?:{_SP}*[-./]?{_SP}*)(?:de{_SP}+)?{_month('dm')}"
    rf"(?:{_SP}*[-/.,]?{_SP}*)(?:del?{_SP}+)?(?P<dy>{_YEAR4}|['\u2019]\d{{2}}|(?<=[-/.])\d{{2}})(?!\d)"
    # the "3, 2025" of "April 3, 2025" / "abril 3 de 2025": valid only after a month name
    rf"|(?<!\d)(?<!\d[.,/])(?P<md>[0-3]?\d)(?:st|nd|rd|th)?(?!\d)(?:{_SP}*,{_SP}*|{_SP}+)(?:de{_SP}+)?"
    rf"(?P<my>{_YEAR4}|['\u2019]\d{{2}})(?!\d))",
    re.IGNORECASE,
)
_YEAR_FIRST = {"id": ("iy", "im", "id"), "cd": ("cy", "cm", "cd"), "kd": ("ky", "km", "kd")}
_LOOK_BEHIND = 24  # characters searched for a word written before the digits
# The word just before a position, read on the reversed text so that one anchored match finds it.
_WORD_BEFORE = re.compile(r"[ \t\u00a0\u202f]*(?P<punct>,?\.?)(?P<word>[^\W\d_]+)")
_WEEKDAY_NAMES = frozenset(_fold(name) for name in _WEEKDAYS)
_SHORT_WEEKDAYS = frozenset({"mo", "di", "mi", "do", "fr", "sa", "so"})  # German, only with "." or ","
_ARTICLES = frozenset({"the", "le", "den", "el"})
# A numeric "date" right after one of these words is a version, form, section or page number.
_NOT_A_DATE_AFTER = frozenset(
    {"rev", "revision", "version", "ver", "v", "release", "edition", "ed", "form", "formular", "formulaire",
     "formulario", "art", "article", "artikel", "section", "abschnitt", "chapter", "kapitel", "clause",
     "ziffer", "ziff", "para", "page", "seite", "table", "tabelle", "fig", "figure", "abb"}
)  # fmt: skip
_LEADING_WORDS = re.compile(r"^(?:(?:le|the|on|am|den|el|du|vom|dated|a|en|of)\s+)+", re.IGNORECASE)


def _word_before(text: str, end: int) -> tuple[str, int, str] | None:
    """The word just before `end` (spaces, a dot, a comma skipped): folded, its start, the punctuation."""
    last = len(text[max(0, end - 4) : end].rstrip(_SPACES)) + max(0, end - 4) - 1
    if last < 0 or not (text[last].isalpha() or text[last] in ".,"):
        return None  # the common case, ": 03.04.2025", decided without a regex
    window = text[max(0, end - _LOOK_BEHIND) : end][::-1]
    match = _WORD_BEFORE.match(window)
    if match is None or (end - match.end() > 0 and text[end - match.end() - 1].isalnum()):
        return None
    return _fold(match.group("word")[::-1]), end - match.end(), match.group("punct")[::-1]


def _weekday_start(text: str, start: int) -> int:
    """Where a weekday written before a date begins ("Montag, den 3. März"), else `start`."""
    before = _word_before(text, start)
    if before is not None and before[0] in _ARTICLES and not before[2]:
        before = _word_before(text, before[1])
    if before is None:
        return start
    weekday = before[0] in _WEEKDAY_NAMES or (before[0] in _SHORT_WEEKDAYS and before[2] != "")
    return before[1] if weekday else start


def _year(raw: str) -> tuple[int, bool]:
    digits = raw.lstrip("'\u2019")
    if len(digits) == 4:
        return int(digits), False
    yy = int(digits)
    return (2000 + yy if yy <= TWO_DIGIT_YEAR_PIVOT else 1900 + yy), True


def _valid(year: int, month: int, day: int) -> date | None:
    try:
        return date(year, month, day)
    except ValueError:
        return None


def _numeric(a: int, b: int, year: int, region: str) -> tuple[date, bool] | None:
    """Day and month from two numbers: the region's order, unless only the other one is valid."""
    if region in MONTH_FIRST_REGIONS:
        preferred, other = _valid(year, a, b), _valid(year, b, a)
    else:
        preferred, other = _valid(year, b, a), _valid(year, a, b)
    if preferred is not None:
        return preferred, other is not None and a != b
    return (other, False) if other is not None else None


def _read(match: re.Match[str], text: str, region: str) -> tuple[date, bool, bool, int] | None:
    """The date a match stands for, whether the region decided its order, its year width, its start."""
    shape, start = match.lastgroup, match.start()
    if shape == "ny":  # numeric, day and month order to be decided
        first, second, raw_year = match.group("na", "nb", "ny")
        if not _plain_numeric(match, text):
            return None
        year, short = _year(raw_year)
        read = _numeric(int(first), int(second), year, region)
        return (read[0], read[1], short, start) if read else None
    if shape == "my":  # "3, 2025": the month must be written just before
        before = _word_before(text, start)
        month = _month_key(before[0]) if before is not None and before[2] in ("", ".") else ""
        if month not in _MONTH_NUMBER or before is None:
            return None
        day, raw_year = match.group("md", "my")
        start = before[1]
    elif shape == "dy":
        day, month, raw_year = match.group("dd", "dm", "dy")
    else:  # year first: ISO, CJK, 2025-Apr-03
        raw_year, month, day = match.group(*_YEAR_FIRST[shape or ""])
    year, short = _year(raw_year)
    month_number = int(month) if month.isdigit() else _MONTH_NUMBER[_month_key(month)]
    found = _valid(year, month_number, int(day))
    return (found, False, short, start) if found else None


def _month_key(token: str) -> str:
    key = _fold(token).rstrip(".")
    return key if key in _MONTH_NUMBER else key.replace("ae", "a").replace("oe", "o").replace("ue", "u")


def _plain_numeric(match: re.Match[str], text: str) -> bool:
    """False for a numeric shape that is one part of a longer run (phone, IP, version number)."""
    sep = match.group("nsep")
    start, end = match.start("na"), match.end()
    if start and text[start - 1] == sep:  # 030-12-04-25: a run of dash-separated groups
        return False
    if text[end : end + 1] == sep and text[end + 1 : end + 2].isdigit():
        return False
    if text[max(0, start - 3) : start].strip().endswith("§"):
        return False
    before = _word_before(text, start)
    return before is None or before[0] not in _NOT_A_DATE_AFTER


def find_dates(text: str, region: str) -> list[DateMention]:
    """Every date in `text`, in order and non-overlapping.

    Args:
        text: Any document text.
        region: The claim's region (`EU`, `US`, `APAC`, ...); decides day/month order of numeric
            dates where both orders give a valid date.

    Returns:
        One mention per date; a leading weekday ("Monday, 3 March 2025") is part of its span.
    """
    region = region.upper()
    found: list[DateMention] = []
    pos = 0
    while (match := _DATE.search(text, pos)) is not None:
        read = _read(match, text, region)
        if read is None:  # not a date after all: its digits may still start one
            pos = match.start() + 1
            continue
        value, ambiguous, short, start = read
        weekday = _weekday_start(text, start)
        if not found or weekday >= found[-1].end:
            start = weekday
        end = match.end()
        found.append(DateMention(value, start, end, text[start:end], ambiguous, short))
        pos = end
    return found


def parse_date(text: str, region: str) -> date | None:
    """The whole string as one date, or None.

    Surrounding spaces, a trailing full stop or comma and a leading article or preposition
    ("le 3 avril 2025", "am 3. März 2025", "on 3 April 2025") are allowed; anything else around
    the date makes it not one date.
    """
    cleaned = _LEADING_WORDS.sub("", text.strip().rstrip(".,;").rstrip())
    found = find_dates(cleaned, region)
    if len(found) == 1 and found[0].start == 0 and found[0].end == len(cleaned):
        return found[0].value
    return None
