"""Free prose: accounts of what happened and the sentences of letters and e-mails.

Accounts come from the per-language scenario banks; the incident date is always written out
in full, sometimes after a relative phrase ("last Tuesday (3 April 2025)"), never replaced by it.
"""

from __future__ import annotations

import datetime as dt
import random
from types import ModuleType

from . import acc_de, acc_en, acc_es, acc_fr
from .dates import WEEKDAYS

_MODULES: dict[str, ModuleType] = {"en": acc_en, "de": acc_de, "fr": acc_fr, "es": acc_es}


def localise(text: str, lang: str, region: str) -> str:
    """American (or US-Spanish) wording for US documents."""
    if region != "US":
        return text
    for old, new in _MODULES[lang].US_REPLACEMENTS:
        text = text.replace(old, new)
    return text


def on_date(lang: str, date_text: str, incident: dt.date, relative_to: dt.date | None) -> tuple[str, str]:
    """The sentence-initial and inline phrases that introduce the incident date."""
    days = (relative_to - incident).days if relative_to else -1
    weekday = WEEKDAYS[lang][incident.weekday()]
    if 2 <= days <= 6:
        phrases = {
            "en": (f"Last {weekday} ({date_text})", f"last {weekday} ({date_text})"),
            "de": (f"Am vergangenen {weekday} ({date_text})", f"am vergangenen {weekday} ({date_text})"),
            "fr": (f"{weekday.capitalize()} dernier ({date_text})", f"{weekday} dernier ({date_text})"),
            "es": (f"El pasado {weekday} ({date_text})", f"el pasado {weekday} ({date_text})"),
        }
        return phrases[lang]
    if lang == "fr" and date_text.startswith("le "):
        return "L" + date_text[1:], date_text
    lead = {"en": "on", "de": "am", "fr": "le", "es": "el"}[lang]
    return f"{lead.capitalize()} {date_text}", f"{lead} {date_text}"


def account(
    lang: str,
    region: str,
    damage: str,
    asset: str,
    rng: random.Random,
    fill: dict[str, str],
    *,
    distractor: bool,
) -> str:
    """Several sentences telling what happened, for this peril and kind of insured thing."""
    module = _MODULES[lang]
    sentences = [rng.choice(module.SCENARIOS[f"{damage}@{asset}"])]
    if rng.random() < 0.7:
        sentences.append(rng.choice(module.FOLLOW_UPS[damage]))
    if distractor:
        options = [text for _, text, allowed in module.DISTRACTORS if damage in allowed]
        if asset == "home":
            options = [t for t in options if t not in {module.DISTRACTORS[-1][1]}]
        if options:
            sentences.insert(rng.randrange(1, len(sentences) + 1), rng.choice(options))
    return localise(" ".join(sentences).format(**fill), lang, region)


def phrase(lang: str, key: str, rng: random.Random, region: str, **fill: str) -> str:
    """One letter sentence of kind ``key`` with its placeholders filled."""
    return localise(rng.choice(_MODULES[lang].LETTER[key]).format(**fill), lang, region)


def item(lang: str, rng: random.Random) -> str:
    """A household item a claimant may mention with its purchase date and price."""
    return str(rng.choice(_MODULES[lang].ITEMS))
