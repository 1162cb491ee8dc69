"""Broken servers for the checks of transport (TRANS-*, MSG-11/12/14) and close codes (CLOSE-*).

Each fault patches one named piece of the reference server (see
``fault_registry``); ``CATALOGUE`` lists the checks each must make fail. Most
of these rules live in the websockets layer (``onsembl_server.app``, the
``websockets`` server options and its frame parser) rather than in the core;
every patch is made before ``onsembl serve`` starts the server.
"""

from __future__ import annotations

from typing import Any

from fault_registry import Entry, entry, fault

import onsembl_server.core.outbound as outbound
import onsembl_server.core.server as server
from onsembl_server.core.close_codes import CLOSE_CODES, CloseReason

# --------------------------------------------------------------------- transport and close codes


def _max_size(make: Any) -> None:
    """Pass ``make(limit)`` as the websockets ``max_size``, ``limit`` being the reference's."""
    import onsembl_server.app as app

    original = app.serve

    def serve(*args: Any, **kwargs: Any) -> Any:
        return original(*args, **{**kwargs, "max_size": make(kwargs["max_size"])})

    app.serve = serve  # type: ignore[assignment]


@fault("transport-path-prefix")
def _() -> None:
    """The endpoint is matched by prefix, so ``/ws/anything`` opens a WebSocket too (TRANS-2)."""
    from http import HTTPStatus
    from urllib.parse import urlsplit

    import onsembl_server.app as app

    def process_request(self: Any, connection: Any, request: Any) -> Any:
        if not urlsplit(request.path).path.startswith(self.config.path):
            return connection.respond(HTTPStatus.NOT_FOUND, "Not Found\n")
        return None

    app.ReferenceServer._process_request = process_request  # type: ignore[method-assign]


@fault("transport-binary-as-text")
def _() -> None:
    """Every frame is read as text (``recv(decode=True)``): a binary frame holding JSON is
    handled like a text frame instead of closing 1003 (TRANS-4)."""
    from websockets.asyncio.server import ServerConnection

    original = ServerConnection.recv

    async def recv(self: Any, decode: bool | None = None) -> Any:
        return await original(self, True if decode is None else decode)

    ServerConnection.recv = recv  # type: ignore[assignment, method-assign]


@fault("transport-lenient-utf8")
def _() -> None:
    """Text that is not UTF-8 is decoded with U+FFFD replacements instead of closing 1007
    (TRANS-5)."""
    from websockets.asyncio.messages import Assembler

    original = Assembler.get

    async def get(self: Any, decode: bool | None = None) -> Any:
        try:
            return await original(self, decode)
        except UnicodeDecodeError as err:
            return bytes(err.object).decode("utf-8", "replace")

    Assembler.get = get  # type: ignore[assignment, method-assign]


@fault("transport-no-size-limit")
def _() -> None:
    """No limit on incoming messages (``max_size=None``): nothing is closed 1009 (TRANS-6)."""
    _max_size(lambda limit: None)


@fault("transport-limit-exclusive")
def _() -> None:
    """Off by one: a message of exactly ``max_message_bytes`` is refused with 1009 (TRANS-7)."""
    _max_size(lambda limit: limit - 1)


@fault("transport-limit-per-fragment")
def _() -> None:
    """The limit applies to each frame, not to the reassembled message (TRANS-8)."""
    _max_size(lambda limit: (None, limit))


def _accept_deflate() -> None:
    """Accept permessage-deflate whatever ``--permessage-deflate`` says (TRANS-9)."""
    import onsembl_server.app as app

    original = app.ReferenceServer.__init__

    def init(self: Any, config: Any) -> None:
        config.permessage_deflate = True
        original(self, config)

    app.ReferenceServer.__init__ = init  # type: ignore[method-assign]


@fault("transport-refuses-deflate-offer")
def _() -> None:
    """A handshake that offers permessage-deflate, as every browser's does, gets HTTP 400
    instead of a WebSocket without the extension (TRANS-1; TRANS-9 lets a server decline it,
    not refuse the client)."""
    from http import HTTPStatus

    import onsembl_server.app as app

    original = app.ReferenceServer._process_request

    def process_request(self: Any, connection: Any, request: Any) -> Any:
        if request.headers.get("Sec-WebSocket-Extensions"):
            return connection.respond(HTTPStatus.BAD_REQUEST, "extensions not supported\n")
        return original(self, connection, request)

    app.ReferenceServer._process_request = process_request  # type: ignore[method-assign]


@fault("transport-deflate-limit-on-wire")
def _() -> None:
    """permessage-deflate accepted, and the size limit applied to the deflated frame only: a
    message that inflates past ``max_message_bytes`` is handled (TRANS-8)."""
    from websockets.extensions.permessage_deflate import PerMessageDeflate

    _accept_deflate()
    original = PerMessageDeflate.decode

    def decode(self: Any, frame: Any, *, max_size: int | None = None) -> Any:
        return original(self, frame, max_size=None)

    PerMessageDeflate.decode = decode  # type: ignore[method-assign]


@fault("close-protocol-error-1011")
def _() -> None:
    """A frame the parser refuses is reported as a server error: 1011 instead of 1002, as a
    catch-all around frame parsing does (CLOSE-3)."""
    from websockets.protocol import Protocol

    original = Protocol.fail

    def fail(self: Any, code: int, reason: str = "") -> None:
        if code == 1002:
            code, reason = 1011, "internal error"
        original(self, code, reason)

    Protocol.fail = fail  # type: ignore[method-assign]


@fault("transport-ignores-reserved-bits")
def _() -> None:
    """Reserved bits are not looked at: a frame with RSV2 set is read as a plain frame
    instead of failing the connection with 1002 (CLOSE-3)."""
    import dataclasses

    from websockets.frames import Frame

    original = Frame.check

    def check(self: Frame) -> None:
        original(dataclasses.replace(self, rsv1=False, rsv2=False, rsv3=False))

    Frame.check = check  # type: ignore[method-assign]


@fault("close-shutdown-1000")
def _() -> None:
    """On shutdown every connection is closed with 1000 (a normal close), not 1001 (CLOSE-2)."""
    import asyncio

    import onsembl_server.app as app

    original = app.ReferenceServer.stop

    async def stop(self: Any) -> None:
        connections = list(self.outbox.connections.values())
        await asyncio.gather(*(c.close(1000, "server shutting down") for c in connections))
        await original(self)

    app.ReferenceServer.stop = stop  # type: ignore[method-assign]


@fault("close-auth-1010")
def _() -> None:
    """A refused token closes with 1010, a code only clients may send (CLOSE-4)."""
    CLOSE_CODES[CloseReason.AUTH_FAILURE] = (1010, CLOSE_CODES[CloseReason.AUTH_FAILURE][1])


# --------------------------------------------------------------------- messages


@fault("msg-monotonic-timestamps")
def _() -> None:
    """Timestamps made from the monotonic clock (seconds since boot) as if it were the wall
    clock: every server message is stamped in 1970 (MSG-12)."""
    import time
    from datetime import UTC, datetime

    def now_timestamp() -> str:
        stamp = datetime.fromtimestamp(time.monotonic(), UTC).isoformat(timespec="milliseconds")
        return stamp.replace("+00:00", "Z")

    outbound.now_timestamp = now_timestamp  # type: ignore[attr-defined]


@fault("msg-rejects-skewed-timestamps")
def _() -> None:
    """A replay guard: messages stamped more than 5 minutes from the server's clock are
    refused with a validation error (MSG-11)."""
    import time
    from datetime import datetime

    from onsembl_spec.validation import Issue

    original = server.check

    def check(message: Any) -> Any:
        issue = original(message)
        if issue is None and isinstance(message, dict) and "timestamp" in message:
            stamp = datetime.fromisoformat(str(message["timestamp"]).replace("Z", "+00:00"))
            if abs(stamp.timestamp() - time.time()) > 300:
                return Issue("timestamp", "timestamp too far from the server's clock")
        return issue

    server.check = check  # type: ignore[assignment]


@fault("msg-first-duplicate-wins")
def _() -> None:
    """A JSON decoder that keeps the first of repeated member names (MSG-14)."""
    import json

    def first_wins(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
        out: dict[str, Any] = {}
        for key, value in pairs:
            out.setdefault(key, value)
        return out

    decoder = json.JSONDecoder(object_pairs_hook=first_wins)

    def parse_json(text: str) -> Any:
        try:
            return decoder.decode(text)
        except json.JSONDecodeError as err:
            raise ValueError(f"not JSON: {err.msg}") from None

    server.parse_json = parse_json  # type: ignore[assignment]


CATALOGUE: tuple[Entry, ...] = (
    entry("transport-path-prefix", "other_path_is_404", "TRANS-2"),
    entry("transport-binary-as-text", "binary_frame_closes_1003", "TRANS-4"),
    entry("transport-lenient-utf8", "invalid_utf8_closes_1007", "TRANS-5"),
    entry("transport-no-size-limit", "oversize_closes_1009", "TRANS-6"),
    entry("transport-no-size-limit", "fragmented_oversize_closes_1009", "TRANS-8"),
    entry("transport-limit-exclusive", "exact_size_accepted", "TRANS-7"),
    entry("transport-limit-per-fragment", "fragmented_oversize_closes_1009", "TRANS-8"),
    entry("transport-refuses-deflate-offer", "deflate_offer_works", "TRANS-1"),
    entry("transport-deflate-limit-on-wire", "deflated_size_limit", "TRANS-8"),
    entry("msg-monotonic-timestamps", "server_timestamps_current", "MSG-12"),
    entry("msg-rejects-skewed-timestamps", "skewed_timestamps_accepted", "MSG-11"),
    entry("msg-first-duplicate-wins", "duplicate_members_last_wins", "MSG-14"),
    entry("close-protocol-error-1011", "protocol_error_closes_1002", "CLOSE-3"),
    entry("close-protocol-error-1011", "reserved_bits_close_1002", "CLOSE-3"),
    entry("transport-ignores-reserved-bits", "reserved_bits_close_1002", "CLOSE-3"),
    entry("close-shutdown-1000", "shutdown_closes_1001", "CLOSE-2"),
    entry("close-auth-1010", "close_codes_are_r15", "CLOSE-4"),
    entry("auth-closes-1011", "close_codes_are_r15", "CLOSE-6"),
)
