"""The facts of every claim, drawn before any document is written.

Truth is computed from these facts alone. Each claim is valid or fails exactly one rule, by a
reason drawn with the shares of ``vocab.REASON_SHARES``; dates, amounts and currencies are
drawn so that every other rule still passes, and no two claims share policy, incident date
and damage type unless one is meant as a duplicate.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import random
from dataclasses import dataclass
from decimal import Decimal

from .books import EXCESSES, Policy, holder_language
from .dates import timestamp
from .insurers import Insurer, Product, insurers_in
from .people import People, Person, Vehicle
from .policynum import make_number, normalise, typo
from .vocab import ASSET_DAMAGES, REASON_RULE, REASON_SHARES, REGIONS

AMOUNT_RANGES = {
    "water": (600, 25_000),
    "fire": (1_500, 60_000),
    "storm": (400, 30_000),
    "theft": (300, 18_000),
    "glass": (150, 2_800),
    "collision": (800, 24_000),
    "other": (200, 9_000),
}
OTHER_CURRENCIES = {
    "EUR": ("USD", "GBP"),
    "USD": ("EUR", "CAD"),
    "SGD": ("USD", "HKD", "AUD"),
    "AUD": ("NZD", "USD"),
    "NZD": ("AUD", "USD"),
    "HKD": ("USD", "SGD"),
}


@dataclass(frozen=True)
class ClaimFacts:
    """Everything true about one claim; the documents only ever show these facts."""

    claim_id: str
    index: int
    render_seed: int
    region: str
    insurer: Insurer
    product: Product
    quoted_number: str
    in_book: bool
    book_number: str | None  # the book policy the claim is really under (None for an unknown number)
    holder: Person
    vehicle: Vehicle | None
    period: tuple[dt.date, dt.date]
    limit: int
    excess: int
    policy_currency: str
    incident: dt.date
    damage: str
    amount: Decimal
    currency: str
    report_date: dt.date
    report_source: str
    claimant_dated: bool
    cover_date: dt.date | None
    received_at: str
    kind: str
    reason: str | None
    extras: dict[str, str]

    @property
    def failed_rules(self) -> list[str]:
        """The one rule an invalid claim fails, or nothing."""
        return [REASON_RULE[self.reason]] if self.reason else []


def allocate(total: int, shares: list[tuple[str, float]], rng: random.Random) -> list[str]:
    """Exactly ``total`` labels with the given shares (largest remainder, ties broken at random)."""
    whole = sum(share for _, share in shares)
    raw = [(name, total * share / whole) for name, share in shares]
    counts = {name: int(value) for name, value in raw}
    order = sorted(raw, key=lambda item: (item[1] - int(item[1]), rng.random()), reverse=True)
    for name, _ in order[: total - sum(counts.values())]:
        counts[name] += 1
    return [name for name, _ in shares for _ in range(counts[name])]


def _amount(damage: str, cap: int, excess: int, rng: random.Random) -> Decimal:
    low, high = AMOUNT_RANGES[damage]
    high = min(high, cap)
    low = min(max(low, excess + 50), high)
    value = low * (high / low) ** rng.random()
    if rng.random() < 0.55:
        step = rng.choice((10, 50, 100)) if value > 1000 else 5
        return Decimal(max(step, int(value // step) * step))
    return Decimal(f"{value:.2f}")


def _report_offset(late: bool, rng: random.Random) -> int:
    if late:
        roll = rng.random()
        return (
            rng.randint(31, 90)
            if roll < 0.6
            else rng.randint(91, 400)
            if roll < 0.9
            else rng.randint(401, 1500)
        )
    return rng.choices(range(31), weights=[6 if d < 4 else 4 if d < 11 else 1 for d in range(31)])[0]


def _seed_for(seed: int, index: int) -> int:
    return int.from_bytes(hashlib.sha256(f"holdout:{seed}:{index}".encode()).digest()[:8], "big")


class FactDrawer:
    """Draws the claims of one corpus against its books."""

    def __init__(self, seed: int, books: dict[str, list[Policy]], people: People) -> None:
        self.seed = seed
        self.books = books
        self.people = people
        self.taken = {normalise(p.number) for book in books.values() for p in book}
        self.keys: set[tuple[str, dt.date, str]] = set()
        self.valid: list[ClaimFacts] = []

    def draw(
        self, claims: int, scanned_share: float, photo_share: float, rng: random.Random
    ) -> list[ClaimFacts]:
        """All claims of the corpus, in the order they are received."""
        invalid = round(claims * sum(share for _, share in REASON_SHARES))
        reasons: list[str | None] = [
            *allocate(invalid, list(REASON_SHARES), rng),
            *([None] * (claims - invalid)),
        ]
        rng.shuffle(reasons)
        for i, reason in enumerate(reasons):  # a duplicate needs earlier claims to copy
            if reason == "duplicate" and i < claims // 2:
                j = rng.randrange(claims // 2, claims)
                if reasons[j] != "duplicate":
                    reasons[i], reasons[j] = reasons[j], reasons[i]
        n_scan, n_photo = round(claims * scanned_share), round(claims * photo_share)
        kinds = ["scanned"] * n_scan + ["photo"] * n_photo + ["digital"] * (claims - n_scan - n_photo)
        rng.shuffle(kinds)
        return [self._claim(i, reasons[i], kinds[i], rng) for i in range(claims)]

    def _claim(self, index: int, reason: str | None, kind: str, rng: random.Random) -> ClaimFacts:
        if reason == "duplicate" and not self.valid:
            reason = None
        region = rng.choices(REGIONS, weights=(0.45, 0.25, 0.30))[0]
        for _ in range(500):
            facts = self._attempt(index, region, reason, kind, rng)
            key = (facts.book_number or "", facts.incident, facts.damage)
            if reason == "duplicate" or facts.book_number is None or key not in self.keys:
                break
        else:
            raise RuntimeError("could not draw a claim without an accidental duplicate")
        if facts.book_number is not None:  # typos too: the same loss must not reach the book twice
            self.keys.add((facts.book_number, facts.incident, facts.damage))
        if reason is None:
            self.valid.append(facts)
        return facts

    def _policy(self, region: str, rng: random.Random, reason: str | None) -> Policy:
        book = self.books[region]
        if reason != "not_covered":
            return rng.choice(book)
        candidates = [p for p in book if set(ASSET_DAMAGES[p.product.asset]) - set(p.coverages)]
        return rng.choice(candidates)

    def _attempt(
        self, index: int, region: str, reason: str | None, kind: str, rng: random.Random
    ) -> ClaimFacts:
        if reason == "duplicate":
            original = rng.choice(self.valid)
            return self._dated(original.__dict__ | {"reason": reason}, index, kind, False, rng)
        if reason == "unknown_policy":
            return self._unknown(index, region, kind, rng)
        policy = self._policy(region, rng, reason)
        damage = rng.choice(policy.coverages)
        if reason == "not_covered":
            uncovered = sorted(set(ASSET_DAMAGES[policy.product.asset]) - set(policy.coverages))
            preferred = [d for d in uncovered if d != "collision"]
            damage = rng.choice(preferred if preferred and rng.random() < 0.7 else uncovered)
        span = (policy.end - policy.start).days
        incident = policy.start + dt.timedelta(days=rng.randint(0, span))
        if reason == "before_start":
            incident = policy.start - dt.timedelta(
                days=rng.choice((rng.randint(1, 20), rng.randint(21, 300)))
            )
        elif reason == "after_end":
            incident = policy.end + dt.timedelta(days=rng.choice((rng.randint(1, 20), rng.randint(21, 300))))
        currency, amount = policy.currency, _amount(damage, policy.limit, policy.excess, rng)
        if reason == "over_limit":
            factor = rng.choice((Decimal("1.01"), Decimal("1.1"), Decimal("1.4"), Decimal("2.3")))
            amount = (Decimal(policy.limit) * factor + Decimal(rng.randint(1, 999))).quantize(Decimal("1"))
        elif reason == "wrong_currency":
            currency = rng.choice(OTHER_CURRENCIES[policy.currency])
        number = typo(policy.number, rng, self.taken) if reason == "policy_typo" else policy.number
        base = {
            "region": region,
            "insurer": policy.insurer,
            "product": policy.product,
            "quoted_number": number,
            "in_book": reason != "policy_typo",
            "book_number": policy.number,
            "holder": policy.holder,
            "vehicle": policy.vehicle,
            "period": (policy.start, policy.end),
            "limit": policy.limit,
            "excess": policy.excess,
            "policy_currency": policy.currency,
            "incident": incident,
            "damage": damage,
            "amount": amount,
            "currency": currency,
            "reason": reason,
        }
        return self._dated(base, index, kind, reason == "late_report", rng)

    def _unknown(self, index: int, region: str, kind: str, rng: random.Random) -> ClaimFacts:
        insurer = rng.choice(insurers_in(region))
        product_index = rng.randrange(len(insurer.products))
        product = insurer.products[product_index]
        incident = dt.date(2022, 9, 1) + dt.timedelta(days=rng.randrange(0, 1150))
        start = incident - dt.timedelta(days=rng.randrange(10, 340))
        while True:
            number = make_number(
                insurer.number_format, rng, asset=product.asset, product_index=product_index, year=start.year
            )
            if normalise(number) not in self.taken:
                break
        holder = self.people.person(holder_language(insurer, rng), insurer.country, rng)
        vehicle = self.people.vehicle(insurer.country, rng) if product.asset == "motor" else None
        damage = rng.choice(
            [d for d in ASSET_DAMAGES[product.asset] if d != "collision" or product.asset == "motor"]
        )
        low, high, step = product.limit_range
        limit = rng.randrange(low, high + 1, step)
        excess = rng.choice(EXCESSES[insurer.currency])
        base = {
            "region": region,
            "insurer": insurer,
            "product": product,
            "quoted_number": number,
            "in_book": False,
            "book_number": None,
            "holder": holder,
            "vehicle": vehicle,
            "period": (start, start + dt.timedelta(days=364)),
            "limit": limit,
            "excess": excess,
            "policy_currency": insurer.currency,
            "incident": incident,
            "damage": damage,
            "amount": _amount(damage, limit, excess, rng),
            "currency": insurer.currency,
            "reason": "unknown_policy",
        }
        return self._dated(base, index, kind, False, rng)

    def _dated(
        self, base: dict[str, object], index: int, kind: str, late: bool, rng: random.Random
    ) -> ClaimFacts:
        insurer = base["insurer"]
        incident = base["incident"]
        assert isinstance(insurer, Insurer) and isinstance(incident, dt.date)
        report = incident + dt.timedelta(days=_report_offset(late, rng))
        dated = rng.random() < 0.78
        cover = rng.random() < 0.3
        source = "document" if dated else "cover_sheet" if cover else "received"
        cover_date = None
        if cover:
            cover_date = report + dt.timedelta(days=rng.randint(0, 3)) if dated else report
        last = cover_date or report
        received = report if source == "received" else last + dt.timedelta(days=rng.randint(0, 4))
        fields = {k: v for k, v in base.items() if k in ClaimFacts.__dataclass_fields__}
        fields |= {
            "claim_id": f"HC-{self.seed % 100000:05d}-{index + 1:05d}",
            "index": index,
            "render_seed": _seed_for(self.seed, index),
            "report_date": report,
            "report_source": source,
            "claimant_dated": dated,
            "cover_date": cover_date,
            "received_at": timestamp(received, insurer.timezone, rng),
            "kind": kind,
            "extras": self._extras(insurer, rng),
        }
        return ClaimFacts(**fields)  # type: ignore[arg-type]

    def _extras(self, insurer: Insurer, rng: random.Random) -> dict[str, str]:
        """Names and places the documents need beyond the holder: broker, repairer, police, place."""
        broker_lang = insurer.language if rng.random() < 0.6 else "en"
        broker = self.people.person(broker_lang, insurer.country, rng)
        repairer_street, repairer_town, _ = self.people.address(insurer.country, rng)
        _, _, place = self.people.address(insurer.country, rng)
        return {
            "broker_name": broker.name,
            "broker_firm": self.people.surname(insurer.country),
            "broker_street": broker.street,
            "broker_town": broker.city_line,
            "broker_phone": broker.phone,
            "broker_email": broker.email,
            "broker_lang": broker_lang,
            "repairer": self.people.surname(insurer.country),
            "repairer_street": repairer_street,
            "repairer_town": repairer_town,
            "repairer_phone": self.people.phone(insurer.country, rng),
            "officer": self.people.name(insurer.language, insurer.country, rng),
            "place": place,
            "third_party": self.people.name(insurer.language, insurer.country, rng),
        }
