"""The in-memory FAISS index a retrieval worker searches for every claim.

Milvus is the store of record; a worker loads its regions' clause wordings from there and
holds them here for sub-millisecond search. There is one index per region because data
residency is a hard filter, not a ranking preference: a query for one region physically
cannot reach another region's vectors.

A claim cites only clauses of its own policy: `search_within` ranks the wordings the
claim's policy links (a handful to a few hundred rows) with FAISS's exact k-NN over just
those rows, on the GPU when FAISS has one, so no other policyholder's clause can ever be
returned and the cost does not grow with the region. `search` ranks a whole region (the
retrieval evaluation's baselines and `claimflow bench faiss`).
"""

from __future__ import annotations

import logging
import threading
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any, Literal

import faiss
import numpy as np
from prometheus_client import Histogram

from agents.retrieval.settings import RetrievalSettings
from agents.stores import ClauseRecord
from streams import ConfigurationError, PermanentError

log = logging.getLogger(__name__)

FAISS_SECONDS = Histogram(
    "claimflow_faiss_search_seconds",
    "Seconds one FAISS search takes: a batch over a region's shard (`region`) or one query over a "
    "policy's own clauses (`policy`).",
    ["scope"],
    buckets=(0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0),
)

# From this many queries on, FAISS computes distances as one BLAS matrix product instead of
# query by query. faiss-cpu 1.15 defaults to 128000, which keeps batch-64 search on the slow
# path; 20 made batched FlatIP search 6.5x faster on 2 cores (STACK_NOTES).
BLAS_THRESHOLD = 20


@dataclass(frozen=True)
class ClauseHit:
    """One retrieved wording; `score` is the cosine similarity to the query (higher is closer)."""

    clause_key: str
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
    hnsw_ef_construction: int = 40
    ivf_min_vectors: int = 1_000
    ivf_train_per_list: int = 64

    def __post_init__(self) -> None:
        if self.kind not in ("flat", "ivf", "hnsw"):
            raise ConfigurationError(f"unknown FAISS index kind {self.kind!r}; use flat, ivf or hnsw")
        if (
            self.nlist < 0
            or self.nprobe < 1
            or self.hnsw_m < 2
            or self.hnsw_ef_search < 1
            or self.hnsw_ef_construction < 1
            or self.ivf_train_per_list < _MIN_POINTS_PER_LIST
        ):
            raise ConfigurationError(f"invalid FAISS index parameters: {self}")

    @classmethod
    def from_settings(cls, settings: RetrievalSettings) -> IndexSpec:
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
    """One region's index, its vectors (for policy-scoped search) and the wordings in row order."""

    index: Any  # faiss.Index; faiss ships no type information
    kind: IndexKind
    vectors: np.ndarray
    clause_keys: tuple[str, ...]
    titles: tuple[str, ...]
    texts: tuple[str, ...]
    row_of: dict[str, int]
    on_gpu: bool = False


def build_index(
    spec: IndexSpec, vectors: np.ndarray, gpu_resources: Any | None = None, region: str = "-"
) -> Any:
    """A filled index of `spec`'s kind for one region's vectors (unit length, so inner product = cosine).

    The one factory for every FAISS index ClaimFlow builds: the worker's shards and
    `claimflow bench faiss` both call it, so the bench measures what the worker serves.

    Args:
        spec: Kind and parameters.
        vectors: float32 rows, C-contiguous.
        gpu_resources: A `faiss.StandardGpuResources` to move flat and IVF indexes to GPU 0; None for CPU.
        region: For log lines only.
    """
    faiss.cvar.distance_compute_blas_threshold = BLAS_THRESHOLD
    count, dimension = vectors.shape
    kind = spec.kind_for(count)
    index: Any
    if kind == "ivf":
        nlist = spec.lists_for(count)
        index = faiss.IndexIVFFlat(faiss.IndexFlatIP(dimension), dimension, nlist, faiss.METRIC_INNER_PRODUCT)
        # k-means on a sample: FAISS would otherwise train on up to 256 points per list, which
        # for 1M vectors and 4,000 lists is most of an hour on 2 cores for no recall gain.
        index.cp.max_points_per_centroid = spec.ivf_train_per_list
        index.train(vectors)
        index.nprobe = min(spec.nprobe, nlist)
    elif kind == "hnsw":
        index = faiss.IndexHNSWFlat(dimension, spec.hnsw_m, faiss.METRIC_INNER_PRODUCT)
        index.hnsw.efConstruction = spec.hnsw_ef_construction
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

    @property
    def on_gpu(self) -> bool:
        """True when searches run on a GPU (faiss-gpu and a device found)."""
        return self._gpu_resources is not None

    def kind_of(self, region: str) -> IndexKind | None:
        """The index kind serving `region` (IVF may have fallen back to flat), None if not held."""
        shard = self._shards.get(region)
        return shard.kind if shard else None

    def rebuild(self, records: Sequence[ClauseRecord], *, regions: Iterable[str] | None = None) -> None:
        """Replace regions' wordings atomically: a search sees a region's old set or its new one.

        Args:
            records: The wordings to hold; every record's region must be in `regions` when given.
            regions: Replace only these regions (a region without records is dropped) and keep
                the others; None replaces the whole index. A refresh after a `PolicyUpdated`
                event rebuilds only the regions it names.

        Raises:
            PermanentError: A record has no vector, one of the wrong length, or a region outside `regions`.
        """
        scope = None if regions is None else frozenset(regions)
        grouped: dict[str, list[ClauseRecord]] = defaultdict(list)
        for record in records:
            if record.vector is None:
                raise PermanentError(
                    f"clause {record.clause_key!r} has no vector; load it with its embedding"
                )
            if scope is not None and record.region not in scope:
                raise PermanentError(
                    f"clause {record.clause_key!r} is in {record.region}, outside {sorted(scope)}"
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
                vectors = np.ascontiguousarray(vectors)
                keys = tuple(r.clause_key for r in members)
                built[region] = _RegionShard(
                    index=build_index(self.spec, vectors, self._gpu_resources, region),
                    kind=self.spec.kind_for(len(members)),
                    vectors=vectors,
                    clause_keys=keys,
                    titles=tuple(r.title for r in members),
                    texts=tuple(r.text for r in members),
                    row_of={key: row for row, key in enumerate(keys)},
                    on_gpu=self._gpu_resources is not None and self.spec.kind_for(len(members)) != "hnsw",
                )
            kept = {} if scope is None else {r: s for r, s in self._shards.items() if r not in scope}
            # One reference swap: searches running concurrently hold the previous dict.
            self._shards = {**kept, **built}
        log.info(
            "clause index rebuilt: %s; %d wordings in %d regions (%s)",
            ", ".join(f"{r} {len(s.clause_keys)} {s.kind}" for r, s in sorted(built.items())) or "nothing",
            self.size,
            len(self._shards),
            "gpu" if self.use_gpu else "cpu",
        )

    def _queries(self, queries: np.ndarray) -> np.ndarray:
        batch = np.ascontiguousarray(np.atleast_2d(np.asarray(queries, dtype=np.float32)))
        if batch.ndim != 2 or batch.shape[1] != self.dimension:
            raise PermanentError(f"queries must have shape (n, {self.dimension}), got {np.shape(queries)}")
        return batch

    def _hits(self, shard: _RegionShard, region: str, scores: Any, rows: Any) -> list[ClauseHit]:
        return [
            ClauseHit(
                clause_key=shard.clause_keys[row],
                region=region,
                title=shard.titles[row],
                text=shard.texts[row],
                score=float(score),
            )
            for score, row in zip(scores, rows, strict=True)
            if row >= 0
        ]

    def search(self, region: str, queries: np.ndarray, k: int) -> list[list[ClauseHit]]:
        """Top-`k` wordings of the whole `region` for each query row, best first; one list per query.

        A region this index does not hold yields empty lists rather than an error: the
        caller decides whether "no clauses" is acceptable for that claim.
        """
        batch = self._queries(queries)
        shard = self._shards.get(region)  # one read: a concurrent rebuild cannot mix two versions
        if shard is None or k <= 0 or shard.index.ntotal == 0:
            return [[] for _ in range(batch.shape[0])]
        with FAISS_SECONDS.labels("region").time():
            scores, rows = shard.index.search(batch, min(k, shard.index.ntotal))
        return [self._hits(shard, region, s, r) for s, r in zip(scores, rows, strict=True)]

    def search_within(
        self, region: str, query: np.ndarray, clause_keys: Sequence[str], k: int
    ) -> list[ClauseHit]:
        """Top-`k` of the given wordings of `region` for one query (a claim's own policy's clauses).

        Keys the region does not hold are skipped (a policy loaded after this shard was
        built); no key held gives an empty answer, never another policy's clause.
        """
        batch = self._queries(query)[:1]
        shard = self._shards.get(region)
        rows = sorted({shard.row_of[key] for key in clause_keys if key in shard.row_of}) if shard else []
        if shard is None or k <= 0 or not rows:
            return []
        candidates = np.ascontiguousarray(shard.vectors[rows])
        take = min(k, len(rows))
        with FAISS_SECONDS.labels("policy").time():
            if self._gpu_resources is not None:
                scores, found = faiss.knn_gpu(
                    self._gpu_resources, batch, candidates, take, metric=faiss.METRIC_INNER_PRODUCT
                )
            else:
                scores, found = faiss.knn(batch, candidates, take, metric=faiss.METRIC_INNER_PRODUCT)
        picked = [rows[int(i)] if i >= 0 else -1 for i in found[0]]
        return self._hits(shard, region, scores[0], picked)
