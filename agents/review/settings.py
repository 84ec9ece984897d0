"""The review queue's settings (`CLAIMFLOW_REVIEW_*`): deadlines, leases, QA sampling, sign-in."""

from __future__ import annotations

from pydantic import Field, SecretStr

from streams import SettingsSection


class ReviewSettings(SettingsSection):
    """How long a claim may wait for a person, how long a reviewer holds one, and what is sampled."""

    review_sla_hours: float = Field(
        default=24.0, gt=0, description="A claim needing review must be decided within this many hours."
    )
    review_qa_sla_hours: float = Field(
        default=72.0,
        gt=0,
        description="Deadline of a QA sample (an auto-approved claim checked by a person).",
    )
    review_lease_minutes: float = Field(
        default=15.0,
        gt=0,
        description="How long taking a claim reserves it for one reviewer; taking it again renews the lease.",
    )
    review_qa_share: float = Field(
        default=0.05,
        ge=0.0,
        le=1.0,
        description="Share of auto-approved claims also queued as QA samples, so auto-approve precision is "
        "measured in production.",
    )
    review_token_secret: SecretStr | None = Field(
        default=None,
        description="HMAC key of the session tokens; unset: a random key per server process (sessions end "
        "with the process).",
    )
    review_token_minutes: float = Field(default=480.0, gt=0, description="Lifetime of a session token.")
    review_token_issuer: str = Field(default="claimflow-review", description="`iss` of the session tokens.")
    review_page_dpi: int = Field(
        default=110, ge=36, le=300, description="Resolution of the document page images on the claim page."
    )
    review_oidc_jwks_url: str | None = Field(
        default=None,
        description="An OpenID Connect provider's JWKS URL: its bearer tokens are then accepted beside local "
        "sessions (roles and regions from the claims below).",
    )
    review_oidc_issuer: str | None = Field(
        default=None, description="`iss` the provider's tokens must carry."
    )
    review_oidc_audience: str = Field(
        default="claimflow-review", description="`aud` the provider's tokens carry."
    )
    review_oidc_roles_claim: str = Field(default="roles", description="Claim holding reviewer/supervisor.")
    review_oidc_regions_claim: str = Field(
        default="regions", description="Claim holding the allowed regions."
    )
    review_api_tokens: bool = Field(
        default=True,
        description="Accept the intake API's client tokens (CLAIMFLOW_API_* trust) as bearer tokens: "
        "`review:decide` decides as a reviewer in the token's regions, `admin` as a supervisor.",
    )
