"""FAISS worker: answers batched top-k clause searches for the regions whose shard it owns.

Besides its share of the retrieval requests, every worker process follows every
`PolicyUpdated` event (see `agents.stores.clause_version`) and reloads the regions an update names
from Milvus, swapping each region's index atomically: once an update is applied, and
the worker has acknowledged its version, no answer comes from the old clauses.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import os
import socket
import time
from collections.abc import Iterable, Sequence

import faiss
import numpy as np

from agents.events import ClausesRetrieved, ModelRef, PolicyUpdated, RetrievalRequest, RetrievedClause
from agents.retrieval import ClauseIndex, IndexSpec, RetrievalSettings
from agents.stores import (
    ClauseStore,
    ClauseVersion,
    ClauseVersionLog,
    PolicyUpdateFollower,
    regions_to_refresh,
)
from streams import DependencyUnavailable, Event, StreamAgent, get_codec

log = logging.getLogger(__name__)

POLL_S = 1.0
RETRY_MAX_S = 30.0


class FaissWorker(StreamAgent[RetrievalRequest]):
    """Retrieval request → the region's most relevant clauses (region is a hard filter)."""

    input_model = RetrievalRequest

    async def start(self) -> None:
        settings, topology = self.ctx.settings, self.ctx.topology
        self.regions = sorted(settings.regions or topology.regions)
        self.worker_id = f"{self.ctx.spec.name}@{socket.gethostname()}:{os.getpid()}"
        self.store = ClauseStore(
            settings.milvus_uri, dependency=self.ctx.dependency("milvus"), token=settings.milvus_token
        )
        self.version = ClauseVersion(settings.redis_url.get_secret_value(), self.ctx.dependency("redis"))
        retrieval = self.ctx.section(RetrievalSettings)
        self.index = ClauseIndex(spec=IndexSpec.from_settings(retrieval))
        faiss.omp_set_num_threads(retrieval.faiss_threads)
        topic = topology.topic_for_schema(PolicyUpdated.avro_schema)
        self.follower = PolicyUpdateFollower(
            settings.kafka(), topic, get_codec(settings.schemas_dir, topic.schema_name)
        )
        # Position on the policy-update topic first, then load: no update can slip between the two.
        await self.follower.open()
        try:
            async with ClauseVersionLog(
                settings.postgres_dsn.get_secret_value(), self.ctx.dependency("postgres"), pool_max_size=1
            ) as versions:
                self.applied_version = await versions.current()
            await self.refresh(self.regions)
            await self.version.acknowledge(self.worker_id, self.applied_version)
        except BaseException:
            await self.follower.close()
            raise
        self._follow_task = asyncio.create_task(self._follow(), name=f"{self.worker_id} policy updates")

    async def stop(self) -> None:
        """Stop following updates, withdraw this worker's acknowledgement and close clients."""
        self._follow_task.cancel()
        with contextlib.suppress(asyncio.CancelledError):
            await self._follow_task
        await self.follower.close()
        with contextlib.suppress(DependencyUnavailable):
            await self.version.forget(self.worker_id)
        await self.version.close()
        await self.store.close()

    async def refresh(self, regions: Iterable[str]) -> None:
        """Reload `regions` from Milvus and swap them in; other regions keep serving meanwhile."""
        scope = sorted(regions)
        started = time.perf_counter()
        records = await self.store.load(scope)
        await asyncio.to_thread(self.index.rebuild, records, regions=scope)
        log.info(
            "faiss shard refreshed: %s (%d clauses, %s index) in %.2f s",
            ", ".join(scope),
            len(records),
            self.index.spec.kind,
            time.perf_counter() - started,
        )

    async def apply(self, updates: Sequence[PolicyUpdated | None]) -> None:
        """Refresh every served region the updates touch, then advance the applied version."""
        regions = regions_to_refresh(updates, self.regions)
        if regions:
            await self.refresh(regions)
        versions = [u.version for u in updates if u is not None]
        self.applied_version = max([self.applied_version, *versions])
        log.info(
            "policy update applied: version %d, refreshed %s",
            self.applied_version,
            ", ".join(sorted(regions)) or "nothing (no served region touched)",
        )

    async def _follow(self) -> None:
        """Apply updates as they arrive; an update that cannot be applied yet is kept and retried."""
        pending: list[PolicyUpdated | None] = []
        failures = 0
        while True:
            try:
                pending.extend(await self.follower.poll(0 if pending else POLL_S))
                if pending:
                    await self.apply(pending)
                    pending, failures = [], 0
                # Renewed every round: the acknowledgement is also this worker's liveness.
                await self.version.acknowledge(self.worker_id, self.applied_version)
            except asyncio.CancelledError:
                raise
            except Exception as exc:
                failures += 1
                log.warning(
                    "%s: %d policy update(s) not applied yet (%s: %s); retrying",
                    self.worker_id,
                    len(pending),
                    type(exc).__name__,
                    exc,
                )
                await asyncio.sleep(min(RETRY_MAX_S, 0.5 * 2 ** min(failures, 6)))

    def clauses_for(self, request: RetrievalRequest) -> list[RetrievedClause]:
        """The most relevant clauses of the request's own policy, numbered as that policy numbers them.

        No resolved policy, no clauses: a claim never cites another policyholder's wording.
        """
        if not request.policy_clauses:
            return []
        number_of: dict[str, str] = {}
        for link in request.policy_clauses:
            number_of.setdefault(link.clause_key, link.clause_id)
        query = np.asarray(request.embedding, dtype=np.float32)
        hits = self.index.search_within(request.region, query, list(number_of), request.top_k)
        return [
            RetrievedClause(
                clause_id=number_of[h.clause_key],
                clause_key=h.clause_key,
                title=h.title,
                text=h.text,
                score=float(h.score),
            )
            for h in hits
        ]

    def models(self, request: RetrievalRequest) -> list[ModelRef]:
        """What answered the search: the FAISS index (and how it searched) and the policy book's version."""
        kind = self.index.kind_of(request.region) or "none"
        device = "GPU" if self.index.on_gpu else "CPU"
        return [
            ModelRef(
                role="index",
                name=f"faiss {kind}",
                version=f"faiss {faiss.__version__}",
                detail=f"exact inner product over the policy's {len(request.policy_clauses)} clause(s) "
                f"on the {device}; region {request.region} shard index {kind}",
            ),
            ModelRef(
                role="policy_book",
                name=f"policy book {request.region}",
                version=f"clause version {self.applied_version}",
                detail=f"policy {request.policy_number.value or 'not resolved'}",
            ),
        ]

    async def handle_batch(self, events: Sequence[RetrievalRequest]) -> list[Event]:
        return [
            request.follow(
                ClausesRetrieved,
                by=self.ctx.producer,
                text=request.text,
                pages=request.pages,
                ocr_pages=request.ocr_pages,
                min_confidence=request.min_confidence,
                redactions=request.redactions,
                clauses=self.clauses_for(request),
                received_at=request.received_local,
                policy_number=request.policy_number,
                fields=request.fields,
                models=[*request.models, *self.models(request)],
            )
            for request in events
        ]
