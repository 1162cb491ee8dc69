"""Broken servers for the token requirements of issue 10 and issue 11 item 6: AUTH-12
(NumericDates), AUTH-13 (algorithm confusion) and AUTH-14 (audience and issuer).

Each fault wraps ``onsembl_spec.tokens.verify`` where the server calls it (the
handshake in ``core.auth``, refreshes in ``core.handlers.refresh``). AUTH-13 and AUTH-14 are
seen only by a run that signs with a key or names an audience: their entries say so
(``Entry.jwt_alg``, ``Entry.claims``), and the catalogue driver makes the key at run time
(:func:`write_private_key`) and starts the broken server trusting its public half.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

from fault_registry import Entry, entry, fault

import onsembl_server.core.auth as auth
import onsembl_server.core.handlers.refresh as refresh
from onsembl_spec.tokens import Claims, TokenError, Verifier, as_verifier, public_pem

Verify = Callable[..., Claims]


def _b64decode(part: str) -> bytes:
    return base64.urlsafe_b64decode(part + "=" * (-len(part) % 4))


def _unverified(token: str) -> Claims:
    """The token's claims as they are, whatever they hold (``float(nan)`` is a float)."""
    data = json.loads(_b64decode(token.split(".")[1]))
    return Claims(sub=str(data["sub"]), exp=float(data["exp"]))


def _wrap(accept: Callable[[str, Verifier, TokenError], bool]) -> None:
    """Make both callers of ``verify`` accept a refused token when ``accept`` says so."""
    original: Verify = auth.verify

    def verify(token: str, key: str | Verifier, *, now: float | None = None) -> Claims:
        try:
            return original(token, key, now=now)
        except TokenError as err:
            if accept(token, as_verifier(key), err):
                return _unverified(token)
            raise

    auth.verify = verify  # type: ignore[assignment]
    refresh.verify = verify  # type: ignore[assignment]


@fault("auth-accepts-nonfinite-dates")
def _() -> None:
    """What the reference server did before AUTH-12: ``exp`` or ``nbf`` NaN or Infinity
    accepted (NaN never expires), 10**400 an unexpected error (1011, nothing logged)."""
    _wrap(lambda token, verifier, err: "NumericDate" in str(err))


@fault("auth-key-confusion")
def _() -> None:
    """Algorithm confusion (AUTH-13): an HS256 token is checked with the server's public key
    PEM as the HMAC secret, as libraries that let the token choose the algorithm do."""

    def accept(token: str, verifier: Verifier, err: TokenError) -> bool:
        head, body, signature = token.split(".")
        header = json.loads(_b64decode(head))
        if header.get("alg") != "HS256" or isinstance(verifier.key, str):
            return False
        secret = public_pem(verifier.key)
        expected = hmac.new(secret, f"{head}.{body}".encode(), hashlib.sha256).digest()
        return hmac.compare_digest(expected, _b64decode(signature))

    _wrap(accept)


@fault("auth-ignores-audience")
def _() -> None:
    """A server configured with an audience and an issuer that does not check them
    (AUTH-14): tokens for another audience, from another issuer, or without them pass."""
    _wrap(lambda token, verifier, err: "audience" in str(err) or "issuer" in str(err))


def write_private_key(algorithm: str, path: Path) -> Path:
    """A fresh PEM private key for ``algorithm`` (RS*/PS*: RSA 2048; ES256/ES384: EC;
    EdDSA: Ed25519) at ``path``."""
    from cryptography.hazmat.primitives import serialization
    from cryptography.hazmat.primitives.asymmetric import ec, ed25519, rsa

    key: Any
    if algorithm.startswith(("RS", "PS")):
        key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    elif algorithm == "ES256":
        key = ec.generate_private_key(ec.SECP256R1())
    elif algorithm == "ES384":
        key = ec.generate_private_key(ec.SECP384R1())
    else:
        key = ed25519.Ed25519PrivateKey.generate()
    path.write_bytes(
        key.private_bytes(
            serialization.Encoding.PEM,
            serialization.PrivateFormat.PKCS8,
            serialization.NoEncryption(),
        )
    )
    return path


AUDIENCE = ("aud=onsembl-api", "iss=https://idp.example")

CATALOGUE: tuple[Entry, ...] = (
    entry("auth-accepts-nonfinite-dates", "numeric_dates", "AUTH-12"),
    entry("auth-accepts-nonfinite-dates", "numeric_dates", "AUTH-12", jwt_alg="ES256"),
    entry("auth-key-confusion", "public_key_as_hmac_secret", "AUTH-13", jwt_alg="RS256"),
    entry("auth-key-confusion", "public_key_as_hmac_secret", "AUTH-13", jwt_alg="EdDSA"),
    entry("auth-ignores-audience", "audience_and_issuer", "AUTH-14", claims=AUDIENCE),
    entry("auth-ignores-audience", "AUTH-14", "AUTH-14", jwt_alg="PS256", claims=AUDIENCE),
)
