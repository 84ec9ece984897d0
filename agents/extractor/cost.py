"""What an LLM reading of a claim cost: its tokens at the configured price, and the metrics of both.

Prices are per 1,000 tokens, prompt and completion apart, per model (`CLAIMFLOW_LLM_PRICES`),
in whatever currency the operator writes them in. A model without a price costs 0 (its tokens
are still counted); a prompt-cache hit spent no tokens, so it costs nothing.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from urllib.parse import urlsplit

from prometheus_client import Counter

LLM_TOKENS = Counter(
    "claimflow_llm_tokens",
    "LLM tokens spent reading claims, by model and kind (prompt, completion); a cache hit spends none.",
    ["model", "kind"],
)
LLM_COST = Counter(
    "claimflow_llm_cost",
    "What the LLM tokens cost at the configured price (CLAIMFLOW_LLM_PRICES, per 1,000 tokens), by model.",
    ["model"],
)


def price_of(prices: Mapping[str, Sequence[float]], *names: str | None) -> tuple[float, float] | None:
    """The (prompt, completion) price per 1,000 tokens of the first of `names` that has one."""
    for name in names:
        if name and name in prices:
            prompt, completion = prices[name]
            return float(prompt), float(completion)
    return None


def token_cost(price: tuple[float, float] | None, prompt_tokens: int, completion_tokens: int) -> float:
    """The tokens' cost at `price` (per 1,000 tokens); 0 without a price."""
    if price is None:
        return 0.0
    return round((prompt_tokens * price[0] + completion_tokens * price[1]) / 1000, 8)


def record_usage(model: str, prompt_tokens: int, completion_tokens: int, cost: float) -> None:
    """Count one reading's tokens and cost in the process's metrics."""
    LLM_TOKENS.labels(model, "prompt").inc(prompt_tokens)
    LLM_TOKENS.labels(model, "completion").inc(completion_tokens)
    LLM_COST.labels(model).inc(cost)


def endpoint_host(base_url: str) -> str:
    """The endpoint's host (and port), never its path or credentials: what provenance may show."""
    parts = urlsplit(base_url)
    host = parts.hostname or base_url
    return f"{host}:{parts.port}" if parts.port else host
