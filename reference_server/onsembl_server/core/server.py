"""The protocol core's router: every frame to its handler, in the order of ``docs/spec.md``.

:class:`ServerCore` is driven by five calls from the I/O layer: :meth:`open`
(a handshake completed), :meth:`receive` (a text frame), :meth:`binary_frame`,
:meth:`closed` (the connection ended) and :meth:`tick` (a deadline came);
:meth:`next_deadline` says when to tick. ``now`` is monotonic seconds. It
answers through :class:`~onsembl_server.core.effects.Effects`.

This module reads frames (JSON, ``batch`` and ``compressed`` unwrapped,
validation), applies the gate of ROLE-4 (rate limits, identification, role,
speaks-for-itself) and calls the type's handler; the handlers live by area in
``core/handlers/`` (presence, commands, terminal, heartbeat, refresh) and the
rate-limit decisions in ``core/limits.py``, all mixins of :class:`ServerCore`
over the shared state of ``core/state.py``. A connection's phases and their
transitions are ``core/phases.py``; close codes are ``core/close_codes.py``.
Each decision lives in a small, named method (a broken server replaces one);
ARCHITECTURE.md maps every requirement ID to the method that meets it.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Mapping
from typing import Any

from onsembl_server.core import outbound
from onsembl_server.core.auth import Handshake, authenticate
from onsembl_server.core.close_codes import CloseReason
from onsembl_server.core.effects import Effects
from onsembl_server.core.handlers.commands import CommandHandlers
from onsembl_server.core.handlers.heartbeat import HeartbeatHandlers
from onsembl_server.core.handlers.presence import PresenceHandlers
from onsembl_server.core.handlers.refresh import RefreshHandlers
from onsembl_server.core.handlers.terminal import TerminalHandlers
from onsembl_server.core.limits import RateLimits
from onsembl_server.core.phases import Event
from onsembl_server.core.ratelimit import Scope, admit
from onsembl_server.core.session import Session
from onsembl_server.core.state import LOGBOOK_TIMER
from onsembl_server.seclog import SecurityLog
from onsembl_spec.errors import InflateLimitError, WireError
from onsembl_spec.profile import Profile
from onsembl_spec.protocol import (
    CLIENT_ROLES,
    CONNECT_TYPES,
    PRE_IDENTIFICATION_TYPES,
    WRAPPER_TYPES,
    allowed_types,
)
from onsembl_spec.tokens import Verifier
from onsembl_spec.validation import check, check_batch_wrapper, parse_json
from onsembl_spec.wire import InflateBudget, check_batch_count, decode_compressed

ROLE_TYPES = {role: allowed_types(role) for role in CLIENT_ROLES}
"""ROLE-1, ROLE-2: what each role may send."""

Handler = Callable[[Session, dict[str, Any], str | None, float], None]
"""A message handler: ``(session, message, raw, now)``; ``raw`` is the text the message came
in, ``None`` when it was inside a ``batch`` or ``compressed``."""


class HandlerTableError(RuntimeError):
    """The handlers do not cover the types clients send (ROLE-1, ROLE-2): a start-up error of
    ``ServerCore``, not a 1011 close at run time."""


def client_sent_types() -> frozenset[str]:
    """Every type a dashboard or an agent may send (``x-sender``), wrappers excepted."""
    return frozenset(t for role in CLIENT_ROLES for t in allowed_types(role)) - WRAPPER_TYPES


def check_handlers(handlers: Mapping[str, Handler]) -> None:
    """Every client-sent type has a handler, and every handler a client-sent type, or
    :class:`HandlerTableError` naming the types."""
    expected = client_sent_types()
    problems = [f"no handler for {t!r}" for t in sorted(expected - handlers.keys())]
    problems += [
        f"a handler for {t!r}, which no client sends" for t in sorted(handlers.keys() - expected)
    ]
    if problems:
        raise HandlerTableError(
            "ServerCore's handlers do not match the schemas' client-sent types: "
            + "; ".join(problems)
        )


class ServerCore(
    PresenceHandlers,
    CommandHandlers,
    TerminalHandlers,
    HeartbeatHandlers,
    RefreshHandlers,
    RateLimits,
):
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
        super().__init__(
            profile, jwt_secret, effects, security_log=security_log, wall_clock=wall_clock
        )
        handlers = self.handler_table()
        check_handlers(handlers)
        self._handlers: dict[str, Handler] = handlers

    def handler_table(self) -> dict[str, Handler]:
        """Each client-sent type's handler, by area; checked against the schemas when the core
        is built (:func:`check_handlers`)."""
        return {
            # presence (core/handlers/presence.py)
            "dashboard:connect": self._on_dashboard_connect,
            "agent:connect": self._on_agent_connect,
            "dashboard:disconnect": self._on_dashboard_disconnect,
            "agent:disconnect": self._on_agent_disconnect,
            "agent:status": self._on_agent_status,
            # commands (core/handlers/commands.py)
            "command:request": self._on_command_request,
            "command:interrupt": self._on_command_interrupt,
            "command:status": self._on_command_report,
            "command:complete": self._on_command_report,
            "system:emergency-stop": self._on_emergency_stop,
            # terminal (core/handlers/terminal.py)
            "terminal:output": self._on_terminal_output,
            "terminal:clear": self._on_terminal_clear,
            # heartbeat (core/handlers/heartbeat.py)
            "heartbeat:ping": self._on_heartbeat_ping,
            "heartbeat:pong": self._on_heartbeat_pong,
            # refresh (core/handlers/refresh.py)
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
            self._close_connection(conn_id, CloseReason.AUTH_FAILURE)
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
        if session is None or session.phase.closing:
            return
        session.last_seen = now  # HB-4: any message, valid or not
        try:
            self._receive_frame(session, text, now)
        except Exception as err:  # CLOSE-5: an unexpected server error
            self.log.event(
                "server_error", owner=session.owner, remote=session.remote, reason=repr(err)[:200]
            )
            self._close(session, CloseReason.INTERNAL_ERROR)

    def binary_frame(self, conn_id: int) -> None:
        """TRANS-4: a binary frame closes the connection with 1003."""
        session = self.sessions.get(conn_id)
        if session is not None:
            self._close(session, CloseReason.BINARY_FRAME)
        else:
            self._close_connection(conn_id, CloseReason.BINARY_FRAME)

    def closed(self, conn_id: int, now: float) -> None:
        """The connection ended, whoever closed it: leave presence (PRES-4, CMD-17)."""
        session = self.sessions.pop(conn_id, None)
        self.timers.forget(conn_id)
        if session is None:
            return
        usage = session.usage
        if usage is not None:  # RATE-11: the owner may open another one
            usage.connections -= 1
            if usage.connections == 0:
                usage.idle_since = now
                self._idle_owners.append((now, usage.owner))
        self._leave(session, now)
        session.advance(Event.END)

    def tick(self, now: float) -> None:
        """Run every timer due at ``now`` (IDENT-3, HB-2, HB-3, REFRESH-1, REFRESH-7; RATE-12's
        counted records)."""
        for conn_id in self.timers.pop_due(now):
            if conn_id == LOGBOOK_TIMER:
                self.logbook.flush(now)
                continue
            session = self.sessions.get(conn_id)
            if session is not None and not session.phase.closing:
                self._run_timers(session, now)

    def next_deadline(self) -> float | None:
        """When :meth:`tick` must next be called (monotonic seconds), or ``None``."""
        return self.timers.next_deadline()

    # ------------------------------------------------------------------ timers

    def _run_timers(self, session: Session, now: float) -> None:
        """IDENT-3, HB-2, HB-3, REFRESH-1, REFRESH-7: close, notify or ping, then re-arm."""
        profile = self.profile
        if now >= session.expiry_deadline():
            self._close(session, CloseReason.TOKEN_EXPIRED)
            return
        identify = session.identify_deadline(profile)
        if identify is not None and now >= identify:
            self._close(session, CloseReason.IDENTIFY_TIMEOUT)
            return
        if now >= session.silence_deadline(profile):
            self._close(session, CloseReason.HEARTBEAT_TIMEOUT)
            return
        refresh = session.refresh_due(profile)
        if refresh is not None and now >= refresh:
            session.refresh_needed_sent = True
            self.effects.send(session.conn_id, outbound.simple("auth:refresh-needed"))
        if now >= session.ping_due(profile):
            session.last_ping = now
            self.effects.send(session.conn_id, outbound.simple("heartbeat:ping"))
        self.timers.schedule(session.conn_id, session.next_deadline(profile))

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
        if session.phase.closing:
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
            self._close(session, CloseReason.INFLATE_LIMIT)
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

    # ------------------------------------------------------------------ the gate (ROLE-4)

    def identification_error(self, session: Session, message_type: str) -> tuple[str, str] | None:
        """IDENT-1, IDENT-2, IDENT-4: the ``connection:error`` code, or ``None`` to go on."""
        if session.phase.identified:
            if message_type in CONNECT_TYPES:
                return ("ALREADY_IDENTIFIED", "connection already identified")
            return None
        if message_type in CONNECT_TYPES or message_type in PRE_IDENTIFICATION_TYPES:
            return None
        return ("NOT_IDENTIFIED", "identify with dashboard:connect or agent:connect first")

    def role_allows(self, session: Session, message_type: str) -> bool:
        """ROLE-1..ROLE-3 (an unidentified connection got past IDENT-1 already)."""
        role = session.phase.role
        if role is None:
            return True
        return message_type in ROLE_TYPES[role]

    def speaks_for_itself(self, session: Session, message: dict[str, Any]) -> bool:
        """PRES-5, PRES-6: an agent's ``agentId`` and a dashboard's ``dashboardId`` are its own."""
        role = session.phase.role
        if role == "agent":
            agent_id = message.get("agentId")
            return agent_id is None or agent_id == session.ident
        if role == "dashboard" and message.get("type") == "dashboard:disconnect":
            return message.get("dashboardId") == session.ident
        return True
