"""A connection's phases and the transitions between them, written once as data.

After a successful handshake a connection is ``CONNECTED`` (authenticated, not
identified: IDENT-1); ``dashboard:connect`` or ``agent:connect`` makes it a
``DASHBOARD`` or an ``AGENT`` (PRES-1, PRES-2). When the server asks to close
it (IDENT-3, HB-3, REFRESH-7, COMP-4, TRANS-4, CLOSE-5) it keeps its place in
the owner's presence until the connection has ended (``*_CLOSING``): only
then does it leave (PRES-4, CMD-17). A disconnect message leaves first and
closes after (``LEFT``, CLOSE-1); an agent whose ``agentId`` connects again is
``REPLACED`` (PRES-7, PRES-8): its record is the newer connection's, so its
end changes nothing. The table :data:`TRANSITIONS` is the only place these
rules are written (as h11 keeps its ``_state.py``); :func:`next_phase` checks
every transition against it, and an event the table does not allow is an
:class:`IllegalTransition`, a bug of the server that ``ServerCore.receive``
turns into a 1011 close (CLOSE-5).

A connection ends (``END``) only once it holds no place in the presence
(``Phase.role`` is ``None``): a dashboard or an agent leaves first.
"""

from __future__ import annotations

from collections.abc import Mapping
from enum import Enum


class Phase(Enum):
    """Where one connection stands. Each phase says the place it holds in its owner's presence
    (``role``: what leaving undoes, PRES-4), whether it is past identification (``identified``,
    IDENT-1..IDENT-4) and whether the server has stopped reading it (``closing``)."""

    # name = (label, role, identified, closing)
    CONNECTED = ("connected", None, False, False)
    """Authenticated, not identified yet: connect, heartbeat and refresh only (IDENT-1..IDENT-3)."""
    DASHBOARD = ("dashboard", "dashboard", True, False)
    """Identified by ``dashboard:connect``: one of the owner's dashboards (PRES-1, ROLE-1)."""
    AGENT = ("agent", "agent", True, False)
    """Identified by ``agent:connect``: the owner's agent of that id (PRES-2, ROLE-2)."""
    LEFT = ("left", None, True, False)
    """Left the presence with a disconnect message; its close (1000) follows at once (CLOSE-1)."""
    DASHBOARD_CLOSING = ("dashboard-closing", "dashboard", True, True)
    """A dashboard the server is closing; it is one of the owner's dashboards until it ends."""
    AGENT_CLOSING = ("agent-closing", "agent", True, True)
    """An agent the server is closing; its record and commands stay until it ends (CMD-17)."""
    REPLACED = ("replaced", None, True, True)
    """An agent whose ``agentId`` connected again, being closed: the record is the newer
    connection's, so this one's end changes nothing (PRES-7, PRES-8)."""
    CLOSING = ("closing", None, True, True)
    """Being closed, holding no place in the presence (never identified, or left already);
    no longer waiting for a connect message either."""
    CLOSED = ("closed", None, True, True)
    """The connection ended (``ServerCore.closed``); nothing more happens to it."""

    def __init__(self, label: str, role: str | None, identified: bool, closing: bool) -> None:
        self.label = label
        self.role = role
        self.identified = identified
        self.closing = closing


class Event(Enum):
    """What moves a connection from one phase to the next."""

    IDENTIFY_DASHBOARD = "identify-dashboard"
    """A valid ``dashboard:connect`` (PRES-1)."""
    IDENTIFY_AGENT = "identify-agent"
    """A valid ``agent:connect`` (PRES-2)."""
    CLOSE = "close"
    """The server asks the I/O layer to close the connection (a close frame, CLOSE-6)."""
    LEAVE = "leave"
    """It stops being a dashboard or an agent (PRES-4, CMD-17, CMD-19)."""
    REPLACE = "replace"
    """Its ``agentId`` connected again on a newer connection (PRES-7)."""
    END = "end"
    """The connection ended, whoever closed it."""


_P, _E = Phase, Event

TRANSITIONS: Mapping[Phase, Mapping[Event, Phase]] = {
    _P.CONNECTED: {
        _E.IDENTIFY_DASHBOARD: _P.DASHBOARD,
        _E.IDENTIFY_AGENT: _P.AGENT,
        _E.CLOSE: _P.CLOSING,
        _E.END: _P.CLOSED,
    },
    _P.DASHBOARD: {_E.CLOSE: _P.DASHBOARD_CLOSING, _E.LEAVE: _P.LEFT},
    _P.AGENT: {_E.CLOSE: _P.AGENT_CLOSING, _E.LEAVE: _P.LEFT},
    _P.LEFT: {_E.CLOSE: _P.CLOSING, _E.END: _P.CLOSED},
    _P.DASHBOARD_CLOSING: {_E.LEAVE: _P.CLOSING},
    _P.AGENT_CLOSING: {_E.LEAVE: _P.CLOSING, _E.REPLACE: _P.REPLACED},
    _P.REPLACED: {_E.END: _P.CLOSED},
    _P.CLOSING: {_E.END: _P.CLOSED},
    _P.CLOSED: {},
}
"""Every allowed transition: ``TRANSITIONS[phase][event]`` is the next phase."""


class IllegalTransition(RuntimeError):
    """An event the table does not allow in the connection's phase: a server bug (CLOSE-5)."""

    def __init__(self, phase: Phase, event: Event) -> None:
        allowed = ", ".join(e.name for e in TRANSITIONS[phase]) or "none"
        super().__init__(
            f"event {event.name} is not allowed in phase {phase.name} (allowed: {allowed})"
        )
        self.phase = phase
        self.event = event


def next_phase(phase: Phase, event: Event) -> Phase:
    """The phase ``event`` leads to from ``phase``; :class:`IllegalTransition` if none."""
    try:
        return TRANSITIONS[phase][event]
    except KeyError:
        raise IllegalTransition(phase, event) from None
