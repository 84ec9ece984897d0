"""Tests of the hold-out corpus generator against docs/evaluation/corpus-format.md.

The rule checks are written here from the format document's rule table, independently of the
generator's own bookkeeping: every claim's ``expected_failed_rules`` must be exactly what the
table gives when the claim is checked against the book. ``no_duplicate`` is read as "an
earlier claim of the corpus (in truth.jsonl order) has the same policy, incident date and
damage type", the order in which an assessment sees the claims.
"""

from __future__ import annotations

import datetime as dt
import json
import re
from collections import Counter
from decimal import Decimal
from pathlib import Path
from typing import Any

import pypdfium2 as pdfium
import pytest
from PIL import Image

from agents.tools.holdout import HoldoutCorpus, generate

REGIONS = {"EU", "US", "APAC"}
DAMAGES = {"water", "fire", "storm", "theft", "glass", "collision", "other"}
RULES = {
    "policy_exists",
    "region_matches",
    "policy_active",
    "damage_covered",
    "amount_within_limit",
    "reported_in_time",
    "no_duplicate",
}
SOURCES = {"document", "cover_sheet", "received"}
TRUTH_FIELDS = {
    "claim_id",
    "region",
    "documents",
    "received_at",
    "policy_number",
    "policy_in_book",
    "incident_date",
    "report_date",
    "report_date_source",
    "damage_type",
    "claimed_amount",
    "currency",
    "expected_failed_rules",
    "valid",
    "tags",
}
POLICY_FIELDS = {
    "policy_number",
    "region",
    "holder_name",
    "start_date",
    "end_date",
    "product",
    "coverages",
    "limit",
    "currency",
    "clauses",
}
CLAIMS = 30


def _read_jsonl(path: Path) -> list[dict[str, Any]]:
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines()]


def _alnum(text: str) -> str:
    return re.sub(r"[^0-9A-Za-z]", "", text).upper()


def expected_rules(
    claim: dict[str, Any], books: dict[str, dict[str, dict[str, Any]]], earlier: set[tuple[str, str, str]]
) -> list[str]:
    """The rules the corpus-format table says the claim fails."""
    policy = books[claim["region"]].get(claim["policy_number"] or "")
    if policy is None:
        return ["policy_exists"]
    failed = []
    if policy["region"] != claim["region"]:
        failed.append("region_matches")
    if not policy["start_date"] <= claim["incident_date"] <= policy["end_date"]:
        failed.append("policy_active")
    if claim["damage_type"] not in policy["coverages"]:
        failed.append("damage_covered")
    if (
        Decimal(claim["claimed_amount"]) > Decimal(str(policy["limit"]))
        or claim["currency"] != policy["currency"]
    ):
        failed.append("amount_within_limit")
    delay = (dt.date.fromisoformat(claim["report_date"]) - dt.date.fromisoformat(claim["incident_date"])).days
    if not 0 <= delay <= 30:
        failed.append("reported_in_time")
    if (claim["policy_number"], claim["incident_date"], claim["damage_type"]) in earlier:
        failed.append("no_duplicate")
    return failed


def _pdf_text(path: Path) -> tuple[str, int]:
    doc = pdfium.PdfDocument(path)
    try:
        parts, chars = [], 0
        for i in range(len(doc)):
            textpage = doc[i].get_textpage()
            chars += textpage.count_chars()
            parts.append(textpage.get_text_range())
        return "\n".join(parts), chars
    finally:
        doc.close()


@pytest.fixture(scope="module")
def corpus(tmp_path_factory: pytest.TempPathFactory) -> tuple[HoldoutCorpus, list[int]]:
    calls: list[int] = []
    made = generate(
        tmp_path_factory.mktemp("holdout"),
        claims=CLAIMS,
        seed=20250403,
        scanned_share=0.2,
        photo_share=0.1,
        progress=calls.append,
    )
    return made, calls


@pytest.fixture(scope="module")
def truth(corpus: tuple[HoldoutCorpus, list[int]]) -> list[dict[str, Any]]:
    return _read_jsonl(corpus[0].truth_file)


@pytest.fixture(scope="module")
def policies(corpus: tuple[HoldoutCorpus, list[int]]) -> list[dict[str, Any]]:
    return _read_jsonl(corpus[0].policies_file)


def _tree(root: Path) -> dict[str, bytes]:
    return {str(p.relative_to(root)): p.read_bytes() for p in sorted(root.rglob("*")) if p.is_file()}


def test_same_seed_same_bytes_other_seed_differs(tmp_path: Path) -> None:
    def make(folder: str, seed: int) -> dict[str, bytes]:
        return _tree(
            generate(tmp_path / folder, claims=8, seed=seed, scanned_share=0.25, photo_share=0.25).root
        )

    first, second, other = make("a", 7), make("b", 7), make("c", 8)
    assert first.keys() == second.keys()
    assert [k for k in first if first[k] != second[k]] == []
    assert any(p.endswith((".png", ".jpg")) for p in first) and any("documents" in p for p in first)
    assert first["truth.jsonl"] != other["truth.jsonl"]
    assert first["policies.jsonl"] != other["policies.jsonl"]


def test_progress_called_once_per_claim(corpus: tuple[HoldoutCorpus, list[int]]) -> None:
    made, calls = corpus
    assert calls == list(range(1, CLAIMS + 1))
    assert made.claims == CLAIMS and made.valid + made.invalid == CLAIMS


def test_corpus_json_records_generator_and_settings(corpus: tuple[HoldoutCorpus, list[int]]) -> None:
    meta = json.loads((corpus[0].root / "corpus.json").read_text(encoding="utf-8"))
    assert meta["generator"] == "claimflow-holdout" and isinstance(meta["version"], str)
    assert (meta["seed"], meta["claims"], meta["scanned_share"], meta["photo_share"]) == (
        20250403,
        CLAIMS,
        0.2,
        0.1,
    )
    assert meta["counts"]["valid"] + meta["counts"]["invalid"] == CLAIMS


def test_truth_lines_conform_to_format(
    corpus: tuple[HoldoutCorpus, list[int]], truth: list[dict[str, Any]]
) -> None:
    root = corpus[0].root
    assert len(truth) == CLAIMS and len({t["claim_id"] for t in truth}) == CLAIMS
    for t in truth:
        assert set(t) == TRUTH_FIELDS, t["claim_id"]
        assert t["region"] in REGIONS and t["damage_type"] in DAMAGES and t["report_date_source"] in SOURCES
        assert isinstance(t["policy_number"], str) and t["policy_number"]
        assert isinstance(t["policy_in_book"], bool) and isinstance(t["valid"], bool)
        assert re.fullmatch(r"\d+\.\d{2}", t["claimed_amount"]) and re.fullmatch(r"[A-Z]{3}", t["currency"])
        assert set(t["expected_failed_rules"]) <= RULES and t["valid"] == (not t["expected_failed_rules"])
        assert len(t["expected_failed_rules"]) <= 1
        incident, report = dt.date.fromisoformat(t["incident_date"]), dt.date.fromisoformat(t["report_date"])
        received = dt.datetime.fromisoformat(t["received_at"])
        assert received.tzinfo is not None and report <= received.date() <= report + dt.timedelta(days=7)
        assert incident <= report
        if t["report_date_source"] == "received":
            assert report == received.date()
        assert t["documents"]
        for rel in t["documents"]:
            assert not Path(rel).is_absolute() and ".." not in Path(rel).parts
            assert (root / rel).is_file() and rel.endswith((".pdf", ".png", ".jpg"))
        tags = t["tags"]
        assert tags["kind"] in {"digital", "scanned", "photo"} and tags["language"] in {
            "en",
            "de",
            "fr",
            "es",
        }
        assert tags["damage_shown_by"] in {"checkbox", "field", "prose"}
        assert 1 <= tags["documents"] <= 4 and tags["pages"] >= tags["documents"]
        assert tags["has_cover_sheet"] == (tags["doc_kinds"][0] == "cover")


def test_policies_have_per_policy_clause_numbering(policies: list[dict[str, Any]]) -> None:
    assert len({p["policy_number"] for p in policies}) == len(policies)
    texts: dict[str, set[str]] = {}
    owners: Counter[str] = Counter()
    for p in policies:
        assert set(p) == POLICY_FIELDS and p["region"] in REGIONS
        assert dt.date.fromisoformat(p["start_date"]) < dt.date.fromisoformat(p["end_date"])
        assert set(p["coverages"]) <= DAMAGES and p["coverages"] and isinstance(p["limit"], int | float)
        assert 4 <= len(p["clauses"]) <= 12
        ids = [c["clause_id"] for c in p["clauses"]]
        assert len(set(ids)) == len(ids)
        for clause in p["clauses"]:
            assert set(clause) == {"clause_id", "title", "text"} and clause["text"]
            texts.setdefault(clause["clause_id"], set()).add(clause["text"])
            owners[clause["clause_id"]] += 1
    reused = [cid for cid, n in owners.items() if n > 1 and len(texts[cid]) > 1]
    assert len(reused) >= 5
    for region in REGIONS:
        assert 20 <= sum(p["region"] == region for p in policies) <= 60


def test_every_claim_fails_exactly_the_listed_rules(
    truth: list[dict[str, Any]], policies: list[dict[str, Any]]
) -> None:
    books: dict[str, dict[str, dict[str, Any]]] = {r: {} for r in REGIONS}
    for p in policies:
        books[p["region"]][p["policy_number"]] = p
    earlier: set[tuple[str, str, str]] = set()
    for t in truth:
        assert expected_rules(t, books, earlier) == t["expected_failed_rules"], t["claim_id"]
        assert t["policy_in_book"] == (t["policy_number"] in books[t["region"]])
        if t["policy_in_book"]:
            earlier.add((t["policy_number"], t["incident_date"], t["damage_type"]))
    assert sum(t["valid"] for t in truth) == CLAIMS - round(CLAIMS * 0.3)


def test_digital_pdfs_carry_amount_and_policy_number(
    corpus: tuple[HoldoutCorpus, list[int]], truth: list[dict[str, Any]]
) -> None:
    digital = [t for t in truth if t["tags"]["kind"] == "digital"]
    assert digital
    for t in digital:
        text = "".join(_pdf_text(corpus[0].root / rel)[0] for rel in t["documents"])
        squeezed = re.sub(r"[\s.,'\u00a0\u202f-]", "", text)
        whole, cents = t["claimed_amount"].split(".")
        assert (whole if cents == "00" else whole + cents) in squeezed, t["claim_id"]
        assert _alnum(t["policy_number"]) in _alnum(text), t["claim_id"]


def test_scans_have_no_text_layer_and_photos_are_readable_images(
    corpus: tuple[HoldoutCorpus, list[int]], truth: list[dict[str, Any]]
) -> None:
    root = corpus[0].root
    scans = [rel for t in truth if t["tags"]["kind"] == "scanned" for rel in t["documents"]]
    photos = [rel for t in truth if t["tags"]["kind"] == "photo" for rel in t["documents"]]
    assert scans and photos
    for rel in scans:
        _, chars = _pdf_text(root / rel)
        assert chars == 0, rel
        page = pdfium.PdfDocument(root / rel)[0]
        objects = list(page.get_objects())
        assert objects and all(o.type == pdfium.raw.FPDF_PAGEOBJ_IMAGE for o in objects), rel
        image = page.render(scale=1).to_pil().convert("L")
        assert image.getextrema()[0] < 100, rel
    for rel in photos:
        with Image.open(root / rel) as image:
            assert image.format in {"PNG", "JPEG"} and min(image.size) >= 1000, rel


def test_shares_roughly_respected(truth: list[dict[str, Any]]) -> None:
    kinds = Counter(t["tags"]["kind"] for t in truth)
    assert abs(kinds["scanned"] - CLAIMS * 0.2) <= 1 and abs(kinds["photo"] - CLAIMS * 0.1) <= 1
    assert abs(sum(not t["valid"] for t in truth) - CLAIMS * 0.3) <= 1
    received = sum(t["report_date_source"] == "received" for t in truth)
    assert received < CLAIMS * 0.5


def test_rejects_bad_shares(tmp_path: Path) -> None:
    with pytest.raises(ValueError):
        generate(tmp_path, claims=3, seed=1, scanned_share=0.8, photo_share=0.5)
