"""The document reader over broken and hostile files: every outcome is text or a `DocumentError`.

PDFs are real (reportlab, and the sample generator's claim forms and scans), then truncated,
overwritten and spliced; images are real PNG, JPEG and TIFF files of every size from one
pixel up, in every mode Pillow writes, broken the same way; and hand-made headers claim sizes
and frame counts no upload should have. OCR is the one part replaced: `ContractOcr` (shared
with the fuzz targets) checks that the reader hands it what the OCR helper expects (a non-empty
2-D uint8 page no larger than rapidocr's working size) and answers with a line of text;
tests/agents/documents/test_ocr.py runs the real models.
"""

from __future__ import annotations

import io
import struct
import zlib

import pytest
from hypothesis import example, given
from hypothesis import strategies as st
from PIL import Image
from reportlab.pdfgen import canvas

from agents.documents import DocumentError, DocumentText, read_document
from agents.tools.fuzz.harness import ContractOcr
from agents.tools.samples import generate
from tests.fuzz.strategies import heavy, mutated

# Pillow warns about every broken tag it skips; what matters here is what it raises.
pytestmark = pytest.mark.filterwarnings("ignore::UserWarning")


def _read(data: bytes) -> DocumentText | DocumentError:
    """What the reader does with `data` under small limits: its text, or the error it raised."""
    try:
        document = read_document(
            data, filename="upload", max_pages=8, max_pixels=4_000_000, ocr=ContractOcr()
        )
    except DocumentError as exc:
        assert str(exc).startswith("upload: ")
        assert exc.retryable is False
        return exc
    assert document.page_texts and any(page.text.strip() for page in document.page_texts)
    for page in document.page_texts:
        assert page.method in ("text", "ocr") and 0.0 <= page.confidence <= 1.0
        for segment in page.segments:
            assert segment.start == -1 or page.text[segment.start : segment.end] == segment.text
    return document


@pytest.fixture(scope="module")
def samples(tmp_path_factory: pytest.TempPathFactory) -> list[bytes]:
    """The sample generator's own documents: a digital claim form, a scanned one, small photos."""
    corpus = generate(
        tmp_path_factory.mktemp("samples"), claims=4, seed=11, scanned_share=0.34, photo_share=0.33
    )
    found = []
    for path in (p for docs in corpus.claim_documents for p in docs):
        if path.suffix == ".pdf":
            found.append(path.read_bytes())
            continue
        with Image.open(path) as photo:  # a 4 MB photo, made small so each example stays fast
            small = photo.convert("L").resize((240, 340))
        for fmt in ("PNG", "JPEG", "TIFF"):
            buffer = io.BytesIO()
            small.save(buffer, fmt)
            found.append(buffer.getvalue())
    return found


page_texts = st.lists(st.text(max_size=80) | st.none(), min_size=1, max_size=3)


def _pdf(pages: list[str | None], size: tuple[float, float]) -> bytes:
    buffer = io.BytesIO()
    pdf = canvas.Canvas(buffer, pagesize=size, invariant=1)
    for text in pages:
        if text is None:
            pdf.rect(10, 10, 50, 50, fill=1)
        else:
            pdf.drawString(10, size[1] / 2, text.encode("latin-1", "replace").decode("latin-1"))
        pdf.showPage()
    pdf.save()
    return buffer.getvalue()


page_sizes = st.tuples(st.floats(1, 5000), st.floats(1, 5000))


@given(page_texts, page_sizes)
def test_any_generated_pdf_reads_to_text_or_a_document_error(pages: list[str | None], size: tuple) -> None:
    _read(_pdf(pages, size))


@given(st.data(), page_texts)
def test_a_broken_pdf_reads_to_text_or_a_document_error(data: st.DataObject, pages: list[str | None]) -> None:
    _read(data.draw(mutated(_pdf(pages, (612, 792)), max_edits=6)))


@heavy(share=4)
@given(data=st.data())
def test_a_broken_sample_document_reads_to_text_or_a_document_error(
    data: st.DataObject, samples: list[bytes]
) -> None:
    original = data.draw(st.sampled_from(samples))
    _read(data.draw(mutated(original, max_edits=3)))


image_modes = st.sampled_from(["1", "L", "P", "RGB", "RGBA", "I;16", "CMYK", "LA"])
image_formats = st.sampled_from(["PNG", "JPEG", "TIFF"])


@st.composite
def images(draw: st.DrawFn) -> bytes:
    """A real image file: any size from one pixel, any mode the format takes, maybe several frames."""
    width, height = draw(st.integers(1, 300)), draw(st.integers(1, 300))
    fmt, mode = draw(image_formats), draw(image_modes)
    pixels = draw(st.integers(0, 255))
    frames = [Image.new("L", (width, height), pixels).convert(mode) for _ in range(draw(st.integers(1, 3)))]
    buffer = io.BytesIO()
    try:
        frames[0].save(buffer, fmt, save_all=fmt == "TIFF", append_images=frames[1:])
    except (OSError, KeyError, ValueError):  # a mode the format cannot hold (JPEG with alpha, ...)
        buffer = io.BytesIO()
        frames[0].convert("L").save(buffer, fmt)
    return buffer.getvalue()


def _png(width: int, height: int, pixels: bytes = b"") -> bytes:
    """A PNG whose header says `width` x `height`, whatever the pixel data really holds."""

    def chunk(kind: bytes, body: bytes) -> bytes:
        return struct.pack(">I", len(body)) + kind + body + struct.pack(">I", zlib.crc32(kind + body))

    header = struct.pack(">IIBBBBB", width, height, 8, 0, 0, 0, 0)
    return (
        b"\x89PNG\r\n\x1a\n"
        + chunk(b"IHDR", header)
        + chunk(b"IDAT", zlib.compress(pixels))
        + chunk(b"IEND", b"")
    )


@given(images())
@example(_png(0, 0))  # zero-size images
@example(_png(0, 100))
@example(_png(1, 1, b"\x00\xff"))
@example(_png(100_000, 100_000, b"\x00" * 64))  # a decompression bomb's header
@example(_png(3000, 2000, bytes(3001 * 2000)))  # over max_pixels, real data
def test_any_image_reads_to_text_or_a_document_error(data: bytes) -> None:
    _read(data)


@given(st.data(), images())
def test_a_broken_image_reads_to_text_or_a_document_error(data: st.DataObject, image: bytes) -> None:
    _read(data.draw(mutated(image)))


MAGIC = [b"%PDF-1.7\n", b"\x89PNG\r\n\x1a\n", b"\xff\xd8\xff", b"II*\x00", b"MM\x00*", b""]


@given(st.sampled_from(MAGIC), st.binary(max_size=2048))
def test_any_bytes_behind_a_known_magic_number_read_to_text_or_a_document_error(
    magic: bytes, rest: bytes
) -> None:
    _read(magic + rest)


def test_the_samples_cover_every_kind_of_upload(samples: list[bytes]) -> None:
    """The seeds above are what they claim: readable PDFs (digital and scanned) and images."""
    kinds = {data[:4] for data in samples}
    assert {b"%PDF", b"\x89PNG", b"\xff\xd8\xff\xe0", b"II*\x00"} <= kinds
    assert all(isinstance(_read(data), DocumentText) for data in samples)
