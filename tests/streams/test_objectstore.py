"""The file:// document store: the same refusals and digest check as the S3 store (no server needed)."""

from __future__ import annotations

import hashlib

import pytest

from streams import DigestMismatch, FileObjectStore, ForbiddenLocation, open_object_store
from streams.errors import ConfigurationError


@pytest.fixture
def store(tmp_path) -> FileObjectStore:
    return FileObjectStore((tmp_path / "objects").as_uri())


async def test_the_digest_on_the_event_is_checked(store):
    stored = store.put(region="EU", claim_id="C", filename="a.pdf", data=b"bytes")
    assert await store.get(stored.uri, max_bytes=10, sha256=stored.sha256) == b"bytes"
    for wrong in ("0" * 64, hashlib.sha256(b"other").hexdigest(), ""):
        with pytest.raises(DigestMismatch):
            await store.get(stored.uri, max_bytes=10, sha256=wrong)


async def test_traversal_and_other_regions_are_refused(store, tmp_path):
    eu = store.put(region="EU", claim_id="C", filename="../../a.pdf", data=b"eu")
    assert eu.uri.endswith("/objects/EU/C/a.pdf")
    with pytest.raises(ForbiddenLocation):
        await store.get(eu.uri.replace("/EU/C/a.pdf", "/EU/../../secret"), max_bytes=10)
    with pytest.raises(ForbiddenLocation):
        await store.get(eu.uri, max_bytes=10, region="US")
    assert store.in_region(eu.uri, "EU") and not store.in_region(eu.uri, "US")


def test_the_url_picks_the_store(tmp_path):
    assert isinstance(open_object_store(tmp_path.as_uri()), FileObjectStore)
    with pytest.raises(ConfigurationError):
        open_object_store("ftp://x/y")
