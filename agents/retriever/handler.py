"""Retriever: reads a claim, finds its policy in the book, redacts PII, reads its fields, asks for clauses.

A claim is read once, here, and every step that needs the reading happens here too:

- reading: the text layer or OCR of every document, with the layout of every page;
- the policy: every span of the text the region's book recognises as one of its numbers
  (`PolicyIndex.find`, whatever the insurer's format, case, separators or OCR slips), decided
  between by `choose_policy`; it decides which clauses the claim may cite;
- redaction, at the edge, keeping the book's numbers: the text that travels on Kafka (and so
  into replays, the audit log and any LLM prompt) carries typed placeholders, never the
  policyholder's name, contact details, account or national id numbers;
- the fields (`read_claim_fields`: text rules and layout), because the layout is here and the
  query is made of them (the damage description finds the governing clause far better than the
  text's head); they travel on, and the extractor weighs, settles and (with an LLM) checks them.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from typing import Protocol

from cachetools import LRUCache

from agents.documents import ClaimText, DocumentSettings, RawClaimText, read_claim, shared_engine
from agents.events import ClaimFields, ClaimIngested, ClauseLink, ExtractedField, ModelRef, RetrievalRequest
from agents.extraction import read_claim_fields
from agents.extraction.lexicon import label_pattern
from agents.extraction.meanings import Meanings
from agents.extraction.policy_match import choose_policy
from agents.redaction import warm as warm_redaction
from agents.retrieval import MiniLMEmbedder, RetrievalSettings, focused_query
from agents.stores import Policy, PolicyBook, PolicyIndex, PolicyLookup, PolicyMatch
from streams import AgentContext, Event, StreamAgent, open_object_store

log = logging.getLogger(__name__)

# Claims whose reading is kept for a retry of their batch; a few batches' worth, a few KB each.
READINGS_KEPT = 256


class PolicyFinder(Protocol):
    """What the policy stage needs of the index: `PolicyIndex` on PostgreSQL, or `MemoryPolicyIndex`."""

    async def find(self, text: str, region: str) -> list[PolicyMatch]: ...


async def match_policy(
    raw: RawClaimText, region: str, index: PolicyFinder
) -> tuple[ExtractedField, list[PolicyMatch]]:
    """The book's numbers in the claim (before redaction, which keeps them), and the one it is under."""
    matches = await index.find(raw.text, region)
    return choose_policy(matches, raw.text, raw.pages()), matches


async def policy_of(
    matched: ExtractedField, fields: ClaimFields, region: str, book: PolicyLookup
) -> tuple[Policy | None, ExtractedField]:
    """The claim's policy and its number field: the book's match, else the number read off the claim.

    A number the book's index did not find in the text may still be the book's once the
    reading rules have put it into the book's form (a short form an insurer prints); it is
    looked up as read. Neither found: no policy, an empty field (the extractor keeps the
    number as written, and the claim fails `policy_exists`).
    """
    if matched.value:
        policy = await book.get(matched.value, region)
        if policy is not None:
            return policy, matched
    read = fields.policy_number
    if read.value:
        policy = await book.get(read.value, region)
        if policy is not None:
            return policy, read
    return None, ExtractedField()


def kept_spans(matches: Sequence[PolicyMatch]) -> list[tuple[int, int]]:
    """The spans redaction keeps: every number of the book found in the claim."""
    return [(m.start, m.end) for m in matches]


@dataclass(frozen=True)
class ResolvedClaim:
    """One claim as the retriever reads and resolves it."""

    read: ClaimText
    fields: ClaimFields
    policy: Policy | None
    number: ExtractedField


async def resolve_claim(
    raw: RawClaimText,
    region: str,
    index: PolicyFinder,
    book: PolicyLookup,
    meanings: Meanings | None = None,
) -> ResolvedClaim:
    """The retriever's steps for one claim, in order: the book's numbers, redaction keeping them,
    the fields, the policy. The agent runs the same steps for a batch, side by side; the
    evaluations run this. `meanings`: the agent's reader of what titles and sums' labels mean."""
    matched, matches = await match_policy(raw, region, index)
    read = raw.redacted(region, keep=kept_spans(matches))
    fields = read_claim_fields(read.text, read.lines, region, meanings)
    policy, number = await policy_of(matched, fields, region, book)
    return ResolvedClaim(read, fields, policy, number)


class Retriever(StreamAgent[ClaimIngested]):
    """Ingested claim → retrieval request (its policy and that policy's clauses) for the FAISS worker."""

    input_model = ClaimIngested

    def __init__(self, ctx: AgentContext) -> None:
        super().__init__(ctx)
        self.documents = self.ctx.section(DocumentSettings)
        self.retrieval = self.ctx.section(RetrievalSettings)
        self.readings: LRUCache[str, RawClaimText] = LRUCache(maxsize=READINGS_KEPT)
        # Reading threads mostly wait for an OCR helper; their own pool keeps them from taking
        # the threads the embedder and the event loop's other work need.
        self.readers = ThreadPoolExecutor(
            max_workers=self.documents.ocr_pool_size + 2, thread_name_prefix="claim-reader"
        )

    async def start(self) -> None:
        self.store = open_object_store(
            self.ctx.settings.object_store_root, self.ctx.dependency("object_store")
        )
        self.embedder = MiniLMEmbedder(
            threads=self.retrieval.embedding_threads, backend=self.retrieval.embedding_backend
        )
        self.meanings = Meanings(self.embedder)
        self.ocr = shared_engine(
            self.documents.ocr_threads, self.documents.ocr_pool_size, self.documents.ocr_start_timeout_s
        )
        dependency = self.ctx.dependency("postgres")
        # No cache: a policy load changes its clause keys, and a claim must carry the keys the
        # FAISS workers hold now (one primary-key lookup per claim).
        self.policies = PolicyBook(
            self.ctx.settings.postgres_dsn.get_secret_value(), dependency, cache_ttl_s=0
        )
        self.index = PolicyIndex(self.ctx.settings.postgres_dsn.get_secret_value(), dependency)
        await self.policies.open()
        await self.index.open()
        # Models and name lists load once per worker here, so the first claim (scanned or not) is not slow.
        await asyncio.gather(
            asyncio.to_thread(self.embedder.warm),
            asyncio.to_thread(self.meanings.warm),
            asyncio.to_thread(self.ocr.warm),
            asyncio.to_thread(warm_redaction),
            asyncio.to_thread(label_pattern, "policy_number"),
        )

    def models(self, ocr_pages: int) -> list[ModelRef]:
        """The models that read this claim: the OCR models when OCR read a page, and the embedder."""
        used = [
            ModelRef(role="ocr", name=m.filename, version=f"rapidocr {m.rapidocr_version}", sha256=m.sha256)
            for m in (self.ocr.models if ocr_pages else ())
        ]
        embedder = self.embedder.identity()
        used.append(
            ModelRef(
                role="embedder",
                name=embedder.name,
                version=embedder.version,
                sha256=embedder.weights_sha256,
                detail=f"all-MiniLM-L6-v2 on {embedder.backend}",
            )
        )
        return used

    async def stop(self) -> None:
        """Stop the OCR helper process with the worker and close the policy book and index."""
        await asyncio.to_thread(self.ocr.close)
        self.readers.shutdown(wait=False, cancel_futures=True)
        await self.index.close()
        await self.policies.close()

    async def read_claim(self, claim: ClaimIngested) -> RawClaimText:
        """Every document's text in submission order, page by page with how it was read.

        A document is read only from the claim's own region of the store, and only if its bytes
        hash to the digest on the event (`DigestMismatch`, a permanent error, otherwise).
        """
        documents = [
            (
                await self.store.get(
                    doc.uri,
                    max_bytes=self.documents.max_document_bytes,
                    sha256=doc.sha256,
                    region=claim.region,
                ),
                doc.filename,
            )
            for doc in claim.documents
        ]
        result = await asyncio.get_running_loop().run_in_executor(
            self.readers, read_claim, documents, self.documents, self.ocr
        )
        ocr_pages = sum(d.ocr_pages for d in result.documents)
        if ocr_pages:
            log.info(
                "claim %s: %d page(s) read by OCR, lowest page confidence %.3f",
                claim.claim_id,
                ocr_pages,
                min(d.min_confidence for d in result.documents),
            )
        return result

    async def read_claims(self, claims: Sequence[ClaimIngested]) -> list[RawClaimText]:
        """The claims read concurrently, so a batch's scanned pages go to the OCR helpers side by side.

        Readings are kept a while: when a batch fails, the runner retries each of its claims
        alone, and the claims that were read fine are then not OCRed again.
        """
        results = await asyncio.gather(*(self._read_once(c) for c in claims), return_exceptions=True)
        for result in results:
            if isinstance(result, BaseException):
                raise result
        return [r for r in results if isinstance(r, RawClaimText)]

    async def _read_once(self, claim: ClaimIngested) -> RawClaimText:
        reading = self.readings.get(claim.event_id)
        if reading is None:
            reading = self.readings[claim.event_id] = await self.read_claim(claim)
        return reading

    async def _redacted(self, raw: RawClaimText, region: str, matches: Sequence[PolicyMatch]) -> ClaimText:
        keep = kept_spans(matches)
        return await asyncio.get_running_loop().run_in_executor(self.readers, raw.redacted, region, keep)

    async def handle_batch(self, events: Sequence[ClaimIngested]) -> list[Event]:
        raws = await self.read_claims(events)
        matched = await asyncio.gather(
            *(match_policy(raw, claim.region, self.index) for raw, claim in zip(raws, events, strict=True))
        )
        read = await asyncio.gather(
            *(self._redacted(raw, c.region, m[1]) for raw, c, m in zip(raws, events, matched, strict=True))
        )
        loop = asyncio.get_running_loop()
        fields = await asyncio.gather(
            *(
                loop.run_in_executor(
                    self.readers, read_claim_fields, r.text, r.lines, c.region, self.meanings
                )
                for r, c in zip(read, events, strict=True)
            )
        )
        queries = [focused_query(r.text, c.region, f) for r, c, f in zip(read, events, fields, strict=True)]
        # The policy-book lookups run while the embedder works (it releases the GIL).
        vectors, found = await asyncio.gather(
            self.embedder.embed_async(queries),
            asyncio.gather(
                *(
                    policy_of(m[0], f, c.region, self.policies)
                    for m, f, c in zip(matched, fields, events, strict=True)
                )
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
                received_at=claim.received,
                fields=claim_fields,
                policy_number=number,
                policy_clauses=[
                    ClauseLink(clause_key=key, clause_id=clause_id)
                    for clause_id, key in (policy.clause_keys.items() if policy is not None else ())
                ],
                models=self.models(r.ocr_pages),
            )
            for claim, r, vector, claim_fields, (policy, number) in zip(
                events, read, vectors, fields, found, strict=True
            )
        ]
