"""Every kind of claim document through the running pipeline: digital, scanned, photo, several at once."""

from __future__ import annotations

import json
import time
from pathlib import Path

import numpy as np
import pytest

from agents.documents import CorruptDocument
from agents.documents.ocr import OcrEngine, OcrResult
from agents.intake import build_claim
from agents.retriever import Retriever
from agents.tools import samples
from streams.agent import AgentContext
from streams.objectstore import open_object_store
from tests.fixtures.pipeline import Pipeline

pytestmark = pytest.mark.integration


@pytest.fixture(scope="module")
def mixed(pipeline: Pipeline, tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, list[dict]]:
    """Scanned and photographed claims against the session's policy book (same seed, same book)."""
    corpus = samples.generate(
        tmp_path_factory.mktemp("mixed"), claims=6, seed=11, scanned_share=0.34, photo_share=0.34
    )
    assert corpus.policies_file.read_bytes() == pipeline.corpus.policies_file.read_bytes()
    truth = [json.loads(line) for line in corpus.ground_truth_file.read_text().splitlines()]
    assert {row["kind"] for row in truth} == {"digital", "scanned", "photo"}
    return corpus.claims_dir, truth


def test_scanned_and_photographed_claims_are_read_by_ocr(pipeline: Pipeline, mixed):
    claims_dir, truth = mixed
    submitted = {
        pipeline.submit([claims_dir / row["file"]], region=row["region"]).claim_id: row for row in truth
    }
    reports = pipeline.reports(list(submitted), timeout_s=240)
    retrieved = {
        r["claim_id"]: r for _, r in pipeline.messages("clauses_retrieved") if r["claim_id"] in submitted
    }
    for claim_id, row in submitted.items():
        report = reports[claim_id]
        assert report.policy_number == row["policy_number"], (row["kind"], row["file"])
        assert str(report.incident_date) == row["incident_date"], (row["kind"], row["file"])
        event = retrieved[claim_id]
        assert (event["ocr_pages"] > 0) is (row["kind"] != "digital")
        assert 0.5 < event["min_confidence"] <= 1.0


def test_personal_data_never_reaches_the_log(pipeline: Pipeline, mixed):
    """The retriever redacts: no policyholder name travels on Kafka, yet the fields are still found."""
    claims_dir, truth = mixed
    row = next(r for r in truth if r["kind"] == "digital")
    claim = pipeline.submit([claims_dir / row["file"]], region=row["region"])
    report = pipeline.reports([claim.claim_id])[claim.claim_id]
    assert report.policy_number == row["policy_number"]
    holders = {
        p["policy_number"]: p["holder_name"]
        for p in map(json.loads, pipeline.corpus.policies_file.read_text().splitlines())
    }
    _, event = pipeline.wait_for_message("clauses_retrieved", lambda r: r["claim_id"] == claim.claim_id)
    assert holders[row["policy_number"]] not in event["text"]
    assert event["redactions"].get("NAME", 0) >= 1
    assert row["policy_number"] in event["text"]


def test_a_claim_of_several_documents_is_read_as_one(pipeline: Pipeline, mixed):
    claims_dir, truth = mixed
    form = next(r for r in truth if r["kind"] == "digital")
    photo = next(r for r in truth if r["kind"] == "photo")
    claim = pipeline.submit([claims_dir / form["file"], claims_dir / photo["file"]], region=form["region"])
    assert len(claim.documents) == 2
    pipeline.reports([claim.claim_id], timeout_s=120)
    _, event = pipeline.wait_for_message("clauses_retrieved", lambda r: r["claim_id"] == claim.claim_id)
    assert event["pages"] == 2 and event["ocr_pages"] == 1


@pytest.mark.parametrize(
    ("name", "data", "error"),
    [
        ("form.png", b"\x89PNG\r\n\x1a\n" + b"\x00" * 64, "CorruptImage"),
        ("notes.txt", b"just some words, not a claim document", "UnsupportedDocument"),
    ],
)
def test_bad_documents_are_dead_lettered_with_a_clear_reason(pipeline: Pipeline, tmp_path, name, data, error):
    path = tmp_path / name
    path.write_bytes(data)
    bad = pipeline.submit([path], region="US")
    dlq = pipeline.topology.dead_letter_for(pipeline.topology.topic_for_schema("claim_ingested").name).name
    _, dead = pipeline.wait_for_message(dlq, lambda r: r["claim_id"] == bad.claim_id)
    assert dead["error_type"] == error
    assert dead["retryable"] is False and dead["attempts"] == 1
    assert dead["error_message"].startswith(f"{name}: ")  # says which document, then why


class _CountingOcr(OcrEngine):
    """The real engine, recording when each page started and finished."""

    def __init__(self) -> None:
        super().__init__(threads=1, helpers=2)
        self.pages: list[tuple[float, float]] = []

    def recognise(self, image: np.ndarray, *, timeout: float) -> OcrResult:
        started = time.monotonic()
        result = super().recognise(image, timeout=timeout)
        self.pages.append((started, time.monotonic()))
        return result


async def test_a_batch_reads_its_scans_side_by_side_and_a_failure_does_not_read_them_twice(
    pipeline: Pipeline, mixed, tmp_path
):
    """Two scans and a corrupt PDF in one batch: the scans are OCRed at once, and only once in all.

    The corrupt claim fails the batch; the runner then retries each claim alone, and the
    scans' readings are taken from the retriever's cache instead of being OCRed again.
    """
    claims_dir, truth = mixed
    scans = [r for r in truth if r["kind"] == "scanned"][:2]
    assert len(scans) == 2
    corrupt = tmp_path / "claim.pdf"
    corrupt.write_bytes(samples.corrupt_pdf_bytes())
    settings, topology = pipeline.settings, pipeline.topology
    scanned = [build_claim(settings, [claims_dir / r["file"]], region=r["region"]) for r in scans]
    broken = build_claim(settings, [corrupt], region="US")
    retriever = Retriever(AgentContext(topology.agent("retriever"), settings, topology))
    retriever.store = open_object_store(settings.object_store_root)
    retriever.ocr = ocr = _CountingOcr()
    try:
        with pytest.raises(CorruptDocument):
            await retriever.read_claims([scanned[0], broken, scanned[1]])
        assert len(ocr.pages) == 2
        first, second = sorted(ocr.pages)
        assert second[0] < first[1], "the two scans were read one after the other"
        again = [(await retriever.read_claims([claim]))[0] for claim in scanned]
    finally:
        ocr.close()
        retriever.readers.shutdown()
    assert len(ocr.pages) == 2
    assert [sum(d.ocr_pages for d in r.documents) for r in again] == [1, 1]
    for row, reading in zip(scans, again, strict=True):
        assert row["policy_number"] in reading.text
