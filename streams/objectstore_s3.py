"""Claim documents in S3 or any S3-compatible store, through `obstore`.

Why obstore and not aioboto3: obstore is a thin async binding of Rust's `object_store` (the
library the embedded broker's own `s3://` engine runs on, already proven against the stack's
moto server) with no Python dependencies; aioboto3 pins aiobotocore, which pins botocore to a
narrow range (installing it here would have downgraded boto3/botocore 1.44 → 1.40, multidict and
wrapt under every other package). No threads either: calls are awaited on the event loop.

Layout: `s3://<bucket>/<prefix>/<REGION>/<claim_id>/<name>`. The configured URL names the bucket
and prefix; a `{region}` in the bucket's name makes it a bucket per region (`s3://docs-{region}/`
→ `docs-eu`, `docs-us`): a region's documents never share a prefix, and with a bucket each, not
a bucket policy or a replication rule either. A URI whose bucket is not the one its region's
documents live in, whose key is not the layout's, or that holds `.`/`..`/empty segments or
percent escapes, is refused (`ForbiddenLocation`) before any request is made.

Uploads (`S3ObjectWriter`) stream: the first `s3_part_size_bytes` are kept in memory; a document
that stays smaller (nearly every claim) is one PUT at `commit`, through the store's `Dependency`
(retried, atomic). A larger one becomes a multipart upload streamed as the client sends it, the
parts uploaded while the rest arrives; `commit` completes it (an S3 object appears whole or not
at all), `abort` aborts it (its parts are deleted). A stream cannot be replayed, so that upload
is one attempt under the breaker, each part request retried by the client itself.
"""

from __future__ import annotations

import asyncio
import concurrent.futures
import hashlib
import logging
import re
from collections.abc import AsyncIterator, Awaitable, Callable
from datetime import timedelta
from typing import TYPE_CHECKING, Any, TypeVar
from urllib.parse import urlparse

from pydantic import BaseModel, ConfigDict, Field, SecretStr

from streams.errors import ConfigurationError, DependencyUnavailable, PermanentError
from streams.objectstore import (
    DEPENDENCY_NAME,
    ForbiddenLocation,
    ObjectNotFound,
    ObjectTooLarge,
    ObjectWriter,
    StoredObject,
    check_digest,
    document_name,
    safe_name,
)
from streams.resilience import Dependency
from streams.settings import SettingsSection

if TYPE_CHECKING:
    from obstore.store import S3Store

log = logging.getLogger(__name__)

T = TypeVar("T")
REGION_PLACEHOLDER = "{region}"
MIN_PART_BYTES = 5 * 1024 * 1024  # S3's smallest part (all but the last)
_BUCKET = re.compile(r"[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]")
_SEGMENT = re.compile(r"[A-Za-z0-9._-]+")


class S3RegionAccess(BaseModel):
    """One residency region's own S3 endpoint and credentials (empty fields: the store-wide ones)."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    endpoint_url: str = ""
    access_key_id: str = ""
    secret_access_key: SecretStr = SecretStr("")
    s3_region: str = ""


class S3Settings(SettingsSection):
    """Where the S3-compatible document store is and how to sign in (empty: the AWS defaults).

    `s3_per_region` gives a residency region its own endpoint and credentials, e.g. an EU bucket in
    an EU account reached with EU keys: `CLAIMFLOW_S3_PER_REGION='{"EU": {"endpoint_url":
    "https://s3.eu-central-1.amazonaws.com", "access_key_id": "…", "secret_access_key": "…",
    "s3_region": "eu-central-1"}}'`. A region not named there uses the store-wide settings.
    """

    s3_endpoint_url: str = Field(
        default="", description="S3 endpoint, e.g. http://127.0.0.1:9000; empty: AWS for `s3_region`."
    )
    s3_access_key_id: str = Field(default="", description="Access key; empty: the AWS_* environment.")
    s3_secret_access_key: SecretStr = Field(default=SecretStr(""), description="Secret key.")
    s3_region: str = Field(default="us-east-1", description="The S3 region the buckets are in.")
    s3_part_size_bytes: int = Field(
        default=8 * 1024 * 1024,
        ge=MIN_PART_BYTES,
        description="Uploads up to this size are one PUT; larger ones stream as parts of this size.",
    )
    s3_part_retries: int = Field(
        default=3,
        ge=0,
        description="Retries of one part of a streamed upload (the stream cannot be re-sent).",
    )
    s3_per_region: dict[str, S3RegionAccess] = Field(
        default_factory=dict,
        description="Per residency region (EU, US, ...): its own endpoint_url, access_key_id, "
        "secret_access_key, s3_region (JSON); unset fields and unnamed regions use the settings above.",
    )
    s3_connect_timeout_s: float = Field(default=5.0, gt=0, description="Connect timeout of one request.")
    s3_request_timeout_s: float = Field(default=30.0, gt=0, description="Timeout of one request.")


def _obstore() -> Any:
    try:
        import obstore
    except ImportError as exc:  # pragma: no cover - a core dependency; only a broken install lacks it
        raise ConfigurationError("s3:// object stores need obstore: pip install obstore") from exc
    return obstore


def _run_sync(make: Callable[[], Awaitable[T]]) -> T:
    """Run a coroutine to completion from sync code, in a thread with its own loop.

    Any loop of the caller's is left alone (`claimflow submit` has none; a test or tool may).
    """

    async def run() -> T:
        return await make()

    with concurrent.futures.ThreadPoolExecutor(max_workers=1, thread_name_prefix="s3-sync") as pool:
        return pool.submit(asyncio.run, run()).result()


class S3ObjectStore:
    """Claim documents in S3 buckets, one bucket or prefix per region; every call through `dependency`."""

    def __init__(
        self, url: str, *, dependency: Dependency | None = None, settings: S3Settings | None = None
    ) -> None:
        parsed = urlparse(url)
        if parsed.scheme != "s3" or not parsed.netloc or parsed.query or parsed.fragment:
            raise ConfigurationError(f"an S3 object store URL is s3://bucket[/prefix], got {url!r}")
        self.url = url
        self.bucket_template = parsed.netloc
        if not _BUCKET.fullmatch(self.bucket_template.replace(REGION_PLACEHOLDER, "eu")):
            raise ConfigurationError(f"{url!r}: {self.bucket_template!r} is not an S3 bucket name")
        self.prefix = tuple(s for s in parsed.path.split("/") if s)
        if REGION_PLACEHOLDER in parsed.path or any(
            not _SEGMENT.fullmatch(s) or s in {".", ".."} for s in self.prefix
        ):
            raise ConfigurationError(f"{url!r}: the prefix may hold letters, digits, '.', '_', '-' only")
        self.settings = settings or S3Settings.current()
        self.dependency = dependency or Dependency(DEPENDENCY_NAME)
        self._stores: dict[tuple[str, str, bool], S3Store] = {}

    # -- where things are --------------------------------------------------------------------

    @property
    def per_region_buckets(self) -> bool:
        return REGION_PLACEHOLDER in self.bucket_template

    def bucket_for(self, region: str) -> str:
        """The bucket `region`'s documents live in."""
        return self.bucket_template.replace(REGION_PLACEHOLDER, safe_name(region).lower())

    def _key(self, region: str, claim_id: str, filename: str) -> str:
        return "/".join((*self.prefix, safe_name(region), safe_name(claim_id), document_name(filename)))

    def locate(self, uri: str) -> tuple[str, str, str]:
        """(bucket, key, region) of a document URI of this store; `ForbiddenLocation` for anything else."""
        parsed = urlparse(uri)
        if parsed.scheme != "s3" or parsed.params or parsed.query or parsed.fragment or "%" in uri:
            raise ForbiddenLocation(f"{uri!r} is not a document URI of {self.url}")
        bucket, key = parsed.netloc, parsed.path.removeprefix("/")
        segments = key.split("/")
        if "\\" in key or any(s in {"", ".", ".."} or not _SEGMENT.fullmatch(s) for s in segments):
            raise ForbiddenLocation(f"{uri!r}: a key with an empty, '.', '..' or unsafe segment")
        n = len(self.prefix)
        if len(segments) != n + 3 or tuple(segments[:n]) != self.prefix:
            raise ForbiddenLocation(f"{uri!r} is outside the prefix of {self.url}")
        region = segments[n]
        if bucket != self.bucket_for(region):
            raise ForbiddenLocation(f"{uri!r}: {region} documents live in bucket {self.bucket_for(region)!r}")
        return bucket, key, region

    def in_region(self, uri: str, region: str) -> bool:
        """True if `uri` is a document of this store in `region`'s bucket and prefix."""
        try:
            return self.locate(uri)[2] == safe_name(region)
        except ForbiddenLocation:
            return False

    def access_for(self, region: str) -> tuple[str, str, SecretStr, str]:
        """(endpoint, access key id, secret key, S3 region) that `region`'s documents are reached with."""
        s = self.settings
        own = s.s3_per_region.get(safe_name(region).upper()) or S3RegionAccess()
        if own.access_key_id:
            key_id, secret = own.access_key_id, own.secret_access_key
        else:
            key_id, secret = s.s3_access_key_id, s.s3_secret_access_key
        return own.endpoint_url or s.s3_endpoint_url, key_id, secret, own.s3_region or s.s3_region

    def _store(self, bucket: str, key: str, *, streaming: bool = False) -> S3Store:
        """The client for `key` in `bucket`, signed in as the key's region: without retries of its own
        (the Dependency retries), or with part retries."""
        region = key.split("/")[len(self.prefix)].upper()
        found = self._stores.get((bucket, region, streaming))
        if found is None:
            from obstore.store import S3Store

            s = self.settings
            endpoint, key_id, secret, s3_region = self.access_for(region)
            config: dict[str, Any] = {"region": s3_region}
            if endpoint:
                config["endpoint"] = endpoint
            if key_id:
                config["access_key_id"] = key_id
                config["secret_access_key"] = secret.get_secret_value()
            found = self._stores[(bucket, region, streaming)] = S3Store(
                bucket,
                config=config,  # type: ignore[arg-type]  # keys checked by obstore at run time
                client_options={
                    "allow_http": endpoint.startswith("http://"),
                    "connect_timeout": timedelta(seconds=s.s3_connect_timeout_s),
                    "timeout": timedelta(seconds=s.s3_request_timeout_s),
                },
                retry_config={
                    "max_retries": s.s3_part_retries if streaming else 0,
                    "backoff": {
                        "init_backoff": timedelta(milliseconds=100),
                        "max_backoff": timedelta(seconds=5),
                        "base": 2,
                    },
                    "retry_timeout": timedelta(seconds=s.s3_request_timeout_s * (1 + s.s3_part_retries)),
                },
            )
        return found

    # -- writes ------------------------------------------------------------------------------

    async def _put(self, bucket: str, key: str, data: bytes) -> None:
        await self.dependency.call(
            _obstore().put_async, self._store(bucket, key), key, data, use_multipart=False
        )

    def put(self, *, region: str, claim_id: str, filename: str, data: bytes) -> StoredObject:
        """Store `data` (one PUT; the same bytes again is a no-op); sync, for `claimflow submit`."""
        bucket, key = self.bucket_for(region), self._key(region, claim_id, filename)
        _run_sync(lambda: self._put(bucket, key, data))
        return StoredObject(
            f"s3://{bucket}/{key}", key.rsplit("/", 1)[1], len(data), hashlib.sha256(data).hexdigest()
        )

    async def writer(self, *, region: str, claim_id: str, filename: str, max_bytes: int) -> ObjectWriter:
        """A writer for one document streamed in pieces (the intake API's uploads)."""
        return S3ObjectWriter(
            self, self.bucket_for(region), self._key(region, claim_id, filename), max_bytes=max_bytes
        )

    async def delete(self, uri: str) -> None:
        """Remove a document (missing already is fine)."""
        bucket, key, _ = self.locate(uri)
        await self.dependency.call(_obstore().delete_async, self._store(bucket, key), key)

    # -- reads -------------------------------------------------------------------------------

    async def get(
        self, uri: str, *, max_bytes: int, sha256: str | None = None, region: str | None = None
    ) -> bytes:
        """The document's bytes: `ObjectTooLarge` before its body is read when it is over `max_bytes`;
        `DigestMismatch` when they are not what `sha256` says; `ForbiddenLocation` outside `region`."""
        bucket, key, where = self.locate(uri)
        if region is not None and where != safe_name(region):
            raise ForbiddenLocation(f"{uri!r} is a {where} document, not a {region} one")
        data = await self.dependency.call(self._read, bucket, key, uri, max_bytes)
        return check_digest(uri, data, sha256)

    async def _read(self, bucket: str, key: str, uri: str, max_bytes: int) -> bytes:
        try:
            result = await _obstore().get_async(self._store(bucket, key), key)
        except FileNotFoundError:
            raise ObjectNotFound(f"no document at {uri}") from None
        size = int(result.meta["size"])
        if size > max_bytes:
            raise ObjectTooLarge(f"{uri} is {size:,} bytes; the limit is {max_bytes:,}")
        data = bytes(await result.bytes_async())
        if len(data) > max_bytes:  # a server that lied about the length
            raise ObjectTooLarge(f"{uri} is over the limit of {max_bytes:,} bytes")
        return data


class _End:
    """The end of a streamed upload's pieces."""


class _Aborted(PermanentError):
    """Raised inside a streamed upload's pieces to make the client abort the multipart upload.

    Not the store failing: the breaker does not count it."""


class S3ObjectWriter(ObjectWriter):
    """One document uploaded as it arrives: a PUT at commit if small, else a streamed multipart upload."""

    def __init__(self, store: S3ObjectStore, bucket: str, key: str, *, max_bytes: int) -> None:
        super().__init__(key.rsplit("/", 1)[1], max_bytes=max_bytes)
        self.store, self.bucket, self.key = store, bucket, key
        self.uri = f"s3://{bucket}/{key}"
        self.part_size = store.settings.s3_part_size_bytes
        self._buffer = bytearray()
        self._pieces: asyncio.Queue[bytes | _End | _Aborted] | None = None
        self._upload: asyncio.Task[Any] | None = None
        self._committed = False

    @property
    def streaming(self) -> bool:
        """True once the document outgrew one part and a multipart upload runs."""
        return self._upload is not None

    async def _write(self, chunk: bytes) -> None:
        if self._upload is None:
            self._buffer += chunk
            if len(self._buffer) >= self.part_size:
                self._start_upload()
                first, self._buffer = bytes(self._buffer), bytearray()
                await self._feed(first)
            return
        await self._feed(bytes(chunk))

    def _start_upload(self) -> None:
        # Pieces are small (the multipart parser's chunks); the client gathers them into parts.
        self._pieces = asyncio.Queue(maxsize=64)
        store = self.store._store(self.bucket, self.key, streaming=True)
        ob = _obstore()

        def upload() -> Awaitable[Any]:
            return ob.put_async(
                store,
                self.key,
                self._drain(),
                use_multipart=True,
                chunk_size=self.part_size,
                max_concurrency=2,
            )

        self._upload = asyncio.create_task(self.store.dependency.call_once(upload))

    async def _drain(self) -> AsyncIterator[bytes]:
        assert self._pieces is not None
        while True:
            piece = await self._pieces.get()
            if isinstance(piece, _End):
                return
            if isinstance(piece, _Aborted):
                raise piece
            yield piece

    async def _feed(self, piece: bytes | _End | _Aborted) -> None:
        """Hand a piece to the upload, waiting while its queue is full; the upload's error if it failed."""
        assert self._pieces is not None and self._upload is not None
        if self._upload.done():
            self._upload.result()  # raises what ended it
            raise DependencyUnavailable(f"{self.uri}: the upload ended before the document did")
        put = asyncio.ensure_future(self._pieces.put(piece))
        done, _ = await asyncio.wait({put, self._upload}, return_when=asyncio.FIRST_COMPLETED)
        if put not in done:
            put.cancel()
            self._upload.result()

    async def commit(self) -> StoredObject:
        """Make the document visible: its one PUT, or the multipart upload completed."""
        if self._upload is None:
            await self.store._put(self.bucket, self.key, bytes(self._buffer))
        else:
            await self._feed(_End())
            policy = self.store.dependency.policy
            async with asyncio.timeout(policy.timeout_s * policy.attempts):
                await self._upload
        self._buffer = bytearray()
        self._committed = True
        return StoredObject(self.uri, self.name, self.size_bytes, self.sha256)

    async def abort(self) -> None:
        """Leave nothing: the multipart upload aborted (its parts deleted), a committed object deleted."""
        self._buffer = bytearray()
        if self._upload is not None and not self._upload.done():
            assert self._pieces is not None
            # The client aborts the multipart upload when the stream it reads raises; what is
            # queued would be uploaded for nothing, so it goes first.
            while not self._pieces.empty():
                self._pieces.get_nowait()
            self._pieces.put_nowait(_Aborted("the claim was refused"))
            try:
                await self._upload
            except Exception as exc:
                log.debug("upload of %s aborted: %s", self.uri, exc)
        if self._committed:
            await self.store.delete(self.uri)
            self._committed = False
