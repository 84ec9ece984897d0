"""Decompression bombs are recognised from headers and bounded inflation; ordinary documents pass."""

from __future__ import annotations

import io

import pytest

from agents.documents import DocumentTooLarge, ImageTooLarge
from agents.documents.guard import DocumentLimits, check_decoded_size
from tests.fixtures import bombs

LIMITS = DocumentLimits(max_pages=50, max_pixels=50_000_000, max_inflated_bytes=4 << 20)
PDF = "application/pdf"

BOMBS = {
    "PNG header 100k x 100k": (bombs.png_claiming(), "image/png", ImageTooLarge, "pixels"),
    "JPEG header 65k x 65k": (bombs.jpeg_claiming(), "image/jpeg", ImageTooLarge, "pixels"),
    "TIFF header 100k x 100k": (bombs.tiff_claiming(), "image/tiff", ImageTooLarge, "pixels"),
    "PNG just over the pixel limit": (bombs.png_claiming(10_000, 5_001), "image/png", ImageTooLarge, "limit"),
    "PDF of 60 pages": (bombs.pdf_pages(60), PDF, DocumentTooLarge, "60 pages"),
    "PDF page 1,389 inches a side": (bombs.pdf_pages(1, 100_000), PDF, DocumentTooLarge, "inches"),
    "PDF Flate stream of 8 MiB": (bombs.pdf_flate_bomb(8 << 20), PDF, DocumentTooLarge, "inflate"),
    "PDF image object 100k x 100k": (bombs.pdf_with_image_claiming(), PDF, ImageTooLarge, "image object"),
}


@pytest.mark.parametrize("case", BOMBS)
def test_a_bomb_is_refused_before_anything_decodes_it(case: str) -> None:
    data, media, error, words = BOMBS[case]
    assert len(data) < 64 * 1024  # small on the wire
    with pytest.raises(error, match=words):
        check_decoded_size(io.BytesIO(data), media, LIMITS, case)


def test_ordinary_documents_and_unreadable_bytes_pass_for_the_reader_to_judge() -> None:
    for data, media in (
        (bombs.png_claiming(2_000, 3_000), "image/png"),
        (bombs.pdf_pages(50), PDF),
        (bombs.pdf_flate_bomb(2 << 20), PDF),  # 2 MiB inflated: under the 4 MiB bound
        (b"%PDF-1.4 not really a PDF", PDF),
        (b"\x89PNG\r\n\x1a\n" + b"\0" * 32, "image/png"),
    ):
        check_decoded_size(io.BytesIO(data), media, LIMITS)
