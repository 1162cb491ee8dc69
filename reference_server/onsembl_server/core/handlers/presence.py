"""Presence: who is connected as what (IDENT-6, PRES-1..PRES-8, CMD-17, CLOSE-1).

``dashboard:connect``, ``agent:connect``, the disconnect messages and
``agent:status``; leaving when a connection ends (``ServerCore.closed``). Each
step of a connection's phase goes through ``Session.advance`` (``core/phases.py``).
"""

from __future__ import annotations

from typing import Any

from onsembl_server.core import outbound
from onsembl_server.core.close_codes import CloseReason
from onsembl_server.core.phases import Event
from onsembl_server.core.session import Session
from onsembl_server.core.state import AgentRecord, CoreState
from onsembl_spec.wire import now_timestamp


class PresenceHandlers(CoreState):
    """Identification, presence and leaving: a mixin of ``ServerCore``."""

    def _on_dashboard_connect(
        self, session: Session, message: dict[str, Any], raw: str | None, now: float
    ) -> None:
        """PRES-1: identify; ``agent:list`` of the owner's agents is the first reply."""
        session.advance(Event.IDENTIFY_DASHBOARD)
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
        session.advance(Event.IDENTIFY_AGENT)
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
            self.log.event(
                "agent_replaced",
                owner=older.owner,
                remote=older.remote,
                reason=f"agent {record.agent_id} connected again from {newer.remote}",
            )
            self._close(older, CloseReason.REPLACED_AGENT)
            older.advance(Event.REPLACE)  # its end no longer touches the record
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
        self._close(session, CloseReason.DISCONNECT)

    def _on_agent_disconnect(
        self, session: Session, message: dict[str, Any], raw: str | None, now: float
    ) -> None:
        """PRES-4, CMD-17, CLOSE-1."""
        self._leave(session, now)
        self._close(session, CloseReason.DISCONNECT)

    def _leave(self, session: Session, now: float) -> None:
        """A connection stops being a dashboard or an agent (PRES-4, CMD-17, CMD-19)."""
        role = session.role  # None: never identified, left already, or replaced (PRES-7)
        if role is None:
            return
        session.advance(Event.LEAVE)
        if role == "dashboard":
            state = self.owners.get(session.owner)
            if state is not None:
                state.dashboards.pop(session.conn_id, None)
                self._drop_owner_if_empty(session.owner)
        else:
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
