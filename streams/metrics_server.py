"""Each agent process's HTTP endpoints: `/metrics`, `/livez` and `/readyz`, served by aiohttp.

The server runs on the worker's own event loop, the one that runs the agent: `/livez`
answers only while that loop turns (a wedged loop fails the probe, as Kubernetes means
liveness), and `/readyz` reads the consumer's state without crossing threads. aiohttp is
already the Faust web server's library; Faust's own server is not used because it refuses
port 0 (a local worker picks a free port) and mounts its debugging pages, and
prometheus_client's thread server has no routes besides the metrics. `/metrics` is
prometheus_client's aiohttp handler (content negotiation, OpenMetrics, `name[]` filters).
"""

from __future__ import annotations

import json
import logging
from collections.abc import Callable, Sequence
from pathlib import Path

from aiohttp import web
from prometheus_client import REGISTRY
from prometheus_client.aiohttp import make_aiohttp_handler

log = logging.getLogger(__name__)

# One Prometheus file-based service discovery file per worker whose metrics port was picked at start.
METRICS_TARGETS_DIR = "metrics-targets"

# What `/readyz` asks: the reasons the process is not ready, none when it is.
Readiness = Callable[[], Sequence[str]]


class MetricsServer:
    """`/metrics`, `/livez` and `/readyz` on `host:port` (port 0: a free one, known after `start`)."""

    def __init__(self, host: str, port: int, readiness: Readiness) -> None:
        self.host = host
        self.requested_port = port
        self.readiness = readiness
        self.port: int | None = None
        self._runner: web.AppRunner | None = None

    def _app(self) -> web.Application:
        app = web.Application()
        app.router.add_get("/metrics", make_aiohttp_handler(REGISTRY))
        app.router.add_get("/livez", self._livez)
        app.router.add_get("/readyz", self._readyz)
        return app

    async def _livez(self, _: web.Request) -> web.Response:
        return web.Response(text="alive\n")

    async def _readyz(self, _: web.Request) -> web.Response:
        reasons = list(self.readiness())
        if reasons:
            return web.Response(status=503, text="not ready: " + "; ".join(reasons) + "\n")
        return web.Response(text="ready\n")

    @property
    def address(self) -> str:
        """`host:port` as a scraper reaches it (only after `start`)."""
        return f"{self.host}:{self.port}"

    async def start(self) -> int:
        """Bind and serve; returns the port."""
        runner = web.AppRunner(self._app(), access_log=None, handle_signals=False)
        await runner.setup()
        await web.TCPSite(runner, self.host, self.requested_port).start()
        self._runner = runner
        self.port = int(runner.addresses[0][1])
        log.info("metrics and probes on http://%s/metrics, /livez, /readyz", self.address)
        return self.port

    async def stop(self) -> None:
        if self._runner is not None:
            await self._runner.cleanup()
            self._runner = None


def metrics_targets_dir(state_dir: Path) -> Path:
    """The folder of the workers' target files, which `dev up --observability`'s Prometheus watches."""
    return state_dir / METRICS_TARGETS_DIR


def publish_metrics_target(state_dir: Path, agent: str, pid: int, address: str) -> Path:
    """Announce a worker's metrics address: a file_sd target file named by its pid (written atomically)."""
    folder = metrics_targets_dir(state_dir)
    folder.mkdir(parents=True, exist_ok=True)
    target = folder / f"{pid}.json"
    temporary = folder / f".{pid}.json.tmp"
    temporary.write_text(json.dumps([{"targets": [address], "labels": {"agent": agent, "pid": str(pid)}}]))
    temporary.replace(target)
    return target


def forget_metrics_target(state_dir: Path, pid: int) -> None:
    """Withdraw a worker's target file (it stopped)."""
    (metrics_targets_dir(state_dir) / f"{pid}.json").unlink(missing_ok=True)
