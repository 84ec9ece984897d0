"""Redis cache from an LLM prompt to the answer it got, so the same claim text is never paid for twice.

Replays, redeliveries and resubmitted documents send the extractor the same redacted text
again; with the temperature at 0 the model would answer the same, so the validated answer
is kept under `sha256(model + prompt)` for `llm_cache_ttl_s`.

The cache is an optimisation, never a dependency: when Redis is down (or its breaker is
open) a lookup is a miss and a store is skipped, and the extractor goes on to the LLM.
Hits and misses are counted per process (logged with every lookup) and as OpenTelemetry
counters `claimflow.llm.cache.hits` / `claimflow.llm.cache.misses`, exported by whatever
meter provider the deployment installs (the API is a no-op without one).
"""

from __future__ import annotations

import hashlib
import json
import logging
from dataclasses import dataclass
from typing import Any

import redis.asyncio as aioredis
from opentelemetry import metrics
from prometheus_client import Counter
from pydantic import BaseModel, ConfigDict, ValidationError

from streams import Dependency, DependencyUnavailable

log = logging.getLogger(__name__)

KEY_PREFIX = "claimflow:llm:prompt:"

_meter = metrics.get_meter("claimflow")
_HITS = _meter.create_counter("claimflow.llm.cache.hits", description="LLM answers served from the cache")
_MISSES = _meter.create_counter(
    "claimflow.llm.cache.misses", description="LLM prompts not in the cache (or the cache unavailable)"
)


def prompt_key(model: str, prompt: Any) -> str:
    """sha256 of the model and the canonical JSON of everything that shapes the answer."""
    canonical = json.dumps(prompt, sort_keys=True, separators=(",", ":"), ensure_ascii=False)
    return hashlib.sha256(f"{model}\n{canonical}".encode()).hexdigest()


class CachedAnswer(BaseModel):
    """What is kept per prompt: the raw answer text and who wrote it."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    content: str
    model_version: str | None = None


# Hit rate: rate(..{result="hit"}) / rate(..) over every result; an unreachable cache counts as an error
# and then as a miss.
LOOKUPS = Counter("claimflow_prompt_cache_lookups", "LLM prompt cache lookups by result.", ["result"])


@dataclass
class CacheStats:
    """Lookups of this process, for the logs (the OpenTelemetry counters carry the same)."""

    hits: int = 0
    misses: int = 0
    errors: int = 0


class PromptCache:
    """Prompt hash → validated LLM answer in Redis, with a TTL."""

    def __init__(self, redis_url: str, ttl_s: int, dependency: Dependency) -> None:
        self.ttl_s = ttl_s
        self.client = aioredis.Redis.from_url(redis_url, socket_timeout=2, socket_connect_timeout=2)
        self.dependency = dependency
        self.stats = CacheStats()

    @property
    def enabled(self) -> bool:
        return self.ttl_s > 0

    async def get(self, key: str) -> CachedAnswer | None:
        """The cached answer for `key`, or None on a miss, a disabled cache or an unreachable Redis."""
        if not self.enabled:
            return None
        try:
            raw = await self.dependency.call(self.client.get, KEY_PREFIX + key)
        except DependencyUnavailable as exc:
            self.stats.errors += 1
            LOOKUPS.labels("error").inc()
            log.warning("llm prompt cache unavailable, treating %s as a miss: %s", key[:12], exc)
            raw = None
        found = None
        if raw is not None:
            try:
                found = CachedAnswer.model_validate_json(raw)
            except ValidationError:
                log.warning("llm prompt cache entry %s is unreadable; ignoring it", key[:12])
        if found is None:
            self.stats.misses += 1
            _MISSES.add(1)
            LOOKUPS.labels("miss").inc()
        else:
            self.stats.hits += 1
            _HITS.add(1)
            LOOKUPS.labels("hit").inc()
        log.info(
            "llm prompt cache %s for %s (hits=%d misses=%d errors=%d)",
            "hit" if found else "miss",
            key[:12],
            self.stats.hits,
            self.stats.misses,
            self.stats.errors,
        )
        return found

    async def put(self, key: str, answer: CachedAnswer) -> None:
        """Keep `answer` for the TTL; a Redis failure only costs a future miss."""
        if not self.enabled:
            return
        try:
            await self.dependency.call(
                self.client.set, KEY_PREFIX + key, answer.model_dump_json(), ex=self.ttl_s
            )
        except DependencyUnavailable as exc:
            self.stats.errors += 1
            log.warning("llm prompt cache unavailable, answer %s not kept: %s", key[:12], exc)

    async def close(self) -> None:
        await self.client.aclose()
