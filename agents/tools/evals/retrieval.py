"""Measure clause retrieval: recall@1 and recall@5 of the clause that governs each sample claim.

Runs in process, on the same path a claim takes through the pipeline (read the document,
OCR where needed, redact, embed, search the claim's region), so a number here is the
number the pipeline gets. The corpus is generated with scanned and photographed claims
too, and recall is reported per document kind because OCR noise is where retrieval breaks.

Several query strategies are scored from one reading of the corpus (OCR dominates the
cost), so a proposed change to what the retriever embeds can be compared with what it
embeds today on exactly the same text. The retriever's own strategy is scored with and
without the product filter (the product of the policy found by its number).
"""

from __future__ import annotations

import asyncio
import json
import logging
import tempfile
import time
from collections.abc import Callable, Sequence
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

from rich.console import Console
from rich.table import Table

from agents.documents import DocumentSettings, read_claim
from agents.extraction import extract_fields
from agents.retrieval import (
    ClauseIndex,
    Embedder,
    IndexSpec,
    MiniLMEmbedder,
    focused_query,
    head_query,
    prose_lines,
)
from agents.retriever import resolve_claim
from agents.stores import ClauseRecord, MemoryPolicyBook, MemoryPolicyIndex, Policy, read_policies
from agents.stores.policy_loader import clause_passage
from agents.tools import samples

log = logging.getLogger(__name__)

TOP_K = 5


def description_query(text: str, region: str) -> str:
    """The damage description the rules extractor finds, falling back to the head of the text.

    Forms spend most of their words on names, dates and boilerplate that say nothing
    about which peril applies; the description is the part that does.
    """
    described = extract_fields(text, region).damage_description.value
    return described if described else head_query(text, region)


QueryBuilder = Callable[[str, str], str]


def prose_query(text: str, region: str) -> str:
    """The lines that read as sentences, else the head: a query that needs no field extraction."""
    return prose_lines(text) or head_query(text, region)


STRATEGIES: dict[str, QueryBuilder] = {
    "retriever": head_query,
    "description": description_query,
    "focused": focused_query,
    "prose": prose_query,
}
# Strategies also scored as the pipeline searches: within the resolved policy's own clauses
# (reported as "<name>+policy"); the others rank the whole region, as a baseline.
POLICY_SCOPED = ("focused", "prose")


def read_and_resolve(
    path: Path, region: str, index: MemoryPolicyIndex, book: MemoryPolicyBook
) -> tuple[str, Policy | None]:
    """A claim's redacted text and its policy, read and resolved exactly as the retriever does."""
    looser = {"ocr_seconds_per_page": EVAL_OCR_SECONDS_PER_PAGE}
    settings = DocumentSettings.current().model_copy(update=looser)
    raw = read_claim([(path.read_bytes(), path.name)], settings, None)
    resolved = asyncio.run(resolve_claim(raw, region, index, book))
    return resolved.read.text, resolved.policy


@dataclass
class KindScore:
    """Hits of one query strategy on one document kind."""

    documents: int = 0
    at_1: int = 0
    at_5: int = 0

    @property
    def recall_at_1(self) -> float:
        """Share of claims whose governing clause ranks first."""
        return self.at_1 / self.documents if self.documents else 0.0

    @property
    def recall_at_5(self) -> float:
        """Share of claims whose governing clause is among the top five."""
        return self.at_5 / self.documents if self.documents else 0.0


@dataclass
class Miss:
    """A claim whose governing clause was not ranked first: what to look at when recall drops."""

    file: str
    kind: str
    strategy: str
    governing: str
    ranked: list[str]


@dataclass
class Evaluation:
    """Scores per strategy and document kind (plus `all`), and every top-1 miss."""

    claims: int
    index: str
    seconds_reading: float
    policies_found: int = 0
    scores: dict[str, dict[str, KindScore]] = field(default_factory=dict)
    misses: list[Miss] = field(default_factory=list)

    def to_json(self) -> dict[str, Any]:
        """A JSON-ready summary with the recalls spelled out."""
        return {
            "claims": self.claims,
            "index": self.index,
            "seconds_reading": round(self.seconds_reading, 1),
            "policies_found": self.policies_found,
            "scores": {
                strategy: {
                    kind: {**asdict(s), "recall_at_1": s.recall_at_1, "recall_at_5": s.recall_at_5}
                    for kind, s in kinds.items()
                }
                for strategy, kinds in self.scores.items()
            },
            "misses": [asdict(m) for m in self.misses],
        }


def build_index(policies: Sequence[Policy], embedder: Embedder, spec: IndexSpec | None = None) -> ClauseIndex:
    """An index of the book's distinct wordings, with the passages the loader stores in Milvus."""
    wordings = {
        key: (policy, clause)
        for policy in policies
        for clause, key in zip(policy.clauses, policy.clause_keys.values(), strict=True)
    }
    vectors = embedder.embed([clause_passage(clause) for _, clause in wordings.values()])
    index = ClauseIndex(embedder.dimension, spec=spec, use_gpu=False)
    index.rebuild(
        [
            ClauseRecord(key, p.region, c.title, c.text, vector=v)
            for (key, (p, c)), v in zip(wordings.items(), vectors, strict=True)
        ]
    )
    return index


# The eval measures what is read, not how fast: on a busy machine a photo's OCR can pass the
# pipeline's 30 s page limit, which would end the whole run for one slow page.
EVAL_OCR_SECONDS_PER_PAGE = 180.0


def evaluate(
    corpus: samples.SampleCorpus,
    embedder: Embedder,
    *,
    strategies: dict[str, QueryBuilder] | None = None,
    spec: IndexSpec | None = None,
    on_progress: Callable[[str], None] = lambda _: None,
) -> Evaluation:
    """Score every strategy on every claim of `corpus`."""
    strategies = strategies or STRATEGIES
    truth = [json.loads(line) for line in corpus.ground_truth_file.read_text().splitlines()]
    policies = read_policies(corpus.policies_file)
    by_number = {p.policy_number: p for p in policies}
    numbers, book = MemoryPolicyIndex(policies), MemoryPolicyBook(policies)
    index = build_index(policies, embedder, spec)
    started = time.perf_counter()
    texts: list[str] = []
    found: list[Policy | None] = []
    for n, row in enumerate(truth, 1):
        text, policy = read_and_resolve(corpus.claims_dir / row["file"], row["region"], numbers, book)
        texts.append(text)
        found.append(policy)
        on_progress(f"read {n}/{len(truth)} claims")
    evaluation = Evaluation(
        claims=len(truth), index=index.spec.kind, seconds_reading=time.perf_counter() - started
    )
    evaluation.policies_found = sum(p is not None for p in found)
    for name, build_query in strategies.items():
        queries = [build_query(text, row["region"]) for text, row in zip(texts, truth, strict=True)]
        vectors = embedder.embed(queries)
        for scoped in (False, True) if name in POLICY_SCOPED else (False,):
            label = f"{name}+policy" if scoped else name
            kinds: dict[str, KindScore] = {}
            for row, vector, policy in zip(truth, vectors, found, strict=True):
                if scoped:
                    keys = list(policy.clause_keys.values()) if policy else []
                    hits = index.search_within(row["region"], vector, keys, TOP_K)
                else:
                    [hits] = index.search(row["region"], vector, TOP_K)
                ranked = [hit.clause_key for hit in hits]
                governing = by_number[row["policy_number"]].clause_keys[row["governing_clause_id"]]
                for kind in (row["kind"], "all"):
                    score = kinds.setdefault(kind, KindScore())
                    score.documents += 1
                    score.at_1 += ranked[:1] == [governing]
                    score.at_5 += governing in ranked
                if ranked[:1] != [governing]:
                    evaluation.misses.append(Miss(row["file"], row["kind"], label, governing, ranked))
            evaluation.scores[label] = dict(sorted(kinds.items(), key=lambda item: item[0] == "all"))
    return evaluation


def print_table(evaluation: Evaluation, console: Console) -> None:
    """One row per strategy and document kind."""
    table = Table(
        title=f"Governing-clause retrieval ({evaluation.claims} claims, {evaluation.index} index)",
        caption=f"+policy: ranked within the resolved policy's own clauses (what the pipeline does); "
        f"policy resolved for {evaluation.policies_found}/{evaluation.claims} claims",
    )
    for column in ("query", "kind", "claims", "recall@1", "recall@5"):
        table.add_column(column, justify="left" if column in ("query", "kind") else "right")
    for strategy, kinds in evaluation.scores.items():
        for kind, score in kinds.items():
            table.add_row(
                strategy,
                kind,
                str(score.documents),
                f"{score.recall_at_1:.3f}",
                f"{score.recall_at_5:.3f}",
                style="bold" if kind == "all" else None,
            )
        table.add_section()
    console.print(table)


def run(
    console: Console,
    *,
    claims: int = 60,
    seed: int = 23,
    scanned_share: float = 0.25,
    photo_share: float = 0.25,
    json_path: Path = Path("retrieval_eval.json"),
    corpus_dir: Path | None = None,
    spec: IndexSpec | None = None,
    strategies: Sequence[str] | None = None,
) -> Evaluation:
    """Generate a corpus, score it, print the table and write the JSON report.

    Args:
        console: Where the table goes.
        claims: Claims to generate; scans and photos cost ~2 s of OCR each on 2 cores.
        seed: Corpus seed; same seed, same claims.
        scanned_share: Share of claims delivered as scanned, image-only PDFs.
        photo_share: Share of claims delivered as PNG/JPEG photos.
        json_path: Where the JSON report is written.
        corpus_dir: Keep the generated corpus here; a temporary folder, removed afterwards, if None.
        spec: The FAISS index to evaluate; exact flat if None.
        strategies: Names from `STRATEGIES` to score; all if None.
    """
    chosen = {name: STRATEGIES[name] for name in (strategies or STRATEGIES)}
    with (
        tempfile.TemporaryDirectory(prefix="claimflow-eval-") as scratch,
        console.status("generating the sample corpus") as status,
    ):
        corpus = samples.generate(
            corpus_dir or Path(scratch),
            claims=claims,
            seed=seed,
            scanned_share=scanned_share,
            photo_share=photo_share,
        )
        evaluation = evaluate(
            corpus, MiniLMEmbedder(), strategies=chosen, spec=spec, on_progress=status.update
        )
    print_table(evaluation, console)
    json_path.write_text(json.dumps(evaluation.to_json(), indent=2) + "\n")
    console.print(f"JSON report: {json_path}")
    return evaluation
