"""Commands: requests queued per agent, run one at a time, reported, interrupted and stopped
(CMD-1..CMD-16, CMD-20, TEN-4, TEN-5).

The queue itself is ``core/commands.py`` (``AgentQueue``); starting the next
command is shared with presence (``CoreState._start_next``).
"""

from __future__ import annotations

from typing import Any

from onsembl_server.core import outbound
from onsembl_server.core.commands import Command, command_size
from onsembl_server.core.session import Session
from onsembl_server.core.state import AgentRecord, CoreState
from onsembl_spec.protocol import FINAL_STATUSES


class CommandHandlers(CoreState):
    """The command messages: a mixin of ``ServerCore``."""

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
            return f"agent {record.agent_id}'s pending commands would take more than {budget} bytes"
        budget = profile.max_owner_queue_bytes
        if budget is not None and self.owner_state(owner).pending_bytes() + size > budget:
            return f"the owner's pending commands would take more than {budget} bytes"
        return None

    def _next_seq(self) -> int:
        self._seq += 1
        return self._seq

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
