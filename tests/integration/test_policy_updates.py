"""A policy book update reaching the running pipeline: changed and dropped clauses, no restart."""

from __future__ import annotations

import asyncio
import json
import uuid
from pathlib import Path

import pytest

from agents.stores import ClauseStore, read_policies, wait_for_clause_version, wording_key
from agents.stores.policy_loader import LoadResult, load_policy_book
from tests.fixtures.pipeline import Pipeline


def _load(pipeline: Pipeline, path: Path) -> LoadResult:
    """Load a policy book and wait until every live FAISS worker has applied it."""

    async def load_and_wait() -> LoadResult:
        result = await load_policy_book(pipeline.settings, path)
        redis_url = pipeline.settings.redis_url.get_secret_value()
        await wait_for_clause_version(redis_url, result.clause_version, timeout_s=20)
        return result

    return asyncio.run(load_and_wait())


def _amend(source: Path, target: Path, clause_id: str, addition: str) -> str:
    """Copy the policy book with `addition` appended to one clause (in every policy that has it)."""
    lines, amended = [], ""
    for line in source.read_text().splitlines():
        policy = json.loads(line)
        for clause in policy["clauses"]:
            if clause["clause_id"] == clause_id:
                clause["text"] = amended = f"{clause['text']} {addition}"
        lines.append(json.dumps(policy))
    target.write_text("\n".join(lines) + "\n")
    assert amended, f"{clause_id} is in no policy"
    return amended


@pytest.mark.integration
def test_a_changed_clause_is_retrieved_after_the_update_without_a_restart(
    pipeline: Pipeline, tmp_path: Path
) -> None:
    row = next(r for r in pipeline.truth if r["kind"] == "digital")
    clause_id, region = row["governing_clause_id"], row["region"]
    addition = f"Amendment {uuid.uuid4().hex[:8]}: this cover also applies while the insured is abroad."
    amended_text = _amend(pipeline.corpus.policies_file, tmp_path / "amended.jsonl", clause_id, addition)
    try:
        result = _load(pipeline, tmp_path / "amended.jsonl")

        _, event = pipeline.wait_for_message(
            "policy_updated", lambda r: r["version"] == result.clause_version and r["region"] == region
        )
        amended_key = wording_key(region, _title(pipeline, clause_id), amended_text)
        assert event["clause_ids"] == [amended_key], "only the amended wording is new"
        assert set(event["regions"]) == set(pipeline.topology.regions)

        claim = pipeline.submit([pipeline.corpus.claims_dir / row["file"]], region=region)
        _, retrieved = pipeline.wait_for_message(
            "clauses_retrieved", lambda r: r["claim_id"] == claim.claim_id, timeout_s=120
        )
        texts = {c["clause_id"]: c["text"] for c in retrieved["clauses"]}
        assert texts.get(clause_id) == amended_text
        assert all(c["clause_key"].startswith(f"{region}-") for c in retrieved["clauses"]), "region filter"
    finally:
        # Other tests of the session expect the sample wording.
        _load(pipeline, pipeline.corpus.policies_file)


def _drop(source: Path, target: Path, clause_id: str) -> None:
    """Copy the policy book without one clause (in every policy that has it)."""
    lines, dropped = [], 0
    for line in source.read_text().splitlines():
        policy = json.loads(line)
        kept = [c for c in policy["clauses"] if c["clause_id"] != clause_id]
        dropped += len(policy["clauses"]) - len(kept)
        lines.append(json.dumps({**policy, "clauses": kept}))
    target.write_text("\n".join(lines) + "\n")
    assert dropped, f"{clause_id} is in no policy"


def _title(pipeline: Pipeline, clause_id: str) -> str:
    for policy in read_policies(pipeline.corpus.policies_file):
        for clause in policy.clauses:
            if clause.clause_id == clause_id:
                return clause.title
    raise AssertionError(f"{clause_id} is in no policy")


def _key_of(pipeline: Pipeline, clause_id: str, region: str) -> str:
    for policy in read_policies(pipeline.corpus.policies_file):
        if policy.region == region and clause_id in policy.clause_keys:
            return policy.clause_keys[clause_id]
    raise AssertionError(f"{clause_id} is in no {region} policy")


def _stored_clause_keys(pipeline: Pipeline, region: str) -> set[str]:
    async def load() -> set[str]:
        store = ClauseStore(pipeline.settings.milvus_uri)
        try:
            return {r.clause_key for r in await store.load([region])}
        finally:
            await store.close()

    return asyncio.run(load())


@pytest.mark.integration
def test_a_clause_dropped_from_the_book_is_never_retrieved_after_the_load(
    pipeline: Pipeline, tmp_path: Path
) -> None:
    row = next(r for r in pipeline.truth if r["kind"] == "digital")
    clause_id, region = row["governing_clause_id"], row["region"]
    _drop(pipeline.corpus.policies_file, tmp_path / "dropped.jsonl", clause_id)
    key = _key_of(pipeline, clause_id, region)
    assert key in _stored_clause_keys(pipeline, region)
    try:
        done = pipeline.cli("policies", "load", str(tmp_path / "dropped.jsonl"), "--wait", "30", check=False)
        assert done.returncode == 0 and "1 deleted" in done.stdout, done.stdout + done.stderr[-3000:]
        assert key not in _stored_clause_keys(pipeline, region), "gone from Milvus"
        assert _stored_clause_keys(pipeline, region), "the region's other clauses stay"

        claim = pipeline.submit([pipeline.corpus.claims_dir / row["file"]], region=region)
        _, retrieved = pipeline.wait_for_message(
            "clauses_retrieved", lambda r: r["claim_id"] == claim.claim_id, timeout_s=120
        )
        found = [c["clause_id"] for c in retrieved["clauses"]]
        assert found, "the claim still gets its policy's other clauses"
        assert clause_id not in found, "gone from every FAISS worker's index"
    finally:
        # Other tests of the session expect the full sample book; re-linking restores the clause.
        _load(pipeline, pipeline.corpus.policies_file)
    assert key in _stored_clause_keys(pipeline, region)
