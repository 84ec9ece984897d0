"""Signed bearer tokens: issue and verify HS256 tokens, verify a provider's tokens against its JWKS."""

from __future__ import annotations

import asyncio
import time
import uuid
from collections.abc import Mapping, Sequence
from typing import Any, Protocol

try:
    import jwt
except ImportError as exc:  # pragma: no cover - exercised only on an install without the extra
    raise ImportError(
        f"{exc.name} is not installed: bearer tokens need `pip install 'claimflow[api]'`", name=exc.name
    ) from exc

from streams import ClaimFlowError, Dependency, DependencyUnavailable


class TokenRefused(ClaimFlowError):
    """The token is malformed, forged, expired, or meant for another issuer or audience."""


class ClaimsVerifier(Protocol):
    """Turns a bearer token into its verified claims, or raises `TokenRefused`."""

    async def verify_claims(self, token: str) -> dict[str, Any]: ...


def claim_strings(value: Any) -> list[str]:
    """A claim holding a list of names, as a list: OAuth2's `scope` is one space-separated string."""
    if isinstance(value, str):
        return [v for v in value.replace(",", " ").split() if v]
    if isinstance(value, list | tuple):
        return [str(v) for v in value]
    return []


class HmacTokens:
    """HS256 JWTs signed with a local secret, for one issuer and audience."""

    algorithm = "HS256"

    def __init__(self, secret: bytes, *, issuer: str, audience: str, ttl_s: float) -> None:
        if len(secret) < 32:
            raise ValueError("a token signing secret needs at least 32 bytes")
        self._secret = secret
        self.issuer, self.audience, self.ttl_s = issuer, audience, ttl_s

    @property
    def secret(self) -> bytes:
        """The signing key (the review pages derive their form tokens from it)."""
        return self._secret

    def issue(self, subject: str, claims: Mapping[str, Any], *, ttl_s: float | None = None) -> str:
        """A token for `subject` carrying `claims`, valid for `ttl_s` (default: the configured lifetime)."""
        now = int(time.time())
        body = {
            **claims,
            "sub": subject,
            "iss": self.issuer,
            "aud": self.audience,
            "iat": now,
            "exp": now + int(self.ttl_s if ttl_s is None else ttl_s),
            "jti": uuid.uuid4().hex,
        }
        return jwt.encode(body, self._secret, algorithm=self.algorithm)

    def claims(self, token: str) -> dict[str, Any]:
        """The verified claims (signature, issuer, audience, expiry); `TokenRefused` otherwise."""
        try:
            return jwt.decode(
                token,
                self._secret,
                algorithms=[self.algorithm],
                audience=self.audience,
                issuer=self.issuer,
                options={"require": ["exp", "iat", "sub", "jti"]},
            )
        except jwt.PyJWTError as exc:
            raise TokenRefused(f"token refused: {exc}") from exc

    async def verify_claims(self, token: str) -> dict[str, Any]:
        return self.claims(token)


class JwksTokens:
    """An OAuth2/OpenID Connect provider's tokens, verified with the keys it publishes (its JWKS URL).

    Fetching the keys is an external call: it has a timeout and goes through a `Dependency`
    (retries, breaker), and an unreachable provider is `DependencyUnavailable`, not a refusal.
    """

    def __init__(
        self,
        jwks_url: str,
        *,
        issuer: str,
        audience: str,
        algorithms: Sequence[str] = ("RS256", "ES256"),
        timeout_s: float = 5.0,
        dependency: Dependency | None = None,
    ) -> None:
        self._keys = jwt.PyJWKClient(jwks_url, cache_keys=True, lifespan=300, timeout=int(max(1, timeout_s)))
        self.issuer, self.audience = issuer, audience
        self.algorithms = list(algorithms)
        self._dep = dependency or Dependency("identity-provider")

    def _signing_key(self, token: str) -> Any:
        try:
            return self._keys.get_signing_key_from_jwt(token).key
        except jwt.PyJWKClientConnectionError as exc:
            raise DependencyUnavailable(f"identity provider keys unavailable: {exc}") from exc
        except jwt.PyJWTError as exc:
            raise TokenRefused(f"token refused: {exc}") from exc

    async def verify_claims(self, token: str) -> dict[str, Any]:
        key = await self._dep.call(asyncio.to_thread, self._signing_key, token)
        try:
            return jwt.decode(
                token,
                key,
                algorithms=self.algorithms,
                audience=self.audience,
                issuer=self.issuer,
                options={"require": ["exp", "sub"]},
            )
        except jwt.PyJWTError as exc:
            raise TokenRefused(f"token refused: {exc}") from exc


class FirstOf:
    """Tries each verifier in turn (local tokens first, then the identity provider's)."""

    def __init__(self, *verifiers: ClaimsVerifier) -> None:
        self.verifiers = verifiers

    async def verify_claims(self, token: str) -> dict[str, Any]:
        failure: TokenRefused | None = None
        for verifier in self.verifiers:
            try:
                return await verifier.verify_claims(token)
            except TokenRefused as exc:
                failure = exc
        raise failure or TokenRefused("no token verifier is configured")
