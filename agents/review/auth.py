"""Who a reviewer is: local passwords (argon2id), session tokens, and where an identity provider plugs in.

Sign-in ends in a `Principal` (user, roles, regions), and every later request carries a signed
token that a `TokenVerifier` turns back into one. Locally, `LocalSignIn` checks an argon2id hash
in the reviewer table and `SessionTokens` issues and verifies HS256 tokens. An OpenID Connect
provider takes over by verifying its own tokens instead (`JwksTokenVerifier`: RS256/ES256 against
the provider's published keys, roles and regions read from configurable claims); nothing past
the verifier knows which one signed the token in. Signing and verifying are the shared
`agents.auth` tokens (the intake API uses the same); this module maps their claims to reviewers.

Needs the `review` extra (argon2-cffi, PyJWT).
"""

from __future__ import annotations

import asyncio
import secrets
from collections.abc import Mapping, Sequence
from typing import Any, Protocol

try:
    from argon2 import PasswordHasher
    from argon2.exceptions import InvalidHashError, VerificationError, VerifyMismatchError
except ImportError as exc:  # pragma: no cover - exercised only on an install without the extra
    raise ImportError(
        f"{exc.name} is not installed: reviewers' sign-in needs `pip install 'claimflow[review]'`",
        name=exc.name,
    ) from exc

from agents.auth import ClaimsVerifier, HmacTokens, JwksTokens, TokenRefused, claim_strings
from agents.review.errors import AuthenticationFailed, NotAllowed
from agents.review.model import REVIEWER, ROLES, SUPERVISOR, Principal
from agents.review.settings import ReviewSettings
from agents.review.store import ReviewStore
from streams import ConfigurationError, Dependency

AUDIENCE = "claimflow-review"
DECIDE_SCOPE = "review:decide"
ADMIN_SCOPE = "admin"
API_CLIENT_PREFIX = "api:"


class Passwords:
    """argon2id password hashes with argon2-cffi's defaults (RFC 9106's low-memory profile)."""

    def __init__(self, hasher: PasswordHasher | None = None) -> None:
        self._hasher = hasher or PasswordHasher()
        # Verified against when the user does not exist, so a wrong name costs as long as a wrong password.
        self._decoy = self._hasher.hash(secrets.token_urlsafe(16))

    def hash(self, password: str) -> str:
        if len(password) < 8:
            raise ValueError("a password needs at least 8 characters")
        return self._hasher.hash(password)

    def verify(self, password_hash: str | None, password: str) -> bool:
        """Whether `password` matches; False for a missing or malformed hash (never an exception)."""
        try:
            return self._hasher.verify(password_hash or self._decoy, password) and password_hash is not None
        except (VerifyMismatchError, VerificationError, InvalidHashError):
            return False

    def needs_rehash(self, password_hash: str) -> bool:
        return self._hasher.check_needs_rehash(password_hash)


class LocalSignIn:
    """Sign-in with a user id and password against the reviewer table."""

    def __init__(self, store: ReviewStore, passwords: Passwords | None = None) -> None:
        self.store = store
        self.passwords = passwords or Passwords()

    async def authenticate(self, user_id: str, password: str) -> Principal:
        """The active reviewer `user_id` if `password` is theirs, else `AuthenticationFailed`."""
        found = await self.store.reviewer(user_id.strip())
        reviewer, password_hash = found if found is not None else (None, None)
        # argon2 costs ~50 ms of CPU: off the event loop, so other requests keep flowing.
        matches = await asyncio.to_thread(self.passwords.verify, password_hash, password)
        if reviewer is None or password_hash is None or not reviewer.active or not matches:
            raise AuthenticationFailed("unknown user or wrong password")
        if self.passwords.needs_rehash(password_hash):
            await self.store.set_password_hash(reviewer.user_id, self.passwords.hash(password))
        return Principal.of(reviewer)


class TokenVerifier(Protocol):
    """Turns a bearer token into the principal it names, or raises `AuthenticationFailed`."""

    async def verify(self, token: str) -> Principal: ...


def principal_from_claims(claims: Mapping[str, Any], *, roles_claim: str, regions_claim: str) -> Principal:
    """A principal from verified claims; unknown roles are dropped, a token without a role is refused."""
    roles = frozenset(r for r in claim_strings(claims.get(roles_claim)) if r in ROLES)
    regions = tuple(sorted({r.upper() for r in claim_strings(claims.get(regions_claim))}))
    subject = str(claims.get("sub") or "")
    if not subject or not roles:
        raise AuthenticationFailed("the token names no user or no reviewer role")
    name = str(claims.get("name") or claims.get("preferred_username") or subject)
    return Principal(subject, name, roles, regions)


class SessionTokens:
    """Local session tokens: HS256 JWTs carrying the principal, signed with the server's secret."""

    algorithm = HmacTokens.algorithm

    def __init__(self, secret: bytes, *, issuer: str, ttl_s: float) -> None:
        self._tokens = HmacTokens(secret, issuer=issuer, audience=AUDIENCE, ttl_s=ttl_s)
        self.issuer = issuer
        self.ttl_s = ttl_s

    @property
    def secret(self) -> bytes:
        """The signing key (the web server derives its form tokens from it)."""
        return self._tokens.secret

    @classmethod
    def from_settings(cls, section: ReviewSettings) -> SessionTokens:
        secret = section.review_token_secret
        key = secret.get_secret_value().encode() if secret else secrets.token_bytes(32)
        return cls(key, issuer=section.review_token_issuer, ttl_s=section.review_token_minutes * 60)

    def issue(self, who: Principal) -> str:
        claims = {"name": who.display_name, "roles": sorted(who.roles), "regions": list(who.regions)}
        return self._tokens.issue(who.user_id, claims)

    async def verify(self, token: str) -> Principal:
        return principal_from_claims(self.claims(token), roles_claim="roles", regions_claim="regions")

    def claims(self, token: str) -> dict[str, Any]:
        """The verified claims (signature, issuer, audience, expiry); `AuthenticationFailed` otherwise."""
        try:
            return self._tokens.claims(token)
        except TokenRefused as exc:
            raise AuthenticationFailed(f"session {exc}") from exc


class JwksTokenVerifier:
    """Bearer tokens of an OpenID Connect provider, verified with the keys it publishes (its JWKS URL).

    The provider's roles and regions claims name what the local reviewer table holds otherwise
    (e.g. `roles: [reviewer]`, `regions: [EU]`); a token without them is refused. The keys are
    fetched by the shared `agents.auth.JwksTokens` (timeout, retries, breaker).
    """

    def __init__(
        self,
        jwks_url: str,
        *,
        issuer: str,
        audience: str,
        roles_claim: str = "roles",
        regions_claim: str = "regions",
        algorithms: Sequence[str] = ("RS256", "ES256"),
        timeout_s: float = 5.0,
        dependency: Dependency | None = None,
    ) -> None:
        self._tokens = JwksTokens(
            jwks_url,
            issuer=issuer,
            audience=audience,
            algorithms=algorithms,
            timeout_s=timeout_s,
            dependency=dependency,
        )
        self.roles_claim, self.regions_claim = roles_claim, regions_claim

    async def verify(self, token: str) -> Principal:
        try:
            claims = await self._tokens.verify_claims(token)
        except TokenRefused as exc:
            raise AuthenticationFailed(str(exc)) from exc
        return principal_from_claims(claims, roles_claim=self.roles_claim, regions_claim=self.regions_claim)


class ApiClientVerifier:
    """Bearer tokens of API clients (the intake API's tokens, local or its provider's), for machines.

    A token with the `review:decide` scope acts as a reviewer in the token's regions; `admin` as
    a supervisor in every region. Any other valid client token is refused with 403 (`NotAllowed`),
    not 401: it is genuine, only not for this. The principal's id is `api:<client>`, so a client
    never matches a local reviewer's row and a decision's `reviewer` shows it was a machine.
    """

    def __init__(
        self,
        verifier: ClaimsVerifier,
        *,
        all_regions: Sequence[str],
        scopes_claim: str = "scope",
        regions_claim: str = "regions",
    ) -> None:
        self.verifier = verifier
        self.all_regions = tuple(sorted(r.upper() for r in all_regions))
        self.scopes_claim, self.regions_claim = scopes_claim, regions_claim

    async def verify(self, token: str) -> Principal:
        try:
            claims = await self.verifier.verify_claims(token)
        except TokenRefused as exc:
            raise AuthenticationFailed(str(exc)) from exc
        subject = str(claims.get("sub") or "")
        if not subject:
            raise AuthenticationFailed("the token names no client")
        scopes = set(claim_strings(claims.get(self.scopes_claim)) or claim_strings(claims.get("scp")))
        user_id = f"{API_CLIENT_PREFIX}{subject}"
        if ADMIN_SCOPE in scopes:
            return Principal(user_id, user_id, frozenset({SUPERVISOR}), self.all_regions)
        if DECIDE_SCOPE not in scopes:
            raise NotAllowed(f"the token lacks the {DECIDE_SCOPE} scope")
        regions = tuple(sorted({r.upper() for r in claim_strings(claims.get(self.regions_claim))}))
        return Principal(user_id, user_id, frozenset({REVIEWER}), regions)


class Verifiers:
    """Tries each verifier in turn (local sessions first, then the identity provider's tokens)."""

    def __init__(self, *verifiers: TokenVerifier) -> None:
        self.verifiers = verifiers

    async def verify(self, token: str) -> Principal:
        failure: AuthenticationFailed | None = None
        for verifier in self.verifiers:
            try:
                return await verifier.verify(token)
            except AuthenticationFailed as exc:
                failure = exc
        raise failure or AuthenticationFailed("no token verifier is configured")


def verifiers_from_settings(
    section: ReviewSettings, sessions: SessionTokens, api_clients: TokenVerifier | None = None
) -> Verifiers:
    """Local sessions, the identity provider's tokens when `CLAIMFLOW_REVIEW_OIDC_JWKS_URL` is set,
    then API clients' tokens (`api_clients`) when given."""
    machines = (api_clients,) if api_clients is not None else ()
    if not section.review_oidc_jwks_url:
        return Verifiers(sessions, *machines)
    if not section.review_oidc_issuer:
        raise ConfigurationError(
            "CLAIMFLOW_REVIEW_OIDC_ISSUER must be set with CLAIMFLOW_REVIEW_OIDC_JWKS_URL"
        )
    provider = JwksTokenVerifier(
        section.review_oidc_jwks_url,
        issuer=section.review_oidc_issuer,
        audience=section.review_oidc_audience,
        roles_claim=section.review_oidc_roles_claim,
        regions_claim=section.review_oidc_regions_claim,
    )
    return Verifiers(sessions, provider, *machines)
