"""The intake API's settings (`CLAIMFLOW_API_*`): who may call it, how much they may send, how often."""

from __future__ import annotations

from pydantic import Field, SecretStr

from streams import SettingsSection


class ApiSettings(SettingsSection):
    """Token trust, upload limits and rate limits of `claimflow api serve`."""

    api_token_secret: SecretStr | None = Field(
        default=None,
        description="HS256 key of locally minted tokens (`claimflow api token`), 32+ bytes; unset: a random "
        "key kept in state_dir/api-token.secret (dev).",
    )
    api_token_issuer: str = Field(default="claimflow", description="`iss` of locally minted tokens.")
    api_audience: str = Field(default="claimflow-api", description="`aud` every accepted token must carry.")
    api_token_minutes: float = Field(default=60.0, gt=0, description="Lifetime of a minted token.")
    api_jwks_url: str | None = Field(
        default=None,
        description="An OAuth2/OIDC provider's JWKS URL: its RS256/ES256 tokens are accepted beside "
        "local ones.",
    )
    api_jwks_issuer: str | None = Field(default=None, description="`iss` the provider's tokens carry.")
    api_scopes_claim: str = Field(default="scope", description="Claim holding the scopes (OAuth2: `scope`).")
    api_regions_claim: str = Field(default="regions", description="Claim holding the client's regions.")
    api_max_document_bytes: int = Field(
        default=20 * 1024 * 1024, gt=0, description="Largest document accepted (413 above it)."
    )
    api_max_documents: int = Field(default=20, ge=1, description="Most documents in one claim.")
    api_max_request_bytes: int = Field(
        default=100 * 1024 * 1024, gt=0, description="Largest request body accepted (413 above it)."
    )
    api_max_inflated_bytes: int = Field(
        default=256 * 1024 * 1024,
        gt=0,
        description="Most bytes a PDF's compressed streams may inflate to, summed (413 above: a "
        "decompression bomb). Pages and pixels use CLAIMFLOW_MAX_DOCUMENT_PAGES and _MAX_IMAGE_PIXELS.",
    )
    api_rate_limit: str = Field(
        default="120/minute",
        description="Requests per client (token subject), in `limits` notation, e.g. `10/second;500/hour`.",
    )
    api_rate_limit_storage: str = Field(
        default="async+memory://",
        description="Where the rate-limit counters live (`limits` storage URL); memory counts per server "
        "process.",
    )
