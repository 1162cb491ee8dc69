"""One connection's state: its phase (:mod:`onsembl_server.core.phases`) and its deadlines
(IDENT-3, HB-2, HB-3, REFRESH-1, REFRESH-7), and what the connections of one owner share
(RATE-10, RATE-11)."""

from __future__ import annotations

from dataclasses import dataclass, field

from onsembl_server.core.logbook import LogThrottle
from onsembl_server.core.phases import Event, Phase, next_phase
from onsembl_server.core.ratelimit import Scope
from onsembl_spec.profile import Profile

EXPIRY_MARGIN_S = 0.005
"""Close a little after ``exp``, never before it (REFRESH-7), whatever the clocks' rounding."""


@dataclass(eq=False)
class OwnerUsage:
    """What all the connections of one owner share: its rate-limit scope (RATE-10) and how
    many of them are open (RATE-11). Kept while the owner has a connection, or its scope's
    windows may still hold a message."""

    owner: str
    scope: Scope
    horizon_s: float
    """The longest window of ``scope``: how long after its last connection the record is kept."""
    rate_log: LogThrottle = field(default_factory=LogThrottle)
    """``rate_limited`` records of this owner's scope (RATE-12)."""
    refusal_log: LogThrottle = field(default_factory=LogThrottle)
    """``connection_limit`` records of connections refused under RATE-11 (RATE-12)."""
    connections: int = 0
    idle_since: float = 0.0

    def forgettable(self, now: float) -> bool:
        """No connection, and every message counted has left the scope's windows."""
        return self.connections == 0 and now >= self.idle_since + self.horizon_s


@dataclass(eq=False)
class Session:
    """A connection after a successful handshake. Times are monotonic seconds."""

    conn_id: int
    owner: str
    remote: str
    opened_at: float
    expires_at: float
    token_exp: float
    connection_scope: Scope
    phase: Phase = Phase.CONNECTED
    """Changed only by :meth:`advance`, along ``phases.TRANSITIONS``."""
    ident: str | None = None
    last_seen: float = 0.0
    last_ping: float = 0.0
    refresh_needed_sent: bool = False
    type_scopes: dict[str, tuple[Scope, ...]] = field(default_factory=dict)
    usage: OwnerUsage | None = None
    """The owner's shared state (RATE-10, RATE-11), counted for this connection until it closes."""
    rate_log: LogThrottle | None = None
    """``rate_limited`` records of this connection's own and type scopes (RATE-12)."""

    def advance(self, event: Event) -> Phase:
        """Move to the phase ``event`` leads to; ``phases.IllegalTransition`` if the table of
        transitions does not allow it (a server bug: closed 1011, CLOSE-5)."""
        self.phase = next_phase(self.phase, event)
        return self.phase

    @property
    def role(self) -> str | None:
        """``"dashboard"``, ``"agent"`` or ``None``: the place the connection holds in its
        owner's presence (ROLE-1, ROLE-2), from its phase."""
        return self.phase.role

    @property
    def closing(self) -> bool:
        """The server asked to close it, or it ended: its frames and timers are ignored."""
        return self.phase.closing

    @property
    def identified(self) -> bool:
        """No longer waiting for a connect message (IDENT-1, IDENT-3, IDENT-4)."""
        return self.phase.identified

    def identify_deadline(self, profile: Profile) -> float | None:
        """IDENT-3: when an unidentified connection is closed."""
        return None if self.phase.identified else self.opened_at + profile.identify_timeout_s

    def ping_due(self, profile: Profile) -> float:
        """HB-2: a ping after ``interval_s`` of silence (and again after each further interval)."""
        return max(self.last_seen, self.last_ping) + profile.heartbeat_interval_s

    def silence_deadline(self, profile: Profile) -> float:
        """HB-3: closed with 1001 after ``timeout_s`` of silence."""
        return self.last_seen + profile.heartbeat_timeout_s

    def refresh_due(self, profile: Profile) -> float | None:
        """REFRESH-1: when the token enters the refresh window (once per token)."""
        if self.refresh_needed_sent:
            return None
        return self.expires_at - profile.refresh_window_s

    def expiry_deadline(self) -> float:
        """REFRESH-7: not before ``exp``."""
        return self.expires_at + EXPIRY_MARGIN_S

    def next_deadline(self, profile: Profile) -> float:
        """The earliest time at which a timer of this session must be looked at."""
        times = [
            self.ping_due(profile),
            self.silence_deadline(profile),
            self.expiry_deadline(),
        ]
        identify = self.identify_deadline(profile)
        if identify is not None:
            times.append(identify)
        refresh = self.refresh_due(profile)
        if refresh is not None:
            times.append(refresh)
        return min(times)
