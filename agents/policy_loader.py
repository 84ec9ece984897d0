"""Loading the policy book: policies into PostgreSQL, clause embeddings into Milvus, then a refresh signal."""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from agents.clause_store import ClauseRecord, ClauseStore
from agents.clause_version import ClauseVersion
from agents.embedder import MiniLMEmbedder
from agents.policy_book import PolicyBook, read_policies
from streams.settings import Settings


@dataclass(frozen=True)
class LoadResult:
    """How much of the policy book was stored."""

    policies: int
    clauses: int
    clause_version: int


async def load_policy_book(
    settings: Settings, path: Path, *, on_progress: Callable[[str], None] = lambda _: None
) -> LoadResult:
    """Upsert policies and clauses (idempotent), then tell the FAISS workers to reload."""
    policies = read_policies(path)
    on_progress(f"read {len(policies)} policies")
    book = PolicyBook(settings.postgres_dsn)
    await book.open()
    try:
        await book.upsert(policies)
    finally:
        await book.close()
    on_progress("policies stored in PostgreSQL")
    clauses = {clause.clause_id: (policy, clause) for policy in policies for clause in policy.clauses}
    embedder = MiniLMEmbedder()
    texts = [f"{clause.title}. {clause.text}" for _, clause in clauses.values()]
    vectors = await asyncio.to_thread(embedder.embed, texts)
    on_progress(f"embedded {len(texts)} clauses")
    store = ClauseStore(settings.milvus_uri)
    await asyncio.to_thread(store.ensure_collection)
    records = [
        ClauseRecord(
            clause_id=clause.clause_id,
            region=policy.region,
            product=policy.product,
            title=clause.title,
            text=clause.text,
            vector=vector,
        )
        for (policy, clause), vector in zip(clauses.values(), vectors, strict=True)
    ]
    await store.upsert(records)
    on_progress("clause embeddings upserted into Milvus")
    version = ClauseVersion(settings.redis_url)
    try:
        new_version = await version.bump()
    finally:
        await version.close()
    return LoadResult(len(policies), len(records), new_version)
