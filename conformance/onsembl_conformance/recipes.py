"""Token recipes: how to mint each token a check uses (AUTH-2..AUTH-8, REFRESH-3).

Transcripts store the recipe, never the token, so ``onsembl replay`` mints
fresh tokens with the right lifetimes against any server's secret.
"""

from __future__ import annotations

import base64
import json
import time
from dataclasses import asdict, dataclass, field
from typing import Any

from onsembl_spec.tokens import mint

KINDS = (
    "valid",  # HS256, signed with the server's secret (AUTH-2)
    "bad-signature",  # signed with another secret (AUTH-5)
    "not-a-jwt",  # three dot-free characters (AUTH-4)
    "no-sub",  # JWT without sub (AUTH-4)
    "number-sub",  # JWT whose sub is a number (AUTH-4)
    "no-exp",  # JWT without exp (AUTH-4)
    "string-exp",  # JWT whose exp is a string (AUTH-4)
    "alg-none",  # unsigned JWT (AUTH-7)
    "nbf-future",  # JWT not valid before a minute from now (AUTH-8)
)


@dataclass(frozen=True)
class TokenRecipe:
    """What to mint: owner ``sub``, lifetime ``ttl`` seconds from minting, and ``kind``."""

    sub: str
    ttl: float = 3600.0
    kind: str = "valid"
    extra: dict[str, Any] = field(default_factory=dict)

    def mint(self, secret: str, *, now: float | None = None) -> str:
        """The token for ``secret`` (a recipe of kind ``valid`` with a negative ttl is expired)."""
        issued = time.time() if now is None else now
        if self.kind == "valid":
            return mint(secret, self.sub, ttl=self.ttl, now=issued, extra=self.extra or None)
        if self.kind == "bad-signature":
            return mint(secret + "-not-the-secret", self.sub, ttl=self.ttl, now=issued)
        if self.kind == "not-a-jwt":
            return "not-a-jwt"
        if self.kind == "nbf-future":
            return mint(secret, self.sub, ttl=self.ttl, now=issued, extra={"nbf": issued + 60})
        claims: dict[str, Any] = {"sub": self.sub, "exp": issued + self.ttl}
        if self.kind == "no-sub":
            del claims["sub"]
        elif self.kind == "number-sub":
            claims["sub"] = 42
        elif self.kind == "no-exp":
            del claims["exp"]
        elif self.kind == "string-exp":
            claims["exp"] = str(int(issued + self.ttl))
        elif self.kind == "alg-none":
            return _unsigned(claims)
        else:
            raise ValueError(f"unknown token kind {self.kind!r}")
        return _signed_raw(claims, secret)

    def label(self) -> str:
        """A short description, e.g. ``valid(sub=alice, ttl=60)``."""
        return f"{self.kind}(sub={self.sub}, ttl={self.ttl:g})"

    def placeholder(self) -> str:
        """What a transcript stores where this recipe's token was (issue 9, part 3): the
        recipe, never the token, e.g. ``[token valid(sub=alice, ttl=60)]``."""
        return f"[token {self.label()}]"

    def as_dict(self) -> dict[str, Any]:
        return asdict(self)

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> TokenRecipe:
        return cls(
            sub=str(data["sub"]),
            ttl=float(data.get("ttl", 3600.0)),
            kind=str(data.get("kind", "valid")),
            extra=dict(data.get("extra") or {}),
        )


def _b64(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode("ascii")


def _unsigned(claims: dict[str, Any]) -> str:
    header = _b64(json.dumps({"alg": "none", "typ": "JWT"}).encode())
    return f"{header}.{_b64(json.dumps(claims).encode())}."


def _signed_raw(claims: dict[str, Any], secret: str) -> str:
    """HS256 over arbitrary claims (PyJWT would refuse some of the malformed ones)."""
    import hashlib
    import hmac

    header = _b64(json.dumps({"alg": "HS256", "typ": "JWT"}).encode())
    body = _b64(json.dumps(claims).encode())
    signature = hmac.new(secret.encode(), f"{header}.{body}".encode(), hashlib.sha256).digest()
    return f"{header}.{body}.{_b64(signature)}"
