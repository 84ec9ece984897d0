"""The S3 document store against a real S3-compatible server (moto's, as the embedded stack runs it)."""

from __future__ import annotations

import asyncio
import hashlib
import uuid

import pytest
from pydantic import SecretStr

from streams import (
    DependencyUnavailable,
    DigestMismatch,
    ForbiddenLocation,
    ObjectNotFound,
    ObjectTooLarge,
    devstack,
    get_settings,
    load_topology,
    open_object_store,
    reload_settings,
)
from streams.errors import ConfigurationError
from streams.objectstore_s3 import MIN_PART_BYTES, S3ObjectStore, S3ObjectWriter, S3RegionAccess, S3Settings
from streams.resilience import Dependency, RetryPolicy
from tests.fixtures.s3 import KEY_ID, REGION, SECRET, S3Server, s3_server
from tests.fixtures.waiting import NotYet, eventually_async

__all__ = ["s3_server"]  # the imported fixture is used by name

MiB = 1024 * 1024


def _settings(server: S3Server, **more: object) -> S3Settings:
    return S3Settings(
        s3_endpoint_url=server.endpoint_url,
        s3_access_key_id=KEY_ID,
        s3_secret_access_key=SECRET,
        s3_region=REGION,
        s3_part_size_bytes=MIN_PART_BYTES,
        s3_request_timeout_s=5,
        **more,
    )


@pytest.fixture
def buckets(s3_server: S3Server) -> tuple[str, str]:
    """A fresh per-region bucket template and its EU and US buckets on the module's server."""
    template = f"docs-{uuid.uuid4().hex[:8]}-{{region}}"
    s3_server.make_buckets(template.format(region="eu"), template.format(region="us"))
    return template.format(region="eu"), template.format(region="us")


def _store(server: S3Server, eu_bucket: str, dependency: Dependency | None = None) -> S3ObjectStore:
    template = eu_bucket.removesuffix("-eu") + "-{region}"
    return S3ObjectStore(f"s3://{template}/claims", dependency=dependency, settings=_settings(server))


def _digest(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


async def test_a_document_goes_to_its_regions_bucket_and_comes_back(s3_server, buckets):
    eu, us = buckets
    store = _store(s3_server, eu)
    name = "../../etc/claim form.pdf"
    stored = store.put(region="EU", claim_id="CLM-1", filename=name, data=b"%PDF-1.7 eu")
    assert stored.uri == f"s3://{eu}/claims/EU/CLM-1/claim_form.pdf"
    assert s3_server.keys(eu) == ["claims/EU/CLM-1/claim_form.pdf"]
    assert s3_server.keys(us) == []
    data = await store.get(stored.uri, max_bytes=100, sha256=stored.sha256, region="EU")
    assert data == b"%PDF-1.7 eu"
    assert store.in_region(stored.uri, "EU") and not store.in_region(stored.uri, "US")


async def test_one_bucket_keeps_a_prefix_per_region(s3_server):
    bucket = f"one-{uuid.uuid4().hex[:8]}"
    s3_server.make_buckets(bucket)
    store = S3ObjectStore(f"s3://{bucket}/docs", settings=_settings(s3_server))
    eu = store.put(region="EU", claim_id="C", filename="a.pdf", data=b"eu")
    us = store.put(region="US", claim_id="C", filename="a.pdf", data=b"us")
    assert sorted(s3_server.keys(bucket)) == ["docs/EU/C/a.pdf", "docs/US/C/a.pdf"]
    assert await store.get(us.uri, max_bytes=10, sha256=us.sha256, region="US") == b"us"
    with pytest.raises(ForbiddenLocation):
        await store.get(eu.uri, max_bytes=10, region="US")


async def test_a_small_upload_is_invisible_until_commit_and_gone_after_abort(s3_server, buckets):
    eu, _ = buckets
    store = _store(s3_server, eu)
    writer = await store.writer(region="EU", claim_id="CLM-2", filename="claim.pdf", max_bytes=MiB)
    for piece in (b"%PDF", b"-1.7 ", b"body"):
        await writer.write(piece)
    assert s3_server.keys(eu) == []
    stored = await writer.commit()
    assert stored.sha256 == _digest(b"%PDF-1.7 body") and stored.size_bytes == 13
    assert s3_server.keys(eu) == ["claims/EU/CLM-2/claim.pdf"]
    await writer.abort()  # the claim was refused after its documents were committed
    assert s3_server.keys(eu) == []


async def test_a_large_upload_streams_as_a_multipart_upload_visible_only_once_complete(s3_server, buckets):
    eu, _ = buckets
    store = _store(s3_server, eu)
    writer = await store.writer(region="EU", claim_id="CLM-3", filename="big.pdf", max_bytes=64 * MiB)
    assert isinstance(writer, S3ObjectWriter)
    piece = bytes(range(256)) * 4096  # 1 MiB
    for _ in range(12):
        await writer.write(piece)
    assert writer.streaming

    async def upload_started() -> None:
        if s3_server.uploads(eu) != ["claims/EU/CLM-3/big.pdf"]:
            raise NotYet("no multipart upload yet")

    await eventually_async(upload_started, timeout_s=20)
    assert s3_server.keys(eu) == []
    stored = await writer.commit()
    assert s3_server.keys(eu) == ["claims/EU/CLM-3/big.pdf"] and s3_server.uploads(eu) == []
    data = await store.get(stored.uri, max_bytes=64 * MiB, sha256=_digest(piece * 12))
    assert len(data) == 12 * MiB == stored.size_bytes


async def test_an_aborted_streamed_upload_leaves_no_object_and_no_parts(s3_server, buckets):
    eu, _ = buckets
    store = _store(s3_server, eu)
    writer = await store.writer(region="EU", claim_id="CLM-4", filename="big.pdf", max_bytes=64 * MiB)
    for _ in range(7):
        await writer.write(b"x" * MiB)
    assert isinstance(writer, S3ObjectWriter) and writer.streaming
    await writer.abort()
    assert s3_server.keys(eu) == [] and s3_server.uploads(eu) == []


async def test_an_upload_over_the_limit_is_refused_and_leaves_nothing(s3_server, buckets):
    eu, _ = buckets
    store = _store(s3_server, eu)
    writer = await store.writer(region="EU", claim_id="CLM-5", filename="big.pdf", max_bytes=6 * MiB)
    with pytest.raises(ObjectTooLarge):
        for _ in range(8):
            await writer.write(b"y" * MiB)
    await writer.abort()
    assert s3_server.keys(eu) == [] and s3_server.uploads(eu) == []


async def test_reads_are_limited_and_missing_documents_are_permanent(s3_server, buckets):
    eu, _ = buckets
    store = _store(s3_server, eu)
    stored = store.put(region="EU", claim_id="CLM-6", filename="a.pdf", data=b"z" * 1000)
    with pytest.raises(ObjectTooLarge):
        await store.get(stored.uri, max_bytes=999)
    with pytest.raises(ObjectNotFound):
        await store.get(stored.uri.replace("a.pdf", "b.pdf"), max_bytes=999)


@pytest.mark.parametrize(
    "uri",
    [
        "s3://{eu}/claims/EU/CLM-7/../../US/CLM-7/a.pdf",
        "s3://{eu}/claims/EU/CLM-7/%2e%2e/a.pdf",
        "s3://{eu}/claims/EU//a.pdf",
        "s3://{eu}/claims/EU/CLM-7/./a.pdf",
        "s3://{eu}/claims/US/CLM-7/a.pdf",  # a US key in the EU bucket
        "s3://{us}/claims/EU/CLM-7/a.pdf",  # an EU key in the US bucket
        "s3://someone-elses-bucket/claims/EU/CLM-7/a.pdf",
        "s3://{eu}/other/EU/CLM-7/a.pdf",
        "s3://{eu}/claims/EU/CLM-7/sub/a.pdf",
        "file:///etc/passwd",
        "https://{eu}.s3.amazonaws.com/claims/EU/CLM-7/a.pdf",
    ],
)
async def test_a_location_outside_the_store_or_the_region_is_refused(s3_server, buckets, uri):
    eu, us = buckets
    store = _store(s3_server, eu)
    with pytest.raises(ForbiddenLocation):
        await store.get(uri.format(eu=eu, us=us), max_bytes=100)


async def test_another_regions_document_is_refused_to_a_caller_of_this_region(s3_server, buckets):
    eu, _ = buckets
    store = _store(s3_server, eu)
    us = store.put(region="US", claim_id="CLM-8", filename="a.pdf", data=b"us")
    with pytest.raises(ForbiddenLocation):
        await store.get(us.uri, max_bytes=10, region="EU")


@pytest.mark.parametrize("digest", ["0" * 64, _digest(b"something else"), "not-a-digest"])
async def test_a_document_that_is_not_what_its_event_says_fails_for_good(s3_server, buckets, digest):
    eu, _ = buckets
    store = _store(s3_server, eu)
    stored = store.put(region="EU", claim_id="CLM-9", filename="a.pdf", data=b"the bytes")
    with pytest.raises(DigestMismatch) as caught:
        await store.get(stored.uri, max_bytes=100, sha256=digest)
    assert not caught.value.retryable
    assert not store.dependency.is_open  # the input's fault, not the store's


def test_bad_urls_are_configuration_errors(s3_server):
    for url in ("s3://", "s3://Bad_Bucket/x", "s3://docs/{region}/x", "s3://docs/a/../b"):
        with pytest.raises(ConfigurationError):
            S3ObjectStore(url, settings=_settings(s3_server))
    assert isinstance(open_object_store("s3://docs-{region}/"), S3ObjectStore)


async def test_the_breaker_opens_while_the_server_is_away_and_closes_when_it_is_back(tmp_path):
    server = S3Server()
    server.start()
    try:
        server.make_buckets("brk-eu")
        policy = RetryPolicy(
            timeout_s=3, attempts=2, backoff_initial_s=0.05, breaker_fail_max=2, breaker_reset_s=1
        )
        dependency = Dependency("object-store", policy)
        store = S3ObjectStore("s3://brk-{region}/", dependency=dependency, settings=_settings(server))
        stored = store.put(region="EU", claim_id="C", filename="a.pdf", data=b"doc")
        server.stop()
        with pytest.raises(DependencyUnavailable):
            await store.get(stored.uri, max_bytes=10, sha256=stored.sha256)
        assert dependency.is_open
        with pytest.raises(DependencyUnavailable, match="circuit breaker is open"):
            await store.get(stored.uri, max_bytes=10, sha256=stored.sha256)
        server.start()  # empty again: moto keeps objects in memory
        server.make_buckets("brk-eu")
        server.client().put_object(Bucket="brk-eu", Key="EU/C/a.pdf", Body=b"doc")

        async def closed() -> bytes:
            try:
                return await store.get(stored.uri, max_bytes=10, sha256=stored.sha256)
            except DependencyUnavailable as exc:
                raise NotYet(str(exc)) from exc

        assert await eventually_async(closed, timeout_s=20) == b"doc"
        assert not dependency.is_open
    finally:
        server.stop()


async def test_a_sync_put_works_inside_a_running_loop(s3_server, buckets):
    eu, _ = buckets
    store = _store(s3_server, eu)
    stored = await asyncio.to_thread(store.put, region="EU", claim_id="C", filename="a.pdf", data=b"a")
    again = store.put(region="EU", claim_id="C", filename="a.pdf", data=b"a")  # called on the loop itself
    assert stored == again


def test_dev_up_makes_a_bucket_per_declared_region(s3_server, tmp_path):
    stack = devstack.StackInfo(
        state_dir=tmp_path,
        kafka_bootstrap="",
        postgres_dsn="",
        redis_url="",
        milvus_uri="",
        object_store_url=devstack.DOCUMENTS_URL,
        s3_endpoint_url=s3_server.endpoint_url,
        s3_access_key_id=KEY_ID,
        s3_secret_access_key=SECRET,
    )
    made = devstack.ensure_document_buckets(stack)
    assert made == [
        f"claimflow-documents-{r.lower()}"
        for r in sorted(load_topology(get_settings().topology_file).regions)
    ]
    names = {b["Name"] for b in s3_server.client().list_buckets()["Buckets"]}
    assert set(made) <= names
    assert devstack.ensure_document_buckets(stack) == made  # again: nothing to do, no error


def test_a_folder_is_used_for_documents_only_when_asked_for(tmp_path, monkeypatch):
    try:
        monkeypatch.delenv("CLAIMFLOW_DEV_OBJECT_STORE", raising=False)
        reload_settings()
        assert devstack.documents_url(tmp_path) == devstack.DOCUMENTS_URL
        monkeypatch.setenv("CLAIMFLOW_DEV_OBJECT_STORE", "file")
        reload_settings()
        assert devstack.documents_url(tmp_path) == (tmp_path / "objects").as_uri()
    finally:
        monkeypatch.undo()
        reload_settings()


async def test_a_region_can_have_its_own_endpoint_and_credentials(
    s3_server: S3Server, buckets: tuple[str, str], monkeypatch: pytest.MonkeyPatch
) -> None:
    """EU documents go to the EU endpoint signed with EU keys; US ones to the store-wide endpoint."""
    eu_bucket, us_bucket = buckets
    eu_server = S3Server()
    eu_server.start()
    try:
        eu_server.make_buckets(eu_bucket)
        eu_access = S3RegionAccess(
            endpoint_url=eu_server.endpoint_url,
            access_key_id="eu-key",
            secret_access_key=SecretStr("eu-secret"),
            s3_region="eu-central-1",
        )
        template = eu_bucket.removesuffix("-eu") + "-{region}"
        store = S3ObjectStore(
            f"s3://{template}/claims", settings=_settings(s3_server, s3_per_region={"EU": eu_access})
        )
        eu = store.put(region="EU", claim_id="C1", filename="a.pdf", data=b"eu bytes")
        writer = await store.writer(region="EU", claim_id="C2", filename="b.pdf", max_bytes=100)
        await writer.write(b"streamed eu bytes")
        await writer.commit()
        us = store.put(region="US", claim_id="C3", filename="a.pdf", data=b"us bytes")

        assert sorted(eu_server.keys(eu_bucket)) == ["claims/EU/C1/a.pdf", "claims/EU/C2/b.pdf"]
        assert s3_server.keys(eu_bucket) == [] and s3_server.keys(us_bucket) == ["claims/US/C3/a.pdf"]
        assert await store.get(eu.uri, max_bytes=100, sha256=eu.sha256, region="EU") == b"eu bytes"
        assert await store.get(us.uri, max_bytes=100, sha256=us.sha256, region="US") == b"us bytes"
        endpoint, key_id, secret, region = store.access_for("EU")
        assert (endpoint, key_id, secret.get_secret_value(), region) == (
            eu_server.endpoint_url, "eu-key", "eu-secret", "eu-central-1",
        )  # fmt: skip
        assert store.access_for("US")[:2] == (s3_server.endpoint_url, KEY_ID)
        assert "eu-secret" not in repr(store.settings) and "eu-secret" not in str(store.settings)
    finally:
        eu_server.stop()

    # The same from the environment, as a deployment sets it.
    monkeypatch.setenv(
        "CLAIMFLOW_S3_PER_REGION",
        '{"EU": {"endpoint_url": "https://s3.eu-central-1.example", "access_key_id": "k", '
        '"secret_access_key": "s", "s3_region": "eu-central-1"}}',
    )
    from_env = S3Settings().s3_per_region["EU"]
    assert (from_env.access_key_id, from_env.secret_access_key.get_secret_value()) == ("k", "s")
