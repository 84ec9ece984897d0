"""The claims the intake API accepted, by client and Idempotency-Key (PostgreSQL).

A request takes its row before it reads the body (`reserve`), so two requests with one key
never both create a claim: the second sees the first's row and either gets the first claim
back (accepted) or a 409 while the first is still being received. A refused or failed request
gives its row back (`release`); one left behind by a crashed server expires after
`STALE_RESERVATION`, so its key is not blocked forever.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import ClassVar

from streams import PermanentError, PostgresStore

STALE_RESERVATION = timedelta(minutes=15)
RECEIVING = "receiving"
ACCEPTED = "accepted"

DDL = """
CREATE TABLE IF NOT EXISTS intake_claims (
    claim_id text PRIMARY KEY,
    client_id text NOT NULL,
    idempotency_key text,
    region text,
    external_reference text,
    state text NOT NULL,
    created_at timestamptz NOT NULL DEFAULT now(),
    accepted_at timestamptz,
    UNIQUE (client_id, idempotency_key)
);
"""


class IntakeRegistryError(PermanentError):
    """The intake registry was used unopened or refused a value."""


@dataclass(frozen=True)
class IntakeRow:
    """One claim the API received (or is receiving)."""

    claim_id: str
    client_id: str
    idempotency_key: str | None
    region: str | None
    external_reference: str | None
    state: str
    created_at: datetime
    accepted_at: datetime | None


class IntakeRegistry(PostgresStore):
    """Reservations and accepted claims of the intake API."""

    ddl = DDL
    schema_lock: ClassVar[str] = "claimflow.intake_claims.schema"
    error: ClassVar[type[IntakeRegistryError]] = IntakeRegistryError
    display_name: ClassVar[str] = "intake registry"

    async def reserve(self, claim_id: str, client_id: str, key: str | None) -> IntakeRow | None:
        """Take `claim_id` for this request; None if taken, else the row already holding `key`."""

        async def run() -> IntakeRow | None:
            async with self.pool.acquire() as conn, conn.transaction():
                if key is not None:
                    await conn.execute(
                        "DELETE FROM intake_claims WHERE client_id = $1 AND idempotency_key = $2 "
                        "AND state = $3 AND created_at < now() - $4::interval",
                        client_id,
                        key,
                        RECEIVING,
                        STALE_RESERVATION,
                    )
                taken = await conn.fetchval(
                    "INSERT INTO intake_claims (claim_id, client_id, idempotency_key, state) "
                    "VALUES ($1, $2, $3, $4) ON CONFLICT (client_id, idempotency_key) DO NOTHING "
                    "RETURNING claim_id",
                    claim_id,
                    client_id,
                    key,
                    RECEIVING,
                )
                if taken is not None:
                    return None
                row = await conn.fetchrow(
                    "SELECT * FROM intake_claims WHERE client_id = $1 AND idempotency_key = $2",
                    client_id,
                    key,
                )
                return IntakeRow(**dict(row)) if row else None

        return await self._dep.call(run)

    async def accept(self, claim_id: str, *, region: str, external_reference: str | None) -> None:
        """The claim's event is published: its row is final."""
        await self._dep.call(
            self.pool.execute,
            "UPDATE intake_claims SET state = $2, region = $3, external_reference = $4, accepted_at = now() "
            "WHERE claim_id = $1",
            claim_id,
            ACCEPTED,
            region,
            external_reference,
        )

    async def release(self, claim_id: str) -> None:
        """The request was refused or failed: its key is free again."""
        await self._dep.call(
            self.pool.execute,
            "DELETE FROM intake_claims WHERE claim_id = $1 AND state = $2",
            claim_id,
            RECEIVING,
        )

    async def get(self, claim_id: str) -> IntakeRow | None:
        """The accepted claim `claim_id`, if the API took it in."""
        row = await self._dep.call(
            self.pool.fetchrow,
            "SELECT * FROM intake_claims WHERE claim_id = $1 AND state = $2",
            claim_id,
            ACCEPTED,
        )
        return IntakeRow(**dict(row)) if row else None

    async def accepted_by(self, client_ids: Sequence[str]) -> list[IntakeRow]:
        """Every accepted claim of these clients (the load test checks one row per key with it)."""
        rows = await self._dep.call(
            self.pool.fetch,
            "SELECT * FROM intake_claims WHERE client_id = ANY($1::text[]) AND state = $2",
            list(client_ids),
            ACCEPTED,
        )
        return [IntakeRow(**dict(row)) for row in rows]

    async def count(self, client_id: str) -> int:
        """Accepted claims of one client (tests and the load test count with it)."""
        found = await self._dep.call(
            self.pool.fetchval,
            "SELECT count(*) FROM intake_claims WHERE client_id = $1 AND state = $2",
            client_id,
            ACCEPTED,
        )
        return int(found)
