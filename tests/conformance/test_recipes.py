"""Token recipes mint what they say: real HS256 JWTs that ``tokens.verify`` judges as intended."""

from __future__ import annotations

import pytest

from onsembl_conformance.recipes import CLAIM_KINDS, KINDS, PUBLIC_KEY_KINDS, TokenRecipe
from onsembl_spec.tokens import TokenError, verify

SECRET = "a-recipe-secret-of-at-least-thirty-two-bytes"


def test_valid_recipe_is_accepted() -> None:
    claims = verify(TokenRecipe("alice", ttl=60).mint(SECRET), SECRET)
    assert claims.sub == "alice"


def test_fractional_ttl() -> None:
    token = TokenRecipe("alice", ttl=1.5).mint(SECRET, now=1000.0)
    assert verify(token, SECRET, now=1001.0).exp == pytest.approx(1001.5)
    with pytest.raises(TokenError):
        verify(token, SECRET, now=1001.6)


SECRET_KINDS = [k for k in KINDS if k != "valid" and k not in CLAIM_KINDS + PUBLIC_KEY_KINDS]
"""Every bad kind an HS256 secret makes without claims (AUTH-13 kinds need a key, AUTH-14
kinds a claim to change: ``tests/conformance/test_credentials.py``)."""


@pytest.mark.parametrize("kind", SECRET_KINDS)
def test_every_bad_kind_is_refused(kind: str) -> None:
    with pytest.raises(TokenError):
        verify(TokenRecipe("alice", ttl=60, kind=kind).mint(SECRET), SECRET)


@pytest.mark.parametrize("kind", ["exp-nan", "exp-infinity", "exp-overflow", "nbf-nan"])
def test_numeric_date_kinds_write_what_json_cannot(kind: str) -> None:
    """AUTH-12: the claims are written as Python's json writes them (NaN, Infinity, 401
    digits), and verify refuses them as no NumericDate, never with an unexpected error."""
    token = TokenRecipe("alice", ttl=60, kind=kind).mint(SECRET)
    with pytest.raises(TokenError, match="not a finite NumericDate"):
        verify(token, SECRET)


def test_a_kind_needing_a_claim_says_so() -> None:
    with pytest.raises(ValueError, match="aud"):
        TokenRecipe("alice", kind="aud-other").mint(SECRET)


def test_expired_recipe_is_refused() -> None:
    with pytest.raises(TokenError, match="expired"):
        verify(TokenRecipe("alice", ttl=-5).mint(SECRET), SECRET)


def test_round_trip() -> None:
    recipe = TokenRecipe("bob", ttl=2.5, kind="no-exp")
    assert TokenRecipe.from_dict(recipe.as_dict()) == recipe
