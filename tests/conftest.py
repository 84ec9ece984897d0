"""Fixtures every test module can use; each lives in its own module under `tests/fixtures/`.

`pipeline` (session): the embedded stack, the sample policy book and every agent as real
processes. Modules that need a service of their own import its fixture from
`tests.fixtures.postgres`, `tests.fixtures.milvus` or `tests.fixtures.llm`.
"""

import pytest

pytest_plugins = ["tests.fixtures.pipeline"]


def pytest_addoption(parser: pytest.Parser) -> None:
    parser.addoption(
        "--chaos",
        action="store_true",
        help="Run the tests marked `chaos` (minutes each, beyond the CI budget): `make chaos-smoke`.",
    )


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    """Tests marked `chaos` are skipped unless `--chaos` is given."""
    if config.getoption("--chaos"):
        return
    skip = pytest.mark.skip(reason="a chaos run takes minutes: `make chaos-smoke` (pytest --chaos -m chaos)")
    for item in items:
        if "chaos" in item.keywords:
            item.add_marker(skip)
