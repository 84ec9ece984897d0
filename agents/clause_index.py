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
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Literal

import faiss
import numpy as np

from agents.clause_store import ClauseRecord
from streams.errors import ConfigurationError, PermanentError

if TYPE_CHECKING:
    from streams.settings import Settings

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


IndexKind = Literal["flat", "ivf", "hnsw"]

# FAISS warns when an IVF quantiser is trained on fewer than 39 points per list: the
# centroids are then mostly noise and recall drops with no gain in speed.
_MIN_POINTS_PER_LIST = 39


@dataclass(frozen=True)
class IndexSpec:
    """Which FAISS index each region gets, and its knobs.

    `flat` is exact and the right choice up to ~100k clauses per region; `ivf` trades a
    little recall (tuned by `nprobe`) for ~8x throughput at 200k; `hnsw` is fast to
    search but slow to build (57 s for 200k on 2 cores), so it suits a shard that
    changes rarely (STACK_NOTES).
    """

    kind: IndexKind = "flat"
    nlist: int = 0
    nprobe: int = 16
    hnsw_m: int = 32
    hnsw_ef_search: int = 64
    ivf_min_vectors: int = 1_000

    def __post_init__(self) -> None:
        if self.kind not in ("flat", "ivf", "hnsw"):
            raise ConfigurationError(f"unknown FAISS index kind {self.kind!r}; use flat, ivf or hnsw")
        if self.nlist < 0 or self.nprobe < 1 or self.hnsw_m < 2 or self.hnsw_ef_search < 1:
            raise ConfigurationError(f"invalid FAISS index parameters: {self}")

    @classmethod
    def from_settings(cls, settings: Settings) -> IndexSpec:
        """The spec named by the `CLAIMFLOW_FAISS_*` settings."""
        return cls(
            kind=settings.faiss_index,
            nlist=settings.faiss_nlist,
            nprobe=settings.faiss_nprobe,
            hnsw_m=settings.faiss_hnsw_m,
            hnsw_ef_search=settings.faiss_hnsw_ef_search,
            ivf_min_vectors=settings.faiss_ivf_min_vectors,
        )

    def lists_for(self, vectors: int) -> int:
        """IVF lists for a region of `vectors` clauses: the configured number, or ~4·sqrt(n)."""
        return self.nlist or max(1, int(4 * vectors**0.5))

    def kind_for(self, vectors: int) -> IndexKind:
        """The kind a region of `vectors` clauses gets: IVF falls back to flat when too small to train."""
        if self.kind != "ivf":
            return self.kind
        needed = max(self.ivf_min_vectors, _MIN_POINTS_PER_LIST * self.lists_for(vectors))
        return "ivf" if vectors >= needed else "flat"


@dataclass(frozen=True)
class _RegionShard:
    """One region's index and the clause metadata in index-row order."""

    index: Any  # faiss.Index; faiss ships no type information
    kind: IndexKind
    clause_ids: tuple[str, ...]
    titles: tuple[str, ...]
    texts: tuple[str, ...]


def _build_index(spec: IndexSpec, vectors: np.ndarray, gpu_resources: Any | None, region: str) -> Any:
    """A filled index of `spec`'s kind for one region's vectors (unit length, so inner product = cosine)."""
    count, dimension = vectors.shape
    kind = spec.kind_for(count)
    index: Any
    if kind == "ivf":
        nlist = spec.lists_for(count)
        index = faiss.IndexIVFFlat(faiss.IndexFlatIP(dimension), dimension, nlist, faiss.METRIC_INNER_PRODUCT)
        index.train(vectors)
        index.nprobe = min(spec.nprobe, nlist)
    elif kind == "hnsw":
        index = faiss.IndexHNSWFlat(dimension, spec.hnsw_m, faiss.METRIC_INNER_PRODUCT)
        index.hnsw.efSearch = spec.hnsw_ef_search
    else:
        if spec.kind == "ivf":
            log.info(
                "region %s: %d clauses are too few to train IVF (need %d for nlist %d); using exact flat",
                region,
                count,
                max(spec.ivf_min_vectors, _MIN_POINTS_PER_LIST * spec.lists_for(count)),
                spec.lists_for(count),
            )
        index = faiss.IndexFlatIP(dimension)
    index.add(vectors)
    if gpu_resources is not None:
        if kind == "hnsw":
            log.info("region %s: FAISS has no GPU HNSW; this region is searched on the CPU", region)
        else:
            index = faiss.index_cpu_to_gpu(gpu_resources, 0, index)
    return index


class ClauseIndex:
    """Per-region cosine search over policy clauses (flat, IVF or HNSW), on a GPU when FAISS has one."""

    def __init__(
        self, dimension: int = 384, *, spec: IndexSpec | None = None, use_gpu: bool | None = None
    ) -> None:
        """Create an empty index.

        Args:
            dimension: Vector length; must match the embedder's.
            spec: Index kind and parameters; exact flat search if None.
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
        self.spec = spec or IndexSpec()
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

    def kind_of(self, region: str) -> IndexKind | None:
        """The index kind serving `region` (IVF may have fallen back to flat), None if not held."""
        shard = self._shards.get(region)
        return shard.kind if shard else None

    def rebuild(self, records: Sequence[ClauseRecord], *, regions: Iterable[str] | None = None) -> None:
        """Replace regions' clauses atomically: a search sees a region's old set or its new one.

        Args:
            records: The clauses to hold; every record's region must be in `regions` when given.
            regions: Replace only these regions (a region without records is dropped) and keep
                the others; None replaces the whole index. A refresh after a `policy.updated`
                event rebuilds only the regions it names.

        Raises:
            PermanentError: A record has no vector, one of the wrong length, or a region outside `regions`.
        """
        scope = None if regions is None else frozenset(regions)
        grouped: dict[str, list[ClauseRecord]] = defaultdict(list)
        for record in records:
            if record.vector is None:
                raise PermanentError(f"clause {record.clause_id!r} has no vector; load it with its embedding")
            if scope is not None and record.region not in scope:
                raise PermanentError(
                    f"clause {record.clause_id!r} is in {record.region}, outside {sorted(scope)}"
                )
            grouped[record.region].append(record)

        built: dict[str, _RegionShard] = {}
        with self._rebuild_lock:
            for region, members in grouped.items():
                vectors = np.stack([np.asarray(r.vector, dtype=np.float32).reshape(-1) for r in members])
                if vectors.shape[1] != self.dimension:
                    raise PermanentError(
                        f"region {region}: vectors have dimension {vectors.shape[1]}, "
                        f"index expects {self.dimension}"
                    )
                built[region] = _RegionShard(
                    index=_build_index(self.spec, np.ascontiguousarray(vectors), self._gpu_resources, region),
                    kind=self.spec.kind_for(len(members)),
                    clause_ids=tuple(r.clause_id for r in members),
                    titles=tuple(r.title for r in members),
                    texts=tuple(r.text for r in members),
                )
            kept = {} if scope is None else {r: s for r, s in self._shards.items() if r not in scope}
            # One reference swap: searches running concurrently hold the previous dict.
            self._shards = {**kept, **built}
        log.info(
            "clause index rebuilt: %s; %d clauses in %d regions (%s)",
            ", ".join(f"{r} {len(s.clause_ids)} {s.kind}" for r, s in sorted(built.items())) or "nothing",
            self.size,
            len(self._shards),
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
        shard = self._shards.get(region)  # one read: a concurrent rebuild cannot mix two versions
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
