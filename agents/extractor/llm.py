"""The LLM path of the extractor: one JSON-schema-constrained chat completion per claim.

`LlmExtractor.extract` asks any OpenAI-compatible endpoint (OpenAI, Azure OpenAI, vLLM,
Ollama, llama-cpp server) for the claim fields as JSON, through the `openai` SDK with its
own retries switched off: the time limit, the retries with jitter and the circuit breaker
are the `llm` `Dependency`'s, like every other external call. The model sees only the
*redacted* claim text (the retriever redacts before anything leaves it) and the retrieved
clauses. Answers go through a Redis prompt cache (`agents.extractor.prompt_cache`) and are validated
with pydantic before anyone uses them.

`extract` never raises for an unavailable LLM or a bad answer: it returns an `LlmOutcome`
whose `failure` says why there is no answer, so the extractor can let the rules answer at
once instead of holding the claim until the LLM is back (the runner waits out a
`DependencyUnavailable`, which is right for a database and wrong for an optional model).
"""

from __future__ import annotations

import json
import logging
import time
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any, Literal

import openai
from openai import AsyncOpenAI
from pydantic import BaseModel, ConfigDict, ValidationError

from agents.events import RetrievedClause
from agents.extractor.prompt_cache import CachedAnswer, PromptCache, prompt_key
from agents.extractor.settings import LlmSettings
from streams import Dependency, DependencyUnavailable, PermanentError, Settings

log = logging.getLogger(__name__)

LLM_EXTRACTOR_VERSION = "llm-1"
MAX_TEXT_CHARS = 6000  # ~1,500 tokens: the whole form; a small model's context is finite
MAX_CLAUSES = 3
MAX_CLAUSE_CHARS = 300

ResponseFormat = Literal["auto", "json_schema", "json_object"]


class _Answer(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class LlmField(_Answer):
    """One value as the model read it, with the words of the claim it read it from."""

    value: str | None
    evidence: str


class LlmDamageType(_Answer):
    """The damage type, restricted to the categories the rules and the policy book know."""

    value: Literal["water", "fire", "storm", "theft", "collision", "glass", "other"] | None
    evidence: str


class LlmAnswer(_Answer):
    """The JSON the model must return; its JSON schema is the response format's schema."""

    policy_number: LlmField
    incident_date: LlmField
    damage_description: LlmField
    damage_type: LlmDamageType
    claimed_amount: LlmField
    currency: LlmField
    reported_on: LlmField


ANSWER_SCHEMA: dict[str, Any] = LlmAnswer.model_json_schema()

SYSTEM_PROMPT = """You read insurance claim documents and extract fields as JSON.
For every field give `value` and `evidence`: the few words of the claim text (at most one line) \
the value was read from, copied verbatim. Use null and "" when the text does not state a field.
- policy_number: as printed, e.g. POL-EU-2024-001234
- incident_date: the day the loss happened, YYYY-MM-DD (not the report, birth or policy dates)
- damage_description: the claimant's account of what happened, copied from the text
- damage_type: one of water, fire, storm, theft, collision, glass, other
- claimed_amount: the sum claimed, digits with two decimals, e.g. 4850.00
- currency: ISO 4217 code, e.g. EUR
- reported_on: the date the claim was reported or the letter written, YYYY-MM-DD
Personal data appears as placeholders like [NAME]; leave them as they are."""


def build_messages(text: str, region: str, clauses: Sequence[RetrievedClause]) -> list[dict[str, str]]:
    """The chat messages for one claim: instructions, then the clauses and the redacted text."""
    cited = "\n".join(
        f"- {c.clause_id} {c.title}: {c.text[:MAX_CLAUSE_CHARS]}" for c in clauses[:MAX_CLAUSES]
    )
    user = (
        f"Region: {region}\nPolicy clauses that may apply:\n{cited or '- none'}\n\n"
        f"Claim text:\n<<<\n{text[:MAX_TEXT_CHARS]}\n>>>\n\nAnswer with the JSON object only."
    )
    return [{"role": "system", "content": SYSTEM_PROMPT}, {"role": "user", "content": user}]


def response_format(kind: Literal["json_schema", "json_object"]) -> dict[str, Any]:
    """The `response_format` that makes the endpoint emit JSON of `ANSWER_SCHEMA`.

    There is no one spelling every server honours. OpenAI, Azure OpenAI, vLLM and Ollama
    constrain decoding with `{"type": "json_schema", "json_schema": {...}}`; llama-cpp
    server refuses that type (a validation error, sent as HTTP 500) and compiles a grammar from
    `{"type": "json_object", "schema": ...}`, a spelling OpenAI does not document. So
    `auto` (the default) sends `json_schema` first and, when an endpoint refuses it as an
    invalid request, switches that client to `json_object` for good. Either way the
    answer is validated again with pydantic: a server that ignores the schema yields an
    invalid answer, not a wrong event.
    """
    if kind == "json_object":
        return {"type": "json_object", "schema": ANSWER_SCHEMA}
    return {
        "type": "json_schema",
        "json_schema": {"name": "claim_fields", "schema": ANSWER_SCHEMA, "strict": True},
    }


class LlmRequestRefused(PermanentError):
    """The endpoint refused the request itself (4xx: too long, bad format); retrying the same cannot help."""


@dataclass
class LlmOutcome:
    """The answer (or why there is none) and what it cost, for the event's provenance."""

    model: str
    prompt_sha256: str
    answer: LlmAnswer | None = None
    failure: str | None = None
    model_version: str | None = None
    cache_hit: bool = False
    latency_ms: float = 0.0
    prompt_tokens: int | None = None
    completion_tokens: int | None = None


@dataclass(frozen=True)
class _Completion:
    content: str
    model_version: str | None
    prompt_tokens: int | None
    completion_tokens: int | None


class LlmExtractor:
    """Claim text → `LlmAnswer`, through the cache, the `llm` dependency and an OpenAI-compatible API."""

    def __init__(
        self,
        *,
        base_url: str,
        model: str,
        api_key: str,
        timeout_s: float,
        max_tokens: int,
        response_format: ResponseFormat,
        dependency: Dependency,
        cache: PromptCache,
    ) -> None:
        self.model = model
        self.max_tokens = max_tokens
        self.format: ResponseFormat = response_format
        self.dependency = dependency
        self.cache = cache
        # max_retries=0: retries, backoff and the breaker belong to `dependency`, not to the SDK.
        self.client = AsyncOpenAI(base_url=base_url, api_key=api_key, timeout=timeout_s, max_retries=0)

    @classmethod
    def from_settings(
        cls, settings: LlmSettings, platform: Settings, cache_dependency: Dependency
    ) -> LlmExtractor:
        """The extractor of `settings` (which must name an endpoint), with its own `llm` dependency."""
        if not settings.llm_base_url:
            raise ValueError("llm_base_url is not set")
        cache = PromptCache(platform.redis_url.get_secret_value(), settings.llm_cache_ttl_s, cache_dependency)
        return cls(
            base_url=settings.llm_base_url,
            model=settings.llm_model,
            api_key=settings.llm_api_key.get_secret_value(),
            timeout_s=settings.llm_timeout_s,
            max_tokens=settings.llm_max_tokens,
            response_format=settings.llm_response_format,
            dependency=Dependency("llm", settings.retry_policy(platform)),
            cache=cache,
        )

    async def close(self) -> None:
        await self.client.close()
        await self.cache.close()

    def _request(self, messages: list[dict[str, str]]) -> dict[str, Any]:
        """Everything that shapes the answer; its hash is the cache key (the format's spelling is not)."""
        return {
            "messages": messages,
            "schema": ANSWER_SCHEMA,
            "max_tokens": self.max_tokens,
            "temperature": 0,
        }

    async def extract(self, text: str, region: str, clauses: Sequence[RetrievedClause]) -> LlmOutcome:
        """Ask the model (or the cache) for the fields of one claim; failures are returned, not raised."""
        messages = build_messages(text, region, clauses)
        key = prompt_key(self.model, self._request(messages))
        outcome = LlmOutcome(model=self.model, prompt_sha256=key)
        started = time.perf_counter()
        cached = await self.cache.get(key)
        if cached is not None:
            outcome.cache_hit = True
            outcome.model_version = cached.model_version
            outcome.prompt_tokens = outcome.completion_tokens = 0  # nothing was spent on this claim
            outcome.answer = self._parse(cached.content, outcome)
            outcome.latency_ms = _ms_since(started)
            return outcome
        try:
            completion = await self.dependency.call(self._complete, messages)
        except LlmRequestRefused as exc:
            outcome.failure = f"llm refused the request: {exc}"
        except DependencyUnavailable as exc:
            outcome.failure = self._unavailable(exc)
        else:
            outcome.model_version = completion.model_version
            outcome.prompt_tokens = completion.prompt_tokens
            outcome.completion_tokens = completion.completion_tokens
            outcome.answer = self._parse(completion.content, outcome)
            if outcome.answer is not None:
                await self.cache.put(
                    key, CachedAnswer(content=completion.content, model_version=completion.model_version)
                )
        outcome.latency_ms = _ms_since(started)
        return outcome

    def _unavailable(self, exc: DependencyUnavailable) -> str:
        """Why the LLM gave no answer, for the event: breaker open, time limit, or the last error."""
        if isinstance(exc.__cause__, TimeoutError):
            policy = self.dependency.policy
            return f"llm unavailable: no answer within {policy.timeout_s:g} s (tried {policy.attempts}x)"
        return "llm unavailable: " + str(exc).removeprefix(f"{self.dependency.name}: ")

    def _parse(self, content: str, outcome: LlmOutcome) -> LlmAnswer | None:
        """The answer, schema-checked. A raw line break or tab inside a string (models write them in
        a description) is read as the character it is, not refused as invalid JSON."""
        try:
            loaded = json.loads(content, strict=False)
        except json.JSONDecodeError as exc:
            outcome.failure = f"llm answer invalid: answer: Invalid JSON: {exc.msg} at {exc.pos}"
            return None
        try:
            return LlmAnswer.model_validate(loaded)
        except ValidationError as exc:
            problem = exc.errors()[0]
            where = ".".join(str(p) for p in problem["loc"]) or "answer"
            outcome.failure = f"llm answer invalid: {where}: {problem['msg']}"
            return None

    async def _complete(self, messages: list[dict[str, str]]) -> _Completion:
        """One chat completion; with `auto`, a refused `json_schema` is retried once as `json_object`."""
        if self.format != "auto":
            return await self._chat(messages, self.format)
        try:
            return await self._chat(messages, "json_schema")
        except (LlmRequestRefused, openai.InternalServerError) as exc:
            status = exc.__cause__ if isinstance(exc, LlmRequestRefused) else exc
            if not (isinstance(status, openai.APIStatusError) and _refuses_format(status)):
                raise
            log.info(
                "llm endpoint refused json_schema (%s); using json_object with a schema", _status_text(status)
            )
        answer = await self._chat(messages, "json_object")
        self.format = "json_object"
        return answer

    async def _chat(
        self, messages: list[dict[str, str]], kind: Literal["json_schema", "json_object"]
    ) -> _Completion:
        # response_format goes in extra_body: the SDK's typed parameter has no `schema` for json_object.
        try:
            response = await self.client.chat.completions.create(
                model=self.model,
                messages=messages,  # type: ignore[arg-type]  # plain role/content dicts are what the API takes
                temperature=0,
                max_tokens=self.max_tokens,
                extra_body={"response_format": response_format(kind)},
            )
        except (openai.BadRequestError, openai.UnprocessableEntityError) as exc:
            # The request itself is wrong (too long, a parameter refused): no retry, not the LLM failing.
            raise LlmRequestRefused(_status_text(exc)) from exc
        content = response.choices[0].message.content if response.choices else None
        usage = response.usage
        version = response.model
        if response.system_fingerprint:
            version = f"{version} ({response.system_fingerprint})"
        return _Completion(
            content=content or "",
            model_version=version,
            prompt_tokens=usage.prompt_tokens if usage else None,
            completion_tokens=usage.completion_tokens if usage else None,
        )


def _refuses_format(exc: openai.APIStatusError) -> bool:
    """Whether the endpoint refused the request's `response_format` spelling.

    Its error names the parameter: OpenAI's 400, vLLM's 400, and llama-cpp server's 500
    wrapping the pydantic error (`body.response_format.type`); a refusal for another
    reason (a too long prompt) or a genuine server failure does not.
    """
    return "response_format" in f"{exc.message} {exc.body}"


def _status_text(exc: openai.APIStatusError) -> str:
    try:
        body = json.dumps(exc.body)[:200] if exc.body is not None else exc.message
    except TypeError:
        body = exc.message
    return f"HTTP {exc.status_code}: {body}"


def _ms_since(started: float) -> float:
    return round((time.perf_counter() - started) * 1000, 1)
