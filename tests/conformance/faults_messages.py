"""Broken servers for the checks of authentication, tenancy, identification, presence and roles.

Each fault patches one named piece of the reference server (see
``fault_registry``) and breaks one rule the way a real server gets it wrong;
``CATALOGUE`` lists the checks each must make fail.
"""

from __future__ import annotations

import time
from typing import Any

from fault_registry import Entry, entry, fault

import onsembl_server.core.auth as auth
import onsembl_server.core.outbound as outbound
import onsembl_server.core.server as server
from onsembl_server.core.close_codes import CloseReason
from onsembl_server.core.phases import Event
from onsembl_server.core.server import ServerCore
from onsembl_spec.protocol import CONNECT_TYPES
from onsembl_spec.schemas import bundled
from onsembl_spec.tokens import ALGORITHM, Claims, TokenError
from onsembl_spec.wire import now_timestamp

# --------------------------------------------------------------------- authentication


@fault("auth-exp-optional")
def _() -> None:
    """A token without ``exp`` is accepted and never expires (AUTH-4): PyJWT's default,
    which checks ``exp`` only when the token has one."""
    import jwt

    original = auth.verify

    def verify(token: str, secret: str, *, now: float | None = None) -> Claims:
        try:
            return original(token, secret, now=now)
        except TokenError:
            try:
                data = jwt.decode(token, secret, algorithms=[ALGORITHM])
            except jwt.InvalidTokenError:
                raise TokenError("invalid token") from None
            if "exp" in data or not isinstance(data.get("sub"), str):
                raise
            return Claims(sub=data["sub"], exp=time.time() + 10 * 365 * 86400)

    auth.verify = verify  # type: ignore[assignment]


@fault("auth-exp-leeway")
def _() -> None:
    """Tokens expired less than a minute ago are accepted, and live out that minute (AUTH-6):
    PyJWT's ``leeway`` for clock skew, applied to the connection's expiry too."""
    leeway = 60.0
    original = auth.verify

    def verify(token: str, secret: str, *, now: float | None = None) -> Claims:
        current = time.time() if now is None else now
        claims = original(token, secret, now=current - leeway)
        return Claims(sub=claims.sub, exp=claims.exp + leeway)

    auth.verify = verify  # type: ignore[assignment]


@fault("auth-cookie-only-without-origin")
def _() -> None:
    """The cookie counts only without ``Origin``: ``allowed_origins`` is never consulted, so a
    browser dashboard served from an allowed origin cannot authenticate (AUTH-9)."""
    auth.cookie_allowed = lambda origin, allowed: origin is None  # type: ignore[assignment]


@fault("auth-cookie-needs-allowed-origin")
def _() -> None:
    """The cookie counts only from an allowed ``Origin``, so a handshake without one cannot
    use it (AUTH-10)."""
    auth.cookie_allowed = lambda origin, allowed: origin in allowed  # type: ignore[assignment]


@fault("auth-foreign-origin-refused")
def _() -> None:
    """A foreign ``Origin`` refuses the handshake's every token, not only the cookie (AUTH-10):
    an origin check in front of authentication."""
    original = auth.select_token

    def select_token(handshake: Any, allowed_origins: Any) -> str | None:
        if handshake.origin is not None and handshake.origin not in allowed_origins:
            return None
        return original(handshake, allowed_origins)

    auth.select_token = select_token  # type: ignore[assignment]


# --------------------------------------------------------------------- tenancy


@fault("tenancy-agent-ids-global")
def _() -> None:
    """Agents keyed by ``agentId`` alone: another owner's agent with the same id replaces
    the first one, whose connection is closed as a replaced agent's (TEN-1)."""
    original = ServerCore._on_agent_connect

    def on_agent_connect(self: ServerCore, s: Any, message: Any, raw: Any, now: float) -> None:
        agent_id = message["agentId"]
        for owner, state in list(self.owners.items()):
            record = state.agents.get(agent_id)
            if owner == s.owner or record is None:
                continue
            older = self.sessions.get(record.conn_id)
            if older is not None:
                self._close(older, CloseReason.REPLACED_AGENT)
                older.advance(Event.REPLACE)
            del state.agents[agent_id]
        original(self, s, message, raw, now)

    ServerCore._on_agent_connect = on_agent_connect  # type: ignore[method-assign]


@fault("tenancy-stop-all-agents")
def _() -> None:
    """An emergency stop reaches every owner's agents, not only the sender's (TEN-3)."""
    original = ServerCore._on_emergency_stop

    def on_stop(self: ServerCore, s: Any, message: Any, raw: Any, now: float) -> None:
        original(self, s, message, raw, now)
        others = [
            record.conn_id
            for owner, state in self.owners.items()
            if owner != s.owner
            for record in state.agents.values()
        ]
        if others:
            self.effects.send_many(others, outbound.forwarded(message))

    ServerCore._on_emergency_stop = on_stop  # type: ignore[method-assign]


# --------------------------------------------------------------------- identification


@fault("ident-role-before-already-identified")
def _() -> None:
    """The role is checked before identification for connect messages: a dashboard's
    ``agent:connect`` gets ``FORBIDDEN`` instead of ``ALREADY_IDENTIFIED`` (IDENT-4)."""
    original = ServerCore.identification_error

    def identification_error(self: ServerCore, s: Any, message_type: str) -> Any:
        if s.identified and message_type in CONNECT_TYPES and not self.role_allows(s, message_type):
            return None
        return original(self, s, message_type)

    ServerCore.identification_error = identification_error  # type: ignore[method-assign]


@fault("ident-invalid-connect-identifies")
def _() -> None:
    """An invalid connect message is refused with ``validation:error`` but has already made
    the connection a dashboard or an agent (IDENT-5)."""
    original = ServerCore._invalid

    def invalid(
        self: ServerCore, s: Any, message: Any, field: Any, error: str, rid: Any, now: float
    ) -> None:
        kind = message.get("type") if isinstance(message, dict) else None
        if kind in CONNECT_TYPES and not s.identified:
            dashboard = kind == "dashboard:connect"
            s.advance(Event.IDENTIFY_DASHBOARD if dashboard else Event.IDENTIFY_AGENT)
            s.ident = str(message.get("dashboardId" if dashboard else "agentId"))
            if dashboard:
                self.owner_state(s.owner).dashboards[s.conn_id] = None
        original(self, s, message, field, error, rid, now)

    ServerCore._invalid = invalid  # type: ignore[method-assign]


@fault("ident-acks-agent-connect")
def _() -> None:
    """The agent's own ``agent:status`` online is sent back to it, as an acknowledgement
    the protocol does not have (IDENT-6)."""
    original = ServerCore._on_agent_connect

    def on_agent_connect(self: ServerCore, s: Any, message: Any, raw: Any, now: float) -> None:
        original(self, s, message, raw, now)
        self.effects.send(s.conn_id, outbound.agent_status(message["agentId"], "online"))

    ServerCore._on_agent_connect = on_agent_connect  # type: ignore[method-assign]


# --------------------------------------------------------------------- presence


@fault("presence-lists-every-owner")
def _() -> None:
    """``agent:list`` lists the agents of every owner, not only the dashboard's (PRES-1)."""

    def on_dashboard_connect(self: ServerCore, s: Any, message: Any, raw: Any, now: float) -> None:
        s.advance(Event.IDENTIFY_DASHBOARD)
        s.ident = message["dashboardId"]
        self.owner_state(s.owner).dashboards[s.conn_id] = None
        every = [a.summary() for state in self.owners.values() for a in state.agents.values()]
        self.effects.send(s.conn_id, outbound.agent_list(every))

    ServerCore._on_dashboard_connect = on_dashboard_connect  # type: ignore[method-assign]


@fault("presence-dashboard-id-unchecked")
def _() -> None:
    """Only agents are held to their own id: a dashboard's ``dashboard:disconnect`` with any
    ``dashboardId`` disconnects it (PRES-6)."""
    original = ServerCore.speaks_for_itself

    def speaks_for_itself(self: ServerCore, s: Any, message: Any) -> bool:
        return s.role == "dashboard" or original(self, s, message)

    ServerCore.speaks_for_itself = speaks_for_itself  # type: ignore[method-assign]


@fault("presence-dashboard-id-replaces")
def _() -> None:
    """Dashboards keyed by ``dashboardId``: a second one with the same id silently takes the
    first one's place, which stays open and receives nothing more (PRES-9)."""
    original = ServerCore._on_dashboard_connect

    def on_dashboard_connect(self: ServerCore, s: Any, message: Any, raw: Any, now: float) -> None:
        state = self.owner_state(s.owner)
        for conn_id in list(state.dashboards):
            other = self.sessions.get(conn_id)
            if other is not None and other.ident == message["dashboardId"]:
                del state.dashboards[conn_id]
        original(self, s, message, raw, now)

    ServerCore._on_dashboard_connect = on_dashboard_connect  # type: ignore[method-assign]


@fault("forward-restamps")
def _() -> None:
    """Every forwarded message gets the server's time of sending as its ``timestamp`` (MSG-13:
    a forwarded message keeps every field its sender gave it), as a server that builds each
    outgoing message afresh would. Its only deviation, and a timing-dependent one: when the
    sender stamped the same millisecond, nothing differs (issue 9: it must be reported under
    MSG-13 alone, whatever the timing)."""
    original = outbound.forwarded

    def forwarded(message: Any) -> str:
        return original({**message, "timestamp": now_timestamp()})

    outbound.forwarded = forwarded
    ServerCore.forwarded_text = staticmethod(  # type: ignore[method-assign, assignment]
        lambda message, raw: outbound.forwarded(message)
    )


# --------------------------------------------------------------------- roles


def _role_also_sends(role: str, other: str) -> None:
    """``role`` may also send the types of ``other`` (a role table copied from the other's)."""
    server.ROLE_TYPES[role] = server.ROLE_TYPES[role] | server.ROLE_TYPES[other]


@fault("roles-dashboard-sends-agent-types")
def _() -> None:
    _role_also_sends("dashboard", "agent")


@fault("roles-agent-sends-dashboard-types")
def _() -> None:
    _role_also_sends("agent", "dashboard")


@fault("roles-before-validity")
def _() -> None:
    """The role is checked on the message's ``type`` before the message is validated: an
    invalid message of a forbidden type gets ``FORBIDDEN``, not ``validation:error`` (ROLE-4)."""
    original = ServerCore._receive_message
    known = frozenset(bundled().types)

    def receive_message(
        self: ServerCore,
        s: Any,
        message: Any,
        raw: Any,
        prefix: str,
        now: float,
        *,
        inside: frozenset[str],
    ) -> None:
        kind = message.get("type") if isinstance(message, dict) else None
        if kind in known and s.identified and not self.role_allows(s, kind):
            self._forbidden(
                s, f"a {s.role} may not send {kind}", outbound.valid_request_id(message)
            )
            return
        original(self, s, message, raw, prefix, now, inside=inside)

    ServerCore._receive_message = receive_message  # type: ignore[method-assign]


CATALOGUE: tuple[Entry, ...] = (
    # authentication
    entry("auth-exp-optional", "malformed_tokens", "AUTH-4"),
    entry("auth-exp-leeway", "expired_token", "AUTH-6"),
    entry("auth-cookie-only-without-origin", "cookie_with_allowed_origin", "AUTH-9"),
    entry("auth-cookie-needs-allowed-origin", "cookie_with_allowed_origin", "AUTH-10"),
    entry("auth-foreign-origin-refused", "header_and_query_ignore_origin", "AUTH-10"),
    # tenancy
    entry("tenancy-agent-ids-global", "agent_ids_scoped_by_owner", "TEN-1"),
    entry("tenancy-stop-everyone", "nothing_crosses_owners", "TEN-2"),
    entry("tenancy-stop-all-agents", "nothing_crosses_owners", "TEN-3"),
    entry("presence-lists-every-owner", "agent_list_on_connect", "PRES-1"),
    # identification
    entry("ident-role-before-already-identified", "already_identified", "IDENT-4"),
    entry("ident-invalid-connect-identifies", "invalid_connect", "IDENT-5"),
    entry("ident-acks-agent-connect", "agent_connect_no_reply", "IDENT-6"),
    # presence
    entry("presence-dashboard-id-unchecked", "dashboard_speaks_for_itself", "PRES-6"),
    entry("presence-dashboard-id-replaces", "shared_dashboard_id", "PRES-9"),
    # 41 forwarded messages: at least one stamped in another millisecond than its sender's
    entry("forward-restamps", "agent_status_forwarded,output_in_order", "MSG-13"),
    # roles
    entry("roles-dashboard-sends-agent-types", "dashboard_forbidden_types", "ROLE-3"),
    entry("roles-agent-sends-dashboard-types", "agent_forbidden_types", "ROLE-3"),
    entry("roles-before-validity", "validity_before_role", "ROLE-4"),
)
