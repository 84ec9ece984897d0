"""The policy book: which policies exist, where, what they cover and under which clauses.

Loaded from JSONL by an operator, read per claim by the validator. Clauses are shared by
every policy of a product, so they are stored once by `clause_id` and linked to policies.
Region is part of every lookup: a deployment never sees another region's policy.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from datetime import date
from decimal import Decimal
from pathlib import Path
from typing import Any, Self

import asyncpg
from cachetools import TTLCache
from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator, model_validator

from streams import ConfigurationError, Dependency, PermanentError, PostgresStore

_UPSERT_CHUNK = 2000

_DDL = """
CREATE TABLE IF NOT EXISTS policy_clause (
    clause_id text PRIMARY KEY,
    title     text NOT NULL,
    text      text NOT NULL
);
CREATE TABLE IF NOT EXISTS policy (
    policy_number text        PRIMARY KEY,
    region        text        NOT NULL,
    holder_name   text        NOT NULL,
    start_date    date        NOT NULL,
    end_date      date        NOT NULL,
    product       text        NOT NULL DEFAULT '',
    coverages     text[]      NOT NULL,
    "limit"       numeric     NOT NULL,
    currency      text        NOT NULL,
    updated_at    timestamptz NOT NULL DEFAULT now(),
    CHECK (end_date >= start_date)
);
CREATE TABLE IF NOT EXISTS policy_clause_link (
    policy_number text    NOT NULL REFERENCES policy ON DELETE CASCADE,
    clause_id     text    NOT NULL REFERENCES policy_clause,
    position      integer NOT NULL,
    PRIMARY KEY (policy_number, clause_id)
);
CREATE INDEX IF NOT EXISTS policy_clause_link_clause ON policy_clause_link (clause_id);
"""

_UPSERT_CLAUSES = """
INSERT INTO policy_clause (clause_id, title, text)
SELECT * FROM unnest($1::text[], $2::text[], $3::text[])
ON CONFLICT (clause_id) DO UPDATE SET title = excluded.title, text = excluded.text
WHERE (policy_clause.title, policy_clause.text) IS DISTINCT FROM (excluded.title, excluded.text)
"""

# Coverages travel as JSON text: asyncpg would read a list of lists as a two-dimensional array.
_UPSERT_POLICIES = """
INSERT INTO policy AS p
    (policy_number, region, holder_name, start_date, end_date, product, coverages, "limit", currency)
SELECT t.policy_number, t.region, t.holder_name, t.start_date, t.end_date, t.product,
       ARRAY(SELECT jsonb_array_elements_text(t.coverages::jsonb)), t.lim, t.currency
FROM unnest(
    $1::text[], $2::text[], $3::text[], $4::date[], $5::date[], $6::text[], $7::text[], $8::numeric[],
    $9::text[]
) AS t(policy_number, region, holder_name, start_date, end_date, product, coverages, lim, currency)
ON CONFLICT (policy_number) DO UPDATE
SET region = excluded.region, holder_name = excluded.holder_name, start_date = excluded.start_date,
    end_date = excluded.end_date, product = excluded.product, coverages = excluded.coverages,
    "limit" = excluded."limit", currency = excluded.currency, updated_at = now()
WHERE (p.region, p.holder_name, p.start_date, p.end_date, p.product, p.coverages, p."limit", p.currency)
      IS DISTINCT FROM (excluded.region, excluded.holder_name, excluded.start_date, excluded.end_date,
                        excluded.product, excluded.coverages, excluded."limit", excluded.currency)
RETURNING policy_number
"""

_DROP_STALE_LINKS = """
DELETE FROM policy_clause_link l
WHERE l.policy_number = ANY($1::text[])
  AND NOT EXISTS (
      SELECT 1 FROM unnest($2::text[], $3::text[]) AS n(policy_number, clause_id)
      WHERE n.policy_number = l.policy_number AND n.clause_id = l.clause_id
  )
RETURNING l.policy_number
"""

_UPSERT_LINKS = """
INSERT INTO policy_clause_link AS l (policy_number, clause_id, position)
SELECT * FROM unnest($1::text[], $2::text[], $3::integer[])
ON CONFLICT (policy_number, clause_id) DO UPDATE SET position = excluded.position
WHERE l.position <> excluded.position
RETURNING l.policy_number
"""

_GET = """
SELECT p.policy_number, p.region, p.holder_name, p.start_date, p.end_date, p.product, p.coverages, p."limit",
       p.currency,
       coalesce(
           (SELECT json_agg(json_build_object('clause_id', c.clause_id, 'title', c.title, 'text', c.text)
                            ORDER BY l.position)
            FROM policy_clause_link l JOIN policy_clause c USING (clause_id)
            WHERE l.policy_number = p.policy_number),
           '[]'::json
       ) AS clauses
FROM policy p
WHERE p.policy_number = $1 AND p.region = $2
"""


# A clause no policy links any more has left the book: drop its row and report it, so the
# loader can remove it from Milvus (and so from every FAISS shard). Ids without a row are
# reported too: a load that crashed between this and the Milvus delete is repaired by a re-run.
_DROP_UNLINKED_CLAUSES = """
WITH unlinked AS (
    SELECT c.clause_id FROM unnest($1::text[]) AS c(clause_id)
    WHERE NOT EXISTS (SELECT 1 FROM policy_clause_link l WHERE l.clause_id = c.clause_id)
), dropped AS (
    DELETE FROM policy_clause p USING unlinked u WHERE p.clause_id = u.clause_id
)
SELECT clause_id FROM unlinked
"""


class PolicyBookError(PermanentError):
    """The policy book refused data (conflicting clause texts, a value PostgreSQL rejects) or is unopened."""


class PolicyFileError(ConfigurationError):
    """A policy JSONL file has a line that is not a valid policy; the message names the line."""

    def __init__(self, path: Path, line: int, problem: str) -> None:
        super().__init__(f"{path}:{line}: {problem}")
        self.path = path
        self.line = line


class Clause(BaseModel):
    """A policy clause; its text is what retrieval and the assessment cite."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    clause_id: str = Field(min_length=1)
    title: str
    text: str


class Policy(BaseModel):
    """One policy as the validator needs it. Frozen, because `PolicyBook.get` shares cached instances."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    policy_number: str = Field(min_length=1)
    region: str = Field(min_length=1)
    holder_name: str
    start_date: date
    end_date: date
    product: str = ""
    coverages: list[str]
    limit: float = Field(ge=0)
    currency: str = "EUR"
    clauses: list[Clause]

    @field_validator("region")
    @classmethod
    def _region_code(cls, value: str) -> str:
        """Region codes are compared exactly, so normalise them as settings do (upper case)."""
        return value.strip().upper()

    @model_validator(mode="after")
    def _consistent(self) -> Self:
        if self.end_date < self.start_date:
            raise ValueError(f"end_date {self.end_date} is before start_date {self.start_date}")
        ids = [c.clause_id for c in self.clauses]
        if len(ids) != len(set(ids)):
            raise ValueError(f"clause ids repeat: {sorted(i for i in set(ids) if ids.count(i) > 1)}")
        return self


def read_policies(path: Path) -> list[Policy]:
    """Parse a JSONL policy file, failing on the first bad line with its number rather than skipping it.

    Blank lines are allowed. A policy book with holes would reject genuine claims later,
    far from the cause, so a load is all or nothing.
    """
    policies: list[Policy] = []
    with path.open(encoding="utf-8") as lines:
        for number, line in enumerate(lines, start=1):
            if not line.strip():
                continue
            try:
                policies.append(Policy.model_validate_json(line))
            except ValidationError as exc:
                problems = "; ".join(
                    f"{'.'.join(map(str, err['loc'])) or 'line'}: {err['msg']}" for err in exc.errors()
                )
                raise PolicyFileError(path, number, problems) from exc
    return policies


def _unique_clauses(policies: Sequence[Policy]) -> list[Clause]:
    """Each clause once, sorted by id (a stable lock order); two different texts for one id is an error."""
    clauses: dict[str, Clause] = {}
    for policy in policies:
        for clause in policy.clauses:
            known = clauses.setdefault(clause.clause_id, clause)
            if known != clause:
                raise PolicyBookError(
                    f"clause {clause.clause_id!r} has two different definitions in one load "
                    f"(seen again on policy {policy.policy_number})"
                )
    return [clauses[k] for k in sorted(clauses)]


def _policy_of(row: asyncpg.Record) -> Policy:
    data: dict[str, Any] = dict(row)
    data["limit"] = float(data["limit"])
    return Policy.model_validate(data)


class PolicyBook(PostgresStore):
    """Policies in PostgreSQL, with a short in-process cache in front of `get`.

    The cache holds found policies only, for `cache_ttl_s`: a policy loaded by another
    process is visible at once (misses are never cached), and a changed one within the TTL.
    `upsert` clears it in this process.
    """

    ddl = _DDL
    schema_lock = "claimflow.policy_book.schema"
    error = PolicyBookError
    display_name = "PolicyBook"
    json_type = "json"  # clauses come back from `json_agg`

    def __init__(
        self,
        dsn: str,
        dependency: Dependency | None = None,
        *,
        cache_ttl_s: float = 30.0,
        cache_size: int = 10_000,
        pool_max_size: int = 4,
    ) -> None:
        super().__init__(dsn, dependency, pool_max_size=pool_max_size)
        self._cache: TTLCache[tuple[str, str], Policy] = TTLCache(maxsize=cache_size, ttl=cache_ttl_s)

    async def upsert(self, policies: Sequence[Policy]) -> int:
        """Insert or update policies by number; returns how many were new or changed (0 on a re-load).

        A later entry for the same number in one call wins. Work is done in chunks of
        `_UPSERT_CHUNK` policies, one transaction each, so a large book never holds one long
        transaction; every chunk is idempotent, so a retry or a re-run is harmless.
        """
        latest = {p.policy_number: p for p in policies}
        ordered = [latest[k] for k in sorted(latest)]  # one lock order for every writer
        _unique_clauses(ordered)  # reject conflicting clause texts before anything is written
        changed = 0
        try:
            for start in range(0, len(ordered), _UPSERT_CHUNK):
                changed += await self._dep.call(self._upsert_chunk, ordered[start : start + _UPSERT_CHUNK])
        finally:
            self._cache.clear()
        return changed

    async def _upsert_chunk(self, policies: Sequence[Policy]) -> int:
        clauses = _unique_clauses(policies)
        links = [(p.policy_number, c.clause_id, pos) for p in policies for pos, c in enumerate(p.clauses)]
        numbers = [p.policy_number for p in policies]
        try:
            async with self.pool.acquire() as conn, conn.transaction():
                await conn.execute(
                    _UPSERT_CLAUSES,
                    [c.clause_id for c in clauses],
                    [c.title for c in clauses],
                    [c.text for c in clauses],
                )
                changed = {
                    r["policy_number"]
                    for r in await conn.fetch(
                        _UPSERT_POLICIES,
                        numbers,
                        [p.region for p in policies],
                        [p.holder_name for p in policies],
                        [p.start_date for p in policies],
                        [p.end_date for p in policies],
                        [p.product for p in policies],
                        [json.dumps(p.coverages) for p in policies],
                        [Decimal(str(p.limit)) for p in policies],
                        [p.currency for p in policies],
                    )
                }
                link_numbers = [n for n, _, _ in links]
                link_clauses = [c for _, c, _ in links]
                for query, args in (
                    (_DROP_STALE_LINKS, (numbers, link_numbers, link_clauses)),
                    (_UPSERT_LINKS, (link_numbers, link_clauses, [pos for _, _, pos in links])),
                ):
                    changed.update(r["policy_number"] for r in await conn.fetch(query, *args))
        except (asyncpg.DataError, asyncpg.IntegrityConstraintViolationError) as exc:
            raise PolicyBookError(f"policy book refused {len(policies)} policies: {exc}") from exc
        return len(changed)

    async def drop_unlinked_clauses(self, clause_ids: Sequence[str]) -> list[str]:
        """Of `clause_ids`, those no policy links any more; their clause rows are deleted.

        Clauses are linked to policies by `upsert`, which also drops the links a re-loaded
        policy no longer lists; a clause every policy dropped is no longer in the book.
        """
        if not clause_ids:
            return []
        rows = await self._dep.call(self.pool.fetch, _DROP_UNLINKED_CLAUSES, sorted(set(clause_ids)))
        self._cache.clear()
        return sorted(r["clause_id"] for r in rows)

    async def get(self, policy_number: str, region: str) -> Policy | None:
        """The policy with this number in this region, or None: another region's policy is never returned."""
        key = (policy_number, region.strip().upper())
        cached = self._cache.get(key)
        if cached is not None:
            return cached
        row = await self._dep.call(self.pool.fetchrow, _GET, *key)
        if row is None:
            return None
        policy = _policy_of(row)
        self._cache[key] = policy
        return policy

    async def count(self) -> int:
        """How many policies the book holds, all regions."""
        return int(await self._dep.call(self.pool.fetchval, "SELECT count(*) FROM policy"))
