"""Timeouts, retries with jittered backoff and a circuit breaker for every external call.

One `Dependency` per external system (Postgres, Redis, Milvus, object store, LLM).
`await dep.call(fn, *args)` runs `fn` under a per-attempt timeout, retries transient
failures with exponential backoff and jitter (tenacity), and counts failures in a
circuit breaker (aiobreaker) so a dead dependency fails fast instead of stalling
every agent behind it.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from datetime import timedelta
from typing import ParamSpec, TypeVar

from aiobreaker import CircuitBreaker, CircuitBreakerError, CircuitBreakerState
from tenacity import AsyncRetrying, retry_if_exception, stop_after_attempt, wait_exponential_jitter

from streams.errors import ClaimFlowError, DependencyUnavailable
from streams.metrics import watch_breaker

log = logging.getLogger(__name__)

P = ParamSpec("P")
T = TypeVar("T")


@dataclass(frozen=True)
class RetryPolicy:
    """How hard to try one external call before giving up."""

    timeout_s: float = 10.0
    attempts: int = 4
    backoff_initial_s: float = 0.1
    backoff_max_s: float = 5.0
    breaker_fail_max: int = 5
    breaker_reset_s: float = 30.0


def _is_transient(exc: BaseException) -> bool:
    """Our own errors say whether they are retryable; anything else from a client library is assumed to be."""
    if isinstance(exc, CircuitBreakerError):
        return False
    if isinstance(exc, ClaimFlowError):
        return exc.retryable
    return isinstance(exc, Exception)


class Dependency:
    """An external system reached through timeouts, retries and a circuit breaker."""

    def __init__(self, name: str, policy: RetryPolicy | None = None) -> None:
        self.name = name
        self.policy = policy or RetryPolicy()
        self.breaker = CircuitBreaker(
            fail_max=self.policy.breaker_fail_max,
            timeout_duration=timedelta(seconds=self.policy.breaker_reset_s),
            name=name,
            # Errors that say "your input is wrong" are not the dependency failing.
            exclude=[lambda exc: isinstance(exc, ClaimFlowError) and not exc.retryable],
        )
        watch_breaker(self.breaker)

    @property
    def is_open(self) -> bool:
        """True while the breaker refuses calls; callers can fall back instead of waiting."""
        return bool(self.breaker.current_state == CircuitBreakerState.OPEN)

    async def call(self, fn: Callable[P, Awaitable[T]], *args: P.args, **kwargs: P.kwargs) -> T:
        """Call `fn`, raising `DependencyUnavailable` once every attempt failed or the breaker is open."""
        policy = self.policy

        async def attempt() -> T:
            async with asyncio.timeout(policy.timeout_s):
                return await fn(*args, **kwargs)

        try:
            async for try_ in AsyncRetrying(
                stop=stop_after_attempt(policy.attempts),
                wait=wait_exponential_jitter(multiplier=policy.backoff_initial_s, max=policy.backoff_max_s),
                retry=retry_if_exception(_is_transient),
                reraise=True,
            ):
                with try_:
                    return await self.breaker.call_async(attempt)
        except CircuitBreakerError as exc:
            raise DependencyUnavailable(f"{self.name}: circuit breaker is open") from exc
        except ClaimFlowError:
            raise  # our own errors already say whether they are the input's fault or the dependency's
        except Exception as exc:
            # What survived every retry is the dependency failing (timeouts, refused connections,
            # driver errors): callers wait it out rather than blame the message.
            raise DependencyUnavailable(f"{self.name}: {type(exc).__name__}: {exc}") from exc
        raise AssertionError("unreachable: tenacity either returns or re-raises")  # pragma: no cover

    async def call_once(self, fn: Callable[[], Awaitable[T]], *, timeout_s: float | None = None) -> T:
        """One attempt of `fn` under the breaker: for a call that cannot be repeated (a stream it consumes).

        Errors are raised as by `call`; `timeout_s` None leaves the duration to `fn` (a stream as
        long as its sender takes, each request of it bounded by its client's own timeout).
        """

        async def attempt() -> T:
            if timeout_s is None:
                return await fn()
            async with asyncio.timeout(timeout_s):
                return await fn()

        try:
            return await self.breaker.call_async(attempt)
        except CircuitBreakerError as exc:
            raise DependencyUnavailable(f"{self.name}: circuit breaker is open") from exc
        except ClaimFlowError:
            raise
        except Exception as exc:
            raise DependencyUnavailable(f"{self.name}: {type(exc).__name__}: {exc}") from exc
