"""Loading the policy book: policies into PostgreSQL, clauses into Milvus, then `PolicyUpdated`.

The event is the refresh signal and the record of the change: every FAISS worker
follows the topic and reloads the regions it names from Milvus, so any producer that
upserts clauses and publishes the event (not only this loader) refreshes retrieval.
It is published after the Milvus upsert returns (the collection reads with Strong
consistency), so a worker that reloads on the event always sees the new clauses.

Deletion follows the links, not the file: a clause leaves the book when no policy links
it any more, i.e. when every policy that listed it has been re-loaded without it. The
loader then deletes it from Milvus before publishing, and since a worker replaces a
region's whole shard with what Milvus holds, the clause is gone from every FAISS index
too. A file holding only some policies therefore never deletes the clauses of the others.
"""

from __future__ import annotations

import asyncio
from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from agents.events import PolicyUpdated
from agents.retrieval import MiniLMEmbedder
from agents.stores.clause_store import ClauseRecord, ClauseStore
from agents.stores.clause_version import ClauseVersion
from agents.stores.policy_book import Clause, Policy, PolicyBook, read_policies
from streams import Producer, Settings, get_codec, load_topology, publish_events

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
    deleted_clauses: tuple[str, ...] = ()


def _same(old: ClauseRecord, new: ClauseRecord) -> bool:
    return (old.region, old.product, old.title, old.text) == (new.region, new.product, new.title, new.text)


async def load_policy_book(
    settings: Settings, path: Path, *, on_progress: Callable[[str], None] = lambda _: None
) -> LoadResult:
    """Upsert policies and clauses (idempotent), then publish one `PolicyUpdated` per region.

    Every region of the book gets an event even when none of its clauses changed: a
    load that crashed after the upsert but before publishing is repaired by running it
    again, which a "publish only what differs" rule would silently skip.
    """
    policies = read_policies(path)
    on_progress(f"read {len(policies)} policies")
    clauses = {clause.clause_id: (policy, clause) for policy in policies for clause in policy.clauses}
    embedder = MiniLMEmbedder()
    texts = [clause_passage(clause) for _, clause in clauses.values()]
    vectors = await asyncio.to_thread(embedder.embed, texts)
    on_progress(f"embedded {len(texts)} clauses")
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
    book = PolicyBook(settings.postgres_dsn)
    store = ClauseStore(settings.milvus_uri)
    await book.open()
    try:
        await book.upsert(policies)
        on_progress("policies stored in PostgreSQL")
        await store.prepare()
        stored = {r.clause_id: r for r in await store.load(regions)}
        changed = [r for r in records if r.clause_id not in stored or not _same(stored[r.clause_id], r)]
        await store.upsert(records)
        deleted = await _delete_dropped(book, store, [cid for cid in stored if cid not in clauses])
    finally:
        await store.close()
        await book.close()
    if deleted:
        on_progress(f"deleted {len(deleted)} clause(s) no policy lists any more: {', '.join(deleted)}")
    on_progress(f"clause embeddings upserted into Milvus ({len(changed)} new or changed)")
    version = ClauseVersion(settings.redis_url)
    try:
        new_version = await version.bump()
    finally:
        await version.close()
    await asyncio.to_thread(_publish, settings, new_version, regions, policies, changed)
    on_progress(f"published policy update version {new_version} for {', '.join(regions)}")
    return LoadResult(len(policies), len(records), new_version, len(changed), tuple(regions), tuple(deleted))


async def _delete_dropped(book: PolicyBook, store: ClauseStore, candidates: list[str]) -> list[str]:
    """Delete from Milvus the candidates (stored, not in this file) that no policy links any more.

    The policy book decides: a policy not in this file may still list a candidate. Runs
    before the load's event is published, so the workers' reload no longer sees them.
    """
    unlinked = await book.drop_unlinked_clauses(candidates)
    if unlinked:
        await store.delete(unlinked)
    return unlinked


def _publish(
    settings: Settings,
    version: int,
    regions: list[str],
    policies: list[Policy],
    changed: list[ClauseRecord],
) -> None:
    """One `PolicyUpdated` per region, keyed by region so each region's updates stay in order."""
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
