"""Policy-number formats, and the ways people write and mistype them.

Each insurer has one format. The book stores one canonical form; claim documents print it
as people do (unchanged, without separators, with other separators, in lower case, after
a prefix, split over two lines). Typos change, add or drop exactly one character so the
number no longer matches any book entry even after separators and case are ignored.
"""

from __future__ import annotations

import random
import re

LOOKALIKE = "0123456789BOISZ"
CHECK_LETTERS = "TRWAGMYFPDXBNJZSQVHLCKE"
COMPACT_LETTERS = "ABCDEFGHJKLMNPQRSTUVWXYZ"
_SEPARATORS = (" ", "-", ".", "/")


def normalise(number: str) -> str:
    """The number's letters and digits, upper case: what identifies it regardless of writing."""
    return re.sub(r"[^0-9A-Za-z]", "", number).upper()


def _digits(rng: random.Random, n: int) -> str:
    return "".join(rng.choice("0123456789") for _ in range(n))


def _lookalike_group(rng: random.Random, n: int) -> str:
    while True:
        group = "".join(rng.choice(LOOKALIKE) for _ in range(n))
        if any(c.isalpha() for c in group) and any(c.isdigit() for c in group):
            return group


def _product_code(fmt: str, asset: str, product_index: int) -> str:
    codes = {
        "de_code": ("HR", "WG", "KF"),
        "au_code": ("HC", "LB", "MV"),
        "slash_year": ("H", "B", "A"),
    }[fmt]
    if asset == "motor":
        return codes[2]
    return codes[min(product_index, 1)]


def make_number(fmt: str, rng: random.Random, *, asset: str, product_index: int, year: int) -> str:
    """A fresh policy number in format ``fmt`` for a product of the given kind and start year."""
    if fmt == "spaced_check":
        body = _digits(rng, 6)
        check = sum(int(c) * w for c, w in zip(body, (3, 1, 7, 3, 1, 7), strict=True)) % 10
        return f"{rng.choice(('HX', 'HB', 'HS'))} {body[:3]} {body[3:]} {check}"
    if fmt == "slash_year":
        serial = rng.randrange(100, 99_999)
        letter = CHECK_LETTERS[(serial * 7 + year) % 23]
        return f"{_product_code(fmt, asset, product_index)}/{year}/{serial:05d}-{letter}"
    if fmt == "de_code":
        return f"DE-{_product_code(fmt, asset, product_index)}-{_digits(rng, 4)}-{year % 100:02d}"
    if fmt == "padded":
        return f"P{rng.randrange(1_000, 2_500_000):08d}"
    if fmt == "grouped":
        return f"{rng.randrange(1000, 9999)}-{_digits(rng, 3)}-{_digits(rng, 2)}"
    if fmt == "alnum_mix":
        return f"FH-{_lookalike_group(rng, 3)}-{_digits(rng, 6)}"
    if fmt == "dots":
        return f"SGH.{rng.randrange(1000, 9999)}.{_digits(rng, 3)}"
    if fmt == "au_code":
        return f"SCM/{_product_code(fmt, asset, product_index)}/{rng.randrange(10_000, 2_999_999):07d}"
    if fmt == "compact":
        digits = _digits(rng, 4)
        return f"NZ{digits}{COMPACT_LETTERS[sum(map(int, digits)) * 7 % 24]}"
    if fmt == "hk_code":
        return f"HPA-{_lookalike_group(rng, 4)}-{_digits(rng, 5)}"
    raise ValueError(f"unknown policy-number format {fmt!r}")


def _split_groups(number: str) -> list[str]:
    groups = [g for g in re.split(r"[^0-9A-Za-z]+", number) if g]
    if len(groups) > 1:
        return groups
    # No separators: people group letters and digits apart ("NZ 7781 Q", "P 0001 2345").
    parts = re.findall(r"[A-Za-z]+|[0-9]+", number)
    if len(parts) == 2 and parts[1].isdigit() and len(parts[1]) == 8:
        return [parts[0], parts[1][:4], parts[1][4:]]
    return parts


PRINT_VARIANTS: tuple[tuple[str, float], ...] = (
    ("same", 0.5),
    ("compact", 0.15),
    ("other_sep", 0.12),
    ("lower", 0.08),
    ("prefixed", 0.12),
    ("linebreak", 0.03),
)


def printed(number: str, variant: str, rng: random.Random, prefix: str) -> str:
    """``number`` as a claimant or broker writes it; ``linebreak`` puts a newline inside it."""
    if variant == "compact":
        return normalise(number) if rng.random() < 0.7 else re.sub(r"[ .\-/]", "", number)
    if variant == "other_sep":
        current = set(re.findall(r"[^0-9A-Za-z]", number))
        sep = rng.choice([s for s in _SEPARATORS if s not in current] or [" "])
        return sep.join(_split_groups(number))
    if variant == "lower":
        return number.lower()
    if variant == "prefixed":
        return f"{prefix} {number}"
    if variant == "linebreak":
        groups = _split_groups(number)
        if len(groups) < 2:
            return number
        cut = rng.randrange(1, len(groups))
        sep = next(iter(re.findall(r"[^0-9A-Za-z]", number)), " ")
        return sep.join(groups[:cut]) + ("\n" if sep == " " else sep + "\n") + sep.join(groups[cut:])
    return number


def pick_variant(rng: random.Random) -> str:
    """A printing variant, drawn with the shares of ``PRINT_VARIANTS``."""
    names = [n for n, _ in PRINT_VARIANTS]
    return rng.choices(names, weights=[w for _, w in PRINT_VARIANTS])[0]


def typo(number: str, rng: random.Random, taken: set[str]) -> str:
    """``number`` with one character changed, added or dropped, matching nothing in ``taken``."""
    for _ in range(200):
        positions = [i for i, c in enumerate(number) if c.isalnum()]
        pos = rng.choice(positions)
        char = number[pos]
        kind = rng.choice(("change", "change", "add", "drop"))
        if kind == "change":
            pool = "0123456789" if char.isdigit() else "ABCDEFGHJKLMNPRSTUVWXYZ"
            new = rng.choice([c for c in pool if c != char.upper()])
            candidate = (
                number[:pos] + (new if char.isupper() or char.isdigit() else new.lower()) + number[pos + 1 :]
            )
        elif kind == "add":
            candidate = number[:pos] + rng.choice("0123456789") + number[pos:]
        else:
            left_ok = pos > 0 and number[pos - 1].isalnum()
            right_ok = pos + 1 < len(number) and number[pos + 1].isalnum()
            if not (left_ok or right_ok):
                continue
            candidate = number[:pos] + number[pos + 1 :]
        if normalise(candidate) not in taken:
            return candidate
    raise RuntimeError(f"no typo of {number!r} avoids the book")
