"""Why the server closes a connection, and the close code and reason text of each (R15).

One table instead of one method per reason: :data:`CLOSE_CODES` maps every
:class:`CloseReason` to its ``(code, reason)``. ``ServerCore`` copies it at
construction (``ServerCore.close_codes``), so a test or a broken server can
swap one entry of one server (``core.close_codes[CloseReason.X] = ...``), or of
every server started after it changes this module's table.
"""

from __future__ import annotations

from enum import Enum

from onsembl_spec.protocol import CloseCode


class CloseReason(Enum):
    """Each way the core closes a connection, with the requirements that say how."""

    AUTH_FAILURE = "auth-failure"
    """AUTH-3..AUTH-9: authentication failed; closed after the handshake completes."""
    OWNER_CONNECTION_LIMIT = "owner-connection-limit"
    """RATE-11: the owner has ``max_connections_per_owner`` open connections (as AUTH-3)."""
    IDENTIFY_TIMEOUT = "identify-timeout"
    """IDENT-3: not identified within ``identify_timeout_s``."""
    HEARTBEAT_TIMEOUT = "heartbeat-timeout"
    """HB-3: silent for ``heartbeat.timeout_s``."""
    TOKEN_EXPIRED = "token-expired"
    """REFRESH-7: the token expired without a refresh."""
    REPLACED_AGENT = "replaced-agent"
    """PRES-7: its ``agentId`` connected again."""
    DISCONNECT = "disconnect"
    """CLOSE-1: after ``dashboard:disconnect`` or ``agent:disconnect``."""
    INFLATE_LIMIT = "inflate-limit"
    """COMP-4, COMP-6: a ``compressed`` message inflates past what the frame may."""
    BINARY_FRAME = "binary-frame"
    """TRANS-4: a binary frame."""
    INTERNAL_ERROR = "internal-error"
    """CLOSE-5: an unexpected server error."""


CLOSE_CODES: dict[CloseReason, tuple[int, str]] = {
    CloseReason.AUTH_FAILURE: (CloseCode.POLICY_VIOLATION, "authentication failed"),
    CloseReason.OWNER_CONNECTION_LIMIT: (CloseCode.POLICY_VIOLATION, "too many connections"),
    CloseReason.IDENTIFY_TIMEOUT: (CloseCode.POLICY_VIOLATION, "not identified in time"),
    CloseReason.HEARTBEAT_TIMEOUT: (CloseCode.GOING_AWAY, "heartbeat timeout"),
    CloseReason.TOKEN_EXPIRED: (CloseCode.POLICY_VIOLATION, "token expired"),
    CloseReason.REPLACED_AGENT: (CloseCode.POLICY_VIOLATION, "replaced by a newer connection"),
    CloseReason.DISCONNECT: (CloseCode.NORMAL, "disconnected"),
    CloseReason.INFLATE_LIMIT: (CloseCode.MESSAGE_TOO_BIG, "message too big"),
    CloseReason.BINARY_FRAME: (CloseCode.UNSUPPORTED_DATA, "binary frames are not accepted"),
    CloseReason.INTERNAL_ERROR: (CloseCode.INTERNAL_ERROR, "internal error"),
}
"""The default ``(close code, reason text)`` of every reason (R15; CLOSE-1..CLOSE-6)."""
