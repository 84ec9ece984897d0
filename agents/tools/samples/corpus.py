"""`generate`: a seeded sample corpus on disk: policy book, claim documents and ground truth."""

from __future__ import annotations

import dataclasses
import random
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import timedelta
from pathlib import Path

from agents.documents import read_document
from agents.tools.samples import degrade, render
from agents.tools.samples.hard import draw_hard_case
from agents.tools.samples.model import (
    Claim,
    deliver_as,
    draw_kind,
    draw_policy_format,
    make_claim,
    make_person,
    make_policy_book,
    policy_record,
)
from agents.tools.samples.truth import Document, holder_pii, labelled_record, truth_record, write_jsonl
from agents.tools.samples.vocabulary import POLICE_PERILS, REGIONS


@dataclass(frozen=True)
class SampleCorpus:
    """Where `generate` wrote the policy book, the claim documents and the ground truth.

    `ground_truth.jsonl` has every detail the generator knows (layouts, hard cases, personal
    values with their spans); `truth.jsonl` beside it is the same corpus in the documented
    format every evaluation reads (`docs/evaluation/corpus-format.md`).

    `claim_files` holds each claim's first (or only) document, in ground-truth order;
    `claim_documents` every document of each claim, to submit under one claim id.
    """

    policies_file: Path
    claims_dir: Path
    ground_truth_file: Path
    claim_files: list[Path]
    claim_documents: list[list[Path]] = dataclasses.field(default_factory=list)


def _check_shares(scanned: float, photo: float, **others: float) -> None:
    for name, share in others.items():
        if not 0.0 <= share <= 1.0:
            raise ValueError(f"{name} must be within 0..1, not {share}")
    if min(scanned, photo) < 0.0 or scanned + photo > 1.0:
        raise ValueError(f"shares must be >= 0 and add up to <= 1 (scanned {scanned}, photo {photo})")


def generate(
    out_dir: Path,
    *,
    claims: int,
    seed: int = 7,
    regions: Sequence[str] = ("EU", "US", "APAC"),
    policies_per_region: int = 20,
    scanned_share: float = 0.0,
    photo_share: float = 0.0,
    short_policy_share: float = 0.0,
    hard_share: float = 0.0,
    multi_document_share: float = 0.0,
) -> SampleCorpus:
    """Write a policy book, `claims` claims' documents and their ground truth under `out_dir`.

    Policies are drawn before claims from the same generator, so the policy book
    for a seed does not change with the number of claims. Degradations, policy-number
    forms, hard cases and attachments each draw from a generator of their own, so
    asking for more of one never changes what a seed gives for the others.

    Args:
        out_dir: Created if missing; `policies.jsonl`, `ground_truth.jsonl` and `claims/` go here.
        claims: Number of claims.
        seed: Same seed, same files.
        regions: Regions to draw policies and claims from (keys of `REGIONS`).
        policies_per_region: Size of each region's policy book.
        scanned_share: Share of claims delivered as scanned, image-only PDFs.
        photo_share: Share of claims delivered as PNG or JPEG photos of the printed form.
        short_policy_share: Share of claims printing the policy number as `88 4417 22` or
            `Pol.-Nr. 884417/22` (e.g. `SHORT_POLICY_SHARE`); the ground truth stays canonical.
        hard_share: Share of claims carrying one of `agents.tools.samples.hard.HARD_CASES`.
        multi_document_share: Share of claims filed with a repair estimate (and, for theft,
            collision and fire, a police report) under the same claim id.
    """
    unknown = sorted(set(regions) - set(REGIONS))
    if unknown:
        raise ValueError(f"unknown regions {unknown}; known: {sorted(REGIONS)}")
    _check_shares(
        scanned_share,
        photo_share,
        short_policy_share=short_policy_share,
        hard_share=hard_share,
        multi_document_share=multi_document_share,
    )
    rng = random.Random(seed)
    degrade_rng = random.Random(f"degrade-{seed}")
    formats = random.Random(f"formats-{seed}")
    hard = random.Random(f"hard-{seed}")
    attach = random.Random(f"attach-{seed}")
    out_dir.mkdir(parents=True, exist_ok=True)
    claims_dir = out_dir / "claims"
    claims_dir.mkdir(exist_ok=True)
    book = make_policy_book(rng, regions, policies_per_region)
    policies_file = out_dir / "policies.jsonl"
    write_jsonl(policies_file, [policy_record(p) for region in regions for p in book[region]])
    drawn: list[Claim] = []
    seen: set[tuple[str, str, str]] = set()
    for index in range(claims):
        claim = make_claim(rng, index, book[regions[index % len(regions)]])
        claim = dataclasses.replace(claim, policy_format=draw_policy_format(formats, short_policy_share))
        claim = draw_hard_case(hard, claim, hard_share)
        claim = _not_a_duplicate(claim, seen)
        if attach.random() < multi_document_share:
            kinds = ("estimate", "police") if claim.damage_type in POLICE_PERILS else ("estimate",)
            claim = dataclasses.replace(claim, attachments=kinds)
        drawn.append(deliver_as(degrade_rng, claim, draw_kind(degrade_rng, scanned_share, photo_share)))
    records, claim_documents = [], []
    for index, claim in enumerate(drawn):
        pdf, layout = render.render_claim(rng, claim)
        documents = [_document(claim.file, "claim_form", pdf, holder_pii(claim))]
        files = [_deliver(degrade_rng, claims_dir / claim.file, pdf, claim.kind)]
        extra = random.Random(f"attachments-{seed}-{index}")
        for name in claim.attachments:
            pdf, doc_type, pii = _attachment(extra, claim, name)
            path = claims_dir / f"{Path(claim.file).stem}-{name}{Path(claim.file).suffix}"
            documents.append(_document(path.name, doc_type, pdf, pii))
            files.append(_deliver(extra, path, pdf, claim.kind))
        records.append(truth_record(claim, layout, documents))
        claim_documents.append(files)
    ground_truth_file = out_dir / "ground_truth.jsonl"
    write_jsonl(ground_truth_file, records)
    write_jsonl(
        out_dir / "truth.jsonl",
        [
            labelled_record(record, f"SMP-{seed}-{index + 1:05d}", [f"claims/{p.name}" for p in files])
            for index, (record, files) in enumerate(zip(records, claim_documents, strict=True))
        ],
    )
    return SampleCorpus(
        policies_file, claims_dir, ground_truth_file, [files[0] for files in claim_documents], claim_documents
    )


def _not_a_duplicate(claim: Claim, seen: set[tuple[str, str, str]]) -> Claim:
    """Move the incident a day on while another claim has the same policy, date and damage type.

    The validator rightly flags such a pair as a duplicate; a corpus should only contain one
    where it means to.
    """
    while (key := (claim.policy.number, claim.incident.isoformat(), claim.damage_type)) in seen:
        claim = dataclasses.replace(
            claim, incident=claim.incident + timedelta(days=1), reported=claim.reported + timedelta(days=1)
        )
    seen.add(key)
    return claim


def _attachment(rng: random.Random, claim: Claim, name: str) -> tuple[bytes, str, list[tuple[str, str]]]:
    if name == "estimate":
        return render.render_estimate(rng, claim), "repair_estimate", holder_pii(claim, email=False)
    officer = make_person(rng, claim.policy.region).name
    return (
        render.render_police_report(rng, claim, officer),
        "police_report",
        [*holder_pii(claim, email=False), ("NAME", officer)],
    )


def _document(file: str, doc_type: str, pdf: bytes, pii: list[tuple[str, str]]) -> Document:
    return Document(file, doc_type, tuple(pii), read_document(pdf, filename=file).text)


def _deliver(rng: random.Random, path: Path, pdf: bytes, kind: str) -> Path:
    """Write the document as the customer sends it: the PDF itself, a scan of it, or a photo."""
    if kind == "scanned":
        path.write_bytes(degrade.scan(rng, pdf))
    elif kind == "photo":
        path.write_bytes(degrade.photograph(rng, pdf, path.suffix))
    else:
        path.write_bytes(pdf)
    return path
