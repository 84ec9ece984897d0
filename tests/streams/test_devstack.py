"""The embedded stack really starts, serves, repairs itself and stops, as `claimflow dev` promises."""

from __future__ import annotations

import asyncio
import os
import signal
import threading
import time
import uuid
from collections.abc import Callable, Iterator
from pathlib import Path

import asyncpg
import psutil
import pytest
import redis.asyncio as aioredis
import redis.exceptions
from confluent_kafka import OFFSET_BEGINNING, Consumer, Producer, TopicPartition
from confluent_kafka.admin import AdminClient, NewTopic
from pymilvus import MilvusClient
from redis.asyncio.retry import Retry
from redis.backoff import NoBackoff

from streams import devstack

pytestmark = pytest.mark.integration


def wait_for(condition: Callable[[], bool], *, timeout_s: float, what: str) -> None:
    """Re-check `condition` until it holds, failing with `what` at the deadline."""
    deadline = time.monotonic() + timeout_s
    tick = threading.Event()
    while not condition():
        if time.monotonic() > deadline:
            pytest.fail(f"timed out after {timeout_s}s waiting for {what}")
        tick.wait(0.05)


def gone(pid: int) -> bool:
    """A process is gone once it no longer exists or is only an unreaped zombie."""
    try:
        return psutil.Process(pid).status() == psutil.STATUS_ZOMBIE
    except psutil.NoSuchProcess:
        return True


@pytest.fixture(scope="module")
def state_dir(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Path]:
    folder = tmp_path_factory.mktemp("devstack")
    try:
        yield folder
    finally:
        devstack.down(folder, purge=True)


@pytest.fixture(scope="module")
def stack(state_dir: Path) -> devstack.StackInfo:
    return devstack.up(state_dir, timeout_s=60)


def test_every_service_is_healthy(stack: devstack.StackInfo, state_dir: Path) -> None:
    statuses = devstack.status(state_dir)
    assert [s.name for s in statuses] == list(devstack.SERVICES)
    assert all(s.healthy for s in statuses), statuses
    assert {s.name: s.pid for s in statuses} == stack.pids
    assert devstack.load(state_dir) == stack
    env_lines = (state_dir / "stack.env").read_text().splitlines()
    assert sorted(env_lines) == sorted(f"{k}={v}" for k, v in stack.env().items())


def test_broker_round_trips_a_message(stack: devstack.StackInfo) -> None:
    topic = f"devstack.{uuid.uuid4().hex}"
    admin = AdminClient({"bootstrap.servers": stack.kafka_bootstrap})
    admin.create_topics([NewTopic(topic, num_partitions=1)])[topic].result(timeout=10)
    producer = Producer({"bootstrap.servers": stack.kafka_bootstrap})
    producer.produce(topic, key=b"claim-1", value=b"hello")
    assert producer.flush(10) == 0
    consumer = Consumer(
        {"bootstrap.servers": stack.kafka_bootstrap, "group.id": topic, "enable.auto.commit": False}
    )
    try:
        consumer.assign([TopicPartition(topic, 0, OFFSET_BEGINNING)])
        deadline = time.monotonic() + 15
        message = None
        while message is None and time.monotonic() < deadline:
            candidate = consumer.poll(1.0)
            if candidate is not None and candidate.error() is None:
                message = candidate
        assert message is not None, "no message consumed"
        assert (message.key(), message.value()) == (b"claim-1", b"hello")
    finally:
        consumer.close()


async def test_postgres_answers_over_tcp(stack: devstack.StackInfo) -> None:
    conn = await asyncpg.connect(stack.postgres_dsn, timeout=10)
    try:
        assert await conn.fetchval("SELECT 1") == 1
    finally:
        await conn.close()


async def test_postgres_refuses_a_connection_without_its_password(
    stack: devstack.StackInfo, state_dir: Path
) -> None:
    password = devstack.dev_postgres_password(state_dir)
    assert f":{password}@" in stack.postgres_dsn
    for dsn in (
        stack.postgres_dsn.replace(f":{password}@", "@"),
        stack.postgres_dsn.replace(password, "wrong"),
    ):
        with pytest.raises(asyncpg.InvalidPasswordError):
            await asyncpg.connect(dsn, timeout=10)
    # The embedded build has no TLS (no OpenSSL in it): a client that requires TLS is told so.
    with pytest.raises(ConnectionError, match="rejected SSL upgrade"):
        await asyncpg.connect(stack.postgres_dsn.replace("sslmode=disable", "sslmode=require"), timeout=10)


async def test_redis_refuses_a_client_without_its_password(
    stack: devstack.StackInfo, state_dir: Path
) -> None:
    assert f":{devstack.dev_redis_password(state_dir)}@" in stack.redis_url
    # RESP2, so the server's own NOAUTH answer comes back (redis-py calls it "Authentication required").
    client = aioredis.Redis(
        host=devstack.HOST, port=stack.port("redis"), protocol=2, retry=Retry(NoBackoff(), 0)
    )
    try:
        with pytest.raises(redis.exceptions.AuthenticationError, match="Authentication required"):
            await client.get("devstack:probe")
    finally:
        await client.aclose()


def test_the_stack_secrets_are_readable_by_their_owner_only(
    stack: devstack.StackInfo, state_dir: Path
) -> None:
    for name in ("postgres.password", "redis.password", "audit.key", "stack.env", "stack.json"):
        assert (state_dir / name).stat().st_mode & 0o077 == 0, name


def test_a_data_folder_from_before_passwords_gets_one(tmp_path: Path) -> None:
    """An older state folder (initdb --auth=trust, no password file) is secured by the next start."""
    (tmp_path / "logs").mkdir()
    devstack._pg_prepare(tmp_path)
    pgdata = tmp_path / "postgres"
    (pgdata / "pg_hba.conf").write_text("host all all 127.0.0.1/32 trust\n")
    (pgdata / devstack.PG_PASSWORD_MARK).unlink()
    (tmp_path / devstack.PG_PASSWORD_FILE).unlink()
    port = devstack.free_port()
    devstack._pg_start(tmp_path, port)
    pid = devstack._pg_pid(tmp_path)
    assert pid is not None
    try:
        dsn = devstack._dsn(tmp_path, port)

        async def connect() -> None:
            conn = await asyncpg.connect(dsn, timeout=10)
            await conn.close()
            with pytest.raises(asyncpg.InvalidPasswordError):
                await asyncpg.connect(dsn.replace(devstack.dev_postgres_password(tmp_path), "x"), timeout=10)

        asyncio.run(connect())
    finally:
        devstack._pg_stop(tmp_path, pid)


async def test_redis_stores_values(stack: devstack.StackInfo) -> None:
    client = aioredis.Redis.from_url(stack.redis_url)
    try:
        await client.set("devstack:probe", "ok")
        assert await client.get("devstack:probe") == b"ok"
    finally:
        await client.aclose()


def test_milvus_creates_collections(stack: devstack.StackInfo) -> None:
    client = MilvusClient(uri=stack.milvus_uri)
    name = f"probe_{uuid.uuid4().hex[:8]}"
    try:
        client.create_collection(name, dimension=4)
        assert name in client.list_collections()
    finally:
        client.drop_collection(name)
        client.close()


def test_up_again_starts_nothing(stack: devstack.StackInfo, state_dir: Path) -> None:
    again = devstack.up(state_dir)
    assert again == stack


def test_up_restarts_only_the_dead_service(stack: devstack.StackInfo, state_dir: Path) -> None:
    before = devstack.load(state_dir)
    assert before is not None
    victim = before.pids["postgres"]
    os.kill(victim, signal.SIGKILL)
    wait_for(lambda: gone(victim), timeout_s=10, what="postgres to die")

    after = devstack.up(state_dir)

    assert after.pids["postgres"] != victim
    assert {k: v for k, v in after.pids.items() if k != "postgres"} == {
        k: v for k, v in before.pids.items() if k != "postgres"
    }
    assert after.postgres_dsn == before.postgres_dsn  # its old port was free again
    assert all(s.healthy for s in devstack.status(state_dir))


def test_down_stops_everything(stack: devstack.StackInfo, state_dir: Path) -> None:
    info = devstack.load(state_dir)
    assert info is not None

    stopped = devstack.down(state_dir)

    assert sorted(stopped) == sorted(devstack.SERVICES)
    wait_for(lambda: all(gone(pid) for pid in info.pids.values()), timeout_s=15, what="every service to exit")
    assert devstack.load(state_dir) is None
    assert not (state_dir / "stack.env").exists()
    assert not any(s.healthy for s in devstack.status(state_dir))
    assert devstack.down(state_dir) == []  # safe when nothing runs
