"""Policy wordings numbered the insurer's way, restarting in every policy.

The same ``clause_id`` (``3.1``, ``§ 7``, ``Art. 3``, ``Section B-2``, ``Clause 2(a)``) therefore
recurs across policies with different texts: a policy's cover, its exclusions and conditions
and the amounts written into them all differ.
"""

from __future__ import annotations

import random
from decimal import Decimal

from . import clauses_en_de as ed
from . import clauses_fr_es as fe
from .amounts import format_amount

_BANKS = {
    "en": (ed.EN, ed.EN_EXCLUSIONS, ed.EN_CONDITIONS, ed.EN_DEFINITIONS),
    "de": (ed.DE, ed.DE_EXCLUSIONS, ed.DE_CONDITIONS, ed.DE_DEFINITIONS),
    "fr": (fe.FR, fe.FR_EXCLUSIONS, fe.FR_CONDITIONS, fe.FR_DEFINITIONS),
    "es": (fe.ES, fe.ES_EXCLUSIONS, fe.ES_CONDITIONS, fe.ES_DEFINITIONS),
}
_CLAUSE_MONEY = {"en": "sym_pre_int", "de": "code_post_eu", "fr": "sym_post_fr", "es": "sym_post_eu"}
_US_WORDING = (
    ("excess", "deductible"),
    ("Excess", "Deductible"),
    ("licence", "license"),
    ("90 km/h", "55 mph"),
)


def clause_id(style: str, section: int, item: int, running: int) -> str:
    """The id of a clause: ``section`` and ``item`` count from 1, ``running`` across the policy."""
    if style == "dot":
        return f"{running}."
    if style == "para":
        return f"§ {running}"
    if style == "art":
        return f"Art. {running}"
    if style == "decimal":
        return f"{section}.{item}"
    if style == "section":
        return f"Section {'ABCDEFG'[section - 1]}-{item}"
    if style == "clause":
        return f"Clause {section}({'abcdefghijkl'[item - 1]})"
    raise ValueError(f"unknown clause style {style!r}")


def build_clauses(
    *,
    language: str,
    region: str,
    style: str,
    coverages: list[str],
    limit: int,
    excess: int,
    currency: str,
    rng: random.Random,
) -> list[dict[str, str]]:
    """Four to twelve clauses: definitions, cover per covered peril, exclusions, conditions."""
    cover_bank, exclusions, conditions, definitions = _BANKS[language]
    cover = [rng.choice(cover_bank[d]) for d in coverages]
    rng.shuffle(cover)
    excl = rng.sample(exclusions, rng.randint(1, 3))
    cond = rng.sample(conditions, rng.randint(1, 3))
    defs = rng.sample(definitions, rng.randint(0, 2))
    while len(cover) + len(excl) + len(cond) + len(defs) > 12:
        (defs if defs else excl if len(excl) > 1 else cond).pop()
    spare = [c for c in conditions if c not in cond]
    while len(cover) + len(excl) + len(cond) + len(defs) < 4:
        cond.append(spare.pop(rng.randrange(len(spare))))
    sections = [
        s for s in ([defs, cover, excl, cond] if rng.random() < 0.6 else [cover, excl, cond, defs]) if s
    ]
    money_style = _CLAUSE_MONEY[language]
    amounts = {
        "limit": format_amount(Decimal(limit), currency, money_style, language),
        "excess": format_amount(Decimal(excess), currency, money_style, language),
        "excess_x10": format_amount(Decimal(excess * 10), currency, money_style, language),
        "excess_x5": format_amount(Decimal(excess * 5), currency, money_style, language),
    }
    days = rng.choice((3, 7, 8, 14, 30))
    fill = {**amounts, "days": str(days), "days_x2": str(days * 8)}
    out: list[dict[str, str]] = []
    running = 0
    for s_index, section in enumerate(sections, start=1):
        for i_index, (title, text) in enumerate(section, start=1):
            running += 1
            body = text.format(**fill)
            if region == "US":
                for old, new in _US_WORDING:
                    body, title = body.replace(old, new), title.replace(old, new)
            out.append(
                {"clause_id": clause_id(style, s_index, i_index, running), "title": title, "text": body}
            )
    return out
