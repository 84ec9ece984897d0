"""Milvus as the store of record for clause wordings and their embeddings.

The knowledge-base loader writes each region's distinct clause texts here, keyed by their
content key (`agents.stores.policy_book.wording_key`); every retrieval worker reads its
regions' wordings back to build its FAISS hot index. The same code talks to a
`milvus-lite server` on the embedded stack and to Milvus standalone in production.

Client choice, verified against milvus-lite 3.2 / pymilvus 3.0: the collection is
created with the sync `MilvusClient` (`AsyncMilvusClient.create_collection` is
UNIMPLEMENTED on Milvus Lite); upsert, query and count use `AsyncMilvusClient`
natively, each call wrapped in the `milvus` dependency (timeout, jittered retries,
circuit breaker).

A collection must be loaded into memory before it can be queried, and Milvus does not
remember that across its own restart: after one, every query answers "collection not
loaded" (Milvus Lite: "in state 'released'") until somebody loads it again. Whoever
queries loads it, within the same attempt, so a Milvus restart costs one load instead of
an open breaker and a manual `claimflow policies load`.
"""

from __future__ import annotations

import asyncio
import json
import logging
from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import numpy as np
from pydantic import SecretStr

from streams import ConfigurationError, Dependency, DependencyUnavailable, PermanentError

if TYPE_CHECKING:
    from pymilvus import AsyncMilvusClient, MilvusClient

# pymilvus is imported where a request is made, never at module level: it costs ~0.9 s (it pulls
# in pandas), and most importers of this module (every CLI command, every agent but the FAISS
# worker) only need `ClauseRecord` or never reach Milvus at all.

log = logging.getLogger(__name__)

# VARCHAR limits are in bytes of UTF-8; 65,535 is Milvus's maximum.
_MAX_LEN = {"clause_key": 128, "region": 32, "title": 1024, "text": 65_535}
_VECTOR_FIELD = "embedding"
_FIELDS = ("clause_key", "region", "title", "text")
# Rows per upsert request: keeps one gRPC message far below Milvus's 64 MB limit.
_UPSERT_BATCH = 500
# Rows per page when loading; Milvus caps one query's offset + limit at 16,384.
_LOAD_PAGE = 2_000
# Ask the server for primary-key-ordered pages; without these a limited query returns an
# arbitrary subset and keyset pagination silently skips rows (seen on milvus-lite 3.2).
_ORDERED_PAGE_OPTIONS = {"iterator": "True", "reduce_stop_for_best": "True"}
# Milvus's error code for a query on a collection that is not loaded (merr.ErrCollectionNotLoaded;
# Milvus Lite answers the same code for its "released" state); pymilvus has no name for it.
_COLLECTION_NOT_LOADED = 101


def _literal(value: str | list[str]) -> str:
    """A Milvus expression literal: JSON's double-quoted, backslash-escaped strings are the same syntax."""
    return json.dumps(value, ensure_ascii=False)


@dataclass(frozen=True)
class ClauseRecord:
    """One clause wording of a region; `vector` is its L2-normalised embedding (required to upsert)."""

    clause_key: str
    region: str
    title: str
    text: str
    vector: np.ndarray | None = None


class ClauseStore:
    """Clause wordings in a Milvus collection keyed by their content key, so every write is idempotent."""

    def __init__(
        self,
        uri: str,
        *,
        collection: str = "clause_wordings",
        dimension: int = 384,
        dependency: Dependency | None = None,
        token: SecretStr | None = None,
    ) -> None:
        """Point the store at a Milvus; nothing connects until the first call.

        Args:
            uri: `http://host:port` of Milvus or of a `milvus-lite server`.
            collection: Collection name; one per knowledge base.
            dimension: Embedding length; must match the embedder's.
            dependency: Resilience policy for Milvus calls; a default `Dependency("milvus")` if None.
            token: `user:password` or an API key, sent with every request (`CLAIMFLOW_MILVUS_TOKEN`);
                Milvus Lite accepts any.
        """
        self.uri = uri
        self._token = token
        self.collection = collection
        self.dimension = dimension
        self.dependency = dependency or Dependency("milvus")
        self._aclient: AsyncMilvusClient | None = None
        self._aclient_loop: asyncio.AbstractEventLoop | None = None

    @property
    def _token_value(self) -> str:
        return self._token.get_secret_value() if self._token is not None else ""

    @property
    def _timeout_s(self) -> float:
        return self.dependency.policy.timeout_s

    def _schema(self) -> Any:
        from pymilvus import DataType, MilvusClient

        schema = MilvusClient.create_schema(auto_id=False, enable_dynamic_field=False)
        schema.add_field("clause_key", DataType.VARCHAR, is_primary=True, max_length=_MAX_LEN["clause_key"])
        for name in _FIELDS[1:]:
            schema.add_field(name, DataType.VARCHAR, max_length=_MAX_LEN[name])
        schema.add_field(_VECTOR_FIELD, DataType.FLOAT_VECTOR, dim=self.dimension)
        return schema

    def _index_params(self, client: MilvusClient) -> Any:
        params = client.prepare_index_params()
        # AUTOINDEX lets each Milvus flavour pick its best IP index (HNSW on a server, flat on Lite).
        params.add_index(field_name=_VECTOR_FIELD, index_type="AUTOINDEX", metric_type="IP")
        # Every read filters on region (data residency), so index it.
        params.add_index(field_name="region", index_type="INVERTED")
        return params

    def ensure_collection(self) -> None:
        """Create the collection if missing, check its dimension, and load it; run once at start-up.

        Raises:
            ConfigurationError: The collection exists with another vector dimension.
            DependencyUnavailable: Milvus cannot be reached.
        """
        from pymilvus import MilvusClient, MilvusException

        try:
            client = MilvusClient(uri=self.uri, token=self._token_value, timeout=self._timeout_s)
            try:
                if not client.has_collection(self.collection):
                    try:
                        client.create_collection(
                            self.collection,
                            schema=self._schema(),
                            index_params=self._index_params(client),
                            # Read-your-writes: a worker rebuilding right after a load must see it all.
                            consistency_level="Strong",
                        )
                        log.info("created Milvus collection %s (dim %d)", self.collection, self.dimension)
                    except MilvusException:
                        # Another process may have created it between our check and our create.
                        if not client.has_collection(self.collection):
                            raise
                self._check_dimension(client.describe_collection(self.collection))
                client.load_collection(self.collection)
            finally:
                client.close()
        except MilvusException as exc:
            raise DependencyUnavailable(
                f"milvus: cannot prepare collection {self.collection}: {exc}"
            ) from exc

    async def prepare(self) -> None:
        """`ensure_collection` through the `milvus` dependency: retried with jitter, behind the breaker.

        Raises:
            ConfigurationError: The collection exists with another vector dimension (not retried).
            DependencyUnavailable: Milvus could not be reached after retries.
        """
        await self.dependency.call(asyncio.to_thread, self.ensure_collection)

    def _check_dimension(self, description: dict[str, Any]) -> None:
        for field in description.get("fields", []):
            if field.get("name") == _VECTOR_FIELD:
                found = int(field.get("params", {}).get("dim", -1))
                if found != self.dimension:
                    raise ConfigurationError(
                        f"Milvus collection {self.collection} has {_VECTOR_FIELD} dim {found}, "
                        f"this deployment embeds with dim {self.dimension}"
                    )
                return
        raise ConfigurationError(f"Milvus collection {self.collection} has no {_VECTOR_FIELD} field")

    def _client(self) -> AsyncMilvusClient:
        """The async client of the running event loop; a gRPC aio channel is bound to its creating loop."""
        from pymilvus import AsyncMilvusClient

        loop = asyncio.get_running_loop()
        if self._aclient is None or self._aclient_loop is not loop:
            self._aclient = AsyncMilvusClient(uri=self.uri, token=self._token_value, timeout=self._timeout_s)
            self._aclient_loop = loop
        return self._aclient

    async def close(self) -> None:
        """Close the async client's channel; the store can be used again afterwards."""
        if self._aclient is not None:
            client, self._aclient, self._aclient_loop = self._aclient, None, None
            await client.close()

    async def _call(self, what: str, method: str, *args: Any, **kwargs: Any) -> Any:
        """One Milvus request through the dependency, with client errors surfaced as ours.

        A collection found unloaded (Milvus restarted) is loaded and the request sent again
        within the same attempt, so it neither costs a retry nor counts against the breaker.
        """
        from pymilvus import MilvusException

        client = self._client()
        request = getattr(client, method)

        async def attempt() -> Any:
            try:
                return await request(*args, timeout=self._timeout_s, **kwargs)
            except MilvusException as exc:
                if exc.code != _COLLECTION_NOT_LOADED:
                    raise
                log.warning(
                    "milvus: collection %s is not loaded (%s); loading it again", self.collection, exc.message
                )
                await client.load_collection(self.collection, timeout=self._timeout_s)
                return await request(*args, timeout=self._timeout_s, **kwargs)

        try:
            return await self.dependency.call(attempt)
        except MilvusException as exc:
            raise DependencyUnavailable(f"milvus: {what} on {self.collection} failed: {exc}") from exc

    def _row(self, record: ClauseRecord) -> dict[str, Any]:
        if record.vector is None:
            raise PermanentError(f"clause {record.clause_key!r} has no vector; embed it before upserting")
        vector = np.asarray(record.vector, dtype=np.float32).reshape(-1)
        if vector.shape[0] != self.dimension:
            raise PermanentError(
                f"clause {record.clause_key!r}: vector has dimension {vector.shape[0]}, "
                f"expected {self.dimension}"
            )
        row: dict[str, Any] = {name: getattr(record, name) for name in _FIELDS}
        for name, value in row.items():
            if len(value.encode()) > _MAX_LEN[name]:
                raise PermanentError(f"clause {record.clause_key!r}: {name} exceeds {_MAX_LEN[name]} bytes")
        row[_VECTOR_FIELD] = vector
        return row

    async def upsert(self, records: Sequence[ClauseRecord]) -> int:
        """Insert or replace wordings by content key, so a replayed load never duplicates one.

        Returns:
            The number of records written.

        Raises:
            PermanentError: A record has no vector, a wrong-length one, or an over-long field.
            DependencyUnavailable: Milvus failed after retries.
        """
        rows = [self._row(record) for record in records]  # validate all before writing any
        written = 0
        for start in range(0, len(rows), _UPSERT_BATCH):
            batch = rows[start : start + _UPSERT_BATCH]
            result = await self._call("upsert", "upsert", self.collection, batch)
            written += int(result.get("upsert_count", len(batch)))
        return written

    async def delete(self, clause_keys: Sequence[str]) -> int:
        """Remove wordings by content key (unknown keys are ignored), so deleting twice is harmless.

        Returns:
            The number of ids Milvus reports deleted.

        Raises:
            DependencyUnavailable: Milvus failed after retries.
        """
        deleted = 0
        ordered = sorted(set(clause_keys))
        for start in range(0, len(ordered), _UPSERT_BATCH):
            batch = ordered[start : start + _UPSERT_BATCH]
            result = await self._call(
                "delete", "delete", self.collection, filter=f"clause_key in {_literal(batch)}"
            )
            # The client answers with the deleted keys when the server lists them, else with a count.
            deleted += len(result) if isinstance(result, list) else int(result.get("delete_count", 0))
        return deleted

    async def load(self, regions: Sequence[str] | None = None) -> list[ClauseRecord]:
        """Every clause (with its vector) of `regions`, or of all regions if None, for an index rebuild.

        Pages by primary key (keyset pagination), one dependency call per page, so a large
        knowledge base never needs one long request nor hits Milvus's 16,384-row query window.
        """
        if regions is not None and not regions:
            return []
        # Literals are spelled out: milvus-lite rejects filter templates ("{name}" + filter_params).
        base = f"region in {_literal(list(regions))}" if regions is not None else ""
        records: list[ClauseRecord] = []
        cursor: str | None = None
        while True:
            expr = base or 'clause_key != ""'
            if cursor is not None:
                expr = f"clause_key > {_literal(cursor)} and ({expr})"
            page = await self._call(
                "load",
                "query",
                self.collection,
                filter=expr,
                output_fields=[*_FIELDS, _VECTOR_FIELD],
                limit=_LOAD_PAGE,
                **_ORDERED_PAGE_OPTIONS,
            )
            if not page:
                return records
            rows = sorted(page, key=lambda row: row["clause_key"])
            records.extend(
                ClauseRecord(
                    **{name: row[name] for name in _FIELDS},
                    vector=np.asarray(row[_VECTOR_FIELD], dtype=np.float32),
                )
                for row in rows
            )
            # Only an empty page ends the scan: a short page does not prove the server has no more.
            cursor = rows[-1]["clause_key"]

    async def count(self) -> int:
        """Wordings in the collection (each key once, however often it was upserted)."""
        result = await self._call("count", "query", self.collection, filter="", output_fields=["count(*)"])
        return int(result[0]["count(*)"])
