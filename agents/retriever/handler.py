"""Retriever: reads a claim's documents (text layer or OCR), redacts PII, embeds, asks for clauses.

Redaction happens here, at the edge: the text that travels on Kafka (and so into
replays, the audit log and any LLM prompt) carries typed placeholders, never the
policyholder's name, contact details, account or national id numbers.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Sequence
from concurrent.futures import ThreadPoolExecutor

from cachetools import LRUCache

from agents.documents import ClaimText, DocumentSettings, read_claim_text, shared_engine
from agents.events import ClaimFields, ClaimIngested, RetrievalRequest
from agents.extraction import extract_fields
from agents.redaction import warm as warm_redaction
from agents.retrieval import MiniLMEmbedder, RetrievalSettings, claim_product, focused_query
from agents.stores import PolicyBook
from streams import AgentContext, DependencyUnavailable, Event, FileObjectStore, StreamAgent

log = logging.getLogger(__name__)

# Claims whose reading is kept for a retry of their batch; a few batches' worth, a few KB each.
READINGS_KEPT = 256


class Retriever(StreamAgent[ClaimIngested]):
    """Ingested claim → retrieval request for the FAISS worker owning its region."""

    input_model = ClaimIngested

    def __init__(self, ctx: AgentContext) -> None:
        super().__init__(ctx)
        self.documents = DocumentSettings.current()
        self.retrieval = RetrievalSettings.current()
        self.readings: LRUCache[str, ClaimText] = LRUCache(maxsize=READINGS_KEPT)
        # Reading threads mostly wait for an OCR helper; their own pool keeps them from taking
        # the threads the embedder and the event loop's other work need.
        self.readers = ThreadPoolExecutor(
            max_workers=self.documents.ocr_pool_size + 2, thread_name_prefix="claim-reader"
        )

    async def start(self) -> None:
        self.store = FileObjectStore(self.ctx.settings.object_store_root)
        self.embedder = MiniLMEmbedder(
            threads=self.retrieval.embedding_threads, backend=self.retrieval.embedding_backend
        )
        self.ocr = shared_engine(self.documents.ocr_threads, self.documents.ocr_pool_size)
        self.policies = PolicyBook(self.ctx.settings.postgres_dsn, self.ctx.dependency("postgres"))
        await self.policies.open()
        # Models and name lists load once per worker here, so the first claim (scanned or not) is not slow.
        await asyncio.gather(
            asyncio.to_thread(self.embedder.warm),
            asyncio.to_thread(self.ocr.warm),
            asyncio.to_thread(warm_redaction),
        )

    async def stop(self) -> None:
        """Stop the OCR helper process with the worker and close the policy book."""
        await asyncio.to_thread(self.ocr.close)
        self.readers.shutdown(wait=False, cancel_futures=True)
        await self.policies.close()

    async def product_of(self, claim: ClaimIngested, text: str, found: ClaimFields) -> str | None:
        """The claim's product, to filter its clauses; None (search the whole region) if unknown.

        The filter only sharpens ranking, so a policy book that cannot be reached does not
        hold the claim up: the claim is searched unfiltered and the validator, which needs
        the policy, retries on its own.
        """
        try:
            return await claim_product(text, claim.region, self.policies, found)
        except DependencyUnavailable as exc:
            log.warning("claim %s: policy book unavailable (%s); searching all products", claim.claim_id, exc)
            return None

    async def read_claim(self, claim: ClaimIngested) -> ClaimText:
        """Every document's text in submission order, with the weakest page's reading confidence."""
        documents = [
            (
                await self.ctx.dependency("object_store").call(
                    self.store.get, doc.uri, max_bytes=self.documents.max_document_bytes
                ),
                doc.filename,
            )
            for doc in claim.documents
        ]
        result = await asyncio.get_running_loop().run_in_executor(
            self.readers, read_claim_text, documents, claim.region, self.documents, self.ocr
        )
        if result.ocr_pages:
            log.info(
                "claim %s: %d page(s) read by OCR, lowest page confidence %.3f",
                claim.claim_id,
                result.ocr_pages,
                result.min_confidence,
            )
        return result

    async def read_claims(self, claims: Sequence[ClaimIngested]) -> list[ClaimText]:
        """The claims read concurrently, so a batch's scanned pages go to the OCR helpers side by side.

        Readings are kept a while: when a batch fails, the runner retries each of its claims
        alone, and the claims that were read fine are then not OCRed again.
        """
        results = await asyncio.gather(*(self._read_once(c) for c in claims), return_exceptions=True)
        for result in results:
            if isinstance(result, BaseException):
                raise result
        return [r for r in results if isinstance(r, ClaimText)]

    async def _read_once(self, claim: ClaimIngested) -> ClaimText:
        reading = self.readings.get(claim.event_id)
        if reading is None:
            reading = self.readings[claim.event_id] = await self.read_claim(claim)
        return reading

    async def handle_batch(self, events: Sequence[ClaimIngested]) -> list[Event]:
        read = await self.read_claims(events)
        # One reading per claim serves both the query and the policy lookup.
        found = [extract_fields(r.text, claim.region) for r, claim in zip(read, events, strict=True)]
        queries = [
            focused_query(r.text, claim.region, f) for r, claim, f in zip(read, events, found, strict=True)
        ]
        # The policy-book lookups run while the embedder works (it releases the GIL).
        vectors, products = await asyncio.gather(
            self.embedder.embed_async(queries),
            asyncio.gather(
                *(self.product_of(c, r.text, f) for c, r, f in zip(events, read, found, strict=True))
            ),
        )
        top_k = self.retrieval.retrieval_top_k
        return [
            claim.follow(
                RetrievalRequest,
                by=self.ctx.producer,
                text=r.text,
                pages=r.pages,
                ocr_pages=r.ocr_pages,
                min_confidence=r.min_confidence,
                redactions=dict(r.redactions),
                embedding=vector.tolist(),
                top_k=top_k,
                product=product,
            )
            for claim, r, vector, product in zip(events, read, vectors, products, strict=True)
        ]
