"""The auditor on a real PostgreSQL: what it keeps of a claim of a region this deployment does not serve."""

from __future__ import annotations

import pytest
from pydantic import SecretStr

from agents.auditor import Auditor
from agents.events import ClaimIngested, DocumentRef
from streams import AgentContext, AuditLog, Producer, RawRecord, get_codec, get_settings, load_topology
from tests.fixtures.postgres import postgres_dsn, postgres_server_uri

__all__ = ["postgres_dsn", "postgres_server_uri"]  # fixtures used by name

pytestmark = pytest.mark.integration  # a real PostgreSQL

KEY = "a" * 40


def _claim(claim_id: str, region: str) -> ClaimIngested:
    doc = DocumentRef(
        uri=f"s3://docs/{region}/{claim_id}/a.pdf", filename="a.pdf", size_bytes=1, sha256="ab" * 32
    )
    return ClaimIngested.new(claim_id=claim_id, region=region, by=Producer("test", "1"), documents=[doc])


async def test_another_regions_claim_is_audited_by_where_it_was_never_by_what_it_said(
    postgres_dsn: str,
) -> None:
    settings = get_settings().model_copy(
        update={"postgres_dsn": SecretStr(postgres_dsn), "regions": ["US"], "audit_key": SecretStr(KEY)}
    )
    topology = load_topology(settings.topology_file)
    topic = topology.topic_for_schema(ClaimIngested.avro_schema)
    codec = get_codec(settings.schemas_dir, topic.schema_name)
    eu, us = _claim("CLM-EU-1", "EU"), _claim("CLM-US-1", "US")
    records = [
        RawRecord(topic.name, 0, offset, 1_700_000_000_000, c.claim_id.encode(), codec.encode(c.to_record()),
                  (("traceparent", b"00-abc-def-01"),))
        for offset, c in enumerate((eu, us))
    ]  # fmt: skip
    auditor = Auditor(AgentContext(topology.agent("auditor"), settings, topology))
    await auditor.start()
    try:
        await auditor.handle_raw(records)
    finally:
        await auditor.stop()

    async with AuditLog(postgres_dsn, key=KEY.encode()) as audit:
        [eu_row] = await audit.for_claim("CLM-EU-1")
        [us_row] = await audit.for_claim("CLM-US-1")
    foreign = eu_row.record
    assert (foreign.topic, foreign.offset, foreign.event_id) == (topic.name, 0, eu.event_id)
    assert foreign.value == b"" and list(foreign.headers) == []  # no content of a region not served
    assert us_row.record.value == records[1].value and list(us_row.record.headers) == list(records[1].headers)
