"""The facts behind sample documents: people, policies and claims, drawn from seeded generators.

Policies are drawn before claims from the same generator, so a seed's policy book does not
depend on how many claims are asked for. A `Claim` holds everything its documents print;
the renderer only lays it out, and the ground truth is read from it.
"""

from __future__ import annotations

import dataclasses
import random
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

from agents.tools.samples.vocabulary import (
    AFTERMATH,
    ALL_DATE_FORMATS,
    CLAUSE_WORDING,
    EVENTS,
    EXCLUSIONS,
    OUT_OF_PERIOD_SHARE,
    PRODUCT_PERILS,
    REGIONS,
    SHORT_POLICY_LABEL,
)


@dataclass(frozen=True)
class Person:
    """A policyholder: what forms and letters print about them (all of it personal data)."""

    name: str
    birth_date: date
    street: str
    city: str
    phone: str
    email: str


@dataclass(frozen=True)
class Policy:
    """One policy of the sample book."""

    number: str
    region: str
    product: str
    holder: Person
    start: date
    end: date
    limit: int

    def clause_id(self, peril: str) -> str:
        return f"{self.region}-{self.product.upper()}-{peril.upper()}"


@dataclass(frozen=True)
class Claim:
    """Everything printed on one claim's documents, plus what the ground truth records.

    `hard` names the hard case the claim carries (see `agents.tools.samples.hard`), `attachments`
    the extra documents filed under the same claim id (repair estimate, police report).
    """

    file: str
    kind: str
    policy: Policy
    incident: date
    reported: date
    damage_type: str
    description: str
    estimate: int
    date_format: str
    policy_format: str = "canonical"
    hard: str | None = None
    cents: int = 0
    amount_style: str = "code_first"
    printed_number: str | None = None  # a policy number printed with O/0, I/1 typing confusions
    extra_dates: tuple[tuple[str, date], ...] = ()
    letter_aside: str | None = None
    inline_account: bool = False
    attachments: tuple[str, ...] = ()
    covered: bool = True

    def fmt(self, value: date) -> str:
        return ALL_DATE_FORMATS[self.date_format](value)

    @property
    def printed_policy(self) -> str:
        """The policy number as this document prints it (the ground truth keeps the canonical one)."""
        if self.printed_number:
            return self.printed_number
        serial, year = self.policy.number[-6:], self.policy.number.split("-")[2][-2:]
        if self.policy_format == "spaced":
            return f"{serial[:2]} {serial[2:]} {year}"
        if self.policy_format == "slashed":
            return f"{serial}/{year}"
        return self.policy.number

    def policy_label(self, drawn: str) -> str:
        """The label drawn for the canonical form, or the German-style label of the slashed form."""
        return SHORT_POLICY_LABEL if self.policy_format == "slashed" else drawn

    @property
    def policy_active(self) -> bool:
        return self.policy.start <= self.incident <= self.policy.end

    @property
    def amount(self) -> str:
        """The claimed amount as the ground truth writes it."""
        return f"{self.estimate}.{self.cents:02d}"

    @property
    def reporting_days(self) -> int:
        return (self.reported - self.incident).days


# --- policies -----------------------------------------------------------------------------------


def make_person(rng: random.Random, region: str) -> Person:
    profile = REGIONS[region]
    first, last = rng.choice(profile.first_names), rng.choice(profile.last_names)
    birth = date(1950, 1, 1) + timedelta(days=rng.randrange(365 * 52))
    phone = "".join(str(rng.randrange(10)) if char == "#" else char for char in profile.phone_pattern)
    return Person(
        name=f"{first} {last}",
        birth_date=birth,
        street=f"{rng.choice(profile.streets)} {rng.randrange(1, 180)}",
        city=rng.choice(profile.cities),
        phone=phone,
        email=f"{first}.{last}{rng.randrange(10, 99)}@{profile.email_domain}".lower(),
    )


def make_policy_book(rng: random.Random, regions: Sequence[str], per_region: int) -> dict[str, list[Policy]]:
    """Policies per region, with policy numbers unique across the book."""
    used: set[str] = set()
    book: dict[str, list[Policy]] = {}
    for region in regions:
        book[region] = []
        while len(book[region]) < per_region:
            policy = _make_policy(rng, region)
            if policy.number not in used:
                used.add(policy.number)
                book[region].append(policy)
    return book


def _make_policy(rng: random.Random, region: str) -> Policy:
    start = date(2023, 1, 1) + timedelta(days=rng.randrange(730))
    return Policy(
        number=f"POL-{region}-{start.year}-{rng.randrange(1, 1_000_000):06d}",
        region=region,
        product=rng.choice(sorted(PRODUCT_PERILS)),
        holder=make_person(rng, region),
        start=start,
        end=start + timedelta(days=364),
        limit=rng.choice((25_000, 50_000, 100_000, 250_000, 500_000)),
    )


def _clauses(region: str, product: str) -> list[dict[str, str]]:
    """The clause set shared by every policy of one product in one region."""
    profile = REGIONS[region]
    subject = "home" if product == "home" else "vehicle"
    clauses = []
    for peril in (*PRODUCT_PERILS[product], EXCLUSIONS):
        title, body = CLAUSE_WORDING[(product, peril)]
        title = title.format(storm=profile.storm_word)
        body = body.format(storm=profile.storm_word)
        if peril != EXCLUSIONS:
            body += (
                f" Claims for {title.lower()} to the insured {subject} are settled in "
                f"{profile.currency_name} after the excess shown in the schedule, "
                f"in accordance with {profile.law}."
            )
        clauses.append(
            {"clause_id": f"{region}-{product.upper()}-{peril.upper()}", "title": title, "text": body}
        )
    return clauses


def policy_record(policy: Policy) -> dict[str, Any]:
    return {
        "policy_number": policy.number,
        "region": policy.region,
        "holder_name": policy.holder.name,
        "start_date": policy.start.isoformat(),
        "end_date": policy.end.isoformat(),
        "product": policy.product,
        "coverages": list(PRODUCT_PERILS[policy.product]),
        "limit": policy.limit,
        "currency": REGIONS[policy.region].currency,
        "clauses": _clauses(policy.region, policy.product),
    }


# --- claims -------------------------------------------------------------------------------------


def make_claim(rng: random.Random, index: int, policies: list[Policy]) -> Claim:
    policy = rng.choice(policies)
    peril = rng.choice(PRODUCT_PERILS[policy.product])
    incident = _incident_date(rng, policy)
    return Claim(
        file=f"claim-{index + 1:04d}.pdf",
        kind="digital",
        policy=policy,
        incident=incident,
        reported=incident + timedelta(days=rng.randrange(1, 21)),
        damage_type=peril,
        description=_description(rng, policy.product, peril),
        estimate=rng.randrange(300, 20_000),
        date_format=rng.choice(REGIONS[policy.region].date_formats),
    )


def _incident_date(rng: random.Random, policy: Policy) -> date:
    """Mostly inside the policy period; a few deliberately before or after it."""
    if rng.random() < OUT_OF_PERIOD_SHARE:
        if rng.random() < 0.5:
            return policy.start - timedelta(days=rng.randrange(5, 60))
        return policy.end + timedelta(days=rng.randrange(5, 90))
    return policy.start + timedelta(days=rng.randrange((policy.end - policy.start).days + 1))


def _description(rng: random.Random, product: str, peril: str) -> str:
    aftermath = AFTERMATH[(product, peril)]
    extra = rng.sample(aftermath, rng.randrange(min(2, len(aftermath)) + 1))
    return " ".join([rng.choice(EVENTS[(product, peril)]), *extra])


def draw_policy_format(rng: random.Random, share: float) -> str:
    """Two draws per claim whatever the share, so a share never changes other claims' formats."""
    short, form = rng.random() < share, rng.choice(("spaced", "slashed"))
    return form if short else "canonical"


def draw_kind(rng: random.Random, scanned_share: float, photo_share: float) -> str:
    draw = rng.random()
    if draw < scanned_share:
        return "scanned"
    return "photo" if draw < scanned_share + photo_share else "digital"


def deliver_as(rng: random.Random, claim: Claim, kind: str) -> Claim:
    """Name the file for how it reaches the insurer: photos are PNG or JPEG, everything else PDF."""
    if kind != "photo":
        return dataclasses.replace(claim, kind=kind)
    suffix = rng.choice((".png", ".jpg"))
    return dataclasses.replace(claim, kind=kind, file=claim.file.removesuffix(".pdf") + suffix)
