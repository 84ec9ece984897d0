"""Free prose: accounts of what happened and the sentences of letters and e-mails.

Accounts come from the per-language scenario banks of the wording bank in force
(``banks.using``); the incident date is always written out in full, sometimes after a
relative phrase ("last Tuesday (3 April 2025)"), never replaced by it.
"""

from __future__ import annotations

import datetime as dt
import random
from types import ModuleType

from . import banks
from .dates import WEEKDAYS
from .people import Vehicle


def _module(lang: str) -> ModuleType:
    return banks.active().accounts[lang]


def localise(text: str, lang: str, region: str) -> str:
    """American (or US-Spanish) wording for US documents."""
    if region != "US":
        return text
    for old, new in _module(lang).US_REPLACEMENTS:
        text = text.replace(old, new)
    return text


def on_date(lang: str, date_text: str, incident: dt.date, relative_to: dt.date | None) -> tuple[str, str]:
    """The sentence-initial and inline phrases that introduce the incident date."""
    module = _module(lang)
    days = (relative_to - incident).days if relative_to else -1
    weekday = WEEKDAYS[lang][incident.weekday()]
    if 2 <= days <= 6:
        options = module.RELATIVE_DATES
        cap, low = options[incident.toordinal() % len(options)]
        names = {"weekday": weekday, "Weekday": weekday.capitalize(), "date": date_text}
        return cap.format(**names), low.format(**names)
    if lang == "fr" and date_text.startswith("le "):
        return "L" + date_text[1:], date_text
    lead = module.DATE_LEAD
    return f"{lead.capitalize()} {date_text}", f"{lead} {date_text}"


def bare_date(lang: str, date_text: str) -> str:
    """The date alone, for accounts that put it after their own words ("in the night of ...")."""
    return date_text.removeprefix("le ") if lang == "fr" else date_text


def fill_for(
    lang: str,
    date_text: str,
    incident: dt.date,
    relative_to: dt.date | None,
    place: str,
    vehicle: Vehicle | None,
) -> dict[str, str]:
    """The placeholders of an account: the date phrases, the place and the insured car."""
    on_cap, on_low = on_date(lang, date_text, incident, relative_to)
    return {
        "On_date": on_cap,
        "on_date": on_low,
        "date": bare_date(lang, date_text),
        "place": place,
        "car": vehicle.model if vehicle else "",
        "plate": vehicle.plate if vehicle else "",
    }


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
    module = _module(lang)
    sentences = [rng.choice(module.SCENARIOS[f"{damage}@{asset}"])]
    if rng.random() < 0.7:
        sentences.append(rng.choice(follow_ups(module, damage, asset)))
    if distractor:
        options = [text for _, text, allowed in module.DISTRACTORS if damage in allowed]
        if asset == "home":  # the last distractor speaks of the insured car
            options = [t for t in options if t not in {module.DISTRACTORS[-1][1]}]
        if options:
            sentences.insert(rng.randrange(1, len(sentences) + 1), rng.choice(options))
    return localise(" ".join(sentences).format(**fill), lang, region)


def follow_ups(module: ModuleType, damage: str, asset: str) -> tuple[str, ...]:
    """The follow-up sentences for a peril, preferring those for the kind of thing insured."""
    found = module.FOLLOW_UPS.get(f"{damage}@{asset}", module.FOLLOW_UPS[damage])
    assert isinstance(found, tuple)
    return found


def phrase(lang: str, key: str, rng: random.Random, region: str, **fill: str) -> str:
    """One letter sentence of kind ``key`` with its placeholders filled."""
    return localise(rng.choice(_module(lang).LETTER[key]).format(**fill), lang, region)


def item(lang: str, rng: random.Random) -> str:
    """A household item a claimant may mention with its purchase date and price."""
    return str(rng.choice(_module(lang).ITEMS))
