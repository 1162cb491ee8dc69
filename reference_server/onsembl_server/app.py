"""The asyncio/websockets layer: sockets in, :class:`ServerCore` decisions out.

It owns what only I/O can do: the HTTP upgrade (TRANS-1, TRANS-2), frame
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
import gzip
import itertools
import logging
import ssl
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from http import HTTPStatus
from types import TracebackType
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

SLOW_CONSUMER_REASON = "slow consumer"
"""Reason of the 1001 close of CLOSE-7."""

COSTLY_FRAME_S = 0.001
"""A frame that took the core longer than this makes its connection yield to the others before
its next frame is read (``recv`` does not yield while frames are queued): a connection sending
frames of the most work each (a batch of ``compressed`` messages inflating to
``max_message_bytes``, COMP-6) then delays others by one frame, not by all it has queued."""

COMPRESS_OVER_BYTES = 1024
"""TERM-3: only a forwarded message of more than 1 KiB may be wrapped in ``compressed``."""

_BATCH_HEAD = b'{"type":"batch","messages":['
_BATCH_ROOM = len(_BATCH_HEAD) + len(b'],"count":100,"timestamp":"2024-01-01T00:00:00.000Z"}')
"""Bytes of a ``batch`` around its messages (their commas aside)."""


@dataclass
class ServerConfig:
    """How to run the reference server.

    ``max_outbound_bytes`` bounds each connection's unsent bytes (CLOSE-7):
    past it the connection is closed with 1001 ``slow consumer``, so one
    dashboard that stops reading costs at most that much memory.
    ``permessage_deflate`` accepts the extension when a client offers it
    (TRANS-9; declined by default). Batching and compression of forwarded
    messages are the profile's ``output`` keys (TERM-5). ``tls`` serves
    ``wss://`` with that server context (``onsembl serve --tls-cert --tls-key``).
    ``jwt_verifier``, when given, is how tokens are verified instead of the HS256
    ``jwt_secret``: a public key and its one algorithm, an audience and an issuer
    (``onsembl serve --jwt-public-key --jwt-alg --jwt-audience --jwt-issuer``;
    AUTH-13, AUTH-14).
    """

    host: str = "127.0.0.1"
    port: int = 3001
    path: str = "/ws"
    jwt_secret: str = ""
    profile: Profile = field(default_factory=Profile)
    max_outbound_bytes: int = 4 * 1024 * 1024
    close_timeout_s: float = 5.0
    security_log: SecurityLog | None = None
    permessage_deflate: bool = False
    tls: ssl.SSLContext | None = None
    jwt_verifier: Verifier | None = None


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


class _Outbox:
    """The core's :class:`~onsembl_server.core.effects.Effects` over websockets connections."""

    def __init__(self, server: ReferenceServer) -> None:
        self._server = server
        self.connections: dict[int, ServerConnection] = {}
        self.closing: set[int] = set()
        self.slow_consumers = 0
        self.max_buffered_at_close = 0
        self._tasks: set[asyncio.Task[None]] = set()
        self._pending: dict[ServerConnection, list[bytes]] = {}
        self._pending_bytes: dict[ServerConnection, int] = {}
        self._flush_scheduled = False
        profile = server.config.profile
        self._batch = profile.output_batch
        self._compress = profile.output_compress
        self._batch_room = profile.max_message_bytes - _BATCH_ROOM
        self.forward: Callable[[Iterable[int], str, str], None] = (
            self.send_many if profile.plain_output else self._forward_wrapped
        )
        """TERM-5: forwarded messages are plain (``send_many`` itself) unless ``output`` says."""

    def _writable(self, conn_id: int) -> ServerConnection | None:
        """The connection, unless it is closing or its unsent bytes are over the bound (CLOSE-7)."""
        if conn_id in self.closing:
            return None
        connection = self.connections.get(conn_id)
        if connection is None or connection.protocol.state is not State.OPEN:
            return None
        buffered = connection.transport.get_write_buffer_size() + self._pending_bytes.get(
            connection, 0
        )
        if buffered > self._server.config.max_outbound_bytes:
            self.max_buffered_at_close = max(self.max_buffered_at_close, buffered)
            self.slow_consumer(conn_id)
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
        for connection, frames in pending.items():
            protocol = connection.protocol
            if protocol.state is not State.OPEN:
                continue
            try:
                for data in self._batched(frames) if batching else frames:
                    protocol.send_text(data)
                connection.transport.write(b"".join(protocol.data_to_send()))
            except Exception:  # CLOSE-5; a connection failing must not stop the others
                task = asyncio.get_running_loop().create_task(
                    connection.close(CloseCode.INTERNAL_ERROR, "internal error")
                )
                self._tasks.add(task)
                task.add_done_callback(self._tasks.discard)

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

    def slow_consumer(self, conn_id: int) -> None:
        """CLOSE-7: close with 1001 ``slow consumer``; the buffer stays at its bound."""
        session = self._server.core.sessions.get(conn_id)
        self.slow_consumers += 1
        self._server.security_log_event(
            "slow_consumer",
            owner=session.owner if session else None,
            remote=session.remote if session else None,
            reason="outbound buffer over its bound",
        )
        self.close(conn_id, CloseCode.GOING_AWAY, SLOW_CONSUMER_REASON)


class ReferenceServer:
    """The reference server: ``await start()``, ``url``, ``await stop()`` (or ``async with``)."""

    def __init__(self, config: ServerConfig) -> None:
        if not config.jwt_secret and config.jwt_verifier is None:
            raise ServerConfigError("no JWT secret: pass --jwt-secret or set ONSEMBL_JWT_SECRET")
        self.config = config
        self.outbox = _Outbox(self)
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
        self.url = ""

    # ------------------------------------------------------------------ lifecycle

    async def start(self) -> None:
        """Listen (TRANS-1); ``url`` gives the address, with the bound port."""
        self._loop = asyncio.get_running_loop()
        quiet = logging.getLogger("onsembl_server.websockets")
        quiet.addHandler(logging.NullHandler())
        quiet.propagate = False
        try:
            self._server = await serve(
                self._handle,
                self.config.host,
                self.config.port,
                process_request=self._process_request,
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
        self.outbox.connections[conn_id] = connection
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
                    core.receive(conn_id, data, began)
                    if loop.time() - began > COSTLY_FRAME_S:
                        await asyncio.sleep(0)  # let the other connections' frames in first
                else:
                    core.binary_frame(conn_id)  # TRANS-4
                if timers.earliest_changed:
                    self._reschedule()
        finally:
            del self.outbox.connections[conn_id]
            self.outbox.closing.discard(conn_id)
            core.closed(conn_id, loop.time())
            self._reschedule()

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


__all__ = ["SLOW_CONSUMER_REASON", "ReferenceServer", "ServerConfig"]
