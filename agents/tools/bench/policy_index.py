"""`claimflow bench policies`: how fast a region's book reads a policy number off a claim's text.

The figure that matters is `find` at scale: from a claim's text to its matches, database round
trip included, with a million policies in the region. The book mixes seven real-world formats
(`HX 442 019 7`, `A/2023/00471-K`, `DE-HR-7734-21`, `P00012345`, `4471-882-09`,
`SGH.2231.778`, `NZ7781Q`), drawn from a fixed seed and unique by match key. Claims are 2-20 KB
of prose with the number written as claimants and OCR write it (no or other separators, lower
case, regrouped, O/0 and I/1 confusions) among many other numbers (phones, IBANs, dates,
amounts, references, registrations); half also cite a near miss of the number (one character
changed, added or dropped, not in the book), which must never match. Another policy's number
that the text really contains once OCR confusions are folded is listed, not counted as a miss.

It runs in a fresh database on the given server, dropped afterwards. `find` is also timed with
the shape filter off (every candidate key sent to the btree), to show what the filter buys.
The machine's load average is recorded: other processes on a small machine move these figures.
"""

from __future__ import annotations

import asyncio
import os
import random
import time
from typing import Any, NamedTuple
from urllib.parse import urlsplit, urlunsplit
from uuid import uuid4

import asyncpg
from rich.console import Console
from rich.table import Table

from agents.extraction.policy_numbers import key_shape, match_key, spans
from agents.stores.policy_index import PolicyIndex

_LETTERS = "ABCDEFGHIJKLMNOPQRSTUVWXYZ"
_COUNTRIES = ("DE", "AT", "FR", "NL", "BE", "IT", "ES", "PL")
_TO_LETTER = {"0": "O", "1": "I", "5": "S", "8": "B", "2": "Z", "6": "G"}
_TO_DIGIT = {"O": "0", "Q": "0", "I": "1", "L": "1", "S": "5", "B": "8", "Z": "2", "G": "6"}
_WARMUP = 20
_PROSE = (
    "On the evening of the incident water came through the kitchen ceiling from the flat above.",
    "The plumber found a burst pipe behind the washing machine and isolated the supply.",
    "Our living room carpet, the sofa and two cabinets were soaked and had to be removed.",
    "I reported the damage to the managing agent the next morning and took photographs.",
    "The other driver pulled out of a side road without looking and struck the front wing.",
    "Police attended the scene and both parties exchanged insurance details.",
    "The vehicle was recovered to a garage where the assessor inspected it two days later.",
    "A storm brought down part of the garden wall and several roof tiles were dislodged.",
    "Thieves forced the rear door while we were away and took a laptop and jewellery.",
    "Please find enclosed the repair estimate, the invoices and the photographs requested.",
    "I would be grateful if you could confirm the next steps and the expected timescale.",
    "The contractor has advised that the drying out will take at least three weeks.",
)


class _Numbered(NamedTuple):
    policy_number: str
    region: str


def _digits(rng: random.Random, n: int) -> str:
    return "".join(rng.choice("0123456789") for _ in range(n))


def _letters(rng: random.Random, n: int) -> str:
    return "".join(rng.choice(_LETTERS) for _ in range(n))


def _check(digits: str) -> int:
    return sum((i % 3 + 1) * int(d) for i, d in enumerate(digits)) % 10


_FORMATS = (
    lambda r: (lambda d: f"{_letters(r, 2)} {d[:3]} {d[3:]} {_check(d)}")(_digits(r, 6)),
    lambda r: (lambda d: f"{r.choice(_LETTERS)}/{r.randint(2015, 2025)}/{d}-{_LETTERS[int(d) % 26]}")(
        _digits(r, 5)
    ),
    lambda r: f"{r.choice(_COUNTRIES)}-{_letters(r, 2)}-{_digits(r, 4)}-{_digits(r, 2)}",
    lambda r: f"P{_digits(r, 8)}",
    lambda r: f"{_digits(r, 4)}-{_digits(r, 3)}-{_digits(r, 2)}",
    lambda r: f"{_letters(r, 3)}.{_digits(r, 4)}.{_digits(r, 3)}",
    lambda r: f"{_letters(r, 2)}{_digits(r, 4)}{r.choice(_LETTERS)}",
)


def book(count: int, seed: int) -> tuple[list[str], set[str]]:
    """`count` policy numbers in the seven formats, in turn, unique by match key; and their keys."""
    rng = random.Random(seed)
    numbers: list[str] = []
    keys: set[str] = set()
    while len(numbers) < count:
        number = _FORMATS[len(numbers) % len(_FORMATS)](rng)
        key = match_key(number)
        if key not in keys:
            keys.add(key)
            numbers.append(number)
    return numbers, keys


def written(rng: random.Random, number: str) -> tuple[str, bool]:
    """The number as a claimant or OCR writes it, and whether only case and separators changed."""
    text = number
    way = rng.randrange(6)
    if way == 1:
        text = "".join(c for c in number if c.isalnum())
    elif way == 2:
        text = "".join(rng.choice(" -/.") if not c.isalnum() else c for c in number)
    elif way == 3:
        packed = "".join(c for c in number if c.isalnum())
        size = rng.choice((3, 4))
        text = " ".join(packed[i : i + size] for i in range(0, len(packed), size))
    if rng.random() < 0.3:
        text = text.lower()
    if way in (4, 5):  # OCR: one or two confusable characters swapped
        chars = list(text)
        places = [i for i, c in enumerate(chars) if c in _TO_LETTER or c.upper() in _TO_DIGIT]
        for i in rng.sample(places, min(len(places), way - 3)):
            chars[i] = _TO_LETTER.get(chars[i]) or _TO_DIGIT[chars[i].upper()]
        if chars != list(text):
            return "".join(chars), False
    return text, True


def near_miss(rng: random.Random, number: str, keys: set[str]) -> str:
    """The number with one character changed, added or dropped, whose key is in no policy."""
    while True:
        chars = list(number)
        places = [i for i, c in enumerate(chars) if c.isalnum()]
        i = rng.choice(places)
        pool = "0123456789" if chars[i].isdigit() else _LETTERS
        edit = rng.randrange(3)
        if edit == 0:
            chars[i] = rng.choice(pool)
        elif edit == 1:
            chars.insert(i + rng.randrange(2), rng.choice(pool))
        else:
            del chars[i]
        miss = "".join(chars)
        if match_key(miss) not in keys:
            return miss


def _noise(rng: random.Random) -> str:
    """A line of the other numbers a claim carries."""
    d = lambda n: _digits(rng, n)  # noqa: E731
    lines = (
        f"Telephone: +44 20 {d(4)} {d(4)}   Mobile: 07{d(3)} {d(6)}",
        f"Tel. +49 30 {d(7)}, Fax 030-{d(6)}",
        f"IBAN: DE{d(2)} {d(4)} {d(4)} {d(4)} {d(4)} {d(2)}  BIC: COBADEFFXXX",
        f"IBAN GB{d(2)} NWBK {d(4)} {d(4)} {d(4)} {d(2)}",
        f"Date of loss: {rng.randint(1, 28):02d}.{rng.randint(1, 12):02d}.2024 at {d(2)}:{d(2)}",
        f"Reported on {rng.randint(1, 28)}/{rng.randint(1, 12)}/2024, inspection 2024-{d(2)}-{d(2)}",
        f"Estimate: EUR {rng.randint(1, 9)},{d(3)}.{d(2)} incl. VAT 19% (EUR {d(3)}.{d(2)})",
        f"Amount claimed: \u00a3{rng.randint(1, 9)},{d(3)}.{d(2)}; excess \u00a3{d(3)}",
        f"Our reference CLM-2024-{d(6)}, invoice INV/2024/{d(4)}, order no. {d(8)}",
        f"Registration {_letters(rng, 2)}{d(2)} {_letters(rng, 3)}, VIN WVW{d(3)}{_letters(rng, 3)}{d(8)}",
        f"Address: {rng.randint(1, 200)} Baker Street, London NW{d(1)} {d(1)}XE; VAT ID DE{d(9)}",
        f"Third party insurer reference TP/{d(6)}/{d(2)}, case {_letters(rng, 2)}-{d(6)}",
    )
    return rng.choice(lines)


def _invoice_row(rng: random.Random) -> str:
    item = rng.choice(("Replacement pipe 22 mm", "Skirting board 2.4 m", "Labour 3.5 h", "Plaster 25 kg"))
    quantity, price, cents = rng.randint(1, 12), rng.randint(5, 900), rng.randint(0, 99)
    return f"{rng.randint(1, 40)}  {item}  {quantity} x {price}.{cents:02d}  {quantity * price}.00 EUR"


class Claim(NamedTuple):
    """A synthetic claim: its policy, its text, whether the policy is cited exactly, the near miss's span."""

    number: str
    text: str
    exact: bool
    near_miss: tuple[int, int] | None


def claim(rng: random.Random, number: str, keys: set[str], size: int) -> Claim:
    """A claim text of about `size` characters citing `number` (and perhaps a near miss of it)."""
    cited, exact = written(rng, number)
    label = rng.choice(("Policy number: ", "Policy No. ", "Pol. Nr ", "Policy no.", "Policy: "))
    lines = ["CLAIM NOTIFICATION FORM", f"Claimant: J. Smith   Date: {rng.randint(1, 28)} March 2024"]
    lines.insert(rng.randrange(1, 3), f"{label}{cited}")
    miss = near_miss(rng, number, keys) if rng.random() < 0.5 else None
    if miss is not None:
        lines.append(f"Previous policy {miss} was cancelled last year.")
    while sum(len(line) + 1 for line in lines) < size:
        kind = rng.random()
        if kind < 0.3:
            lines.append(" ".join(rng.sample(_PROSE, 3)))
        elif kind < 0.55:
            lines.append(_noise(rng))
        elif kind < 0.8:  # numbers run into the prose, as text extracted from a PDF does
            lines.append(f"{_noise(rng)} {rng.choice(_PROSE)} {_noise(rng)}")
        else:
            lines.append(_invoice_row(rng))
    if rng.random() < 0.5:
        lines.append(f"I confirm the details above relate to my policy {cited}.")
    text = "\n".join(lines)
    if miss is None:
        return Claim(number, text, exact, None)
    start = sum(len(line) + 1 for line in lines[:3]) + len("Previous policy ")
    return Claim(number, text, exact, (start, start + len(miss)))


def _pct(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(q * (len(ordered) - 1)))]


def _summary(values: list[float]) -> dict[str, float]:
    return {
        "p50": _pct(values, 0.5),
        "p95": _pct(values, 0.95),
        "p99": _pct(values, 0.99),
        "max": max(values),
        "mean": sum(values) / len(values),
    }


def _with_database(dsn: str, database: str) -> str:
    return urlunsplit(urlsplit(dsn)._replace(path=f"/{database}"))


def measure(
    dsn: str, *, policies: int = 1_000_000, region: str = "EU", claims: int = 200, seed: int = 1
) -> dict[str, Any]:
    """Load `policies` numbers into a fresh database on `dsn`'s server, then time `find` on `claims` texts."""
    return asyncio.run(measure_async(dsn, policies=policies, region=region, claims=claims, seed=seed))


async def measure_async(
    dsn: str, *, policies: int = 1_000_000, region: str = "EU", claims: int = 200, seed: int = 1
) -> dict[str, Any]:
    """`measure` for callers already inside an event loop."""
    database = f"claimflow_bench_policies_{uuid4().hex[:12]}"
    admin = await asyncpg.connect(dsn)
    try:
        await admin.execute(f'CREATE DATABASE "{database}"')
    finally:
        await admin.close()
    try:
        return await _run(_with_database(dsn, database), policies, region.strip().upper(), claims, seed)
    finally:
        admin = await asyncpg.connect(dsn)
        try:
            await admin.execute(f'DROP DATABASE IF EXISTS "{database}" WITH (FORCE)')
        finally:
            await admin.close()


async def _run(dsn: str, count: int, region: str, claims: int, seed: int) -> dict[str, Any]:
    load_before = os.getloadavg()[0]
    numbers, keys = book(count, seed)
    rng = random.Random(seed + 1)
    texts = [claim(rng, rng.choice(numbers), keys, rng.randint(2_000, 20_000)) for _ in range(claims)]
    async with PolicyIndex(dsn) as index:
        started = time.perf_counter()
        await index.upsert([_Numbered(n, region) for n in numbers])
        load_s = time.perf_counter() - started
        started = time.perf_counter()
        await index.pool.execute("VACUUM (ANALYZE) policy_key")
        vacuum_s = time.perf_counter() - started
        sizes = await index.pool.fetchrow(
            "SELECT pg_relation_size('policy_key') AS heap, pg_relation_size('policy_key_pkey') AS btree, "
            "(SELECT count(*) FROM policy_key_shape WHERE region = $1) AS shapes",
            region,
        )
        shapes = {r["shape"] for r in await index.pool.fetch("SELECT shape FROM policy_key_shape")}
        for warm in texts[:_WARMUP]:
            await index.find(warm.text, region)
            await index.find(warm.text, region, prefilter=False)
        filtered, unfiltered, python_ms = [], [], []
        candidates, distinct, sent = [], [], []
        found = exact_right = decoys_matched = 0
        others: list[dict[str, Any]] = []
        for number, text, exact, decoy in texts:
            started = time.perf_counter()
            matches = await index.find(text, region)
            filtered.append((time.perf_counter() - started) * 1000)
            started = time.perf_counter()
            await index.find(text, region, prefilter=False)
            unfiltered.append((time.perf_counter() - started) * 1000)
            started = time.perf_counter()
            spanned = spans(text)
            python_ms.append((time.perf_counter() - started) * 1000)
            candidates.append(len(spanned))
            distinct.append(len({k for _, _, k in spanned}))
            sent.append(len({k for _, _, k in spanned if key_shape(k) in shapes}))
            on_decoy = [m for m in matches if decoy is not None and m.start < decoy[1] and decoy[0] < m.end]
            decoys_matched += len(on_decoy)  # a near miss read as a policy: the rule broken
            mine = [m for m in matches if m.policy_number == number and m not in on_decoy]
            found += bool(mine)
            others.extend(  # another policy's number (OCR-folded) really is in the text
                {"matched": m.policy_number, "text": m.text, "exact": m.exact}
                for m in matches
                if m.policy_number != number and m not in on_decoy
            )
            exact_right += bool(mine) and all(m.exact == exact for m in mine)
    return {
        "config": {"policies": count, "region": region, "claims": claims, "seed": seed, "formats": 7},
        "machine": {
            "cpus": os.cpu_count(),
            "loadavg_before": load_before,
            "loadavg_after": os.getloadavg()[0],
        },
        "load_s": load_s,
        "policies_per_s": count / load_s,
        "vacuum_analyze_s": vacuum_s,
        "heap_mb": sizes["heap"] / 2**20,
        "index_mb": sizes["btree"] / 2**20,
        "shapes": sizes["shapes"],
        "claim_kb": _summary([len(c.text) / 1000 for c in texts]),
        "find_ms": _summary(filtered),
        "find_all_keys_ms": _summary(unfiltered),
        "candidates_ms": _summary(python_ms),
        "candidates_per_claim": _summary([float(c) for c in candidates]),
        "keys_per_claim": _summary([float(c) for c in distinct]),
        "keys_sent_per_claim": _summary([float(c) for c in sent]),
        "hit_rate": found / claims,
        "near_misses": sum(c.near_miss is not None for c in texts),
        "near_misses_matched": decoys_matched,
        "other_policies_matched": others,
        "exact_flag_right": exact_right / claims,
    }


def print_table(console: Console, figures: dict[str, Any]) -> None:
    """The figures as one table: load, size, `find` latency, candidates, and correctness."""
    cfg = figures["config"]
    table = Table(
        "figure",
        "value",
        title=f"claimflow bench policies: {cfg['policies']:,} in {cfg['region']}, {cfg['claims']} claims",
    )

    def ms(name: str) -> str:
        s = figures[name]
        return f"p50 {s['p50']:.2f} / p95 {s['p95']:.2f} / p99 {s['p99']:.2f} / max {s['max']:.2f}"

    def n(name: str) -> str:
        s = figures[name]
        return f"mean {s['mean']:.0f} / p50 {s['p50']:.0f} / max {s['max']:.0f}"

    rows = (
        ("load (upsert)", f"{figures['load_s']:.1f} s ({figures['policies_per_s']:,.0f} policies/s)"),
        ("vacuum analyze", f"{figures['vacuum_analyze_s']:.1f} s"),
        ("table / index", f"{figures['heap_mb']:.0f} MB / {figures['index_mb']:.0f} MB"),
        ("key shapes in the region", str(figures["shapes"])),
        ("claim size (KB)", f"{figures['claim_kb']['mean']:.1f} mean, {figures['claim_kb']['max']:.1f} max"),
        ("find (ms)", ms("find_ms")),
        ("find, no shape filter (ms)", ms("find_all_keys_ms")),
        ("candidate spans alone (ms)", ms("candidates_ms")),
        ("candidate spans per claim", n("candidates_per_claim")),
        ("distinct keys per claim", n("keys_per_claim")),
        ("keys sent per claim", n("keys_sent_per_claim")),
        ("hit rate", f"{figures['hit_rate']:.1%}"),
        ("near misses matched", f"{figures['near_misses_matched']} of {figures['near_misses']}"),
        (
            "other policies' numbers found",
            ", ".join(
                f"{o['text']!r} = {o['matched']} (exact {o['exact']})"
                for o in figures["other_policies_matched"]
            )
            or "none",
        ),
        ("exact flag right", f"{figures['exact_flag_right']:.1%}"),
        (
            "load average",
            f"{figures['machine']['loadavg_before']:.1f} -> {figures['machine']['loadavg_after']:.1f} "
            f"on {figures['machine']['cpus']} CPUs",
        ),
    )
    for row in rows:
        table.add_row(*row)
    console.print(table)
