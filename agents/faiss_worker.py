"""FAISS worker: answers batched top-k clause searches for the regions whose shard it owns."""

from __future__ import annotations

import logging
from collections import defaultdict
from collections.abc import Sequence

import numpy as np

from agents.clause_index import ClauseIndex
from agents.clause_store import ClauseStore
from agents.clause_version import ClauseVersion
from agents.events import ClausesRetrieved, RetrievalRequest, RetrievedClause
from streams.agent import StreamAgent
from streams.events import Event

log = logging.getLogger(__name__)


class FaissWorker(StreamAgent[RetrievalRequest]):
    """retrieval.requests → clauses.retrieved, region as a hard filter."""

    input_model = RetrievalRequest

    async def start(self) -> None:
        settings = self.ctx.settings
        self.regions = sorted(settings.regions or self.ctx.topology.regions)
        self.store = ClauseStore(settings.milvus_uri, dependency=self.ctx.dependency("milvus"))
        self.version = ClauseVersion(settings.redis_url, self.ctx.dependency("redis"))
        self.index = ClauseIndex()
        self.loaded_version: int | None = None
        await self.refresh_if_stale()

    async def refresh_if_stale(self) -> None:
        """Reload the shard from Milvus when `policies load` has changed the clauses since we last looked."""
        current = await self.version.current()
        if current == self.loaded_version:
            return
        records = await self.store.load(self.regions)
        self.index.rebuild(records)
        self.loaded_version = current
        log.info("faiss index loaded: %d clauses for %s (version %s)", self.index.size, self.regions, current)

    async def handle_batch(self, events: Sequence[RetrievalRequest]) -> list[Event]:
        await self.refresh_if_stale()
        by_region: dict[str, list[int]] = defaultdict(list)
        for i, request in enumerate(events):
            by_region[request.region].append(i)
        hits: dict[int, list[RetrievedClause]] = {}
        for region, positions in by_region.items():
            queries = np.asarray([events[i].embedding for i in positions], dtype=np.float32)
            k = max(events[i].top_k for i in positions)
            for i, found in zip(positions, self.index.search(region, queries, k), strict=True):
                hits[i] = [
                    RetrievedClause(clause_id=h.clause_id, title=h.title, text=h.text, score=float(h.score))
                    for h in found[: events[i].top_k]
                ]
        return [
            request.follow(
                ClausesRetrieved,
                by=self.ctx.producer,
                text=request.text,
                pages=request.pages,
                ocr_pages=request.ocr_pages,
                min_confidence=request.min_confidence,
                redactions=request.redactions,
                clauses=hits[i],
            )
            for i, request in enumerate(events)
        ]
