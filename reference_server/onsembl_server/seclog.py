"""Security events as structured JSON lines (AUTH-11, AUTH-15).

One line per event: ``{"ts", "event", "owner", "remote", "reason", ...}``.
Events: ``auth_failure``, ``rate_limited``, ``forbidden``, ``agent_replaced``,
``slow_consumer``, ``server_error``, ``accept_failed``. A token is never
written: callers pass reasons, never credentials, and :meth:`SecurityLog.event`
drops any field named like a credential as a second line of defence.

Repeated events are aggregated (AUTH-15): the first event of a kind from a
source (owner and remote host, the port aside) is written at once and opens
an interval of ``interval_s``; the others of that interval are counted and
written as one record when it ends, with ``count`` (how many it stands for),
``interval_s`` and ``reasons`` (how many had each reason, at most
:data:`MAX_REASONS` of them named). At most :data:`MAX_SOURCES` sources are
followed at once; events from others are aggregated under remote ``"*"``.
A record that already stands for several events (it has ``count`` or
``suppressed``, as the rate-limit records of RATE-12) is written as it is.
"""

from __future__ import annotations

import json
import sys
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any, TextIO

from onsembl_spec.wire import now_timestamp

_CREDENTIAL_FIELDS = frozenset({"token", "refreshToken", "authorization", "cookie", "secret"})

AGGREGATE_INTERVAL_S = 10.0
"""AUTH-15: the interval over which repeated events of one source make one record."""
MAX_SOURCES = 256
"""Sources followed at once; events of any other are aggregated under remote ``"*"``."""
MAX_REASONS = 8
"""Distinct reasons named in an aggregated record; the rest are counted under ``"other"``."""

_Key = tuple[str, str | None, str | None]


def remote_host(remote: str | None) -> str | None:
    """The host of ``HOST:PORT`` or ``[HOST]:PORT`` (AUTH-15: the source, whatever the port)."""
    if remote is None:
        return None
    host, colon, port = remote.rpartition(":")
    if not colon or not port.isdigit():
        return remote
    return host[1:-1] if host.startswith("[") and host.endswith("]") else host


@dataclass
class _Interval:
    """Events of one source counted since its first was written."""

    ends_at: float
    owner: str | None
    host: str | None
    count: int = 0
    reasons: dict[str, int] = field(default_factory=dict)


class SecurityLog:
    """Writes one JSON object per line to ``stream`` (stderr by default), aggregating repeats.

    ``clock`` is monotonic seconds (tests pass their own). ``on_pending`` is
    called with the seconds until :meth:`flush` has a record to write, each
    time an interval gets its first counted event: the server schedules
    :meth:`flush` then, so that a count is written even if no event follows.
    ``interval_s`` 0 writes every event on its own line.
    """

    def __init__(
        self,
        stream: TextIO | None = None,
        *,
        interval_s: float = AGGREGATE_INTERVAL_S,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self._stream = stream if stream is not None else sys.stderr
        self._lock = threading.Lock()
        self.interval_s = interval_s
        self._clock = clock
        self._intervals: dict[_Key, _Interval] = {}
        self.on_pending: Callable[[float], None] | None = None

    def event(
        self, event: str, *, owner: str | None, remote: str | None, reason: str, **extra: Any
    ) -> None:
        """Log one security event (AUTH-11), aggregated with its repeats (AUTH-15)."""
        record: dict[str, Any] = {
            "ts": now_timestamp(),
            "event": event,
            "owner": owner,
            "remote": remote,
            "reason": reason,
        }
        record.update({k: v for k, v in extra.items() if k not in _CREDENTIAL_FIELDS})
        if self.interval_s <= 0 or "count" in record or "suppressed" in record:
            self._write([record])
            return
        now = self._clock()
        notify: float | None = None
        with self._lock:
            due = self._take_due(now)
            host = remote_host(remote)
            key: _Key = (event, owner, host)
            interval = self._intervals.get(key)
            if interval is None and len(self._intervals) >= MAX_SOURCES:
                key, host = (event, None, "*"), "*"
                interval = self._intervals.get(key)
            if interval is None:
                self._intervals[key] = _Interval(now + self.interval_s, owner, host)
                due.append(record)
            else:
                if interval.count == 0:
                    notify = interval.ends_at - now
                interval.count += 1
                reasons = interval.reasons
                if reason in reasons or len(reasons) < MAX_REASONS:
                    reasons[reason] = reasons.get(reason, 0) + 1
                else:
                    reasons["other"] = reasons.get("other", 0) + 1
        if due:
            self._write(due)
        if notify is not None and self.on_pending is not None:
            self.on_pending(max(0.0, notify))

    def flush(self, *, everything: bool = False) -> float | None:
        """Write the counts of the intervals that have ended (all of them: ``everything``);
        return the seconds until the next one ends with a count to write, or ``None``."""
        now = self._clock()
        with self._lock:
            due = self._take_due(now, everything=everything)
            waiting = [i.ends_at for i in self._intervals.values() if i.count]
        if due:
            self._write(due)
        return max(0.0, min(waiting) - now) if waiting else None

    def _take_due(self, now: float, *, everything: bool = False) -> list[dict[str, Any]]:
        """Remove the intervals that have ended; their counts as records (lock held)."""
        records: list[dict[str, Any]] = []
        ended: list[_Key] = []
        for key, interval in self._intervals.items():  # opened in order, so ending in order
            if not everything and interval.ends_at > now:
                break
            ended.append(key)
        for key in ended:
            interval = self._intervals.pop(key)
            if not interval.count:
                continue
            reasons = interval.reasons
            records.append(
                {
                    "ts": now_timestamp(),
                    "event": key[0],
                    "owner": interval.owner,
                    "remote": interval.host,
                    "reason": max(reasons, key=reasons.__getitem__),
                    "count": interval.count,
                    "interval_s": self.interval_s,
                    "reasons": reasons,
                }
            )
        return records

    def _write(self, records: list[dict[str, Any]]) -> None:
        text = "".join(json.dumps(r, ensure_ascii=True, default=str) + "\n" for r in records)
        with self._lock:
            try:
                self._stream.write(text)
                self._stream.flush()
            except (OSError, ValueError):
                pass  # a closed or broken log stream must not take the server down


class NullSecurityLog(SecurityLog):
    """Discards every event (unit tests and benchmarks that do not look at the log)."""

    def __init__(self) -> None:
        super().__init__(stream=sys.stderr)

    def event(
        self, event: str, *, owner: str | None, remote: str | None, reason: str, **extra: Any
    ) -> None:
        return None


class MemorySecurityLog(SecurityLog):
    """Keeps events as dicts, and their JSON lines, for tests."""

    def __init__(self) -> None:
        super().__init__(stream=sys.stderr)
        self.records: list[dict[str, Any]] = []
        self.lines: list[str] = []

    def event(
        self, event: str, *, owner: str | None, remote: str | None, reason: str, **extra: Any
    ) -> None:
        record: dict[str, Any] = {
            "event": event,
            "owner": owner,
            "remote": remote,
            "reason": reason,
        }
        record.update({k: v for k, v in extra.items() if k not in _CREDENTIAL_FIELDS})
        self.records.append(record)
        self.lines.append(json.dumps(record, default=str))
