"""Which storage `dev up` gives the broker: asked, the variable, the folder's last choice, or memory."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from streams import devstack
from streams.errors import StackError
from streams.settings import reload_settings


@pytest.fixture(autouse=True)
def no_variable(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    monkeypatch.delenv("CLAIMFLOW_DEV_BROKER_STORAGE", raising=False)
    reload_settings()
    yield
    monkeypatch.undo()
    reload_settings()


def _variable(monkeypatch: pytest.MonkeyPatch, value: str) -> None:
    monkeypatch.setenv("CLAIMFLOW_DEV_BROKER_STORAGE", value)
    reload_settings()


def _remembered(state_dir: Path, value: str) -> None:
    (state_dir / devstack.BROKER_STORAGE_FILE).write_text(f"{value}\n")


def test_a_fresh_folder_runs_on_memory(tmp_path: Path) -> None:
    assert devstack.chosen_broker_storage(tmp_path) == "memory"


def test_a_folder_keeps_the_storage_its_last_up_chose(tmp_path: Path) -> None:
    _remembered(tmp_path, "s3")

    assert devstack.chosen_broker_storage(tmp_path) == "s3"


def test_the_variable_wins_over_the_folder(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    _remembered(tmp_path, "s3")
    _variable(monkeypatch, "memory")

    assert devstack.chosen_broker_storage(tmp_path) == "memory"


def test_asking_wins_over_the_variable_and_the_folder(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    _remembered(tmp_path, "memory")
    _variable(monkeypatch, "memory")

    assert devstack.chosen_broker_storage(tmp_path, "s3") == "s3"


def test_an_unknown_storage_names_where_it_came_from(tmp_path: Path) -> None:
    _remembered(tmp_path, "file")

    with pytest.raises(StackError, match=r"'file' \(.*broker-storage\) is not one of \['memory', 's3'\]"):
        devstack.chosen_broker_storage(tmp_path)
    with pytest.raises(StackError, match=r"'disk' \(asked\)"):
        devstack.chosen_broker_storage(tmp_path, "disk")
