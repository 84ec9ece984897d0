"""The plumbing every PostgreSQL-backed store shares: a pool, its schema, and open/close.

Each store (the audit log, the policy book, the report store) only declares its DDL, its
schema-lock name, its error class and its name; opening, closing, the jsonb codec and the
race-free schema creation live here once, so they cannot drift apart between stores.
Platform code: it knows nothing about claims, and `agents/` builds on it, never the reverse.
"""

from __future__ import annotations

import hashlib
import json
from typing import ClassVar, Self

import asyncpg

from streams.errors import ClaimFlowError
from streams.resilience import Dependency


def lock_key(name: str) -> int:
    """A stable 64-bit advisory-lock key, so every process picks the same lock without coordination."""
    return int.from_bytes(hashlib.sha256(name.encode()).digest()[:8], "big", signed=True)


class PostgresStore:
    """A store owning an asyncpg pool whose `open()` also creates the schema.

    Subclasses set the class attributes below. Use as `async with Store(dsn) as store:`, or
    await `open()` and `close()`; every database call goes through `dependency`, so stores
    get its timeouts, retries and circuit breaker.
    """

    ddl: ClassVar[str]
    """Idempotent DDL (`IF NOT EXISTS`, `OR REPLACE`) run by `ensure_schema` on every open."""
    schema_lock: ClassVar[str]
    """Name of the advisory lock that serialises concurrent `ensure_schema` calls; see `lock_key`."""
    error: ClassVar[type[ClaimFlowError]]
    """Raised when the store is used unopened, so callers can catch the store's own error type."""
    display_name: ClassVar[str]
    """The store's name in error messages."""
    json_type: ClassVar[str] = "jsonb"
    """The PostgreSQL JSON type decoded to and from Python values on every connection."""

    def __init__(self, dsn: str, dependency: Dependency | None = None, *, pool_max_size: int = 4) -> None:
        self._dsn = dsn
        self._dep = dependency or Dependency("postgres")
        self._pool_max_size = pool_max_size
        self._pool: asyncpg.Pool | None = None

    async def _init_connection(self, conn: asyncpg.Connection) -> None:
        """Let queries pass and return JSON as Python values rather than text."""
        await conn.set_type_codec(self.json_type, encoder=json.dumps, decoder=json.loads, schema="pg_catalog")

    async def open(self) -> None:
        """Create the connection pool and the schema (idempotent), so `open()` is all a caller needs."""
        if self._pool is None:
            self._pool = await self._dep.call(
                asyncpg.create_pool,
                self._dsn,
                min_size=1,
                max_size=self._pool_max_size,
                init=self._init_connection,
            )
            try:
                await self.ensure_schema()
            except BaseException:
                await self.close()
                raise

    async def close(self) -> None:
        """Close the pool, waiting for queries in flight."""
        if self._pool is not None:
            pool, self._pool = self._pool, None
            await pool.close()

    async def __aenter__(self) -> Self:
        await self.open()
        return self

    async def __aexit__(self, *exc_info: object) -> None:
        await self.close()

    @property
    def pool(self) -> asyncpg.Pool:
        """The open pool; raises if `open()` was not awaited, rather than failing deep in a query."""
        if self._pool is None:
            raise self.error(f"{self.display_name} is not open: await open() or use `async with`")
        return self._pool

    async def ensure_schema(self) -> None:
        """Create the schema if missing; safe when several processes start at once."""
        key = lock_key(self.schema_lock)

        async def run() -> None:
            async with self.pool.acquire() as conn, conn.transaction():
                await conn.execute("SELECT pg_advisory_xact_lock($1)", key)
                await conn.execute(self.ddl)

        await self._dep.call(run)
