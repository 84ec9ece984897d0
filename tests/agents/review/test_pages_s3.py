"""The review pages' pictures and layouts read from the S3 document store (moto's server), digest checked."""

from __future__ import annotations

import io

import pytest
from PIL import Image

from agents.documents import DocumentSettings
from agents.events import DocumentRef
from agents.review.evidence import DocumentPages
from streams import DigestMismatch
from streams.objectstore_s3 import S3ObjectStore, S3Settings
from tests.agents.review.test_web import claim_pdf
from tests.fixtures.s3 import KEY_ID, REGION, SECRET, S3Server, s3_server

__all__ = ["s3_server"]  # the imported fixture is used by name


@pytest.fixture
def store(s3_server: S3Server) -> S3ObjectStore:
    s3_server.make_buckets("review-eu")
    settings = S3Settings(
        s3_endpoint_url=s3_server.endpoint_url,
        s3_access_key_id=KEY_ID,
        s3_secret_access_key=SECRET,
        s3_region=REGION,
    )
    return S3ObjectStore("s3://review-{region}/", settings=settings)


async def test_a_page_of_a_document_in_s3_is_pictured_and_read(store: S3ObjectStore) -> None:
    stored = store.put(region="EU", claim_id="CLM-EU", filename="claim.pdf", data=claim_pdf())
    doc = DocumentRef(
        uri=stored.uri, filename="claim.pdf", size_bytes=stored.size_bytes, sha256=stored.sha256
    )
    pages = DocumentPages(store, DocumentSettings(), dpi=50)
    [page] = await pages.pages([doc])
    assert page.filename == "claim.pdf" and page.segments
    picture = Image.open(io.BytesIO(await pages.picture(doc, 0)))
    assert picture.format == "PNG" and picture.width > 100


async def test_a_document_whose_digest_differs_is_not_shown(store: S3ObjectStore) -> None:
    stored = store.put(region="EU", claim_id="CLM-X", filename="claim.pdf", data=claim_pdf())
    doc = DocumentRef(uri=stored.uri, filename="claim.pdf", size_bytes=stored.size_bytes, sha256="ab" * 32)
    with pytest.raises(DigestMismatch):
        await DocumentPages(store, DocumentSettings(), dpi=50).picture(doc, 0)


async def test_a_claim_page_shows_the_documents_it_can_and_says_which_one_changed(
    store: S3ObjectStore,
) -> None:
    good = store.put(region="EU", claim_id="CLM-Y", filename="claim.pdf", data=claim_pdf())
    changed = store.put(region="EU", claim_id="CLM-Y", filename="invoice.pdf", data=claim_pdf())
    docs = [
        DocumentRef(uri=good.uri, filename="claim.pdf", size_bytes=good.size_bytes, sha256=good.sha256),
        DocumentRef(uri=changed.uri, filename="invoice.pdf", size_bytes=changed.size_bytes, sha256="cd" * 32),
    ]
    pages, problems = await DocumentPages(store, DocumentSettings(), dpi=50).readable_pages(docs)
    assert [page.filename for page in pages] == ["claim.pdf"]
    assert [(doc.filename, type(exc)) for doc, exc in problems] == [("invoice.pdf", DigestMismatch)]
