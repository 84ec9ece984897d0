"""Retriever: reads a claim's documents, embeds the text and asks the FAISS workers for clauses."""

from __future__ import annotations

import asyncio
from collections.abc import Sequence

from agents.documents import read_document
from agents.embedder import MiniLMEmbedder
from agents.events import ClaimIngested, RetrievalRequest
from streams.agent import StreamAgent
from streams.events import Event
from streams.objectstore import FileObjectStore

# The embedder sees the start of the claim: MiniLM reads at most 256 word pieces anyway.
EMBEDDED_CHARS = 2000


class Retriever(StreamAgent[ClaimIngested]):
    """claim.ingested → retrieval.requests."""

    input_model = ClaimIngested

    async def start(self) -> None:
        self.store = FileObjectStore(self.ctx.settings.object_store_root)
        self.embedder = MiniLMEmbedder()
        await asyncio.to_thread(self.embedder.warm)

    async def read_text(self, claim: ClaimIngested) -> tuple[str, int]:
        """All documents' text, in submission order, and the page count."""
        settings = self.ctx.settings
        texts, pages = [], 0
        for doc in claim.documents:
            data = await self.ctx.dependency("object_store").call(
                self.store.get, doc.uri, max_bytes=settings.max_document_bytes
            )
            document = await asyncio.to_thread(
                read_document, data, filename=doc.filename, max_bytes=settings.max_document_bytes
            )
            texts.append(document.text)
            pages += len(document.pages)
        return "\n\n".join(texts), pages

    async def handle_batch(self, events: Sequence[ClaimIngested]) -> list[Event]:
        read = [await self.read_text(claim) for claim in events]
        vectors = await self.embedder.embed_async([text[:EMBEDDED_CHARS] for text, _ in read])
        top_k = self.ctx.settings.retrieval_top_k
        return [
            claim.follow(
                RetrievalRequest,
                by=self.ctx.producer,
                text=text,
                pages=pages,
                embedding=vector.tolist(),
                top_k=top_k,
            )
            for claim, (text, pages), vector in zip(events, read, vectors, strict=True)
        ]
