"""Token recipes mint what they say: real HS256 JWTs that ``tokens.verify`` judges as intended."""

from __future__ import annotations

import pytest

from onsembl_conformance.recipes import KINDS, TokenRecipe
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


@pytest.mark.parametrize("kind", [k for k in KINDS if k != "valid"])
def test_every_bad_kind_is_refused(kind: str) -> None:
    with pytest.raises(TokenError):
        verify(TokenRecipe("alice", ttl=60, kind=kind).mint(SECRET), SECRET)


def test_expired_recipe_is_refused() -> None:
    with pytest.raises(TokenError, match="expired"):
        verify(TokenRecipe("alice", ttl=-5).mint(SECRET), SECRET)


def test_round_trip() -> None:
    recipe = TokenRecipe("bob", ttl=2.5, kind="no-exp")
    assert TokenRecipe.from_dict(recipe.as_dict()) == recipe
