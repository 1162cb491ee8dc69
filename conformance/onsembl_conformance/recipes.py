"""Token recipes: how to mint each token a check uses (AUTH-2..AUTH-8, AUTH-12..AUTH-14,
REFRESH-3).

Transcripts store the recipe, never the token, so ``onsembl replay`` mints
fresh tokens with the right lifetimes against any server's secret or key. A
recipe is minted by a :class:`Signer` (an HS256 secret or a private key with its
algorithm) through :meth:`TokenRecipe.sign`, or by a token command
(:mod:`onsembl_conformance.credentials`), which can make only some kinds.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import math
import time
from collections.abc import Mapping
from dataclasses import asdict, dataclass, field
from typing import Any

from jwt.algorithms import get_default_algorithms

from onsembl_spec.tokens import ALGORITHM, PrivateKey, public_pem

KINDS = (
    "valid",  # signed with the server's secret or trusted key (AUTH-2)
    "bad-signature",  # signed with another secret or key of the same type (AUTH-5)
    "not-a-jwt",  # three dot-free characters (AUTH-4)
    "no-sub",  # JWT without sub (AUTH-4)
    "number-sub",  # JWT whose sub is a number (AUTH-4)
    "no-exp",  # JWT without exp (AUTH-4)
    "string-exp",  # JWT whose exp is a string (AUTH-4)
    "alg-none",  # unsigned JWT (AUTH-7)
    "nbf-future",  # JWT not valid before a minute from now (AUTH-8)
    "exp-nan",  # exp NaN: not JSON, but Python's parser takes it (AUTH-12)
    "exp-infinity",  # exp Infinity (AUTH-12)
    "exp-overflow",  # exp 10**400, beyond a double (AUTH-12)
    "nbf-nan",  # nbf NaN (AUTH-12)
    "nbf-overflow",  # nbf 10**400 (AUTH-12)
    "aud-other",  # the aud of --jwt-claim changed (AUTH-14)
    "aud-missing",  # no aud although --jwt-claim gives one (AUTH-14)
    "iss-other",  # the iss of --jwt-claim changed (AUTH-14)
    "iss-missing",  # no iss although --jwt-claim gives one (AUTH-14)
    "public-key-hs256",  # HS256 with the server's public key (PEM) as secret (AUTH-13)
    "public-key-hs256-trimmed",  # the same PEM without its final newline (AUTH-13)
    "public-key-hs256-der",  # the public key's DER bytes as secret (AUTH-13)
    "public-key-hs256-pkcs1",  # an RSA public key's PKCS#1 PEM as secret (AUTH-13)
    "public-key-hs384",  # HS384 with the PEM as secret (AUTH-13)
    "public-key-hs512",  # HS512 with the PEM as secret (AUTH-13)
)

NUMERIC_DATE_KINDS = ("exp-nan", "exp-infinity", "exp-overflow", "nbf-nan", "nbf-overflow")
"""AUTH-12: a NumericDate that is not a finite number within a double's range."""

CLAIM_KINDS = ("aud-other", "aud-missing", "iss-other", "iss-missing")
"""AUTH-14: the audience or issuer the kit's claims name, changed or left out."""

PUBLIC_KEY_KINDS = (
    "public-key-hs256", "public-key-hs256-trimmed", "public-key-hs256-der",
    "public-key-hs256-pkcs1", "public-key-hs384", "public-key-hs512",
)  # fmt: skip
"""AUTH-13: HMAC tokens whose secret is the server's public key, in its usual encodings."""

OVERFLOW = 10**400
"""A number JSON can write and no double can hold (AUTH-12)."""

_HMAC = {"HS256": hashlib.sha256, "HS384": hashlib.sha384, "HS512": hashlib.sha512}


@dataclass(frozen=True)
class Signer:
    """Signs compact JWS tokens: ``key`` is an HS256 secret (``algorithm`` ``HS256``) or a
    private key of the type ``algorithm`` needs (``onsembl_spec.tokens.key_fits``)."""

    algorithm: str
    key: str | PrivateKey

    def sign(self, payload: bytes, *, header: Mapping[str, Any] | None = None) -> str:
        """``payload`` (the claims' JSON, any bytes) signed; the header names the algorithm."""
        head = _b64(_json({**(header or {}), "alg": self.algorithm, "typ": "JWT"}))
        signing_input = f"{head}.{_b64(payload)}".encode("ascii")
        if isinstance(self.key, str):
            signature = hmac.new(self.key.encode(), signing_input, hashlib.sha256).digest()
        else:
            signature = get_default_algorithms()[self.algorithm].sign(signing_input, self.key)
        return f"{signing_input.decode('ascii')}.{_b64(signature)}"

    def public_key_secrets(self) -> dict[str, bytes]:
        """The public key's encodings an attacker would try as an HMAC secret (AUTH-13):
        ``pem`` (SubjectPublicKeyInfo), ``trimmed`` (without the final newline), ``der``,
        and ``pkcs1`` for RSA keys. Empty for an HS256 secret."""
        if isinstance(self.key, str):
            return {}
        from cryptography.hazmat.primitives import serialization
        from cryptography.hazmat.primitives.asymmetric import rsa

        pem = public_pem(self.key)
        public = self.key.public_key()
        found = {
            "pem": pem,
            "trimmed": pem.rstrip(b"\n"),
            "der": public.public_bytes(
                serialization.Encoding.DER, serialization.PublicFormat.SubjectPublicKeyInfo
            ),
        }
        if isinstance(public, rsa.RSAPublicKey):
            found["pkcs1"] = public.public_bytes(
                serialization.Encoding.PEM, serialization.PublicFormat.PKCS1
            )
        return found


def hs256(secret: str) -> Signer:
    """The signer of the server's HS256 secret (AUTH-2)."""
    return Signer(ALGORITHM, secret)


@dataclass(frozen=True)
class TokenRecipe:
    """What to mint: owner ``sub``, lifetime ``ttl`` seconds from minting, and ``kind``."""

    sub: str
    ttl: float = 3600.0
    kind: str = "valid"
    extra: dict[str, Any] = field(default_factory=dict)

    def mint(self, secret: str, *, now: float | None = None) -> str:
        """The token for the HS256 ``secret`` (a recipe of kind ``valid`` with a negative ttl
        is expired); bad signatures are signed with another secret."""
        return self.sign(hs256(secret), wrong=hs256(secret + "-not-the-secret"), now=now)

    def claims(self, issued: float, base: Mapping[str, Any] | None = None) -> dict[str, Any] | None:
        """The claims of a token of this recipe minted at ``issued``: ``sub``, ``iat``, ``exp``,
        then ``base`` (``--jwt-claim``), then ``extra``, then the kind's defect; ``None`` for
        ``not-a-jwt``. ``ValueError`` for an AUTH-14 kind whose claim ``base`` lacks."""
        if self.kind not in KINDS:
            raise ValueError(f"unknown token kind {self.kind!r}")
        if self.kind == "not-a-jwt":
            return None
        claims: dict[str, Any] = {"sub": self.sub, "iat": int(issued), "exp": issued + self.ttl}
        claims.update(base or {})
        claims.update(self.extra)
        kind = self.kind
        if kind == "nbf-future":
            claims["nbf"] = issued + 60
        elif kind == "no-sub":
            del claims["sub"]
        elif kind == "number-sub":
            claims["sub"] = 42
        elif kind == "no-exp":
            del claims["exp"]
        elif kind == "string-exp":
            claims["exp"] = str(int(issued + self.ttl))
        elif kind in NUMERIC_DATE_KINDS:
            name, defect = kind.split("-")
            claims[name] = {"nan": math.nan, "infinity": math.inf, "overflow": OVERFLOW}[defect]
        elif kind in CLAIM_KINDS:
            name, change = kind.split("-")
            if name not in claims:
                raise ValueError(f"a {kind} token needs a {name} claim (--jwt-claim {name}=...)")
            if change == "missing":
                del claims[name]
            else:
                claims[name] = _other(claims[name])
        return claims

    def sign(
        self,
        signer: Signer,
        *,
        wrong: Signer,
        claims: Mapping[str, Any] | None = None,
        now: float | None = None,
    ) -> str:
        """The token of this recipe signed by ``signer`` (``wrong`` signs bad signatures),
        with ``claims`` added to every kind (``--jwt-claim``). ``ValueError`` when
        ``signer`` cannot make the kind (AUTH-13 kinds need a private key)."""
        issued = time.time() if now is None else now
        payload = self.claims(issued, claims)
        if payload is None:
            return "not-a-jwt"
        body = _json(payload)
        if self.kind == "bad-signature":
            return wrong.sign(body)
        if self.kind == "alg-none":
            return _unsigned(payload)
        if self.kind in PUBLIC_KEY_KINDS:
            return _public_key_hmac(self.kind, signer, body)
        return signer.sign(body)

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


def _other(value: Any) -> Any:
    """A claim value unlike ``value`` (a list: every member changed)."""
    if isinstance(value, list):
        return [f"not-{item}" for item in value] or ["not-this-server"]
    return f"not-{value}"


def _public_key_hmac(kind: str, signer: Signer, body: bytes) -> str:
    """AUTH-13: the algorithm-confusion token of ``kind``: HMAC keyed with the public key."""
    secrets = signer.public_key_secrets()
    algorithm = "HS256" if kind.startswith("public-key-hs256") else kind[-5:].upper()
    encoding = kind.removeprefix("public-key-hs256").lstrip("-") or "pem"
    if kind in ("public-key-hs384", "public-key-hs512"):
        encoding = "pem"
    if encoding not in secrets:
        raise ValueError(f"a {kind} token needs a private key with a {encoding} public form")
    head = _b64(_json({"alg": algorithm, "typ": "JWT"}))
    signing_input = f"{head}.{_b64(body)}".encode("ascii")
    signature = hmac.new(secrets[encoding], signing_input, _HMAC[algorithm]).digest()
    return f"{signing_input.decode('ascii')}.{_b64(signature)}"


def _json(data: Mapping[str, Any]) -> bytes:
    """Compact JSON; ``NaN`` and ``Infinity`` written as Python writes them (AUTH-12)."""
    return json.dumps(data, separators=(",", ":")).encode()


def _b64(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode("ascii")


def _unsigned(claims: Mapping[str, Any]) -> str:
    header = _b64(_json({"alg": "none", "typ": "JWT"}))
    return f"{header}.{_b64(_json(claims))}."
