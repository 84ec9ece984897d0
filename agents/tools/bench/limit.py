"""The in-process limit: the pipeline's own stage functions, no Kafka, parallel over the cores.

This is the ceiling the event-driven pipeline is judged against: the same document
reader, embedder, FAISS index, extractor and rules, in the same batch size, with
nothing between them but function calls. Each worker process owns a share of the
claims and a share of the cores (torch and FAISS threads = cores / workers); all
workers load their models first and start together on one signal, so the clock
measures work, not start-up.
"""

from __future__ import annotations

import asyncio
import multiprocessing as mp
import os
import queue
import time
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

STAGES = ("read", "extract", "embed", "search", "validate")


@dataclass(frozen=True)
class _Job:
    """One worker's share: picklable, because workers are spawned (torch and fork do not mix)."""

    claims: list[tuple[list[str], str]]  # (document paths, region)
    policies_file: str
    threads: int
    batch: int
    top_k: int
    needs_ocr: bool = False


@dataclass
class _Timings:
    claims: int = 0
    stage_s: dict[str, float] = field(default_factory=lambda: dict.fromkeys(STAGES, 0.0))
    error: str | None = None


@dataclass(frozen=True)
class LimitResult:
    """Claims per second of the stage functions alone, and where their time goes (ms per claim)."""

    claims: int
    workers: int
    wall_s: float
    claims_per_s: float
    stage_ms_per_claim: dict[str, float]

    @property
    def claims_per_hour(self) -> float:
        return self.claims_per_s * 3600


class LimitError(RuntimeError):
    """A limit worker failed; the message carries its error."""


def _set_threads(threads: int) -> None:
    import faiss
    import torch

    torch.set_num_threads(threads)
    faiss.omp_set_num_threads(threads)


def _build_index(embedder: Any, policies_file: Path) -> tuple[Any, Any, Any]:
    """The FAISS index, policy book and number index a worker needs, as `policies load` builds them."""
    from agents.retrieval import ClauseIndex
    from agents.stores import ClauseRecord, MemoryPolicyBook, MemoryPolicyIndex, read_policies
    from agents.stores.policy_loader import clause_passage

    policies = read_policies(policies_file)
    wordings = {
        key: (p, c) for p in policies for c, key in zip(p.clauses, p.clause_keys.values(), strict=True)
    }
    vectors = embedder.embed([clause_passage(c) for _, c in wordings.values()])
    index = ClauseIndex()
    index.rebuild(
        [
            ClauseRecord(key, p.region, c.title, c.text, vector=v)
            for (key, (p, c)), v in zip(wordings.items(), vectors, strict=True)
        ]
    )
    return index, MemoryPolicyBook(policies), MemoryPolicyIndex(policies)


@dataclass
class _Stages:
    """What a limit worker loads once: the same models and index the agents hold."""

    embedder: Any
    index: Any
    book: Any  # agents.stores.MemoryPolicyBook
    policy_index: Any  # agents.stores.MemoryPolicyIndex
    ocr: Any  # agents.documents.OcrEngine, or None when every document has a text layer
    top_k: int

    def close(self) -> None:
        if self.ocr is not None:
            self.ocr.close()


def _load_stages(policies_file: Path, *, threads: int, top_k: int, needs_ocr: bool) -> _Stages:
    """Models loaded and warmed before the clock starts, as the agents do in start()."""
    from agents.documents import OcrEngine
    from agents.retrieval import MiniLMEmbedder

    _set_threads(threads)
    embedder = MiniLMEmbedder(threads=threads)
    embedder.warm()
    ocr = OcrEngine(threads) if needs_ocr else None
    if ocr is not None:
        ocr.warm()
    index, book, policy_index = _build_index(embedder, policies_file)
    return _Stages(embedder, index, book, policy_index, ocr, top_k)


def _read_claim(paths: Sequence[str], ocr: Any) -> Any:
    """Every document of a claim, read exactly as the retriever reads it (before redaction)."""
    from agents.documents import DocumentSettings, read_claim

    return read_claim([(Path(p).read_bytes(), Path(p).name) for p in paths], DocumentSettings.current(), ocr)


async def _match(raws: Sequence[Any], regions: Sequence[str], stages: _Stages) -> list[Any]:
    """The retriever's policy match for every claim (the book's number index)."""
    from agents.retriever import match_policy

    return [
        await match_policy(raw, region, stages.policy_index)
        for raw, region in zip(raws, regions, strict=True)
    ]


async def _policies(
    matched: Sequence[Any], fields: Sequence[Any], regions: Sequence[str], stages: _Stages
) -> list[Any]:
    """The retriever's policy lookup for every claim (the book)."""
    from agents.retriever import policy_of

    return [
        await policy_of(m, f, region, stages.book)
        for (m, _), f, region in zip(matched, fields, regions, strict=True)
    ]


async def _assess_all(fields: Sequence[Any], regions: Sequence[str], book: Any) -> None:
    """The validator's stage for every claim: the policy, the rules, the confidence."""
    from agents.assessment import AssessmentSettings
    from agents.validator import assess

    rule_settings = AssessmentSettings.current().rule_settings()
    for f, region in zip(fields, regions, strict=True):
        await assess(f, region, book, rule_settings=rule_settings)


def _run_batch(batch: Sequence[tuple[list[str], str]], stages: _Stages, t: _Timings) -> None:
    from agents.extraction import read_claim_fields
    from agents.extractor import settle
    from agents.retrieval import focused_query
    from agents.retriever import kept_spans

    mark = time.perf_counter()

    def lap(stage: str) -> None:
        nonlocal mark
        now = time.perf_counter()
        t.stage_s[stage] += now - mark
        mark = now

    regions = [region for _, region in batch]
    # The same work as the retriever: read (OCR where there is no text layer), find the policy,
    # redact (keeping the book's numbers), build the query and embed it.
    raws = [_read_claim(paths, stages.ocr) for paths, _ in batch]
    matched = asyncio.run(_match(raws, regions, stages))
    read = [
        raw.redacted(region, keep=kept_spans(matches))
        for raw, region, (_, matches) in zip(raws, regions, matched, strict=True)
    ]
    lap("read")
    fields = [read_claim_fields(r.text, r.lines, region) for r, region in zip(read, regions, strict=True)]
    found = asyncio.run(_policies(matched, fields, regions, stages))
    lap("extract")
    queries = [focused_query(r.text, region, f) for r, region, f in zip(read, regions, fields, strict=True)]
    vectors = stages.embedder.embed(queries)
    lap("embed")
    for region, vector, (policy, _) in zip(regions, vectors, found, strict=True):
        keys = list(policy.clause_keys.values()) if policy is not None else []
        stages.index.search_within(region, vector, keys, stages.top_k)
    lap("search")
    settled = [
        settle(f, reading_confidence=r.min_confidence, policy_number=number)
        for f, r, (_, number) in zip(fields, read, found, strict=True)
    ]
    asyncio.run(_assess_all(settled, regions, stages.book))
    lap("validate")
    t.claims += len(batch)


READY = "ready"


def _worker(job: _Job, go: Any, results: Any) -> None:
    """Warm up, say so, wait for the start signal, then process the share and report the stage times."""
    timings = _Timings()
    stages = None
    try:
        stages = _load_stages(
            Path(job.policies_file), threads=job.threads, top_k=job.top_k, needs_ocr=job.needs_ocr
        )
        _run_batch(job.claims[:1], stages, _Timings())  # first-call costs
        results.put(READY)
        go.wait()
        for start in range(0, len(job.claims), job.batch):
            _run_batch(job.claims[start : start + job.batch], stages, timings)
    except Exception as exc:
        timings.error = f"{type(exc).__name__}: {exc}"
    finally:
        if stages is not None:
            stages.close()
    results.put(timings)


def _collect(results: Any, procs: Sequence[Any], count: int, deadline: float) -> list[Any]:
    """`count` items from the workers, failing fast if one dies instead of waiting out the deadline."""
    got: list[Any] = []
    while len(got) < count:
        try:
            got.append(results.get(timeout=0.5))
            continue
        except queue.Empty:
            pass
        if any(item != READY and item.error for item in got):
            return got
        # A worker that delivered its share exits with 0 (OCR shares finish at different times).
        crashed = any(p.exitcode not in (None, 0) for p in procs)
        all_gone = all(p.exitcode is not None for p in procs)
        if time.monotonic() > deadline or crashed or all_gone:
            raise LimitError("a limit worker died or timed out (see its traceback above)")
    return got


def _in_this_process(
    claims: Sequence[tuple[Sequence[Path], str]],
    policies_file: Path,
    *,
    threads: int,
    batch: int,
    top_k: int,
    needs_ocr: bool,
) -> LimitResult:
    """One worker needs no child process: reuse this one (and its already loaded model)."""
    stages = _load_stages(policies_file, threads=threads, top_k=top_k, needs_ocr=needs_ocr)
    try:
        share = [([str(p) for p in paths], r) for paths, r in claims]
        _run_batch(share[:1], stages, _Timings())
        timings = _Timings()
        started = time.perf_counter()
        for start in range(0, len(share), batch):
            _run_batch(share[start : start + batch], stages, timings)
        return _limit_result(1, time.perf_counter() - started, [timings])
    finally:
        stages.close()


def _limit_result(workers: int, wall: float, done: Sequence[_Timings]) -> LimitResult:
    total = sum(t.claims for t in done)
    stage_ms = {s: sum(t.stage_s[s] for t in done) * 1000 / max(total, 1) for s in STAGES}
    return LimitResult(total, workers, wall, total / max(wall, 1e-9), stage_ms)


def measure_limit(
    claims: Sequence[tuple[Sequence[Path], str]],
    policies_file: Path,
    *,
    workers: int = 2,
    batch: int = 16,
    top_k: int = 5,
    timeout_s: float = 600,
    needs_ocr: bool = False,
) -> LimitResult:
    """Process `claims` (document, region) with the stage functions in `workers` processes; time the work.

    `needs_ocr` gives each worker its own OCR helper, as the retriever has: the OCR-bound limit.

    Raises:
        LimitError: A worker failed to warm up or to process its share.
    """
    workers = max(1, min(workers, len(claims)))
    threads = max(1, (os.cpu_count() or 1) // workers)
    if workers == 1:
        return _in_this_process(
            claims, policies_file, threads=threads, batch=batch, top_k=top_k, needs_ocr=needs_ocr
        )
    ctx = mp.get_context("spawn")
    go = ctx.Event()
    results = ctx.Queue()
    shares = [[([str(p) for p in paths], r) for paths, r in claims[i::workers]] for i in range(workers)]
    procs = [
        ctx.Process(
            target=_worker, args=(_Job(s, str(policies_file), threads, batch, top_k, needs_ocr), go, results)
        )
        for s in shares
    ]
    deadline = time.monotonic() + timeout_s
    for proc in procs:
        proc.start()
    try:
        ready = _collect(results, procs, workers, deadline)
        failed = [t.error for t in ready if t != READY and t.error]
        if failed:
            raise LimitError(f"in-process limit failed: {failed[0]}")
        started = time.perf_counter()
        go.set()
        done: list[_Timings] = _collect(results, procs, workers, deadline)
        wall = time.perf_counter() - started
    finally:
        go.set()
        for proc in procs:
            proc.join(timeout=30)
            if proc.is_alive():
                proc.terminate()
    errors = [t.error for t in done if t.error]
    if errors:
        raise LimitError(f"in-process limit failed: {errors[0]}")
    return _limit_result(workers, wall, done)
