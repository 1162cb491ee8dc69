"""What a :class:`~onsembl_client.client.Client` reports: server messages and connection events.

``async for event in client`` yields these, in the order they happened. A
:class:`Message` is one server message, already unwrapped from ``batch`` and
``compressed`` (CLIENT-7) and valid under its schema; the others tell the
application what the connection does (connected, identified, lost, waiting to
reconnect, paused by a rate limit, a message dropped from the send buffer, ...).
Each has a one-line ``describe()`` for printing (``onsembl dashboard``).
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any


@dataclass(frozen=True)
class ClientEvent:
    """Base class of every event."""

    def describe(self) -> str:
        """One line for a human (no newline)."""
        return type(self).__name__


@dataclass(frozen=True)
class Message(ClientEvent):
    """One server message (CLIENT-7: inner messages of a wrapper come one by one, in order).

    ``via`` names the wrappers it came in, outermost first (``("batch", "compressed")``).
    """

    message: dict[str, Any]
    via: tuple[str, ...] = ()

    @property
    def type(self) -> str:
        return str(self.message.get("type", ""))

    def describe(self) -> str:
        text = json.dumps(self.message, ensure_ascii=False, separators=(",", ":"))
        return f"{text}  (in {' > '.join(self.via)})" if self.via else text


@dataclass(frozen=True)
class Connecting(ClientEvent):
    """A connection attempt starts: the first connection (``attempt`` ``None``), or the n-th
    consecutive reconnection attempt of CLIENT-9 (``attempt`` n, from 0)."""

    attempt: int | None

    def describe(self) -> str:
        if self.attempt is None:
            return "-- connecting"
        return f"-- reconnecting (attempt {self.attempt})"


@dataclass(frozen=True)
class Connected(ClientEvent):
    """The handshake succeeded; identification follows at once (CLIENT-2)."""

    connection: int

    def describe(self) -> str:
        return f"-- connected (connection {self.connection})"


@dataclass(frozen=True)
class Identified(ClientEvent):
    """``dashboard:connect`` / ``agent:connect`` sent; ``flushed`` messages kept meanwhile
    followed it (CLIENT-11)."""

    connection: int
    role: str
    client_id: str
    flushed: int

    def describe(self) -> str:
        kept = f", {self.flushed} kept message(s) sent" if self.flushed else ""
        return f"-- identified as {self.role} {self.client_id}{kept}"


@dataclass(frozen=True)
class Disconnected(ClientEvent):
    """A connection or attempt ended; ``reconnect_in`` is the wait chosen (CLIENT-9), or
    ``None`` when the client is closing."""

    code: int | None
    reason: str
    reconnect_in: float | None

    def describe(self) -> str:
        code = "no connection" if self.code is None else f"code {self.code}"
        reason = f" {self.reason!r}" if self.reason else ""
        then = "" if self.reconnect_in is None else f"; reconnecting in {self.reconnect_in:.2f} s"
        return f"-- disconnected: {code}{reason}{then}"


@dataclass(frozen=True)
class TokenRefused(ClientEvent):
    """The token provider gave a token a server refused with 1008; the client waits for
    another (CLIENT-10) and asks again in ``retry_in`` seconds."""

    retry_in: float

    def describe(self) -> str:
        return f"-- the token was refused (1008); asking for a new one in {self.retry_in:.2f} s"


@dataclass(frozen=True)
class TokenUnavailable(ClientEvent):
    """The token provider failed (``purpose``: ``connect`` or ``refresh``)."""

    purpose: str
    reason: str

    def describe(self) -> str:
        return f"-- no token for {self.purpose}: {self.reason}"


@dataclass(frozen=True)
class Refreshing(ClientEvent):
    """``auth:refresh-token`` sent on the open connection (CLIENT-6, REFRESH-8)."""

    def describe(self) -> str:
        return "-- refreshing the token"


@dataclass(frozen=True)
class Paused(ClientEvent):
    """``connection:error`` ``RATE_LIMIT``: nothing but pongs for ``seconds`` (CLIENT-12)."""

    seconds: float

    def describe(self) -> str:
        return f"-- rate limited: pausing for {self.seconds:g} s"


@dataclass(frozen=True)
class Resumed(ClientEvent):
    """The rate-limit pause ended; ``flushed`` kept messages were sent."""

    flushed: int

    def describe(self) -> str:
        return f"-- pause over, {self.flushed} kept message(s) sent"


@dataclass(frozen=True)
class Dropped(ClientEvent):
    """A message was dropped: the send buffer was over a bound (CLIENT-11), or it was a
    heartbeat that cannot wait, or the client closed with it unsent."""

    message_type: str
    reason: str

    def describe(self) -> str:
        return f"-- dropped {self.message_type}: {self.reason}"


@dataclass(frozen=True)
class Unreadable(ClientEvent):
    """A frame or inner message that is not a valid server message; tolerated (CLIENT-13)."""

    reason: str
    text: str

    def describe(self) -> str:
        text = self.text if len(self.text) <= 200 else self.text[:200] + "..."
        return f"-- unreadable message ({self.reason}): {text!r}"


@dataclass(frozen=True)
class EventsDropped(ClientEvent):
    """The application did not read events fast enough; ``count`` were lost."""

    count: int

    def describe(self) -> str:
        return f"-- {self.count} event(s) not read in time were dropped"


@dataclass(frozen=True)
class Closed(ClientEvent):
    """The client is closed (``close()``); the last event."""

    code: int | None

    def describe(self) -> str:
        return "-- closed" if self.code is None else f"-- closed ({self.code})"


__all__ = [
    "ClientEvent",
    "Closed",
    "Connected",
    "Connecting",
    "Disconnected",
    "Dropped",
    "EventsDropped",
    "Identified",
    "Message",
    "Paused",
    "Refreshing",
    "Resumed",
    "TokenRefused",
    "TokenUnavailable",
    "Unreadable",
]
