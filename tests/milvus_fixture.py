"""A real `milvus-lite server` for integration tests, one per test module.

Import the fixture into a test module (`from tests.milvus_fixture import milvus_uri`);
it serves a fresh data folder on a free local port, exactly as agents reach Milvus
in production (`http://host:port`), and stops the server at teardown.
"""

from __future__ import annotations

import shutil
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from pymilvus import MilvusClient, MilvusException

READY_DEADLINE_S = 60.0
POLL_INTERVAL_S = 0.1


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def _server_command() -> list[str]:
    script = Path(sys.executable).with_name("milvus-lite")
    if script.exists():
        return [str(script)]
    found = shutil.which("milvus-lite")
    if found is None:
        pytest.skip("milvus-lite console script not installed")
    return [found]


def _wait_ready(proc: subprocess.Popen[bytes], uri: str, log_file: Path) -> None:
    """Poll `list_collections()` until it answers; fail early if the server process dies."""
    deadline = time.monotonic() + READY_DEADLINE_S
    last_error: Exception | None = None
    while time.monotonic() < deadline:
        try:
            client = MilvusClient(uri=uri, timeout=2.0)
            try:
                client.list_collections()
                return
            finally:
                client.close()
        except MilvusException as exc:
            last_error = exc
        try:
            # Waiting on the process doubles as the poll interval and notices a crash at once.
            code = proc.wait(timeout=POLL_INTERVAL_S)
        except subprocess.TimeoutExpired:
            continue
        raise RuntimeError(f"milvus-lite server exited with {code}: {log_file.read_text()[-2000:]}")
    raise TimeoutError(f"milvus-lite server not ready at {uri} after {READY_DEADLINE_S} s: {last_error}")


@pytest.fixture(scope="module")
def milvus_uri(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """URI of a freshly started `milvus-lite server`; stopped when the module's tests are done."""
    root = tmp_path_factory.mktemp("milvus")
    port = _free_port()
    uri = f"http://127.0.0.1:{port}"
    log_file = root / "server.log"
    with log_file.open("wb") as log:
        proc = subprocess.Popen(
            [
                *_server_command(),
                "server",
                "--data-dir",
                str(root / "data"),
                "--host",
                "127.0.0.1",
                "--port",
                str(port),
            ],
            stdout=log,
            stderr=subprocess.STDOUT,
        )
    try:
        _wait_ready(proc, uri, log_file)
        yield uri
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=15)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait(timeout=5)
