"""Fixtures every test module can use; each lives in its own module under `tests/fixtures/`.

`pipeline` (session): the embedded stack, the sample policy book and every agent as real
processes. Modules that need a service of their own import its fixture from
`tests.fixtures.postgres`, `tests.fixtures.milvus` or `tests.fixtures.llm`.
"""

import pytest

pytest_plugins = ["tests.fixtures.pipeline"]


# Whole-pipeline tool runs on a stack of their own: minutes each, beyond the CI budget of `make test`.
OWN_STACK_RUNS = {
    "chaos": "a chaos run takes minutes: `make chaos-smoke` (pytest --chaos -m chaos)",
    "bench_smoke": "a bench run on a stack of its own takes minutes: `make bench-smoke`",
}


def pytest_addoption(parser: pytest.Parser) -> None:
    parser.addoption(
        "--chaos",
        action="store_true",
        help="Run the tests marked `chaos` (minutes each, beyond the CI budget): `make chaos-smoke`.",
    )
    parser.addoption(
        "--bench-smoke",
        action="store_true",
        help="Run the tests marked `bench_smoke` (minutes, beyond the CI budget): `make bench-smoke`.",
    )


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    """Tests marked `chaos` or `bench_smoke` are skipped unless their option is given."""
    for marker, reason in OWN_STACK_RUNS.items():
        if config.getoption("--" + marker.replace("_", "-")):
            continue
        skip = pytest.mark.skip(reason=reason)
        for item in items:
            if marker in item.keywords:
                item.add_marker(skip)
