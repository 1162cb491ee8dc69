"""HS256 tokens (AUTH-2, AUTH-4..AUTH-8): what verify() accepts and refuses, with real JWTs."""

from __future__ import annotations

import time

import jwt
import pytest

from onsembl_spec.tokens import TokenError, mint, verify

SECRET = "test-secret-long-enough-for-hs512-" + "0123456789abcdef" * 2


def test_a_minted_token_verifies_with_its_owner_and_expiry() -> None:
    now = time.time()
    claims = verify(mint(SECRET, "alice", ttl=120, now=now), SECRET, now=now)
    assert claims.sub == "alice"
    assert claims.exp == pytest.approx(now + 120)


def test_fractional_lifetimes_are_kept() -> None:
    now = 1_000_000.0
    token = mint(SECRET, "alice", ttl=0.25, now=now)
    assert verify(token, SECRET, now=now + 0.2).exp == pytest.approx(now + 0.25)
    with pytest.raises(TokenError, match="expired"):
        verify(token, SECRET, now=now + 0.3)


def test_an_issue_time_in_the_future_is_not_a_reason_to_refuse() -> None:
    token = mint(SECRET, "alice", extra={"iat": int(time.time()) + 3600})
    assert verify(token, SECRET).sub == "alice"


@pytest.mark.parametrize(
    ("token", "reason"),
    [
        (lambda: mint("another-secret-of-a-decent-length-000", "alice"), "bad signature"),
        (lambda: "not-a-jwt", "malformed"),
        (lambda: mint(SECRET, "alice", ttl=-1), "expired"),
        (lambda: jwt.encode({"sub": "alice"}, SECRET, algorithm="HS256"), "invalid token"),
        (lambda: jwt.encode({"exp": time.time() + 60}, SECRET, algorithm="HS256"),
         "invalid token"),
        (lambda: jwt.encode({"sub": 7, "exp": time.time() + 60}, SECRET, algorithm="HS256"),
         "invalid token"),
        (lambda: jwt.encode({"sub": "a", "exp": time.time() + 60}, None, algorithm="none"),
         "unsigned"),
        (lambda: mint(SECRET, "alice", extra={"nbf": time.time() + 100}), "nbf"),
        (lambda: mint(SECRET, "alice", algorithm="HS512"), "invalid token"),
    ],
    ids=["wrong-secret", "not-jwt", "expired", "no-exp", "no-sub", "int-sub", "alg-none",
         "nbf-future", "hs512"],
)
def test_refused_tokens_say_why_without_the_token(token: object, reason: str) -> None:
    text = token()  # type: ignore[operator]
    with pytest.raises(TokenError, match=reason) as info:
        verify(text, SECRET)
    assert text not in str(info.value)
