"""The policy-number index against a real PostgreSQL: idempotent loads, exact vs OCR-repaired matches,
near misses that never match, region isolation, colliding keys, and one round trip per lookup."""

from __future__ import annotations

from collections.abc import AsyncIterator, Awaitable, Callable
from datetime import date
from typing import Any, NamedTuple

import pytest

from agents.extraction.policy_numbers import match_key
from agents.stores.policy_book import Policy
from agents.stores.policy_index import PolicyIndex, PolicyIndexError, PolicyMatch
from streams import Dependency
from tests.fixtures.postgres import postgres_dsn, postgres_server_uri

pytestmark = pytest.mark.integration

__all__ = ["postgres_dsn", "postgres_server_uri"]  # the imported fixtures are used by name

FORMATS = (
    "HX 442 019 7",
    "A/2023/00471-K",
    "DE-HR-7734-21",
    "P00012345",
    "4471-882-09",
    "SGH.2231.778",
    "NZ7781Q",
)
_DIGITS = "0123456789"
_LETTERS = "ABCDEFGHIJKLMNOPQRSTUVWXYZ"


class Numbered(NamedTuple):
    policy_number: str
    region: str


def policy(number: str, region: str = "EU") -> Policy:
    return Policy(
        policy_number=number,
        region=region,
        holder_name="A. Holder",
        start_date=date(2024, 1, 1),
        end_date=date(2024, 12, 31),
        coverages=["water"],
        limit=10_000,
        clauses=[],
    )


def claim(number: str) -> str:
    return f"Claim form\nPolicy number: {number}, loss on 12 March 2024 (ref CLM-2024-004217).\n"


def found(matches: list[PolicyMatch]) -> list[tuple[str, str, bool]]:
    return [(m.policy_number, m.text, m.exact) for m in matches]


@pytest.fixture
async def index(postgres_dsn: str) -> AsyncIterator[PolicyIndex]:
    async with PolicyIndex(postgres_dsn) as store:
        await store.upsert([policy(n) for n in FORMATS])
        yield store


async def test_upsert_is_idempotent(postgres_dsn: str) -> None:
    policies = [policy(n) for n in FORMATS]
    async with PolicyIndex(postgres_dsn) as store:
        assert await store.upsert(policies) == len(FORMATS)
        assert await store.upsert(policies) == 0
        assert await store.upsert([*policies, *policies[:2]]) == 0  # repeats within one call too
        assert await store.count() == await store.count("eu") == len(FORMATS)
    async with PolicyIndex(postgres_dsn) as again:  # the schema is created once, whoever opens first
        assert await again.upsert(policies) == 0


async def test_every_format_is_found_where_it_is_written(index: PolicyIndex) -> None:
    for number in FORMATS:
        text = claim(number)
        [match] = await index.find(text, "EU")
        assert (match.policy_number, match.text, match.exact) == (number, number, True)
        assert text[match.start : match.end] == number


@pytest.mark.parametrize(
    ("written", "number", "exact"),
    [
        ("hx442-019 7", "HX 442 019 7", True),
        ("a 2023 00471 k", "A/2023/00471-K", True),
        ("DEHR773421", "DE-HR-7734-21", True),
        ("4471 882 09", "4471-882-09", True),
        ("sgh-2231-778", "SGH.2231.778", True),
        ("HX 44Z O19 7", "HX 442 019 7", False),
        ("P0OO12345", "P00012345", False),
        ("P000|2345", "P00012345", False),
        ("5GH.223l.778", "SGH.2231.778", False),
        ("NZ778IQ", "NZ7781Q", False),
    ],
)
async def test_case_separators_and_ocr_confusions_are_forgiven_and_told_apart(
    index: PolicyIndex, written: str, number: str, exact: bool
) -> None:
    assert found(await index.find(claim(written), "EU")) == [(number, written, exact)]


async def test_a_label_glued_to_the_number_is_not_part_of_it(index: PolicyIndex) -> None:
    assert found(await index.find("Policy No.P00012345 and Nr-4471-882-09", "EU")) == [
        ("P00012345", "P00012345", True),
        ("4471-882-09", "4471-882-09", True),
    ]


def near_misses(number: str) -> set[str]:
    """The number with one real character changed, added or dropped (confusable swaps excluded)."""
    misses: set[str] = set()
    for i, char in enumerate(number):
        if not char.isalnum():
            continue
        misses.add(number[:i] + number[i + 1 :])
        for other in _DIGITS + _LETTERS:
            if match_key(other) != match_key(char):
                misses.add(number[:i] + other + number[i + 1 :])
    for i in range(len(number) + 1):
        for other in "7X":
            misses.add(number[:i] + other + number[i:])
    misses |= {f"{number} 5", f"5 {number}", f"{number}-1", f"{number}/K", f"Q.{number}"}
    return {m for m in misses if match_key(m) != match_key(number)}


@pytest.mark.parametrize("number", FORMATS)
async def test_a_number_one_character_off_never_matches(index: PolicyIndex, number: str) -> None:
    misses = sorted(near_misses(number))
    assert len(misses) > 100
    text = "".join(claim(miss) for miss in misses)
    matches = await index.find(text, "EU")
    assert found(matches) == [], f"near misses of {number} matched"
    assert found(await index.find(text + claim(number), "EU")) == [(number, number, True)]


async def test_another_regions_policy_is_never_returned(postgres_dsn: str) -> None:
    async with PolicyIndex(postgres_dsn) as store:
        await store.upsert([policy("P00012345", "EU"), policy("4471-882-09", "US"), policy("NZ7781Q", "US")])
        await store.upsert([Numbered("NZ7781Q", "eu")])  # one number in two regions' books
        text = claim("P00012345") + claim("4471-882-09") + claim("NZ7781Q")
        assert [m.policy_number for m in await store.find(text, "EU")] == ["P00012345", "NZ7781Q"]
        assert [m.policy_number for m in await store.find(text, " us ")] == ["4471-882-09", "NZ7781Q"]
        assert await store.find(text, "APAC") == []


async def test_colliding_keys_return_every_policy(index: PolicyIndex) -> None:
    await index.upsert([policy("56H-2231-778")])  # the same match key as SGH.2231.778
    assert found(await index.find(claim("SGH 2231 778"), "EU")) == [
        ("56H-2231-778", "SGH 2231 778", False),
        ("SGH.2231.778", "SGH 2231 778", True),
    ]


async def test_a_match_inside_a_longer_match_is_the_longer_number(index: PolicyIndex) -> None:
    await index.upsert([policy("HR 7734 21")])
    assert found(await index.find(claim("DE HR 7734 21"), "EU")) == [("DE-HR-7734-21", "DE HR 7734 21", True)]
    assert found(await index.find(claim("HR 7734 21"), "EU")) == [("HR 7734 21", "HR 7734 21", True)]


async def test_every_occurrence_is_returned_in_text_order(index: PolicyIndex) -> None:
    text = "Policy P00012345; second page: p0001 2345 and NZ7781Q."
    assert [(m.policy_number, m.start) for m in await index.find(text, "EU")] == [
        ("P00012345", 7),
        ("P00012345", 31),
        ("NZ7781Q", 46),
    ]


async def test_the_shape_filter_never_loses_a_match(index: PolicyIndex) -> None:
    text = (
        "".join(claim(n.lower()) for n in FORMATS)
        + "Tel +44 20 7946 0958, IBAN DE89 3704 0044 0532 0130 00\n"
    )
    filtered = await index.find(text, "EU")
    assert len(filtered) == len(FORMATS)
    assert filtered == await index.find(text, "EU", prefilter=False)


async def test_a_format_loaded_elsewhere_is_seen_at_once(index: PolicyIndex, postgres_dsn: str) -> None:
    assert await index.find(claim("ZZ/123/45"), "EU") == []  # fills this process's shape cache
    async with PolicyIndex(postgres_dsn) as loader:
        await loader.upsert([policy("ZZ/123/45")])
    assert found(await index.find(claim("zz 123 45"), "EU")) == [("ZZ/123/45", "zz 123 45", True)]


class CountingDependency(Dependency):
    def __init__(self) -> None:
        super().__init__("postgres")
        self.calls = 0

    async def call(self, fn: Callable[..., Awaitable[Any]], *args: Any, **kwargs: Any) -> Any:
        self.calls += 1
        return await super().call(fn, *args, **kwargs)


async def test_one_round_trip_per_lookup(postgres_dsn: str) -> None:
    dependency = CountingDependency()
    async with PolicyIndex(postgres_dsn, dependency) as store:
        await store.upsert([policy(n) for n in FORMATS])
        await store.find(claim("P00012345"), "EU")  # the first lookup of a region also reads its shapes
        text = "".join(claim(n) for n in FORMATS) + "Tel +44 20 7946 0958, IBAN DE89 3704 0044 0532 0130 00\n"
        before = dependency.calls
        assert len(await store.find(text, "EU")) == len(FORMATS)
        assert dependency.calls - before == 1


async def test_text_without_candidates_needs_no_database(postgres_dsn: str) -> None:
    dependency = CountingDependency()
    async with PolicyIndex(postgres_dsn, dependency) as store:
        before = dependency.calls
        assert await store.find("No numbers here at all.", "EU") == []
        assert dependency.calls == before


async def test_unopened_index_raises_its_own_error(postgres_dsn: str) -> None:
    with pytest.raises(PolicyIndexError):
        await PolicyIndex(postgres_dsn).find(claim("P00012345"), "EU")
