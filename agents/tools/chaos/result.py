"""What a chaos run produced: result.json (configuration, schedule, invariants, figures, series)."""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from agents.tools.chaos.checks import Invariant

RESULT_FILE = "result.json"


@dataclass
class ChaosResult:
    """One run: what was asked, what was done to the stack, what held, and the figures behind it."""

    config: dict[str, Any]
    schedule: list[dict[str, Any]]
    applied: list[dict[str, Any]]
    invariants: list[Invariant]
    figures: dict[str, Any]
    recovery: list[dict[str, Any]]
    recovery_by_kind: dict[str, dict[str, float | None]]
    rss: dict[str, dict[str, float]]
    series: dict[str, Any]
    versions: dict[str, Any]
    environment: dict[str, Any]
    out_dir: Path

    @property
    def ok(self) -> bool:
        """True when every invariant held."""
        return all(i.ok for i in self.invariants)

    def invariant(self, name_start: str) -> Invariant:
        """The invariant whose name starts with `name_start` (for tests and scripts)."""
        return next(i for i in self.invariants if i.name.startswith(name_start))

    def to_json(self) -> dict[str, Any]:
        return {
            "ok": self.ok,
            "config": self.config,
            "schedule": self.schedule,
            "applied": self.applied,
            "invariants": [i.to_json() for i in self.invariants],
            "figures": self.figures,
            "recovery": self.recovery,
            "recovery_by_kind": self.recovery_by_kind,
            "rss": self.rss,
            "versions": self.versions,
            "environment": self.environment,
            "series": self.series,
        }

    def write(self) -> Path:
        path = self.out_dir / RESULT_FILE
        path.write_text(json.dumps(self.to_json(), indent=2, default=str) + "\n")
        return path
