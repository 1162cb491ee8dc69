"""Security events as structured JSON lines (AUTH-11).

One line per event: ``{"ts", "event", "owner", "remote", "reason", ...}``.
Events: ``auth_failure``, ``rate_limited``, ``forbidden``, ``agent_replaced``,
``slow_consumer``, ``server_error``. A token is never written: callers pass
reasons, never credentials, and :meth:`SecurityLog.event` drops any field
named like a credential as a second line of defence.
"""

from __future__ import annotations

import json
import sys
import threading
from typing import Any, TextIO

from onsembl_spec.wire import now_timestamp

_CREDENTIAL_FIELDS = frozenset({"token", "refreshToken", "authorization", "cookie", "secret"})


class SecurityLog:
    """Writes one JSON object per line to ``stream`` (stderr by default)."""

    def __init__(self, stream: TextIO | None = None) -> None:
        self._stream = stream if stream is not None else sys.stderr
        self._lock = threading.Lock()

    def event(
        self, event: str, *, owner: str | None, remote: str | None, reason: str, **extra: Any
    ) -> None:
        """Write one security event (AUTH-11)."""
        record: dict[str, Any] = {
            "ts": now_timestamp(),
            "event": event,
            "owner": owner,
            "remote": remote,
            "reason": reason,
        }
        record.update({k: v for k, v in extra.items() if k not in _CREDENTIAL_FIELDS})
        line = json.dumps(record, ensure_ascii=True, default=str)
        with self._lock:
            try:
                self._stream.write(line + "\n")
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
