"""The PostgreSQL stores (audit log, policy book, reports, clause versions) against a real PostgreSQL."""

from __future__ import annotations

import asyncio
import dataclasses
import hashlib
import json
import secrets
from collections.abc import AsyncIterator, Callable
from datetime import date, datetime
from pathlib import Path

import asyncpg
import pytest

from agents.assessment import LossKey
from agents.stores import (
    Clause,
    ClauseVersionError,
    ClauseVersionLog,
    Policy,
    PolicyBook,
    PolicyFileError,
    ReportRow,
    ReportStore,
    ReportStoreError,
    Saved,
    read_policies,
)
from streams.audit_log import (
    AuditKeyMissing,
    AuditLog,
    AuditRecord,
    audit_key,
    canonical_bytes,
    chain_hash,
    key_id,
    record_of_row,
)
from tests.fixtures.postgres import postgres_dsn, postgres_server_uri

pytestmark = pytest.mark.integration

__all__ = ["postgres_dsn", "postgres_server_uri"]  # the imported fixtures are used by name

KEY = secrets.token_bytes(32)


def _records(
    n: int, *, topic: str = "claim.ingested", partition: int = 0, start: int = 0
) -> list[AuditRecord]:
    return [
        AuditRecord(
            topic=topic,
            partition=partition,
            offset=offset,
            timestamp_ms=1_700_000_000_000 + offset,
            key=None if offset % 3 == 0 else f"claim-{offset}".encode(),
            value=bytes([offset % 256]) * (offset % 50),
            headers=[("traceparent", f"00-{offset:032x}-01".encode()), ("empty", b""), ("null", None)],
            event_id=f"evt-{topic}-{partition}-{offset}",
            claim_id=None if offset % 5 == 0 else f"claim-{offset}",
        )
        for offset in range(start, start + n)
    ]


@pytest.fixture
async def audit(postgres_dsn: str) -> AsyncIterator[AuditLog]:
    async with AuditLog(postgres_dsn, key=KEY) as log:
        yield log


async def _seqs(dsn: str) -> list[int]:
    conn = await asyncpg.connect(dsn)
    try:
        return [r["seq"] for r in await conn.fetch("SELECT seq FROM audit_log ORDER BY seq")]
    finally:
        await conn.close()


async def _tamper(dsn: str, sql: str, *args: object) -> None:
    """What an attacker with table rights does: switch the append-only trigger off, then edit."""
    conn = await asyncpg.connect(dsn)
    try:
        async with conn.transaction():
            await conn.execute("ALTER TABLE audit_log DISABLE TRIGGER ALL")
            await conn.execute(sql, *args)
            await conn.execute("ALTER TABLE audit_log ENABLE TRIGGER ALL")
    finally:
        await conn.close()


async def test_audit_append_then_verify(audit: AuditLog) -> None:
    assert await audit.append(_records(120)) == 120
    assert await audit.append([]) == 0

    result = await audit.verify()

    assert result.ok, result.reason
    assert (result.rows, result.first_bad_seq) == (120, None)


async def test_audit_empty_log_verifies(audit: AuditLog) -> None:
    result = await audit.verify()

    assert result.ok and result.rows == 0


async def test_audit_redelivered_messages_are_recorded_once(audit: AuditLog, postgres_dsn: str) -> None:
    first = _records(10)
    assert await audit.append(first) == 10

    assert await audit.append(first) == 0  # a whole batch redelivered
    overlapping = first[5:] + _records(5, start=10) + _records(5, start=10)  # old, new, new again
    assert await audit.append(overlapping) == 5

    assert len(await _seqs(postgres_dsn)) == 15
    result = await audit.verify()
    assert result.ok and result.rows == 15, result.reason


async def test_audit_concurrent_appenders_keep_one_chain(postgres_dsn: str) -> None:
    """Two logs with their own pools stand for two auditor processes writing at once."""
    async with AuditLog(postgres_dsn, key=KEY) as one, AuditLog(postgres_dsn, key=KEY) as two:

        async def appender(log: AuditLog, partition: int) -> int:
            written = 0
            for batch in range(20):
                written += await log.append(_records(25, partition=partition, start=batch * 25))
            return written

        counts = await asyncio.gather(appender(one, 0), appender(two, 1), appender(one, 2), appender(two, 3))
        result = await one.verify()

    assert counts == [500, 500, 500, 500]
    assert result.ok and result.rows == 2000, result.reason


async def test_audit_log_refuses_update_and_delete(audit: AuditLog, postgres_dsn: str) -> None:
    await audit.append(_records(3))
    conn = await asyncpg.connect(postgres_dsn)
    try:
        for sql in (
            "UPDATE audit_log SET value = 'x' WHERE seq = 1",
            "DELETE FROM audit_log",
            "TRUNCATE audit_log",
        ):
            with pytest.raises(asyncpg.InsufficientPrivilegeError, match="append-only"):
                await conn.execute(sql)
    finally:
        await conn.close()


async def test_audit_verify_finds_an_altered_row(audit: AuditLog, postgres_dsn: str) -> None:
    await audit.append(_records(30))
    target = (await _seqs(postgres_dsn))[17]

    await _tamper(postgres_dsn, "UPDATE audit_log SET value = $1 WHERE seq = $2", b"forged", target)
    result = await audit.verify()

    assert not result.ok
    assert result.first_bad_seq == target
    assert result.rows == 17
    assert "altered" in result.reason


async def test_audit_verify_finds_an_edit_whose_row_hash_was_recomputed(
    audit: AuditLog, postgres_dsn: str
) -> None:
    """Fixing up the edited row's own hash only moves the break to the next row."""
    await audit.append(_records(10))
    seqs = await _seqs(postgres_dsn)
    conn = await asyncpg.connect(postgres_dsn)
    try:
        row = await conn.fetchrow("SELECT prev_hash, recorded_at FROM audit_log WHERE seq = $1", seqs[4])
    finally:
        await conn.close()
    forged = dataclasses.replace(_records(1, start=4)[0], claim_id="someone-else")
    forged_hash = chain_hash(KEY, row["prev_hash"], seqs[4], forged, row["recorded_at"])

    await _tamper(
        postgres_dsn,
        "UPDATE audit_log SET claim_id = $1, hash = $2 WHERE seq = $3",
        "someone-else",
        forged_hash,
        seqs[4],
    )
    result = await audit.verify()

    assert not result.ok
    assert result.first_bad_seq == seqs[5]
    assert "altered, deleted" in result.reason


async def test_audit_verify_finds_a_deleted_row(audit: AuditLog, postgres_dsn: str) -> None:
    await audit.append(_records(10))
    seqs = await _seqs(postgres_dsn)

    await _tamper(postgres_dsn, "DELETE FROM audit_log WHERE seq = $1", seqs[3])
    result = await audit.verify()

    assert not result.ok
    assert result.first_bad_seq == seqs[4]
    assert "deleted" in result.reason


async def test_audit_verify_finds_a_truncated_tail(audit: AuditLog, postgres_dsn: str) -> None:
    """A chain alone cannot tell that its last rows are gone; the checkpoint can."""
    await audit.append(_records(10))
    seqs = await _seqs(postgres_dsn)

    await _tamper(postgres_dsn, "DELETE FROM audit_log WHERE seq >= $1", seqs[8])
    result = await audit.verify()

    assert not result.ok
    assert result.rows == 8
    assert result.first_bad_seq == seqs[-1]
    assert "removed from the end" in result.reason


Forge = Callable[[bytes, int, AuditRecord, datetime], bytes]


def _sha256_chain(prev: bytes, seq: int, record: AuditRecord, recorded_at: datetime) -> bytes:
    """The unkeyed chain anyone can recompute: what the log used before it had a key."""
    return hashlib.sha256(prev + canonical_bytes(seq, record, recorded_at)).digest()


def _keyed(key: bytes) -> Forge:
    return lambda prev, seq, record, at: chain_hash(key, prev, seq, record, at)


async def _rewrite_history(dsn: str, target: int, value: bytes, forge: Forge) -> None:
    """What someone with full rights on the database does: switch the trigger off, edit a row, then
    recompute every hash from it on and move the checkpoint, so that the chain links up again."""
    conn = await asyncpg.connect(dsn)
    try:
        await conn.set_type_codec("jsonb", encoder=json.dumps, decoder=json.loads, schema="pg_catalog")
        async with conn.transaction():
            await conn.execute("ALTER TABLE audit_log DISABLE TRIGGER ALL")
            await conn.execute("UPDATE audit_log SET value = $1 WHERE seq = $2", value, target)
            rows = await conn.fetch("SELECT * FROM audit_log WHERE seq >= $1 ORDER BY seq", target)
            prev = rows[0]["prev_hash"]
            for row in rows:
                digest = forge(prev, row["seq"], record_of_row(row), row["recorded_at"])
                await conn.execute(
                    "UPDATE audit_log SET prev_hash = $1, hash = $2 WHERE seq = $3", prev, digest, row["seq"]
                )
                prev = digest
            await conn.execute("UPDATE audit_log_head SET last_hash = $1", prev)
            await conn.execute("ALTER TABLE audit_log ENABLE TRIGGER ALL")
    finally:
        await conn.close()


@pytest.mark.parametrize(
    "forge",
    [_sha256_chain, _keyed(secrets.token_bytes(32))],
    ids=["unkeyed-sha256", "a-guessed-key"],
)
async def test_audit_verify_finds_a_history_rewritten_by_someone_with_full_database_rights(
    audit: AuditLog, postgres_dsn: str, forge: Forge
) -> None:
    """The attack the keyed chain is for: every hash after the edit recomputed, the checkpoint moved."""
    await audit.append(_records(20))
    target = (await _seqs(postgres_dsn))[7]

    await _rewrite_history(postgres_dsn, target, b"forged", forge)
    result = await audit.verify()

    assert not result.ok
    assert (result.first_bad_seq, result.rows) == (target, 7)
    assert "altered" in result.reason


async def test_a_rewrite_with_the_key_itself_is_caught_by_the_head_published_outside(
    audit: AuditLog, postgres_dsn: str
) -> None:
    """Whoever also stole the key can re-chain the database; not the head already published elsewhere."""
    await audit.append(_records(20))
    published = await audit.checkpoint()
    assert published is not None and published.rows == 20
    target = (await _seqs(postgres_dsn))[7]

    await _rewrite_history(postgres_dsn, target, b"forged", _keyed(KEY))

    assert (await audit.verify()).ok, "the database alone cannot tell"
    result = await audit.verify(published)
    assert not result.ok
    assert result.first_bad_seq == published.seq
    assert "does not match the head published outside the database" in result.reason


async def test_a_cut_tail_with_a_moved_checkpoint_is_caught_by_the_published_head(
    audit: AuditLog, postgres_dsn: str
) -> None:
    await audit.append(_records(10))
    published = await audit.checkpoint()
    assert published is not None
    seqs = await _seqs(postgres_dsn)

    await _tamper(postgres_dsn, "DELETE FROM audit_log WHERE seq >= $1", seqs[8])
    conn = await asyncpg.connect(postgres_dsn)
    try:
        last = await conn.fetchrow("SELECT seq, hash FROM audit_log ORDER BY seq DESC LIMIT 1")
        await conn.execute("UPDATE audit_log_head SET last_seq = $1, last_hash = $2, rows = 8", *last)
    finally:
        await conn.close()

    assert (await audit.verify()).ok, "the database alone cannot tell"
    result = await audit.verify(published)
    assert not result.ok
    assert (result.first_bad_seq, result.rows) == (published.seq, 8)
    assert "rows were removed or an older copy" in result.reason


async def test_audit_append_and_verify_refuse_to_run_without_the_key(postgres_dsn: str) -> None:
    async with AuditLog(postgres_dsn) as keyless:
        with pytest.raises(AuditKeyMissing, match="CLAIMFLOW_AUDIT_KEY"):
            await keyless.append(_records(1))
        with pytest.raises(AuditKeyMissing, match="CLAIMFLOW_AUDIT_KEY"):
            await keyless.verify()
    with pytest.raises(AuditKeyMissing, match="at least 32"):
        audit_key("short")
    assert key_id(KEY) != key_id(secrets.token_bytes(32))


async def test_audit_appends_continue_the_chain_after_reopen(postgres_dsn: str) -> None:
    async with AuditLog(postgres_dsn, key=KEY) as log:
        await log.append(_records(5))
    async with AuditLog(postgres_dsn, key=KEY) as log:
        await log.append(_records(5, start=5))
        result = await log.verify()

    assert result.ok and result.rows == 10, result.reason


# --- policy book ------------------------------------------------------------


def _policy(number: str, region: str = "EU", *, product: str = "home", limit: float = 50_000.0) -> Policy:
    return Policy(
        policy_number=number,
        region=region,
        holder_name=f"Holder of {number}",
        start_date=date(2024, 1, 1),
        end_date=date(2024, 12, 31),
        product=product,
        coverages=["fire", "storm"],
        limit=limit,
        currency="EUR",
        clauses=[
            Clause(clause_id=f"{region}-{product}-FIRE", title="Fire", text="Fire damage is covered."),
            Clause(clause_id=f"{region}-{product}-STORM", title="Storm", text="Storm damage is covered."),
        ],
    )


def _write_jsonl(path: Path, lines: list[str]) -> Path:
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


@pytest.fixture
async def book(postgres_dsn: str) -> AsyncIterator[PolicyBook]:
    async with PolicyBook(postgres_dsn) as policy_book:
        yield policy_book


async def test_policy_book_loads_a_jsonl_file_idempotently(
    book: PolicyBook, postgres_dsn: str, tmp_path: Path
) -> None:
    policies = [_policy("POL-1"), _policy("POL-2"), _policy("POL-3", "US")]
    path = _write_jsonl(tmp_path / "policies.jsonl", [p.model_dump_json() for p in policies] + [""])

    loaded = read_policies(path)
    assert loaded == policies
    assert await book.upsert(loaded) == 3
    assert await book.upsert(loaded) == 0  # a re-load changes nothing
    assert await book.count() == 3

    conn = await asyncpg.connect(postgres_dsn)
    try:
        assert await conn.fetchval("SELECT count(*) FROM clause_wording") == 4  # shared, stored once
        assert (
            await conn.fetchval("SELECT count(*) FROM policy_clause_ref") == 6
        )  # each policy numbers its own
    finally:
        await conn.close()


async def test_policy_book_get_filters_by_region(book: PolicyBook) -> None:
    await book.upsert([_policy("POL-EU"), _policy("POL-US", "US")])

    assert await book.get("POL-EU", "EU") == _policy("POL-EU")
    assert await book.get("POL-EU", "eu") == _policy("POL-EU")
    assert await book.get("POL-EU", "US") is None
    assert await book.get("POL-NOPE", "EU") is None


async def test_policy_book_upsert_updates_and_refreshes_the_cache(book: PolicyBook) -> None:
    await book.upsert([_policy("POL-1")])
    assert (await book.get("POL-1", "EU")) == _policy("POL-1")  # now cached

    changed = _policy("POL-1", limit=75_000.0).model_copy(update={"clauses": _policy("POL-1").clauses[:1]})
    assert await book.upsert([changed]) == 1

    got = await book.get("POL-1", "EU")
    assert got is not None
    assert got.limit == 75_000.0
    assert [c.clause_id for c in got.clauses] == ["EU-home-FIRE"]


async def test_each_policy_numbers_its_own_clauses_and_shares_identical_wordings(
    book: PolicyBook, postgres_dsn: str
) -> None:
    """Two insurers' `Art. 3` are different texts; one text may be `Art. 3` here and `§ 3` there."""
    water = ("Escape of water", "We pay for damage by water escaping from fixed pipes.")
    fire = ("Fire", "We pay for damage by fire, smoke and lightning.")
    first = _policy("HX-1").model_copy(
        update={"clauses": [Clause(clause_id="Art. 3", title=water[0], text=water[1])]}
    )
    second = _policy("P-0002").model_copy(
        update={
            "clauses": [
                Clause(clause_id="Art. 3", title=fire[0], text=fire[1]),
                Clause(clause_id="§ 3", title=water[0], text=water[1]),
            ]
        }
    )
    assert await book.upsert([first, second]) == 2
    got_first, got_second = await book.get("HX-1", "EU"), await book.get("P-0002", "EU")
    assert got_first is not None and got_second is not None
    assert [(c.clause_id, c.title) for c in got_first.clauses] == [("Art. 3", "Escape of water")]
    assert [(c.clause_id, c.title) for c in got_second.clauses] == [
        ("Art. 3", "Fire"),
        ("§ 3", "Escape of water"),
    ]
    assert (
        got_first.clause_keys["Art. 3"] == got_second.clause_keys["§ 3"] != got_second.clause_keys["Art. 3"]
    )
    conn = await asyncpg.connect(postgres_dsn)
    try:
        assert await conn.fetchval("SELECT count(*) FROM clause_wording") == 2
    finally:
        await conn.close()


async def test_a_wording_no_policy_links_any_more_is_dropped(book: PolicyBook) -> None:
    await book.upsert([_policy("POL-1"), _policy("POL-2")])
    fire, storm = (_policy("POL-1").clause_keys[f"EU-home-{k}"] for k in ("FIRE", "STORM"))
    only_fire = _policy("POL-1").clauses[:1]
    await book.upsert([_policy("POL-1").model_copy(update={"clauses": only_fire})])
    assert await book.drop_unlinked_wordings([storm]) == []  # POL-2 still lists storm
    await book.upsert([_policy("POL-2").model_copy(update={"clauses": only_fire})])
    assert await book.drop_unlinked_wordings([storm, fire]) == [storm]


def test_read_policies_names_the_bad_line(tmp_path: Path) -> None:
    good = _policy("POL-1").model_dump_json()
    missing_region = json.dumps({k: v for k, v in json.loads(good).items() if k != "region"})
    path = _write_jsonl(tmp_path / "policies.jsonl", [good, "", missing_region])

    with pytest.raises(PolicyFileError, match=r"policies\.jsonl:3: region: Field required") as caught:
        read_policies(path)
    assert caught.value.line == 3
    assert isinstance(caught.value, ValueError)


def test_read_policies_names_a_line_that_is_not_json(tmp_path: Path) -> None:
    path = _write_jsonl(tmp_path / "policies.jsonl", [_policy("POL-1").model_dump_json(), "{not json"])

    with pytest.raises(PolicyFileError, match=r"policies\.jsonl:2: .*Invalid JSON"):
        read_policies(path)


def test_policy_period_must_not_end_before_it_starts() -> None:
    with pytest.raises(ValueError, match="before start_date"):
        _policy("POL-1").model_validate({**_policy("POL-1").model_dump(), "end_date": date(2023, 1, 1)})


# --- reports ----------------------------------------------------------------


def _report(
    claim_id: str, event_id: str, *, status: str = "auto_approved", confidence: float = 0.95
) -> ReportRow:
    return ReportRow(
        claim_id=claim_id,
        region="EU",
        event_id=event_id,
        status=status,
        confidence=confidence,
        policy_number="POL-1",
        incident_date=date(2024, 5, 17),
        damage_description="Storm damage to the roof",
        report={"decision": status, "rules": [{"id": "in_period", "passed": True}], "scores": [[0.1, 0.2]]},
    )


@pytest.fixture
async def reports(postgres_dsn: str) -> AsyncIterator[ReportStore]:
    async with ReportStore(postgres_dsn) as store:
        yield store


async def test_report_redelivery_changes_nothing(reports: ReportStore) -> None:
    assert await reports.save([_report("C-1", "E-1")]) == 1
    first = await reports.get("C-1")

    assert await reports.save([_report("C-1", "E-1", status="rejected")]) == 0  # same event_id: a redelivery

    again = await reports.get("C-1")
    assert await reports.count() == 1
    assert again == first
    assert again is not None and again.revision == 1 and again.status == "auto_approved"
    assert again.report == _report("C-1", "E-1").report


async def test_report_reassessment_bumps_the_revision(reports: ReportStore) -> None:
    await reports.save([_report("C-1", "E-1")])

    assert await reports.save([_report("C-1", "E-2", status="needs_review", confidence=0.5)]) == 1
    assert await reports.save([_report("C-1", "E-1")]) == 0  # the older assessment replayed later

    stored = await reports.get("C-1")
    assert stored is not None
    assert (stored.event_id, stored.status, stored.revision) == ("E-2", "needs_review", 2)
    assert stored.confidence == 0.5
    assert stored.updated_at >= stored.created_at


async def test_save_with_revisions_reports_new_and_replayed_claims(reports: ReportStore) -> None:
    """The reporter announces each claim's revision; a replayed assessment keeps the stored one."""
    await reports.save([_report("C-1", "E-1")])
    await reports.save([_report("C-1", "E-2")])

    revisions = await reports.save_with_revisions([_report("C-1", "E-2"), _report("C-9", "E-1")])

    assert revisions == {"C-1": 2, "C-9": 1}
    assert await reports.save_with_revisions([_report("C-1", "E-3")]) == {"C-1": 3}


async def test_report_batch_of_100(reports: ReportStore) -> None:
    batch = [_report(f"C-{i:03d}", f"E-{i:03d}") for i in range(100)]

    assert await reports.save(batch) == 100
    assert await reports.save(batch) == 0

    assert await reports.count() == 100
    listed = await reports.list([r.claim_id for r in batch[:10]], limit=100)
    assert sorted(r.claim_id for r in listed) == [f"C-{i:03d}" for i in range(10)]
    assert len(await reports.list(limit=7)) == 7
    assert await reports.get("C-999") is None


async def test_report_batch_with_one_claim_twice_applies_both_in_order(reports: ReportStore) -> None:
    batch = [_report("C-1", "E-1"), _report("C-2", "E-1"), _report("C-1", "E-2", status="rejected")]

    assert await reports.save(batch) == 3

    stored = await reports.get("C-1")
    assert stored is not None and (stored.event_id, stored.status, stored.revision) == ("E-2", "rejected", 2)


async def test_find_duplicates_finds_exactly_the_claims_the_loss_key_calls_the_same_loss(
    reports: ReportStore,
) -> None:
    """The store's query and `LossKey.same_loss` (what the in-process evaluation uses) agree."""
    window = 30
    stored = {
        "C-same-day-kind": (date(2023, 6, 29), "water", "1.00", "EUR"),
        "C-same-day-other-kind": (date(2023, 6, 29), "fire", "2.00", "EUR"),
        "C-amount-4-days-on": (date(2023, 7, 3), "storm", "5100.00", "EUR"),  # the date read wrong
        "C-amount-31-days-on": (date(2023, 7, 30), "water", "5100.00", "EUR"),
        "C-amount-other-currency": (date(2023, 6, 30), "water", "5100.00", "USD"),
        "C-amount-no-kind": (date(2023, 6, 20), None, "5100.00", "EUR"),
    }
    for claim_id, (when, kind, amount, currency) in stored.items():
        fields = {
            "damage_type": {"value": kind},
            "claimed_amount": {"value": amount},
            "currency": {"value": currency},
        }
        row = _report(claim_id, "E-1").model_copy(
            update={"incident_date": when, "report": {"fields": fields}}
        )
        await reports.save([row])
    probe = LossKey("POL-1", date(2023, 6, 29), "water", "5100.00", "EUR")

    found = await reports.find_duplicates(
        region="EU",
        policy_number=probe.policy_number,
        incident_date=probe.incident_date,
        damage_type=probe.damage_type,
        exclude_claim_id="C-new",
        claimed_amount=probe.claimed_amount,
        currency=probe.currency,
        window_days=window,
    )

    expected = [
        c
        for c, (w, k, a, cur) in sorted(stored.items())
        if probe.same_loss(LossKey("POL-1", w, k, a, cur), window)
    ]
    assert found == expected == ["C-amount-4-days-on", "C-amount-no-kind", "C-same-day-kind"]
    other_policy = await reports.find_duplicates(
        region="EU", policy_number="POL-2", incident_date=probe.incident_date, damage_type="water",
        exclude_claim_id="C-new", claimed_amount="5100.00", currency="EUR", window_days=window,
    )  # fmt: skip
    assert other_policy == []


async def test_report_refused_by_postgres_is_permanent(reports: ReportStore) -> None:
    bad = _report("C-1", "E-1").model_copy(update={"damage_description": "nul \x00 byte"})

    with pytest.raises(ReportStoreError):
        await reports.save([bad])
    assert not reports._dep.is_open


# --------------------------------------------------------------------------- clause versions


async def test_loads_are_numbered_upwards_and_the_number_outlives_the_client(postgres_dsn: str) -> None:
    async with ClauseVersionLog(postgres_dsn) as versions:
        assert await versions.current() == 0
        assert await versions.bump(["EU"]) == 1
        assert await versions.bump(["EU", "US"]) == 2
    async with ClauseVersionLog(postgres_dsn) as again:
        assert await again.current() == 2
        assert await again.bump(["US"]) == 3


async def test_an_older_counter_is_a_floor_never_a_reset(postgres_dsn: str) -> None:
    """An upgraded deployment continues from the number its Redis counter had reached."""
    async with ClauseVersionLog(postgres_dsn) as versions:
        assert await versions.bump(["EU"], at_least=41) == 42
        assert await versions.bump(["EU"], at_least=0) == 43
        assert await versions.bump(["EU"], at_least=7) == 44


async def test_concurrent_loads_never_share_a_number(postgres_dsn: str) -> None:
    stores = [ClauseVersionLog(postgres_dsn, pool_max_size=1) for _ in range(6)]
    await asyncio.gather(*(s.open() for s in stores))
    try:
        numbers = await asyncio.gather(*(s.bump(["EU"]) for s in stores for _ in range(5)))
    finally:
        await asyncio.gather(*(s.close() for s in stores))
    assert sorted(numbers) == list(range(1, 31))


async def test_an_unopened_log_says_so(postgres_dsn: str) -> None:
    with pytest.raises(ClauseVersionError, match="not open"):
        await ClauseVersionLog(postgres_dsn).current()


async def test_a_reassessment_of_a_decided_claim_goes_back_to_review_and_every_revision_is_kept(
    reports: ReportStore,
) -> None:
    # A reviewer declined the claim (a decision's revision); a machine's re-assessment says auto_approved.
    assert await reports.save([_report("C-1", "E-1", status="needs_review", confidence=0.5)]) == 1
    async with reports.pool.acquire() as conn, conn.transaction():
        declined = _report("C-1", "D-1", status="declined").model_copy(
            update={"report": {"status": "declined"}}
        )
        assert await ReportStore.revise(conn, declined, base_revision=1) == 2
    saved = await reports.save_with_outcomes([_report("C-1", "E-2", status="auto_approved")])
    assert saved == {"C-1": Saved(3, "needs_review")}
    stored = await reports.get("C-1")
    assert stored is not None and stored.report["decided_before"] == "declined"
    history = await reports.revisions("C-1")
    assert [(r.revision, r.event_id, r.status) for r in history] == [
        (1, "E-1", "needs_review"),
        (2, "D-1", "declined"),
        (3, "E-2", "needs_review"),
    ]
    # A replay of the re-assessment changes nothing and reports the stored outcome.
    assert await reports.save_with_outcomes([_report("C-1", "E-2", status="auto_approved")]) == saved
    assert len(await reports.revisions("C-1")) == 3
    assert await reports.revised_since(history[0].written_at) == ["C-1"]
