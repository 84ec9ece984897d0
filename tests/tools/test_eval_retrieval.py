"""`claimflow eval retrieval`: recall of the governing clause, whole region and within the policy."""

from __future__ import annotations

import json
from pathlib import Path

from rich.console import Console

from agents.tools.evals.retrieval import run


def test_eval_retrieval_reports_recall_per_kind_and_writes_json(tmp_path: Path) -> None:
    evaluation = run(
        Console(file=None, width=100, quiet=True),
        claims=9,
        seed=5,
        scanned_share=0.0,
        photo_share=0.0,
        json_path=tmp_path / "eval.json",
        corpus_dir=tmp_path / "corpus",
    )
    report = json.loads((tmp_path / "eval.json").read_text())
    assert report["claims"] == 9 and report["index"] == "flat"
    for strategy in ("retriever", "focused"):
        overall = evaluation.scores[strategy]["all"]
        assert overall.documents == 9
        assert 0.0 <= overall.recall_at_1 <= overall.recall_at_5 <= 1.0
        assert report["scores"][strategy]["digital"]["documents"] == 9
    assert evaluation.scores["focused"]["all"].recall_at_5 >= 0.9
    scoped = evaluation.scores["focused+policy"]["all"]
    assert report["policies_found"] == 9
    assert scoped.recall_at_5 == 1.0  # a policy has a handful of clauses: all five slots are its own
    assert scoped.recall_at_1 >= evaluation.scores["focused"]["all"].recall_at_1
