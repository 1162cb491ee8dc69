"""Broken servers for the byte budgets of issue 11: queued commands (CMD-20) and unsent bytes
(CLOSE-8, CLOSE-9).

Each fault patches one named piece of the reference server (see
``fault_registry``); ``CATALOGUE`` lists the checks each must make fail.
"""

from __future__ import annotations

from typing import Any

from fault_registry import Entry, entry, fault

from onsembl_server.core.server import ServerCore
from onsembl_server.core.state import AgentRecord


@fault("queue-no-byte-budget")
def _() -> None:
    """Only ``max_queue`` counts: commands of any size are queued (CMD-20)."""

    def queue_full(self: ServerCore, owner: str, record: AgentRecord, size: int) -> str | None:
        if len(record.queue.pending) >= self.profile.max_queue:
            return "queue full"
        return None

    ServerCore.queue_full = queue_full  # type: ignore[method-assign]


@fault("close-drops-reader-behind")
def _() -> None:
    """A connection is closed as a slow consumer as soon as 2 MiB wait for it, whether it reads
    or not: the issue's dashboard reading a burst as fast as it could (CLOSE-8)."""
    import onsembl_server.app as app

    original = app._Outbox.__init__

    def init(self: Any, server: Any) -> None:
        original(self, server)
        self._connection_bytes = 2 * 1024 * 1024

    app._Outbox.__init__ = init  # type: ignore[method-assign]


def _no_budget(key: str) -> None:
    import onsembl_server.app as app

    original = app._Outbox.__init__

    def init(self: Any, server: Any) -> None:
        original(self, server)
        setattr(self, key, None)

    app._Outbox.__init__ = init  # type: ignore[method-assign]


@fault("close-no-owner-budget")
def _() -> None:
    """``outbound.owner_bytes`` is ignored: one owner's backlog may reach the server's (CLOSE-9)."""
    _no_budget("_owner_bytes")


@fault("close-no-server-budget")
def _() -> None:
    """``outbound.server_bytes`` is ignored: owners within their own budgets together are not
    bounded (CLOSE-9)."""
    _no_budget("_server_bytes")


CATALOGUE: tuple[Entry, ...] = (
    entry("queue-no-byte-budget", "queue_byte_budgets", "CMD-20"),
    entry("close-drops-reader-behind", "reading_dashboard_kept", "CLOSE-8"),
    entry("close-no-owner-budget", "owner_backlog_bounded", "CLOSE-9"),
    entry("close-no-server-budget", "server_backlog_bounded", "CLOSE-9"),
)
