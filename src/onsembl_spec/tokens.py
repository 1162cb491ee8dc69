"""HS256 JWTs: minting (``onsembl token``, the conformance suite) and verifying (servers).

Requirements AUTH-2, AUTH-4..AUTH-8 and REFRESH-3 decide what is accepted.
"""

from __future__ import annotations

import time
import warnings
from dataclasses import dataclass
from typing import Any

import jwt
from jwt.types import Options
from jwt.warnings import InsecureKeyLengthWarning

from onsembl_spec.errors import OnsemblError

ALGORITHM = "HS256"

# Short secrets are the operator's choice (tests use them); the server says so
# once at start-up instead of PyJWT warning on every token.
warnings.filterwarnings("ignore", category=InsecureKeyLengthWarning)


class TokenError(OnsemblError):
    """A token was refused; ``str(err)`` says why, without the token."""


@dataclass(frozen=True)
class Claims:
    """The claims of an accepted token that the protocol uses."""

    sub: str
    exp: float


def mint(
    secret: str,
    sub: str,
    *,
    ttl: float = 3600.0,
    now: float | None = None,
    extra: dict[str, Any] | None = None,
    algorithm: str = ALGORITHM,
) -> str:
    """An HS256 JWT for ``sub`` expiring ``ttl`` seconds from ``now``.

    ``exp`` is a number of seconds; a fractional ``ttl`` gives a fractional
    ``exp``, which RFC 7519 allows (NumericDate) and which lets tests use
    sub-second lifetimes.
    """
    issued = time.time() if now is None else now
    claims: dict[str, Any] = {"sub": sub, "iat": int(issued), "exp": issued + ttl}
    if extra:
        claims.update(extra)
    return jwt.encode(claims, secret, algorithm=algorithm)


def verify(token: str, secret: str, *, now: float | None = None) -> Claims:
    """Check an HS256 token (AUTH-2, AUTH-4..AUTH-8); raise :class:`TokenError` when refused."""
    try:
        header = jwt.get_unverified_header(token)
    except jwt.InvalidTokenError:
        raise TokenError("malformed token") from None
    if str(header.get("alg", "")).lower() == "none":
        raise TokenError("unsigned token")
    # exp and nbf are checked below against the caller's clock; iat is
    # informative (AUTH-2 does not let a client whose clock runs ahead be refused).
    options: Options = {
        "require": ["sub", "exp"],
        "verify_exp": False,
        "verify_nbf": False,
        "verify_iat": False,
    }
    try:
        claims = jwt.decode(token, secret, algorithms=[ALGORITHM], options=options)
    except jwt.InvalidSignatureError:
        raise TokenError("bad signature") from None
    except jwt.InvalidTokenError as err:
        raise TokenError(f"invalid token: {type(err).__name__}") from None
    sub, exp = claims.get("sub"), claims.get("exp")
    if not isinstance(sub, str) or not sub:
        raise TokenError("token has no string sub")
    if isinstance(exp, bool) or not isinstance(exp, (int, float)):
        raise TokenError("token has no numeric exp")
    current = time.time() if now is None else now
    if exp <= current:
        raise TokenError("token expired")
    nbf = claims.get("nbf")
    if isinstance(nbf, (int, float)) and not isinstance(nbf, bool) and nbf > current:
        raise TokenError("token not yet valid (nbf)")
    return Claims(sub=sub, exp=float(exp))
