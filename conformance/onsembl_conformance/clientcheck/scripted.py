"""The scripted server of one client check: a ``websockets`` server on loopback.

Every connection the client under test opens becomes a :class:`Peer`. Whatever a check
scripts, every peer enforces the rules that hold on every connection, as violations
recorded on the check's context (the first one is the verdict, as for server checks):

- CLIENT-1: the handshake carries a token (``Authorization: Bearer``, the ``token`` query
  parameter or the ``token`` cookie, AUTH-1) that the kit issued, unexpired, and not older
  than one the client already presented; CLIENT-10: not a token the kit refused with 1008.
  A handshake without an acceptable token is completed and closed with 1008 (AUTH-3).
- CLIENT-4: every frame is text holding one JSON message, valid against its type's schema,
  of a type the role may send, at most ``max_message_bytes`` bytes; a ``batch`` or
  ``compressed`` one is unwrapped and its messages are judged the same way.
- CLIENT-2: the first message other than ``heartbeat:ping``/``heartbeat:pong``/
  ``auth:refresh-token`` identifies, within ``identify_timeout_s`` (+1 s of measurement
  slack) of the handshake; past it the peer closes 1008, as a server does (IDENT-3).
- CLIENT-3: an agent identifies with one ``agentId`` on every connection of the check.

And it behaves as a server would unless the check turns it off: ``heartbeat:ping`` is
answered with ``heartbeat:pong`` (HB-1), ``dashboard:connect`` with ``agent:list``
(PRES-1), ``auth:refresh-token`` with ``auth:refresh-success`` or ``auth:refresh-failed``
(REFRESH-3, REFRESH-4), a disconnect message by closing with 1000 (CLOSE-1), and the
connection is closed 1008 when its token expires (REFRESH-7). After any 1008 the kit
writes a new token into the token file (``docs/check-client.md``).

Times are the event loop's (``loop.time()``); the end of a connection is when the kit
started closing or dropping it, or when it saw the client's close (CLIENT-9 measures from
there, see :mod:`~onsembl_conformance.clientcheck.checks.reconnect`).
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import os
import secrets
import tempfile
import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any
from urllib.parse import parse_qs, urlsplit

from websockets.asyncio.server import Server, ServerConnection, serve
from websockets.datastructures import Headers
from websockets.exceptions import ConnectionClosed
from websockets.http11 import Request, Response

from onsembl_conformance.errors import CheckFailure
from onsembl_spec.errors import InflateLimitError, WireError
from onsembl_spec.protocol import CONNECT_TYPES, PRE_IDENTIFICATION_TYPES, allowed_types
from onsembl_spec.tokens import TokenError, mint, verify
from onsembl_spec.validation import check as check_message
from onsembl_spec.validation import parse_json
from onsembl_spec.wire import check_batch_count, decode_compressed, message_text, now_timestamp

if TYPE_CHECKING:
    from onsembl_conformance.clientcheck.context import ClientCheckContext

Message = dict[str, Any]

SLACK_S = 1.0
"""Measurement slack on the upper bound of a timing the client must meet (spec, "How to
read this document": a checker allows itself one more second)."""

PATH = "/ws"
"""The path of the URL the kit hands the client (``ONSEMBL_URL``)."""

FRAME_BOUND_FACTOR = 4
"""The kit reads frames up to this many times ``max_message_bytes`` (+64 KiB), so that an
over-long one is seen and reported (CLIENT-4) rather than refused by websockets."""

MAX_ARRIVALS = 20_000
"""Most messages one check keeps from its client (a flooding client is broken anyway)."""

DISCONNECT_TYPES = frozenset({"agent:disconnect", "dashboard:disconnect"})
"""Answered by closing with 1000, as a server does (CLOSE-1)."""

CLOSE_TIMEOUT_S = 3.0
"""How long a close the kit starts waits for the client's close frame."""


def server_message(message_type: str, **fields: Any) -> Message:
    """A message of ``message_type`` with ``fields`` and a fresh ``timestamp``."""
    return {"type": message_type, **fields, "timestamp": now_timestamp()}


def describe(message: Message | None) -> str:
    """A short form of a message for Expected/Actual lines."""
    if message is None:
        return "nothing"
    text = message_text(message)
    return text if len(text) <= 300 else text[:300] + "..."


# --------------------------------------------------------------------------- tokens


@dataclass
class Issued:
    token: str
    serial: int
    exp: float


class TokenBook:
    """The tokens of one check: issued by the kit (HS256, one owner), refused, presented.

    ``path`` is ``ONSEMBL_TOKEN_FILE``: :meth:`rotate` replaces it atomically.
    """

    def __init__(self, owner: str, directory: Path, secret: str | None = None) -> None:
        self.owner = owner
        self.secret = secret or secrets.token_urlsafe(32)
        self.path = directory / "token"
        self.issued: dict[str, Issued] = {}
        self.refused: set[str] = set()
        self.latest_presented = 0
        """Serial of the newest token the client presented (handshake or refresh)."""
        self.rotate_on_refusal = True
        """After a 1008 the kit writes a new token (``docs/check-client.md``); a check that
        wants the file unchanged turns this off."""
        self.on_issue: Callable[[str, float], None] | None = None
        """Called with each new token and its lifetime (the transcript stores a recipe)."""
        self._serial = 0

    def issue(self, ttl: float) -> str:
        self._serial += 1
        token = mint(self.secret, self.owner, ttl=ttl)
        exp = float(verify(token, self.secret).exp)
        self.issued[token] = Issued(token, self._serial, exp)
        if self.on_issue is not None:
            self.on_issue(token, ttl)
        return token

    @property
    def current(self) -> str:
        """The token in the file."""
        return self.path.read_text(encoding="utf-8").strip()

    def write(self, token: str) -> None:
        """Replace the token file atomically."""
        fd, temporary = tempfile.mkstemp(dir=self.path.parent, prefix=".token-")
        with os.fdopen(fd, "w", encoding="utf-8") as out:
            out.write(token + "\n")
        os.replace(temporary, self.path)

    def rotate(self, ttl: float = 3600.0) -> str:
        """Issue a new token and write it into the file."""
        token = self.issue(ttl)
        self.write(token)
        return token

    def serial(self, token: str) -> int:
        issued = self.issued.get(token)
        return issued.serial if issued is not None else 0

    def presented(self, token: str) -> None:
        self.latest_presented = max(self.latest_presented, self.serial(token))


def token_of(request: Request) -> tuple[str | None, str]:
    """The token of a handshake and where it was (AUTH-1's order)."""
    headers: Headers = request.headers
    authorization = headers.get("Authorization")
    if authorization:
        scheme, _, value = authorization.partition(" ")
        if scheme.lower() == "bearer" and value.strip():
            return value.strip(), "header"
    query = parse_qs(urlsplit(request.path).query).get("token")
    if query and query[0]:
        return query[0], "query"
    for header in headers.get_all("Cookie"):
        found = cookie(header, "token")
        if found:
            return found, "cookie"
    return None, "none"


def cookie(header: str, name: str) -> str | None:
    """The value of cookie ``name`` in a ``Cookie`` header, parsed by hand (pairs split on
    ``;``, each on its first ``=``): ``http.cookies`` drops every cookie after one it finds
    invalid, which would hide the token behind another site's cookie."""
    for pair in header.split(";"):
        key, sep, value = pair.partition("=")
        if sep and key.strip() == name:
            value = value.strip()
            if len(value) >= 2 and value[0] == value[-1] == '"':
                value = value[1:-1]
            return value
    return None


# --------------------------------------------------------------------------- peers


@dataclass
class Arrival:
    """One message from the client (a wrapper's messages each on their own)."""

    t: float
    peer: Peer
    message: Message
    wrapper: str | None = None

    @property
    def type(self) -> str:
        return str(self.message.get("type"))


@dataclass
class Attempt:
    """A handshake the client started: refused at once (HTTP 503) or a connection."""

    t: float
    peer: Peer | None = None

    @property
    def ended(self) -> float | None:
        return self.t if self.peer is None else self.peer.ended_at


@dataclass
class Handshake:
    t: float
    token: str | None
    via: str
    path: str


class Peer:
    """One connection of the client under test, seen from the kit's (the server's) side."""

    def __init__(
        self, server: ScriptedServer, ws: ServerConnection, number: int, handshake: Handshake
    ) -> None:
        self.server = server
        self.ws = ws
        self.number = number
        self.handshake = handshake
        self.opened_at = handshake.t
        self.token = handshake.token
        self.exp: float | None = None
        self.received: list[Arrival] = []
        self.inbox: list[Arrival] = []
        self.hello: Message | None = None
        self.identified_at: float | None = None
        self.ended_at: float | None = None
        self.end: str = ""
        """``kit`` (closed by the kit), ``dropped`` (the kit dropped the socket), ``client``."""
        self.close_code: int | None = None
        self.closed = asyncio.Event()
        self.auto_pong = True
        self.auto_list = True
        self.auto_refresh = True
        self.enforce_expiry = True
        self.last_sent = handshake.t
        """When the kit last sent this connection a message (the handshake before any)."""
        self.agent_list: list[Message] = []
        """The agents ``agent:list`` names (dashboards)."""
        self._timers: list[asyncio.TimerHandle] = []
        self._expiry: asyncio.TimerHandle | None = None
        self._tasks: set[asyncio.Task[Any]] = set()

    # -- state ---------------------------------------------------------------

    @property
    def ctx(self) -> ClientCheckContext:
        """The check running now (``--listen``: a connection may outlive a check)."""
        return self.server.ctx

    @property
    def open(self) -> bool:
        return self.ended_at is None

    @property
    def lifetime(self) -> float | None:
        return None if self.ended_at is None else self.ended_at - self.opened_at

    def __repr__(self) -> str:
        return f"<Peer #{self.number}>"

    def now(self) -> float:
        return asyncio.get_running_loop().time()

    def violation(self, requirement_id: str, expected: str, actual: str) -> None:
        self.ctx.violation(CheckFailure(requirement_id, expected, f"#{self.number}: {actual}"))

    # -- sending -------------------------------------------------------------

    async def send(self, message: Message) -> bool:
        """Send one message; ``False`` when the connection is gone."""
        return await self.send_text(message_text(message))

    async def send_text(self, text: str) -> bool:
        if not self.open:
            return False
        self.ctx.transcript.record_frame(self.number, "send", text)
        self.ctx.sent_messages += 1
        self.last_sent = self.now()
        try:
            await self.ws.send(text)
        except (ConnectionClosed, OSError):
            return False
        return True

    def spawn(self, coro: Any) -> None:
        task = asyncio.ensure_future(coro)
        self._tasks.add(task)
        task.add_done_callback(self._tasks.discard)

    # -- ending --------------------------------------------------------------

    def _ended(self, how: str, code: int | None, detail: str) -> None:
        if self.ended_at is not None:
            return
        self.ended_at = self.now()
        self.end = how
        self.close_code = code
        self.ctx.transcript.record(self.number, "close", detail=detail)
        for timer in self._timers:
            timer.cancel()
        if self._expiry is not None:
            self._expiry.cancel()

    async def close(self, code: int, reason: str = "") -> None:
        """Close with ``code`` (a 1008 refuses the connection's token, CLIENT-10)."""
        if not self.open:
            return
        self._ended("kit", code, f"by the kit: {code} {reason}".strip())
        if code == 1008 and self.token is not None:
            self.ctx.refused(self.token)
        with contextlib.suppress(Exception):
            await asyncio.wait_for(self.ws.close(code, reason), CLOSE_TIMEOUT_S)
        if not self.closed.is_set():
            self.ws.transport.abort()

    def drop(self) -> None:
        """End the connection without a close frame: the client sees 1006."""
        if not self.open:
            return
        self._ended("dropped", 1006, "dropped by the kit (no close frame: 1006)")
        self.ws.transport.abort()

    async def wait_closed(self, within: float) -> bool:
        with contextlib.suppress(TimeoutError):
            await asyncio.wait_for(self.closed.wait(), within)
        return self.closed.is_set()

    # -- receiving -----------------------------------------------------------

    async def run(self) -> None:
        """Read until the connection ends (the server's handler)."""
        try:
            async for data in self.ws:
                self._frame(data)
        except ConnectionClosed:
            pass
        finally:
            received = self.ws.protocol.close_rcvd
            if self.ended_at is None:
                if received is not None:
                    detail = f"by the client: {received.code} {received.reason}".strip()
                    self._ended("client", received.code, detail)
                else:
                    self._ended("client", 1006, "lost: the client's socket ended (1006)")
            sent = self.ws.protocol.close_sent
            if sent is not None and sent.code == 1009 and self.end != "kit":
                self.violation(
                    "CLIENT-4",
                    f"frames of at most max_message_bytes ({self.ctx.profile.max_message_bytes})",
                    "a frame over the kit's bound, closed 1009",
                )
            self.closed.set()
            for task in list(self._tasks):
                task.cancel()

    def _frame(self, data: str | bytes) -> None:
        t = self.now()
        self.ctx.transcript.record_frame(self.number, "recv", data)
        if isinstance(data, bytes):
            self.violation("CLIENT-4", "a text frame", f"a binary frame of {len(data)} bytes")
            return
        size = len(data.encode("utf-8", "surrogatepass"))
        limit = self.ctx.profile.max_message_bytes
        if size > limit:
            self.violation(
                "CLIENT-4", f"a message of at most max_message_bytes ({limit})", f"{size} bytes"
            )
            return
        try:
            message = parse_json(data)
        except ValueError as err:
            self.violation("CLIENT-4", "one JSON message per frame", f"not JSON: {err}")
            return
        self._message(message, t, None, "")

    def _message(self, message: Any, t: float, wrapper: str | None, prefix: str) -> None:
        issue = check_message(message)
        if issue is not None:
            where = f"{prefix}{issue.field}" if issue.field else prefix.rstrip(".") or "message"
            self.violation(
                "CLIENT-4",
                "a message valid against its type's schema",
                f"{where}: {issue.message} in {describe(message)}",
            )
            return
        message_type = message["type"]
        role = self.ctx.role
        if message_type not in allowed_types(role):
            self.violation(
                "CLIENT-4",
                f"only types a {role} may send (x-sender)",
                f"{prefix}{message_type}",
            )
            return
        if message_type == "batch":
            try:
                check_batch_count(message)
            except WireError as err:
                self.violation("CLIENT-4", "a batch whose count is its length", str(err))
                return
            for index, inner in enumerate(message["messages"]):
                self._message(inner, t, "batch", f"{prefix}messages.{index}.")
            return
        if message_type == "compressed":
            try:
                inner = decode_compressed(message, self.ctx.profile.max_message_bytes)
            except (WireError, InflateLimitError) as err:
                self.violation("CLIENT-4", "a compressed message that decodes (COMP-1)", str(err))
                return
            self._message(inner, t, "compressed", f"{prefix}data.")
            return
        self._deliver(Arrival(t, self, message, wrapper))

    def _deliver(self, arrival: Arrival) -> None:
        message = arrival.message
        message_type = arrival.type
        self.received.append(arrival)
        self.ctx.arrived(arrival)
        if self.hello is None and message_type not in PRE_IDENTIFICATION_TYPES:
            self._identification(arrival)
        if message_type == "heartbeat:ping" and self.auto_pong:
            self.spawn(self.send(server_message("heartbeat:pong", **_echo(message))))
        elif message_type == "auth:refresh-token" and self.auto_refresh:
            self.spawn(self.answer_refresh(message))
        elif message_type in DISCONNECT_TYPES:
            self.spawn(self.close(1000, "disconnected"))
        if len(self.inbox) < MAX_ARRIVALS:
            self.inbox.append(arrival)

    def _identification(self, arrival: Arrival) -> None:
        message = arrival.message
        if message["type"] not in CONNECT_TYPES:
            self.violation(
                "CLIENT-2",
                "dashboard:connect or agent:connect first",
                f"{message['type']} before identifying",
            )
            self.spawn(
                self.send(
                    server_message(
                        "connection:error",
                        error="Not identified: send dashboard:connect or agent:connect first",
                        code="NOT_IDENTIFIED",
                        **_echo(message),
                    )
                )
            )
            return
        self.hello = message
        self.identified_at = arrival.t
        took = arrival.t - self.opened_at
        limit = self.ctx.profile.identify_timeout_s
        if took > limit + SLACK_S:
            self.violation(
                "CLIENT-2",
                f"identification within identify_timeout_s ({limit:g}s, +{SLACK_S:g}s slack)",
                f"{message['type']} {took:.2f}s after the handshake",
            )
        if message["type"] == "agent:connect":
            self.ctx.agent_identified(self, str(message["agentId"]))
        elif self.auto_list:
            self.spawn(self.send(server_message("agent:list", agents=self.agent_list)))

    async def answer_refresh(self, message: Message) -> None:
        """REFRESH-3/REFRESH-4 as the reference server answers them."""
        token = str(message["token"])
        book = self.ctx.tokens
        error = ""
        try:
            claims = verify(token, book.secret)
        except TokenError as err:
            error = f"invalid token: {err}"
        else:
            if claims.sub != book.owner:
                error = "the token is for another owner"
            elif self.exp is not None and claims.exp <= self.exp:
                error = "the token does not expire later than the current one"
        if error:
            await self.send(server_message("auth:refresh-failed", error=error))
            return
        self.token = token
        book.presented(token)
        self.set_expiry(claims.exp)
        await self.send(server_message("auth:refresh-success"))

    # -- timers --------------------------------------------------------------

    def start(self) -> None:
        """Arm the identification deadline (CLIENT-2) and the token's expiry."""
        loop = asyncio.get_running_loop()
        deadline = self.ctx.profile.identify_timeout_s + SLACK_S
        self._timers.append(loop.call_later(deadline, self._identify_deadline))
        if self.exp is not None:
            self.set_expiry(self.exp)

    def set_expiry(self, exp: float) -> None:
        self.exp = exp
        if self._expiry is not None:
            self._expiry.cancel()
        loop = asyncio.get_running_loop()
        self._expiry = loop.call_later(max(0.0, exp - time.time()), self._expired)

    def _identify_deadline(self) -> None:
        if self.open and self.hello is None:
            limit = self.ctx.profile.identify_timeout_s
            self.violation(
                "CLIENT-2",
                f"dashboard:connect or agent:connect within identify_timeout_s ({limit:g}s,"
                f" +{SLACK_S:g}s slack)",
                "no identification",
            )
            self.spawn(self.close(1008, "not identified in time"))

    def _expired(self) -> None:
        if self.open and self.enforce_expiry:
            self.spawn(self.close(1008, "token expired"))

    # -- expectations ----------------------------------------------------------

    def take(
        self, types: Iterable[str], where: Callable[[Message], bool] | None = None
    ) -> Arrival | None:
        """Remove and return the first message of ``types`` in the inbox (``where`` holds)."""
        wanted = set(types)
        for index, arrival in enumerate(self.inbox):
            if arrival.type in wanted and (where is None or where(arrival.message)):
                del self.inbox[index]
                return arrival
        return None

    async def next(
        self,
        types: Iterable[str],
        within: float,
        where: Callable[[Message], bool] | None = None,
    ) -> Arrival | None:
        """The first message of ``types`` (``where`` holds) within ``within`` seconds, taken
        from the inbox; ``None`` when none came (or the connection ended first)."""
        wanted = tuple(types)
        deadline = self.now() + within
        while True:
            found = self.take(wanted, where)
            if found is not None:
                return found
            if self.now() >= deadline or (not self.open and self.closed.is_set()):
                return None
            await asyncio.sleep(0.02)

    async def expect(
        self,
        types: Iterable[str],
        requirement_id: str,
        within: float,
        *,
        where: Callable[[Message], bool] | None = None,
        what: str | None = None,
    ) -> Arrival:
        """:meth:`next`, or a failure of ``requirement_id`` saying what came instead."""
        wanted = tuple(types)
        found = await self.next(wanted, within, where)
        if found is None:
            self.ctx.raise_violation()
            state = "" if self.open else f" (connection ended: {self.end} {self.close_code})"
            seen = [a.type for a in self.inbox[-5:]]
            raise CheckFailure(
                requirement_id,
                f"{what or ' or '.join(wanted)} within {within:g}s on #{self.number}",
                f"nothing such{state}; last messages {seen or 'none'}",
            )
        return found


def _echo(message: Message) -> dict[str, Any]:
    request_id = message.get("requestId")
    return {"requestId": request_id} if isinstance(request_id, str) else {}


# --------------------------------------------------------------------------- server


@dataclass
class ScriptedServer:
    """One check's server: every connection becomes a :class:`Peer` in :attr:`arrivals`."""

    ctx: ClientCheckContext
    host: str = "127.0.0.1"
    port: int = 0
    url: str = ""
    peers: list[Peer] = field(default_factory=list)
    attempts: list[Attempt] = field(default_factory=list)
    refusing: bool = False
    """Handshakes are refused with HTTP 503 (a failed attempt, CLIENT-9)."""
    on_connection: Callable[[Peer], None] | None = None
    """Called with each new peer before it reads (``--listen`` hands it to a check)."""
    _server: Server | None = None
    _pending: dict[int, Handshake] = field(default_factory=dict)
    _new: asyncio.Queue[Peer] = field(default_factory=asyncio.Queue)

    async def start(self) -> str:
        limit = self.ctx.profile.max_message_bytes * FRAME_BOUND_FACTOR + 64 * 1024
        self._server = await serve(
            self._handler,
            self.host,
            self.port,
            process_request=self._process_request,
            max_size=limit,
            ping_interval=None,
            compression=None,
            max_queue=64,
            close_timeout=CLOSE_TIMEOUT_S,
        )
        port = self._server.sockets[0].getsockname()[1]
        host = f"[{self.host}]" if ":" in self.host else self.host
        self.url = f"ws://{host}:{port}{PATH}"
        return self.url

    def _process_request(self, connection: ServerConnection, request: Request) -> Response | None:
        t = asyncio.get_running_loop().time()
        path = urlsplit(request.path).path
        if path != PATH:
            self.ctx.transcript.note(f"handshake for {path!r}: 404 (the URL's path is {PATH})")
            return connection.respond(404, "Not Found\n")
        if self.refusing:
            self.attempts.append(Attempt(t))
            self.ctx.transcript.note("handshake refused by the kit: HTTP 503")
            return connection.respond(503, "Service Unavailable (scripted)\n")
        token, via = token_of(request)
        self._pending[id(connection)] = Handshake(t, token, via, path)
        return None

    async def _handler(self, ws: ServerConnection) -> None:
        handshake = self._pending.pop(id(ws), None)
        if handshake is None:  # pragma: no cover - websockets always runs process_request
            return
        number = self.ctx.next_number()
        peer = Peer(self, ws, number, handshake)
        self.peers.append(peer)
        self.attempts.append(Attempt(handshake.t, peer))
        detail = f"{handshake.path} via={handshake.via}"
        self.ctx.transcript.record(number, "open", detail=detail, via=handshake.via)
        refusal = self.ctx.judge_token(peer)
        if self.on_connection is not None:
            self.on_connection(peer)
        self._new.put_nowait(peer)
        if refusal is not None:
            peer.spawn(peer.close(1008, refusal))
        else:
            peer.start()
        await peer.run()

    async def next_peer(self, within: float) -> Peer | None:
        """The next connection not yet taken, within ``within`` seconds."""
        try:
            return await asyncio.wait_for(self._new.get(), within)
        except TimeoutError:
            return None

    def pending(self) -> int:
        return self._new.qsize()

    def drain(self) -> list[Peer]:
        """Take every connection not yet taken (without waiting)."""
        taken = []
        while not self._new.empty():
            taken.append(self._new.get_nowait())
        return taken

    async def stop(self) -> None:
        for peer in self.peers:
            if peer.open:
                peer.drop()
        if self._server is not None:
            self._server.close()
            with contextlib.suppress(Exception):
                await asyncio.wait_for(self._server.wait_closed(), CLOSE_TIMEOUT_S)


def profile_json(data: dict[str, Any]) -> str:
    """``ONSEMBL_PROFILE``: the profile as compact JSON."""
    return json.dumps(data, separators=(",", ":"), sort_keys=True)
