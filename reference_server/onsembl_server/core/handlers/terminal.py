"""Terminal output and clearing, forwarded within the owner (TERM-1, TERM-2, TEN-4)."""

from __future__ import annotations

from typing import Any

from onsembl_server.core import outbound
from onsembl_server.core.session import Session
from onsembl_server.core.state import CoreState


class TerminalHandlers(CoreState):
    """The terminal messages: a mixin of ``ServerCore``."""

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
