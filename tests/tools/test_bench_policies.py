"""`claimflow bench policies`: a small run of the policy-number index benchmark against a real PostgreSQL."""

from __future__ import annotations

import io

import pytest
from rich.console import Console

from agents.tools.bench.policy_index import measure_async, print_table
from tests.fixtures.postgres import postgres_server_uri  # noqa: F401  (fixture)


@pytest.mark.integration
async def test_a_small_book_is_loaded_indexed_and_every_claims_policy_found(postgres_server_uri: str) -> None:  # noqa: F811
    figures = await measure_async(postgres_server_uri, policies=2_000, claims=20, seed=3)
    assert figures["hit_rate"] == 1.0
    assert figures["near_misses_matched"] == 0
    assert figures["find_ms"]["p50"] > 0 and figures["find_ms"]["p50"] <= figures["find_ms"]["p99"]
    console = Console(file=io.StringIO(), width=120)
    print_table(console, figures)
    assert "p99" in console.file.getvalue()  # type: ignore[attr-defined]
