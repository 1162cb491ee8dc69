"""The asyncio/websockets layer: sockets in, :class:`ServerCore` decisions out.

It owns what only I/O can do: the HTTP upgrade (TRANS-1, TRANS-2), new
connections admitted a few an event-loop iteration (``_Admission``), frame
kinds and sizes (TRANS-4..TRANS-8, left to ``websockets`` where it does them
right), permessage-deflate when configured (TRANS-9), one timer wake-up at
the core's next deadline, bounded outbound buffers (CLOSE-7), forwarded
messages batched or compressed when the profile's ``output`` says so (TERM-3,
TERM-5) and shutdown with 1001 (CLOSE-2).

Usage::

    async with ReferenceServer(ServerConfig(port=0, jwt_secret="s")) as server:
        print(server.url)
"""

from __future__ import annotations

import asyncio
import base64
import errno
import fcntl
import gzip
import itertools
import json
import logging
import re
import ssl
import sys
import termios
from collections import deque
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from http import HTTPStatus
from types import TracebackType
from typing import Any, TextIO
from urllib.parse import urlsplit

from websockets.asyncio.server import Server, ServerConnection, serve
from websockets.exceptions import ConnectionClosed
from websockets.http11 import Request, Response
from websockets.protocol import State

from onsembl_server.core.auth import Handshake
from onsembl_server.core.server import ServerCore
from onsembl_server.seclog import SecurityLog
from onsembl_spec.errors import ServerConfigError
from onsembl_spec.profile import Profile
from onsembl_spec.protocol import CloseCode
from onsembl_spec.tokens import Verifier
from onsembl_spec.wire import BATCH_MAX, now_timestamp

_ACCEPT_RESOURCE_ERRORS = frozenset({errno.EMFILE, errno.ENFILE, errno.ENOBUFS, errno.ENOMEM})
"""What asyncio's ``accept()`` loop reports without stopping to serve (issue 11, item 4)."""

_ExceptionHandler = Callable[[asyncio.AbstractEventLoop, dict[str, Any]], object]

SLOW_CONSUMER_REASON = "slow consumer"
"""Reason of the 1001 close of CLOSE-7."""

COSTLY_FRAME_S = 0.001
"""A frame that took the core longer than this makes its connection yield to the others before
its next frame is read (``recv`` does not yield while frames are queued): a connection sending
frames of the most work each (a batch of ``compressed`` messages inflating to
``max_message_bytes``, COMP-6) then delays others by one frame, not by all it has queued."""

HANDSHAKES_PER_ITERATION = 8
"""New connections whose first bytes are handled in one event-loop iteration (``_Admission``,
issue 11 item 2): a thousand connections opened at once are upgraded and verified a few at a
time, between the frames of the connections already open, instead of hundreds in one iteration
(measured with 1,010: up to 1,700 callbacks and 74 ms in one iteration before, 8 ms after).
Over TLS the TLS handshake, done by asyncio before any byte reaches the connection, is not
paced."""

COMPRESS_OVER_BYTES = 1024
"""TERM-3: only a forwarded message of more than 1 KiB may be wrapped in ``compressed``."""

_BATCH_HEAD = b'{"type":"batch","messages":['
_BATCH_ROOM = len(_BATCH_HEAD) + len(b'],"count":100,"timestamp":"2024-01-01T00:00:00.000Z"}')
"""Bytes of a ``batch`` around its messages (their commas aside)."""


@dataclass
class ServerConfig:
    """How to run the reference server.

    ``max_outbound_bytes``, when given, replaces the profile's
    ``outbound.connection_bytes``: the unsent bytes held for one connection
    past which it is closed with 1001 ``slow consumer`` (CLOSE-7), reading or
    not. The profile's ``outbound.stall_s``, ``owner_bytes`` and
    ``server_bytes`` are the other outbound bounds (CLOSE-7..CLOSE-9).
    ``permessage_deflate`` accepts the extension when a client offers it
    (TRANS-9; declined by default). Batching and compression of forwarded
    messages are the profile's ``output`` keys (TERM-5). ``tls`` serves
    ``wss://`` with that server context (``onsembl serve --tls-cert --tls-key``).
    ``jwt_verifier``, when given, is how tokens are verified instead of the HS256
    ``jwt_secret``: a public key and its one algorithm, an audience and an issuer
    (``onsembl serve --jwt-public-key --jwt-alg --jwt-audience --jwt-issuer``;
    AUTH-13, AUTH-14). ``traffic_log``, when given, gets one line per message in
    and out, for debugging (``onsembl serve --log-traffic``; :class:`TrafficLog`).
    """

    host: str = "127.0.0.1"
    port: int = 3001
    path: str = "/ws"
    jwt_secret: str = ""
    profile: Profile = field(default_factory=Profile)
    max_outbound_bytes: int | None = None
    close_timeout_s: float = 5.0
    security_log: SecurityLog | None = None
    permessage_deflate: bool = False
    tls: ssl.SSLContext | None = None
    jwt_verifier: Verifier | None = None
    traffic_log: TextIO | None = None


_PLAIN_TYPE = re.compile(r"[a-z][a-z0-9-]*(?::[a-z][a-z0-9-]*)*").fullmatch


class TrafficLog:
    """``onsembl serve --log-traffic``: one line per message, for debugging.

    ``in  #3 agent:status (98 bytes)`` for a frame received on connection 3,
    ``out #3 command:queued (120 bytes)`` for one queued to it (a batch or a
    compressed wrapper as it goes on the wire), ``open #3 HOST:PORT``,
    ``out #3 close 1001 slow consumer`` and ``end #3 (1000)`` around them. A type
    that is not a plain ``word:word`` is shown as a JSON string (no control
    character of a peer reaches the terminal). The server pays nothing for it
    unless it is on: :class:`ReferenceServer` then uses :class:`_TracedOutbox` and
    a receive that writes the line first.
    """

    def __init__(self, stream: TextIO) -> None:
        self.stream = stream

    def line(self, text: str) -> None:
        try:
            self.stream.write(text + "\n")
            self.stream.flush()
        except (OSError, ValueError):  # a closed log must not take the server down
            pass

    def message(self, direction: str, conn_id: int, data: str | bytes) -> None:
        size = len(data.encode()) if isinstance(data, str) else len(data)
        self.line(f"{direction:<3} #{conn_id} {describe_message(data)} ({size} bytes)")


def describe_message(data: str | bytes) -> str:
    """A frame's ``type`` as a traffic line shows it: ``agent:status``, ``"odd\\u001b"``,
    ``(no type)``, ``(not JSON)``."""
    try:
        value = json.loads(data)
    except (ValueError, RecursionError):
        return "(not JSON)"
    kind = value.get("type") if isinstance(value, dict) else None
    if not isinstance(kind, str):
        return "(no type)"
    if len(kind) <= 64 and _PLAIN_TYPE(kind):
        return kind
    return json.dumps(kind[:64])


class _Forwarded(bytes):
    """A forwarded message's frame that may share a ``batch`` with its neighbours (TERM-3)."""

    __slots__ = ()


def compressed_frame(data: bytes, message_type: str) -> bytes:
    """``data`` (a message's UTF-8 JSON text, unchanged) wrapped in ``compressed`` (COMP-1)."""
    stream = gzip.compress(data, compresslevel=6, mtime=0)
    return (
        b'{"type":"compressed","algorithm":"gzip","originalType":"%s","originalSize":%d,'
        b'"compressedSize":%d,"data":"%s","timestamp":"%s"}'
        % (
            message_type.encode(),
            len(data),
            len(stream),
            base64.b64encode(stream),
            now_timestamp().encode(),
        )
    )


def batch_frame(frames: list[bytes], timestamp: bytes) -> bytes:
    """Message texts (each one JSON object) grouped in one ``batch`` (BATCH-1's count right)."""
    return b'%s%s],"count":%d,"timestamp":"%s"}' % (
        _BATCH_HEAD,
        b",".join(frames),
        len(frames),
        timestamp,
    )


@dataclass(eq=False, slots=True)
class _Conn:
    """What the outbox knows of one connection's outbound bytes (CLOSE-7..CLOSE-9).

    ``sent`` counts every byte written to its transport. ``unacked`` is what
    the peer has not acknowledged: the transport's buffer (``buffered``) and
    the socket's send queue (``TIOCOUTQ``, where the platform has it) as last
    measured, plus what was written since (an upper bound until the next
    measurement, at most :data:`MEASURE_EVERY_BYTES` later). It is what
    counts against the owner's and the server's budgets: memory of the
    server's and of the kernel's. What the peer took, ``sent - unacked``,
    grows while it reads (its acknowledgements empty the send queue long
    before the socket has room enough to take more from the transport); a
    connection whose transport holds bytes and whose peer took nothing for
    ``outbound.stall_s`` has stalled.
    """

    conn_id: int
    fd: int = -1
    """The socket's descriptor for ``TIOCOUTQ`` (-1: not available)."""
    owner: str | None = None
    sent: int = 0
    measured_at: int = 0
    unacked: int = 0
    buffered: int = 0
    taken: int = 0
    progress_at: float = 0.0
    closing: bool = False
    """Being closed: its bytes still count (CLOSE-9) until they are gone, but it is not
    judged again."""


SLOW_CLOSE_GRACE_S = 10.0
"""CLOSE-7: a slow consumer's close frame waits behind its backlog at least ``outbound.stall_s``
and this long before the connection is dropped, so that a client that paused reading for
less than ``stall_s`` (CLOSE-8) still reads it (CLOSE-6)."""

MEASURE_EVERY_BYTES = 64 * 1024
"""A connection whose transport buffer is empty is measured after this many bytes written."""

WATCH_EVERY_S = 0.25
"""How often held connections are looked at (stall, budgets): CLOSE-7's 1 s allows it."""


class _Outbox:
    """The core's :class:`~onsembl_server.core.effects.Effects` over websockets connections.

    Outbound bounds (CLOSE-7..CLOSE-9): a connection whose unsent bytes would
    pass ``outbound.connection_bytes`` is closed with 1001 ``slow consumer``
    at once; one that holds unsent bytes and drains none of them for
    ``outbound.stall_s`` is closed the same way, however little it holds, and
    one that drains is never closed for being behind; when the bytes held for
    one owner's connections, or for all of them, pass ``outbound.owner_bytes``
    or ``outbound.server_bytes``, the connections holding the most are closed
    until they no longer do. The bytes counted are those the peer has not
    acknowledged (:class:`_Conn`); a reader that keeps up costs a few
    additions per write and one ``TIOCOUTQ`` per :data:`MEASURE_EVERY_BYTES`.
    Only connections whose transport buffer is not empty are looked at
    periodically (``_held``).
    """

    def __init__(self, server: ReferenceServer) -> None:
        self._server = server
        self.connections: dict[int, ServerConnection] = {}
        self.closing: set[int] = set()
        self.slow_consumers = 0
        self.max_buffered_at_close = 0
        self.max_held_total = 0
        """The most unacknowledged bytes counted for all connections together (CLOSE-9)."""
        self._tasks: set[asyncio.Task[None]] = set()
        self._pending: dict[ServerConnection, list[bytes]] = {}
        self._pending_bytes: dict[ServerConnection, int] = {}
        self._flush_scheduled = False
        profile = server.config.profile
        configured = server.config.max_outbound_bytes
        bound = configured if configured is not None else profile.outbound_connection_bytes
        self._connection_bytes = bound if bound is not None else sys.maxsize
        self._stall_s = profile.outbound_stall_s
        self._owner_bytes = profile.outbound_owner_bytes
        self._server_bytes = profile.outbound_server_bytes
        self._conns: dict[ServerConnection, _Conn] = {}
        self._held: dict[ServerConnection, _Conn] = {}
        """Connections whose transport buffer is not empty: watched for stalls."""
        self._held_total = 0
        """The ``unacked`` of every connection added up: an upper bound between measurements."""
        budgets = [b for b in (self._owner_bytes, self._server_bytes) if b is not None]
        self._trigger = min(budgets) if budgets else sys.maxsize
        """Below this total no budget can be over: nothing to look at."""
        self._slack = max(MEASURE_EVERY_BYTES * 16, self._trigger // 8)
        self._next_check = self._trigger
        """The total at which :meth:`_enforce_budgets` runs next."""
        self._watch: asyncio.TimerHandle | None = None
        self._batch = profile.output_batch
        self._compress = profile.output_compress
        self._batch_room = profile.max_message_bytes - _BATCH_ROOM
        self.forward: Callable[[Iterable[int], str, str], None] = (
            self.send_many if profile.plain_output else self._forward_wrapped
        )
        """TERM-5: forwarded messages are plain (``send_many`` itself) unless ``output`` says."""

    def opened(self, conn_id: int, connection: ServerConnection) -> None:
        """A connection's handshake completed: it may be written to."""
        self.connections[conn_id] = connection
        self._conns[connection] = _Conn(conn_id, fd=_socket_fd(connection))

    def forget(self, conn_id: int) -> None:
        """The connection has ended: nothing is held for it any more."""
        connection = self.connections.pop(conn_id, None)
        self.closing.discard(conn_id)
        if connection is not None:
            self._held.pop(connection, None)
            state = self._conns.pop(connection, None)
            if state is not None:
                self._count(state, -state.unacked)

    def _writable(self, conn_id: int) -> ServerConnection | None:
        """The connection, unless it is closing or its unsent bytes (those its peer has not
        acknowledged, and those queued for it) would pass the bound (CLOSE-7)."""
        if conn_id in self.closing:
            return None
        connection = self.connections.get(conn_id)
        if connection is None or connection.protocol.state is not State.OPEN:
            return None
        state = self._conns.get(connection)
        if state is None:  # not opened through :meth:`opened` (never in the server)
            return connection
        pending = self._pending_bytes.get(connection, 0)
        if state.unacked + pending > self._connection_bytes:
            self._measure(connection, state)  # the count is an upper bound: measure to be sure
        buffered = state.unacked + pending
        if buffered > self._connection_bytes:
            self.max_buffered_at_close = max(self.max_buffered_at_close, buffered)
            self.slow_consumer(conn_id, reason="unsent bytes over the connection's bound")
            return None
        return connection

    def send(self, conn_id: int, text: str) -> None:
        connection = self._writable(conn_id)
        if connection is not None:
            self._queue(connection, text.encode())

    def send_many(self, conn_ids: Iterable[int], text: str, message_type: str = "") -> None:
        """Encode once; never wait for a reader (one slow dashboard blocks no one)."""
        data: bytes | None = None
        for connection in map(self._writable, conn_ids):
            if connection is not None:
                if data is None:
                    data = text.encode()
                self._queue(connection, data)

    def _forward_wrapped(self, conn_ids: Iterable[int], text: str, message_type: str) -> None:
        """TERM-3 as the profile's ``output`` allows: compress once, batch per connection.

        A forwarded message of more than 1 KiB is wrapped in ``compressed``
        when ``output.compress`` is on and the wrapper is the shorter; with
        ``output.batch`` on, :meth:`flush` groups the forwarded frames queued
        for a connection in the same event-loop iteration in ``batch``.
        """
        data: bytes | None = None
        for connection in map(self._writable, conn_ids):
            if connection is not None:
                if data is None:
                    data = text.encode()
                    if self._compress and len(data) > COMPRESS_OVER_BYTES:
                        wrapped = compressed_frame(data, message_type)
                        if len(wrapped) < len(data):
                            data = wrapped
                    if self._batch:
                        data = _Forwarded(data)
                self._queue(connection, data)

    def _queue(self, connection: ServerConnection, data: bytes) -> None:
        """Hold a frame until the end of this event-loop iteration (order kept per connection).

        Frames for one connection produced while handling a burst of input are
        written with one ``transport.write``: one system call instead of one
        per message. Like ``broadcast()``, this never waits for the peer.
        """
        frames = self._pending.get(connection)
        if frames is None:
            self._pending[connection] = [data]
            self._pending_bytes[connection] = len(data)
            if not self._flush_scheduled:
                self._flush_scheduled = True
                asyncio.get_running_loop().call_soon(self.flush)
        else:
            frames.append(data)
            self._pending_bytes[connection] += len(data)

    def flush(self) -> None:
        """Frame and write everything queued, one write per connection."""
        self._flush_scheduled = False
        pending, self._pending = self._pending, {}
        self._pending_bytes = {}
        batching = self._batch
        conns = self._conns
        measure_every = MEASURE_EVERY_BYTES
        flushed = 0
        for connection, frames in pending.items():
            protocol = connection.protocol
            if protocol.state is not State.OPEN:
                continue
            try:
                for data in self._batched(frames) if batching else frames:
                    protocol.send_text(data)
                out = b"".join(protocol.data_to_send())
                transport = connection.transport
                transport.write(out)
                state = conns.get(connection)
                if state is not None:  # CLOSE-7..CLOSE-9: a few additions while it keeps up
                    written = len(out)
                    state.sent += written
                    size = transport.get_write_buffer_size()
                    if size or state.buffered or state.sent - state.measured_at >= measure_every:
                        self._measure(connection, state, size)
                    else:
                        state.unacked += written
                        flushed += written
            except Exception:  # CLOSE-5; a connection failing must not stop the others
                task = asyncio.get_running_loop().create_task(
                    connection.close(CloseCode.INTERNAL_ERROR, "internal error")
                )
                self._tasks.add(task)
                task.add_done_callback(self._tasks.discard)
        total = self._held_total = self._held_total + flushed
        if total > self.max_held_total:
            self.max_held_total = total
        if total >= self._next_check:
            self._enforce_budgets()

    def _batched(self, frames: list[bytes]) -> list[bytes]:
        """TERM-3: runs of forwarded frames grouped in ``batch``, in order; other frames as is.

        A batch holds at most 100 messages (BATCH_MAX) and is never longer
        than ``max_message_bytes``; a forwarded frame too long to fit in a
        batch of its own goes out plain.
        """
        out: list[bytes] = []
        run: list[bytes] = []
        size = 0
        timestamp = now_timestamp().encode()
        room = self._batch_room
        for data in frames:
            if type(data) is not _Forwarded or len(data) > room:
                if run:
                    out.append(batch_frame(run, timestamp))
                    run, size = [], 0
                out.append(data)
                continue
            if run and (len(run) == BATCH_MAX or size + len(data) + 1 > room):
                out.append(batch_frame(run, timestamp))
                run, size = [], 0
            run.append(data)
            size += len(data) + 1
        if run:
            out.append(batch_frame(run, timestamp))
        return out

    def close(self, conn_id: int, code: int, reason: str) -> None:
        if conn_id in self.closing:
            return
        connection = self.connections.get(conn_id)
        if connection is None:
            return
        self.closing.add(conn_id)
        if connection in self._pending:
            self.flush()  # what was sent before the close goes before the close frame
        task = asyncio.get_running_loop().create_task(connection.close(code, reason))
        self._tasks.add(task)
        task.add_done_callback(self._tasks.discard)

    def slow_consumer(self, conn_id: int, reason: str = "outbound buffer over its bound") -> None:
        """CLOSE-7, CLOSE-9: close with 1001 ``slow consumer``; the buffer stays at its bound.

        Its held bytes keep counting against the owner's and the server's
        budgets until they are freed: when the close completes, behind the
        backlog, or ``close_timeout_s`` after it when the peer does not read.
        """
        session = self._server.core.sessions.get(conn_id)
        self.slow_consumers += 1
        self._server.security_log_event(
            "slow_consumer",
            owner=session.owner if session else None,
            remote=session.remote if session else None,
            reason=reason,
        )
        connection = self.connections.get(conn_id)
        state = None if connection is None else self._conns.get(connection)
        if state is not None:
            state.closing = True
        if connection is not None:  # CLOSE-7: a reader back within stall_s finds the close
            grace = (self._stall_s or 0.0) + SLOW_CLOSE_GRACE_S
            connection.close_timeout = max(connection.close_timeout or 0.0, grace)
        self.close(conn_id, CloseCode.GOING_AWAY, SLOW_CONSUMER_REASON)

    # -- held bytes: stalls and budgets (CLOSE-7..CLOSE-9) ----------------------------

    def _measure(self, connection: ServerConnection, state: _Conn, size: int | None = None) -> None:
        """The connection's unacknowledged bytes, measured: its transport's buffer (``size``
        when the caller has just read it) and its socket's send queue."""
        transport = connection.transport
        if size is None:
            size = transport.get_write_buffer_size()
        queued = 0
        if state.fd >= 0 and _OUTQ is not None:
            try:
                queued = int.from_bytes(
                    fcntl.ioctl(state.fd, _OUTQ, b"\0\0\0\0"), sys.byteorder, signed=True
                )
            except OSError:
                state.fd = -1
        if state.owner is None:
            session = self._server.core.sessions.get(state.conn_id)
            if session is not None:
                state.owner = session.owner
        self._count(state, size + queued - state.unacked)
        state.measured_at = state.sent
        if size and not state.buffered:  # starts holding bytes: watch it for a stall
            state.taken = state.sent - state.unacked
            state.progress_at = asyncio.get_running_loop().time()
            if state.conn_id in self.closing:
                state.closing = True
            self._held[connection] = state
            if self._watch is None:
                self._schedule_watch()
        elif not size and state.buffered:
            self._held.pop(connection, None)
        state.buffered = size

    def _count(self, state: _Conn, delta: int) -> None:
        """Keep the total the sum of the connections' ``unacked``; a fall lowers the next check."""
        if not delta:
            return
        state.unacked += delta
        total = self._held_total = self._held_total + delta
        if total > self.max_held_total:
            self.max_held_total = total
        if delta < 0 and self._next_check > total + self._slack:
            self._next_check = max(self._trigger, total + self._slack)

    def _schedule_watch(self) -> None:
        loop = asyncio.get_running_loop()
        self._watch = loop.call_later(WATCH_EVERY_S, self._look_at_held)

    def _look_at_held(self) -> None:
        """CLOSE-7, CLOSE-8: connections whose transport holds bytes, measured; one whose peer
        took nothing for ``outbound.stall_s`` is closed, one that took anything is left alone."""
        self._watch = None
        now = asyncio.get_running_loop().time()
        stall_s = self._stall_s
        for connection, state in list(self._held.items()):
            self._measure(connection, state)
            if not state.buffered or state.closing:
                continue
            if state.conn_id in self.closing or connection.protocol.state is not State.OPEN:
                state.closing = True
                continue
            taken = state.sent - state.unacked
            if taken > state.taken:
                state.taken = taken
                state.progress_at = now
            elif stall_s is not None and now - state.progress_at >= stall_s:
                self.slow_consumer(
                    state.conn_id, reason=f"read nothing for {now - state.progress_at:.1f}s"
                )
        if self._held_total >= self._next_check:
            self._enforce_budgets()
        if self._held:
            self._schedule_watch()

    def _enforce_budgets(self) -> None:
        """CLOSE-9: an owner's (the server's) connections over its budget are closed, those
        holding the most first.

        Runs only when the total of the (upper-bound) counts reaches
        ``_next_check``: at least the smallest budget, then an eighth of it
        above the total found, so that many owners each within its budget do
        not make every write measure them all. Everything counted is measured
        first. Connections are closed, the one holding the most first, until
        those not being closed no longer exceed the budget, and so is, while
        the scope is over its budget, every connection of it behind by more
        than a 256th of the budget: a reader that keeps up has less than that
        in flight and stays. Bytes of connections being closed still count
        until they are freed (behind the backlog, or ``close_timeout_s`` after
        the close), so that what the server and its kernel hold stays near the
        budget whatever is attempted.
        """
        for connection, state in list(self._conns.items()):
            if state.unacked:
                self._measure(connection, state)
        if self._owner_bytes is not None:
            owners: dict[str, list[_Conn]] = {}
            for state in self._conns.values():
                if state.unacked and state.owner is not None:
                    owners.setdefault(state.owner, []).append(state)
            for states in owners.values():
                self._close_over(states, self._owner_bytes, "the owner's")
        if self._server_bytes is not None:
            self._close_over(list(self._conns.values()), self._server_bytes, "the server's")
        self._next_check = max(self._trigger, self._held_total + self._slack)

    def _close_over(self, states: list[_Conn], budget: int, whose: str) -> None:
        """CLOSE-9: close connections among ``states`` until they keep within ``budget``."""
        total = sum(state.unacked for state in states)
        if total <= budget:
            return
        kept = sorted((s for s in states if not s.closing and s.unacked), key=lambda s: -s.unacked)
        open_total = sum(state.unacked for state in kept)
        behind = max(MEASURE_EVERY_BYTES, budget // 256)
        for state in kept:
            if open_total <= budget and state.unacked < behind:
                break  # a reader that keeps up stays, unless the open ones alone are over
            state.closing = True  # whatever slow_consumer does, it is not chosen twice
            self.slow_consumer(state.conn_id, reason=f"{whose} unsent bytes over {budget}")
            open_total -= state.unacked


_OUTQ = getattr(termios, "TIOCOUTQ", None)
"""Linux's ioctl for the bytes a socket holds unacknowledged (``SIOCOUTQ``)."""


class _Admission:
    """At most ``per_iteration`` new connections have their handshake read in one event-loop
    iteration (issue 11, item 2).

    asyncio reads every socket the selector reports ready in the same iteration, and a client
    opening a thousand connections sends their requests in bursts: their upgrades were parsed,
    answered, their tokens verified and their refusals sent hundreds in one iteration (up to
    1,700 callbacks and 74 ms), the established connections' frames waiting behind them. A new
    connection's first bytes go through ``arrived``: within the iteration's allowance they are
    handled at once, else the connection stops reading and waits in turn; ``_next`` (a
    ``call_soon`` callback, so once an iteration while any wait, after the frames read in it)
    hands the next few their bytes and resumes their reading. A rate, not a count of handshakes
    in progress: a slow client holds nothing. Nothing changes on the wire; the handshake's
    ``open_timeout`` runs while a connection waits.
    """

    def __init__(self, per_iteration: int = HANDSHAKES_PER_ITERATION) -> None:
        self.per_iteration = per_iteration
        self._left = per_iteration
        self._waiting: deque[_AdmittedConnection] = deque()
        self._scheduled = False

    def arrived(self, connection: _AdmittedConnection) -> bool:
        """A new connection's first bytes: True to handle them now, False to keep them (the
        connection then stops reading) until ``_next`` calls its ``admit``."""
        if not self._scheduled:
            self._scheduled = True
            asyncio.get_running_loop().call_soon(self._next)
        if self._left > 0 and not self._waiting:
            self._left -= 1
            return True
        connection.transport.pause_reading()
        self._waiting.append(connection)
        return False

    def _next(self) -> None:
        """Once an iteration while needed: a new allowance, handed to those waiting first."""
        self._scheduled = False
        self._left = self.per_iteration
        waiting = self._waiting
        while waiting and self._left > 0:
            connection = waiting.popleft()
            if connection.held is not None and not connection.transport.is_closing():
                self._left -= 1  # (closing: its open_timeout ran out)
                connection.admit()
        if waiting or self._left < self.per_iteration:
            self._scheduled = True
            asyncio.get_running_loop().call_soon(self._next)


class _AdmittedConnection(ServerConnection):
    """A connection whose first bytes wait for their turn (``_Admission``)."""

    admission: _Admission
    """Set on the subclass ``_admitted`` makes for one server."""
    held: bytearray | None = None
    """The bytes received while it waits for its turn."""

    def data_received(self, data: bytes) -> None:
        if self.held is not None:
            self.held += data
        elif self.admission.arrived(self):
            self._admitted(data)
        else:
            self.held = bytearray(data)

    def _admitted(self, data: bytes) -> None:
        # From now on asyncio calls websockets' own method: nothing added per frame.
        self.data_received = super().data_received  # type: ignore[method-assign]
        super().data_received(data)

    def admit(self) -> None:
        """Its turn: the bytes kept, then reading again."""
        data, self.held = bytes(self.held or b""), None
        self._admitted(data)
        if not self.transport.is_closing():
            self.transport.resume_reading()

    def eof_received(self) -> None:
        if self.held is not None:  # the bytes before the end first (TLS may report it paused)
            data, self.held = bytes(self.held), None
            self._admitted(data)
        super().eof_received()


class _TracedOutbox(_Outbox):
    """The outbox of a server with a :class:`TrafficLog`: every frame queued and every
    close it makes, written as a line first."""

    def __init__(self, server: ReferenceServer, traffic: TrafficLog) -> None:
        super().__init__(server)
        self.traffic = traffic

    def _queue(self, connection: ServerConnection, data: bytes) -> None:
        state = self._conns.get(connection)
        self.traffic.message("out", state.conn_id if state is not None else 0, data)
        super()._queue(connection, data)

    def close(self, conn_id: int, code: int, reason: str) -> None:
        if conn_id not in self.closing and conn_id in self.connections:
            self.traffic.line(f"out #{conn_id} close {code} {reason}")
        super().close(conn_id, code, reason)


def _admitted(admission: _Admission) -> type[_AdmittedConnection]:
    """``serve``'s ``create_connection``: connections admitted by ``admission``."""
    return type("AdmittedConnection", (_AdmittedConnection,), {"admission": admission})


def _socket_fd(connection: ServerConnection) -> int:
    """The descriptor of a plain TCP connection's socket, or -1 (TLS, or no ``TIOCOUTQ``)."""
    if _OUTQ is None or connection.transport.get_extra_info("sslcontext") is not None:
        return -1
    sock = connection.transport.get_extra_info("socket")
    return -1 if sock is None else int(sock.fileno())


class ReferenceServer:
    """The reference server: ``await start()``, ``url``, ``await stop()`` (or ``async with``)."""

    def __init__(self, config: ServerConfig) -> None:
        if not config.jwt_secret and config.jwt_verifier is None:
            raise ServerConfigError("no JWT secret: pass --jwt-secret or set ONSEMBL_JWT_SECRET")
        self.config = config
        self.traffic = None if config.traffic_log is None else TrafficLog(config.traffic_log)
        self.outbox = _Outbox(self) if self.traffic is None else _TracedOutbox(self, self.traffic)
        self.core = ServerCore(
            config.profile,
            config.jwt_verifier or config.jwt_secret,
            self.outbox,
            security_log=config.security_log,
        )
        self._ids = itertools.count(1)
        self._server: Server | None = None
        self._timer: asyncio.TimerHandle | None = None
        self._loop: asyncio.AbstractEventLoop | None = None
        self._log_timer: asyncio.TimerHandle | None = None
        self._previous_handler: _ExceptionHandler | None = None
        self.admission = _Admission()
        self.url = ""

    # ------------------------------------------------------------------ lifecycle

    async def start(self) -> None:
        """Listen (TRANS-1); ``url`` gives the address, with the bound port.

        Errors of ``accept()`` for want of descriptors or memory are logged
        once an interval as one ``accept_failed`` line (AUTH-15), not as a
        traceback each (issue 11: 7,299 in 8 s at the descriptor limit).
        """
        self._loop = loop = asyncio.get_running_loop()
        self._previous_handler = loop.get_exception_handler()
        loop.set_exception_handler(self._loop_exception)
        self.core.log.on_pending = self._log_pending
        quiet = logging.getLogger("onsembl_server.websockets")
        quiet.addHandler(logging.NullHandler())
        quiet.propagate = False
        try:
            self._server = await serve(
                self._handle,
                self.config.host,
                self.config.port,
                process_request=self._process_request,
                create_connection=_admitted(self.admission),  # a few handshakes an iteration
                ping_interval=None,  # HB-4: only protocol messages count as life
                compression="deflate" if self.config.permessage_deflate else None,  # TRANS-9
                max_size=self.config.profile.max_message_bytes,  # TRANS-6, TRANS-7, TRANS-8
                max_queue=4,
                close_timeout=self.config.close_timeout_s,
                logger=quiet,
                ssl=self.config.tls,  # wss:// (TRANS-1 over TLS) when configured
            )
        except OSError as err:
            raise ServerConfigError(
                f"cannot listen on {self.config.host}:{self.config.port}: {err.strerror or err}"
            ) from None
        sockname = self._server.sockets[0].getsockname()
        host = self.config.host
        if ":" in host:
            host = f"[{host}]"
        scheme = "wss" if self.config.tls is not None else "ws"
        self.url = f"{scheme}://{host}:{sockname[1]}{self.config.path}"

    async def stop(self) -> None:
        """CLOSE-2: close every connection with 1001 and stop listening."""
        if self._timer is not None:
            self._timer.cancel()
            self._timer = None
        if self._server is not None:
            self._server.close(close_connections=True)
            await self._server.wait_closed()
            self._server = None
        if self._log_timer is not None:
            self._log_timer.cancel()
            self._log_timer = None
        self.core.log.flush(everything=True)  # AUTH-15: the counts not yet written
        if self._loop is not None and self._loop.get_exception_handler() == self._loop_exception:
            self._loop.set_exception_handler(self._previous_handler)

    async def __aenter__(self) -> ReferenceServer:
        await self.start()
        return self

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        await self.stop()

    # ------------------------------------------------------------------ log

    def _log_pending(self, delay_s: float) -> None:
        """AUTH-15: an aggregated count is waiting; write it when its interval ends."""
        if self._log_timer is None and self._loop is not None:
            self._log_timer = self._loop.call_later(delay_s, self._flush_log)

    def _flush_log(self) -> None:
        self._log_timer = None
        delay = self.core.log.flush()
        if delay is not None:
            self._log_pending(delay)

    def _loop_exception(self, loop: asyncio.AbstractEventLoop, context: dict[str, Any]) -> None:
        """A resource error of ``accept()`` is one aggregated ``accept_failed`` event (AUTH-15);
        anything else goes to the handler there was before.

        asyncio reports every failed ``accept()`` through the loop's exception
        handler (``socket.accept() out of system resource``), up to a backlog's
        worth per wake-up, and retries a second later: the default handler
        printed a traceback each. Accepting resumes by itself once descriptors
        are free again.
        """
        error = context.get("exception")
        if isinstance(error, OSError) and error.errno in _ACCEPT_RESOURCE_ERRORS:
            name = errno.errorcode.get(error.errno or 0, "")
            self.core.log.event(
                "accept_failed",
                owner=None,
                remote=None,
                reason=f"{name} {error.strerror}: new connections wait until some close",
            )
            return
        if self._previous_handler is not None:
            self._previous_handler(loop, context)
        else:
            loop.default_exception_handler(context)

    def security_log_event(
        self, event: str, *, owner: str | None, remote: str | None, reason: str
    ) -> None:
        self.core.log.event(event, owner=owner, remote=remote, reason=reason)

    # ------------------------------------------------------------------ connections

    def _process_request(self, connection: ServerConnection, request: Request) -> Response | None:
        """TRANS-2: an upgrade on any other path gets HTTP 404."""
        if urlsplit(request.path).path != self.config.path:
            return connection.respond(HTTPStatus.NOT_FOUND, "Not Found\n")
        return None

    async def _handle(self, connection: ServerConnection) -> None:
        conn_id = next(self._ids)
        loop = asyncio.get_running_loop()
        core = self.core
        timers = core.timers
        traffic = self.traffic
        receive = core.receive if traffic is None else self._traced_receive
        self.outbox.opened(conn_id, connection)
        try:
            request = connection.request
            assert request is not None
            headers = request.headers
            handshake = Handshake(
                path=request.path,
                authorization=headers.get_all("Authorization"),
                cookies=headers.get_all("Cookie"),
                origin=headers.get("Origin"),
            )
            remote = _remote(connection)
            if traffic is not None:
                traffic.line(f"open #{conn_id} {remote}")
            if not core.open(conn_id, handshake, remote, loop.time()):
                await connection.wait_closed()
                return
            self._reschedule()
            while True:
                try:
                    data = await connection.recv()
                except ConnectionClosed:
                    break
                if isinstance(data, str):
                    began = loop.time()
                    receive(conn_id, data, began)
                    if loop.time() - began > COSTLY_FRAME_S:
                        await asyncio.sleep(0)  # let the other connections' frames in first
                else:
                    if traffic is not None:
                        traffic.line(f"in  #{conn_id} binary frame ({len(data)} bytes)")
                    core.binary_frame(conn_id)  # TRANS-4
                if timers.earliest_changed:
                    self._reschedule()
        finally:
            if traffic is not None:
                traffic.line(f"end #{conn_id} ({connection.close_code or 1006})")
            self.outbox.forget(conn_id)
            core.closed(conn_id, loop.time())
            self._reschedule()

    def _traced_receive(self, conn_id: int, text: str, now: float) -> None:
        """``ServerCore.receive`` after its traffic line (``--log-traffic`` only)."""
        assert self.traffic is not None
        self.traffic.message("in", conn_id, text)
        self.core.receive(conn_id, text, now)

    # ------------------------------------------------------------------ timers

    def _reschedule(self) -> None:
        """Sleep until the core's next deadline (one wake-up for all sessions)."""
        self.core.timers.earliest_changed = False
        deadline = self.core.next_deadline()
        timer = self._timer
        if deadline is None:
            if timer is not None:
                timer.cancel()
                self._timer = None
            return
        if timer is not None:
            if timer.when() <= deadline:
                return
            timer.cancel()
        assert self._loop is not None
        self._timer = self._loop.call_at(deadline, self._on_timer)

    def _on_timer(self) -> None:
        self._timer = None
        assert self._loop is not None
        self.core.tick(self._loop.time())
        self._reschedule()


def _remote(connection: ServerConnection) -> str:
    address = connection.remote_address
    if isinstance(address, tuple) and len(address) >= 2:
        return f"{address[0]}:{address[1]}"
    return str(address)


__all__ = ["SLOW_CONSUMER_REASON", "ReferenceServer", "ServerConfig", "TrafficLog"]
