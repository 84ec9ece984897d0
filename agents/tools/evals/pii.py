"""Measure redaction on the labelled corpus: per-kind recall and precision, and what survived.

Span-level scoring with overlap: a true value counts as found when a predicted span of
the same kind overlaps it, and a predicted span counts as correct when it overlaps a true
value of its kind. Recall alone would reward redacting everything, so the corpus also
marks values that must survive (policy numbers, claim ids, dates, amounts, damage text,
phone-shaped reference numbers) and the report says how many did.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field

from rich.console import Console
from rich.table import Table

from agents.redaction import PiiKind, Redaction, redact
from agents.tools.evals.pii_corpus import KEEP_KINDS, LabelledDocument, generate_corpus

Redactor = Callable[[str, str | None], Redaction]


@dataclass
class KindScore:
    """Counts for one PII kind; `leaked` are true values no placeholder of any kind touched."""

    true: int = 0
    found: int = 0
    predicted: int = 0
    correct: int = 0
    leaked: int = 0

    @property
    def recall(self) -> float:
        """Share of true values found as their own kind (1.0 when there were none)."""
        return self.found / self.true if self.true else 1.0

    @property
    def precision(self) -> float:
        """Share of predicted spans that overlap a true value of their kind."""
        return self.correct / self.predicted if self.predicted else 1.0

    @property
    def redacted(self) -> float:
        """Share of true values covered by any placeholder: what an outsider can no longer read."""
        return 1 - self.leaked / self.true if self.true else 1.0


@dataclass
class Evaluation:
    """Scores per PII kind and survival counts per kept kind, over a whole corpus."""

    documents: int = 0
    kinds: dict[str, KindScore] = field(default_factory=lambda: {k.value: KindScore() for k in PiiKind})
    kept: dict[str, list[int]] = field(default_factory=lambda: {k: [0, 0] for k in KEEP_KINDS})

    def survival(self, kind: str) -> float:
        """Share of must-keep values of `kind` that no placeholder touched."""
        survived, total = self.kept[kind]
        return survived / total if total else 1.0


def evaluate(documents: Sequence[LabelledDocument], redactor: Redactor = redact) -> Evaluation:
    """Run `redactor` on every document and score it against the labelled spans.

    Args:
        documents: The labelled corpus (see `agents.tools.evals.pii_corpus.generate_corpus`).
        redactor: The function under test; the default is the production `redact`.
    """
    result = Evaluation(documents=len(documents))
    for doc in documents:
        predicted = redactor(doc.text, doc.region).spans
        for truth in doc.pii:
            score = result.kinds[truth.kind]
            score.true += 1
            touching = [p for p in predicted if p.start < truth.end and truth.start < p.end]
            score.found += any(p.kind == truth.kind for p in touching)
            score.leaked += not touching
        for span in predicted:
            score = result.kinds[span.kind.value]
            score.predicted += 1
            score.correct += any(
                t.kind == span.kind and t.start < span.end and span.start < t.end for t in doc.pii
            )
        for keep in doc.keep:
            untouched = not any(p.start < keep.end and keep.start < p.end for p in predicted)
            result.kept[keep.kind][0] += untouched
            result.kept[keep.kind][1] += 1
    return result


def print_table(evaluation: Evaluation, console: Console | None = None) -> None:
    """Print per-kind recall/precision and the survival of must-keep values as rich tables."""
    console = console or Console()
    table = Table(title=f"PII redaction on {evaluation.documents} labelled documents")
    for column in ("kind", "true", "found", "recall", "predicted", "precision", "redacted (any kind)"):
        table.add_column(column, justify="left" if column == "kind" else "right")
    for kind, s in evaluation.kinds.items():
        table.add_row(
            kind,
            str(s.true),
            str(s.found),
            f"{s.recall:.1%}",
            str(s.predicted),
            f"{s.precision:.1%}",
            f"{s.redacted:.1%}",
        )
    console.print(table)
    kept = Table(title="Values that must survive")
    for column in ("kind", "total", "untouched"):
        kept.add_column(column, justify="left" if column == "kind" else "right")
    for kind, (survived, total) in evaluation.kept.items():
        kept.add_row(kind, str(total), f"{survived} ({evaluation.survival(kind):.1%})")
    console.print(kept)


def print_by_style(documents: Sequence[LabelledDocument], console: Console | None = None) -> None:
    """Recall of the context-found kinds per document style: where the rules generalise and where not."""
    console = console or Console()
    table = Table(title="Recall by document style (names and addresses have no checksum)")
    table.add_column("style")
    for kind in (PiiKind.NAME, PiiKind.ADDRESS, PiiKind.PHONE):
        table.add_column(f"{kind.value} recall", justify="right")
    for style in sorted({d.style for d in documents}):
        scores = evaluate([d for d in documents if d.style == style]).kinds
        table.add_row(
            style,
            *(f"{s.recall:.1%} of {s.true}" for s in (scores[k] for k in ("NAME", "ADDRESS", "PHONE"))),
        )
    console.print(table)


def run(documents: int, seed: int, console: Console) -> None:
    """`claimflow eval pii`: generate the labelled corpus, redact it and print the scores."""
    corpus = generate_corpus(documents, seed=seed)
    print_table(evaluate(corpus), console)
    print_by_style(corpus, console)
