"""The extractor agent: the claim fields from the claim text (rules, merged with an LLM when one is set).

`llm` (the OpenAI-compatible client), `merge` (LLM and rules readings into one) and
`prompt_cache` (Redis) are used by this agent alone.
"""

from agents.extractor.handler import (
    RULES_EXTRACTOR_VERSION,
    Extractor,
    read_fields,
    settle,
    weighted_by_reading,
)

__all__ = ["RULES_EXTRACTOR_VERSION", "Extractor", "read_fields", "settle", "weighted_by_reading"]
