"""What every area of the server core shares: its state, and the lookups and sends they all use.

:class:`CoreState` holds the sessions (by connection), the owners' presence
(:class:`OwnerState`: agents and dashboards, TEN-1), the active commands, the
rate-limit state of owners (RATE-10, RATE-11), the timers and the close codes
(``close_codes``, R15). ``ServerCore`` is this class with the message handlers
of each area (``core/handlers/``) and the rate-limit decisions (``core/limits.py``)
mixed in; it routes frames to them.
"""

from __future__ import annotations

import time
from collections import deque
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from onsembl_server.core import outbound
from onsembl_server.core.close_codes import CLOSE_CODES, CloseReason
from onsembl_server.core.commands import AgentQueue, Command, CommandIds
from onsembl_server.core.effects import Effects
from onsembl_server.core.logbook import Logbook, LogThrottle
from onsembl_server.core.phases import Event
from onsembl_server.core.ratelimit import Scope
from onsembl_server.core.session import OwnerUsage, Session
from onsembl_server.core.timers import DeadlineHeap
from onsembl_server.seclog import NullSecurityLog, SecurityLog
from onsembl_spec.profile import Profile
from onsembl_spec.tokens import Verifier
from onsembl_spec.wire import InflateBudget

RATE_LOG_INTERVAL_S = 1.0
"""At most one ``rate_limited`` record per connection, owner or global scope a second, and one
``connection_limit`` record per owner; each with the ``count`` of hits it stands for (RATE-12)."""
LOGBOOK_TIMER = -1
"""The timer id (never a connection's) at which the logbook writes its counted records."""


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


class CoreState:
    """The state of the core and the helpers every area uses (owner lookups, sends, closes)."""

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
        self.close_codes: dict[CloseReason, tuple[int, str]] = dict(CLOSE_CODES)
        """R15: this server's close code and reason text for each reason (a copy of
        ``close_codes.CLOSE_CODES``, so one server's entry can be swapped)."""
        self._seq = 0
        self._inflate_budget: InflateBudget | None = None
        """What the current frame's ``compressed`` messages may still inflate to (COMP-6)."""

    # ------------------------------------------------------------------ owners

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

    def _close(self, session: Session, reason: CloseReason) -> None:
        """Ask the I/O layer to close a session for ``reason`` (R15), once: its phase moves
        to a closing one, whose frames and timers are ignored."""
        if session.phase.closing:
            return
        session.advance(Event.CLOSE)
        code, text = self.close_codes[reason]
        self.effects.close(session.conn_id, code, text)

    def _close_connection(self, conn_id: int, reason: CloseReason) -> None:
        """Close a connection that has no session (refused at the handshake, AUTH-3, RATE-11)."""
        code, text = self.close_codes[reason]
        self.effects.close(conn_id, code, text)

    def _drop_owner_if_empty(self, owner: str) -> None:
        state = self.owners.get(owner)
        if state is not None and state.is_empty():
            del self.owners[owner]

    # ------------------------------------------------------------------ sending

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

    def _connection_error(
        self, session: Session, code: str, error: str, request_id: str | None
    ) -> None:
        self.effects.send(session.conn_id, outbound.connection_error(code, error, request_id))

    def _forbidden(self, session: Session, error: str, request_id: str | None) -> None:
        """ROLE-3, PRES-5, PRES-6, CMD-12, AUTH-11."""
        self.log.event("forbidden", owner=session.owner, remote=session.remote, reason=error)
        self._connection_error(session, "FORBIDDEN", error, request_id)

    # ------------------------------------------------------------------ shared by areas

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

    def _run_timers(self, session: Session, now: float) -> None:
        """The session's deadlines (IDENT-3, HB-2, HB-3, REFRESH-1, REFRESH-7): ``ServerCore``."""
        raise NotImplementedError
