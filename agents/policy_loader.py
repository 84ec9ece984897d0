"""Loading the policy book: policies into PostgreSQL, clauses into Milvus, then `policy.updated`.

The event is the refresh signal and the record of the change: every FAISS worker
follows the topic and reloads the regions it names from Milvus, so any producer that
upserts clauses and publishes the event (not only this loader) refreshes retrieval.
It is published after the Milvus upsert returns (the collection reads with Strong
consistency), so a worker that reloads on the event always sees the new clauses.
"""

from __future__ import annotations

import asyncio
from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from agents.clause_store import ClauseRecord, ClauseStore
from agents.clause_version import ClauseVersion
from agents.embedder import MiniLMEmbedder
from agents.events import PolicyUpdated
from agents.policy_book import Clause, Policy, PolicyBook, read_policies
from streams.codec import get_codec
from streams.events import Producer
from streams.kafka_io import publish_events
from streams.settings import Settings
from streams.topology import load_topology

LOADER = Producer("policy-loader", "1")


def clause_passage(clause: Clause) -> str:
    """The text embedded for a clause; the retrieval eval embeds exactly the same."""
    return f"{clause.title}. {clause.text}"


@dataclass(frozen=True)
class LoadResult:
    """How much of the policy book was stored, and the version the workers will acknowledge."""

    policies: int
    clauses: int
    clause_version: int
    changed_clauses: int
    regions: tuple[str, ...]


def _same(old: ClauseRecord, new: ClauseRecord) -> bool:
    return (old.region, old.product, old.title, old.text) == (new.region, new.product, new.title, new.text)


async def load_policy_book(
    settings: Settings, path: Path, *, on_progress: Callable[[str], None] = lambda _: None
) -> LoadResult:
    """Upsert policies and clauses (idempotent), then publish one `policy.updated` per region.

    Every region of the book gets an event even when none of its clauses changed: a
    load that crashed after the upsert but before publishing is repaired by running it
    again, which a "publish only what differs" rule would silently skip.
    """
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
    texts = [clause_passage(clause) for _, clause in clauses.values()]
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
    regions = sorted({policy.region for policy in policies})
    try:
        stored = {r.clause_id: r for r in await store.load(regions)}
        changed = [r for r in records if r.clause_id not in stored or not _same(stored[r.clause_id], r)]
        await store.upsert(records)
    finally:
        await store.close()
    on_progress(f"clause embeddings upserted into Milvus ({len(changed)} new or changed)")
    version = ClauseVersion(settings.redis_url)
    try:
        new_version = await version.bump()
    finally:
        await version.close()
    await asyncio.to_thread(_publish, settings, new_version, regions, policies, changed)
    on_progress(f"published policy.updated version {new_version} for {', '.join(regions)}")
    return LoadResult(len(policies), len(records), new_version, len(changed), tuple(regions))


def _publish(
    settings: Settings,
    version: int,
    regions: list[str],
    policies: list[Policy],
    changed: list[ClauseRecord],
) -> None:
    """One `policy.updated` per region, keyed by region so each region's updates stay in order."""
    topology = load_topology(settings.topology_file)
    topic = topology.topic_for_schema(PolicyUpdated.avro_schema)
    changed_by_region: dict[str, list[str]] = defaultdict(list)
    for record in changed:
        changed_by_region[record.region].append(record.clause_id)
    numbers_by_region: dict[str, list[str]] = defaultdict(list)
    for policy in policies:
        numbers_by_region[policy.region].append(policy.policy_number)
    events = [
        PolicyUpdated.new(
            claim_id="",
            region=region,
            by=LOADER,
            version=version,
            regions=regions,
            clause_ids=sorted(changed_by_region[region]),
            policy_numbers=sorted(numbers_by_region[region]),
        )
        for region in regions
    ]
    publish_events(
        settings.kafka_bootstrap, topic, get_codec(settings.schemas_dir, topic.schema_name), events
    )
