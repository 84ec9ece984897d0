"""The policy-number index: which spans of a claim's text are numbers of the region's book.

The book (PostgreSQL) is the authority on what a policy number is; no pattern is. Every
policy is stored under its match key (`agents.extraction.policy_numbers.match_key`: case,
separators and OCR confusions folded), and `find` looks every candidate span of a text up in
one round trip, region always in the query: another region's policy is never returned.

Speed (≤ 5 ms per claim at a million policies) comes from doing little per candidate, not
from a clever index. A claim of 10-20 KB has hundreds to a thousand candidate spans (prose runs
into dates, phone numbers, IBANs); a book has a few dozen key shapes (`key_shape`: letters as
`A`, digits as `9`). The region's shapes are kept in a small table next to the keys and cached
here: `spans` only builds keys of the lengths the book has, and only keys of a shape the region
has are sent (about a tenth of them). Equal keys have equal shapes, so the filter never loses a
match. The cache is checked on every lookup (the query also returns the region's shape count,
which only grows), so a format loaded by another process is seen at once, at the cost of one
extra round trip then. Measured (`claimflow bench policies`, 1 M policies, 2 busy cores): the
filter took `find` from 4.3 to 2.4 ms at the median (6.9 to 3.7 at p95); most of what is left
is Python reading the text, the query itself runs in about 0.2 ms.

Keys are compared with the "C" collation (bytes), which is what they are and is faster than a
locale's rules; the primary key `(region, key, policy_number)` covers the lookup, so it is an
index-only scan once the table has been vacuumed.
"""

from __future__ import annotations

import logging
import re
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass
from operator import itemgetter
from typing import Protocol

import asyncpg

from agents.extraction.policy_numbers import key_shape, match_key, spans, strict_key
from streams import Dependency, PermanentError, PostgresStore

log = logging.getLogger(__name__)

_TWO_DIGITS = re.compile(r"[0-9|].*?[0-9|]", re.DOTALL)

_UPSERT_CHUNK = 50_000
# `candidates` needs this many characters and digits in a key; other numbers are stored, never found.
_MIN_CHARS, _MAX_CHARS, _MIN_DIGITS = 5, 24, 2

_DDL = """
CREATE TABLE IF NOT EXISTS policy_key (
    region        text COLLATE "C" NOT NULL,
    key           text COLLATE "C" NOT NULL,
    policy_number text COLLATE "C" NOT NULL,
    PRIMARY KEY (region, key, policy_number)
);
CREATE TABLE IF NOT EXISTS policy_key_shape (
    region text COLLATE "C" NOT NULL,
    shape  text COLLATE "C" NOT NULL,
    PRIMARY KEY (region, shape)
);
"""

# Rows are COPYed into a staging table, then inserted: faster than arrays for a million rows.
_STAGE = """
CREATE TEMPORARY TABLE policy_key_stage (region text, key text, policy_number text) ON COMMIT DROP
"""
_UPSERT_KEYS = """
INSERT INTO policy_key (region, key, policy_number)
SELECT region, key, policy_number FROM policy_key_stage
ON CONFLICT DO NOTHING
"""

_UPSERT_SHAPES = """
INSERT INTO policy_key_shape (region, shape)
SELECT * FROM unnest($1::text[], $2::text[])
ON CONFLICT DO NOTHING
"""

# The region's shape count rides along with the keys, so a stale shape cache is noticed on the
# same round trip (shapes are only ever added, so an equal count is an equal set).
_FIND = """
SELECT key, policy_number, NULL::bigint AS shapes
FROM policy_key WHERE region = $1 AND key = ANY($2::text[])
UNION ALL
SELECT NULL, NULL, count(*) FROM policy_key_shape WHERE region = $1
"""

_SHAPES = "SELECT shape FROM policy_key_shape WHERE region = $1"


class NumberedPolicy(Protocol):
    """What indexing needs of a policy: `Policy` has it, and so has a bare (number, region) record."""

    @property
    def policy_number(self) -> str: ...

    @property
    def region(self) -> str: ...


class PolicyIndexError(PermanentError):
    """The policy-number index refused data, or was used unopened."""


@dataclass(frozen=True)
class PolicyMatch:
    """A span of the text that is the number of a policy of the region's book.

    `exact` is True when only case and separators differ from the book's number, False when
    OCR confusions (`O` for `0`, `l` for `1`) had to be forgiven: worth a person's glance.
    """

    policy_number: str
    start: int
    end: int
    text: str
    exact: bool


async def _keep_session(conn: asyncpg.Connection) -> None:
    """Nothing to reset: asyncpg has already rolled back any open transaction (see `PolicyIndex.open`)."""


def _findable(key: str, number: str) -> bool:
    """Whether `candidates` can offer the number (written with at most 6 groups): its length and digits."""
    return _MIN_CHARS <= len(key) <= _MAX_CHARS and sum(map(str.isdigit, number)) >= _MIN_DIGITS


class PolicyIndex(PostgresStore):
    """Policy numbers by match key and region, in PostgreSQL; `find` reads them off a claim's text."""

    ddl = _DDL
    schema_lock = "claimflow.policy_index.schema"
    error = PolicyIndexError
    display_name = "PolicyIndex"

    def __init__(self, dsn: str, dependency: Dependency | None = None, *, pool_max_size: int = 4) -> None:
        super().__init__(dsn, dependency, pool_max_size=pool_max_size)
        self._shapes: dict[str, frozenset[str]] = {}

    async def open(self) -> None:
        """`PostgresStore.open`, with a pool tuned for `find`'s millisecond budget.

        asyncpg resets a session on every release (`RESET ALL` and friends: a second round
        trip per query); this store keeps no session state beyond the settings below, so a
        release only rolls back an unfinished transaction. The query is planned once per
        connection (a generic plan): planning it anew costs more than running it.
        """
        if self._pool is None:
            self._pool = await self._dep.call(
                asyncpg.create_pool,
                self._dsn,
                min_size=1,
                max_size=self._pool_max_size,
                init=self._init_connection,
                reset=_keep_session,
                server_settings={"plan_cache_mode": "force_generic_plan"},
            )
            try:
                await self.ensure_schema()
            except BaseException:
                await self.close()
                raise

    async def upsert(self, policies: Sequence[NumberedPolicy]) -> int:
        """Index the policies' numbers; returns how many were not indexed yet (0 on a re-load).

        Numbers are immutable, so a policy already indexed (or repeated in `policies`) is left
        alone. Rows are COPYed in sorted chunks of `_UPSERT_CHUNK`, one transaction each (one
        lock order for every writer; a retried or re-run chunk is harmless). Numbers `find`
        can never offer (too short, too long, fewer than two digits) are indexed and logged.
        """
        rows = [(p.region.strip().upper(), match_key(p.policy_number), p.policy_number) for p in policies]
        # Key order makes the btree inserts sequential (twice as fast as random order) and gives
        # every writer one lock order. Two stable sorts on strings beat one on tuples by far.
        rows.sort(key=itemgetter(1))
        rows.sort(key=itemgetter(0))
        hidden = [number for _, key, number in rows if not _findable(key, number)]
        if hidden:
            log.warning(
                "%d policy number(s) can never be read off a text (fewer than %d characters or %d digits, "
                "or more than %d characters), e.g. %s",
                len(hidden),
                _MIN_CHARS,
                _MIN_DIGITS,
                _MAX_CHARS,
                ", ".join(hidden[:5]),
            )
        added = 0
        try:
            for start in range(0, len(rows), _UPSERT_CHUNK):
                added += await self._dep.call(self._upsert_chunk, rows[start : start + _UPSERT_CHUNK])
        finally:
            self._shapes.clear()
        return added

    async def _upsert_chunk(self, rows: list[tuple[str, str, str]]) -> int:
        shapes = sorted({(region, key_shape(key)) for region, key, _ in rows})
        try:
            async with self.pool.acquire() as conn, conn.transaction():
                await conn.execute(_UPSERT_SHAPES, [r for r, _ in shapes], [s for _, s in shapes])
                await conn.execute(_STAGE)
                await conn.copy_records_to_table("policy_key_stage", records=rows)
                status = await conn.execute(_UPSERT_KEYS)
        except (asyncpg.DataError, asyncpg.IntegrityConstraintViolationError) as exc:
            raise PolicyIndexError(f"policy index refused {len(rows)} numbers: {exc}") from exc
        return int(status.rsplit(" ", 1)[1])  # "INSERT 0 <rows>"

    async def find(self, text: str, region: str, *, prefilter: bool = True) -> list[PolicyMatch]:
        """Every span of `text` that is a number of a policy of `region`, in text order.

        Spans are `candidates` of the text whose match key a policy has; all keys go in one
        query. Keys shared by several policies return each of them (never one picked
        silently); a match inside a longer match is dropped (`DE HR 7734 21` is that number,
        not `HR 7734 21` with something before it). With
        `prefilter=False` every candidate key is sent, no shape filter (for the benchmark).
        """
        region = region.strip().upper()
        if not _TWO_DIGITS.search(text):
            return []  # no candidate without two digits: no need to ask
        shapes = self._shapes.get(region) if prefilter else None
        if prefilter and shapes is None:
            shapes = await self._load_shapes(region)
        found, hits, count = await self._lookup(text, region, shapes)
        if shapes is not None and count != len(shapes):  # formats were added since the cache was filled
            found, hits, count = await self._lookup(text, region, await self._load_shapes(region))
        matches = [
            PolicyMatch(
                number, start, end, text[start:end], strict_key(text[start:end]) == strict_key(number)
            )
            for start, end, key in found
            if key in hits
            for number in sorted(hits[key])
        ]
        return _outermost(matches)

    async def _lookup(
        self, text: str, region: str, shapes: frozenset[str] | None
    ) -> tuple[list[tuple[int, int, str]], dict[str, list[str]], int]:
        """The text's candidate spans (of a shape in `shapes`), their keys' policies, the shape count.

        The lengths of the shapes are passed to `spans`, which then never builds the keys of
        most spans: they cost more than the rest of the lookup.
        """
        if shapes is None:
            found = spans(text, min_chars=_MIN_CHARS, max_chars=_MAX_CHARS)
        else:
            sizes = frozenset(len(shape) for shape in shapes)
            found = [
                span
                for span in spans(text, min_chars=_MIN_CHARS, max_chars=_MAX_CHARS, sizes=sizes)
                if key_shape(span[2]) in shapes
            ]
        hits: dict[str, list[str]] = defaultdict(list)
        count = 0
        for row in await self._dep.call(self.pool.fetch, _FIND, region, sorted({k for _, _, k in found})):
            if row["key"] is None:
                count = row["shapes"]
            else:
                hits[row["key"]].append(row["policy_number"])
        return found, hits, count

    async def _load_shapes(self, region: str) -> frozenset[str]:
        rows = await self._dep.call(self.pool.fetch, _SHAPES, region)
        shapes = frozenset(r["shape"] for r in rows)
        self._shapes[region] = shapes
        return shapes

    async def count(self, region: str | None = None) -> int:
        """How many numbers are indexed, in one region or all."""
        if region is None:
            return int(await self._dep.call(self.pool.fetchval, "SELECT count(*) FROM policy_key"))
        query = "SELECT count(*) FROM policy_key WHERE region = $1"
        return int(await self._dep.call(self.pool.fetchval, query, region.strip().upper()))


def _outermost(matches: list[PolicyMatch]) -> list[PolicyMatch]:
    """The matches not strictly inside another match's span, in text order."""
    spans_found = {(m.start, m.end) for m in matches}
    return sorted(
        (
            m
            for m in matches
            if not any(s <= m.start and m.end <= e and (s, e) != (m.start, m.end) for s, e in spans_found)
        ),
        key=lambda m: (m.start, m.end, m.policy_number),
    )


class MemoryPolicyIndex:
    """The same lookup over a book held in memory (the evaluations, the bench's limit, tests)."""

    def __init__(self, policies: Sequence[NumberedPolicy]) -> None:
        self._keys: dict[tuple[str, str], list[str]] = defaultdict(list)
        for policy in policies:
            key = match_key(policy.policy_number)
            if _findable(key, policy.policy_number):
                self._keys[(policy.region.strip().upper(), key)].append(policy.policy_number)

    async def find(self, text: str, region: str) -> list[PolicyMatch]:
        """Every span of `text` that is a number of a policy of `region`, in text order."""
        region = region.strip().upper()
        matches = [
            PolicyMatch(
                number, start, end, text[start:end], strict_key(text[start:end]) == strict_key(number)
            )
            for start, end, key in spans(text, min_chars=_MIN_CHARS, max_chars=_MAX_CHARS)
            for number in sorted(self._keys.get((region, key), ()))
        ]
        return _outermost(matches)
