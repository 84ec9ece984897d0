"""The extractor's LLM path against a real OpenAI-compatible server (llama-cpp, SmolLM2-135M) and Redis.

What is asserted is the machinery, never the tiny model's answers: the SDK transport,
schema-valid JSON, the prompt cache (a second identical claim costs no server call), time
limits, the circuit breaker, and the provenance every fields.extracted event carries into
the report. Each test reads claims of its own (a fresh claim reference in the text), so
no test finds another's answers in the shared cache.
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass, replace
from typing import Any
from uuid import uuid4

import pytest
import redis.asyncio as aioredis

from agents.assessment import AssessmentSettings
from agents.events import ClaimValidated, ClausesRetrieved, FieldsExtracted, RetrievedClause
from agents.extractor import RULES_EXTRACTOR_VERSION, Extractor
from agents.extractor.llm import LlmAnswer
from agents.extractor.prompt_cache import KEY_PREFIX
from agents.extractor.settings import LlmSettings
from agents.reporter.handler import build_report
from agents.tools.cli import describe_extractor
from streams.agent import AgentContext
from streams.codec import get_codec
from streams.events import Producer
from streams.settings import Settings
from streams.topology import load_topology
from tests.fixtures.llm import LlamaServer, llama_server, redis_url
from tests.fixtures.waiting import NotYet, eventually_async

__all__ = ["llama_server", "redis_url"]  # fixtures, imported for pytest to find

pytestmark = pytest.mark.llm

THRESHOLD = 0.9
CLAIM = """CLAIM FORM - HOME INSURANCE
Claim reference: {ref}
Policy No: POL-EU-2024-001234
Date of loss: 17.03.2024
Type of loss: Water
Description of damage: A pipe under the kitchen sink burst and water flooded the kitchen floor.
Estimated cost: EUR 4,850.00
Submitted on: 20.03.2024
"""
CLAUSE = RetrievedClause(
    clause_id="EU-HOME-WATER-1",
    title="Escape of water",
    text="Sudden and accidental escape of water from fixed pipes and appliances is covered.",
    score=0.81,
)


def claim() -> ClausesRetrieved:
    ref = f"CLM-{uuid4().hex[:10]}"
    return ClausesRetrieved.new(
        claim_id=ref,
        region="EU",
        by=Producer("test", "1"),
        text=CLAIM.format(ref=ref),
        pages=1,
        clauses=[CLAUSE],
    )


@dataclass(frozen=True)
class Setup:
    """The platform's settings and the sections the extractor reads, as one test's configuration."""

    platform: Settings
    llm: LlmSettings
    assessment: AssessmentSettings

    def without_llm(self) -> Setup:
        return replace(self, llm=self.llm.model_copy(update={"llm_base_url": None}))


def settings_for(server: LlamaServer, redis: str, **overrides: Any) -> Setup:
    values: dict[str, Any] = {
        "llm_base_url": server.base_url,
        "llm_model": server.model_name,
        "redis_url": redis,
        "llm_timeout_s": 150.0,  # a full answer takes seconds, more on a busy machine
        "llm_attempts": 1,
        "breaker_fail_max": 2,
        "breaker_reset_s": 1.0,
        "dependency_timeout_s": 2.0,
        "review_threshold": THRESHOLD,
    } | overrides

    def of(cls: Any) -> dict[str, Any]:
        return {k: v for k, v in values.items() if k in cls.model_fields}

    return Setup(
        Settings(**of(Settings)), LlmSettings(**of(LlmSettings)), AssessmentSettings(**of(AssessmentSettings))
    )


@asynccontextmanager
async def extractor(setup: Setup) -> AsyncIterator[Extractor]:
    """The extractor agent as the runner starts it, with its own `llm` dependency and breaker."""
    topology = load_topology(setup.platform.topology_file)
    agent = Extractor(
        AgentContext(
            spec=topology.agents["extractor"],
            settings=setup.platform,
            topology=topology,
            sections=(setup.llm, setup.assessment),
        )
    )
    await agent.start()
    try:
        yield agent
    finally:
        await agent.stop()


async def test_llm_answer_through_the_sdk_with_provenance_then_from_the_cache(
    llama_server: LlamaServer, redis_url: str
) -> None:
    """One claim three times: from the server, from the cache, and from the cache with the server gone.

    Bundled because a full answer from the 135M model costs seconds on a busy 2-core machine.
    """
    settings = settings_for(llama_server, redis_url)  # response format `auto`
    event = claim()
    async with extractor(settings) as agent:
        first = await agent.handle(event)
        assert agent.llm is not None
        # llama-cpp refuses `json_schema`, so `auto` settled on `json_object` with a schema.
        assert agent.llm.format == "json_object"
        second = await agent.handle(event)
        assert agent.llm.cache.stats.hits == 1 and agent.llm.cache.stats.misses == 1
        llama_server.stop()
        try:
            offline = await agent.handle(event)
        finally:
            llama_server.start()
    async with extractor(settings.without_llm()) as rules_only:
        baseline = await rules_only.handle(event)

    provenance = first.extractor
    assert provenance.kind == "llm", provenance.fallback_reason  # schema-valid JSON, validated by pydantic
    assert provenance.version == f"llm-1+{RULES_EXTRACTOR_VERSION}"
    assert provenance.model == llama_server.model_name and provenance.model_version
    assert provenance.prompt_sha256 and len(provenance.prompt_sha256) == 64
    assert provenance.cache_hit is False and provenance.fallback_reason is None
    assert provenance.latency_ms and provenance.latency_ms > 0
    assert (provenance.prompt_tokens or 0) > 100 and (provenance.completion_tokens or 0) > 0
    assert set(provenance.agreement) == set(LlmAnswer.model_fields)
    # The 0.9 promise holds whatever the model said: nothing the rules doubt reaches it.
    for name, field in first.fields:
        if getattr(baseline.fields, name).confidence < THRESHOLD:
            assert field.confidence < THRESHOLD, (name, field)
    assert baseline.extractor.kind == "rules" and baseline.extractor.model is None

    # The event is valid Avro, and the provenance reaches the stored report and its display.
    codec = get_codec(settings.platform.schemas_dir, "fields_extracted")
    assert FieldsExtracted.model_validate(codec.decode(codec.encode(first.to_record()))) == first
    validated = first.follow(
        ClaimValidated,
        by=Producer("validator", "1"),
        fields=first.fields,
        clauses=first.clauses,
        extractor=first.extractor,
        rules=[],
        confidence=0.5,
    )
    report = build_report(validated, THRESHOLD)
    assert report["extractor"] == provenance.model_dump()
    assert f"model {llama_server.model_name}" in describe_extractor(report["extractor"])

    # The same prompt again: a cache hit, no tokens spent, the same fields.
    hit = second.extractor
    assert hit.kind == "llm" and hit.cache_hit is True
    assert hit.prompt_sha256 == provenance.prompt_sha256 and hit.model_version == provenance.model_version
    assert hit.prompt_tokens == hit.completion_tokens == 0
    assert hit.latency_ms is not None and hit.latency_ms * 10 < provenance.latency_ms
    assert second.fields == first.fields
    # With the server gone the answer still comes: a hit makes no server call at all.
    assert offline.extractor.kind == "llm" and offline.extractor.cache_hit is True
    print(f"\nLLM call {provenance.latency_ms:.0f} ms, cache hit {hit.latency_ms:.1f} ms")


async def test_a_truncated_answer_is_invalid_and_the_rules_answer(
    llama_server: LlamaServer, redis_url: str
) -> None:
    settings = settings_for(llama_server, redis_url, llm_max_tokens=16, llm_response_format="json_object")
    event = claim()
    async with extractor(settings) as agent:
        extracted = await agent.handle(event)
    assert extracted.extractor.kind == "rules"
    assert (extracted.extractor.fallback_reason or "").startswith("llm answer invalid: ")
    assert extracted.extractor.completion_tokens == 16  # the server did answer, cut short
    cache = aioredis.Redis.from_url(redis_url)
    try:  # an invalid answer is never cached
        assert not await cache.exists(KEY_PREFIX + (extracted.extractor.prompt_sha256 or ""))
    finally:
        await cache.aclose()
    assert extracted.fields.policy_number.value == "POL-EU-2024-001234"  # the rules answered


async def test_breaker_opens_while_the_server_is_down_and_closes_when_it_is_back(
    llama_server: LlamaServer, redis_url: str
) -> None:
    # Short answers (cut at 16 tokens, so "invalid") keep this test fast: what matters is
    # whether the server was reached, not what it said.
    settings = settings_for(
        llama_server, redis_url, llm_response_format="json_object", llm_max_tokens=16, breaker_fail_max=2
    )
    async with extractor(settings) as agent:
        llama_server.stop()
        try:
            refused = (await agent.handle(claim())).extractor  # fails; one short of the breaker's limit
            opening = (await agent.handle(claim())).extractor  # fails and opens the breaker
            short_circuited = (await agent.handle(claim())).extractor  # refused without a call
        finally:
            llama_server.start()

        async def server_reached() -> FieldsExtracted:
            extracted = await agent.handle(claim())
            if (extracted.extractor.fallback_reason or "").startswith("llm unavailable"):
                raise NotYet(f"still unavailable: {extracted.extractor.fallback_reason}")
            return extracted

        recovered = await eventually_async(server_reached, timeout_s=60)
    assert refused.kind == "rules"
    assert (refused.fallback_reason or "").startswith("llm unavailable: APIConnectionError")
    for provenance in (opening, short_circuited):
        assert provenance.kind == "rules"
        assert provenance.fallback_reason == "llm unavailable: circuit breaker is open"
    assert short_circuited.latency_ms is not None and short_circuited.latency_ms < 1000
    assert (recovered.extractor.fallback_reason or "").startswith("llm answer invalid")


async def test_a_call_over_its_time_limit_falls_back_to_the_rules(
    llama_server: LlamaServer, redis_url: str
) -> None:
    """Last in the module: the server keeps working on the abandoned request until it is stopped."""
    settings = settings_for(llama_server, redis_url, llm_timeout_s=0.05, llm_response_format="json_object")
    async with extractor(settings) as agent:
        extracted = await agent.handle(claim())
    provenance = extracted.extractor
    assert provenance.kind == "rules" and provenance.version == RULES_EXTRACTOR_VERSION
    assert provenance.fallback_reason == "llm unavailable: no answer within 0.05 s (tried 1x)"
    assert provenance.cache_hit is False and provenance.prompt_tokens is None
    assert provenance.latency_ms is not None and provenance.latency_ms < 1000
    assert extracted.fields.policy_number.value == "POL-EU-2024-001234"  # the rules answered
