"""Unit tests of the per-region FAISS index: no services, random unit vectors."""

from __future__ import annotations

import numpy as np
import pytest

from agents.clause_index import ClauseHit, ClauseIndex
from agents.clause_store import ClauseRecord

DIM = 384


def _unit(rng: np.random.Generator, n: int) -> np.ndarray:
    vectors = rng.standard_normal((n, DIM)).astype(np.float32)
    return vectors / np.linalg.norm(vectors, axis=1, keepdims=True)


@pytest.fixture
def records() -> list[ClauseRecord]:
    rng = np.random.default_rng(7)
    vectors = _unit(rng, 300)
    regions = ("EU", "US", "UK")
    return [
        ClauseRecord(
            clause_id=f"{regions[i % 3]}-{i:04d}",
            region=regions[i % 3],
            product="home",
            title=f"clause {i}",
            text=f"text of clause {i}",
            vector=vectors[i],
        )
        for i in range(300)
    ]


@pytest.fixture
def index(records: list[ClauseRecord]) -> ClauseIndex:
    idx = ClauseIndex(DIM, use_gpu=False)
    idx.rebuild(records)
    return idx


def test_size_and_regions(index: ClauseIndex) -> None:
    assert index.size == 300
    assert index.regions == frozenset({"EU", "US", "UK"})


def test_region_filter_never_leaks(index: ClauseIndex, records: list[ClauseRecord]) -> None:
    # Query EU with the exact vectors of US clauses: the best matches live in US, yet only EU may come back.
    us_vectors = np.stack([r.vector for r in records if r.region == "US" and r.vector is not None])
    results = index.search("EU", us_vectors, k=200)
    assert len(results) == len(us_vectors)
    for hits in results:
        assert len(hits) == 100  # k is capped at the region's size
        assert {hit.region for hit in hits} == {"EU"}
        assert all(hit.clause_id.startswith("EU-") for hit in hits)


def test_top1_of_stored_vector_is_that_clause(index: ClauseIndex, records: list[ClauseRecord]) -> None:
    for record in records[:30]:
        assert record.vector is not None
        [hits] = index.search(record.region, record.vector, k=3)
        assert hits[0].clause_id == record.clause_id
        assert hits[0].title == record.title and hits[0].text == record.text
        assert hits[0].score == pytest.approx(1.0, abs=1e-5)
        assert hits[0].score >= hits[1].score >= hits[2].score


def test_batch_returns_one_list_per_query(index: ClauseIndex) -> None:
    queries = _unit(np.random.default_rng(1), 64)
    results = index.search("UK", queries, k=5)
    assert len(results) == 64
    assert all(len(hits) == 5 and all(isinstance(h, ClauseHit) for h in hits) for hits in results)


def test_unknown_region_gives_empty_lists(index: ClauseIndex) -> None:
    assert index.search("APAC", _unit(np.random.default_rng(2), 4), k=5) == [[], [], [], []]


def test_rebuild_replaces_previous_contents(index: ClauseIndex, records: list[ClauseRecord]) -> None:
    index.rebuild([r for r in records if r.region == "US"])
    assert index.regions == frozenset({"US"})
    assert index.size == 100
    assert index.search("EU", _unit(np.random.default_rng(3), 1), k=5) == [[]]
