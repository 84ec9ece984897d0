"""Where claim documents live between submission and reading: a `file://` folder locally, S3 in production.

Objects are laid out by region first (`<root>/<region>/<claim_id>/<name>`) so a
region's documents never share a prefix, bucket policy or disk with another's.
"""

from __future__ import annotations

import asyncio
import hashlib
import re
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


class FileObjectStore:
    """An object store on a local folder, addressed by `file://` URIs."""

    def __init__(self, root_url: str) -> None:
        parsed = urlparse(root_url)
        if parsed.scheme != "file":
            raise ConfigurationError(f"only file:// object stores are supported here, got {root_url!r}")
        self.root = Path(unquote(parsed.path)).resolve()

    def put(self, *, region: str, claim_id: str, filename: str, data: bytes) -> StoredObject:
        """Store `data`; writing the same bytes again is a no-op (idempotent submission)."""
        folder = self.root / _SAFE_NAME.sub("_", region) / _SAFE_NAME.sub("_", claim_id)
        folder.mkdir(parents=True, exist_ok=True)
        path = folder / (_SAFE_NAME.sub("_", Path(filename).name) or "document")
        tmp = path.with_suffix(path.suffix + ".part")
        tmp.write_bytes(data)
        tmp.replace(path)
        return StoredObject(path.as_uri(), path.name, len(data), hashlib.sha256(data).hexdigest())

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
