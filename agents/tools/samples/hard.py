"""Hard cases: claims that trip up a naive extractor, or that the rules must stop.

Each hard claim carries exactly one of `HARD_CASES`, named in its ground truth (`hard`),
so the evaluation can report accuracy per case. Some are about reading (dates in other
languages, amounts with a locale's separators, policy numbers typed with O for 0),
some about the boundary of a letter's account of the loss, and some are genuinely bad
claims (reported late, a peril the product does not cover) that must go to a person.

Every claim makes the same draws from the hard-case generator whatever the share, so
asking for more hard cases never changes which other claims a seed produces.
"""

from __future__ import annotations

import dataclasses
import random
from datetime import timedelta

from agents.tools.samples.model import Claim
from agents.tools.samples.vocabulary import (
    AFTERMATH,
    CAUSE_AND_CONSEQUENCE,
    EXTRA_DATE_LABELS,
    LETTER_ASIDES,
    LOCALE_DATE_CHOICES,
    UNCOVERED_EVENTS,
)

HARD_CASES = (
    "two_damage_types",  # one sentence names a cause and its consequence
    "many_dates",  # policy end, purchase, registration ... dates beside the incident date
    "locale_amount",  # 12.450,00 / 12 450,00 € / 12'450.00 / $12,450.00
    "ocr_confusion",  # POL-EU-2O24-OO4417: O for 0, I or l for 1, as typed or misread
    "short_policy",  # 88 4417 22, Pol.-Nr. 884417/22
    "locale_dates",  # 17. März 2024, 17 mars 2024, 17 de marzo de 2024, Mar 17, 2024
    "letter_aside",  # a letter with a paragraph after the account that is not part of it
    "letter_inline",  # a letter whose account runs on in the paragraph that dates the loss
    "late_report",  # reported after the reporting window (must fail reported_in_time)
    "uncovered_peril",  # a peril the policy's product does not cover (must fail damage_covered)
)
# Hard cases that make a claim fail a rule on purpose: they must go to a person.
FLAGGED_CASES = frozenset({"late_report", "uncovered_peril"})
AMOUNT_STYLES = {
    "EU": ("dot_comma", "space_comma", "apostrophe", "symbol"),
    "US": ("symbol", "code_after", "apostrophe"),
    "APAC": ("symbol", "code_after", "apostrophe"),
}
LATE_DAYS = (35, 120)


def draw_hard_case(rng: random.Random, claim: Claim, share: float) -> Claim:
    """The claim, turned into a hard case for a `share` of claims (three draws from `rng` each time)."""
    hit, case, detail = rng.random() < share, rng.choice(HARD_CASES), random.Random(rng.getrandbits(32))
    if not hit:
        return claim
    return dataclasses.replace(_APPLY[case](detail, claim), hard=case)


def _two_damage_types(rng: random.Random, claim: Claim) -> Claim:
    product = claim.policy.product
    causes = sorted(peril for p, peril in CAUSE_AND_CONSEQUENCE if p == product)
    cause = rng.choice(causes)
    aftermath = rng.sample(AFTERMATH[(product, cause)], rng.randrange(2))
    description = " ".join([rng.choice(CAUSE_AND_CONSEQUENCE[(product, cause)]), *aftermath])
    return dataclasses.replace(claim, damage_type=cause, description=description)


def _many_dates(rng: random.Random, claim: Claim) -> Claim:
    offsets = {
        "Policy end date": None,
        "Date of purchase": rng.randrange(100, 2000),
        "Vehicle first registered": rng.randrange(400, 3000),
        "Last inspection": rng.randrange(30, 300),
        "Previous claim": rng.randrange(400, 900),
    }
    labels = rng.sample(EXTRA_DATE_LABELS, 3)
    extra = tuple(
        (label, claim.policy.end if days is None else claim.incident - timedelta(days=days))
        for label in labels
        for days in (offsets[label],)
    )
    return dataclasses.replace(claim, extra_dates=extra)


def _locale_amount(rng: random.Random, claim: Claim) -> Claim:
    style = rng.choice(AMOUNT_STYLES[claim.policy.region])
    return dataclasses.replace(
        claim, amount_style=style, estimate=rng.randrange(1_000, 20_000), cents=rng.randrange(100)
    )


def _ocr_confusion(rng: random.Random, claim: Claim) -> Claim:
    prefix, region, year, serial = claim.policy.number.split("-")
    digits = list(year + serial)
    spots = [i for i, d in enumerate(digits) if d in "01"]
    for i in rng.sample(spots, min(len(spots), rng.randrange(1, 3))):
        digits[i] = "O" if digits[i] == "0" else rng.choice("Il")
    printed = f"{prefix}-{region}-{''.join(digits[:4])}-{''.join(digits[4:])}"
    return dataclasses.replace(claim, printed_number=printed, policy_format="canonical")


def _short_policy(rng: random.Random, claim: Claim) -> Claim:
    return dataclasses.replace(claim, policy_format=rng.choice(("spaced", "slashed")))


def _locale_dates(rng: random.Random, claim: Claim) -> Claim:
    return dataclasses.replace(claim, date_format=rng.choice(LOCALE_DATE_CHOICES[claim.policy.region]))


def _letter_aside(rng: random.Random, claim: Claim) -> Claim:
    return dataclasses.replace(claim, letter_aside=rng.choice(LETTER_ASIDES))


def _letter_inline(rng: random.Random, claim: Claim) -> Claim:
    return dataclasses.replace(claim, inline_account=True)


def _late_report(rng: random.Random, claim: Claim) -> Claim:
    return dataclasses.replace(claim, reported=claim.incident + timedelta(days=rng.randrange(*LATE_DAYS)))


def _uncovered_peril(rng: random.Random, claim: Claim) -> Claim:
    product = claim.policy.product
    peril = rng.choice(sorted(p for prod, p in UNCOVERED_EVENTS if prod == product))
    description = rng.choice(UNCOVERED_EVENTS[(product, peril)])
    return dataclasses.replace(claim, damage_type=peril, description=description, covered=False)


_APPLY = {
    "two_damage_types": _two_damage_types,
    "many_dates": _many_dates,
    "locale_amount": _locale_amount,
    "ocr_confusion": _ocr_confusion,
    "short_policy": _short_policy,
    "locale_dates": _locale_dates,
    "letter_aside": _letter_aside,
    "letter_inline": _letter_inline,
    "late_report": _late_report,
    "uncovered_peril": _uncovered_peril,
}
