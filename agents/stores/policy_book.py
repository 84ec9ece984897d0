"""The policy book: which policies exist, where, what they cover and under which clauses.

Loaded from JSONL by an operator, read per claim by the retriever and the validator.

A clause is identified within its policy: each insurer numbers its own wordings (`3.1`,
`§ 7`, `Art. 3`), so two policies' `Art. 3` may be different texts, and the same text may be
`Art. 3` in one policy and `§ 3` in another. The text itself is stored once per region under
a content key (`wording_key`: a hash of region, title and text): a product wording shared by
a million policies is one row, one vector in Milvus and one row of the FAISS shard, and each
policy links its own clause ids to those keys. Region is part of every lookup and of every
key: a deployment never sees another region's policy or wording.
"""

from __future__ import annotations

import hashlib
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
CREATE TABLE IF NOT EXISTS clause_wording (
    clause_key text PRIMARY KEY,
    region     text NOT NULL,
    title      text NOT NULL,
    text       text NOT NULL
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
CREATE TABLE IF NOT EXISTS policy_clause_ref (
    policy_number text    NOT NULL REFERENCES policy ON DELETE CASCADE,
    clause_id     text    NOT NULL,
    clause_key    text    NOT NULL REFERENCES clause_wording,
    position      integer NOT NULL,
    PRIMARY KEY (policy_number, clause_id)
);
CREATE INDEX IF NOT EXISTS policy_clause_ref_key ON policy_clause_ref (clause_key);
"""

# Content-addressed: a key names one text for good, so a stored row never changes.
_UPSERT_WORDINGS = """
INSERT INTO clause_wording (clause_key, region, title, text)
SELECT * FROM unnest($1::text[], $2::text[], $3::text[], $4::text[])
ON CONFLICT (clause_key) DO NOTHING
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

_DROP_STALE_REFS = """
DELETE FROM policy_clause_ref r
WHERE r.policy_number = ANY($1::text[])
  AND NOT EXISTS (
      SELECT 1 FROM unnest($2::text[], $3::text[]) AS n(policy_number, clause_id)
      WHERE n.policy_number = r.policy_number AND n.clause_id = r.clause_id
  )
RETURNING r.policy_number
"""

_UPSERT_REFS = """
INSERT INTO policy_clause_ref AS r (policy_number, clause_id, clause_key, position)
SELECT * FROM unnest($1::text[], $2::text[], $3::text[], $4::integer[])
ON CONFLICT (policy_number, clause_id) DO UPDATE
SET clause_key = excluded.clause_key, position = excluded.position
WHERE (r.clause_key, r.position) IS DISTINCT FROM (excluded.clause_key, excluded.position)
RETURNING r.policy_number
"""

_GET = """
SELECT p.policy_number, p.region, p.holder_name, p.start_date, p.end_date, p.product, p.coverages, p."limit",
       p.currency,
       coalesce(
           (SELECT json_agg(json_build_object('clause_id', r.clause_id, 'title', w.title, 'text', w.text)
                            ORDER BY r.position)
            FROM policy_clause_ref r JOIN clause_wording w USING (clause_key)
            WHERE r.policy_number = p.policy_number),
           '[]'::json
       ) AS clauses
FROM policy p
WHERE p.policy_number = $1 AND p.region = $2
"""


# A wording no policy links any more has left the book: drop its row and report it, so the
# loader can remove it from Milvus (and so from every FAISS shard). Keys without a row are
# reported too: a load that crashed between this and the Milvus delete is repaired by a re-run.
_DROP_UNLINKED_WORDINGS = """
WITH unlinked AS (
    SELECT c.clause_key FROM unnest($1::text[]) AS c(clause_key)
    WHERE NOT EXISTS (SELECT 1 FROM policy_clause_ref r WHERE r.clause_key = c.clause_key)
), dropped AS (
    DELETE FROM clause_wording w USING unlinked u WHERE w.clause_key = u.clause_key
)
SELECT clause_key FROM unlinked
"""


def wording_key(region: str, title: str, text: str) -> str:
    """The content key of a clause text in a region: equal texts share it, a changed text gets a new one."""
    digest = hashlib.sha256("\x1f".join((region, title, text)).encode()).hexdigest()
    return f"{region}-{digest[:24]}"


class PolicyBookError(PermanentError):
    """The policy book refused data (conflicting clause texts, a value PostgreSQL rejects) or is unopened."""


class PolicyFileError(ConfigurationError):
    """A policy JSONL file has a line that is not a valid policy; the message names the line."""

    def __init__(self, path: Path, line: int, problem: str) -> None:
        super().__init__(f"{path}:{line}: {problem}")
        self.path = path
        self.line = line


class Clause(BaseModel):
    """A policy clause, numbered as its policy numbers it; its text is what retrieval and reports cite."""

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

    @property
    def clause_keys(self) -> dict[str, str]:
        """Each clause id of this policy → the content key of its text in the policy's region."""
        return {c.clause_id: wording_key(self.region, c.title, c.text) for c in self.clauses}

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


def _wordings(policies: Sequence[Policy]) -> dict[str, tuple[str, str, str]]:
    """Every clause text of `policies` once, by content key: key → (region, title, text)."""
    return {
        wording_key(p.region, c.title, c.text): (p.region, c.title, c.text)
        for p in policies
        for c in p.clauses
    }


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
        # A TTL of 0 keeps no cache at all (the retriever's book: it must see a load at once).
        self._cache_ttl_s = cache_ttl_s
        self._cache: TTLCache[tuple[str, str], Policy] = TTLCache(
            maxsize=cache_size, ttl=max(cache_ttl_s, 1.0)
        )

    async def upsert(self, policies: Sequence[Policy]) -> int:
        """Insert or update policies by number; returns how many were new or changed (0 on a re-load).

        A later entry for the same number in one call wins. Work is done in chunks of
        `_UPSERT_CHUNK` policies, one transaction each, so a large book never holds one long
        transaction; every chunk is idempotent, so a retry or a re-run is harmless.
        """
        latest = {p.policy_number: p for p in policies}
        ordered = [latest[k] for k in sorted(latest)]  # one lock order for every writer
        changed = 0
        try:
            for start in range(0, len(ordered), _UPSERT_CHUNK):
                changed += await self._dep.call(self._upsert_chunk, ordered[start : start + _UPSERT_CHUNK])
        finally:
            self._cache.clear()
        return changed

    async def _upsert_chunk(self, policies: Sequence[Policy]) -> int:
        wordings = _wordings(policies)
        keys = sorted(wordings)
        refs = [
            (p.policy_number, clause_id, key, pos)
            for p in policies
            for pos, (clause_id, key) in enumerate(p.clause_keys.items())
        ]
        numbers = [p.policy_number for p in policies]
        try:
            async with self.pool.acquire() as conn, conn.transaction():
                await conn.execute(
                    _UPSERT_WORDINGS,
                    keys,
                    [wordings[k][0] for k in keys],
                    [wordings[k][1] for k in keys],
                    [wordings[k][2] for k in keys],
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
                ref_numbers = [r[0] for r in refs]
                ref_ids = [r[1] for r in refs]
                for query, args in (
                    (_DROP_STALE_REFS, (numbers, ref_numbers, ref_ids)),
                    (_UPSERT_REFS, (ref_numbers, ref_ids, [r[2] for r in refs], [r[3] for r in refs])),
                ):
                    changed.update(r["policy_number"] for r in await conn.fetch(query, *args))
        except (asyncpg.DataError, asyncpg.IntegrityConstraintViolationError) as exc:
            raise PolicyBookError(f"policy book refused {len(policies)} policies: {exc}") from exc
        return len(changed)

    async def drop_unlinked_wordings(self, clause_keys: Sequence[str]) -> list[str]:
        """Of `clause_keys`, those no policy links any more; their wording rows are deleted.

        Policies link wordings through `upsert`, which also drops the links a re-loaded policy
        no longer lists; a wording every policy dropped is no longer in the book.
        """
        if not clause_keys:
            return []
        rows = await self._dep.call(self.pool.fetch, _DROP_UNLINKED_WORDINGS, sorted(set(clause_keys)))
        self._cache.clear()
        return sorted(r["clause_key"] for r in rows)

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
        if self._cache_ttl_s > 0:
            self._cache[key] = policy
        return policy

    async def count(self) -> int:
        """How many policies the book holds, all regions."""
        return int(await self._dep.call(self.pool.fetchval, "SELECT count(*) FROM policy"))
