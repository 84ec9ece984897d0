"""The policy books: 20 to 60 policies a region, spread over the region's insurers.

Each policy has a holder (two policies may share one), a period, coverages drawn from its
product, a limit, an excess and a wording numbered in the insurer's style. The excess and
the insured car are not part of ``policies.jsonl`` but documents print them.
"""

from __future__ import annotations

import datetime as dt
import random
from dataclasses import dataclass, field

from .clauses import build_clauses
from .insurers import Insurer, Product, insurers_in
from .people import People, Person, Vehicle
from .policynum import make_number, normalise
from .vocab import DAMAGE_TYPES, REGIONS

EXCESSES = {
    "EUR": (150, 250, 300, 500, 1000),
    "USD": (250, 500, 1000, 2500),
    "SGD": (100, 200, 500),
    "AUD": (300, 500, 750, 1000),
    "NZD": (250, 400, 500),
    "HKD": (1000, 2000, 5000),
}


@dataclass(frozen=True)
class Policy:
    """A policy of the book, with the details documents print beside the book's fields."""

    number: str
    region: str
    insurer: Insurer
    product: Product
    product_index: int
    holder: Person
    start: dt.date
    end: dt.date
    coverages: tuple[str, ...]
    limit: int
    currency: str
    excess: int
    vehicle: Vehicle | None
    clauses: tuple[dict[str, str], ...] = field(repr=False)

    def to_json(self) -> dict[str, object]:
        """The line of ``policies.jsonl``."""
        return {
            "policy_number": self.number,
            "region": self.region,
            "holder_name": self.holder.name,
            "start_date": self.start.isoformat(),
            "end_date": self.end.isoformat(),
            "product": self.product.name,
            "coverages": list(self.coverages),
            "limit": self.limit,
            "currency": self.currency,
            "clauses": list(self.clauses),
        }


def policies_per_region(claims: int) -> int:
    """Book size per region: 20 for small corpora, growing with the claims up to 60."""
    return max(20, min(60, 15 + claims // 6))


def holder_language(insurer: Insurer, rng: random.Random) -> str:
    """The language a holder of ``insurer`` writes in."""
    if insurer.region == "EU":
        others = [lang for lang in ("en", "de", "fr", "es") if lang != insurer.language]
        return insurer.language if rng.random() < 0.8 else rng.choice(others)
    if insurer.region == "US":
        return "es" if rng.random() < 0.15 else "en"
    return "en"


def _period(insurer: Insurer, product: Product, rng: random.Random) -> tuple[dt.date, dt.date]:
    start = dt.date(2022, 7, 1) + dt.timedelta(days=rng.randrange(0, 1090))
    roll = rng.random()
    if insurer.region == "US" and product.asset == "motor" and roll < 0.6:
        months = 6
    elif insurer.country == "DE" and roll < 0.3:
        months = 36
    else:
        months = 12
    year, month = start.year + (start.month - 1 + months) // 12, (start.month - 1 + months) % 12 + 1
    end = dt.date(year, month, min(start.day, 28)) - dt.timedelta(days=1)
    return start, end


def _policy(insurer: Insurer, holder: Person, taken: set[str], people: People, rng: random.Random) -> Policy:
    index = rng.choices(range(len(insurer.products)), weights=[3, 2, 3][: len(insurer.products)])[0]
    product = insurer.products[index]
    start, end = _period(insurer, product, rng)
    while True:
        number = make_number(
            insurer.number_format, rng, asset=product.asset, product_index=index, year=start.year
        )
        if normalise(number) not in taken:
            taken.add(normalise(number))
            break
    chosen = set(product.base) | {d for d in product.optional if rng.random() < 0.55}
    coverages = tuple(d for d in DAMAGE_TYPES if d in chosen)
    low, high, step = product.limit_range
    limit = rng.randrange(low, high + 1, step)
    excess = rng.choice(EXCESSES[insurer.currency])
    clauses = build_clauses(
        language=insurer.language,
        region=insurer.region,
        style=insurer.clause_style,
        coverages=list(coverages),
        limit=limit,
        excess=excess,
        currency=insurer.currency,
        rng=rng,
    )
    vehicle = people.vehicle(insurer.country, rng) if product.asset == "motor" else None
    return Policy(
        number,
        insurer.region,
        insurer,
        product,
        index,
        holder,
        start,
        end,
        coverages,
        limit,
        insurer.currency,
        excess,
        vehicle,
        tuple(clauses),
    )


def build_books(claims: int, people: People, rng: random.Random) -> dict[str, list[Policy]]:
    """One book per region; policy numbers unique across all books, separators and case ignored."""
    taken: set[str] = set()
    books: dict[str, list[Policy]] = {}
    for region in REGIONS:
        insurers = insurers_in(region)
        book: list[Policy] = []
        for i in range(policies_per_region(claims)):
            insurer = insurers[i % len(insurers)] if i < len(insurers) else rng.choice(insurers)
            same_market = [p.holder for p in book if p.insurer.country == insurer.country]
            if same_market and rng.random() < 0.12:
                holder = rng.choice(same_market)
            else:
                holder = people.person(holder_language(insurer, rng), insurer.country, rng)
            book.append(_policy(insurer, holder, taken, people, rng))
        books[region] = book
    return books
