"""A counter in Redis that says "the policy clauses changed": FAISS workers reload when it moves."""

from __future__ import annotations

import redis.asyncio as aioredis

from streams.resilience import Dependency

VERSION_KEY = "claimflow:clauses:version"


class ClauseVersion:
    """Bumped by `policies load` after upserting into Milvus; read by every FAISS worker per batch."""

    def __init__(self, redis_url: str, dependency: Dependency | None = None) -> None:
        self.client = aioredis.Redis.from_url(redis_url, socket_timeout=5, socket_connect_timeout=5)
        self.dependency = dependency or Dependency("redis")

    async def current(self) -> int:
        value = await self.dependency.call(self.client.get, VERSION_KEY)
        return int(value or 0)

    async def bump(self) -> int:
        return int(await self.dependency.call(self.client.incr, VERSION_KEY))

    async def close(self) -> None:
        await self.client.aclose()
