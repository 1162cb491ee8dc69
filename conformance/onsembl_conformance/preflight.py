"""The preflight: set-up mistakes diagnosed before any check runs (issue 10, part 1).

A user pointing the suite at a server can get the URL, the path, the secret
or the server itself wrong. None of those is the server breaking a
requirement, so none may become a list of FAILs: the preflight tries, in
order, what every check relies on, and the first step that does not work ends
the run with :class:`SuiteError` (exit 2): one line naming the likely cause
and the flag that fixes it, no transcript written.

1. the URL parses: scheme ``ws``/``wss``, a host, a port in 1..65535, no user
   information, no fragment (:func:`parse_url`);
2. something listens at the host and port (:func:`_open`);
3. the WebSocket handshake with a token the kit believes valid is accepted
   (an HTTP status instead: 404 "is the path right?", 401/403 "is the secret
   right?"; a certificate not trusted: "pass --ca-file FILE ... or --insecure"; a ``ws://``
   URL of a TLS server or a ``wss://`` URL of a plain one, told apart by a TLS probe:
   "use a wss:// URL" / "use a ws:// URL"). The handshakes carry the run's
   :class:`~onsembl_conformance.connection.ConnectionSettings` (``--header``,
   ``--origin``, TLS trust) like every other connection;
4. the server answers ``dashboard:connect`` with ``agent:list`` (PRES-1): a
   close 1008 there means it refused the kit's token (wrong secret, algorithm,
   audience or issuer); no answer or another message means it does not speak
   this protocol version. A global ``RATE_LIMIT`` (the server's quota spent by
   earlier runs) is waited out once (``retryAfter``, at most
   :data:`MAX_QUOTA_WAIT` seconds).
"""

from __future__ import annotations

import asyncio
import json
import socket
import ssl
from contextlib import suppress
from typing import Any
from urllib.parse import SplitResult, urlsplit

from websockets.asyncio.client import ClientConnection
from websockets.asyncio.client import connect as ws_connect
from websockets.exceptions import ConnectionClosed, InvalidHandshake, InvalidStatus

from onsembl_conformance.connection import ConnectionSettings
from onsembl_conformance.credentials import SecretIssuer, TokenIssuer
from onsembl_conformance.errors import SuiteError, TokenCommandError, TokenUnavailable
from onsembl_conformance.recipes import TokenRecipe
from onsembl_conformance.sanitize import clean
from onsembl_spec.wire import now_timestamp

MAX_QUOTA_WAIT = 65.0
"""Longest the preflight waits for a server's global rate-limit window to free a slot."""

SECRET_HINT = "is --jwt-secret the server's HS256 secret?"
"""What a refused token points to with an HS256 secret; another issuer's hint replaces it
(``TokenIssuer.refusal_hint``)."""

PREFLIGHT_SUB = "onsembl-check-preflight"
"""The owner of the preflight's token."""


def parse_url(url: str) -> SplitResult:
    """``url`` split, or :class:`SuiteError` with the reason it cannot be a server's URL."""
    shown = clean(url)
    if not url.startswith(("ws://", "wss://")):
        raise SuiteError(f"malformed URL {shown!r}: it must start with ws:// or wss://")
    try:
        parts = urlsplit(url)
        port = parts.port
    except ValueError as err:
        reason = str(err)
        if "Port" in reason or "port" in reason:
            reason = "the port must be a number from 1 to 65535"
        elif "IPv6" in reason:
            reason = "an IPv6 address must be closed with ']' (ws://[::1]:3001/ws)"
        raise SuiteError(f"malformed URL {shown!r}: {reason}") from None
    if not parts.hostname:
        raise SuiteError(f"malformed URL {shown!r}: no host (ws://HOST:PORT/PATH)")
    if port == 0:
        raise SuiteError(f"malformed URL {shown!r}: the port must be a number from 1 to 65535")
    if parts.username is not None or parts.password is not None:
        raise SuiteError(
            f"malformed URL {clean(_without_userinfo(parts))!r}: it holds user information "
            "(user:password@); give credentials as a token (--jwt-secret), not in the URL"
        )
    if parts.fragment:
        raise SuiteError(f"malformed URL {shown!r}: a WebSocket URL has no #fragment")
    return parts


def _without_userinfo(parts: SplitResult) -> str:
    host = parts.netloc.rsplit("@", 1)[-1]
    return f"{parts.scheme}://***@{host}{parts.path}"


def _address(parts: SplitResult) -> tuple[str, int]:
    assert parts.hostname is not None
    return parts.hostname, parts.port or (443 if parts.scheme == "wss" else 80)


async def _reachable(parts: SplitResult, timeout: float) -> None:
    """Something accepts TCP connections at the URL's host and port."""
    host, port = _address(parts)
    where = f"{host}:{port}"
    try:
        _, writer = await asyncio.wait_for(asyncio.open_connection(host, port), timeout)
    except socket.gaierror:
        raise SuiteError(f"cannot resolve host {clean(host)!r}: is the URL right?") from None
    except ConnectionRefusedError:
        raise SuiteError(
            f"nothing is listening on {clean(where)}: is the server running, and the port right?"
        ) from None
    except TimeoutError:
        raise SuiteError(
            f"no answer from {clean(where)} within {timeout:g}s: is the host right, "
            "or a firewall in the way?"
        ) from None
    except OSError as err:
        raise SuiteError(f"cannot reach {clean(where)}: {clean(err.strerror or err)}") from None
    writer.close()
    with suppress(Exception):
        await writer.wait_closed()


async def _speaks_tls(host: str, port: int, timeout: float) -> bool:
    """Whether a TLS handshake (no certificate verification) completes at ``host:port``:
    tells a ``ws://`` URL of a TLS server, and a ``wss://`` URL of a plain one, from other
    handshake failures (issue 10)."""
    context = ssl.SSLContext(ssl.PROTOCOL_TLS_CLIENT)
    context.check_hostname = False
    context.verify_mode = ssl.CERT_NONE
    try:
        _, writer = await asyncio.wait_for(
            asyncio.open_connection(host, port, ssl=context, server_hostname=host), timeout
        )
    except (OSError, TimeoutError, EOFError):
        return False
    writer.close()
    with suppress(Exception):
        await asyncio.wait_for(writer.wait_closed(), 1.0)
    return True


def _scheme_mistake(url: str, speaks_tls: bool) -> SuiteError | None:
    """The one-line diagnosis of a ``ws://`` URL to a TLS server or a ``wss://`` URL to a
    plain one, or ``None``."""
    parts = urlsplit(url)
    where = clean(f"{parts.hostname}:{parts.port or (443 if parts.scheme == 'wss' else 80)}")
    if parts.scheme == "ws" and speaks_tls:
        return SuiteError(
            f"the server at {where} speaks TLS: use a wss:// URL (with --ca-file FILE if "
            "its certificate is not from a public CA)"
        )
    if parts.scheme == "wss" and not speaks_tls:
        return SuiteError(
            f"the server at {where} does not speak TLS: use a ws:// URL, or serve TLS there"
        )
    return None


def _untrusted(err: ssl.SSLCertVerificationError, connection: ConnectionSettings) -> SuiteError:
    """The one-line diagnosis of a certificate the kit does not trust, naming the flag."""
    reason = clean(err.verify_message or err.reason or err)
    if "mismatch" in reason:
        return SuiteError(
            f"the server's TLS certificate does not match the URL's host ({reason}): use the "
            "host name the certificate names, or --insecure to skip verification"
        )
    trusted = (
        f"neither --ca-file {clean(connection.ca_file)} nor the system's trust store"
        if connection.ca_file is not None
        else "the system's trust store"
    )
    return SuiteError(
        f"the server's TLS certificate is not trusted by {trusted} ({reason}): pass "
        "--ca-file FILE with the CA that signed it, or --insecure to skip verification"
    )


async def _handshake(
    url: str,
    token: str,
    timeout: float,
    ssl_context: ssl.SSLContext | None,
    connection: ConnectionSettings | None = None,
) -> ClientConnection:
    path = urlsplit(url).path or "/"
    connection = connection or ConnectionSettings()
    kwargs: dict[str, Any] = connection.connect_options(
        url, headers=[("Authorization", f"Bearer {token}")]
    )
    kwargs["user_agent_header"] = f"{kwargs['user_agent_header']} (preflight)"
    if ssl_context is not None:
        kwargs["ssl"] = ssl_context
    try:
        return await ws_connect(
            url,
            open_timeout=timeout,
            close_timeout=timeout,
            ping_interval=None,
            compression=None,
            max_size=1 << 20,
            **kwargs,
        )
    except InvalidStatus as err:
        status = err.response.status_code
        if status == 404:
            raise SuiteError(
                f"HTTP 404 at {clean(path)!r}: is the path right? the default is /ws"
            ) from None
        if status in (401, 403):
            gateway = (
                "" if connection.headers else " (or does a gateway in front want --header?)"
            )
            raise SuiteError(
                f"the server refused the kit's token at the handshake (HTTP {status}): "
                f"{SECRET_HINT}{gateway}"
            ) from None
        raise SuiteError(
            f"HTTP {status} instead of a WebSocket handshake at {clean(path)!r}: "
            "is the URL that of the WebSocket endpoint?"
        ) from None
    except ssl.SSLCertVerificationError as err:
        raise _untrusted(err, connection) from None
    except (TimeoutError, InvalidHandshake, OSError, EOFError) as err:
        failure = err
    # The handshake failed otherwise: a ws:// URL of a TLS server or a wss:// URL of a
    # plain one is the likely mistake; a TLS probe tells (issue 10).
    host, port = _address(urlsplit(url))
    mistake = _scheme_mistake(url, await _speaks_tls(host, port, timeout))
    if mistake is not None:
        raise mistake from None
    if isinstance(failure, ssl.SSLError):
        raise SuiteError(f"TLS handshake failed: {clean(failure.reason or failure)}") from None
    if isinstance(failure, TimeoutError):
        raise SuiteError(f"the WebSocket handshake did not complete within {timeout:g}s")
    raise SuiteError(
        f"the WebSocket handshake failed ({clean(type(failure).__name__)}: "
        f"{clean(str(failure)[:160])})"
    ) from None


def _global_retry_after(reply: dict[str, Any], global_per_minute: int | None) -> int | None:
    """``retryAfter`` when ``reply`` refuses for the global scope (RATE-9), else ``None``."""
    if reply.get("type") != "connection:error" or reply.get("code") != "RATE_LIMIT":
        return None
    limits = reply.get("limits")
    if not isinstance(limits, dict) or "perSecond" in limits:
        return None
    minute = limits.get("perMinute")
    if (
        global_per_minute is not None
        and isinstance(minute, dict)
        and minute.get("limit") != global_per_minute
    ):
        return None
    retry = reply.get("retryAfter")
    return retry if isinstance(retry, int) and retry > 0 else None


def _closed(err: ConnectionClosed) -> SuiteError:
    """The set-up mistake a close right after the handshake points to."""
    rcvd = err.rcvd
    if rcvd is not None and rcvd.code == 1008:
        return SuiteError(
            "the server closed with 1008 (policy violation) right after the "
            f"handshake: it refused the kit's token; {SECRET_HINT} "
            "(right algorithm, audience, issuer?)"
        )
    how = f"code {rcvd.code} {clean(rcvd.reason)!r}" if rcvd else "without a close frame"
    return SuiteError(
        f"the server closed the connection ({how}) instead of answering "
        "dashboard:connect: is it an Onsembl 1.4 server?"
    )


async def _identify(ws: ClientConnection, timeout: float) -> dict[str, Any]:
    """Send ``dashboard:connect``; the first reply that is not a ping, or a SuiteError."""
    hello = {
        "type": "dashboard:connect",
        "dashboardId": "onsembl-preflight",
        "timestamp": now_timestamp(),
    }
    try:
        await ws.send(json.dumps(hello))
    except ConnectionClosed as err:
        raise _closed(err) from None
    loop = asyncio.get_running_loop()
    deadline = loop.time() + timeout
    while True:
        remaining = deadline - loop.time()
        try:
            frame = await asyncio.wait_for(ws.recv(), max(remaining, 0.001))
        except TimeoutError:
            raise SuiteError(
                f"the server does not answer dashboard:connect with agent:list within "
                f"{timeout:g}s: is it an Onsembl 1.4 server (not another protocol or version)?"
            ) from None
        except ConnectionClosed as err:
            raise _closed(err) from None
        try:
            reply = json.loads(frame)
        except (TypeError, ValueError):
            reply = None
        if not isinstance(reply, dict) or not isinstance(reply.get("type"), str):
            shown = clean(frame if isinstance(frame, str) else f"<{len(frame)} binary bytes>")
            raise SuiteError(
                f"the server answered dashboard:connect with {shown[:120]!r}, not an "
                "Onsembl message: is it an Onsembl 1.4 server?"
            )
        if reply["type"] in ("heartbeat:ping", "auth:refresh-needed"):
            continue
        return reply


async def preflight(
    url: str,
    secret: str | TokenIssuer,
    *,
    timeout: float,
    global_per_minute: int | None = None,
    ssl_context: ssl.SSLContext | None = None,
    connection: ConnectionSettings | None = None,
) -> None:
    """Every step of the module docstring; :class:`SuiteError` at the first that fails.

    ``connection`` (TLS trust, ``--header``, ``--origin``) applies to the preflight's
    handshakes as to every other connection of the run; ``ssl_context`` overrides its TLS
    context.

    ``secret`` is the run's token issuer (issue 10), or an HS256 secret. A token it cannot
    make, or a ``--token-command`` that fails, ends the run here (exit 2); a refused token
    names what to check for that issuer (``TokenIssuer.refusal_hint``)."""
    issuer = secret if isinstance(secret, TokenIssuer) else SecretIssuer(secret)
    parts = parse_url(url)
    await _reachable(parts, timeout)
    waited = 0.0
    while True:
        try:
            token = (await issuer.issue(TokenRecipe(PREFLIGHT_SUB, ttl=300))).text
        except (TokenCommandError, TokenUnavailable) as err:
            raise SuiteError(f"no token to start with: {err}") from None
        try:
            ws = await _handshake(url, token, timeout, ssl_context, connection)
            try:
                reply = await _identify(ws, timeout)
            finally:
                with suppress(Exception):
                    await asyncio.wait_for(ws.close(), timeout)
        except SuiteError as err:
            raise SuiteError(str(err).replace(SECRET_HINT, issuer.refusal_hint())) from None
        if reply["type"] == "agent:list":
            return
        retry = _global_retry_after(reply, global_per_minute)
        if retry is not None and waited + retry <= MAX_QUOTA_WAIT:
            await asyncio.sleep(retry)
            waited += retry
            continue
        if retry is not None:
            raise SuiteError(
                f"the server's global rate limit is spent (retryAfter {retry}s): "
                "other traffic is using its quota; try again later"
            )
        shown = clean(json.dumps(reply)[:160])
        raise SuiteError(
            f"the server answered dashboard:connect with {shown} instead of agent:list: "
            "is it an Onsembl 1.4 server (or does it want another path or token)?"
        )
