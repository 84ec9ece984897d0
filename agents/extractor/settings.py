"""The optional LLM extractor's settings (`CLAIMFLOW_LLM_*`)."""

from __future__ import annotations

from typing import Literal

from pydantic import Field, SecretStr

from streams import RetryPolicy, Settings, SettingsSection


class LlmSettings(SettingsSection):
    """Which OpenAI-compatible endpoint reads claims beside the rules, and how patiently."""

    llm_base_url: str | None = Field(
        default=None,
        description="OpenAI-compatible endpoint (OpenAI, Azure, vLLM, Ollama, llama-cpp server), e.g. "
        "http://127.0.0.1:8000/v1; unset = the deterministic extractor only.",
    )
    llm_model: str = Field(default="gpt-4o-mini", description="Model name sent with every LLM request.")
    llm_api_key: SecretStr = Field(
        default=SecretStr("unused"), description="API key; local servers accept any value."
    )
    llm_response_format: Literal["auto", "json_schema", "json_object"] = Field(
        default="auto",
        description="How the answer's JSON schema is sent: json_schema (OpenAI, Azure, vLLM, Ollama), "
        "json_object with a schema (llama-cpp server); auto tries json_schema, then json_object.",
    )
    llm_timeout_s: float = Field(default=30.0, gt=0, description="Time limit of one LLM request.")
    llm_attempts: int = Field(
        default=2, ge=1, description="Tries of one LLM request before the rules answer."
    )
    llm_max_tokens: int = Field(default=600, ge=16, description="Longest answer the LLM may write.")
    llm_cache_ttl_s: int = Field(
        default=7 * 24 * 3600,
        ge=0,
        description="How long an LLM answer is reused for the same prompt; 0 = never.",
    )

    llm_prices: dict[str, tuple[float, float]] = Field(
        default={},
        description="Price per 1,000 tokens by model, prompt and completion apart, as JSON, e.g. "
        '{"gpt-4o-mini": [0.00015, 0.0006]}: the cost per claim in its provenance and metrics. '
        "A model without a price costs 0.",
    )

    def retry_policy(self, platform: Settings) -> RetryPolicy:
        """The LLM's own time limit and tries, with the breaker every other dependency has."""
        return RetryPolicy(
            timeout_s=self.llm_timeout_s,
            attempts=self.llm_attempts,
            breaker_fail_max=platform.breaker_fail_max,
            breaker_reset_s=platform.breaker_reset_s,
        )
