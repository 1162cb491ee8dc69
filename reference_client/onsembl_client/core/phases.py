"""The connection state diagram (published document, "Connection States"), as data.

A client is in one :class:`Phase` at a time; a :class:`Trigger` moves it along
:data:`TRANSITIONS`. A pair missing from the table is an event the phase does
not expect (a late report about an abandoned connection): :func:`advance`
returns ``None`` and the core ignores it.

::

    disconnected --start--> connecting --handshake-ok--> connected-unidentified
    connected-unidentified --identify-sent--> identified            (CLIENT-2)
    connecting | connected-unidentified | identified --ended--> reconnect-waiting  (CLIENT-8)
    connecting --token-refused--> reconnect-waiting                  (CLIENT-10)
    reconnect-waiting --wait-over--> connecting                      (CLIENT-9)
    connected-unidentified | identified --close--> closing --ended--> closed
    disconnected | connecting | reconnect-waiting --close--> closed
"""

from __future__ import annotations

from enum import StrEnum


class Phase(StrEnum):
    DISCONNECTED = "disconnected"
    """Not started yet."""
    CONNECTING = "connecting"
    """Asking the token provider, then the handshake."""
    UNIDENTIFIED = "connected-unidentified"
    """The handshake succeeded; the connect message is not sent yet."""
    IDENTIFIED = "identified"
    """The connect message is sent: messages go straight out (unless paused, CLIENT-12)."""
    RECONNECT_WAITING = "reconnect-waiting"
    """A connection or attempt ended; waiting out the backoff (CLIENT-9)."""
    CLOSING = "closing"
    """``close()`` sent the disconnect message; waiting for the server's 1000 (CLOSE-1)."""
    CLOSED = "closed"
    """Closed by the application: nothing more is sent or opened."""


class Trigger(StrEnum):
    START = "start"
    HANDSHAKE_OK = "handshake-ok"
    IDENTIFY_SENT = "identify-sent"
    ENDED = "ended"
    """The connection closed, failed or was dropped as stale (CLIENT-5)."""
    TOKEN_REFUSED = "token-refused"
    """The provider's token is one a server refused with 1008 (CLIENT-10)."""
    WAIT_OVER = "wait-over"
    CLOSE = "close"


CONNECTED = frozenset({Phase.UNIDENTIFIED, Phase.IDENTIFIED, Phase.CLOSING})
"""Phases with an open connection."""

TRANSITIONS: dict[tuple[Phase, Trigger], Phase] = {
    (Phase.DISCONNECTED, Trigger.START): Phase.CONNECTING,
    (Phase.CONNECTING, Trigger.HANDSHAKE_OK): Phase.UNIDENTIFIED,
    (Phase.CONNECTING, Trigger.ENDED): Phase.RECONNECT_WAITING,
    (Phase.CONNECTING, Trigger.TOKEN_REFUSED): Phase.RECONNECT_WAITING,
    (Phase.UNIDENTIFIED, Trigger.IDENTIFY_SENT): Phase.IDENTIFIED,
    (Phase.UNIDENTIFIED, Trigger.ENDED): Phase.RECONNECT_WAITING,
    (Phase.IDENTIFIED, Trigger.ENDED): Phase.RECONNECT_WAITING,
    (Phase.RECONNECT_WAITING, Trigger.WAIT_OVER): Phase.CONNECTING,
    (Phase.DISCONNECTED, Trigger.CLOSE): Phase.CLOSED,
    (Phase.CONNECTING, Trigger.CLOSE): Phase.CLOSED,
    (Phase.RECONNECT_WAITING, Trigger.CLOSE): Phase.CLOSED,
    (Phase.UNIDENTIFIED, Trigger.CLOSE): Phase.CLOSING,
    (Phase.IDENTIFIED, Trigger.CLOSE): Phase.CLOSING,
    (Phase.CLOSING, Trigger.ENDED): Phase.CLOSED,
}
"""Every allowed move. CLIENT-8: a connection that ends while not closing leads to
``reconnect-waiting`` whatever its close code; CLIENT-10 is a separate rule on the token."""


def advance(phase: Phase, trigger: Trigger) -> Phase | None:
    """The phase after ``trigger`` in ``phase``, or ``None`` when the table has no such move."""
    return TRANSITIONS.get((phase, trigger))


__all__ = ["CONNECTED", "TRANSITIONS", "Phase", "Trigger", "advance"]
