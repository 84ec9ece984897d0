"""Domain commands of `claimflow`: submit, policies, report, diff, trace, audit; sample, demo, eval, …

The operator commands (submit, policies, report, audit) need only a worker's install; the
tooling commands import their modules when they run, so a missing `tools` or `dev` extra
is one clear error for that command, never a CLI that cannot start.
"""

from __future__ import annotations

import asyncio
from datetime import datetime
from pathlib import Path
from typing import Annotated, Any

import typer
from rich.console import Console
from rich.markup import escape
from rich.panel import Panel
from rich.table import Table

from agents.intake import build_claim, check_region, publish_claims
from agents.stores import ReportStore, StoredReport, wait_for_clause_version
from agents.stores.policy_loader import load_policy_book
from agents.tools.api_cli import register as register_api
from agents.tools.api_client import ApiRefused, ApiTarget, submit_via_api
from agents.tools.audit_heads import verify_audit
from agents.tools.bench.cli import bench_app
from agents.tools.chaos.cli import chaos
from agents.tools.diff import diff
from agents.tools.review_cli import register as register_review
from agents.tools.shadow import shadow_app
from agents.tools.trace import trace
from streams import (
    AuditKeyMissing,
    DependencyUnavailable,
    get_settings,
)
from streams.jsonout import dumps

console = Console()
policies_app = typer.Typer(help="The policy book.", no_args_is_help=True)
eval_app = typer.Typer(
    help="Quality measurements on labelled corpora. Start with `claimflow eval extraction`: field "
    "accuracy, auto-approve precision, review share and confidence calibration of the whole pipeline.",
    no_args_is_help=True,
)
audit_app = typer.Typer(help="The hash-chained audit log.", no_args_is_help=True)


def submit(
    files: Annotated[list[Path], typer.Argument(exists=True, dir_okay=False, readable=True)],
    region: Annotated[str, typer.Option(help="Region of the claims (data residency), e.g. EU.")],
    claim_id: Annotated[
        str | None, typer.Option(help="Submit all files as the documents of this one claim.")
    ] = None,
    received_at: Annotated[
        datetime | None,
        typer.Option(
            formats=["%Y-%m-%d", "%Y-%m-%dT%H:%M:%S", "%Y-%m-%dT%H:%M:%S%z"],
            help="When the insurer received the claim (UTC unless an offset is given); the report "
            "date falls back to it when the documents carry none. Default: now.",
        ),
    ] = None,
    api: Annotated[
        str | None,
        typer.Option(
            help="Send through the intake API at this https URL (the API stores and publishes; needs a "
            "token with claims:submit) instead of writing to the store and the log from here."
        ),
    ] = None,
    token: Annotated[
        str | None, typer.Option(envvar="CLAIMFLOW_API_TOKEN", help="With --api: the bearer token.")
    ] = None,
    ca_certs: Annotated[
        Path | None, typer.Option(help="With --api: the CA that signed the API's certificate.")
    ] = None,
    cert: Annotated[
        Path | None, typer.Option(help="With --api: this client's certificate (mutual TLS).")
    ] = None,
    key: Annotated[Path | None, typer.Option(help="With --api: the key of --cert.")] = None,
    idempotency_key: Annotated[
        str | None, typer.Option(help="With --api: the Idempotency-Key (default: a new one per claim).")
    ] = None,
) -> None:
    """Store each document and publish claim.ingested, or send them to the intake API; print the ids."""
    if api is not None:
        if not token:
            raise typer.BadParameter("--api needs a token (--token or CLAIMFLOW_API_TOKEN)")
        if claim_id:
            raise typer.BadParameter("--claim-id is the API's to give: leave it out with --api")
        target = ApiTarget(api, token, ca_certs, cert, key)
        groups_api = [[f] for f in files]
        try:
            ids = submit_via_api(
                target,
                groups_api,
                region=region.upper(),
                received_at=received_at,
                idempotency_key=idempotency_key,
            )
        except ApiRefused as exc:
            console.print(f"[red]{exc}[/red]")
            raise typer.Exit(1) from exc
        for sent in ids:
            typer.echo(sent)
        return
    settings = get_settings()
    region = check_region(settings, region)
    groups = [files] if claim_id else [[f] for f in files]
    claims = [
        build_claim(settings, group, region=region, claim_id=claim_id, received_at=received_at)
        for group in groups
    ]
    publish_claims(settings, claims)
    for claim in claims:
        typer.echo(claim.claim_id)


@policies_app.command("load")
def policies_load(
    path: Annotated[Path, typer.Argument(exists=True, dir_okay=False)],
    wait: Annotated[
        float,
        typer.Option(help="Seconds to wait until every live FAISS worker applied the update; 0 = don't."),
    ] = 0,
) -> None:
    """Load a policy book (JSONL): policies into PostgreSQL, clauses into Milvus, then policy.updated."""
    settings = get_settings()
    with console.status("loading policy book") as status:
        result = asyncio.run(load_policy_book(settings, path, on_progress=lambda s: status.update(s)))
    console.print(
        f"{result.policies} policies, {result.clauses} clauses ({result.changed_clauses} new or changed, "
        f"{len(result.deleted_clauses)} deleted); policy update version {result.clause_version} "
        f"published for {', '.join(result.regions)}"
    )
    if wait:
        applied = asyncio.run(
            wait_for_clause_version(
                settings.redis_url.get_secret_value(), result.clause_version, timeout_s=wait
            )
        )
        console.print(f"applied by {len(applied)} FAISS worker(s)")


async def _get_report(claim_id: str) -> StoredReport | None:
    store = ReportStore(get_settings().postgres_dsn.get_secret_value())
    await store.open()
    try:
        return await store.get(claim_id)
    finally:
        await store.close()


def describe_extractor(extractor: dict[str, Any]) -> str:
    """Who read the fields (rules or an LLM: model, cache, cost) and why the rules answered alone, if so."""
    words = [f"extracted by {extractor.get('kind', '?')} {extractor.get('version', '')}".rstrip()]
    if extractor.get("model"):
        served = extractor.get("model_version")
        words.append(
            f"model {extractor['model']}"
            + (f" ({served})" if served and served != extractor["model"] else "")
        )
    if extractor.get("prompt_sha256"):
        words.append(f"prompt {extractor['prompt_sha256'][:12]}")
    if extractor.get("cache_hit") is not None:
        words.append("cache hit" if extractor["cache_hit"] else "cache miss")
    if extractor.get("latency_ms") is not None:
        words.append(f"{extractor['latency_ms']:.0f} ms")
    if extractor.get("prompt_tokens") is not None:
        words.append(f"tokens {extractor['prompt_tokens']}+{extractor.get('completion_tokens') or 0}")
    line = escape(" · ".join(words))
    if extractor.get("agreement"):
        line += "\nLLM vs rules: " + ", ".join(f"{k} {v}" for k, v in extractor["agreement"].items())
    if extractor.get("fallback_reason"):
        line += f"\n[yellow]rules answered alone: {escape(extractor['fallback_reason'])}[/yellow]"
    return line


def report(
    claim_id: Annotated[str, typer.Argument()],
    as_json: Annotated[bool, typer.Option("--json", help="Print the full report as JSON.")] = False,
) -> None:
    """Show the assessment report of one claim."""
    found = asyncio.run(_get_report(claim_id))
    if found is None:
        console.print(f"no report for {claim_id} (yet)")
        raise typer.Exit(1)
    if as_json:
        typer.echo(dumps(found.model_dump(), indent=2))
        return
    body = found.report
    fields = Table("field", "value", "confidence", "evidence", box=None)
    for name, field in body["fields"].items():
        fields.add_row(
            name, escape(str(field["value"])), f"{field['confidence']:.2f}", escape(field["evidence"][:60])
        )
    rules = Table("rule", "passed", "detail", box=None)
    for rule in body["rules"]:
        rules.add_row(rule["rule_id"], "yes" if rule["passed"] else "[red]no[/red]", rule["detail"])
    clauses = ", ".join(f"{c['clause_id']} ({c['score']:.2f})" for c in body["clauses"])
    console.print(Panel.fit(fields, title=f"{claim_id} · {found.status} · confidence {found.confidence:.2f}"))
    console.print(describe_extractor(body.get("extractor", {})))
    console.print(rules)
    console.print(
        f"clauses cited: {clauses}\nrevision {found.revision}, updated {found.updated_at:%Y-%m-%d %H:%M:%S}"
    )


BankOption = Annotated[
    str | None,
    typer.Option(
        "--bank",
        metavar="[a|b]",
        help="With --holdout: the generator's wording bank, a (default) or b (phrasings written later, "
        "never seen when tuning the extraction: the unseen-wording figures).",
        show_default=False,
    ),
]


def holdout_bank(bank: str | None, holdout: bool) -> str:
    """The hold-out wording bank `--bank` names ("a" when not given); an error without --holdout."""
    if bank is None:
        return "a"
    if not holdout:
        raise typer.BadParameter(
            "--bank chooses the wording of the hold-out corpus: use it with --holdout", param_hint="'--bank'"
        )
    from agents.tools.holdout.banks import check

    try:
        return check(bank)
    except ValueError as exc:
        raise typer.BadParameter(str(exc), param_hint="'--bank'") from exc


def sample(
    claims: Annotated[int, typer.Option(help="How many claims to generate.")] = 20,
    out: Annotated[Path, typer.Option(help="Output folder.")] = Path("sample"),
    seed: Annotated[int, typer.Option()] = 7,
    scanned_share: Annotated[float, typer.Option(help="Share of claims as scanned, image-only PDFs.")] = 0.0,
    photo_share: Annotated[float, typer.Option(help="Share of claims as PNG/JPEG photos of the form.")] = 0.0,
    short_policy_share: Annotated[
        float, typer.Option(help="Share printing short policy numbers (`88 4417 22`, `Pol.-Nr. 884417/22`).")
    ] = 0.25,
    hard_share: Annotated[
        float, typer.Option(help="Share of hard cases (foreign dates, locale amounts, OCR-like confusions…).")
    ] = 0.0,
    multi_document_share: Annotated[
        float, typer.Option(help="Share filed with a repair estimate (and a police report for thefts).")
    ] = 0.0,
    holdout: Annotated[
        bool,
        typer.Option(
            "--holdout",
            help="Write the independent hold-out corpus instead (agents/tools/holdout; the shares of "
            "short policy numbers, hard cases and attachments do not apply: it draws its own).",
        ),
    ] = False,
    bank: BankOption = None,
) -> None:
    """Generate a labelled corpus: policy book, claim documents (digital, scanned, photos) and their truth."""
    wording = holdout_bank(bank, holdout)
    if holdout:
        from agents.tools import holdout as holdout_corpus

        made = holdout_corpus.generate(
            out, claims=claims, seed=seed, scanned_share=scanned_share, photo_share=photo_share, bank=wording
        )
        console.print(
            f"policies: {made.policies_file}\ntruth:    {made.truth_file} ({made.claims} claims, "
            f"wording bank {made.bank})"
        )
        return
    from agents.tools import samples

    corpus = samples.generate(
        out,
        claims=claims,
        seed=seed,
        scanned_share=scanned_share,
        photo_share=photo_share,
        short_policy_share=short_policy_share,
        hard_share=hard_share,
        multi_document_share=multi_document_share,
    )
    console.print(
        f"policies: {corpus.policies_file}\nclaims:   {corpus.claims_dir} ({len(corpus.claim_files)})\n"
        f"truth:    {corpus.ground_truth_file.parent / 'truth.jsonl'} (and {corpus.ground_truth_file.name})"
    )


@audit_app.command("verify")
def audit_verify(
    database_only: Annotated[
        bool,
        typer.Option(
            "--database-only",
            help="Skip the head published on the log (when the broker is away): a cut tail may go unseen.",
        ),
    ] = False,
) -> None:
    """Recompute the keyed audit chain and check it against the head the auditor published on the log.

    Exit 1 if any row was altered, removed, inserted or the tail was cut; needs CLAIMFLOW_AUDIT_KEY.
    """
    try:
        ok, message = verify_audit(get_settings(), database_only=database_only)
    except AuditKeyMissing as exc:
        console.print(f"[red]cannot verify:[/red] {exc}")
        raise typer.Exit(2) from exc
    except DependencyUnavailable as exc:
        console.print(f"[red]cannot read the published head:[/red] {exc} (--database-only skips it)")
        raise typer.Exit(2) from exc
    console.print(("[green]OK[/green] " if ok else "[red]FAILED[/red] ") + message)
    if not ok:
        raise typer.Exit(1)


def demo(
    claims: Annotated[int, typer.Option(help="How many sample claims to submit.")] = 50,
    scanned_share: Annotated[float, typer.Option(help="Share of scanned claims (read by OCR).")] = 0.1,
    photo_share: Annotated[float, typer.Option(help="Share of claims photographed (read by OCR).")] = 0.04,
    timeout: Annotated[float, typer.Option(help="Seconds to wait for every report.")] = 300,
) -> None:
    """Start the embedded stack and the agents, load sample policies, submit claims and show the reports."""
    from agents.tools.demo import run_demo

    run_demo(
        claims=claims,
        scanned_share=scanned_share,
        photo_share=photo_share,
        timeout_s=timeout,
        console=console,
    )


@eval_app.command("extraction")
def eval_extraction(
    claims: Annotated[int, typer.Option(help="Labelled claims to generate and assess.")] = 500,
    holdout: Annotated[
        bool,
        typer.Option(
            "--holdout",
            help="Measure on the independent hold-out corpus (agents/tools/holdout, never tuned on): "
            "a new seed every run unless --seed is given.",
        ),
    ] = False,
    corpus: Annotated[
        Path | None,
        typer.Option(
            exists=True,
            file_okay=False,
            help="Measure on this labelled folder (policies.jsonl, truth.jsonl, documents; "
            "docs/evaluation/corpus-format.md) instead of generating one.",
        ),
    ] = None,
    seed: Annotated[
        int | None, typer.Option(help="Corpus seed (tuning default 2026; hold-out default: a new one).")
    ] = None,
    scanned_share: Annotated[
        float | None, typer.Option(help="Scanned PDFs (OCR ~1.4 s a page); default 0.08, hold-out 0.2.")
    ] = None,
    photo_share: Annotated[
        float | None, typer.Option(help="Photos (OCR ~2.3 s each); default 0.05, hold-out 0.1.")
    ] = None,
    hard_share: Annotated[
        float, typer.Option(help="Tuning corpus: hard cases (see agents/tools/samples/hard.py).")
    ] = 0.3,
    multi_document_share: Annotated[
        float, typer.Option(help="Tuning corpus: claims with a repair estimate (and police report).")
    ] = 0.08,
    in_process: Annotated[
        bool, typer.Option("--in-process", help="Run the agents' stage functions without Kafka.")
    ] = False,
    out: Annotated[Path, typer.Option(help="Folder for result.json, calibration.png and the corpus.")] = Path(
        "results/eval"
    ),
    state_dir: Annotated[Path, typer.Option(help="State folder of the evaluation's own stack.")] = Path(
        ".claimflow-eval"
    ),
    timeout: Annotated[float, typer.Option(help="Seconds to wait for every report.")] = 900,
    from_reviews: Annotated[
        bool,
        typer.Option(
            "--from-reviews",
            help="Measure on the reviewers' decisions instead (the running stack's review store): field "
            "accuracy against their corrections, auto-approve precision on the QA samples.",
        ),
    ] = False,
    region: Annotated[str | None, typer.Option(help="With --from-reviews: only this region.")] = None,
    bank: BankOption = None,
) -> None:
    """Accuracy per field and kind of claim, auto-approve precision, review share, calibration plot.

    Without --in-process it starts a fresh embedded stack with every agent (in --state-dir),
    submits every claim and scores the stored reports, then stops the stack. With --from-reviews
    it reads the decisions reviewers made on the running stack instead, and runs nothing.
    """
    wording = holdout_bank(bank, holdout)
    if from_reviews:
        from agents.tools.evals import reviews

        report = reviews.accuracy_report(reviews.labelled(get_settings(), region.upper() if region else None))
        reviews.print_accuracy(console, report)
        reviews.write(out / "from-reviews.json", report)
        console.print(f"result: {out / 'from-reviews.json'}")
        return
    from agents.tools.evals.extraction import EvalConfig, new_holdout_seed, run_extraction_eval

    source = "folder" if corpus else "holdout" if holdout else "tuning"
    default_seed = new_holdout_seed() if source == "holdout" else 2026
    config = EvalConfig(
        claims=claims,
        seed=default_seed if seed is None else seed,
        scanned_share=scanned_share if scanned_share is not None else (0.2 if holdout else 0.08),
        photo_share=photo_share if photo_share is not None else (0.1 if holdout else 0.05),
        hard_share=hard_share,
        multi_document_share=multi_document_share,
        mode="in-process" if in_process else "pipeline",
        timeout_s=timeout,
        source=source,
        corpus=str(corpus) if corpus else None,
        holdout_bank=wording,
    )
    run_extraction_eval(config, out, console, state_dir=state_dir)


@eval_app.command("pii")
def eval_pii(
    documents: Annotated[int, typer.Option(help="Labelled documents to generate.")] = 150,
    seed: Annotated[int, typer.Option()] = 11,
) -> None:
    """Redaction recall and precision per PII kind on a generated, labelled corpus."""
    from agents.tools.evals.pii import run

    run(documents, seed, console)


@eval_app.command("retrieval")
def eval_retrieval(
    claims: Annotated[
        int, typer.Option(help="Claims to generate (scans and photos cost ~2 s of OCR each).")
    ] = 60,
    seed: Annotated[int, typer.Option()] = 23,
    scanned_share: Annotated[float, typer.Option()] = 0.25,
    photo_share: Annotated[float, typer.Option()] = 0.25,
    out: Annotated[Path, typer.Option(help="JSON report.")] = Path("results/retrieval_eval.json"),
) -> None:
    """Recall@1/@5 of each claim's governing clause, per document kind and query strategy, in process."""
    from agents.retrieval import IndexSpec, RetrievalSettings
    from agents.tools.evals.retrieval import run

    out.parent.mkdir(parents=True, exist_ok=True)
    run(
        console,
        claims=claims,
        seed=seed,
        scanned_share=scanned_share,
        photo_share=photo_share,
        json_path=out,
        spec=IndexSpec.from_settings(RetrievalSettings.current()),
    )


def fuzz(
    targets: Annotated[
        list[str] | None,
        typer.Argument(help="Targets to run (default: all; see --list).", show_default=False),
    ] = None,
    seconds: Annotated[float, typer.Option(help="Seconds of fuzzing per target.")] = 60,
    timeout: Annotated[int, typer.Option(help="Seconds one input may take before it counts as a hang.")] = 10,
    rss_limit_mb: Annotated[
        int, typer.Option(help="Memory (MB) a target may use before it counts as a crash.")
    ] = 2048,
    workdir: Annotated[
        Path | None, typer.Option(help="Corpora, crashes, summary (default: state dir/fuzz).")
    ] = None,
    list_targets: Annotated[bool, typer.Option("--list", help="List the targets and exit.")] = False,
) -> None:
    """Coverage-guided fuzzing (atheris) of every parser of untrusted input; exit 1 if any crashed."""
    from agents.tools.fuzz import TARGETS, run_fuzzers

    if list_targets:
        for target in TARGETS.values():
            console.print(f"{target.name:<15} {target.about}")
        return
    unknown = sorted(set(targets or ()) - set(TARGETS))
    if unknown:
        raise typer.BadParameter(f"unknown targets {unknown}; known: {', '.join(TARGETS)}")
    runs = run_fuzzers(
        targets or list(TARGETS),
        seconds=seconds,
        workdir=workdir or get_settings().state_dir / "fuzz",
        timeout_s=timeout,
        rss_limit_mb=rss_limit_mb,
        console=console,
    )
    raise typer.Exit(1 if any(run.crashes or run.findings for run in runs) else 0)


def register(app: typer.Typer) -> None:
    """Plug the domain commands into the `claimflow` CLI (entry point `claimflow.cli`)."""
    app.command()(submit)
    app.command()(report)
    app.command()(diff)
    app.command()(trace)
    app.command()(sample)
    app.command()(demo)
    app.command()(fuzz)
    app.command()(chaos)
    app.add_typer(bench_app, name="bench")
    app.add_typer(policies_app, name="policies")
    app.add_typer(audit_app, name="audit")
    app.add_typer(eval_app, name="eval")
    app.add_typer(shadow_app, name="shadow")
    register_review(app)
    register_api(app)
