"""The extractor's model provenance and the price of an LLM reading."""

from __future__ import annotations

import pytest
from prometheus_client import REGISTRY

from agents.events import ExtractorProvenance
from agents.extractor.cost import endpoint_host, price_of, record_usage, token_cost
from agents.extractor.handler import RULES_EXTRACTOR_VERSION, extractor_models
from agents.extractor.settings import LlmSettings

PRICES = {"small-model": (0.5, 1.5)}


def test_the_rules_extractor_alone_costs_no_tokens() -> None:
    [rules] = extractor_models(
        ExtractorProvenance(kind="rules", version=RULES_EXTRACTOR_VERSION), LlmSettings()
    )
    assert (rules.role, rules.name, rules.version) == ("extractor", "rules", RULES_EXTRACTOR_VERSION)
    assert (rules.prompt_tokens, rules.completion_tokens, rules.cost) == (0, 0, 0.0)


def test_an_llm_reading_names_model_served_version_endpoint_host_and_costs_its_tokens() -> None:
    settings = LlmSettings(llm_base_url="http://user:pw@llm.internal:8000/v1", llm_prices=PRICES)
    provenance = ExtractorProvenance(
        kind="llm",
        version="llm-1",
        model="small-model",
        model_version="small-model-2026-01",
        prompt_tokens=1200,
        completion_tokens=200,
    )
    rules, llm = extractor_models(provenance, settings)
    assert rules.name == "rules"
    assert (llm.role, llm.name, llm.version) == ("llm", "small-model", "small-model-2026-01")
    assert llm.detail == "endpoint llm.internal:8000"  # never the credentials or the path
    assert (llm.prompt_tokens, llm.completion_tokens) == (1200, 200)
    assert llm.cost == pytest.approx(1.2 * 0.5 + 0.2 * 1.5)


def test_a_cache_hit_costs_nothing_and_a_model_without_a_price_costs_zero_but_says_so() -> None:
    hit = ExtractorProvenance(
        kind="llm", version="v", model="small-model", cache_hit=True, prompt_tokens=0, completion_tokens=0
    )
    [_, llm] = extractor_models(hit, LlmSettings(llm_base_url="http://h/v1", llm_prices=PRICES))
    assert llm.cost == 0.0 and "prompt cache hit" in llm.detail
    unpriced = hit.model_copy(update={"model": "other", "cache_hit": False, "prompt_tokens": 10})
    [_, llm] = extractor_models(unpriced, LlmSettings(llm_base_url="http://h/v1", llm_prices=PRICES))
    assert llm.cost == 0.0 and "no price set" in llm.detail and llm.prompt_tokens == 10


def test_prices_tokens_and_their_metrics() -> None:
    assert price_of(PRICES, None, "absent", "small-model") == (0.5, 1.5)
    assert price_of(PRICES, "absent") is None
    assert token_cost(None, 1000, 1000) == 0.0
    assert token_cost((0.5, 1.5), 2000, 1000) == pytest.approx(2.5)
    assert endpoint_host("https://api.example.com/v1") == "api.example.com"
    before = REGISTRY.get_sample_value("claimflow_llm_cost_total", {"model": "metric-model"}) or 0.0
    record_usage("metric-model", 100, 20, 0.25)
    assert REGISTRY.get_sample_value("claimflow_llm_cost_total", {"model": "metric-model"}) == before + 0.25
    assert (
        REGISTRY.get_sample_value("claimflow_llm_tokens_total", {"model": "metric-model", "kind": "prompt"})
        >= 100
    )
