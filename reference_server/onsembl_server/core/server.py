"""The protocol core: every server rule of ``docs/spec.md``, without I/O.

:class:`ServerCore` is driven by four calls from the I/O layer: :meth:`open`
(a handshake completed), :meth:`receive` (a text frame), :meth:`closed` (the
connection ended) and :meth:`tick` (a deadline came). ``now`` is monotonic
seconds. It answers through :class:`~onsembl_server.core.effects.Effects`.

Each decision lives in a small, named method; ARCHITECTURE.md maps every
requirement ID to the method that meets it.
"""

from __future__ import annotations

import heapq
import time
from collections import deque
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from onsembl_server.core import outbound
from onsembl_server.core.auth import Handshake, authenticate
from onsembl_server.core.commands import AgentQueue, Command, CommandIds, command_size
from onsembl_server.core.effects import Effects
from onsembl_server.core.logbook import Logbook, LogThrottle
from onsembl_server.core.ratelimit import Refusal, Scope, admit
from onsembl_server.core.session import OwnerUsage, Session
from onsembl_server.core.timers import DeadlineHeap
from onsembl_server.seclog import NullSecurityLog, SecurityLog
from onsembl_spec.errors import InflateLimitError, WireError
from onsembl_spec.profile import Profile
from onsembl_spec.protocol import (
    CONNECT_TYPES,
    FINAL_STATUSES,
    PRE_IDENTIFICATION_TYPES,
    CloseCode,
    allowed_types,
)
from onsembl_spec.tokens import TokenError, Verifier, verify
from onsembl_spec.validation import check, check_batch_wrapper, parse_json
from onsembl_spec.wire import InflateBudget, check_batch_count, decode_compressed, now_timestamp

ROLE_TYPES = {role: allowed_types(role) for role in ("dashboard", "agent")}
"""ROLE-1, ROLE-2: what each role may send."""

RATE_LOG_INTERVAL_S = 1.0
"""At most one ``rate_limited`` record per connection, owner or global scope a second, and one
``connection_limit`` record per owner; each with the ``count`` of hits it stands for (RATE-12)."""
LOGBOOK_TIMER = -1
"""The timer id (never a connection's) at which the logbook writes its counted records."""
TOP_OWNERS = 3
"""How many of the owners that used most of the global window a global hit names (RATE-12)."""


@dataclass(eq=False)
class AgentRecord:
    """A connected agent of one owner (PRES-2); its queue outlives a replaced connection."""

    agent_id: str
    agent_type: str
    conn_id: int
    status: str
    connected_at: str
    queue: AgentQueue = field(default_factory=AgentQueue)

    def summary(self) -> dict[str, Any]:
        """PRES-1: one entry of ``agent:list``."""
        return {
            "agentId": self.agent_id,
            "agentType": self.agent_type,
            "status": self.status,
            "connectedAt": self.connected_at,
        }


@dataclass(eq=False)
class OwnerState:
    """Everything of one owner (TEN-1): agents by id and dashboards' connections."""

    agents: dict[str, AgentRecord] = field(default_factory=dict)
    dashboards: dict[int, None] = field(default_factory=dict)

    def is_empty(self) -> bool:
        return not self.agents and not self.dashboards

    def pending_bytes(self) -> int:
        """CMD-20: the bytes of all the owner's agents' pending commands."""
        return sum(record.queue.pending_bytes for record in self.agents.values())


class ServerCore:
    """Sessions, routing, queues, rate limits and timers of the reference server."""

    def __init__(
        self,
        profile: Profile,
        jwt_secret: str | Verifier,
        effects: Effects,
        *,
        security_log: SecurityLog | None = None,
        wall_clock: Callable[[], float] = time.time,
    ) -> None:
        self.profile = profile
        self.jwt_secret = jwt_secret
        self.effects = effects
        self.log: SecurityLog = security_log or NullSecurityLog()
        self.wall_clock = wall_clock
        self.sessions: dict[int, Session] = {}
        self.owners: dict[str, OwnerState] = {}
        self.commands: dict[str, Command] = {}
        self.command_ids = CommandIds("cmd")
        self.global_scope = Scope("global", profile.global_windows())
        self.owner_usage: dict[str, OwnerUsage] = {}
        """RATE-10, RATE-11: each owner's scope and open connections."""
        self._owner_windows = profile.owner_windows()
        self._idle_owners: deque[tuple[float, str]] = deque()
        self._global_rate_log = LogThrottle()
        self.logbook = Logbook(
            self.log,
            RATE_LOG_INTERVAL_S,
            lambda deadline: self.timers.schedule(LOGBOOK_TIMER, deadline),
        )
        self.timers = DeadlineHeap()
        self._seq = 0
        self._inflate_budget: InflateBudget | None = None
        """What the current frame's ``compressed`` messages may still inflate to (COMP-6)."""
        self._handlers: dict[str, Callable[[Session, dict[str, Any], str | None, float], None]] = {
            "dashboard:connect": self._on_dashboard_connect,
            "agent:connect": self._on_agent_connect,
            "dashboard:disconnect": self._on_dashboard_disconnect,
            "agent:disconnect": self._on_agent_disconnect,
            "agent:status": self._on_agent_status,
            "command:request": self._on_command_request,
            "command:interrupt": self._on_command_interrupt,
            "command:status": self._on_command_report,
            "command:complete": self._on_command_report,
            "terminal:output": self._on_terminal_output,
            "terminal:clear": self._on_terminal_clear,
            "system:emergency-stop": self._on_emergency_stop,
            "heartbeat:ping": self._on_heartbeat_ping,
            "heartbeat:pong": self._on_heartbeat_pong,
            "auth:refresh-token": self._on_refresh_token,
        }

    # ------------------------------------------------------------------ events

    def open(self, conn_id: int, handshake: Handshake, remote: str, now: float) -> bool:
        """A WebSocket handshake completed (AUTH-1..AUTH-10).

        Returns ``False`` after asking to close the connection (AUTH-3) when
        authentication fails; no message is sent to it then.
        """
        wall = self.wall_clock()
        result = authenticate(handshake, self.jwt_secret, self.profile.allowed_origins, wall)
        if result.claims is None:
            self.log.event("auth_failure", owner=None, remote=remote, reason=result.reason)
            self.effects.close(conn_id, self.auth_failure_close_code(), "authentication failed")
            return False
        self._forget_idle_owners(now)
        usage = self.usage_of(result.claims.sub)
        if self.owner_connections_full(usage):
            self._refuse_connection(conn_id, usage, remote, now)
            return False
        usage.connections += 1
        session = Session(
            conn_id=conn_id,
            owner=result.claims.sub,
            remote=remote,
            opened_at=now,
            expires_at=now + (result.claims.exp - wall),
            token_exp=result.claims.exp,
            connection_scope=Scope("connection", self.profile.connection_windows()),
            last_seen=now,
            last_ping=now,
            usage=usage,
        )
        self.sessions[conn_id] = session
        self._run_timers(session, now)
        return True

    def receive(self, conn_id: int, text: str, now: float) -> None:
        """One text frame from a client (TRANS-3, VAL-1, ROLE-4). Unexpected errors close 1011."""
        session = self.sessions.get(conn_id)
        if session is None or session.closing:
            return
        session.last_seen = now  # HB-4: any message, valid or not
        try:
            self._receive_frame(session, text, now)
        except Exception as err:  # CLOSE-5: an unexpected server error
            self.log.event(
                "server_error", owner=session.owner, remote=session.remote, reason=repr(err)[:200]
            )
            self._close(session, CloseCode.INTERNAL_ERROR, "internal error")

    def binary_frame(self, conn_id: int) -> None:
        """TRANS-4: a binary frame closes the connection with 1003."""
        session = self.sessions.get(conn_id)
        if session is not None:
            self._close(session, CloseCode.UNSUPPORTED_DATA, "binary frames are not accepted")
        else:
            self.effects.close(
                conn_id, CloseCode.UNSUPPORTED_DATA, "binary frames are not accepted"
            )

    def closed(self, conn_id: int, now: float) -> None:
        """The connection ended, whoever closed it: leave presence (PRES-4, CMD-17)."""
        session = self.sessions.pop(conn_id, None)
        self.timers.forget(conn_id)
        if session is None:
            return
        session.closing = True
        usage = session.usage
        if usage is not None:  # RATE-11: the owner may open another one
            usage.connections -= 1
            if usage.connections == 0:
                usage.idle_since = now
                self._idle_owners.append((now, usage.owner))
        self._leave(session, now)

    def tick(self, now: float) -> None:
        """Run every timer due at ``now`` (IDENT-3, HB-2, HB-3, REFRESH-1, REFRESH-7; RATE-12's
        counted records)."""
        for conn_id in self.timers.pop_due(now):
            if conn_id == LOGBOOK_TIMER:
                self.logbook.flush(now)
                continue
            session = self.sessions.get(conn_id)
            if session is not None and not session.closing:
                self._run_timers(session, now)

    def next_deadline(self) -> float | None:
        """When :meth:`tick` must next be called (monotonic seconds), or ``None``."""
        return self.timers.next_deadline()

    # ------------------------------------------------------------------ timers

    def _run_timers(self, session: Session, now: float) -> None:
        profile = self.profile
        if now >= session.expiry_deadline():
            self._close(session, self.token_expiry_close_code(), "token expired")
            return
        identify = session.identify_deadline(profile)
        if identify is not None and now >= identify:
            self._close(session, self.identify_timeout_close_code(), "not identified in time")
            return
        if now >= session.silence_deadline(profile):
            self._close(session, self.heartbeat_timeout_close_code(), "heartbeat timeout")
            return
        refresh = session.refresh_due(profile)
        if refresh is not None and now >= refresh:
            session.refresh_needed_sent = True
            self.effects.send(session.conn_id, outbound.simple("auth:refresh-needed"))
        if now >= session.ping_due(profile):
            session.last_ping = now
            self.effects.send(session.conn_id, outbound.simple("heartbeat:ping"))
        self.timers.schedule(session.conn_id, session.next_deadline(profile))

    # Close codes: one method per reason, so each decision is visible (R15).

    def auth_failure_close_code(self) -> int:
        """AUTH-3..AUTH-9: close 1008 after completing the handshake."""
        return CloseCode.POLICY_VIOLATION

    def token_expiry_close_code(self) -> int:
        """REFRESH-7."""
        return CloseCode.POLICY_VIOLATION

    def identify_timeout_close_code(self) -> int:
        """IDENT-3."""
        return CloseCode.POLICY_VIOLATION

    def heartbeat_timeout_close_code(self) -> int:
        """HB-3."""
        return CloseCode.GOING_AWAY

    def replaced_agent_close_code(self) -> int:
        """PRES-7."""
        return CloseCode.POLICY_VIOLATION

    def disconnect_close_code(self) -> int:
        """CLOSE-1."""
        return CloseCode.NORMAL

    def inflate_limit_close_code(self) -> int:
        """COMP-4, COMP-6."""
        return CloseCode.MESSAGE_TOO_BIG

    # ------------------------------------------------------------------ input

    def _receive_frame(self, session: Session, text: str, now: float) -> None:
        self._inflate_budget = None  # COMP-6: a new frame, a new budget (made when needed)
        try:
            message = parse_json(text)
        except ValueError as err:
            self._invalid(session, None, None, str(err), None, now)
            return
        self._receive_message(session, message, text, "", now, inside=frozenset())

    def _receive_message(
        self,
        session: Session,
        message: Any,
        raw: str | None,
        prefix: str,
        now: float,
        *,
        inside: frozenset[str],
    ) -> None:
        """Handle one message, top-level or unwrapped (ROLE-4 order); ``prefix`` of its paths."""
        if session.closing:
            return
        message_type = message.get("type") if isinstance(message, dict) else None
        if message_type == "batch" and isinstance(message, dict):
            if "batch" in inside:
                self._invalid(
                    session, message, prefix + "type", "a batch cannot contain a batch", None, now
                )
                return
            self._receive_batch(session, message, prefix, now, inside)
            return
        if message_type == "compressed" and isinstance(message, dict):
            if "compressed" in inside:
                self._invalid(
                    session,
                    message,
                    prefix + "type",
                    "a compressed message cannot contain a compressed one",
                    None,
                    now,
                )
                return
            self._receive_compressed(session, message, prefix, now, inside)
            return
        issue = check(message)
        if issue is not None:
            field_path = self.issue_field(prefix, issue.field)
            self._invalid(session, message, field_path, issue.message, None, now)
            return
        assert isinstance(message, dict) and isinstance(message_type, str)
        self._accept(session, message, message_type, raw, now)

    @staticmethod
    def issue_field(prefix: str, field_path: str | None) -> str | None:
        """VAL-2, BATCH-4, COMP-3: the reported field, prefixed by where the message lies."""
        if not prefix:
            return field_path
        if field_path is None:
            return prefix[:-1]
        return prefix + field_path

    def _invalid(
        self,
        session: Session,
        message: Any,
        field_path: str | None,
        error: str,
        request_id: str | None,
        now: float,
    ) -> None:
        """VAL-1, VAL-3, RATE-4: answer ``validation:error``; count it as a message of no type.

        No type is ``""`` for :meth:`rate_scopes`: the connection's scope, the owner's and the
        global one. Over a limit it is still answered ``validation:error`` (ROLE-4: validity
        first), and the hit is logged (RATE-12).
        """
        scopes = self.rate_scopes(session, "")
        if scopes:
            refusal = admit(scopes, now)
            if refusal is not None:
                self._log_rate_limited(session, refusal, now)
        if request_id is None:
            request_id = outbound.valid_request_id(message)
        self.effects.send(session.conn_id, outbound.validation_error(error, field_path, request_id))

    def _receive_batch(
        self,
        session: Session,
        message: dict[str, Any],
        prefix: str,
        now: float,
        inside: frozenset[str],
    ) -> None:
        """BATCH-1..BATCH-5: the wrapper first, then each message as if sent alone."""
        issue = check_batch_wrapper(message)
        if issue is None:
            try:
                check_batch_count(message)
            except WireError as err:
                self._send_wrapper_error(session, message, prefix + err.field, str(err), now)
                return
        else:
            self._send_wrapper_error(
                session, message, self.issue_field(prefix, issue.field), issue.message, now
            )
            return
        nested = inside | {"batch"}
        for index, inner in enumerate(message["messages"]):
            self._receive_message(
                session, inner, None, f"{prefix}messages.{index}.", now, inside=nested
            )

    def _receive_compressed(
        self,
        session: Session,
        message: dict[str, Any],
        prefix: str,
        now: float,
        inside: frozenset[str],
    ) -> None:
        """COMP-1..COMP-6: check the wrapper, inflate within the limit, handle what it holds.

        The limit is what the frame has left (COMP-6): every ``compressed``
        message of one frame together inflates to at most ``max_message_bytes``.
        """
        issue = check(message)
        if issue is not None:
            self._send_wrapper_error(
                session, message, self.issue_field(prefix, issue.field), issue.message, now
            )
            return
        budget = self._inflate_budget
        if budget is None:
            budget = self._inflate_budget = InflateBudget(self.profile.max_message_bytes)
        try:
            decoded = decode_compressed(message, self.profile.max_message_bytes, budget)
        except InflateLimitError:
            self._close(session, self.inflate_limit_close_code(), "message too big")
            return
        except WireError as err:
            self._send_wrapper_error(session, message, prefix + err.field, str(err), now)
            return
        self._receive_message(
            session, decoded, None, f"{prefix}data.", now, inside=inside | {"compressed"}
        )

    def _send_wrapper_error(
        self,
        session: Session,
        message: dict[str, Any],
        field_path: str | None,
        error: str,
        now: float,
    ) -> None:
        """BATCH-5, RATE-4: an invalid wrapper is an invalid message, counted as one of no type."""
        self._invalid(session, message, field_path, error, None, now)

    def _accept(
        self,
        session: Session,
        message: dict[str, Any],
        message_type: str,
        raw: str | None,
        now: float,
    ) -> None:
        """A valid message: rate limits, identification, role, then its handler (ROLE-4)."""
        request_id = message.get("requestId")
        scopes = self.rate_scopes(session, message_type)
        if scopes:
            refusal = admit(scopes, now)
            if refusal is not None:
                self._refuse_rate(session, refusal, request_id, now)
                return
        decision = self.identification_error(session, message_type)
        if decision is not None:
            code, error = decision
            self._connection_error(session, code, error, request_id)
            return
        if not self.role_allows(session, message_type):
            self._forbidden(session, f"a {session.role} may not send {message_type}", request_id)
            return
        if not self.speaks_for_itself(session, message):
            self._forbidden(session, "a client may speak only for itself", request_id)
            return
        self._handlers[message_type](session, message, raw, now)

    # Decisions (one method each).

    def rate_scopes(self, session: Session, message_type: str) -> tuple[Scope, ...]:
        """RATE-1..RATE-3, RATE-10, PROF-3: the type's own scope, else the connection's; then
        the owner's and the global one.

        Scopes without any window (every limit switched off) are left out, so a
        server without limits does no rate-limit work at all. :func:`admit` records a
        message in every scope or in none (RATE-6), so a message refused by the owner's
        scope spends nothing of the global one (RATE-10).
        """
        scopes = session.type_scopes.get(message_type)
        if scopes is None:
            windows = self.profile.type_windows(message_type)
            own = session.connection_scope if windows is None else Scope("type", windows)
            owner = session.usage.scope if session.usage is not None else None
            scopes = tuple(
                s for s in (own, owner, self.global_scope) if s is not None and s.windows
            )
            session.type_scopes[message_type] = scopes
        return scopes

    def usage_of(self, owner: str) -> OwnerUsage:
        """The state all connections of ``owner`` share (RATE-10, RATE-11), made when needed."""
        usage = self.owner_usage.get(owner)
        if usage is None:
            windows = self._owner_windows
            usage = self.owner_usage[owner] = OwnerUsage(
                owner=owner,
                scope=Scope("owner", windows),
                horizon_s=max((w.seconds for w in windows), default=0),
            )
        return usage

    def _forget_idle_owners(self, now: float) -> None:
        """Drop the state of owners without connections whose windows are empty by now."""
        idle = self._idle_owners
        while idle:
            since, owner = idle[0]
            usage = self.owner_usage.get(owner)
            if usage is not None and now < since + usage.horizon_s:
                return
            idle.popleft()
            if usage is not None and usage.forgettable(now):
                del self.owner_usage[owner]

    def owner_connections_full(self, usage: OwnerUsage) -> bool:
        """RATE-11: the owner already has ``max_connections_per_owner`` open connections."""
        bound = self.profile.max_connections_per_owner
        return bound is not None and usage.connections >= bound

    def owner_connection_limit_close_code(self) -> int:
        """RATE-11: 1008, as for an authentication failure (AUTH-3)."""
        return CloseCode.POLICY_VIOLATION

    def _refuse_connection(self, conn_id: int, usage: OwnerUsage, remote: str, now: float) -> None:
        """RATE-11, RATE-12: close with no message; log it, one record a second per owner."""
        self.logbook.hit(
            usage.refusal_log,
            now,
            "connection_limit",
            {
                "owner": usage.owner,
                "remote": remote,
                "reason": f"the owner already has {usage.connections} open connections",
            },
        )
        self.effects.close(
            conn_id, self.owner_connection_limit_close_code(), "too many connections"
        )

    def identification_error(self, session: Session, message_type: str) -> tuple[str, str] | None:
        """IDENT-1, IDENT-2, IDENT-4: the ``connection:error`` code, or ``None`` to go on."""
        if session.identified:
            if message_type in CONNECT_TYPES:
                return ("ALREADY_IDENTIFIED", "connection already identified")
            return None
        if message_type in CONNECT_TYPES or message_type in PRE_IDENTIFICATION_TYPES:
            return None
        return ("NOT_IDENTIFIED", "identify with dashboard:connect or agent:connect first")

    def role_allows(self, session: Session, message_type: str) -> bool:
        """ROLE-1..ROLE-3 (an unidentified connection got past IDENT-1 already)."""
        if session.role is None:
            return True
        return message_type in ROLE_TYPES[session.role]

    def speaks_for_itself(self, session: Session, message: dict[str, Any]) -> bool:
        """PRES-5, PRES-6: an agent's ``agentId`` and a dashboard's ``dashboardId`` are its own."""
        if session.role == "agent":
            agent_id = message.get("agentId")
            return agent_id is None or agent_id == session.ident
        if session.role == "dashboard" and message.get("type") == "dashboard:disconnect":
            return message.get("dashboardId") == session.ident
        return True

    def _refuse_rate(
        self, session: Session, refusal: Refusal, request_id: str | None, now: float
    ) -> None:
        """RATE-7..RATE-9, AUTH-11."""
        self._log_rate_limited(session, refusal, now)
        self.effects.send(
            session.conn_id,
            outbound.connection_error(
                "RATE_LIMIT",
                "Rate limit exceeded",
                request_id,
                retry_after=refusal.retry_after,
                limits=refusal.limits,
            ),
        )

    def _log_rate_limited(self, session: Session, refusal: Refusal, now: float) -> None:
        """AUTH-11, RATE-12: a ``rate_limited`` record naming whoever exceeded the scope.

        The connection's or a type's scope: that connection. The owner's scope
        (RATE-10): the owner, with how many connections it has open. The global
        scope: the refused connection and ``top_owners``, the owners that used
        most of the window. One record a second per connection, owner or global
        scope; the hits in between are counted into the next (:class:`Logbook`).
        """
        scope = refusal.scope
        fields: dict[str, Any] = {
            "owner": session.owner,
            "remote": session.remote,
            "reason": f"{scope} limit",
            "scope": scope,
        }
        if scope == "owner" and session.usage is not None:
            fields["connections"] = session.usage.connections
            self.logbook.hit(session.usage.rate_log, now, "rate_limited", fields)
        elif scope == "global":
            self.logbook.hit(
                self._global_rate_log,
                now,
                "rate_limited",
                fields,
                lambda at: {"top_owners": self.top_owners(at)},
            )
        else:
            if session.rate_log is None:
                session.rate_log = LogThrottle()
            self.logbook.hit(session.rate_log, now, "rate_limited", fields)

    def top_owners(self, now: float) -> list[dict[str, Any]]:
        """RATE-12: the owners with the most messages in their scope's shortest window."""
        counts = (
            (usage.scope.windows[0].used(now), usage.owner)
            for usage in self.owner_usage.values()
            if usage.scope.windows
        )
        return [
            {"owner": owner, "used": used}
            for used, owner in heapq.nlargest(TOP_OWNERS, counts)
            if used > 0
        ]

    def _connection_error(
        self, session: Session, code: str, error: str, request_id: str | None
    ) -> None:
        self.effects.send(session.conn_id, outbound.connection_error(code, error, request_id))

    def _forbidden(self, session: Session, error: str, request_id: str | None) -> None:
        """ROLE-3, PRES-5, PRES-6, CMD-12, AUTH-11."""
        self.log.event("forbidden", owner=session.owner, remote=session.remote, reason=error)
        self._connection_error(session, "FORBIDDEN", error, request_id)

    # ------------------------------------------------------------------ helpers

    def owner_state(self, owner: str) -> OwnerState:
        state = self.owners.get(owner)
        if state is None:
            state = self.owners[owner] = OwnerState()
        return state

    def find_agent(self, owner: str, agent_id: str) -> AgentRecord | None:
        """TEN-1, TEN-4: agents are looked up only within the owner's."""
        state = self.owners.get(owner)
        return None if state is None else state.agents.get(agent_id)

    def find_command(self, owner: str, command_id: str) -> Command | None:
        """TEN-5, CMD-15: an active command of this owner, or ``None``."""
        command = self.commands.get(command_id)
        return command if command is not None and command.owner == owner else None

    def dashboards_of(self, owner: str, *, excluding: int | None = None) -> list[int]:
        """TEN-2: the owner's dashboards' connections."""
        state = self.owners.get(owner)
        if state is None:
            return []
        return [c for c in state.dashboards if c != excluding]

    def _to_dashboards(self, owner: str, text: str, *, excluding: int | None = None) -> None:
        targets = self.dashboards_of(owner, excluding=excluding)
        if targets:
            self.effects.send_many(targets, text)

    def _close(self, session: Session, code: int, reason: str) -> None:
        if session.closing:
            return
        session.closing = True
        self.effects.close(session.conn_id, code, reason)

    def _drop_owner_if_empty(self, owner: str) -> None:
        state = self.owners.get(owner)
        if state is not None and state.is_empty():
            del self.owners[owner]

    # ------------------------------------------------------------------ handlers

    def _on_dashboard_connect(
        self, session: Session, message: dict[str, Any], raw: str | None, now: float
    ) -> None:
        """PRES-1: identify; ``agent:list`` of the owner's agents is the first reply."""
        session.role = "dashboard"
        session.ident = message["dashboardId"]
        state = self.owner_state(session.owner)
        state.dashboards[session.conn_id] = None
        self.effects.send(
            session.conn_id, outbound.agent_list(a.summary() for a in state.agents.values())
        )

    def _on_agent_connect(
        self, session: Session, message: dict[str, Any], raw: str | None, now: float
    ) -> None:
        """PRES-2, PRES-7, PRES-8, IDENT-6: register (or replace) the agent; no direct reply."""
        agent_id = message["agentId"]
        session.role = "agent"
        session.ident = agent_id
        state = self.owner_state(session.owner)
        record = state.agents.get(agent_id)
        if record is not None:
            self._replace_agent(record, session, now)
            record.agent_type = message["agentType"]
            record.status = "online"
            record.connected_at = now_timestamp()
        else:
            record = AgentRecord(
                agent_id=agent_id,
                agent_type=message["agentType"],
                conn_id=session.conn_id,
                status="online",
                connected_at=now_timestamp(),
            )
            state.agents[agent_id] = record
        self._to_dashboards(session.owner, outbound.agent_status(agent_id, "online"))
        self._start_next(record, now)

    def _replace_agent(self, record: AgentRecord, newer: Session, now: float) -> None:
        """PRES-7, PRES-8: close the older connection with 1008; its running command fails."""
        older = self.sessions.get(record.conn_id)
        if older is not None:
            older.replaced = True
            self.log.event(
                "agent_replaced",
                owner=older.owner,
                remote=older.remote,
                reason=f"agent {record.agent_id} connected again from {newer.remote}",
            )
            self._close(older, self.replaced_agent_close_code(), "replaced by a newer connection")
        running = record.queue.running
        if running is not None:
            record.queue.finish_running(running.command_id, now)
            self.commands.pop(running.command_id, None)
            self._to_dashboards(
                newer.owner, outbound.command_status(running.command_id, record.agent_id, "failed")
            )
        record.conn_id = newer.conn_id

    def _on_dashboard_disconnect(
        self, session: Session, message: dict[str, Any], raw: str | None, now: float
    ) -> None:
        """CLOSE-1 (PRES-6 checked in :meth:`speaks_for_itself`)."""
        self._leave(session, now)
        self._close(session, self.disconnect_close_code(), "disconnected")

    def _on_agent_disconnect(
        self, session: Session, message: dict[str, Any], raw: str | None, now: float
    ) -> None:
        """PRES-4, CMD-17, CLOSE-1."""
        self._leave(session, now)
        self._close(session, self.disconnect_close_code(), "disconnected")

    def _leave(self, session: Session, now: float) -> None:
        """A connection stops being a dashboard or an agent (PRES-4, CMD-17, CMD-19)."""
        role, session.role = session.role, None if session.role is None else "left"
        if role == "dashboard":
            state = self.owners.get(session.owner)
            if state is not None:
                state.dashboards.pop(session.conn_id, None)
                self._drop_owner_if_empty(session.owner)
        elif role == "agent" and not session.replaced:
            record = self.find_agent(session.owner, session.ident or "")
            if record is not None and record.conn_id == session.conn_id:
                self._agent_departed(session.owner, record)

    def _agent_departed(self, owner: str, record: AgentRecord) -> None:
        """PRES-4, CMD-17: its commands fail, dashboards see it go offline."""
        state = self.owner_state(owner)
        state.agents.pop(record.agent_id, None)
        queue = record.queue
        doomed = ([queue.running] if queue.running is not None else []) + queue.take_pending()
        queue.running = None
        for command in doomed:
            self.commands.pop(command.command_id, None)
            self._to_dashboards(
                owner, outbound.command_status(command.command_id, record.agent_id, "failed")
            )
        self._to_dashboards(owner, outbound.agent_status(record.agent_id, "offline"))
        self._drop_owner_if_empty(owner)

    def _on_agent_status(
        self, session: Session, message: dict[str, Any], raw: str | None, now: float
    ) -> None:
        """PRES-3: record the status and forward it to the owner's dashboards."""
        record = self.find_agent(session.owner, message["agentId"])
        if record is not None:
            record.status = message["status"]
        self._forward_to_dashboards(session.owner, message, raw)

    def _forward_to_dashboards(
        self, owner: str, message: dict[str, Any], raw: str | None, *, excluding: int | None = None
    ) -> None:
        """MSG-13, TEN-2: forward unchanged (the received text itself when it can be)."""
        targets = self.dashboards_of(owner, excluding=excluding)
        if targets:
            self.effects.forward(targets, self.forwarded_text(message, raw), message["type"])

    @staticmethod
    def forwarded_text(message: dict[str, Any], raw: str | None) -> str:
        """MSG-13: the received text when it is a plain frame without ``requestId``."""
        if raw is not None and "requestId" not in message:
            return raw
        return outbound.forwarded(message)

    def _on_command_request(
        self, session: Session, message: dict[str, Any], raw: str | None, now: float
    ) -> None:
        """CMD-1..CMD-9, TEN-4."""
        request_id = message.get("requestId")
        agent_id = message["agentId"]
        record = self.find_agent(session.owner, agent_id)
        if record is None:
            self.effects.send(
                session.conn_id,
                outbound.command_error(
                    "AGENT_NOT_FOUND", f"no agent {agent_id}", request_id, agent_id=agent_id
                ),
            )
            return
        queue = record.queue
        args = list(message.get("args", []))
        size = command_size(message["command"], args)
        full = self.queue_full(session.owner, record, size)
        if full is not None:
            self.effects.send(
                session.conn_id,
                outbound.command_error("QUEUE_FULL", full, request_id, agent_id=agent_id),
            )
            return
        command = Command(
            command_id=self.command_ids.next(),
            agent_id=agent_id,
            owner=session.owner,
            command=message["command"],
            args=args,
            priority=message.get("priority", "normal"),
            seq=self._next_seq(),
            size=size,
        )
        position = queue.enqueue(command)
        self.commands[command.command_id] = command
        queued = outbound.simple(
            "command:queued",
            commandId=command.command_id,
            agentId=agent_id,
            position=position,
            estimatedWait=queue.estimated_wait_ms(position),
            requestId=request_id,
        )
        self.effects.send(session.conn_id, queued)
        self._to_dashboards(
            session.owner, outbound.command_status(command.command_id, agent_id, "queued")
        )
        self._start_next(record, now)

    def queue_full(self, owner: str, record: AgentRecord, size: int) -> str | None:
        """CMD-6, CMD-20: why a command of ``size`` bytes cannot be queued, or ``None``.

        Only pending commands count (a running one does not): at most
        ``max_queue`` of them per agent, at most ``max_queue_bytes`` bytes per
        agent and ``max_owner_queue_bytes`` for all the owner's agents together.
        """
        queue = record.queue
        profile = self.profile
        if len(queue.pending) >= profile.max_queue:
            return f"agent {record.agent_id} already has {len(queue.pending)} pending commands"
        budget = profile.max_queue_bytes
        if budget is not None and queue.pending_bytes + size > budget:
            return (
                f"agent {record.agent_id}'s pending commands would take more than {budget} bytes"
            )
        budget = profile.max_owner_queue_bytes
        if budget is not None and self.owner_state(owner).pending_bytes() + size > budget:
            return f"the owner's pending commands would take more than {budget} bytes"
        return None

    def _next_seq(self) -> int:
        self._seq += 1
        return self._seq

    def _start_next(self, record: AgentRecord, now: float) -> None:
        """CMD-8, CMD-9, CMD-11: send ``command:execute`` when the agent runs nothing."""
        command = record.queue.start_next(now)
        if command is None:
            return
        self.effects.send(
            record.conn_id,
            outbound.simple(
                "command:execute",
                commandId=command.command_id,
                command=command.command,
                args=command.args,
            ),
        )

    def _on_command_interrupt(
        self, session: Session, message: dict[str, Any], raw: str | None, now: float
    ) -> None:
        """CMD-13, CMD-14, CMD-15, TEN-5."""
        command_id = message["commandId"]
        command = self.find_command(session.owner, command_id)
        record = None if command is None else self.find_agent(session.owner, command.agent_id)
        if command is None or record is None:
            self.effects.send(
                session.conn_id,
                outbound.command_error(
                    "COMMAND_NOT_FOUND",
                    f"no active command {command_id}",
                    message.get("requestId"),
                    command_id=command_id,
                ),
            )
            return
        if record.queue.running is command:
            self.effects.forward((record.conn_id,), outbound.forwarded(message), message["type"])
            return
        record.queue.remove_pending(command_id)
        self.commands.pop(command_id, None)
        self._to_dashboards(
            session.owner, outbound.command_status(command_id, command.agent_id, "interrupted")
        )

    def _on_command_report(
        self, session: Session, message: dict[str, Any], raw: str | None, now: float
    ) -> None:
        """CMD-10, CMD-11, CMD-12: forward the agent's report; a final one frees the agent."""
        record = self.find_agent(session.owner, message["agentId"])
        command_id = message["commandId"]
        if (
            record is None
            or record.conn_id != session.conn_id
            or not record.queue.was_started(command_id)
            or message.get("status") == "queued"
        ):
            self._forbidden(
                session,
                f"command {command_id} is not one this agent was sent",
                message.get("requestId"),
            )
            return
        self._forward_to_dashboards(session.owner, message, raw)
        final = message["type"] == "command:complete" or message.get("status") in FINAL_STATUSES
        if final and record.queue.finish_running(command_id, now):
            self.commands.pop(command_id, None)
            self._start_next(record, now)

    def _on_terminal_output(
        self, session: Session, message: dict[str, Any], raw: str | None, now: float
    ) -> None:
        """TERM-1: to every dashboard of the owner, in the order received."""
        self._forward_to_dashboards(session.owner, message, raw)

    def _on_terminal_clear(
        self, session: Session, message: dict[str, Any], raw: str | None, now: float
    ) -> None:
        """TERM-2, TEN-4."""
        if session.role == "agent":
            self._forward_to_dashboards(session.owner, message, raw)
            return
        agent_id = message["agentId"]
        record = self.find_agent(session.owner, agent_id)
        if record is None:
            self.effects.send(
                session.conn_id,
                outbound.command_error(
                    "AGENT_NOT_FOUND",
                    f"no agent {agent_id}",
                    message.get("requestId"),
                    agent_id=agent_id,
                ),
            )
            return
        targets = [record.conn_id, *self.dashboards_of(session.owner, excluding=session.conn_id)]
        self.effects.forward(targets, self.forwarded_text(message, raw), message["type"])

    def _on_emergency_stop(
        self, session: Session, message: dict[str, Any], raw: str | None, now: float
    ) -> None:
        """CMD-16, TEN-2, TEN-3: pending commands interrupted; forwarded within the owner only."""
        state = self.owner_state(session.owner)
        for record in state.agents.values():
            stopped = record.queue.take_pending()
            for command in stopped:
                self.commands.pop(command.command_id, None)
                self._to_dashboards(
                    session.owner,
                    outbound.command_status(command.command_id, record.agent_id, "interrupted"),
                )
        targets = [record.conn_id for record in state.agents.values()]
        targets += self.dashboards_of(session.owner, excluding=session.conn_id)
        if targets:
            self.effects.forward(targets, self.forwarded_text(message, raw), message["type"])

    def _on_heartbeat_ping(
        self, session: Session, message: dict[str, Any], raw: str | None, now: float
    ) -> None:
        """HB-1."""
        self.effects.send(
            session.conn_id, outbound.simple("heartbeat:pong", requestId=message.get("requestId"))
        )

    def _on_heartbeat_pong(
        self, session: Session, message: dict[str, Any], raw: str | None, now: float
    ) -> None:
        """HB-4: a sign of life, nothing more."""

    def _on_refresh_token(
        self, session: Session, message: dict[str, Any], raw: str | None, now: float
    ) -> None:
        """REFRESH-2..REFRESH-6, TEN-6."""
        error = self.refresh_refusal(session, message["token"], now)
        if error is not None:
            self.log.event(
                "auth_failure",
                owner=session.owner,
                remote=session.remote,
                reason=f"refresh: {error}",
            )
            self.effects.send(session.conn_id, outbound.simple("auth:refresh-failed", error=error))
            return
        self.effects.send(session.conn_id, outbound.simple("auth:refresh-success"))
        self._run_timers(session, now)

    def refresh_refusal(self, session: Session, token: str, now: float) -> str | None:
        """REFRESH-3, REFRESH-4: why a refresh is refused, or ``None`` after adopting the token."""
        wall = self.wall_clock()
        try:
            claims = verify(token, self.jwt_secret, now=wall)
        except TokenError as err:
            return f"token refused: {err}"
        if claims.sub != session.owner:
            return "token is for another subject"
        if claims.exp <= session.token_exp:
            return "token does not expire later than the current one"
        session.token_exp = claims.exp
        session.expires_at = now + (claims.exp - wall)
        session.refresh_needed_sent = False  # REFRESH-2
        return None

