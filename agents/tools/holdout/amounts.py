"""Money written the way each region and language writes it.

A style is a small template: prefix, thousands separator, decimal mark, how cents are shown
and a suffix, with ``{code}``/``{sym}`` filled from the currency. A bare ``$`` is used only
for a claim in its own policy's dollar currency, where it means that currency.
"""

from __future__ import annotations

import random
from decimal import Decimal

# name: (prefix, thousands separator, decimal mark, cents mode, suffix)
TEMPLATES: dict[str, tuple[str, str, str, str, str]] = {
    "code_pre_eu": ("{code} ", ".", ",", "always", ""),
    "code_pre_en": ("{code} ", ",", ".", "always", ""),
    "code_pre_nosep": ("{code} ", "", ".", "auto", ""),
    "code_pre_tight": ("{code}", ",", ".", "always", ""),
    "sym_post_eu": ("", ".", ",", "always", " {sym}"),
    "sym_post_fr": ("", " ", ",", "always", " {sym}"),
    "sym_post_int": ("", ".", ",", "never", " {sym}"),
    "sym_pre_en": ("{sym}", ",", ".", "always", ""),
    "sym_pre_int": ("{sym}", ",", ".", "never", ""),
    "sym_pre_space": ("{sym} ", ",", ".", "always", ""),
    "dash_code": ("", "", ",", "dash", " {code}"),
    "code_post_eu": ("", ".", ",", "always", " {code}"),
    "code_post_en": ("", ",", ".", "always", " {code}"),
    "alt_post": ("", ",", ".", "always", " {alt}"),
    "alt_pre": ("{alt}", ",", ".", "always", ""),
    "plain_eu": ("", "", ",", "always", " {sym}"),
    "bare_dollar": ("$", ",", ".", "always", ""),
    "bare_dollar_int": ("$", ",", ".", "never", ""),
    "word_eu": ("", ".", ",", "always", " {word}"),
    "word_fr": ("", " ", ",", "always", " {word}"),
    "word_en": ("", ",", ".", "always", " {word}"),
}

FAMILY_WEIGHTS: dict[str, dict[str, float]] = {
    "de": {
        "code_pre_eu": 20,
        "sym_post_eu": 30,
        "sym_post_int": 8,
        "dash_code": 6,
        "code_post_eu": 15,
        "plain_eu": 8,
        "word_eu": 5,
    },
    "fr": {
        "sym_post_fr": 35,
        "sym_post_eu": 12,
        "code_post_eu": 10,
        "code_pre_eu": 10,
        "sym_post_int": 8,
        "word_fr": 6,
    },
    "es": {
        "sym_post_eu": 35,
        "code_pre_eu": 10,
        "code_post_eu": 15,
        "sym_post_int": 10,
        "plain_eu": 5,
        "word_eu": 5,
    },
    "es-us": {"bare_dollar": 40, "code_pre_en": 15, "alt_post": 10, "code_post_en": 10, "word_en": 5},
    "en-eu": {
        "sym_pre_en": 35,
        "code_pre_en": 20,
        "sym_pre_space": 10,
        "sym_post_eu": 5,
        "code_post_en": 5,
        "sym_pre_int": 8,
        "word_en": 3,
    },
    "en-us": {
        "bare_dollar": 35,
        "bare_dollar_int": 12,
        "code_pre_en": 15,
        "alt_post": 6,
        "alt_pre": 8,
        "code_post_en": 6,
        "word_en": 4,
    },
    "en-apac": {
        "bare_dollar": 20,
        "bare_dollar_int": 6,
        "sym_pre_en": 20,
        "sym_pre_int": 10,
        "code_pre_en": 15,
        "code_pre_nosep": 8,
        "sym_pre_space": 6,
        "code_post_en": 6,
        "code_pre_tight": 4,
        "word_en": 3,
    },
}

SYMBOLS = {
    "EUR": "€",
    "GBP": "£",
    "USD": "$",
    "CAD": "C$",
    "SGD": "S$",
    "AUD": "A$",
    "NZD": "NZ$",
    "HKD": "HK$",
}
ALT_SYMBOLS = {
    "USD": "US$",
    "AUD": "AU$",
    "SGD": "SGD",
    "NZD": "NZD",
    "HKD": "HK$",
    "EUR": "EUR",
    "GBP": "GBP",
    "CAD": "CAD",
}
DOLLARS = frozenset({"USD", "SGD", "AUD", "NZD", "HKD", "CAD"})
WORDS = {
    "de": {"EUR": "Euro", "USD": "US-Dollar", "GBP": "Pfund Sterling"},
    "fr": {"EUR": "euros", "USD": "dollars US", "GBP": "livres sterling"},
    "es": {"EUR": "euros", "USD": "dólares", "GBP": "libras esterlinas"},
    "en": {
        "EUR": "euros",
        "USD": "US dollars",
        "GBP": "pounds sterling",
        "SGD": "Singapore dollars",
        "AUD": "Australian dollars",
        "NZD": "New Zealand dollars",
        "HKD": "Hong Kong dollars",
        "CAD": "Canadian dollars",
    },
}


def family(lang: str, region: str) -> str:
    """The key of ``FAMILY_WEIGHTS`` for a document in ``lang`` from ``region``."""
    if lang == "en":
        return {"EU": "en-eu", "US": "en-us"}.get(region, "en-apac")
    if lang == "es" and region == "US":
        return "es-us"
    return lang


def _group(digits: str, sep: str) -> str:
    if not sep:
        return digits
    out: list[str] = []
    while len(digits) > 3:
        out.insert(0, digits[-3:])
        digits = digits[:-3]
    out.insert(0, digits)
    return sep.join(out)


def usable(style: str, amount: Decimal, currency: str, policy_currency: str, lang: str, region: str) -> bool:
    """Whether ``style`` can write ``amount`` unambiguously for this claim."""
    prefix, _, _, cents, suffix = TEMPLATES[style]
    whole = amount == amount.to_integral_value()
    if cents in ("never", "dash") and not whole:
        return False
    if style.startswith("bare_dollar"):
        return currency in DOLLARS and currency == policy_currency
    if (
        "{sym}" in prefix + suffix
        and SYMBOLS[currency] == "$"
        and (region != "US" or currency != policy_currency)
    ):
        return False
    if "{word}" in suffix:
        word = WORDS.get(lang, {}).get(currency)
        return word is not None and not (currency == "USD" and region != "US" and lang == "es")
    return True


def pick_style(
    rng: random.Random,
    amount: Decimal,
    currency: str,
    policy_currency: str,
    lang: str,
    region: str,
    *,
    prose: bool = False,
) -> str:
    """A style the document's language and region use, able to write this amount."""
    table = FAMILY_WEIGHTS[family(lang, region)]
    names = [n for n in table if usable(n, amount, currency, policy_currency, lang, region)]
    if not prose:
        names = [n for n in names if not n.startswith("word")] or names
    if not names:
        names = ["code_pre_en"]
    return rng.choices(names, weights=[table.get(n, 1.0) for n in names])[0]


def format_amount(amount: Decimal, currency: str, style: str, lang: str = "en") -> str:
    """``amount`` in ``currency`` written in ``style``."""
    prefix, thousands, decimal_mark, cents_mode, suffix = TEMPLATES[style]
    quantised = amount.quantize(Decimal("0.01"))
    sign = "-" if quantised < 0 else ""
    whole, cents = f"{abs(quantised):.2f}".split(".")
    number = _group(whole, thousands)
    if cents_mode == "always" or (cents_mode == "auto" and cents != "00"):
        number += decimal_mark + cents
    elif cents_mode == "dash":
        number += decimal_mark + "-"
    fill = {
        "code": currency,
        "sym": SYMBOLS[currency],
        "alt": ALT_SYMBOLS[currency],
        "word": WORDS.get(lang, WORDS["en"]).get(currency, currency),
    }
    return sign + prefix.format(**fill) + number + suffix.format(**fill)


def money(
    amount: Decimal, currency: str, lang: str, region: str, policy_currency: str, rng: random.Random
) -> str:
    """A secondary amount (excess, VAT, item value) in a style drawn for the document."""
    style = pick_style(rng, amount, currency, policy_currency, lang, region)
    return format_amount(amount, currency, style, lang)


def number_only(amount: Decimal, lang: str) -> str:
    """``amount`` with two decimals and the language's separators, without a currency."""
    thousands, mark = {"de": (".", ","), "es": (".", ","), "fr": (" ", ",")}.get(lang, (",", "."))
    whole, cents = f"{amount.quantize(Decimal('0.01')):.2f}".split(".")
    return f"{_group(whole, thousands)}{mark}{cents}"
