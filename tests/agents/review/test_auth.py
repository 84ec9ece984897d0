"""Reviewers' sign-in: argon2id passwords, session tokens, an identity provider's tokens (JWKS over HTTP)."""

from __future__ import annotations

import http.server
import json
import threading
import time
from collections.abc import Iterator

import jwt
import pytest
from argon2 import PasswordHasher
from cryptography.hazmat.primitives.asymmetric import rsa

from agents.review import AuthenticationFailed, Principal
from agents.review.auth import JwksTokenVerifier, LocalSignIn, Passwords, SessionTokens, Verifiers
from streams import Dependency, DependencyUnavailable, RetryPolicy
from tests.fixtures.postgres import postgres_dsn, postgres_server_uri
from tests.fixtures.review import ReviewWorld, reviewer, world

__all__ = ["postgres_dsn", "postgres_server_uri", "world"]  # the imported fixtures are used by name

ALICE = Principal("alice", "Alice", frozenset({"reviewer"}), ("EU",))
SECRET = b"s" * 32


def test_a_password_is_stored_as_an_argon2id_hash_and_only_it_verifies() -> None:
    passwords = Passwords()
    stored = passwords.hash("correct horse")
    assert stored.startswith("$argon2id$") and "correct horse" not in stored
    assert passwords.verify(stored, "correct horse")
    assert not passwords.verify(stored, "correct horsE")
    assert not passwords.verify(None, "correct horse") and not passwords.verify("not a hash", "x")
    with pytest.raises(ValueError, match="8 characters"):
        passwords.hash("short")


@pytest.mark.integration
async def test_sign_in_checks_the_password_and_upgrades_a_weak_hash(world: ReviewWorld) -> None:
    weak = PasswordHasher(time_cost=1, memory_cost=1024, parallelism=1).hash("correct horse")
    await world.review.save_reviewer(reviewer("alice", "EU"), weak)
    await world.review.save_reviewer(reviewer("olaf", "EU").model_copy(update={"active": False}), weak)
    sign_in = LocalSignIn(world.review)
    assert await sign_in.authenticate("alice", "correct horse") == ALICE
    upgraded = (await world.review.reviewer("alice"))[1]  # type: ignore[index]
    assert upgraded != weak and not sign_in.passwords.needs_rehash(upgraded)  # type: ignore[arg-type]
    for user, password in (("alice", "wrong horse"), ("nobody", "correct horse"), ("olaf", "correct horse")):
        with pytest.raises(AuthenticationFailed, match="unknown user or wrong password"):
            await sign_in.authenticate(user, password)


async def test_a_session_token_carries_the_principal_and_nothing_forged_passes() -> None:
    tokens = SessionTokens(SECRET, issuer="claimflow-review", ttl_s=60)
    token = tokens.issue(ALICE)
    assert await tokens.verify(token) == ALICE
    claims = tokens.claims(token)
    forged = [
        jwt.encode({**claims, "regions": ["EU", "US"]}, b"x" * 32, algorithm="HS256"),  # another key
        jwt.encode({**claims, "exp": int(time.time()) - 5}, SECRET, algorithm="HS256"),  # expired
        jwt.encode({**claims, "iss": "elsewhere"}, SECRET, algorithm="HS256"),
        jwt.encode({**claims, "roles": ["admin"]}, SECRET, algorithm="HS256"),  # no reviewer role
        jwt.encode(claims, None, algorithm="none"),  # type: ignore[arg-type]  # unsigned
        token[:-2] + ("AA" if not token.endswith("AA") else "BB"),
    ]
    for bad in forged:
        with pytest.raises(AuthenticationFailed):
            await tokens.verify(bad)
    with pytest.raises(ValueError, match="32 bytes"):
        SessionTokens(b"short", issuer="x", ttl_s=60)


@pytest.fixture(scope="module")
def provider() -> Iterator[tuple[str, rsa.RSAPrivateKey, http.server.HTTPServer]]:
    """An identity provider's key set, served over HTTP as a provider publishes it."""
    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    jwk = json.loads(jwt.algorithms.RSAAlgorithm.to_jwk(key.public_key()))
    body = json.dumps({"keys": [{**jwk, "kid": "k1", "use": "sig", "alg": "RS256"}]}).encode()

    class Keys(http.server.BaseHTTPRequestHandler):
        def do_GET(self) -> None:
            self.send_response(200)
            self.send_header("Content-Type", "application/json")
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, *args: object) -> None:
            pass

    server = http.server.HTTPServer(("127.0.0.1", 0), Keys)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_port}/jwks", key, server
    finally:
        server.shutdown()
        server.server_close()


def _provider_token(key: rsa.RSAPrivateKey, **claims: object) -> str:
    base = {"sub": "p.ng", "name": "P. Ng", "iss": "https://idp.example", "aud": "claimflow-review"}
    base.update({"exp": int(time.time()) + 60, "groups": "reviewer supervisor", "residency": ["apac"]})
    return jwt.encode({**base, **claims}, key, algorithm="RS256", headers={"kid": "k1"})


async def test_an_identity_providers_token_is_verified_with_its_published_keys(provider) -> None:
    url, key, _ = provider
    verifier = JwksTokenVerifier(
        url,
        issuer="https://idp.example",
        audience="claimflow-review",
        roles_claim="groups",
        regions_claim="residency",
    )
    who = await verifier.verify(_provider_token(key))
    assert who == Principal("p.ng", "P. Ng", frozenset({"reviewer", "supervisor"}), ("APAC",))
    assert (
        await Verifiers(SessionTokens(SECRET, issuer="x", ttl_s=60), verifier).verify(_provider_token(key))
    ) == who
    other_key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    for bad in (_provider_token(key, iss="https://evil.example"), _provider_token(other_key)):
        with pytest.raises(AuthenticationFailed):
            await verifier.verify(bad)


async def test_an_unreachable_identity_provider_is_a_dependency_outage_not_a_refusal(provider) -> None:
    _, key, _ = provider
    closed = http.server.HTTPServer(("127.0.0.1", 0), http.server.BaseHTTPRequestHandler)
    url = f"http://127.0.0.1:{closed.server_port}/jwks"
    closed.server_close()  # nothing listens there any more
    verifier = JwksTokenVerifier(
        url,
        issuer="https://idp.example",
        audience="claimflow-review",
        dependency=Dependency("idp", RetryPolicy(timeout_s=2, attempts=2, backoff_initial_s=0.01)),
    )
    with pytest.raises(DependencyUnavailable):
        await verifier.verify(_provider_token(key))
