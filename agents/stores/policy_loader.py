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
from typing import Any

from agents.events import PolicyUpdated
from agents.retrieval import MiniLMEmbedder
from agents.stores.clause_store import ClauseRecord, ClauseStore
from agents.stores.clause_version import ClauseVersion, ClauseVersionLog
from agents.stores.policy_book import Clause, Policy, PolicyBook, read_policies, wording_key
from agents.stores.policy_index import PolicyIndex
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


async def load_policy_book(
    settings: Settings, path: Path, *, on_progress: Callable[[str], None] = lambda _: None
) -> LoadResult:
    """Upsert policies and their clause wordings (idempotent), then publish one `PolicyUpdated` per region.

    Every region of the book gets an event even when none of its wordings changed: a
    load that crashed after the upsert but before publishing is repaired by running it
    again, which a "publish only what differs" rule would silently skip.
    """
    policies = read_policies(path)
    on_progress(f"read {len(policies)} policies")
    wordings: dict[str, tuple[Policy, Clause]] = {}
    for policy in policies:
        for clause in policy.clauses:
            wordings.setdefault(wording_key(policy.region, clause.title, clause.text), (policy, clause))
    regions = sorted({policy.region for policy in policies})
    book = PolicyBook(settings.postgres_dsn.get_secret_value())
    store = ClauseStore(settings.milvus_uri, token=settings.milvus_token)
    await book.open()
    try:
        await book.upsert(policies)
        async with PolicyIndex(settings.postgres_dsn.get_secret_value()) as index:
            await index.upsert(policies)
        on_progress("policies stored and their numbers indexed in PostgreSQL")
        await store.prepare()
        stored = {r.clause_key for r in await store.load(regions)}
        # Content-addressed: a stored key already holds exactly this text and its vector.
        new = [key for key in wordings if key not in stored]
        passages = [clause_passage(wordings[k][1]) for k in new]
        vectors: Any = await asyncio.to_thread(MiniLMEmbedder().embed, passages) if passages else []
        on_progress(f"embedded {len(new)} new clause wordings ({len(wordings)} distinct in the file)")
        await store.upsert(
            [
                ClauseRecord(
                    clause_key=key,
                    region=wordings[key][0].region,
                    title=wordings[key][1].title,
                    text=wordings[key][1].text,
                    vector=vector,
                )
                for key, vector in zip(new, vectors, strict=True)
            ]
        )
        deleted = await _delete_dropped(book, store, [key for key in stored if key not in wordings])
    finally:
        await store.close()
        await book.close()
    if deleted:
        on_progress(f"deleted {len(deleted)} clause wording(s) no policy lists any more")
    on_progress(f"clause embeddings upserted into Milvus ({len(new)} new)")
    acknowledgements = ClauseVersion(settings.redis_url.get_secret_value())
    try:
        legacy = await acknowledgements.legacy_version()
    finally:
        await acknowledgements.close()
    async with ClauseVersionLog(settings.postgres_dsn.get_secret_value(), pool_max_size=1) as versions:
        new_version = await versions.bump(regions, at_least=legacy)
    changed = [(wordings[key][0].region, key) for key in new]
    await asyncio.to_thread(_publish, settings, new_version, regions, policies, changed)
    on_progress(f"published policy update version {new_version} for {', '.join(regions)}")
    return LoadResult(len(policies), len(wordings), new_version, len(new), tuple(regions), tuple(deleted))


async def _delete_dropped(book: PolicyBook, store: ClauseStore, candidates: list[str]) -> list[str]:
    """Delete from Milvus the candidates (stored, not in this file) that no policy links any more.

    The policy book decides: a policy not in this file may still link a candidate. Runs
    before the load's event is published, so the workers' reload no longer sees them.
    """
    unlinked = await book.drop_unlinked_wordings(candidates)
    if unlinked:
        await store.delete(unlinked)
    return unlinked


def _publish(
    settings: Settings,
    version: int,
    regions: list[str],
    policies: list[Policy],
    changed: list[tuple[str, str]],
) -> None:
    """One `PolicyUpdated` per region, keyed by region so each region's updates stay in order."""
    topology = load_topology(settings.topology_file)
    topic = topology.topic_for_schema(PolicyUpdated.avro_schema)
    changed_by_region: dict[str, list[str]] = defaultdict(list)
    for region, key in changed:
        changed_by_region[region].append(key)
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
    publish_events(settings.kafka(), topic, get_codec(settings.schemas_dir, topic.schema_name), events)
