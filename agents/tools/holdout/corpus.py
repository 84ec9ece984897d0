"""Writes a hold-out corpus: books, facts, rendered bundles, truth and ``corpus.json``.

Facts are drawn in this process; bundles are rendered (and scanned or photographed) in a few
worker processes, each claim from its own seed, and written back in claim order, so the bytes
do not depend on the number of workers. The wording bank changes only the words of the
documents: the same seed draws the same books and facts, hence the same truth, in any bank.
"""

from __future__ import annotations

import json
import multiprocessing
import os
import random
import shutil
from collections import Counter
from collections.abc import Callable, Iterator
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass, field
from functools import partial
from pathlib import Path

from . import banks
from .books import build_books
from .compose import Bundle, compose
from .facts import ClaimFacts, FactDrawer
from .people import People
from .truth import policy_line, truth_line
from .vocab import GENERATOR, VERSION


@dataclass(frozen=True)
class HoldoutCorpus:
    """Where a generated corpus lies and what it holds."""

    root: Path
    policies_file: Path
    truth_file: Path
    claims: int
    valid: int = 0
    invalid: int = 0
    policies: int = 0
    files: int = 0
    by_kind: dict[str, int] = field(default_factory=dict)
    by_reason: dict[str, int] = field(default_factory=dict)
    bank: str = banks.DEFAULT_BANK


def _dumps(obj: object) -> str:
    return json.dumps(obj, ensure_ascii=False)


def _bundles(facts: list[ClaimFacts], workers: int, bank: str) -> Iterator[Bundle]:
    render = partial(compose, bank=bank)
    if workers <= 1 or len(facts) < 8 or "fork" not in multiprocessing.get_all_start_methods():
        yield from map(render, facts)
        return
    context = multiprocessing.get_context("fork")
    with ProcessPoolExecutor(max_workers=workers, mp_context=context) as pool:
        yield from pool.map(render, facts, chunksize=1)


def generate(
    out_dir: Path,
    *,
    claims: int,
    seed: int,
    scanned_share: float = 0.2,
    photo_share: float = 0.1,
    progress: Callable[[int], None] | None = None,
    workers: int | None = None,
    bank: str = banks.DEFAULT_BANK,
) -> HoldoutCorpus:
    """Write policies.jsonl, truth.jsonl, documents/ and corpus.json under out_dir (created if missing).

    Args:
        out_dir: The corpus folder; a ``documents/`` folder left there by an earlier run is replaced.
        claims: How many claims to draw.
        seed: Seeds every random choice; the same seed gives byte-identical files.
        scanned_share: Share of claims delivered as scanned, image-only PDFs.
        photo_share: Share of claims delivered as phone photos (one PNG or JPEG per page).
        progress: Called with the number of claims written so far, after each claim.
        workers: Rendering processes (default: up to four, by CPU count); does not change the bytes.
        bank: The wording bank (``banks.BANKS``): ``"a"``, the original phrasings, or ``"b"``, a
            second bank written later so that figures can be taken on wording never seen.

    Returns:
        Where the corpus lies and what it holds.

    Raises:
        ValueError: ``claims`` or the shares are out of range, or ``bank`` names no bank.
    """
    banks.check(bank)
    if claims < 1:
        raise ValueError("claims must be at least 1")
    if not (0 <= scanned_share <= 1 and 0 <= photo_share <= 1 and scanned_share + photo_share <= 1):
        raise ValueError("scanned_share and photo_share must lie in [0, 1] and add up to at most 1")
    root = Path(out_dir)
    root.mkdir(parents=True, exist_ok=True)
    if (root / "documents").exists():
        shutil.rmtree(root / "documents")
    people = People(seed)
    books = build_books(claims, people, random.Random(f"books:{seed}"))
    facts = FactDrawer(seed, books, people).draw(
        claims, scanned_share, photo_share, random.Random(f"facts:{seed}")
    )

    policies_file = root / "policies.jsonl"
    policies = [p for region in books for p in books[region]]
    policies_file.write_text("".join(_dumps(policy_line(p)) + "\n" for p in policies), encoding="utf-8")

    truth_file = root / "truth.jsonl"
    pages = files = 0
    auto = min(4, os.cpu_count() or 1)
    with truth_file.open("w", encoding="utf-8") as out:
        for done, (f, bundle) in enumerate(
            zip(facts, _bundles(facts, workers or auto, bank), strict=True), start=1
        ):
            for rel, data in bundle.files:
                path = root / rel
                path.parent.mkdir(parents=True, exist_ok=True)
                path.write_bytes(data)
            files += len(bundle.files)
            pages += int(str(bundle.tags["pages"]))
            out.write(_dumps(truth_line(f, [rel for rel, _ in bundle.files], bundle.tags)) + "\n")
            if progress:
                progress(done)

    valid = sum(1 for f in facts if not f.reason)
    by_kind = dict(sorted(Counter(f.kind for f in facts).items()))
    by_reason = dict(sorted(Counter(f.reason for f in facts if f.reason).items()))
    meta: dict[str, object] = {
        "generator": GENERATOR,
        "version": VERSION,
        "seed": seed,
        "claims": claims,
        "scanned_share": scanned_share,
        "photo_share": photo_share,
    }
    if bank != banks.DEFAULT_BANK:  # a corpus without the key was written from bank "a"
        meta["bank"] = bank
    meta |= {
        "counts": {
            "valid": valid,
            "invalid": claims - valid,
            "by_kind": by_kind,
            "by_reason": by_reason,
            "by_region": dict(sorted(Counter(f.region for f in facts).items())),
            "by_source": dict(sorted(Counter(f.report_source for f in facts).items())),
            "policies": {region: len(book) for region, book in books.items()},
            "files": files,
            "pages": pages,
        },
    }
    (root / "corpus.json").write_text(json.dumps(meta, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")
    return HoldoutCorpus(
        root,
        policies_file,
        truth_file,
        claims,
        valid,
        claims - valid,
        len(policies),
        files,
        by_kind,
        by_reason,
        bank,
    )
