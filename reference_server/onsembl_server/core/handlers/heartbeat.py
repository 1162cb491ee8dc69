"""Heartbeats from clients (HB-1, HB-4); the server's own pings are timers (``_run_timers``)."""

from __future__ import annotations

from typing import Any

from onsembl_server.core import outbound
from onsembl_server.core.session import Session
from onsembl_server.core.state import CoreState


class HeartbeatHandlers(CoreState):
    """The heartbeat messages: a mixin of ``ServerCore``."""

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
