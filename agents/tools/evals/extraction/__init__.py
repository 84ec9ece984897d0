"""`claimflow eval extraction`: field accuracy, auto-approve precision, review share, calibration.

Generates a labelled sample corpus (clean born-digital claims, scans, photos, hard cases,
multi-document claims; fixed seeds), runs it through the real pipeline on an embedded
stack of its own (or, with `in_process`, through the same stage functions without
Kafka), scores every report against the ground truth and writes `result.json` and a
reliability diagram (`calibration.png`) to the output folder.
"""

from __future__ import annotations

import asyncio
import json
import os
import platform
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

from agents.assessment import AssessmentSettings
from agents.documents import shared_engine
from agents.stores.policy_loader import load_policy_book
from agents.tools import samples
from agents.tools.evals.extraction import stages
from agents.tools.evals.extraction.output import CALIBRATION_PLOT, plot_calibration, print_tables
from agents.tools.evals.extraction.scoring import Scored, mismatches, score, summarise
from streams import (
    ConfigurationError,
    Settings,
    agent_processes,
    devstack,
    get_settings,
    load_topology,
    reload_settings,
)
from streams.kafka_admin import ensure_topics

MARKER = ".claimflow-eval"
# OCR costs ~1.4 s per scanned page and ~2.3 s per photo on the 2-core reference machine:
# these shares keep a 500-claim run to a few minutes while every kind is well represented.
DEFAULT_SCANNED_SHARE = 0.08
DEFAULT_PHOTO_SHARE = 0.05
DEFAULT_HARD_SHARE = 0.3
DEFAULT_MULTI_DOCUMENT_SHARE = 0.08
DEFAULT_SEED = 2026


class EvalError(ConfigurationError):
    """The evaluation cannot run as asked (e.g. a state folder it did not create)."""


@dataclass(frozen=True)
class EvalConfig:
    """What one evaluation run measures; every figure in the result depends on these alone."""

    claims: int = 500
    seed: int = DEFAULT_SEED
    scanned_share: float = DEFAULT_SCANNED_SHARE
    photo_share: float = DEFAULT_PHOTO_SHARE
    hard_share: float = DEFAULT_HARD_SHARE
    multi_document_share: float = DEFAULT_MULTI_DOCUMENT_SHARE
    short_policy_share: float = samples.SHORT_POLICY_SHARE
    mode: str = "pipeline"  # or "in-process"
    timeout_s: float = 900.0


def _progress(console: Console) -> Progress:
    return Progress(
        TextColumn("{task.description}"),
        BarColumn(),
        MofNCompleteColumn(),
        TimeElapsedColumn(),
        console=console,
    )


def _fresh_state_dir(state_dir: Path) -> Path:
    """Empty the evaluation's own state folder; refuse any folder it did not create."""
    state_dir = state_dir.resolve()
    if state_dir.exists() and any(state_dir.iterdir()):
        if not (state_dir / MARKER).exists():
            raise EvalError(f"{state_dir} is not an eval state folder (no {MARKER}); choose another")
        agent_processes.stop_agents(state_dir)
        devstack.down(state_dir, purge=True)
    state_dir.mkdir(parents=True, exist_ok=True)
    (state_dir / MARKER).write_text("state of `claimflow eval extraction`; recreated by every run\n")
    return state_dir


@contextmanager
def own_stack(state_dir: Path, console: Console) -> Iterator[Settings]:
    """A fresh embedded stack with every agent of the topology, stopped (and purged) afterwards."""
    state_dir = _fresh_state_dir(state_dir)
    saved = dict(os.environ)
    try:
        with console.status("starting a fresh embedded stack for the evaluation"):
            stack = devstack.up(state_dir)
        os.environ.update({**stack.env(), "CLAIMFLOW_STATE_DIR": str(state_dir)})
        reload_settings()
        settings = get_settings()
        topology = load_topology(settings.topology_file)
        ensure_topics(settings.kafka_bootstrap, topology.topics.values())
        agent_processes.start_agents(state_dir, topology, env=stack.env())
        yield settings
    finally:
        agent_processes.stop_agents(state_dir)
        devstack.down(state_dir, purge=True)
        os.environ.clear()
        os.environ.update(saved)
        reload_settings()


def _outcomes_via_pipeline(
    settings: Settings,
    corpus: samples.SampleCorpus,
    truth: list[dict[str, Any]],
    config: EvalConfig,
    console: Console,
) -> list[stages.Outcome]:
    with console.status("loading the sample policy book"):
        asyncio.run(load_policy_book(settings, corpus.policies_file))
    with _progress(console) as progress:
        task = progress.add_task("assessing claims (pipeline)", total=len(truth))
        return stages.through_pipeline(
            settings,
            corpus.claims_dir,
            truth,
            timeout_s=config.timeout_s,
            on_progress=lambda done: progress.update(task, completed=done),
        )


def _outcomes_in_process(
    settings: Settings, corpus: samples.SampleCorpus, truth: list[dict[str, Any]], console: Console
) -> list[stages.Outcome]:
    ocr = shared_engine()
    try:
        with _progress(console) as progress:
            task = progress.add_task("assessing claims (in process)", total=len(truth))
            return stages.in_process(
                settings,
                corpus.policies_file,
                corpus.claims_dir,
                truth,
                ocr=ocr,
                on_progress=lambda done: progress.update(task, completed=done),
            )
    finally:
        ocr.close()


def _claim_line(s: Scored) -> dict[str, Any]:
    return {
        "file": s.truth["file"],
        "status": s.outcome.status,
        "confidence": s.outcome.confidence,
        "all_fields_right": s.all_correct,
        "failed_rules": list(s.outcome.failed_rules),
        "expected_failed_rules": s.truth["expected_failed_rules"],
    }


def run_extraction_eval(
    config: EvalConfig,
    out_dir: Path,
    console: Console,
    *,
    state_dir: Path = Path(".claimflow-eval"),
    settings: Settings | None = None,
) -> dict[str, Any]:
    """Generate the corpus, assess it, score it; write `result.json` and the calibration plot.

    Args:
        config: Corpus size, shares, seed and mode.
        out_dir: Where `result.json`, `calibration.png` and the corpus (`corpus/`) go.
        console: For progress and the tables.
        state_dir: State folder of the evaluation's own stack (pipeline mode without `settings`).
        settings: A running stack with its agents to use instead of starting one (tests do).
    """
    started = time.monotonic()
    console.width = max(console.width, 140)  # the per-field table needs room even when output is piped
    phases: dict[str, float] = {}
    out_dir.mkdir(parents=True, exist_ok=True)
    with console.status(f"generating {config.claims} labelled sample claims"):
        corpus = samples.generate(
            out_dir / "corpus",
            claims=config.claims,
            seed=config.seed,
            scanned_share=config.scanned_share,
            photo_share=config.photo_share,
            short_policy_share=config.short_policy_share,
            hard_share=config.hard_share,
            multi_document_share=config.multi_document_share,
        )
    truth = [json.loads(line) for line in corpus.ground_truth_file.read_text(encoding="utf-8").splitlines()]
    phases["generate"] = time.monotonic() - started
    mark = time.monotonic()
    if config.mode == "in-process":
        outcomes = _outcomes_in_process(settings or get_settings(), corpus, truth, console)
    elif settings is not None:
        outcomes = _outcomes_via_pipeline(settings, corpus, truth, config, console)
    else:
        with own_stack(state_dir, console) as own:
            phases["stack_up"] = time.monotonic() - mark
            mark = time.monotonic()
            outcomes = _outcomes_via_pipeline(own, corpus, truth, config, console)
            settings = own
    phases["assess"] = time.monotonic() - mark
    threshold = AssessmentSettings.current().review_threshold
    scored = [score(row, outcome) for row, outcome in zip(truth, outcomes, strict=True)]
    result = {
        "config": {**asdict(config), "review_threshold": threshold},
        "environment": {
            "python": platform.python_version(),
            "cpus": os.cpu_count(),
            "load_average": list(os.getloadavg()),
        },
        "phases_s": {k: round(v, 1) for k, v in phases.items()},
        "wall_s": round(time.monotonic() - started, 1),
        "summary": summarise(scored, threshold),
        "mismatches": mismatches(scored),
        "claims": [_claim_line(s) for s in scored],
    }
    (out_dir / "result.json").write_text(json.dumps(result, indent=2, ensure_ascii=False), encoding="utf-8")
    plot_calibration(result, out_dir / CALIBRATION_PLOT)
    print_tables(result, console)
    console.print(f"result: {out_dir / 'result.json'}, plot: {out_dir / CALIBRATION_PLOT}")
    return result
