"""One heap of session deadlines; the I/O layer sleeps until the earliest.

Deadlines only move later while a session lives (a message postpones the
heartbeat, a refresh postpones expiry), so an entry is checked when it comes
due and pushed again with the session's real next deadline (lazy deletion).
"""

from __future__ import annotations

import heapq


class DeadlineHeap:
    """``(deadline, conn_id)`` entries; at most one live entry per connection."""

    def __init__(self) -> None:
        self._heap: list[tuple[float, int]] = []
        self._scheduled: dict[int, float] = {}
        self.earliest_changed = False
        """Set when a deadline earlier than all others was added; the I/O layer resets it."""

    def schedule(self, conn_id: int, deadline: float) -> None:
        """Make sure ``conn_id`` is looked at no later than ``deadline``."""
        current = self._scheduled.get(conn_id)
        if current is not None and current <= deadline:
            return
        self._scheduled[conn_id] = deadline
        if not self._heap or deadline < self._heap[0][0]:
            self.earliest_changed = True
        heapq.heappush(self._heap, (deadline, conn_id))

    def forget(self, conn_id: int) -> None:
        self._scheduled.pop(conn_id, None)

    def pop_due(self, now: float) -> list[int]:
        """Connections whose scheduled deadline is at or before ``now``."""
        due: list[int] = []
        heap = self._heap
        while heap and heap[0][0] <= now:
            deadline, conn_id = heapq.heappop(heap)
            if self._scheduled.get(conn_id) == deadline:
                del self._scheduled[conn_id]
                due.append(conn_id)
        return due

    def next_deadline(self) -> float | None:
        heap = self._heap
        while heap and self._scheduled.get(heap[0][1]) != heap[0][0]:
            heapq.heappop(heap)
        return heap[0][0] if heap else None
