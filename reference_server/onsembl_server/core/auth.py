"""Where a connection's token comes from and whether it is accepted (R3; AUTH-1..AUTH-10)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from http.cookies import CookieError, SimpleCookie
from urllib.parse import parse_qs, urlsplit

from onsembl_spec.tokens import Claims, TokenError, Verifier, verify


@dataclass(frozen=True)
class Handshake:
    """What the core needs of an HTTP upgrade request."""

    path: str
    authorization: Sequence[str] = ()
    cookies: Sequence[str] = ()
    origin: str | None = None


def bearer_token(authorization: Sequence[str]) -> str | None:
    """The token of the first ``Authorization: Bearer <token>`` header (AUTH-1)."""
    for value in authorization:
        scheme, _, token = value.strip().partition(" ")
        if scheme.lower() == "bearer" and token.strip():
            return token.strip()
    return None


def query_token(path: str) -> str | None:
    """The ``token`` query parameter (AUTH-1)."""
    values = parse_qs(urlsplit(path).query, keep_blank_values=False).get("token")
    return values[0] if values else None


def cookie_token(cookies: Sequence[str]) -> str | None:
    """The ``token`` cookie (AUTH-1)."""
    for header in cookies:
        jar: SimpleCookie = SimpleCookie()
        try:
            jar.load(header)
        except CookieError:
            continue
        if "token" in jar and jar["token"].value:
            return jar["token"].value
    return None


def cookie_allowed(origin: str | None, allowed_origins: Sequence[str]) -> bool:
    """AUTH-9, AUTH-10: the cookie counts without ``Origin`` or from an allowed origin."""
    return origin is None or origin in allowed_origins


def select_token(handshake: Handshake, allowed_origins: Sequence[str]) -> str | None:
    """AUTH-1: header, then query parameter, then cookie (AUTH-9: only from allowed origins)."""
    token = bearer_token(handshake.authorization)
    if token is None:
        token = query_token(handshake.path)
    if token is None and cookie_allowed(handshake.origin, allowed_origins):
        token = cookie_token(handshake.cookies)
    return token


@dataclass(frozen=True)
class AuthResult:
    """The outcome of authentication: ``claims`` when accepted, else ``reason``."""

    claims: Claims | None
    reason: str


def authenticate(
    handshake: Handshake,
    secret: str | Verifier,
    allowed_origins: Sequence[str],
    wall_now: float,
) -> AuthResult:
    """AUTH-2..AUTH-8, AUTH-12..AUTH-14: the owner's claims, or why the connection must be
    closed with 1008. ``secret`` is the server's :class:`Verifier` or its HS256 secret."""
    token = select_token(handshake, allowed_origins)
    if token is None:
        return AuthResult(None, "no token")
    try:
        return AuthResult(verify(token, secret, now=wall_now), "ok")
    except TokenError as err:
        return AuthResult(None, str(err))
