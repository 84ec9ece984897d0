"""Milvus store of record against a real `milvus-lite server` (started once for this module)."""

from __future__ import annotations

from collections.abc import AsyncIterator

import numpy as np
import pytest
from pymilvus import MilvusClient
from pymilvus.client.types import LoadState

from agents.stores import ClauseRecord, ClauseStore
from streams.errors import ConfigurationError, PermanentError
from tests.fixtures.milvus import milvus_uri

pytestmark = pytest.mark.integration

__all__ = ["milvus_uri"]  # the imported fixture is used by name

DIM = 384
REGIONS = ("EU", "US", "UK", "APAC")


def _records(n: int, seed: int = 11) -> list[ClauseRecord]:
    rng = np.random.default_rng(seed)
    vectors = rng.standard_normal((n, DIM)).astype(np.float32)
    vectors /= np.linalg.norm(vectors, axis=1, keepdims=True)
    return [
        ClauseRecord(
            clause_key=f"clause-{i:05d}",
            region=REGIONS[i % len(REGIONS)],
            title=f"Clause {i}",
            text=f'Wording of clause {i}: ünïcödé and "quotes" survive the round trip.',
            vector=vectors[i],
        )
        for i in range(n)
    ]


@pytest.fixture(scope="module")
async def store(milvus_uri: str) -> AsyncIterator[ClauseStore]:
    clause_store = ClauseStore(milvus_uri, collection="clauses_test")
    clause_store.ensure_collection()
    clause_store.ensure_collection()  # idempotent on an existing collection
    yield clause_store
    await clause_store.close()


async def test_upsert_twice_is_idempotent(store: ClauseStore) -> None:
    records = _records(200)
    assert await store.upsert(records) == 200
    assert await store.upsert(records) == 200
    assert await store.count() == 200


async def test_load_region_returns_only_that_region(store: ClauseStore) -> None:
    await store.upsert(_records(200))
    eu = await store.load(["EU"])
    assert len(eu) == 50
    assert {r.region for r in eu} == {"EU"}
    assert len(await store.load(["EU", "US"])) == 100
    assert len(await store.load()) == 200
    assert await store.load([]) == []
    assert await store.load(["NOWHERE"]) == []


async def test_vectors_and_fields_round_trip(store: ClauseStore) -> None:
    records = {r.clause_key: r for r in _records(200)}
    await store.upsert(list(records.values()))
    loaded = await store.load()
    assert {r.clause_key for r in loaded} == set(records)
    for got in loaded:
        want = records[got.clause_key]
        assert (got.region, got.title, got.text) == (want.region, want.title, want.text)
        assert got.vector is not None and want.vector is not None
        assert got.vector.dtype == np.float32
        np.testing.assert_allclose(got.vector, want.vector, rtol=1e-6, atol=1e-7)


async def test_load_pages_past_one_page(store: ClauseStore) -> None:
    many = _records(4_500, seed=3)  # more than two load pages
    await store.upsert(many)
    loaded = await store.load(["EU", "US", "UK", "APAC"])
    assert len(loaded) == 4_500
    assert len({r.clause_key for r in loaded}) == 4_500


def test_dimension_mismatch_is_a_configuration_error(store: ClauseStore) -> None:
    with pytest.raises(ConfigurationError, match="dim 384"):
        ClauseStore(store.uri, collection=store.collection, dimension=128).ensure_collection()


async def test_upsert_without_vector_is_rejected_before_writing(store: ClauseStore) -> None:
    with pytest.raises(PermanentError):
        await store.upsert([ClauseRecord("no-vector", "EU", "t", "x")])


async def test_delete_removes_clauses_by_id_and_ignores_unknown_ones(milvus_uri: str) -> None:
    store = ClauseStore(milvus_uri, collection="clauses_delete_test")
    await store.prepare()
    try:
        records = _records(40)
        await store.upsert(records)
        gone = [r.clause_key for r in records[:3]]
        assert await store.delete([*gone, "never-stored"]) >= len(gone)
        assert await store.delete(gone) >= 0  # deleting again is harmless
        left = {r.clause_key for r in await store.load()}
        assert left == {r.clause_key for r in records[3:]}
        assert await store.count() == 37
    finally:
        await store.close()


async def test_a_released_collection_is_loaded_again_by_the_next_reader(milvus_uri: str) -> None:
    """What a Milvus restart leaves behind: a collection on disk but not in memory ("released").

    The store loads it and answers, within the same attempt: no retry, no failure counted
    against the breaker (which otherwise opened and kept the FAISS worker from starting).
    """
    store = ClauseStore(milvus_uri, collection="clauses_released_test")
    await store.prepare()
    try:
        await store.upsert(_records(12))
        admin = MilvusClient(uri=milvus_uri)
        try:
            admin.release_collection(store.collection)
            assert admin.get_load_state(store.collection)["state"] == LoadState.NotLoad
            assert len(await store.load(["EU"])) == 3
            assert admin.get_load_state(store.collection)["state"] == LoadState.Loaded
        finally:
            admin.close()
        assert store.dependency.breaker.fail_counter == 0
        assert not store.dependency.is_open
    finally:
        await store.close()
