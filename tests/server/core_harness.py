"""An in-memory harness for the sans-I/O core: the server's rules without sockets or sleeping.

:class:`Core` drives :class:`~onsembl_server.core.ServerCore` through its public
API only (``open``, ``receive``, ``binary_frame``, ``closed``, ``tick``,
``next_deadline``) with :class:`~onsembl_server.core.effects.RecordingEffects`,
and a :class:`FakeClock` that tests move. Connections are opened with real JWTs
(``onsembl_spec.tokens.mint``, as the loopback harness in ``conftest.py`` does),
messages go in as JSON text, and every message the core sends is parsed and
validated against the schemas (MSG-8), as the loopback clients do on arrival.

It plays the I/O layer's part as ``app.py`` does: a connection the core asks to
close (or refuses at ``open``) is reported ``closed`` once the call that closed
it returns, and nothing sent to it after its close is delivered (the close frame
is the last frame). :meth:`Core.advance` runs ``tick`` at every deadline that
comes due, in order, as the app's timer does.
"""

from __future__ import annotations

import json
import time
from collections import deque
from collections.abc import Iterable
from typing import Any

from onsembl_server.core import RecordingEffects, ServerCore
from onsembl_server.core.auth import Handshake
from onsembl_server.seclog import MemorySecurityLog
from onsembl_spec.profile import profile_from_mapping
from onsembl_spec.tokens import Verifier, mint
from onsembl_spec.validation import validate
from onsembl_spec.wire import now_timestamp

SECRET = "reference-server-test-secret-0123456789"
"""The loopback tests' secret (``conftest.SECRET``)."""
BASE_PROFILE: dict[str, Any] = {
    "identify_timeout_s": 20,
    "heartbeat": {"interval_s": 30, "timeout_s": 90},
}
"""The loopback tests' base profile (``conftest.BASE_PROFILE``), merged under each test's."""
START = 1000.0
"""The monotonic time a :class:`Core` starts at."""


def merged_profile(profile: dict[str, Any] | None) -> dict[str, Any]:
    """``profile`` over :data:`BASE_PROFILE`, one level deep (as ``conftest.Harness.start``)."""
    merged = json.loads(json.dumps(BASE_PROFILE))
    for key, value in (profile or {}).items():
        if isinstance(value, dict) and isinstance(merged.get(key), dict):
            merged[key].update(value)
        else:
            merged[key] = value
    return merged


class OrderedEffects(RecordingEffects):
    """:class:`RecordingEffects` that also notes the order of sends and closes between them."""

    def __init__(self) -> None:
        super().__init__()
        self.order: list[tuple[str, int]] = []

    def send(self, conn_id: int, text: str) -> None:
        self.order.append(("send", len(self.sent)))
        super().send(conn_id, text)

    def send_many(self, conn_ids: Iterable[int], text: str) -> None:
        for conn_id in conn_ids:
            self.send(conn_id, text)

    def close(self, conn_id: int, code: int, reason: str) -> None:
        self.order.append(("close", len(self.closed)))
        super().close(conn_id, code, reason)


class FakeClock:
    """Monotonic ``now`` for the core's calls, and a wall clock (for token times) moving with it."""

    def __init__(self, start: float = START) -> None:
        self.now = start
        self._start = start
        self._wall_start = time.time()
        self.failure: Exception | None = None
        """Raised by :meth:`wall` when set: a fault the core did not expect (CLOSE-5)."""

    def wall(self) -> float:
        """Seconds since the epoch at :attr:`now` (what the core compares ``exp`` and ``nbf``
        with)."""
        if self.failure is not None:
            raise self.failure
        return self._wall_start + (self.now - self._start)


class Conn:
    """One connection as its client sees it: what it sent, received and how it was closed."""

    def __init__(self, core: Core, conn_id: int, owner: str | None) -> None:
        self.core = core
        self.id = conn_id
        self.owner = owner
        self.received: list[dict[str, Any]] = []
        """Every message delivered to this connection, in order."""
        self.inbox: deque[dict[str, Any]] = deque()
        """Delivered and not yet taken by :meth:`recv` (or :meth:`quiet`)."""
        self.close: tuple[int, str] | None = None
        """The server's close code and reason, once it asked to close the connection."""
        self.after_close: list[dict[str, Any]] = []
        """What the core sent after it asked to close the connection (never delivered)."""
        self.ended = False
        """``ServerCore.closed`` was called for this connection."""

    # ------------------------------------------------------------------ sending

    def send(self, message: dict[str, Any]) -> None:
        """Send ``message`` as one text frame, adding a ``timestamp`` when it has none."""
        if "timestamp" not in message:
            message = {**message, "timestamp": now_timestamp()}
        self.send_text(json.dumps(message))

    def send_text(self, text: str) -> None:
        """Send one text frame as is."""
        assert not self.ended, f"connection {self.id} has ended"
        self.core.core.receive(self.id, text, self.core.clock.now)
        self.core.settle()

    def send_binary(self) -> None:
        """A binary frame (TRANS-4)."""
        self.core.core.binary_frame(self.id)
        self.core.settle()

    def leave(self) -> None:
        """The client closes the connection (its socket ends)."""
        if not self.ended:
            self.ended = True
            self.core.core.closed(self.id, self.core.clock.now)
            self.core.settle()

    # ------------------------------------------------------------------ receiving

    def recv(self) -> dict[str, Any]:
        """The next message delivered and not yet taken; fails when there is none."""
        assert self.inbox, f"connection {self.id} has no message (received {self.received})"
        return self.inbox.popleft()

    def recv_type(self, message_type: str) -> dict[str, Any]:
        """The next message, which must be of ``message_type`` (server pings skipped)."""
        while True:
            message = self.recv()
            if message["type"] == "heartbeat:ping" and message_type != "heartbeat:ping":
                continue
            assert message["type"] == message_type, message
            return message

    def take(self) -> list[dict[str, Any]]:
        """Every message delivered and not yet taken."""
        messages = list(self.inbox)
        self.inbox.clear()
        return messages

    def types(self) -> list[str]:
        """The types of :meth:`take`."""
        return [m["type"] for m in self.take()]

    def quiet(self) -> None:
        """Nothing but server pings was delivered and not yet taken."""
        for message in self.take():
            assert message["type"] == "heartbeat:ping", f"unexpected message {message}"

    def roundtrip(self) -> None:
        """Ping; the pong must be the only message waiting (everything before it taken)."""
        self.send({"type": "heartbeat:ping", "requestId": "sync"})
        assert [m["type"] for m in self.take()] == ["heartbeat:pong"]

    def closed(self) -> tuple[int, str]:
        """The server's close code and reason; fails when it did not close the connection."""
        assert self.close is not None, f"connection {self.id} was not closed"
        return self.close

    @property
    def open(self) -> bool:
        return self.close is None and not self.ended


class Core:
    """A :class:`ServerCore` with recording effects, a memory security log and a fake clock."""

    def __init__(
        self,
        profile: dict[str, Any] | None = None,
        *,
        jwt_verifier: Verifier | None = None,
        base: bool = True,
    ) -> None:
        self.clock = FakeClock()
        self.effects = OrderedEffects()
        self.log = MemorySecurityLog()
        mapping = merged_profile(profile) if base else dict(profile or {})
        self.core = ServerCore(
            profile_from_mapping(mapping),
            jwt_verifier if jwt_verifier is not None else SECRET,
            self.effects,
            security_log=self.log,
            wall_clock=self.clock.wall,
        )
        self.conns: dict[int, Conn] = {}
        self._next_id = 1
        self._seen = 0

    @property
    def now(self) -> float:
        return self.clock.now

    # ------------------------------------------------------------------ tokens

    def token(self, sub: str = "alice", ttl: float = 3600.0, **extra: Any) -> str:
        """An HS256 token of the test secret, issued at the fake wall clock's now."""
        return mint(SECRET, sub, ttl=ttl, now=self.clock.wall(), extra=extra or None)

    # ------------------------------------------------------------------ connections

    def raw(
        self,
        *,
        token: str | None = None,
        via: str = "query",
        handshake: Handshake | None = None,
        remote: str | None = None,
        owner: str | None = None,
    ) -> Conn:
        """A connection after its handshake, authenticated or not (see ``Conn.close``).

        ``via`` is query, header or cookie (AUTH-1), as in ``conftest.Harness.raw``.
        """
        if handshake is None:
            if token is None:
                handshake = Handshake(path="/ws")
            elif via == "query":
                handshake = Handshake(path=f"/ws?token={token}")
            elif via == "header":
                handshake = Handshake(path="/ws", authorization=(f"Bearer {token}",))
            else:
                handshake = Handshake(path="/ws", cookies=(f"token={token}",))
        conn_id = self._next_id
        self._next_id += 1
        conn = self.conns[conn_id] = Conn(self, conn_id, owner)
        accepted = self.core.open(
            conn_id, handshake, remote or f"127.0.0.1:{40000 + conn_id}", self.clock.now
        )
        self.settle()
        assert accepted == (conn.close is None), (accepted, conn.close)
        return conn

    def client(self, sub: str = "alice", ttl: float = 3600.0, **kwargs: Any) -> Conn:
        """An authenticated, unidentified connection of ``sub``."""
        conn = self.raw(token=self.token(sub, ttl), owner=sub, **kwargs)
        assert conn.open, f"the core refused {sub}'s connection: {conn.close}"
        return conn

    def dashboard(self, sub: str = "alice", dashboard_id: str = "dash-1") -> Conn:
        """An identified dashboard (its ``agent:list`` taken)."""
        conn = self.client(sub)
        conn.send({"type": "dashboard:connect", "dashboardId": dashboard_id})
        conn.recv_type("agent:list")
        return conn

    def agent(
        self, sub: str = "alice", agent_id: str = "agent-1", agent_type: str = "claude"
    ) -> Conn:
        """An identified agent (IDENT-6: no reply to take)."""
        conn = self.client(sub)
        conn.send({"type": "agent:connect", "agentId": agent_id, "agentType": agent_type})
        return conn

    # ------------------------------------------------------------------ time

    def advance(self, seconds: float) -> None:
        """Move the clock ``seconds`` on, ticking at every deadline that comes due on the way."""
        self.advance_to(self.clock.now + seconds)

    def advance_to(self, when: float) -> None:
        """Move the clock to ``when``, ticking at every deadline due by then, in order."""
        assert when >= self.clock.now, (when, self.clock.now)
        for _ in range(100_000):
            deadline = self.core.next_deadline()
            if deadline is None or deadline > when:
                break
            self.clock.now = max(self.clock.now, deadline)
            self.core.tick(self.clock.now)
            self.settle()
        else:  # pragma: no cover - a deadline that never moves on
            raise AssertionError("next_deadline() does not move past the ticks")
        self.clock.now = when

    # ------------------------------------------------------------------ effects

    def settle(self) -> None:
        """Deliver what the core sent since the last call, in order; end the connections it
        closed (as ``app.py`` does once their close handshake is over)."""
        order = self.effects.order
        ending: list[int] = []
        while True:
            while self._seen < len(order):
                kind, index = order[self._seen]
                self._seen += 1
                if kind == "send":
                    self._deliver(*self.effects.sent[index])
                    continue
                conn_id, code, reason = self.effects.closed[index]
                conn = self.conns[conn_id]
                assert conn.close is None, f"connection {conn_id} closed twice"
                assert not conn.ended, f"connection {conn_id} closed after it ended"
                assert 1000 <= code <= 4999 and code not in (1004, 1005, 1006, 1015), code
                assert len(reason.encode()) <= 123, reason  # fits a close frame (CLOSE-6)
                conn.close = (code, reason)
                ending.append(conn_id)
            if not ending:
                return
            conn_id = ending.pop(0)
            conn = self.conns[conn_id]
            if not conn.ended:
                conn.ended = True
                self.core.closed(conn_id, self.clock.now)

    def _deliver(self, conn_id: int, text: str) -> None:
        conn = self.conns.get(conn_id)
        assert conn is not None, f"sent to unknown connection {conn_id}: {text}"
        assert not conn.ended, f"sent to connection {conn_id} after it ended: {text}"
        message = json.loads(text)
        assert isinstance(message, dict), text  # TRANS-3: one JSON object
        issues = validate(message)
        assert issues == [], f"the core sent an invalid message (MSG-8): {text} {issues}"
        if conn.close is not None:
            conn.after_close.append(message)
            return
        conn.received.append(message)
        conn.inbox.append(message)

    # ------------------------------------------------------------------ the log

    def events(self, event: str) -> list[dict[str, Any]]:
        """The security log's records of ``event``."""
        return [r for r in self.log.records if r["event"] == event]
