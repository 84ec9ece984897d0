"""OCR with the real rapidocr models: scans and photos yield the fields, and a slow page is stopped.

Each test OCRs one or two pages (about two seconds each on two cores); the engine is started once.
"""

from __future__ import annotations

import io
import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import numpy as np
import pypdf
import pytest

from agents.documents import OcrEngine, OcrTimeLimitExceeded, read_document
from agents.extraction import extract_fields
from agents.tools.samples import SampleCorpus, generate


@pytest.fixture(scope="module")
def engine() -> Iterator[OcrEngine]:
    ocr = OcrEngine(threads=1)  # the limit's setting; the pipeline tests cover onnxruntime's default
    ocr.warm()
    yield ocr
    ocr.close()


@pytest.fixture(scope="module")
def corpus(tmp_path_factory: pytest.TempPathFactory) -> SampleCorpus:
    # Seed 7 gives a photo and a scan.
    return generate(tmp_path_factory.mktemp("scans"), claims=2, seed=7, scanned_share=0.5, photo_share=0.5)


def _first(corpus: SampleCorpus, kind: str) -> tuple[bytes, dict[str, Any]]:
    truth = [json.loads(line) for line in corpus.ground_truth_file.read_text().splitlines()]
    row = next(row for row in truth if row["kind"] == kind)
    return (corpus.claims_dir / row["file"]).read_bytes(), row


@pytest.mark.parametrize("kind", ["scanned", "photo"])
def test_ocr_recovers_policy_number_and_incident_date(
    engine: OcrEngine, corpus: SampleCorpus, kind: str
) -> None:
    data, truth = _first(corpus, kind)
    document = read_document(data, filename=truth["file"], ocr=engine)
    assert [page.method for page in document.page_texts] == ["ocr"]
    assert document.ocr_pages == 1
    assert 0.8 < document.min_confidence <= 1.0
    fields = extract_fields(document.text, truth["region"])
    assert fields.policy_number.value == truth["policy_number"]
    assert fields.incident_date.value == truth["incident_date"]


def test_mixed_pdf_reads_text_pages_directly_and_ocrs_the_scan(
    engine: OcrEngine, corpus: SampleCorpus, tmp_path: Path
) -> None:
    digital = generate(tmp_path, claims=1, seed=4).claim_files[0].read_bytes()
    scanned, _ = _first(corpus, "scanned")
    writer = pypdf.PdfWriter()
    for part in (digital, scanned):
        writer.append(pypdf.PdfReader(io.BytesIO(part)))
    buffer = io.BytesIO()
    writer.write(buffer)
    document = read_document(buffer.getvalue(), ocr=engine)
    assert [page.method for page in document.page_texts] == ["text", "ocr"]
    assert document.page_texts[0].confidence == 1.0
    assert document.min_confidence == document.page_texts[1].confidence < 1.0
    assert "POL-" in document.pages[1]


def test_page_over_the_time_limit_fails_for_good_and_the_engine_recovers(
    engine: OcrEngine, corpus: SampleCorpus
) -> None:
    data, truth = _first(corpus, "scanned")
    with pytest.raises(OcrTimeLimitExceeded, match=r"page 1 exceeded 0\.01 s") as caught:
        read_document(data, filename=truth["file"], ocr=engine, ocr_seconds_per_page=0.01)
    assert caught.value.retryable is False
    blank = np.full((64, 64), 255, dtype=np.uint8)
    assert engine.recognise(blank, timeout=60).lines == []


def test_a_box_glyph_the_recogniser_took_for_a_chinese_character_is_read_as_the_box() -> None:
    """Spent seed 819384: a photographed German form's ticked "Entwendung" (theft) came back as
    "冈Entwendung", so the word was no option and the tick went to the option before it (glass)."""
    from agents.documents.ocr import box_glyphs

    assert box_glyphs("冈Entwendung") == "☒Entwendung"
    assert box_glyphs("口Feuer 区Sturm/Hagel") == "☐Feuer ☒Sturm/Hagel"
    assert box_glyphs("冈 Entwendung") == "冈 Entwendung"  # not glued to a word: left as read
    assert box_glyphs("香港中区") == "香港中区"  # Chinese text stays Chinese
