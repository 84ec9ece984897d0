"""`claimflow bench faiss`: queries per second of the worker's FAISS indexes at scale.

The index is built by `agents.retrieval.clause_index.build_index`, the factory the FAISS worker
uses, from an `IndexSpec` with the parameters printed next to the figures. Vectors are
synthetic but not uniform noise: uniform random points in 384 dimensions have no
neighbourhoods, which makes every approximate index look far worse than on embeddings.
They are drawn around `clusters` random centres (sentence embeddings cluster by topic),
normalised, from a fixed seed; the queries come from the same mixture and are not in the
index. Recall@10 of IVF and HNSW is measured against exact flat search on a sample.

Throughput depends on what else the machine runs, so the one-minute load average is
recorded before and after every index and written with the figures.
"""

from __future__ import annotations

import json
import os
import platform
import time
from collections.abc import Callable, Iterator
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any, Literal

import numpy as np
from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn
from rich.table import Table

from agents.retrieval.clause_index import IndexKind, IndexSpec, build_index

KINDS: tuple[IndexKind, ...] = ("flat", "ivf", "hnsw")
BATCHES = (1, 64, 256)
RECALL_K = 10
PLOT = "qps.png"
Device = Literal["cpu", "gpu"]
# Rows generated at a time: keeps the float32 scratch of normalising 1M vectors near 150 MB.
_CHUNK = 100_000


@dataclass(frozen=True)
class BenchParams:
    """What to build and how long to measure each cell."""

    vectors: int = 1_000_000
    dimension: int = 384
    seed: int = 7
    clusters: int = 4_096
    spread: float = 0.6
    queries: int = 2_048
    recall_queries: int = 200
    min_seconds: float = 2.0
    nlist: int = 1_024
    nprobe: int = 16
    hnsw_m: int = 16
    hnsw_ef_construction: int = 40
    hnsw_ef_search: int = 64
    threads: int = 0

    @property
    def effective_nlist(self) -> int:
        """`nlist`, lowered for a small `--vectors` run so IVF still trains (64 points per list)."""
        return max(1, min(self.nlist, self.vectors // 64))

    def spec(self, kind: IndexKind) -> IndexSpec:
        """The worker's spec for `kind`; IVF never falls back to flat here (the bench sets its size)."""
        return IndexSpec(
            kind=kind,
            nlist=self.effective_nlist,
            nprobe=self.nprobe,
            hnsw_m=self.hnsw_m,
            hnsw_ef_search=self.hnsw_ef_search,
            hnsw_ef_construction=self.hnsw_ef_construction,
            ivf_min_vectors=0,
        )


@dataclass
class Cell:
    """One measured (device, index kind, batch size), or why it was not measured."""

    device: Device
    kind: IndexKind
    batch: int
    qps: float | None = None
    ms_per_batch: float | None = None
    queries: int = 0
    note: str = ""


@dataclass
class IndexReport:
    """Build cost and quality of one index kind on one device."""

    device: Device
    kind: IndexKind
    build_s: float | None = None
    recall_at_10: float | None = None
    load_before: float = 0.0
    load_after: float = 0.0
    note: str = ""


@dataclass
class FaissBenchResult:
    """Everything `result.json` holds; the table and the plot are drawn from it."""

    params: BenchParams
    environment: dict[str, Any]
    cells: list[Cell] = field(default_factory=list)
    indexes: list[IndexReport] = field(default_factory=list)

    def to_json(self) -> dict[str, Any]:
        """A JSON-ready copy."""
        return {
            "params": {**asdict(self.params), "effective_nlist": self.params.effective_nlist},
            "environment": self.environment,
            "indexes": [asdict(i) for i in self.indexes],
            "cells": [asdict(c) for c in self.cells],
        }


def synthetic_vectors(count: int, dimension: int, *, seed: int, clusters: int, spread: float) -> np.ndarray:
    """`count` unit float32 vectors around `clusters` random centres; same arguments, same vectors."""
    rng = np.random.default_rng(seed)
    centres = _normalised(rng.standard_normal((clusters, dimension), dtype=np.float32))
    out = np.empty((count, dimension), dtype=np.float32)
    for start in range(0, count, _CHUNK):
        rows = min(_CHUNK, count - start)
        noise = rng.standard_normal((rows, dimension), dtype=np.float32)
        noise *= spread / np.sqrt(dimension, dtype=np.float32)
        noise += centres[rng.integers(0, clusters, rows)]
        out[start : start + rows] = _normalised(noise)
    return out


def _normalised(rows: np.ndarray) -> np.ndarray:
    rows /= np.linalg.norm(rows, axis=1, keepdims=True)
    return rows


def _load() -> float:
    return os.getloadavg()[0]


def measure_qps(
    search: Callable[[np.ndarray], Any], queries: np.ndarray, batch: int, min_seconds: float
) -> Cell:
    """Queries per second of `search` at `batch` queries per call, over at least `min_seconds`.

    One unmeasured call warms caches (and a GPU's kernels) first; then batches cycle through
    `queries` until the time is up, so slow cells get few calls and fast ones many.
    """

    def batches() -> Iterator[np.ndarray]:
        position = 0
        while True:
            if position + batch > len(queries):
                position = 0
            yield queries[position : position + batch]
            position += batch

    source = batches()
    search(next(source))
    calls, started = 0, time.perf_counter()
    while True:
        search(next(source))
        calls += 1
        elapsed = time.perf_counter() - started
        if elapsed >= min_seconds:
            break
    return Cell(
        device="cpu",
        kind="flat",
        batch=batch,
        qps=calls * batch / elapsed,
        ms_per_batch=1000 * elapsed / calls,
        queries=calls * batch,
    )


def recall_at_k(found: np.ndarray, exact: np.ndarray) -> float:
    """Mean share of each query's exact top-k that the approximate search also returned."""
    k = exact.shape[1]
    hits = sum(len(set(f[f >= 0].tolist()) & set(e.tolist())) for f, e in zip(found, exact, strict=True))
    return hits / (k * len(exact))


def _gpu_resources() -> tuple[Any | None, str]:
    """FAISS GPU resources, or None with the reason the GPU rows are not measured."""
    import faiss

    if not hasattr(faiss, "StandardGpuResources"):
        return None, "n/a: no GPU (faiss-cpu build)"
    if faiss.get_num_gpus() == 0:
        return None, "n/a: no GPU"
    return faiss.StandardGpuResources(), ""


def environment() -> dict[str, Any]:
    """Where the figures were taken: they mean little without it."""
    import faiss

    return {
        "faiss": faiss.__version__,
        "cpu_count": os.cpu_count(),
        "faiss_threads": faiss.omp_get_max_threads(),
        "machine": platform.machine(),
        "python": platform.python_version(),
        "load_avg_start": [round(x, 2) for x in os.getloadavg()],
    }


def run_faiss_bench(
    params: BenchParams,
    out: Path,
    *,
    console: Console | None = None,
    docs_copy: Path | None = None,
    kinds: tuple[IndexKind, ...] = KINDS,
    batches: tuple[int, ...] = BATCHES,
) -> FaissBenchResult:
    """Build each index kind on CPU (and GPU where there is one), measure QPS, recall and build time.

    Writes `result.json` and the QPS plot to `out`, and the plot to `docs_copy` too when given.
    """
    import faiss

    console = console or Console()
    if params.threads:
        faiss.omp_set_num_threads(params.threads)
    result = FaissBenchResult(params=params, environment=environment())
    gpu, gpu_note = _gpu_resources()
    devices: list[tuple[Device, Any | None]] = [("cpu", None)]
    if gpu is not None:
        devices.append(("gpu", gpu))
    steps = 2 + len(devices) * len(kinds) * (2 + len(batches))
    with _progress(console) as progress:
        task = progress.add_task("generating vectors", total=steps)

        def step(description: str) -> None:
            progress.update(task, advance=1, description=description)

        data = synthetic_vectors(
            params.vectors, params.dimension, seed=params.seed, clusters=params.clusters, spread=params.spread
        )
        queries = _queries_near(data, params, max(params.queries, max(batches), params.recall_queries))
        step("exact top-10 for recall")
        exact = _exact_top_k(data, queries[: params.recall_queries], params)
        for device, resources in devices:
            for kind in kinds:
                _measure_kind(result, device, kind, resources, data, queries, exact, params, batches, step)
    if gpu is None:
        for kind in kinds:
            result.indexes.append(IndexReport(device="gpu", kind=kind, note=gpu_note))
            result.cells.extend(Cell(device="gpu", kind=kind, batch=b, note=gpu_note) for b in batches)
    result.environment["load_avg_end"] = [round(x, 2) for x in os.getloadavg()]
    out.mkdir(parents=True, exist_ok=True)
    (out / "result.json").write_text(json.dumps(result.to_json(), indent=2) + "\n")
    plot_qps(result.to_json(), out / PLOT)
    if docs_copy is not None:
        docs_copy.mkdir(parents=True, exist_ok=True)
        (docs_copy / "faiss_qps.png").write_bytes((out / PLOT).read_bytes())
    console.print(results_table(result))
    console.print(f"result: {out / 'result.json'}  plot: {out / PLOT}")
    return result


def _queries_near(data: np.ndarray, params: BenchParams, count: int) -> np.ndarray:
    """Queries from the data's own mixture: a stored vector's neighbourhood, freshly perturbed."""
    rng = np.random.default_rng(params.seed + 1)
    anchors = data[rng.integers(0, len(data), count)].copy()
    anchors += rng.standard_normal(anchors.shape, dtype=np.float32) * (
        params.spread / np.sqrt(params.dimension, dtype=np.float32)
    )
    return np.ascontiguousarray(_normalised(anchors))


def _exact_top_k(data: np.ndarray, queries: np.ndarray, params: BenchParams) -> np.ndarray:
    index = build_index(params.spec("flat"), data)
    _, rows = index.search(queries, RECALL_K)
    return np.asarray(rows)


def _measure_kind(
    result: FaissBenchResult,
    device: Device,
    kind: IndexKind,
    resources: Any | None,
    data: np.ndarray,
    queries: np.ndarray,
    exact: np.ndarray,
    params: BenchParams,
    batches: tuple[int, ...],
    step: Callable[[str], None],
) -> None:
    report = IndexReport(device=device, kind=kind, load_before=round(_load(), 2))
    result.indexes.append(report)
    if device == "gpu" and kind == "hnsw":
        report.note = "n/a: FAISS has no GPU HNSW"
        result.cells.extend(Cell(device=device, kind=kind, batch=b, note=report.note) for b in batches)
        for _ in range(2 + len(batches)):
            step(f"{device} {kind}: skipped")
        return
    step(f"{device} {kind}: building on {len(data):,} vectors")
    started = time.perf_counter()
    index = build_index(params.spec(kind), data, resources, region="bench")
    report.build_s = round(time.perf_counter() - started, 2)
    step(f"{device} {kind}: recall@{RECALL_K}")
    _, found = index.search(queries[: params.recall_queries], RECALL_K)
    report.recall_at_10 = round(recall_at_k(np.asarray(found), exact), 4)
    for batch in batches:
        step(f"{device} {kind}: batch {batch}")
        cell = measure_qps(lambda q: index.search(q, RECALL_K), queries, batch, params.min_seconds)
        cell.device, cell.kind = device, kind
        result.cells.append(cell)
    report.load_after = round(_load(), 2)


def _progress(console: Console) -> Progress:
    return Progress(
        TextColumn("{task.description}"),
        BarColumn(),
        MofNCompleteColumn(),
        TimeElapsedColumn(),
        console=console,
        transient=False,
    )


def results_table(result: FaissBenchResult) -> Table:
    """QPS per device, kind and batch, with build time and recall@10 beside them."""
    p = result.params
    table = Table(
        title=(
            f"FAISS top-{RECALL_K} search, {p.vectors:,} x {p.dimension} float32 "
            f"({result.environment['faiss_threads']} threads, load {result.environment['load_avg_start'][0]})"
        )
    )
    batches = sorted({c.batch for c in result.cells})
    notes = sorted({f"{r.device}: {r.note}" for r in result.indexes if r.note})
    table.caption = "; ".join(
        [
            f"IVF nlist {p.effective_nlist} nprobe {p.nprobe}; HNSW M {p.hnsw_m} "
            f"efConstruction {p.hnsw_ef_construction} efSearch {p.hnsw_ef_search}",
            *notes,
        ]
    )
    for column in ("device", "index", "build s", f"recall@{RECALL_K}", *(f"QPS b={b}" for b in batches)):
        table.add_column(column, justify="left" if column in ("device", "index") else "right")
    for report in result.indexes:
        cells = {c.batch: c for c in result.cells if (c.device, c.kind) == (report.device, report.kind)}
        if report.note:
            table.add_row(report.device, report.kind, "n/a", "n/a", *("n/a" for _ in batches))
            continue
        table.add_row(
            report.device,
            report.kind,
            f"{report.build_s:.1f}",
            "exact" if report.kind == "flat" else f"{report.recall_at_10:.3f}",
            *(f"{cells[b].qps:,.0f}" if b in cells and cells[b].qps else "-" for b in batches),
        )
    return table


def plot_qps(data: dict[str, Any], path: Path) -> None:
    """QPS against batch size, one line per measured device and index kind, both axes logarithmic."""
    import matplotlib

    matplotlib.use("Agg")  # files only: no display on servers and CI
    import matplotlib.pyplot as plt

    fig, ax = plt.subplots(figsize=(7, 4.5))
    params = data["params"]
    series: dict[tuple[str, str], list[tuple[int, float]]] = {}
    for cell in data["cells"]:
        if cell["qps"]:
            series.setdefault((cell["device"], cell["kind"]), []).append((cell["batch"], cell["qps"]))
    recall = {(i["device"], i["kind"]): i["recall_at_10"] for i in data["indexes"]}
    for (device, kind), points in sorted(series.items()):
        xs, ys = zip(*sorted(points), strict=True)
        label = (
            f"{kind} ({device})"
            if kind == "flat"
            else f"{kind} ({device}), recall@10 {recall[(device, kind)]:.2f}"
        )
        ax.plot(xs, ys, marker="o", linestyle="-" if device == "cpu" else "--", label=label)
    ax.set_xscale("log")
    ax.set_yscale("log")
    env = data["environment"]
    ax.set(
        xlabel=f"queries per search call (batch); {env['faiss_threads']} FAISS thread(s), "
        f"load {env['load_avg_start'][0]}-{env.get('load_avg_end', ['?'])[0]} on {env['cpu_count']} cores",
        ylabel="queries per second",
    )
    ax.set_title(
        f"FAISS QPS, {params['vectors']:,} x {params['dimension']}; IVF nlist {params['effective_nlist']} "
        f"nprobe {params['nprobe']}, HNSW M {params['hnsw_m']} efS {params['hnsw_ef_search']}",
        fontsize=9,
    )
    ax.grid(True, which="both", alpha=0.3)
    if series:
        ax.legend()
    fig.savefig(path, dpi=110, bbox_inches="tight")
    plt.close(fig)
