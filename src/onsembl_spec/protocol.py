"""Protocol constants that are behaviour, not message shape.

Shapes (fields, enums, bounds) are read from the schemas; the constants here
are the few facts of ``docs/spec.md`` that code on both sides needs by name.
Each cites the requirements it serves.
"""

from __future__ import annotations

from enum import IntEnum

from onsembl_spec.schemas import bundled


class CloseCode(IntEnum):
    """WebSocket close codes and when the server sends them (R15; CLOSE-1..CLOSE-7)."""

    NORMAL = 1000  # after dashboard:disconnect / agent:disconnect (CLOSE-1)
    GOING_AWAY = 1001  # shutdown, heartbeat timeout, slow consumer (CLOSE-2, HB-3, CLOSE-7)
    PROTOCOL_ERROR = 1002  # WebSocket protocol error (CLOSE-3)
    UNSUPPORTED_DATA = 1003  # binary frame (TRANS-4)
    INVALID_PAYLOAD = 1007  # invalid UTF-8 (TRANS-5)
    POLICY_VIOLATION = 1008  # auth, expiry, identification timeout, replaced (AUTH, IDENT-3)
    MESSAGE_TOO_BIG = 1009  # over max_message_bytes, also after inflating (TRANS-6, COMP-4)
    MANDATORY_EXTENSION = 1010  # a client's code; the server never sends it (CLOSE-4)
    INTERNAL_ERROR = 1011  # unexpected server error (CLOSE-5)


CONNECT_TYPES = frozenset({"dashboard:connect", "agent:connect"})
"""Messages that identify a connection (IDENT-1)."""

PRE_IDENTIFICATION_TYPES = frozenset({"heartbeat:ping", "heartbeat:pong", "auth:refresh-token"})
"""Besides the connect messages, types handled before identification (IDENT-1)."""

WRAPPER_TYPES = frozenset({"batch", "compressed"})
"""Wrappers whose inner messages are handled as if sent alone (BATCH-4, COMP-1)."""

FINAL_STATUSES = frozenset({"completed", "failed", "interrupted"})
"""Final command statuses (CMD-11, CMD-18)."""

PRIORITY_ORDER = ("high", "normal", "low")
"""Execution order of priorities (CMD-9)."""

DEFAULT_PRIORITY = "normal"
"""Priority of a request without one (CMD-9)."""

CLIENT_ROLES = ("dashboard", "agent")


def allowed_types(role: str) -> frozenset[str]:
    """Types a client of ``role`` may send (ROLE-1, ROLE-2), from the schemas' ``x-sender``."""
    schemas = bundled()
    return frozenset(t for t in schemas.types if role in schemas.senders(t))


def error_codes(message_type: str) -> tuple[str, ...]:
    """The ``code`` values of ``connection:error`` or ``command:error`` (TYPE-1, TYPE-2)."""
    return tuple(bundled().by_type[message_type]["properties"]["code"]["enum"])
