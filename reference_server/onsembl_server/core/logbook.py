"""Aggregated security records (RATE-12): one record per key and interval, with a count.

A key is whatever a record names: a connection, an owner, the global scope.
Its first hit is written at once (``count`` 1); the hits that follow within
the interval are counted, and one record with their ``count`` (and the
details of the last of them) is written when the interval ends, so a flood
costs one line a second per key and no hit goes uncounted. The core calls
:meth:`Logbook.flush` at the deadline the logbook asks for.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from onsembl_server.seclog import SecurityLog

Details = Callable[[float], dict[str, Any]]
"""Fields computed only when a record is written (``now`` given): kept out of the hot path."""


class LogThrottle:
    """One key's records: when the last was written, and the hits since, waiting."""

    __slots__ = ("count", "details", "event", "fields", "last")

    def __init__(self) -> None:
        self.last = float("-inf")
        self.count = 0
        self.event = ""
        self.fields: dict[str, Any] = {}
        self.details: Details | None = None


class Logbook:
    """Writes hits to ``log`` through their keys' :class:`LogThrottle`."""

    def __init__(
        self, log: SecurityLog, interval: float, schedule: Callable[[float], None]
    ) -> None:
        self.log = log
        self.interval = interval
        self._schedule = schedule
        self._waiting: list[LogThrottle] = []

    def hit(
        self,
        throttle: LogThrottle,
        now: float,
        event: str,
        fields: dict[str, Any],
        details: Details | None = None,
    ) -> None:
        """One hit of ``throttle``'s key: written now, or counted into the interval's record.

        ``fields`` must hold ``owner``, ``remote`` and ``reason`` (AUTH-11).
        """
        if throttle.count == 0 and now - throttle.last >= self.interval:
            throttle.last = now
            self._write(event, fields, details, now, 1)
            return
        if throttle.count == 0:
            self._waiting.append(throttle)
            self._schedule(throttle.last + self.interval)
        throttle.count += 1
        throttle.event, throttle.fields, throttle.details = event, fields, details

    def flush(self, now: float) -> None:
        """Write the record of every key whose interval has ended; ask for the next deadline."""
        waiting: list[LogThrottle] = []
        for throttle in self._waiting:
            if now - throttle.last >= self.interval:
                self._write(throttle.event, throttle.fields, throttle.details, now, throttle.count)
                throttle.last, throttle.count = now, 0
                throttle.fields, throttle.details = {}, None
            else:
                waiting.append(throttle)
        self._waiting = waiting
        if waiting:
            self._schedule(min(t.last for t in waiting) + self.interval)

    def _write(
        self, event: str, fields: dict[str, Any], details: Details | None, now: float, count: int
    ) -> None:
        record = dict(fields)
        if details is not None:
            record.update(details(now))
        owner, remote, reason = record.pop("owner"), record.pop("remote"), record.pop("reason")
        self.log.event(event, owner=owner, remote=remote, reason=reason, count=count, **record)


__all__ = ["Details", "LogThrottle", "Logbook"]
