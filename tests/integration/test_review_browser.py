"""A reviewer in a real browser (Debian's headless chromium, driven by Playwright) on the running pipeline.

Sign in, open the queue, open a claim, see the evidence highlighted on the document, correct a
field and approve; then the new report revision, its report.ready announcement and the audit
rows are checked on the stack itself. Screenshots of the two pages are written to the test's
folder, and to `CLAIMFLOW_REVIEW_SCREENSHOTS` when set (docs/images/ for the README).
"""

from __future__ import annotations

import asyncio
import os
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from agents.review import decode_trail
from agents.stores import ReportStore, StoredReport
from streams import AuditLog
from streams.devstack import HOST, free_port
from tests.fixtures.browser import CHROMIUM_ARGS, require_chromium
from tests.fixtures.pipeline import Pipeline
from tests.fixtures.waiting import NotYet, eventually

pytestmark = pytest.mark.integration

PASSWORD = "rita's long password"


def _cli(pipeline: Pipeline, *args: str, stdin: str | None = None) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "streams", *args],
        env={**os.environ, **pipeline.env},
        input=stdin,
        capture_output=True,
        text=True,
        timeout=120,
        check=True,
    )


@pytest.fixture(scope="module")
def review_site(pipeline: Pipeline, tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """`claimflow review serve` on the pipeline's stack; a reviewer added by `claimflow review users add`."""
    _cli(pipeline, "review", "users", "add", "rita", "--name", "Rita", "--region", "eu", "--password-stdin",
         stdin=PASSWORD + "\n")  # fmt: skip
    port = free_port()
    log = tmp_path_factory.mktemp("review-web") / "server.log"
    env = {**os.environ, **pipeline.env, "CLAIMFLOW_REVIEW_TOKEN_SECRET": "t" * 40}
    with log.open("wb") as out:
        server = subprocess.Popen(
            [sys.executable, "-m", "streams", "review", "serve", "--host", HOST, "--port", str(port)],
            env=env,
            stdout=out,
            stderr=subprocess.STDOUT,
        )
    url = f"http://{HOST}:{port}"

    def up() -> None:
        if server.poll() is not None:
            pytest.fail(f"review server exited with {server.returncode}: {log.read_text()[-2000:]}")
        try:
            httpx.get(f"{url}/healthz", timeout=2).raise_for_status()
        except httpx.HTTPError as exc:
            raise NotYet(f"review server not answering yet: {exc}") from exc

    try:
        eventually(up, timeout_s=120, interval_s=0.2)  # a cold interpreter imports the whole CLI
        yield url
    finally:
        server.terminate()
        try:
            server.wait(timeout=10)
        except subprocess.TimeoutExpired:
            server.kill()
            server.wait(timeout=10)


async def _report(dsn: str, claim_id: str) -> StoredReport | None:
    async with ReportStore(dsn) as store:
        return await store.get(claim_id)


def test_sign_in_see_the_evidence_correct_a_field_and_approve(
    pipeline: Pipeline, review_site: str, tmp_path: Path
) -> None:
    chromium = require_chromium()
    from playwright.sync_api import expect, sync_playwright

    # US forms filed in the EU: the EU book has no such policy, so a person must look at them (a few
    # more when refreshing the screenshots, so the queue's shows a queue); the last one is reviewed here.
    shots = [tmp_path]
    if os.environ.get("CLAIMFLOW_REVIEW_SCREENSHOTS"):
        shots.append(Path(os.environ["CLAIMFLOW_REVIEW_SCREENSHOTS"]))
    forms = [r for r in pipeline.truth if r["region"] == "US"][-4 if len(shots) > 1 else -1 :]
    claims = [pipeline.submit([pipeline.corpus.claims_dir / f["file"]], region="EU").claim_id for f in forms]
    claim_id = claims[-1]
    assessed = pipeline.reports(claims, timeout_s=240)[claim_id]
    before = assessed.report["fields"]["claimed_amount"]["value"]

    def screenshot(page, name: str) -> None:  # type: ignore[no-untyped-def]
        for folder in shots:
            folder.mkdir(parents=True, exist_ok=True)
            page.screenshot(path=str(folder / name))

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=str(chromium), args=CHROMIUM_ARGS)
        try:
            page = browser.new_page(viewport={"width": 1440, "height": 1000})
            page.set_default_timeout(30_000)
            page.goto(f"{review_site}/queue")
            expect(page).to_have_url(f"{review_site}/login?next=/queue")
            page.fill("input[name=username]", "rita")
            page.fill("input[name=password]", PASSWORD)
            page.click("button[type=submit]")
            expect(page.get_by_test_id("signed-in")).to_contain_text("Rita (reviewer) · EU")

            def queued() -> None:
                page.goto(f"{review_site}/queue")
                if any(not page.locator(f'tr[data-claim="{c}"]').count() for c in claims):
                    raise NotYet("the claims are not all in the queue yet")

            eventually(queued, timeout_s=60)
            screenshot(page, "review-queue.png")

            page.click(f'a[href="/claims/{claim_id}"]')
            expect(page.get_by_test_id("report-status")).to_have_text("needs review")
            page.get_by_test_id("take").click()
            expect(page.get_by_test_id("lease")).to_contain_text("Yours until")
            # The evidence is highlighted on the page picture, where it was read.
            page.wait_for_function("[...document.images].every((i) => i.complete && i.naturalWidth > 0)")
            boxes = page.locator(".sheet .hl")
            assert boxes.count() >= 3
            amount_box = page.locator('.sheet .hl[data-field="claimed_amount"]').first
            expect(amount_box).to_be_visible()
            found = amount_box.bounding_box()
            assert found is not None and found["width"] > 5 and found["height"] > 3
            screenshot(page, "review-claim.png")

            page.fill('input[name="field.claimed_amount"]', "1234.50")
            page.get_by_test_id("approve").click()

            def applied() -> None:
                if "Decision applied as revision 2" not in page.get_by_test_id("outcome").inner_text():
                    page.reload()
                    raise NotYet("the decision is not applied yet")

            eventually(applied, timeout_s=60)
            expect(page.get_by_test_id("report-status")).to_have_text("approved")
            expect(page.get_by_test_id("revisions")).to_contain_text("rita")

            _cli(pipeline, "review", "users", "disable", "rita")  # her session ends at the next request
            page.goto(f"{review_site}/queue")
            expect(page).to_have_url(f"{review_site}/login?next=/queue")
        finally:
            browser.close()

    report = asyncio.run(_report(pipeline.settings.postgres_dsn.get_secret_value(), claim_id))
    assert report is not None and (report.revision, report.status) == (2, "approved")
    assert report.report["fields"]["claimed_amount"]["value"] == "1234.50"
    _, ready = pipeline.wait_for_message(
        "report_ready", lambda r: r["claim_id"] == claim_id and r["revision"] == 2
    )
    assert (ready["status"], ready["reviewed_by"], ready["claimed_amount"]) == ("approved", "rita", "1234.50")

    async def trail() -> list:
        async with AuditLog(pipeline.settings.postgres_dsn.get_secret_value()) as log:
            return decode_trail(
                await log.for_claim(claim_id), pipeline.topology, pipeline.settings.schemas_dir
            )

    def audited() -> tuple:
        entries = asyncio.run(trail())
        reviewed = [e for e in entries if e.schema == "claim_reviewed"]
        revised = [e for e in entries if e.schema == "report_ready" and e.record["revision"] == 2]
        if not (reviewed and revised):
            raise NotYet("the auditor has not recorded the decision yet")
        return reviewed[0], revised[0]

    reviewed, revised = eventually(audited, timeout_s=60)
    assert reviewed.record["reviewer"] == "rita" and reviewed.record["action"] == "correct_and_approve"
    assert reviewed.record["corrections"] == [
        {"field": "claimed_amount", "before": before, "after": "1234.50"}
    ]
    assert revised.record["decision_id"] == reviewed.event_id == ready["decision_id"]
