"""Written date forms in four languages, and local timestamps with their offsets.

Numeric dates follow the region, not the language: day first in the EU and APAC, month
first in the US, so ``03/04/2025`` is 3 April in Europe and 4 March in the US. Textual forms
follow the language (``3. April 2025``, ``le 3 avril 2025``, ``3 de abril de 2025``).
"""

from __future__ import annotations

import datetime as dt
import random

MONTHS = {
    "en": (
        "January",
        "February",
        "March",
        "April",
        "May",
        "June",
        "July",
        "August",
        "September",
        "October",
        "November",
        "December",
    ),
    "de": (
        "Januar",
        "Februar",
        "März",
        "April",
        "Mai",
        "Juni",
        "Juli",
        "August",
        "September",
        "Oktober",
        "November",
        "Dezember",
    ),
    "fr": (
        "janvier",
        "février",
        "mars",
        "avril",
        "mai",
        "juin",
        "juillet",
        "août",
        "septembre",
        "octobre",
        "novembre",
        "décembre",
    ),
    "es": (
        "enero",
        "febrero",
        "marzo",
        "abril",
        "mayo",
        "junio",
        "julio",
        "agosto",
        "septiembre",
        "octubre",
        "noviembre",
        "diciembre",
    ),
}
ABBR = {
    "en": ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"),
    "de": ("Jan.", "Feb.", "März", "Apr.", "Mai", "Juni", "Juli", "Aug.", "Sept.", "Okt.", "Nov.", "Dez."),
    "fr": ("janv.", "févr.", "mars", "avr.", "mai", "juin", "juil.", "août", "sept.", "oct.", "nov.", "déc."),
    "es": ("ene.", "feb.", "mar.", "abr.", "may.", "jun.", "jul.", "ago.", "sept.", "oct.", "nov.", "dic."),
}
WEEKDAYS = {
    "en": ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday"),
    "de": ("Montag", "Dienstag", "Mittwoch", "Donnerstag", "Freitag", "Samstag", "Sonntag"),
    "fr": ("lundi", "mardi", "mercredi", "jeudi", "vendredi", "samedi", "dimanche"),
    "es": ("lunes", "martes", "miércoles", "jueves", "viernes", "sábado", "domingo"),
}

# Style weights per language (English split by US and other markets).
STYLE_WEIGHTS: dict[str, dict[str, float]] = {
    "de": {
        "num_dot": 40,
        "num_dot_short": 10,
        "long": 20,
        "abbr": 6,
        "iso": 8,
        "num_slash": 4,
        "num_dash": 4,
        "weekday_long": 3,
    },
    "fr": {
        "num_slash": 38,
        "long": 20,
        "le_long": 10,
        "abbr": 6,
        "iso": 6,
        "num_dash": 6,
        "num_slash_short": 6,
        "num_dot": 4,
        "weekday_long": 4,
    },
    "es": {
        "num_slash": 38,
        "long": 24,
        "num_dash": 10,
        "abbr": 6,
        "iso": 6,
        "num_slash_short": 6,
        "num_dot": 5,
        "weekday_long": 5,
    },
    "en-us": {
        "num_slash": 32,
        "num_slash_nopad": 15,
        "us_long": 20,
        "us_long_ord": 5,
        "iso": 5,
        "num_slash_short": 6,
        "num_dash": 5,
        "upper_mon": 4,
        "dash_mon": 3,
        "abbr": 5,
    },
    "en": {
        "num_slash": 26,
        "num_slash_nopad": 10,
        "long": 18,
        "long_ord": 9,
        "dash_mon": 6,
        "upper_mon": 6,
        "iso": 5,
        "num_dot": 3,
        "num_slash_short": 6,
        "us_long": 4,
        "us_long_ord": 2,
        "abbr": 5,
    },
}


def _ordinal(day: int) -> str:
    if 11 <= day % 100 <= 13:
        return f"{day}th"
    return f"{day}{ {1: 'st', 2: 'nd', 3: 'rd'}.get(day % 10, 'th') }"


def _numeric(d: dt.date, region: str, sep: str, pad: bool, short: bool) -> str:
    day, month = (f"{d.day:02d}", f"{d.month:02d}") if pad else (str(d.day), str(d.month))
    year = f"{d.year % 100:02d}" if short else str(d.year)
    first, second = (month, day) if region == "US" else (day, month)
    return f"{first}{sep}{second}{sep}{year}"


def _long(d: dt.date, lang: str, region: str) -> str:
    month = MONTHS[lang][d.month - 1]
    if lang == "de":
        return f"{d.day}. {month} {d.year}"
    if lang == "fr":
        return f"{'1er' if d.day == 1 else d.day} {month} {d.year}"
    if lang == "es":
        return f"{d.day} de {month} de {d.year}"
    return f"{month} {d.day}, {d.year}" if region == "US" else f"{d.day} {month} {d.year}"


def format_date(d: dt.date, style: str, lang: str, region: str) -> str:
    """``d`` written in ``style`` for a document in ``lang`` from ``region``."""
    if style == "num_dot":
        return _numeric(d, region, ".", True, False)
    if style == "num_dot_short":
        return _numeric(d, region, ".", False, True)
    if style == "num_slash":
        return _numeric(d, region, "/", True, False)
    if style == "num_slash_nopad":
        return _numeric(d, region, "/", False, False)
    if style == "num_slash_short":
        return _numeric(d, region, "/", True, True)
    if style == "num_dash":
        return _numeric(d, region, "-", True, False)
    if style == "iso":
        return d.isoformat()
    if style == "long":
        return _long(d, lang, region)
    if style == "le_long":
        return f"le {_long(d, 'fr', region)}"
    if style == "long_ord":
        return f"{_ordinal(d.day)} {MONTHS['en'][d.month - 1]} {d.year}"
    if style == "us_long":
        return f"{MONTHS['en'][d.month - 1]} {d.day}, {d.year}"
    if style == "us_long_ord":
        return f"{MONTHS['en'][d.month - 1]} {_ordinal(d.day)}, {d.year}"
    if style == "dash_mon":
        return f"{d.day}-{ABBR['en'][d.month - 1]}-{d.year}"
    if style == "upper_mon":
        return f"{d.day:02d} {ABBR['en'][d.month - 1].upper()} {d.year}"
    if style == "abbr":
        month = ABBR[lang][d.month - 1]
        if lang == "en":
            return f"{month} {d.day}, {d.year}" if region == "US" else f"{d.day} {month} {d.year}"
        return f"{d.day}. {month} {d.year}" if lang == "de" else f"{d.day} {month} {d.year}"
    if style == "weekday_long":
        return f"{WEEKDAYS[lang][d.weekday()]}{'' if lang == 'fr' else ','} {_long(d, lang, region)}"
    raise ValueError(f"unknown date style {style!r}")


def weights_key(lang: str, region: str) -> str:
    """The key of ``STYLE_WEIGHTS`` for a language in a region."""
    return "en-us" if lang == "en" and region == "US" else lang


PROSE_ONLY = frozenset({"le_long", "weekday_long"})


def pick_style(rng: random.Random, lang: str, region: str, *, prose: bool = False) -> str:
    """A date style common for ``lang`` in ``region`` (``le 3 avril``-like forms only in prose)."""
    table = {
        k: w for k, w in STYLE_WEIGHTS[weights_key(lang, region)].items() if prose or k not in PROSE_ONLY
    }
    return rng.choices(list(table), weights=list(table.values()))[0]


def numeric_style(style: str) -> bool:
    """Whether ``style`` writes the month as a number (so its order depends on the region)."""
    return style.startswith("num_")


def _nth_sunday(year: int, month: int, n: int) -> dt.date:
    """The n-th Sunday of a month; n = -1 for the last."""
    if n > 0:
        first = dt.date(year, month, 1)
        return first + dt.timedelta(days=(6 - first.weekday()) % 7 + 7 * (n - 1))
    last = dt.date(year + (month == 12), month % 12 + 1, 1) - dt.timedelta(days=1)
    return last - dt.timedelta(days=(last.weekday() + 1) % 7)


def utc_offset_hours(zone: str, d: dt.date) -> int:
    """The civil UTC offset of ``zone`` on day ``d`` (daylight saving included)."""
    y = d.year
    if zone in ("EU", "IE"):
        summer = _nth_sunday(y, 3, -1) <= d < _nth_sunday(y, 10, -1)
        return (1 if zone == "EU" else 0) + summer
    if zone == "US-Eastern":
        return -4 if _nth_sunday(y, 3, 2) <= d < _nth_sunday(y, 11, 1) else -5
    if zone == "US-Arizona":
        return -7
    if zone in ("SG", "HK"):
        return 8
    if zone == "AU":
        return 10 if _nth_sunday(y, 4, 1) <= d < _nth_sunday(y, 10, 1) else 11
    if zone == "NZ":
        return 12 if _nth_sunday(y, 4, 1) <= d < _nth_sunday(y, 9, -1) else 13
    raise ValueError(f"unknown zone {zone!r}")


def timestamp(d: dt.date, zone: str, rng: random.Random) -> str:
    """An ISO timestamp with offset on local day ``d`` during office hours."""
    offset = utc_offset_hours(zone, d)
    tz = dt.timezone(dt.timedelta(hours=offset))
    moment = dt.datetime(
        d.year, d.month, d.day, rng.randrange(7, 20), rng.randrange(60), rng.randrange(60), tzinfo=tz
    )
    return moment.isoformat()
