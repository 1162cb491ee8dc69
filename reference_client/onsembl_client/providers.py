"""Token providers: where a client gets the token for each handshake and refresh (CLIENT-1,
CLIENT-6, CLIENT-10).

A provider is any callable returning the current token, synchronously or as an
awaitable. The client calls it before every connection attempt and on every
``auth:refresh-needed``; it never caches a token itself, so a provider that
returns a new one after a refusal lets the client reconnect (CLIENT-10).
A synchronous provider runs on the event loop and must return quickly.
"""

from __future__ import annotations

import os
from collections.abc import Awaitable, Callable, Mapping
from pathlib import Path

from onsembl_client.errors import ClientError

TokenProvider = Callable[[], str | Awaitable[str]]
"""What ``connect(url, token_provider, ...)`` takes."""


def static_token(token: str) -> TokenProvider:
    """Always the same token (it cannot be refreshed or replaced)."""
    if not token.strip():
        raise ClientError("the token is empty")
    value = token.strip()
    return lambda: value


def token_file_provider(path: str | Path, *, fallback: str | None = None) -> TokenProvider:
    """The token held on the first line of ``path``, read at every call (docs/check-client.md:
    ``ONSEMBL_TOKEN_FILE`` is replaced, atomically, before the kit asks for a refresh or
    after it refused a token). ``fallback`` (``ONSEMBL_TOKEN``) stands in while the file
    is missing or empty."""
    where = Path(path)

    def read() -> str:
        try:
            text = where.read_text(encoding="utf-8")
        except (OSError, UnicodeDecodeError) as err:
            if fallback:
                return fallback
            why = err.strerror if isinstance(err, OSError) and err.strerror else str(err)
            raise ClientError(f"cannot read the token file {where}: {why}") from None
        lines = text.strip().splitlines()
        token = lines[0].strip() if lines else ""
        if not token:
            if fallback:
                return fallback
            raise ClientError(f"the token file {where} is empty")
        return token

    return read


def secret_token_provider(secret: str, sub: str, *, ttl: float = 3600.0) -> TokenProvider:
    """A fresh HS256 token for ``sub`` at every call (``onsembl token``'s tokens): for trying
    the bundled server by hand (``--jwt-secret``); a refresh gets a later ``exp``."""
    from onsembl_spec.tokens import mint

    if not secret:
        raise ClientError("the JWT secret is empty")
    if not sub:
        raise ClientError("the token's subject (--sub) is empty")
    if not ttl > 0:
        raise ClientError(f"the token lifetime must be positive, not {ttl}")
    return lambda: mint(secret, sub, ttl=ttl)


def environment_provider(environ: Mapping[str, str] | None = None) -> TokenProvider | None:
    """docs/check-client.md: ``ONSEMBL_TOKEN_FILE`` (with ``ONSEMBL_TOKEN`` as its fallback),
    else ``ONSEMBL_TOKEN``; ``None`` when neither is set."""
    env = os.environ if environ is None else environ
    token = env.get("ONSEMBL_TOKEN", "").strip() or None
    token_file = env.get("ONSEMBL_TOKEN_FILE", "").strip()
    if token_file:
        return token_file_provider(token_file, fallback=token)
    if token:
        return static_token(token)
    return None


__all__ = [
    "TokenProvider",
    "environment_provider",
    "secret_token_provider",
    "static_token",
    "token_file_provider",
]
