"""The asyncio layer: ``connect()`` and :class:`Client`, on ``websockets`` (no framing here).

Everything the protocol decides is in :class:`~onsembl_client.core.ClientCore`;
this module only runs it: it opens connections when the core asks (the token
in an ``Authorization: Bearer`` header, CLIENT-1), writes each connection's
frames in order from one writer task, feeds every frame read to the core, calls
the token provider, keeps one timer at the core's next deadline, and queues
events for ``async for event in client``.

Transport choices (``websockets.asyncio.client.connect``):

- ``compression=None``: no permessage-deflate. The protocol compresses what is
  worth it with ``compressed`` (TERM-3), servers decline the extension by
  default (TRANS-9), and each inflating path is a memory bound to keep; plain
  frames are also what a checker reads most easily.
- ``ping_interval=None``: no WebSocket Ping frames; they are no sign of life for
  the server (HB-4), ``heartbeat:ping`` is (CLIENT-5).
- ``max_size``: 3 x ``max_message_bytes`` + 64 KiB, as the conformance suite
  allows a server's frames (a forwarded text re-encoded may grow); a bigger
  frame closes the connection 1009 and the client reconnects.
"""

from __future__ import annotations

import asyncio
import contextlib
import functools
import inspect
import logging
import random
import ssl as ssl_module
from collections.abc import AsyncIterator, Callable, Generator, Mapping
from dataclasses import dataclass, field
from types import TracebackType
from typing import Any, TypeVar
from urllib.parse import urlsplit

from websockets.asyncio.client import ClientConnection
from websockets.asyncio.client import connect as ws_connect
from websockets.exceptions import ConnectionClosed, InvalidStatus
from websockets.protocol import State

from onsembl_client.core.phases import Phase
from onsembl_client.core.session import CLOSE_WAIT_S, ClientCore, Delivery
from onsembl_client.errors import ClientError
from onsembl_client.events import ClientEvent, Closed, EventsDropped
from onsembl_client.providers import TokenProvider
from onsembl_spec import __version__
from onsembl_spec.profile import Profile

LOG = logging.getLogger("onsembl_client")

OUTBOX_HIGH = 1000
"""``send()`` waits while a connection has this many frames not yet written..."""
OUTBOX_LOW = 100
"""...until it is down to this many."""

MAX_EVENTS = 10_000
"""Events kept for the application before new ones are dropped (counted, then reported
as :class:`EventsDropped`): the reader never waits for the application, so pings are
answered (HB-5) even when nobody reads the events."""

REFUSED_STATUSES = frozenset({401, 403})
"""HTTP statuses of a handshake refused for its token (CLIENT-10, see ``ClientCore.failed``)."""

T = TypeVar("T")


def frame_bound(profile: Profile) -> int:
    """The largest frame read: 3 x ``max_message_bytes`` + 64 KiB (module docstring)."""
    return 3 * profile.max_message_bytes + 65536


def check_url(url: str) -> str:
    """``url`` when it is a ``ws://`` or ``wss://`` URL with a host, else :class:`ClientError`."""
    try:
        parts = urlsplit(url)
        parts.port  # noqa: B018 - raises ValueError on a bad port
    except ValueError as err:
        raise ClientError(f"bad URL {url!r}: {err}") from None
    if parts.scheme not in ("ws", "wss") or not parts.hostname:
        raise ClientError(f"bad URL {url!r}: expected ws://HOST[:PORT]/PATH or wss://...")
    return url


def _one_line(err: BaseException) -> str:
    text = " ".join(str(err).split())
    return f"{type(err).__name__}: {text}" if text else type(err).__name__


@dataclass(frozen=True)
class _CloseRequest:
    code: int
    reason: str


@dataclass
class _Link:
    """One connection of the asyncio layer, numbered by the core."""

    number: int
    ws: ClientConnection | None = None
    outbox: asyncio.Queue[str | _CloseRequest] = field(default_factory=asyncio.Queue)
    room: asyncio.Event = field(default_factory=asyncio.Event)
    abandoned: bool = False
    """The core gave it up while it was still opening: close it once open."""


class _LoopEffects:
    """The core's :class:`~onsembl_client.core.effects.Effects` on the event loop."""

    def __init__(self, client: Client) -> None:
        self.client = client

    def open(self, connection: int, token: str) -> None:
        self.client._spawn(self.client._open(connection, token))

    def send(self, connection: int, text: str) -> None:
        link = self.client._links.get(connection)
        if link is not None and link.ws is not None:
            link.outbox.put_nowait(text)
            if link.outbox.qsize() >= OUTBOX_HIGH:
                link.room.clear()

    def close(self, connection: int, code: int, reason: str) -> None:
        link = self.client._links.get(connection)
        if link is None:
            return
        if link.ws is None:
            link.abandoned = True
            return
        link.outbox.put_nowait(_CloseRequest(code, reason))
        self.client._later(self.client.close_timeout + 1.0, lambda: self.client._abort(link))

    def request_token(self, ticket: int, purpose: str) -> None:
        self.client._spawn(self.client._fetch_token(ticket))

    def event(self, event: ClientEvent) -> None:
        self.client._queue_event(event)


class Client:
    """A dashboard or agent client over successive connections (see :func:`connect`).

    Use it as ``async with connect(...) as client:`` (or ``client = await connect(...)``
    and ``await client.close()``); ``async for event in client`` yields the server's
    messages (:class:`~onsembl_client.events.Message`) and connection events until
    :class:`~onsembl_client.events.Closed`.
    """

    def __init__(
        self,
        url: str,
        token_provider: TokenProvider,
        role: str = "dashboard",
        *,
        agent_id: str | None = None,
        agent_type: str = "claude",
        dashboard_id: str | None = None,
        version: str | None = None,
        profile: Profile | None = None,
        rng: random.Random | None = None,
        open_timeout: float = 10.0,
        close_timeout: float = 5.0,
        ssl: ssl_module.SSLContext | None = None,
        headers: Mapping[str, str] | None = None,
        max_events: int = MAX_EVENTS,
    ) -> None:
        if not callable(token_provider):
            raise ClientError("token_provider must be a callable returning the current token")
        self.url = check_url(url)
        self.profile = profile if profile is not None else Profile()
        self.open_timeout = open_timeout
        self.close_timeout = close_timeout
        self._provider = token_provider
        self._ssl = ssl
        self._headers = dict(headers or {})
        self._max_events = max_events
        self._effects = _LoopEffects(self)
        self.core = ClientCore(
            role,
            self._effects,
            agent_id=agent_id,
            agent_type=agent_type,
            dashboard_id=dashboard_id,
            version=version,
            profile=self.profile,
            rng=rng,
        )
        self._links: dict[int, _Link] = {}
        self._tasks: set[asyncio.Task[Any]] = set()
        self._events: asyncio.Queue[ClientEvent] = asyncio.Queue()
        self._events_dropped = 0
        self._iteration_over = False
        self._identified = asyncio.Event()
        self._closed = asyncio.Event()
        self._close_code: int | None = None
        self._loop: asyncio.AbstractEventLoop | None = None
        self._timer: asyncio.TimerHandle | None = None
        self._timer_at: float | None = None

    # ------------------------------------------------------------------ public

    @property
    def role(self) -> str:
        return self.core.role

    @property
    def client_id(self) -> str:
        """The ``agentId`` or ``dashboardId`` sent on every connection (CLIENT-3)."""
        return self.core.client_id

    @property
    def phase(self) -> Phase:
        return self.core.phase

    @property
    def identified(self) -> bool:
        return self.core.phase is Phase.IDENTIFIED

    async def start(self) -> Client:
        """Begin: the first connection attempt starts at once."""
        if self._loop is None:
            self._loop = asyncio.get_running_loop()
            self._drive(self.core.start)
        return self

    def __await__(self) -> Generator[Any, None, Client]:
        return self.start().__await__()

    async def __aenter__(self) -> Client:
        return await self.start()

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        await self.close()

    async def send(self, message: Mapping[str, Any]) -> Delivery:
        """Check and send ``message`` (a ``timestamp`` is added when missing).

        CLIENT-4: an invalid message raises :class:`~onsembl_client.errors.InvalidMessageError`
        and nothing goes on the wire. Without an identified connection, or during a
        rate-limit pause, it is kept and sent later in order (CLIENT-11, CLIENT-12).
        Waits while the open connection has :data:`OUTBOX_HIGH` frames unwritten.
        """
        delivery = self.send_nowait(message)
        link = self._current_link()
        if link is not None and not link.room.is_set():
            await link.room.wait()
        return delivery

    def send_nowait(self, message: Mapping[str, Any]) -> Delivery:
        """:meth:`send` without waiting for the connection to write (for callbacks)."""
        if self._loop is None:
            raise ClientError("start the client first (async with connect(...) or await it)")
        return self._drive(lambda now: self.core.send(message, now))

    async def wait_identified(self, timeout: float | None = None) -> None:
        """Wait until a connection is identified (TimeoutError after ``timeout`` seconds)."""
        await asyncio.wait_for(self._identified.wait(), timeout)

    async def close(self, timeout: float | None = None) -> int | None:
        """Send the disconnect message and wait for the server's 1000 (CLOSE-1), at most
        ``timeout`` seconds (default: the core's wait and one more second); then stop every
        task. Returns the close code the server sent, if any."""
        if self._loop is None:
            self._loop = asyncio.get_running_loop()
        self._drive(self.core.close)
        wait = CLOSE_WAIT_S + 1.0 if timeout is None else timeout
        with contextlib.suppress(TimeoutError):
            await asyncio.wait_for(self._closed.wait(), wait)
        await self._shutdown()
        return self._close_code

    def __aiter__(self) -> AsyncIterator[ClientEvent]:
        return self.events()

    async def events(self) -> AsyncIterator[ClientEvent]:
        """The events, in order, until :class:`~onsembl_client.events.Closed` (included)."""
        while not self._iteration_over:
            event = await self._events.get()
            if isinstance(event, Closed):
                self._iteration_over = True
            yield event

    # ------------------------------------------------------------------ driving the core

    def _now(self) -> float:
        assert self._loop is not None
        return self._loop.time()

    def _drive(self, step: Callable[[float], T]) -> T:
        """Run one step of the core at ``now``, then re-arm the timer and the waiters."""
        try:
            return step(self._now())
        finally:
            self._after_step()

    def _after_step(self) -> None:
        if self.core.phase is Phase.IDENTIFIED:
            self._identified.set()
        else:
            self._identified.clear()
        if self.core.phase is Phase.CLOSED:
            self._closed.set()
            self._cancel_timer()
            return
        deadline = self.core.next_deadline()
        if deadline == self._timer_at:
            return
        self._cancel_timer()
        if deadline is not None and self._loop is not None:
            self._timer_at = deadline
            self._timer = self._loop.call_at(deadline, self._on_timer)

    def _cancel_timer(self) -> None:
        if self._timer is not None:
            self._timer.cancel()
        self._timer = None
        self._timer_at = None

    def _on_timer(self) -> None:
        self._timer = None
        self._timer_at = None
        self._drive(self.core.tick)

    def _spawn(self, coroutine: Any) -> None:
        assert self._loop is not None
        task = self._loop.create_task(coroutine)
        self._tasks.add(task)
        task.add_done_callback(self._task_done)

    def _task_done(self, task: asyncio.Task[Any]) -> None:
        self._tasks.discard(task)
        if not task.cancelled() and task.exception() is not None:
            LOG.error("onsembl_client task failed", exc_info=task.exception())

    def _later(self, delay: float, callback: Callable[[], None]) -> None:
        assert self._loop is not None
        self._loop.call_later(delay, callback)

    def _queue_event(self, event: ClientEvent) -> None:
        if isinstance(event, Closed):
            self._close_code = event.code
        elif self._events.qsize() >= self._max_events:
            self._events_dropped += 1
            return
        if self._events_dropped:
            self._events.put_nowait(EventsDropped(self._events_dropped))
            self._events_dropped = 0
        self._events.put_nowait(event)

    def _current_link(self) -> _Link | None:
        connection = self.core.connection
        return None if connection is None else self._links.get(connection.number)

    # ------------------------------------------------------------------ I/O

    async def _fetch_token(self, ticket: int) -> None:
        try:
            value = self._provider()
            if inspect.isawaitable(value):
                value = await value
            if not isinstance(value, str) or not value.strip():
                raise ClientError("the token provider returned no token")
        except Exception as err:  # a provider's failure is an event, not a crash
            reason = str(err) if isinstance(err, ClientError) else _one_line(err)
            self._drive(lambda now: self.core.token_failed(ticket, reason, now))
            return
        token = value.strip()
        self._drive(lambda now: self.core.token_ready(ticket, token, now))

    async def _open(self, number: int, token: str) -> None:
        """CLIENT-1: the handshake presents the token (``Authorization: Bearer``)."""
        link = _Link(number)
        link.room.set()
        self._links[number] = link
        headers = self.handshake_headers(token)
        tls: dict[str, Any] = {} if self._ssl is None else {"ssl": self._ssl}
        try:
            ws = await ws_connect(
                self.url,
                additional_headers=headers,
                compression=None,
                ping_interval=None,
                open_timeout=self.open_timeout,
                close_timeout=self.close_timeout,
                max_size=frame_bound(self.profile),
                user_agent_header=f"onsembl-client/{__version__}",
                logger=LOG,
                **tls,
            )
        except InvalidStatus as err:
            status = err.response.status_code
            self._links.pop(number, None)
            refused = status in REFUSED_STATUSES
            reason = f"handshake refused: HTTP {status}"
            self._drive(lambda now: self.core.failed(number, now, reason, token_refused=refused))
            return
        except Exception as err:  # refused, unreachable, timed out, TLS, bad handshake
            self._links.pop(number, None)
            reason = _one_line(err)
            self._drive(lambda now: self.core.failed(number, now, reason))
            return
        link.ws = ws
        if link.abandoned:
            self._links.pop(number, None)
            await ws.close()
            return
        self._spawn(self._write(link, ws))
        self._spawn(self._read(link, ws))
        self._drive(lambda now: self.core.opened(number, now))

    def handshake_headers(self, token: str) -> dict[str, str]:
        """CLIENT-1: the token in the ``Authorization: Bearer`` header (AUTH-1's first source),
        with the ``headers`` the client was given."""
        return {**self._headers, "Authorization": f"Bearer {token}"}

    async def _write(self, link: _Link, ws: ClientConnection) -> None:
        """The connection's frames, one at a time, in the order the core sent them."""
        try:
            while True:
                item = await link.outbox.get()
                if link.outbox.qsize() <= OUTBOX_LOW:
                    link.room.set()
                if isinstance(item, _CloseRequest):
                    await ws.close(item.code, item.reason)
                    return
                await ws.send(item)
        except ConnectionClosed:
            return
        finally:
            link.room.set()

    async def _read(self, link: _Link, ws: ClientConnection) -> None:
        number = link.number
        try:
            async for data in ws:
                try:
                    if isinstance(data, str):
                        self._drive(functools.partial(self._receive, number, data))
                    else:
                        self._drive(lambda now: self.core.binary(number, now))
                except Exception:  # a bug in handling one frame must not stop the reading
                    LOG.exception("onsembl_client: a frame could not be handled")
        except ConnectionClosed:
            pass
        finally:
            self._links.pop(number, None)
            link.room.set()
        code = ws.close_code
        reason = ws.close_reason or ""
        self._drive(lambda now: self.core.closed(number, code, reason, now))

    def _receive(self, number: int, text: str, now: float) -> None:
        self.core.receive(number, text, now)

    def _abort(self, link: _Link) -> None:
        """A close that did not complete in time: drop the TCP connection."""
        if link.ws is not None and link.ws.state is not State.CLOSED:
            link.ws.transport.abort()

    async def _shutdown(self) -> None:
        self._cancel_timer()
        for link in list(self._links.values()):
            if link.ws is not None:
                link.ws.transport.abort()
        self._links.clear()
        tasks = [task for task in self._tasks if not task.done()]
        for task in tasks:
            task.cancel()
        if tasks:
            await asyncio.gather(*tasks, return_exceptions=True)
        if not self._closed.is_set():  # the core did not reach closed in time
            self._closed.set()
            self._queue_event(Closed(None))


def connect(
    url: str,
    token_provider: TokenProvider,
    role: str = "dashboard",
    *,
    agent_id: str | None = None,
    agent_type: str = "claude",
    dashboard_id: str | None = None,
    version: str | None = None,
    profile: Profile | None = None,
    **options: Any,
) -> Client:
    """A client of ``role`` (``dashboard`` or ``agent``, which needs ``agent_id``) for ``url``.

    ``token_provider`` returns the current token (a sync or async callable): it is asked
    before every connection attempt and on every ``auth:refresh-needed`` (CLIENT-1,
    CLIENT-6). ``profile`` gives the heartbeat, reconnect and send-buffer keys
    (PROF-1; the defaults are the document's). Nothing happens until the client is
    started: ``async with connect(...) as client`` or ``client = await connect(...)``.
    Further options: ``rng``, ``open_timeout``, ``close_timeout``, ``ssl``, ``headers``,
    ``max_events`` (:class:`Client`).
    """
    return Client(
        url,
        token_provider,
        role,
        agent_id=agent_id,
        agent_type=agent_type,
        dashboard_id=dashboard_id,
        version=version,
        profile=profile,
        **options,
    )


__all__ = ["MAX_EVENTS", "Client", "check_url", "connect", "frame_bound"]
