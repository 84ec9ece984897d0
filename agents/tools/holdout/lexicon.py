"""One door to the per-language wording: labels, loss terms and fixed document phrases.

Templates ask for "the policy-number label in German" and get one of many real wordings; US
usage (``region == "US"``) overrides a few English and Spanish entries (deductible, plate).
The wording comes from the bank in force (``banks.using``), the original bank ``a`` by default.
"""

from __future__ import annotations

import random

from . import banks


def _table(lang: str, name: str, region: str) -> dict[str, object]:
    module = banks.active().lexicons[lang]
    merged: dict[str, object] = dict(getattr(module, name))
    if region == "US":
        merged.update(getattr(module, f"US_{name}"))
    return merged


def labels(lang: str, field: str, region: str) -> tuple[str, ...]:
    """Every label the lexicon knows for ``field``."""
    found = _table(lang, "LABELS", region)[field]
    assert isinstance(found, tuple)
    return found


def label(lang: str, field: str, rng: random.Random, region: str) -> str:
    """One label for ``field``, drawn."""
    return rng.choice(labels(lang, field, region))


def terms(lang: str, damage: str, asset: str, region: str) -> tuple[str, ...]:
    """Words for a damage type, preferring those for the kind of thing insured."""
    table = _table(lang, "TERMS", region)
    found = table.get(f"{damage}@{asset}", table[damage])
    assert isinstance(found, tuple)
    return found


def term(lang: str, damage: str, asset: str, rng: random.Random, region: str) -> str:
    """One word for a damage type, drawn."""
    return rng.choice(terms(lang, damage, asset, region))


def word_options(lang: str, key: str, region: str) -> list[str]:
    """The alternatives of a fixed phrase."""
    found = _table(lang, "WORDS", region)[key]
    assert isinstance(found, str)
    return found.split("|")


def word(lang: str, key: str, rng: random.Random, region: str) -> str:
    """One alternative of a fixed phrase, drawn."""
    return rng.choice(word_options(lang, key, region))


def first(lang: str, key: str, region: str) -> str:
    """The first alternative of a fixed phrase (for phrases that must stay constant)."""
    return word_options(lang, key, region)[0]
