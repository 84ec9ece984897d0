"""Seed corpora, built at run time from the sample generator's output (nothing binary is committed).

libFuzzer mutates from its seeds, so they decide which code it reaches first: real claim forms
(digital, scanned and photographed), their text, and the events the pipeline carries.
"""

from __future__ import annotations

import hashlib
import io
import random
import tempfile
from collections.abc import Iterator
from pathlib import Path

from PIL import Image

from agents.tools.fuzz.targets import pack_avro

# Photos of a form are megabytes; seeds this size keep the fuzzer at thousands of inputs a second.
SEED_IMAGE_SIZE = (180, 250)
TEXT_SEED_CHARS = 2048


def write_seeds(kind: str, folder: Path, *, claims: int = 6, seed: int = 11) -> int:
    """Write the seeds of `kind` ("pdf", "image", "text", "avro", "agent") into `folder`; how many."""
    from agents.tools.samples import generate

    folder.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(prefix="claimflow-fuzz-seeds-") as tmp:
        corpus = generate(
            Path(tmp), claims=claims, seed=seed, scanned_share=0.3, photo_share=0.3, hard_share=0.5,
            multi_document_share=0.5,
        )  # fmt: skip
        files = [path for documents in corpus.claim_documents for path in documents]
        makers = {"pdf": _pdfs, "image": _images, "text": _texts, "avro": _events, "agent": _agent_events}
        made = makers[kind](files)
        count = 0
        for data in made:
            (folder / hashlib.sha1(data).hexdigest()).write_bytes(data)
            count += 1
    return count


def _pdfs(files: list[Path]) -> Iterator[bytes]:
    """The digital claim forms and attachments as they are, and small scans of them (image-only PDFs)."""
    import pypdfium2 as pdfium

    for path in files:
        if path.suffix != ".pdf":
            continue
        data = path.read_bytes()
        if len(data) < 64_000:
            yield data
        pdf = pdfium.PdfDocument(data)
        try:
            page = pdf[0].render(scale=0.3, grayscale=True).to_pil()
        finally:
            pdf.close()
        buffer = io.BytesIO()
        page.save(buffer, "PDF")  # a scan: one page, an image and no text layer
        yield buffer.getvalue()


def _small_images(files: list[Path]) -> Iterator[Image.Image]:
    for path in files:
        if path.suffix in (".png", ".jpg", ".jpeg", ".tif", ".tiff"):
            with Image.open(path) as photo:
                yield photo.convert("RGB").resize(SEED_IMAGE_SIZE)


def _images(files: list[Path]) -> Iterator[bytes]:
    """Every photo, small, in every format and mode the reader takes, and a two-page TIFF."""
    photos = list(_small_images(files)) or [Image.new("RGB", SEED_IMAGE_SIZE, "white")]
    for index, photo in enumerate(photos):
        for fmt, mode in (
            ("PNG", "L"),
            ("PNG", "RGBA"),
            ("PNG", "P"),
            ("JPEG", "RGB"),
            ("JPEG", "L"),
            ("TIFF", "1"),
        ):
            buffer = io.BytesIO()
            photo.convert(mode).save(buffer, fmt)
            yield buffer.getvalue()
        buffer = io.BytesIO()
        photo.save(
            buffer, "TIFF", save_all=True, append_images=[photos[(index + 1) % len(photos)].convert("L")]
        )
        yield buffer.getvalue()


def _texts(files: list[Path]) -> Iterator[bytes]:
    """Each document's text layer in pieces, behind a region byte (see `targets._text_and_region`)."""
    from agents.documents import read_document
    from agents.tools.fuzz.harness import ContractOcr

    for index, path in enumerate(files):
        if path.suffix != ".pdf":
            continue
        pages = read_document(path.read_bytes(), filename=path.name, ocr=ContractOcr()).page_texts
        text = "\n".join(page.text for page in pages if page.method == "text")  # scans have no text layer
        for start in range(0, len(text), TEXT_SEED_CHARS):
            yield bytes([index % 4]) + text[start : start + TEXT_SEED_CHARS].encode()


def _events(files: list[Path]) -> Iterator[bytes]:
    """Records of every schema, drawn by fastavro from the schema, and the claims' own submissions."""
    from fastavro.utils import generate_many

    from agents.events import ClaimIngested, DocumentRef
    from agents.tools.fuzz.harness import codecs_by_schema
    from streams import Producer

    codecs = codecs_by_schema()
    names = sorted(codecs)
    state = random.getstate()
    random.seed(0)
    try:
        for index, name in enumerate(names):
            for record in generate_many(codecs[name].schema, 4):
                record["region"] = "EU"
                yield pack_avro(index, codecs[name].encode(record))
    finally:
        random.setstate(state)
    submitter = Producer("claimflow-fuzz", "1")
    for number, path in enumerate(files):
        data = path.read_bytes()
        document = DocumentRef(
            uri=path.as_uri(),
            filename=path.name,
            size_bytes=len(data),
            sha256=hashlib.sha256(data).hexdigest(),
        )
        claim = ClaimIngested.new(
            claim_id=f"CLM-FUZZ-{number:04d}",
            region="EU",
            by=submitter,
            documents=[document],
            submitted_by="fuzz",
        )
        yield pack_avro(names.index("claim_ingested"), codecs["claim_ingested"].encode(claim.to_record()))


def _agent_events(files: list[Path]) -> Iterator[bytes]:
    """For the processor target: each stream agent's index, then a record of the topic it consumes."""
    from agents.tools.fuzz.harness import DecodeHarness

    names = sorted(codecs_by_schema_names())
    by_schema = {name: index for index, name in enumerate(names)}
    for agent_index, harness in enumerate(DecodeHarness.every_agent()):
        schema = harness.harness.topology.topic(harness.topic).schema_name
        for seed in _events(files):
            if seed[0] == by_schema[schema]:
                yield bytes([agent_index]) + seed[1:]


def codecs_by_schema_names() -> list[str]:
    from agents.tools.fuzz.harness import codecs_by_schema

    return list(codecs_by_schema())
