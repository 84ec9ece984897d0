"""Who calls the intake API: a client's scopes and regions, from a verified bearer token."""

from __future__ import annotations

import os
import secrets
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from agents.auth import ClaimsVerifier, FirstOf, HmacTokens, JwksTokens, TokenRefused, claim_strings
from agents.intake.api.settings import ApiSettings
from streams import ConfigurationError, Dependency, Settings

SUBMIT = "claims:submit"
READ = "claims:read"
DECIDE = "review:decide"
"""Decide reviews on the review pages' endpoints with a bearer token (agents/review)."""
ADMIN = "admin"
SCOPES = (SUBMIT, READ, DECIDE, ADMIN)
"""`admin` holds every scope in every region."""

DEV_SECRET_FILE = "api-token.secret"


@dataclass(frozen=True)
class Client:
    """A verified caller: its id (the token's subject), scopes and regions."""

    client_id: str
    scopes: frozenset[str]
    regions: frozenset[str]

    @property
    def is_admin(self) -> bool:
        return ADMIN in self.scopes

    def may(self, scope: str) -> bool:
        return self.is_admin or scope in self.scopes

    def serves(self, region: str) -> bool:
        """Whether the client may submit or read claims of `region`."""
        return self.is_admin or region.upper() in self.regions

    @classmethod
    def from_claims(cls, claims: Mapping[str, Any], section: ApiSettings) -> Client:
        """The client a token names; a token without a subject is refused, unknown scopes are dropped."""
        subject = str(claims.get("sub") or "")
        if not subject:
            raise TokenRefused("the token names no client")
        scopes = claim_strings(claims.get(section.api_scopes_claim)) or claim_strings(claims.get("scp"))
        return cls(
            subject,
            frozenset(s for s in scopes if s in SCOPES),
            frozenset(r.upper() for r in claim_strings(claims.get(section.api_regions_claim))),
        )


def dev_secret(settings: Settings) -> bytes:
    """The dev signing key in the state folder, made on first use (owner-only), shared by serve and token."""
    path: Path = settings.state_dir / DEV_SECRET_FILE
    if not path.exists():
        path.parent.mkdir(parents=True, exist_ok=True)
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(fd, "w") as out:
            out.write(secrets.token_urlsafe(48))
    return path.read_text().strip().encode()


def local_tokens(settings: Settings, section: ApiSettings) -> HmacTokens:
    """The HS256 tokens `claimflow api token` mints and the server accepts."""
    secret = section.api_token_secret
    key = secret.get_secret_value().encode() if secret else dev_secret(settings)
    return HmacTokens(
        key,
        issuer=section.api_token_issuer,
        audience=section.api_audience,
        ttl_s=section.api_token_minutes * 60,
    )


def mint(
    tokens: HmacTokens,
    client_id: str,
    scopes: Sequence[str],
    regions: Sequence[str],
    ttl_s: float | None = None,
) -> str:
    """A client token with `scopes` (space-separated, as OAuth2 has it) and `regions`."""
    unknown = sorted(set(scopes) - set(SCOPES))
    if unknown:
        raise ConfigurationError(f"unknown scope(s) {', '.join(unknown)}; known: {', '.join(SCOPES)}")
    claims = {"scope": " ".join(sorted(set(scopes))), "regions": sorted({r.upper() for r in regions})}
    return tokens.issue(client_id, claims, ttl_s=ttl_s)


def verifier_from_settings(settings: Settings, section: ApiSettings) -> ClaimsVerifier:
    """Local tokens, plus the identity provider's when `CLAIMFLOW_API_JWKS_URL` is set."""
    local = local_tokens(settings, section)
    if not section.api_jwks_url:
        return local
    if not section.api_jwks_issuer:
        raise ConfigurationError("CLAIMFLOW_API_JWKS_ISSUER must be set with CLAIMFLOW_API_JWKS_URL")
    provider = JwksTokens(
        section.api_jwks_url,
        issuer=section.api_jwks_issuer,
        audience=section.api_audience,
        dependency=Dependency("identity-provider", settings.retry_policy()),
    )
    return FirstOf(local, provider)
