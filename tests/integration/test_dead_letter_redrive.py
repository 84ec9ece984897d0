"""`claimflow dlq`: a claim dead-lettered for a document that had not arrived yet is redriven after it did.

The fix here is the one operators meet most: the event was published before its document was
in the object store (`ObjectNotFound`, dead-lettered at once). Once the document is there, a
redrive re-publishes the original bytes and the pipeline reports the claim; a second redrive
sends nothing.
"""

from __future__ import annotations

import json
from typing import Any

import pytest

from agents.intake import build_claim, publish_claims
from streams.cli_dlq import REDRIVE_HEADER, Selection, dead_letters, redrive_letters
from streams.objectstore import open_object_store
from tests.fixtures.pipeline import Pipeline
from tests.fixtures.waiting import NotYet, eventually

pytestmark = pytest.mark.integration


def test_a_redrive_after_the_fix_turns_the_dead_letter_into_a_report_once(pipeline: Pipeline) -> None:
    row = pipeline.truth[3]
    path = pipeline.corpus.claims_dir / row["file"]
    claim = build_claim(pipeline.settings, [path], region=row["region"])
    # The event names a document the store does not hold yet (`late-…`, same bytes, same digest).
    stored = claim.documents[0]
    late_name = f"late-{stored.filename}"
    late = stored.model_copy(
        update={"uri": stored.uri.rsplit("/", 1)[0] + f"/{late_name}", "filename": late_name}
    )
    publish_claims(pipeline.settings, [claim.model_copy(update={"documents": [late]})])

    def dead_lettered() -> dict[str, Any]:
        listed = pipeline.cli("dlq", "list", "--claim", claim.claim_id, "--json").stdout.splitlines()
        if not listed:
            raise NotYet("not dead-lettered yet")
        found: dict[str, Any] = json.loads(listed[0])
        return found

    letter = eventually(dead_lettered, timeout_s=120)
    assert letter["error_type"] == "ObjectNotFound"
    assert letter["source"].startswith(pipeline.topology.topic_for_schema("claim_ingested").name)

    store = open_object_store(pipeline.settings.object_store_root)
    store.put(
        region=claim.region, claim_id=claim.claim_id, filename=late_name, data=path.read_bytes()
    )  # the fix
    out = pipeline.cli("dlq", "redrive", "--claim", claim.claim_id).stdout
    assert "1 redriven" in out, out
    report = pipeline.reports([claim.claim_id], timeout_s=180)[claim.claim_id]
    assert report.policy_number == row["policy_number"]

    # Idempotent: the same redrive again finds the dead letter already redriven and sends nothing.
    select = Selection(claim_id=claim.claim_id)
    again = redrive_letters(
        pipeline.topology,
        pipeline.settings.kafka(),
        dead_letters(pipeline.topology, pipeline.settings.kafka(), select),
    )
    assert (again.selected, again.redriven, again.already) == (1, 0, 1)
    redriven = [
        m
        for m, record in pipeline.messages("claim_ingested")
        if record["claim_id"] == claim.claim_id and any(k == REDRIVE_HEADER for k, _ in m.headers() or [])
    ]
    assert len(redriven) == 1
