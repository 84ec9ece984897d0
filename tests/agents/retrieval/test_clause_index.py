"""Unit tests of the per-region FAISS index (flat, IVF, HNSW): no services, synthetic unit vectors."""

from __future__ import annotations

import logging

import numpy as np
import pytest

from agents.events import PolicyUpdated
from agents.retrieval import ClauseHit, ClauseIndex, IndexSpec, RetrievalSettings
from agents.stores import ClauseRecord, regions_to_refresh
from streams.errors import ConfigurationError, PermanentError
from streams.events import Producer

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
            clause_key=f"{regions[i % 3]}-{i:04d}",
            region=regions[i % 3],
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
        assert all(hit.clause_key.startswith("EU-") for hit in hits)


def test_top1_of_stored_vector_is_that_clause(index: ClauseIndex, records: list[ClauseRecord]) -> None:
    for record in records[:30]:
        assert record.vector is not None
        [hits] = index.search(record.region, record.vector, k=3)
        assert hits[0].clause_key == record.clause_key
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


# --- index kinds ----------------------------------------------------------------------------------

APPROXIMATE = [
    IndexSpec(kind="ivf", nlist=8, nprobe=4, ivf_min_vectors=100),
    IndexSpec(kind="hnsw", hnsw_m=16, hnsw_ef_search=64),
]


def _clustered(rng: np.random.Generator, n: int, clusters: int = 8) -> np.ndarray:
    """Unit vectors around a few centres: the shape real embeddings have, and what IVF is built for."""
    centres = _unit(rng, clusters)
    vectors = centres[rng.integers(0, clusters, n)] + 0.08 * rng.standard_normal((n, DIM)).astype(np.float32)
    return vectors / np.linalg.norm(vectors, axis=1, keepdims=True)


@pytest.fixture
def clustered() -> list[ClauseRecord]:
    rng = np.random.default_rng(11)
    vectors = _clustered(rng, 800)
    return [
        ClauseRecord(f"{region}-{i:04d}", region, f"t{i}", f"x{i}", vector=vectors[i])
        for i in range(800)
        for region in ["EU" if i % 2 else "US"]
    ]


@pytest.mark.parametrize("spec", APPROXIMATE, ids=lambda s: s.kind)
def test_approximate_indexes_agree_with_flat_on_top1(spec: IndexSpec, clustered: list[ClauseRecord]) -> None:
    flat = ClauseIndex(DIM, use_gpu=False)
    flat.rebuild(clustered)
    approx = ClauseIndex(DIM, spec=spec, use_gpu=False)
    approx.rebuild(clustered)
    assert approx.kind_of("EU") == spec.kind  # 400 vectors: enough to train 8 lists
    rng = np.random.default_rng(5)
    for region in ("EU", "US"):
        stored = np.stack([r.vector for r in clustered if r.region == region and r.vector is not None])
        queries = stored[:100] + 0.02 * rng.standard_normal((100, DIM)).astype(np.float32)
        queries /= np.linalg.norm(queries, axis=1, keepdims=True)
        expected = [hits[0].clause_key for hits in flat.search(region, queries, k=5)]
        got = [hits[0].clause_key for hits in approx.search(region, queries, k=5)]
        assert got == expected


@pytest.mark.parametrize("spec", APPROXIMATE, ids=lambda s: s.kind)
def test_region_filter_never_leaks_with_approximate_indexes(
    spec: IndexSpec, clustered: list[ClauseRecord]
) -> None:
    index = ClauseIndex(DIM, spec=spec, use_gpu=False)
    index.rebuild(clustered)
    us_vectors = np.stack([r.vector for r in clustered if r.region == "US" and r.vector is not None])
    for hits in index.search("EU", us_vectors, k=50):
        assert hits and all(h.region == "EU" and h.clause_key.startswith("EU-") for h in hits)


def test_ivf_falls_back_to_flat_below_the_training_threshold(
    records: list[ClauseRecord], caplog: pytest.LogCaptureFixture
) -> None:
    index = ClauseIndex(DIM, spec=IndexSpec(kind="ivf"), use_gpu=False)
    with caplog.at_level(logging.INFO, logger="agents.retrieval.clause_index"):
        index.rebuild(records)
    assert {index.kind_of(r) for r in ("EU", "US", "UK")} == {"flat"}
    assert "too few to train IVF" in caplog.text
    [hits] = index.search("EU", records[0].vector, k=1)  # still answers, exactly
    assert records[0].vector is not None and hits[0].clause_key == records[0].clause_key


def test_index_spec_comes_from_settings() -> None:
    settings = RetrievalSettings(faiss_index="ivf", faiss_nlist=64, faiss_nprobe=8, faiss_ivf_min_vectors=10)
    spec = IndexSpec.from_settings(settings)
    assert (spec.kind, spec.nlist, spec.nprobe, spec.ivf_min_vectors) == ("ivf", 64, 8, 10)
    assert spec.kind_for(64 * 39 - 1) == "flat" and spec.kind_for(64 * 39) == "ivf"
    assert IndexSpec(kind="ivf").lists_for(10_000) == 400


def test_an_unknown_index_kind_is_a_configuration_error() -> None:
    with pytest.raises(ConfigurationError):
        IndexSpec(kind="lsh")  # type: ignore[arg-type]


# --- partial refresh --------------------------------------------------------------------------------


def test_rebuilding_some_regions_keeps_the_others(index: ClauseIndex, records: list[ClauseRecord]) -> None:
    eu_before = index.search("EU", records[1].vector, k=1)
    changed = [
        ClauseRecord(r.clause_key, r.region, r.title, "amended text", vector=r.vector)
        for r in records
        if r.region == "US"
    ]
    index.rebuild(changed, regions=["US", "APAC"])
    assert index.regions == frozenset({"EU", "US", "UK"})
    [us_hits] = index.search("US", changed[0].vector, k=1)
    assert us_hits[0].text == "amended text"
    assert index.search("EU", records[1].vector, k=1) == eu_before


def test_a_partial_rebuild_refuses_records_outside_its_regions(records: list[ClauseRecord]) -> None:
    index = ClauseIndex(DIM, use_gpu=False)
    with pytest.raises(PermanentError):
        index.rebuild(records, regions=["US"])


def _update(version: int, regions: list[str]) -> PolicyUpdated:
    return PolicyUpdated.new(
        claim_id="",
        region=regions[0],
        by=Producer("test", "1"),
        version=version,
        regions=regions,
        clause_ids=[],
    )


def test_an_update_refreshes_only_the_served_regions_it_touches() -> None:
    served = ["EU", "US"]
    assert regions_to_refresh([_update(3, ["EU", "APAC"])], served) == {"EU"}
    assert regions_to_refresh([_update(3, ["APAC"])], served) == set()
    assert regions_to_refresh([_update(3, ["EU"]), _update(4, ["US"])], served) == {"EU", "US"}


def test_an_unreadable_update_refreshes_every_served_region() -> None:
    assert regions_to_refresh([_update(3, ["APAC"]), None], ["EU", "US"]) == {"EU", "US"}


def _one_region(n: int = 600) -> list[ClauseRecord]:
    vectors = _unit(np.random.default_rng(11), n)
    return [
        ClauseRecord(
            clause_key=f"EU-{i:04d}",
            region="EU",
            title=f"clause {i}",
            text=f"text of clause {i}",
            vector=vectors[i],
        )
        for i in range(n)
    ]


@pytest.mark.parametrize("kind", ["flat", "ivf", "hnsw"])
def test_a_policy_scoped_search_returns_only_that_policys_wordings(kind: str) -> None:
    records = _one_region()
    spec = IndexSpec(kind=kind, nlist=8, nprobe=8, ivf_min_vectors=100)  # type: ignore[arg-type]
    index = ClauseIndex(DIM, spec=spec, use_gpu=False)
    index.rebuild(records)
    policy = [r.clause_key for r in records[1::50]]  # twelve wordings of one policy
    # Query with the exact vector of a wording outside the policy: its best match is itself,
    # yet only the policy's own wordings may come back, best first.
    outsider = records[0].vector
    assert outsider is not None
    hits = index.search_within("EU", outsider, policy, 5)
    assert len(hits) == 5 and {h.clause_key for h in hits} <= set(policy)
    assert [h.score for h in hits] == sorted((h.score for h in hits), reverse=True)
    exact = sorted(
        (float(np.dot(outsider, r.vector)), r.clause_key) for r in records[1::50] if r.vector is not None
    )
    assert [h.clause_key for h in hits] == [key for _, key in reversed(exact[-5:])]


def test_a_policy_scoped_search_reaches_every_wording_of_the_policy() -> None:
    records = _one_region(60)
    index = ClauseIndex(DIM, use_gpu=False)
    index.rebuild(records)
    keys = [r.clause_key for r in records]
    for record in records:
        assert record.vector is not None
        [top] = index.search_within("EU", record.vector, keys, 1)
        assert top.clause_key == record.clause_key and top.score == pytest.approx(1.0, abs=1e-5)


def test_a_policy_scoped_search_never_crosses_regions_or_invents_clauses(
    index: ClauseIndex, records: list[ClauseRecord]
) -> None:
    us_record = next(r for r in records if r.region == "US")
    assert us_record.vector is not None
    assert index.search_within("EU", us_record.vector, [us_record.clause_key], 5) == []
    assert index.search_within("EU", us_record.vector, ["EU-unknown"], 5) == []
    assert index.search_within("APAC", us_record.vector, [us_record.clause_key], 5) == []
    assert index.search_within("US", us_record.vector, [], 5) == []
