"""Where claim documents live between submission and reading: a `file://` folder locally, S3 in production.

Objects are laid out by region first (`<root>/<region>/<claim_id>/<name>`) so a
region's documents never share a prefix, bucket policy or disk with another's.
"""

from __future__ import annotations

import asyncio
import contextlib
import hashlib
import re
import uuid
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import unquote, urlparse

from streams.errors import ConfigurationError, PermanentError


class ObjectNotFound(PermanentError):
    """The event refers to a document that is not in the object store."""


class ObjectTooLarge(PermanentError):
    """The document is larger than the configured limit."""


class ForbiddenLocation(PermanentError):
    """The URI points outside the object store (a path traversal attempt, or another store)."""


@dataclass(frozen=True)
class StoredObject:
    """Where a document was stored and what it was."""

    uri: str
    filename: str
    size_bytes: int
    sha256: str


_SAFE_NAME = re.compile(r"[^A-Za-z0-9._-]+")


class ObjectWriter:
    """One document arriving in pieces: staged out of sight, hashed and counted as it streams.

    Nothing is visible at the document's URI until `commit`; `abort` leaves no trace, so a
    request refused halfway (too large, wrong type, a later part malformed) stores nothing.
    """

    def __init__(self, path: Path, *, max_bytes: int) -> None:
        self.path = path
        self.max_bytes = max_bytes
        self.size_bytes = 0
        self._digest = hashlib.sha256()
        self._staging = path.with_name(f".{path.name}.{uuid.uuid4().hex[:8]}.part")
        self._file = self._staging.open("xb")
        self._committed = False

    async def write(self, chunk: bytes) -> None:
        """Append `chunk`; `ObjectTooLarge` as soon as the document passes `max_bytes`."""
        self.size_bytes += len(chunk)
        if self.size_bytes > self.max_bytes:
            raise ObjectTooLarge(f"{self.path.name} is over the limit of {self.max_bytes:,} bytes")
        self._digest.update(chunk)
        self._file.write(chunk)

    @property
    def sha256(self) -> str:
        """The digest of what was written so far."""
        return self._digest.hexdigest()

    async def commit(self) -> StoredObject:
        """Make the document visible at its URI (an atomic rename)."""
        self._file.close()
        await asyncio.to_thread(self._staging.replace, self.path)
        self._committed = True
        return StoredObject(self.path.as_uri(), self.path.name, self.size_bytes, self.sha256)

    async def abort(self) -> None:
        """Drop the document, staged or committed (its claim was refused after all), and an empty folder."""
        self._file.close()
        self._staging.unlink(missing_ok=True)
        if self._committed:
            self.path.unlink(missing_ok=True)
        with contextlib.suppress(OSError):
            self.path.parent.rmdir()


class FileObjectStore:
    """An object store on a local folder, addressed by `file://` URIs."""

    def __init__(self, root_url: str) -> None:
        parsed = urlparse(root_url)
        if parsed.scheme != "file":
            raise ConfigurationError(f"only file:// object stores are supported here, got {root_url!r}")
        self.root = Path(unquote(parsed.path)).resolve()

    def _target(self, region: str, claim_id: str, filename: str) -> Path:
        folder = self.root / _SAFE_NAME.sub("_", region) / _SAFE_NAME.sub("_", claim_id)
        folder.mkdir(parents=True, exist_ok=True)
        return folder / (_SAFE_NAME.sub("_", Path(filename).name) or "document")

    def put(self, *, region: str, claim_id: str, filename: str, data: bytes) -> StoredObject:
        """Store `data`; writing the same bytes again is a no-op (idempotent submission)."""
        path = self._target(region, claim_id, filename)
        tmp = path.with_suffix(path.suffix + ".part")
        tmp.write_bytes(data)
        tmp.replace(path)
        return StoredObject(path.as_uri(), path.name, len(data), hashlib.sha256(data).hexdigest())

    async def writer(self, *, region: str, claim_id: str, filename: str, max_bytes: int) -> ObjectWriter:
        """A writer for one document streamed in pieces (the intake API's uploads)."""
        return ObjectWriter(self._target(region, claim_id, filename), max_bytes=max_bytes)

    def _path(self, uri: str) -> Path:
        parsed = urlparse(uri)
        path = Path(unquote(parsed.path)).resolve()
        if parsed.scheme != "file" or not path.is_relative_to(self.root):
            raise ForbiddenLocation(f"{uri!r} is outside the object store {self.root.as_uri()}")
        return path

    async def get(self, uri: str, *, max_bytes: int) -> bytes:
        """The document's bytes; `ObjectTooLarge` before reading anything over `max_bytes`."""
        path = self._path(uri)
        try:
            size = path.stat().st_size
        except FileNotFoundError:
            raise ObjectNotFound(f"no document at {uri}") from None
        if size > max_bytes:
            raise ObjectTooLarge(f"{path.name} is {size:,} bytes; the limit is {max_bytes:,}")
        return await asyncio.to_thread(path.read_bytes)
