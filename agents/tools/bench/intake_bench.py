"""`claimflow bench intake`: the HTTPS intake API under load, on an embedded stack of its own.

A run: a fresh stack in its own state folder (default `.claimflow-bench-intake`: Kafka, PostgreSQL
and the S3 server; no agents, the door is what is measured), a dev CA and certificates, the real
`claimflow api serve` as its own process with mutual TLS, then `intake_load.drive` with one token
per client, then the checks against what the stack holds (`verify_on_stack`). The figures go to
`result.json`, a table and `intake.png` (accept latency histogram, accepts per second over time).
"""

from __future__ import annotations

import asyncio
import json
import os
import random
import secrets
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import httpx
from pydantic import SecretStr
from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn
from rich.table import Table

from agents.auth import HmacTokens
from agents.intake.api import SUBMIT, ApiSettings, mint
from agents.tools.api_cli import DevCerts, make_dev_certs
from agents.tools.bench.intake_load import Answer, LoadPlan, LoadTarget, analyse, drive, verify_on_stack
from agents.tools.bench.result import environment, versions
from agents.tools.tracking import fresh_state_dir
from streams import ClaimFlowError, Settings, devstack
from streams.objectstore_s3 import S3Settings

MARKER = ".claimflow-bench-intake"
PLOT = "intake.png"
API_START_S = 120.0


class IntakeBenchError(ClaimFlowError, RuntimeError):
    """The intake load test could not run (an unsafe state folder, an API that did not start)."""


def sample_claim_pdf(seed: int) -> bytes:
    """One born-digital claim form as the sample corpus renders it (a few KB)."""
    from agents.tools.samples.model import make_claim, make_policy_book
    from agents.tools.samples.render import render_claim

    rng = random.Random(seed)
    book = make_policy_book(rng, ["EU"], 1)
    pdf, _layout = render_claim(rng, make_claim(rng, 0, book["EU"]))
    return pdf


@contextmanager
def serve_api(stack: devstack.StackInfo, certs: DevCerts, secret: str, log: Path) -> Iterator[str]:
    """`claimflow api serve` on a free port with mutual TLS, as its own process; its URL once it answers."""
    port = devstack.free_port()
    env = {
        **os.environ,
        **stack.env(),
        "CLAIMFLOW_API_TOKEN_SECRET": secret,
        "CLAIMFLOW_API_RATE_LIMIT": "1000000/minute",  # the door's capacity is measured, not the limit
        "CLAIMFLOW_LOG_LEVEL": "WARNING",
    }
    argv = [
        sys.executable, "-m", "streams", "api", "serve", "--host", devstack.HOST, "--port", str(port),
        "--certfile", str(certs.server_cert), "--keyfile", str(certs.server_key), "--ca-certs", str(certs.ca),
    ]  # fmt: skip
    url = f"https://{devstack.HOST}:{port}"
    with log.open("wb") as out:
        process = subprocess.Popen(argv, env=env, stdout=out, stderr=subprocess.STDOUT)
    try:
        target = LoadTarget(url, lambda _c: "", certs.ca, certs.client_cert, certs.client_key)
        deadline = time.monotonic() + API_START_S
        while True:
            if process.poll() is not None:
                raise IntakeBenchError(f"the API exited with {process.returncode}; see {log}")
            try:
                httpx.get(f"{url}/openapi.json", verify=target.ssl_context(), timeout=5).raise_for_status()
                break
            except httpx.HTTPError as exc:
                if time.monotonic() > deadline:
                    raise IntakeBenchError(f"the API did not answer in {API_START_S:.0f} s: {exc}") from exc
            time.sleep(0.2)  # polling a starting server until it answers, with a deadline
        yield url
    finally:
        process.terminate()
        try:
            process.wait(15)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait(15)


def _stack_settings(stack: devstack.StackInfo) -> tuple[Settings, S3Settings]:
    settings = stack.settings()
    s3 = S3Settings(
        s3_endpoint_url=stack.s3_endpoint_url,
        s3_access_key_id=stack.s3_access_key_id,
        s3_secret_access_key=SecretStr(stack.s3_secret_access_key),
        s3_region=stack.s3_region,
    )
    return settings, s3


def run_intake_bench(
    plan: LoadPlan,
    out: Path,
    *,
    state_dir: Path,
    console: Console,
    keep_stack: bool = False,
) -> dict[str, Any]:
    """Start a stack and the API, drive `plan`, check the stack; the result (also `out/result.json`)."""
    state_dir = fresh_state_dir(state_dir, MARKER, "claimflow bench intake", IntakeBenchError)
    out.mkdir(parents=True, exist_ok=True)
    before = environment()
    with console.status("starting the stack (Kafka, PostgreSQL, S3) ..."):
        stack = devstack.up(state_dir, timeout_s=300)
    if not stack.object_store_url.startswith("s3://"):
        raise IntakeBenchError(
            "the intake load test needs the S3 document store (CLAIMFLOW_DEV_OBJECT_STORE=s3)"
        )
    try:
        certs = make_dev_certs(state_dir / "certs", ["127.0.0.1", "localhost"])
        secret = secrets.token_urlsafe(48)
        section = ApiSettings(api_token_secret=SecretStr(secret))
        tokens = HmacTokens(
            secret.encode(), issuer=section.api_token_issuer, audience=section.api_audience, ttl_s=3600
        )
        document = ("claim.pdf", sample_claim_pdf(plan.seed), "application/pdf")
        with serve_api(stack, certs, secret, state_dir / "api.log") as url:
            target = LoadTarget(
                url,
                lambda client: mint(tokens, client, [SUBMIT], [plan.region]),
                certs.ca,
                certs.client_cert,
                certs.client_key,
            )
            run = asyncio.run(_drive_with_progress(target, plan, [document], console))
        analysis = analyse(run)
        settings, s3 = _stack_settings(stack)
        with console.status("checking the log, the object store and the registry ..."):
            check = verify_on_stack(settings, run, analysis, s3)
    finally:
        if not keep_stack:
            devstack.down(state_dir, purge=True)
    result = {
        "config": {**plan.__dict__, "claims": plan.claims, "document_bytes": len(document[1])},
        "versions": versions(),
        "environment": {"before": before, "after": environment()},
        "figures": {k: v for k, v in analysis.items() if k not in ("series", "accepted_claims")},
        "checks": check.to_json(),
        "series": analysis["series"],
    }
    (out / "result.json").write_text(json.dumps(result, indent=2, default=str) + "\n")
    plot(result, out / PLOT)
    console.print(summary_table(result))
    console.print(f"results: {out} (result.json, {PLOT})")
    return result


async def _drive_with_progress(
    target: LoadTarget, plan: LoadPlan, documents: list[tuple[str, bytes, str]], console: Console
) -> Any:
    columns = (
        TextColumn("{task.description}"),
        BarColumn(),
        MofNCompleteColumn(),
        TextColumn("{task.fields[errors]} non-202"),
        TimeElapsedColumn(),
    )
    with Progress(*columns, console=console) as progress:
        task = progress.add_task(
            f"{plan.clients} clients x {plan.claims_per_client} claims", total=plan.claims, errors=0
        )
        errors = 0

        def on_answer(answer: Answer) -> None:
            nonlocal errors
            if answer.status == "202" and not answer.replayed:
                progress.advance(task)
            elif answer.status != "202":
                errors += 1
                progress.update(task, errors=errors)

        return await drive(target, plan, documents, on_answer=on_answer)


def summary_table(result: dict[str, Any]) -> Table:
    """The headline figures and the checks."""
    cfg, fig, chk = result["config"], result["figures"], result["checks"]
    lat = fig["accept_latency_ms"]
    table = Table(
        "figure",
        "value",
        title=f"claimflow bench intake: {cfg['clients']} clients x {cfg['claims_per_client']} claims",
    )
    table.add_row("accepted claims", f"{fig['accepted']} of {fig['claims']} ({fig['requests']} requests)")
    table.add_row("accepted claims/s", f"{fig['accepted_per_s']:.1f} (wall {fig['wall_s']:.1f} s)")
    table.add_row(
        "accept latency p50 / p95 / p99", f"{lat['p50']:.0f} / {lat['p95']:.0f} / {lat['p99']:.0f} ms"
    )
    table.add_row("repeated keys answered with the first claim", str(fig["replayed_answers"]))
    errors = ", ".join(f"{s}: {n}" for s, n in fig["errors_by_status"].items()) or "none"
    table.add_row("non-202 answers by status", errors)
    table.add_row("published exactly once", f"{chk['published_once']} of {fig['accepted']}")
    for name in (
        "lost_in_log",
        "duplicated_in_log",
        "unacknowledged",
        "lost_in_store",
        "orphan_objects",
        "registry_mismatches",
    ):
        table.add_row(name.replace("_", " "), str(len(chk[name])))
    table.add_row("second claims for a key", str(len(fig["second_claims"])))
    table.add_row(
        "verdict", "OK: nothing lost, nothing twice" if chk["ok"] and not fig["second_claims"] else "FAILED"
    )
    load = result["environment"]["before"]["loadavg"][0]
    table.add_row(
        "load average at start", f"{load:.2f} on {result['environment']['before']['cpu_count']} cores"
    )
    return table


def plot(result: dict[str, Any], path: Path) -> None:
    """Accept latency histogram (p50/p95/p99 marked) and accepted claims per second over the run."""
    from agents.tools.bench.output import _pyplot

    plt = _pyplot()
    series, lat = result["series"], result["figures"]["accept_latency_ms"]
    fig, (left, right) = plt.subplots(1, 2, figsize=(12, 4))
    if series["accept_latency_ms"]:
        left.hist(series["accept_latency_ms"], bins=60, color="tab:blue")
    for name in ("p50", "p95", "p99"):
        left.axvline(lat[name], linestyle=":", color="grey")
        left.annotate(f"{name} {lat[name]:.0f} ms", (lat[name], 0), rotation=90, va="bottom", fontsize=8)
    left.set(xlabel="accept latency (ms, POST sent → 202)", ylabel="claims", title="Accept latency")
    times = series["accepted_at_s"]
    if times:
        width = max(1, int(times[-1]) + 1)
        counts = [0] * width
        for t in times:
            counts[min(width - 1, int(t))] += 1
        right.step(range(width), counts, where="post")
    right.set(xlabel="seconds since the first request", ylabel="claims accepted per second")
    right.set_title(f"Accepts over time ({result['figures']['accepted_per_s']:.1f}/s overall)")
    fig.savefig(path, dpi=110, bbox_inches="tight")
    plt.close(fig)
