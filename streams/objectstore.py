"""Where claim documents live between submission and reading: S3 (or any S3-compatible store), or a
`file://` folder for tiny setups.

`open_object_store(url)` picks the store by the URL's scheme (`CLAIMFLOW_OBJECT_STORE_URL`):

- `s3://bucket/prefix`: one bucket, a prefix per region (`<prefix>/<region>/<claim_id>/<name>`);
  `s3://docs-{region}/prefix`: a bucket per region (the region's name, lower-cased, in the bucket's);
  see `streams.objectstore_s3`.
- `file:///folder`: `<folder>/<region>/<claim_id>/<name>`.

Either way a region's documents never share a prefix, bucket policy or disk with another's, and a
URI outside the store or outside the region a caller names is refused (`ForbiddenLocation`)
before anything is read. Every call to the store goes through the store's `Dependency`
(timeout, retries with backoff and jitter, circuit breaker), so callers do not wrap it again.

Reads check the digest the claim's event carries (`sha256`): a document changed, truncated or
swapped since submission, or an event that never had a real digest (all zeros), fails for good
(`DigestMismatch`), so its claim is dead-lettered rather than assessed on other bytes.
"""

from __future__ import annotations

import asyncio
import contextlib
import hashlib
import hmac
import re
import uuid
from abc import ABC, abstractmethod
from dataclasses import dataclass
from pathlib import Path
from typing import Protocol
from urllib.parse import unquote, urlparse

from streams.errors import ConfigurationError, PermanentError
from streams.resilience import Dependency

DEPENDENCY_NAME = "object-store"


class ObjectNotFound(PermanentError):
    """The event refers to a document that is not in the object store."""


class ObjectTooLarge(PermanentError):
    """The document is larger than the configured limit."""


class ForbiddenLocation(PermanentError):
    """The URI points outside the object store (a path traversal attempt, another bucket or region)."""


class DigestMismatch(PermanentError):
    """The document's bytes do not hash to the digest its event carries (changed, swapped or never hashed)."""


@dataclass(frozen=True)
class StoredObject:
    """Where a document was stored and what it was."""

    uri: str
    filename: str
    size_bytes: int
    sha256: str


SAFE_NAME = re.compile(r"[^A-Za-z0-9._-]+")
_NO_DIGEST = "0" * 64


def safe_name(name: str, fallback: str = "document") -> str:
    """`name` reduced to letters, digits, `.`, `_` and `-` (no separators, no `..` of its own)."""
    cleaned = SAFE_NAME.sub("_", name).strip(".")
    return cleaned or fallback


def document_name(filename: str) -> str:
    """The last path segment of a client's file name, made safe."""
    return safe_name(Path(filename.replace("\\", "/")).name)


def check_digest(uri: str, data: bytes, sha256: str | None) -> bytes:
    """`data` if it hashes to `sha256` (None: not checked); `DigestMismatch` otherwise.

    Raises:
        DigestMismatch: the digest is missing (all zeros), malformed, or not the bytes' digest.
    """
    if sha256 is None:
        return data
    expected = sha256.strip().lower()
    if expected == _NO_DIGEST or not expected.strip("0"):
        raise DigestMismatch(f"{uri}: the event carries no digest (all zeros); refusing unverified bytes")
    if not re.fullmatch(r"[0-9a-f]{64}", expected):
        raise DigestMismatch(f"{uri}: the event's digest {sha256[:80]!r} is not a SHA-256 hex digest")
    actual = hashlib.sha256(data).hexdigest()
    if not hmac.compare_digest(actual, expected):
        raise DigestMismatch(f"{uri}: {len(data):,} bytes with SHA-256 {actual}, the event says {expected}")
    return data


class ObjectWriter(ABC):
    """One document arriving in pieces: hashed and counted as it streams, invisible until `commit`.

    Nothing is visible at the document's URI until `commit`; `abort` leaves no trace, so a
    request refused halfway (too large, wrong type, a later part malformed) stores nothing.
    """

    def __init__(self, name: str, *, max_bytes: int) -> None:
        self.name = name
        self.max_bytes = max_bytes
        self.size_bytes = 0
        self._digest = hashlib.sha256()

    async def write(self, chunk: bytes) -> None:
        """Append `chunk`; `ObjectTooLarge` as soon as the document passes `max_bytes`."""
        self.size_bytes += len(chunk)
        if self.size_bytes > self.max_bytes:
            raise ObjectTooLarge(f"{self.name} is over the limit of {self.max_bytes:,} bytes")
        self._digest.update(chunk)
        await self._write(chunk)

    @property
    def sha256(self) -> str:
        """The digest of what was written so far."""
        return self._digest.hexdigest()

    @abstractmethod
    async def _write(self, chunk: bytes) -> None: ...

    @abstractmethod
    async def commit(self) -> StoredObject:
        """Make the document visible at its URI, at once and whole."""

    @abstractmethod
    async def abort(self) -> None:
        """Drop the document, staged or committed (its claim was refused after all)."""


class ObjectStore(Protocol):
    """What the intake, the retriever and the review pages need of a document store."""

    def put(self, *, region: str, claim_id: str, filename: str, data: bytes) -> StoredObject:
        """Store `data` (synchronously: `claimflow submit`); the same bytes again is a no-op."""
        ...

    async def writer(self, *, region: str, claim_id: str, filename: str, max_bytes: int) -> ObjectWriter:
        """A writer for one document streamed in pieces (the intake API's uploads)."""
        ...

    async def get(
        self, uri: str, *, max_bytes: int, sha256: str | None = None, region: str | None = None
    ) -> bytes:
        """The document's bytes, checked against `sha256` and, given `region`, its region's location."""
        ...

    def in_region(self, uri: str, region: str) -> bool:
        """True if `uri` is a document of this store in `region`'s bucket or prefix."""
        ...


class FileObjectWriter(ObjectWriter):
    """A document staged in a hidden file next to its final path, renamed into place on commit."""

    def __init__(self, path: Path, *, max_bytes: int) -> None:
        super().__init__(path.name, max_bytes=max_bytes)
        self.path = path
        self._staging = path.with_name(f".{path.name}.{uuid.uuid4().hex[:8]}.part")
        self._file = self._staging.open("xb")
        self._committed = False

    async def _write(self, chunk: bytes) -> None:
        self._file.write(chunk)

    async def commit(self) -> StoredObject:
        """Make the document visible at its URI (an atomic rename)."""
        self._file.close()
        await asyncio.to_thread(self._staging.replace, self.path)
        self._committed = True
        return StoredObject(self.path.as_uri(), self.path.name, self.size_bytes, self.sha256)

    async def abort(self) -> None:
        """Drop the document, staged or committed, and an empty folder."""
        self._file.close()
        self._staging.unlink(missing_ok=True)
        if self._committed:
            self.path.unlink(missing_ok=True)
        with contextlib.suppress(OSError):
            self.path.parent.rmdir()


class FileObjectStore:
    """An object store on a local folder, addressed by `file://` URIs (tiny setups and unit tests)."""

    def __init__(self, root_url: str, dependency: Dependency | None = None) -> None:
        parsed = urlparse(root_url)
        if parsed.scheme != "file":
            raise ConfigurationError(f"a file object store needs a file:// URL, got {root_url!r}")
        self.root = Path(unquote(parsed.path)).resolve()
        self.dependency = dependency or Dependency(DEPENDENCY_NAME)

    def _target(self, region: str, claim_id: str, filename: str) -> Path:
        folder = self.root / safe_name(region) / safe_name(claim_id)
        folder.mkdir(parents=True, exist_ok=True)
        return folder / document_name(filename)

    def put(self, *, region: str, claim_id: str, filename: str, data: bytes) -> StoredObject:
        """Store `data`; writing the same bytes again is a no-op (idempotent submission)."""
        path = self._target(region, claim_id, filename)
        tmp = path.with_suffix(path.suffix + ".part")
        tmp.write_bytes(data)
        tmp.replace(path)
        return StoredObject(path.as_uri(), path.name, len(data), hashlib.sha256(data).hexdigest())

    async def writer(self, *, region: str, claim_id: str, filename: str, max_bytes: int) -> ObjectWriter:
        """A writer for one document streamed in pieces (the intake API's uploads)."""
        return FileObjectWriter(self._target(region, claim_id, filename), max_bytes=max_bytes)

    def _path(self, uri: str) -> Path:
        parsed = urlparse(uri)
        path = Path(unquote(parsed.path)).resolve()
        if parsed.scheme != "file" or not path.is_relative_to(self.root):
            raise ForbiddenLocation(f"{uri!r} is outside the object store {self.root.as_uri()}")
        return path

    def in_region(self, uri: str, region: str) -> bool:
        """True if `uri` lies in `region`'s folder of this store."""
        try:
            path = self._path(uri)
        except ForbiddenLocation:
            return False
        return path.is_relative_to(self.root / safe_name(region))

    async def get(
        self, uri: str, *, max_bytes: int, sha256: str | None = None, region: str | None = None
    ) -> bytes:
        """The document's bytes; `ObjectTooLarge` before reading anything over `max_bytes`."""
        path = self._path(uri)
        if region is not None and not self.in_region(uri, region):
            raise ForbiddenLocation(f"{uri!r} is not in the {region} folder of {self.root.as_uri()}")
        data = await self.dependency.call(asyncio.to_thread, self._read, path, uri, max_bytes)
        return check_digest(uri, data, sha256)

    @staticmethod
    def _read(path: Path, uri: str, max_bytes: int) -> bytes:
        try:
            size = path.stat().st_size
        except FileNotFoundError:
            raise ObjectNotFound(f"no document at {uri}") from None
        if size > max_bytes:
            raise ObjectTooLarge(f"{path.name} is {size:,} bytes; the limit is {max_bytes:,}")
        return path.read_bytes()


def open_object_store(url: str, dependency: Dependency | None = None) -> ObjectStore:
    """The store `url` names: `s3://…` (see `streams.objectstore_s3`) or `file://…`.

    Args:
        url: `CLAIMFLOW_OBJECT_STORE_URL` (`Settings.object_store_root`).
        dependency: The timeouts, retries and breaker every call goes through; one of its own if None.

    Raises:
        ConfigurationError: another scheme, or an S3 URL the S3 settings cannot serve.
    """
    scheme = urlparse(url).scheme
    if scheme == "s3":
        from streams.objectstore_s3 import S3ObjectStore

        return S3ObjectStore(url, dependency=dependency)
    if scheme == "file":
        return FileObjectStore(url, dependency)
    raise ConfigurationError(f"CLAIMFLOW_OBJECT_STORE_URL must be s3://… or file://…, got {url!r}")
