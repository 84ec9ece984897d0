"""Bearer tokens, shared by every HTTP surface (the intake API, the review pages): sign, verify, read claims.

Two ways a token is trusted: a locally signed HS256 token (`HmacTokens`: dev tokens, review
sessions) or an OAuth2/OpenID Connect provider's RS256/ES256 token checked against the keys it
publishes (`JwksTokens`). Both only turn a token into verified claims; what a claim means (a
reviewer's roles, an API client's scopes) is the caller's business.

Needs PyJWT (`pip install 'claimflow[api]'` or `'claimflow[review]'`).
"""

from agents.auth.tokens import (
    ClaimsVerifier,
    FirstOf,
    HmacTokens,
    JwksTokens,
    TokenRefused,
    claim_strings,
)

__all__ = ["ClaimsVerifier", "FirstOf", "HmacTokens", "JwksTokens", "TokenRefused", "claim_strings"]
