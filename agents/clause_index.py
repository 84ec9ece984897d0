"""The in-memory FAISS index a retrieval worker searches for every claim.

Milvus is the store of record; a worker loads its regions' clauses from there and
holds them here for sub-millisecond batched search. There is one index per region
because data residency is a hard filter, not a ranking preference: a query for one
region physically cannot reach another region's vectors.
"""

from __future__ import annotations

import logging
import threading
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import faiss
import numpy as np

from agents.clause_store import ClauseRecord
from streams.errors import ConfigurationError, PermanentError

log = logging.getLogger(__name__)

# From this many queries on, FAISS computes distances as one BLAS matrix product instead of
# query by query. faiss-cpu 1.15 defaults to 128000, which keeps batch-64 search on the slow
# path; 20 made batched FlatIP search 6.5x faster on 2 cores (STACK_NOTES).
BLAS_THRESHOLD = 20


@dataclass(frozen=True)
class ClauseHit:
    """One retrieved clause; `score` is the cosine similarity to the query (higher is closer)."""

    clause_id: str
    region: str
    title: str
    text: str
    score: float


@dataclass(frozen=True)
class _RegionShard:
    """One region's index and the clause metadata in index-row order."""

    index: Any  # faiss.Index; faiss ships no type information
    clause_ids: tuple[str, ...]
    titles: tuple[str, ...]
    texts: tuple[str, ...]


def _new_index(dimension: int, gpu_resources: Any | None) -> Any:
    """Build an empty index; the one place to change when IVF or HNSW arrive.

    Exact inner product: vectors are unit length, so this is cosine similarity, and at
    tens of thousands of clauses per region brute force is both exact and fast enough.
    """
    index: Any = faiss.IndexFlatIP(dimension)
    if gpu_resources is not None:
        index = faiss.index_cpu_to_gpu(gpu_resources, 0, index)
    return index


class ClauseIndex:
    """Per-region exact cosine search over policy clauses, on a GPU when FAISS has one."""

    def __init__(self, dimension: int = 384, *, use_gpu: bool | None = None) -> None:
        """Create an empty index.

        Args:
            dimension: Vector length; must match the embedder's.
            use_gpu: True requires a FAISS GPU build and a GPU; None uses one when available.
        """
        if dimension < 1:
            raise ConfigurationError(f"dimension must be >= 1, got {dimension}")
        gpus = faiss.get_num_gpus()
        if use_gpu is None:
            use_gpu = gpus > 0
        if use_gpu and gpus == 0:
            raise ConfigurationError("use_gpu=True but FAISS sees no GPU (is faiss-gpu installed?)")
        faiss.cvar.distance_compute_blas_threshold = BLAS_THRESHOLD
        self.dimension = dimension
        self.use_gpu = use_gpu
        self._gpu_resources = faiss.StandardGpuResources() if use_gpu else None
        self._shards: dict[str, _RegionShard] = {}
        self._rebuild_lock = threading.Lock()

    @property
    def size(self) -> int:
        """Clauses held, over all regions."""
        return sum(shard.index.ntotal for shard in self._shards.values())

    @property
    def regions(self) -> frozenset[str]:
        """Regions this index can answer for."""
        return frozenset(self._shards)

    def rebuild(self, records: Sequence[ClauseRecord]) -> None:
        """Replace the whole index with `records` atomically: a search sees the old set or the new.

        Raises:
            PermanentError: A record has no vector or one of the wrong length.
        """
        grouped: dict[str, list[ClauseRecord]] = defaultdict(list)
        for record in records:
            if record.vector is None:
                raise PermanentError(f"clause {record.clause_id!r} has no vector; load it with its embedding")
            grouped[record.region].append(record)

        shards: dict[str, _RegionShard] = {}
        with self._rebuild_lock:
            for region, members in grouped.items():
                vectors = np.stack([np.asarray(r.vector, dtype=np.float32).reshape(-1) for r in members])
                if vectors.shape[1] != self.dimension:
                    raise PermanentError(
                        f"region {region}: vectors have dimension {vectors.shape[1]}, "
                        f"index expects {self.dimension}"
                    )
                index = _new_index(self.dimension, self._gpu_resources)
                index.add(np.ascontiguousarray(vectors))
                shards[region] = _RegionShard(
                    index=index,
                    clause_ids=tuple(r.clause_id for r in members),
                    titles=tuple(r.title for r in members),
                    texts=tuple(r.text for r in members),
                )
            self._shards = shards
        log.info(
            "clause index rebuilt: %d clauses in %d regions (%s)",
            self.size,
            len(shards),
            "gpu" if self.use_gpu else "cpu",
        )

    def search(self, region: str, queries: np.ndarray, k: int) -> list[list[ClauseHit]]:
        """Top-`k` clauses of `region` for each query row, best first; one list per query.

        A region this index does not hold yields empty lists rather than an error: the
        caller decides whether "no clauses" is acceptable for that claim.
        """
        batch = np.ascontiguousarray(np.atleast_2d(np.asarray(queries, dtype=np.float32)))
        if batch.ndim != 2 or batch.shape[1] != self.dimension:
            raise PermanentError(f"queries must have shape (n, {self.dimension}), got {np.shape(queries)}")
        shard = self._shards.get(region)
        if shard is None or k <= 0 or shard.index.ntotal == 0:
            return [[] for _ in range(batch.shape[0])]
        scores, rows = shard.index.search(batch, min(k, shard.index.ntotal))
        return [
            [
                ClauseHit(
                    clause_id=shard.clause_ids[row],
                    region=region,
                    title=shard.titles[row],
                    text=shard.texts[row],
                    score=float(score),
                )
                for score, row in zip(query_scores, query_rows, strict=True)
                if row >= 0
            ]
            for query_scores, query_rows in zip(scores, rows, strict=True)
        ]
