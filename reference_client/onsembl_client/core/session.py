"""``ClientCore``: one client over its successive connections, every protocol decision.

Driven by the I/O layer with ``now`` (monotonic seconds): ``start``, ``send``,
``close`` from the application; ``opened``, ``failed``, ``receive``, ``binary``,
``closed`` from the transport; ``token_ready``, ``token_failed`` from the token
provider; ``tick`` at :meth:`ClientCore.next_deadline`. It answers through
:class:`~onsembl_client.core.effects.Effects`. Unit tests drive it with a fake
clock and a :class:`~onsembl_client.core.effects.RecordingEffects`.

Each client rule lives in one named method or module function, listed in
ARCHITECTURE.md ("Reference client"), so that a fault can replace exactly one.
"""

from __future__ import annotations

import random
import secrets
from collections import deque
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from enum import StrEnum
from typing import Any, ClassVar

from onsembl_client.core import backoff, incoming, outgoing
from onsembl_client.core.buffer import SendBuffer
from onsembl_client.core.effects import Effects
from onsembl_client.core.phases import CONNECTED, Phase, Trigger, advance
from onsembl_client.errors import ClientClosedError, ClientError, InvalidMessageError
from onsembl_client.events import (
    Closed,
    Connected,
    Connecting,
    Disconnected,
    Dropped,
    Identified,
    Message,
    Paused,
    Refreshing,
    Resumed,
    TokenRefused,
    TokenUnavailable,
    Unreadable,
)
from onsembl_spec import wire
from onsembl_spec.profile import Profile
from onsembl_spec.protocol import CloseCode

PING_GRACE_S = 0.25
"""CLIENT-5: the client pings ``heartbeat.interval_s`` plus this much after the server's
last message. A server pings after the same silence of its own (HB-2), so a prompt
server's ping arrives first and the two sides do not both ping every interval (which,
with a short interval, could pass the server's limit on ``heartbeat:ping``)."""

CLOSE_WAIT_S = 5.0
"""How long ``close()`` waits for the server's 1000 after the disconnect message (CLOSE-1)
before closing the connection itself."""

DEFAULT_RATE_PAUSE_S = 1.0
"""CLIENT-12: the pause after a ``RATE_LIMIT`` error that gives no ``retryAfter``
(*decision*: RATE-8 makes servers give one; one second is the smallest window)."""

REFUSED_TOKENS_KEPT = 64
"""CLIENT-10: how many refused tokens the client remembers (the newest)."""

OWN_TYPES = frozenset(
    {"dashboard:connect", "agent:connect", "dashboard:disconnect", "agent:disconnect"}
)
"""Types the client sends itself (identification, ``close()``), never for the application."""

HEARTBEAT_TYPES = frozenset({"heartbeat:ping", "heartbeat:pong"})
"""CLIENT-11: never kept; they mean something only on the connection they are sent on."""


class Delivery(StrEnum):
    """What :meth:`ClientCore.send` did with a message."""

    SENT = "sent"
    """Handed to the open, identified connection."""
    KEPT = "kept"
    """Kept in the send buffer, sent after the next identification or pause (CLIENT-11)."""
    DROPPED = "dropped"
    """Not sent and not kept (a heartbeat with no connection, a full buffer)."""


@dataclass
class ConnectionState:
    """One connection (or attempt) of the client."""

    number: int
    tokens: list[str] = field(default_factory=list)
    """Every token it presented: at the handshake and in refreshes (CLIENT-10)."""
    opened_at: float | None = None
    last_received: float = 0.0
    last_ping: float = float("-inf")


class ClientCore:
    """The client's state over all its connections (see the module docstring)."""

    HANDLERS: ClassVar[dict[str, str]] = {
        "heartbeat:ping": "answer_ping",
        "auth:refresh-needed": "on_refresh_needed",
        "auth:refresh-success": "on_refresh_answer",
        "auth:refresh-failed": "on_refresh_answer",
        "connection:error": "on_connection_error",
    }
    """Server message types the core itself reacts to, and the method that does; every
    message (these too) also goes to the application as a :class:`Message` event."""

    def __init__(
        self,
        role: str,
        effects: Effects,
        *,
        agent_id: str | None = None,
        agent_type: str = "claude",
        dashboard_id: str | None = None,
        version: str | None = None,
        profile: Profile | None = None,
        rng: random.Random | None = None,
        timestamp: Callable[[], str] = wire.now_timestamp,
    ) -> None:
        if role not in ("dashboard", "agent"):
            raise ClientError(f"role must be dashboard or agent, not {role!r}")
        if role == "agent":
            if not agent_id:
                raise ClientError("an agent needs an agent id")
            client_id = agent_id
        else:
            client_id = dashboard_id or f"dashboard-{secrets.token_hex(4)}"
        self.role = role
        self.client_id = client_id
        self.agent_id = agent_id if role == "agent" else None
        self.agent_type = agent_type
        self.version = version
        self.profile = profile if profile is not None else Profile()
        self.effects = effects
        self.rng = rng if rng is not None else random.Random()
        self.timestamp = timestamp
        try:  # a bad agent id or type is the caller's mistake, found before any connection
            outgoing.prepare(
                self.identification_message(),
                role=role,
                agent_id=self.agent_id,
                max_bytes=self.profile.max_message_bytes,
            )
        except InvalidMessageError as err:
            raise ClientError(f"cannot identify as {client_id!r}: {err}") from None
        self.phase = Phase.DISCONNECTED
        self.attempts = 0
        """n of CLIENT-9: consecutive attempts made since the last reset."""
        self.connection: ConnectionState | None = None
        self.reconnect_at: float | None = None
        self.paused_until: float | None = None
        self.closing_deadline: float | None = None
        self.refresh_pending = False
        self.deferred_refresh: outgoing.Outgoing | None = None
        self.refused_tokens: deque[str] = deque(maxlen=REFUSED_TOKENS_KEPT)
        self.buffer = SendBuffer(self.profile.send_buffer_messages, self.profile.send_buffer_bytes)
        self._tickets: dict[int, tuple[str, int | None]] = {}
        self._next_ticket = 0
        self._next_connection = 0

    # ------------------------------------------------------------------ phases

    def _move(self, trigger: Trigger) -> bool:
        """Follow the state table (``phases.TRANSITIONS``); ``False`` when it has no move."""
        following = advance(self.phase, trigger)
        if following is None:
            return False
        self.phase = following
        return True

    @property
    def connected(self) -> bool:
        return self.phase in CONNECTED and self.connection is not None

    def _current(self, connection: int) -> bool:
        return self.connection is not None and self.connection.number == connection

    # ------------------------------------------------------------------ the application

    def start(self, now: float) -> None:
        """Open the first connection at once (the waits of CLIENT-9 are for reconnections)."""
        if self._move(Trigger.START):
            self._begin_attempt(None)

    def send(self, message: Mapping[str, Any], now: float) -> Delivery:
        """Check ``message`` (CLIENT-4: :class:`InvalidMessageError`, nothing sent) and send
        it, keep it (CLIENT-11, CLIENT-12) or drop it."""
        if self.phase in (Phase.CLOSING, Phase.CLOSED):
            raise ClientClosedError("the client is closed")
        prepared = outgoing.prepare(
            message,
            role=self.role,
            agent_id=self.agent_id,
            max_bytes=self.profile.max_message_bytes,
            timestamp=self.timestamp,
        )
        own = OWN_TYPES.intersection(prepared.types)
        if own:
            raise ClientError(
                f"the client sends {', '.join(sorted(own))} itself (it identifies on every"
                " connection and close() disconnects)"
            )
        return self.route(prepared, now)

    def route(self, prepared: outgoing.Outgoing, now: float) -> Delivery:
        """CLIENT-11, CLIENT-12: send now when identified and not paused; else keep the
        message in the bounded buffer, in order. Heartbeats are never kept; a refresh
        waits only for a pause's end (a new connection presents the provider's token)."""
        kind = prepared.message_type
        if kind in HEARTBEAT_TYPES:
            if self.connected and (kind == "heartbeat:pong" or not self.paused):
                self._transmit(prepared)
                return Delivery.SENT
            self.effects.event(Dropped(kind, "no open connection, or paused (CLIENT-12)"))
            return Delivery.DROPPED
        if kind == "auth:refresh-token":
            return self._route_refresh(prepared)
        if self.phase is Phase.IDENTIFIED and not self.paused and len(self.buffer) == 0:
            self._transmit(prepared)
            return Delivery.SENT
        return self._keep(prepared)

    def close(self, now: float) -> None:
        """Leave: the disconnect message, then the server's 1000 (CLOSE-1) within
        :data:`CLOSE_WAIT_S`; without an identified connection, at once. Messages still
        kept are dropped (each reported)."""
        if self.phase in (Phase.CLOSING, Phase.CLOSED):
            return
        was = self.phase
        for kept in self.buffer.take_all():
            self.effects.event(Dropped(kept.message_type, "the client closed before sending it"))
        self._move(Trigger.CLOSE)
        self.reconnect_at = None
        if was not in (Phase.UNIDENTIFIED, Phase.IDENTIFIED):  # no open connection: closed
            self.connection = None
            self.effects.event(Closed(None))
            return
        assert self.connection is not None
        self.closing_deadline = now + CLOSE_WAIT_S
        if was is Phase.IDENTIFIED and not self.paused:
            self._transmit_own(outgoing.disconnect(self.role, self.client_id))
        else:
            self.effects.close(self.connection.number, CloseCode.NORMAL, "client closing")

    # ------------------------------------------------------------------ connecting

    def _ticket(self, purpose: str, connection: int | None) -> None:
        self._next_ticket += 1
        self._tickets[self._next_ticket] = (purpose, connection)
        self.effects.request_token(self._next_ticket, purpose)

    def _begin_attempt(self, attempt: int | None) -> None:
        self.effects.event(Connecting(attempt))
        self._ticket("connect", None)

    def token_ready(self, ticket: int, token: str, now: float) -> None:
        """The provider's answer to ``request_token``."""
        purpose, connection = self._tickets.pop(ticket, ("", None))
        if purpose == "connect" and self.phase is Phase.CONNECTING and self.connection is None:
            if self.token_refused(token):
                self._wait_for_token(now)
                return
            self._next_connection += 1
            self.connection = ConnectionState(self._next_connection, [token])
            self.effects.open(self._next_connection, token)  # CLIENT-1: the current token
        elif purpose == "refresh" and connection is not None and self._current(connection):
            self.send_refresh(token, now)

    def token_failed(self, ticket: int, reason: str, now: float) -> None:
        """The provider failed: a connection attempt counts as failed (backoff follows)."""
        purpose, connection = self._tickets.pop(ticket, ("", None))
        if not purpose:
            return
        self.effects.event(TokenUnavailable(purpose, reason))
        if purpose == "connect" and self.phase is Phase.CONNECTING and self.connection is None:
            self._ended(None, f"no token: {reason}", now)
        elif purpose == "refresh" and connection is not None and self._current(connection):
            self.refresh_pending = False

    def opened(self, connection: int, now: float) -> None:
        """The handshake succeeded: identify at once (CLIENT-2)."""
        if not self._current(connection) or self.phase is not Phase.CONNECTING:
            self.effects.close(connection, CloseCode.NORMAL, "client closing")
            return
        assert self.connection is not None
        self._move(Trigger.HANDSHAKE_OK)
        self.connection.opened_at = now
        self.connection.last_received = now
        self.effects.event(Connected(connection))
        self.identify(now)

    def identification_message(self) -> dict[str, Any]:
        """CLIENT-3: the same ``agentId`` (or this client's ``dashboardId``) every time."""
        return outgoing.identification(
            self.role, self.client_id, agent_type=self.agent_type, version=self.version
        )

    def identify(self, now: float) -> None:
        """CLIENT-2: the connect message first; then what was kept meanwhile, in order
        (CLIENT-11), unless a rate-limit pause holds it (CLIENT-12). The connect message
        goes even during a pause (*decision*: CLIENT-2 bounds its time, and the pause
        may have been another connection's)."""
        self._transmit_own(self.identification_message())
        self._move(Trigger.IDENTIFY_SENT)
        flushed = 0 if self.paused else self.flush()
        self.effects.event(Identified(self._number(), self.role, self.client_id, flushed))

    def failed(
        self, connection: int, now: float, reason: str, *, token_refused: bool = False
    ) -> None:
        """The attempt failed before the handshake completed. ``token_refused``: the server
        refused the handshake itself for the token (HTTP 401 or 403), which the client
        treats as a 1008 (*decision*: CLIENT-10's reason holds; AUTH-3 servers close 1008)."""
        if not self._current(connection):
            return
        if token_refused:
            self.refuse_tokens()
        self._ended(None, reason, now)

    def closed(self, connection: int, code: int | None, reason: str, now: float) -> None:
        """The connection ended (``code`` ``None``: no close frame, 1006)."""
        if not self._current(connection):
            return
        if self.refuses_token(code):
            self.refuse_tokens()
        self._ended(code, reason, now)

    def _number(self) -> int:
        return self.connection.number if self.connection is not None else 0

    def _ended(self, code: int | None, reason: str, now: float) -> None:
        """A connection or attempt is over: closed, or reconnect (CLIENT-8) after a wait."""
        ended = self.connection
        self.connection = None
        self.refresh_pending = False
        self.deferred_refresh = None
        if self.phase is Phase.CLOSING:
            self._move(Trigger.ENDED)
            self.closing_deadline = None
            self.effects.event(Disconnected(code, reason, None))
            self.effects.event(Closed(code))
            return
        if not self._move(Trigger.ENDED):
            return
        if ended is not None and ended.opened_at is not None:
            self.note_connection_lasted(now - ended.opened_at)
        wait = self.schedule_reconnect(now)
        self.effects.event(Disconnected(code, reason, wait))

    def note_connection_lasted(self, seconds: float) -> None:
        """CLIENT-9: a connection open ``reconnect.reset_after_s`` ends the consecutive run."""
        if backoff.resets(self.profile, seconds):
            self.attempts = 0

    def schedule_reconnect(self, now: float) -> float:
        """CLIENT-8, CLIENT-9: the next attempt after a wait in [d(n)/2, d(n)]."""
        wait = backoff.reconnect_wait(self.profile, self.attempts, self.rng)
        self.reconnect_at = now + wait
        return wait

    def _reconnect(self, now: float) -> None:
        self.reconnect_at = None
        if self._move(Trigger.WAIT_OVER):
            attempt = self.attempts
            self.attempts += 1
            self._begin_attempt(attempt)

    # ------------------------------------------------------------------ CLIENT-10

    def refuses_token(self, code: int | None) -> bool:
        """CLIENT-10: a close with this code refuses the tokens the connection used."""
        return code == CloseCode.POLICY_VIOLATION

    def refuse_tokens(self) -> None:
        """CLIENT-10: remember every token the current connection presented."""
        if self.connection is not None:
            for token in self.connection.tokens:
                if token not in self.refused_tokens:
                    self.refused_tokens.append(token)

    def token_refused(self, token: str) -> bool:
        """CLIENT-10: ``token`` was refused before; no connection is opened with it."""
        return token in self.refused_tokens

    def _wait_for_token(self, now: float) -> None:
        """CLIENT-10: no connection with a refused token; ask the provider again after the
        next backoff wait (CLIENT-9), until it gives another."""
        self._move(Trigger.TOKEN_REFUSED)
        wait = self.schedule_reconnect(now)
        self.effects.event(TokenRefused(wait))

    # ------------------------------------------------------------------ receiving

    def receive(self, connection: int, text: str, now: float) -> None:
        """One text frame: its messages in order (CLIENT-7), each handled and reported;
        what does not read is reported and ignored (CLIENT-13)."""
        if not self._current(connection) or not self.connected:
            return
        assert self.connection is not None
        self.connection.last_received = now
        for item in incoming.read_frame(text, self.profile.max_message_bytes):
            if isinstance(item, incoming.Problem):
                self.effects.event(Unreadable(item.reason, item.text))
                continue
            self.effects.event(Message(item.message, item.via))
            self.handle(item.message, now)
            if not self._current(connection):
                return  # a reaction gave the connection up

    def binary(self, connection: int, now: float) -> None:
        """A binary frame (servers send none, TRANS-3): reported, ignored (CLIENT-13)."""
        if self._current(connection) and self.connected:
            assert self.connection is not None
            self.connection.last_received = now
            self.effects.event(Unreadable("a binary frame", ""))

    def handle(self, message: dict[str, Any], now: float) -> None:
        """The core's own reaction to one server message (``HANDLERS``); any other message,
        expected or not, is only reported (CLIENT-13)."""
        name = self.HANDLERS.get(str(message.get("type")))
        if name is not None:
            getattr(self, name)(message, now)

    def answer_ping(self, message: dict[str, Any], now: float) -> None:
        """HB-5: ``heartbeat:pong`` at once, even before identification or during a pause."""
        if self.connected:
            self._transmit_own(outgoing.pong(message))

    def on_refresh_needed(self, message: dict[str, Any], now: float) -> None:
        """CLIENT-6, REFRESH-8: ask the provider for the current token, to send on this
        connection (one request at a time)."""
        if self.connected and not self.refresh_pending and self.phase is not Phase.CLOSING:
            self.refresh_pending = True
            self._ticket("refresh", self._number())

    def send_refresh(self, token: str, now: float) -> None:
        """CLIENT-6: ``auth:refresh-token`` on the open connection, never a new connection
        (during a rate-limit pause, at its end: CLIENT-12)."""
        prepared = outgoing.prepare(
            outgoing.refresh(token),
            role=self.role,
            agent_id=self.agent_id,
            max_bytes=self.profile.max_message_bytes,
            timestamp=self.timestamp,
        )
        self._route_refresh(prepared)

    def _route_refresh(self, prepared: outgoing.Outgoing) -> Delivery:
        if not self.connected or self.phase is Phase.CLOSING:
            self.effects.event(Dropped(prepared.message_type, "no open connection"))
            return Delivery.DROPPED
        if self.paused:
            self.deferred_refresh = prepared
            return Delivery.KEPT
        self._transmit(prepared)
        assert self.connection is not None
        self.connection.tokens.append(str(prepared.body["token"]))
        self.effects.event(Refreshing())
        return Delivery.SENT

    def on_refresh_answer(self, message: dict[str, Any], now: float) -> None:
        """``auth:refresh-success`` / ``-failed``: the next ``refresh-needed`` asks again."""
        self.refresh_pending = False

    def on_connection_error(self, message: dict[str, Any], now: float) -> None:
        """CLIENT-12: ``RATE_LIMIT`` pauses; the other codes are only reported (CLIENT-13)."""
        if message.get("code") == "RATE_LIMIT":
            retry = message.get("retryAfter")
            seconds = float(retry) if isinstance(retry, int | float) else DEFAULT_RATE_PAUSE_S
            self.pause(seconds, now)

    # ------------------------------------------------------------------ CLIENT-12

    @property
    def paused(self) -> bool:
        return self.paused_until is not None

    def pause(self, seconds: float, now: float) -> None:
        """CLIENT-12: nothing but pongs for ``seconds``; what is produced meanwhile is kept."""
        until = now + seconds
        if self.paused_until is None or until > self.paused_until:
            self.paused_until = until
        self.effects.event(Paused(seconds))

    def resume(self, now: float) -> None:
        """CLIENT-12: the pause is over: a held refresh, then what was kept, in order."""
        self.paused_until = None
        if self.deferred_refresh is not None:
            deferred, self.deferred_refresh = self.deferred_refresh, None
            self._route_refresh(deferred)
        flushed = self.flush() if self.phase is Phase.IDENTIFIED else 0
        self.effects.event(Resumed(flushed))

    # ------------------------------------------------------------------ CLIENT-11

    def _keep(self, prepared: outgoing.Outgoing) -> Delivery:
        dropped = self.buffer.keep(prepared.message_type, prepared.text)
        mine = False
        for victim in dropped:
            mine = mine or victim.text is prepared.text
            self.effects.event(
                Dropped(victim.message_type, "send buffer over its bound (CLIENT-11)")
            )
        return Delivery.DROPPED if mine else Delivery.KEPT

    def flush(self) -> int:
        """CLIENT-11: every kept message, in the order produced, before anything newer."""
        kept = self.buffer.take_all()
        for item in kept:
            self._send_text(item.text)
        return len(kept)

    # ------------------------------------------------------------------ timers

    def ping_due(self) -> float | None:
        """CLIENT-5: when to ping: ``heartbeat.interval_s`` (+ :data:`PING_GRACE_S`) after
        the last message received or ping sent; never during a pause (CLIENT-12)."""
        if self.connection is None or self.paused:
            return None
        if self.phase not in (Phase.UNIDENTIFIED, Phase.IDENTIFIED):
            return None
        latest = max(self.connection.last_received, self.connection.last_ping)
        return latest + self.profile.heartbeat_interval_s + PING_GRACE_S

    def stale_deadline(self) -> float | None:
        """CLIENT-5: the server is stale after ``heartbeat.timeout_s`` of silence."""
        if self.connection is None or not self.connected:
            return None
        return self.connection.last_received + self.profile.heartbeat_timeout_s

    def drop_stale(self, now: float) -> None:
        """CLIENT-5: close the silent connection and reconnect (CLIENT-8, CLIENT-9)."""
        assert self.connection is not None
        silence = self.profile.heartbeat_timeout_s
        reason = f"nothing from the server for {silence:g} s"
        self.effects.close(self.connection.number, CloseCode.GOING_AWAY, reason)
        self._ended(None, reason, now)

    def next_deadline(self) -> float | None:
        """When :meth:`tick` next has something to do."""
        candidates = [
            self.reconnect_at if self.phase is Phase.RECONNECT_WAITING else None,
            self.stale_deadline(),
            self.ping_due(),
            self.paused_until,
            self.closing_deadline if self.phase is Phase.CLOSING else None,
        ]
        found = [when for when in candidates if when is not None]
        return min(found) if found else None

    def tick(self, now: float) -> None:
        """Do what is due at ``now``."""
        waiting = self.phase is Phase.RECONNECT_WAITING and self.reconnect_at is not None
        if waiting and self.reconnect_at is not None and now >= self.reconnect_at:
            self._reconnect(now)
        stale = self.stale_deadline()
        if stale is not None and now >= stale:
            if self.phase is Phase.CLOSING:
                self._give_up_closing(now)
            else:
                self.drop_stale(now)
        if self.paused_until is not None and now >= self.paused_until:
            self.resume(now)
        due = self.ping_due()
        if due is not None and now >= due:
            assert self.connection is not None
            self.connection.last_ping = now
            self._transmit_own(outgoing.ping())
        if (
            self.phase is Phase.CLOSING
            and self.closing_deadline is not None
            and now >= self.closing_deadline
        ):
            self._give_up_closing(now)

    def _give_up_closing(self, now: float) -> None:
        if self.connection is not None:
            self.effects.close(self.connection.number, CloseCode.NORMAL, "client closing")
        self._ended(None, "no close from the server", now)

    # ------------------------------------------------------------------ sending

    def _send_text(self, text: str) -> None:
        assert self.connection is not None
        self.effects.send(self.connection.number, text)

    def _transmit(self, prepared: outgoing.Outgoing) -> None:
        self._send_text(prepared.text)

    def _transmit_own(self, message: dict[str, Any]) -> None:
        """The client's own messages, checked like the application's (CLIENT-4)."""
        prepared = outgoing.prepare(
            message,
            role=self.role,
            agent_id=self.agent_id,
            max_bytes=self.profile.max_message_bytes,
            timestamp=self.timestamp,
        )
        self._transmit(prepared)


__all__ = [
    "CLOSE_WAIT_S",
    "DEFAULT_RATE_PAUSE_S",
    "PING_GRACE_S",
    "ClientCore",
    "ConnectionState",
    "Delivery",
]
