"""Debian's `prometheus` beside the embedded stack: `claimflow dev up --observability`.

It scrapes every agent worker of the state folder through file-based service discovery:
each worker that picked its metrics port at start writes one target file into
`<state>/metrics-targets/` (`streams.metrics_server.publish_metrics_target`) and removes it
when it stops, and Prometheus watches that folder, so agents started, scaled or restarted
later are scraped without touching its configuration. The alert rules of
`infra/prometheus/alerts.yml` are loaded when the checkout has them.
"""

from __future__ import annotations

import json
import shutil
import time
import urllib.error
import urllib.request
from dataclasses import dataclass
from pathlib import Path

import yaml

from streams.devstack import HOST, _alive, free_port, spawn_detached, stop_process
from streams.errors import StackError
from streams.metrics_server import metrics_targets_dir

ALERT_RULES = Path(__file__).resolve().parent.parent / "infra" / "prometheus" / "alerts.yml"
JOB = "claimflow-agents"
SCRAPE_INTERVAL = "5s"
_STATE = "prometheus.json"


@dataclass(frozen=True)
class PrometheusInfo:
    """A running Prometheus of the dev stack."""

    pid: int
    port: int

    @property
    def url(self) -> str:
        return f"http://{HOST}:{self.port}"


def _folder(state_dir: Path) -> Path:
    return state_dir / "prometheus"


def config(state_dir: Path, rules: Path | None = ALERT_RULES) -> dict[str, object]:
    """The configuration: one job over the workers' target files, and the alert rules if present."""
    return {
        "global": {"scrape_interval": SCRAPE_INTERVAL, "evaluation_interval": "15s"},
        "rule_files": [str(rules)] if rules is not None and rules.exists() else [],
        "scrape_configs": [
            {
                "job_name": JOB,
                "file_sd_configs": [
                    {"files": [str(metrics_targets_dir(state_dir) / "*.json")], "refresh_interval": "5s"}
                ],
            }
        ],
    }


def load(state_dir: Path) -> PrometheusInfo | None:
    """The recorded Prometheus of this state folder, if it still runs."""
    path = _folder(state_dir) / _STATE
    if not path.exists():
        return None
    info = PrometheusInfo(**json.loads(path.read_text()))
    return info if _alive(info.pid) else None


def ready(info: PrometheusInfo) -> bool:
    """True when Prometheus answers its readiness endpoint."""
    try:
        with urllib.request.urlopen(f"{info.url}/-/ready", timeout=2) as response:
            return bool(response.status == 200)
    except (urllib.error.URLError, OSError):
        return False


def up(state_dir: Path, *, timeout_s: float = 60.0) -> PrometheusInfo:
    """Start Prometheus for this state folder (or return the one already running) and wait until ready."""
    state_dir = Path(state_dir).resolve()
    running = load(state_dir)
    if running is not None:
        return running
    binary = shutil.which("prometheus")
    if binary is None:
        raise StackError(
            "Debian's prometheus is not installed: `apt-get install -y prometheus` (or `make prometheus`)"
        )
    folder = _folder(state_dir)
    (folder / "data").mkdir(parents=True, exist_ok=True)
    metrics_targets_dir(state_dir).mkdir(parents=True, exist_ok=True)
    config_file = folder / "prometheus.yml"
    config_file.write_text(yaml.safe_dump(config(state_dir), sort_keys=False))
    port = free_port()
    argv = [
        binary,
        f"--config.file={config_file}",
        f"--web.listen-address={HOST}:{port}",
        f"--storage.tsdb.path={folder / 'data'}",
        "--storage.tsdb.retention.time=2d",
    ]
    info = PrometheusInfo(spawn_detached("prometheus", argv, state_dir), port)
    deadline = time.monotonic() + timeout_s
    while not ready(info):
        if not _alive(info.pid) or time.monotonic() > deadline:
            stop_process(info.pid)
            raise StackError(f"prometheus did not become ready in {timeout_s:.0f} s: see {state_dir}/logs")
        time.sleep(0.1)  # polling a server's readiness with a deadline, not synchronising tests
    (folder / _STATE).write_text(json.dumps({"pid": info.pid, "port": info.port}))
    return info


def down(state_dir: Path) -> bool:
    """Stop this state folder's Prometheus; True when one was running."""
    info = load(Path(state_dir).resolve())
    (_folder(state_dir) / _STATE).unlink(missing_ok=True)
    if info is None:
        return False
    stop_process(info.pid)
    return True
