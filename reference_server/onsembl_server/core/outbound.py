"""Messages the server creates, as compact JSON text (MSG-8, MSG-10, MSG-12).

Field names and codes follow the schemas in ``schemas/messages/``; each
builder returns the text to send, serialized once.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Mapping
from typing import Any

from onsembl_spec.wire import now_timestamp

_dumps = json.JSONEncoder(ensure_ascii=False, separators=(",", ":")).encode


def text(message: Mapping[str, Any]) -> str:
    """Compact JSON text of one message (TRANS-3)."""
    return _dumps(message)


def with_request_id(message: dict[str, Any], request_id: str | None) -> dict[str, Any]:
    """MSG-10, VAL-3: echo the answered message's ``requestId`` when it had a valid one."""
    if request_id is not None:
        message["requestId"] = request_id
    return message


def valid_request_id(message: Any) -> str | None:
    """The message's ``requestId`` when it is a string of 1 to 128 characters (VAL-3)."""
    if isinstance(message, dict):
        value = message.get("requestId")
        if isinstance(value, str) and 1 <= len(value) <= 128:
            return value
    return None


FIELD_MAX = 1024
"""Longest ``field`` the ``validation:error`` schema allows."""


def reportable_field(field: str | None) -> str | None:
    """VAL-2 within the schema (MSG-8): the path, or the closest enclosing one that fits.

    A member named ``""`` (an empty path segment) or a path longer than 1024
    characters cannot be sent as is (VAL-6); the closest enclosing path is
    reported instead, and no field when none fits.
    """
    if field is None:
        return None
    segments = field.split(".")
    if "" in segments:
        segments = segments[: segments.index("")]
    while segments and len(".".join(segments)) > FIELD_MAX:
        segments.pop()
    return ".".join(segments) or None


def validation_error(error: str, field: str | None, request_id: str | None) -> str:
    """VAL-1..VAL-3."""
    message: dict[str, Any] = {"type": "validation:error", "error": _clip(error)}
    field = reportable_field(field)
    if field is not None:
        message["field"] = field
    with_request_id(message, request_id)
    message["timestamp"] = now_timestamp()
    return text(message)


def connection_error(
    code: str,
    error: str,
    request_id: str | None,
    *,
    retry_after: int | None = None,
    limits: Mapping[str, Mapping[str, int]] | None = None,
) -> str:
    """IDENT-2, IDENT-4, ROLE-3, PRES-5, RATE-7 (TYPE-7: rate fields only with RATE_LIMIT)."""
    message: dict[str, Any] = {"type": "connection:error", "error": error, "code": code}
    if code == "RATE_LIMIT":
        message["retryAfter"] = retry_after
        message["limits"] = limits
    with_request_id(message, request_id)
    message["timestamp"] = now_timestamp()
    return text(message)


def command_error(
    code: str,
    error: str,
    request_id: str | None,
    *,
    agent_id: str | None = None,
    command_id: str | None = None,
) -> str:
    """CMD-5, CMD-6, CMD-15, TEN-4, TEN-5 (TYPE-1)."""
    message: dict[str, Any] = {"type": "command:error", "error": error, "code": code}
    if agent_id is not None:
        message["agentId"] = agent_id
    if command_id is not None:
        message["commandId"] = command_id
    with_request_id(message, request_id)
    message["timestamp"] = now_timestamp()
    return text(message)


def simple(message_type: str, **fields: Any) -> str:
    """A message of ``message_type`` with ``fields`` and a fresh timestamp (MSG-12)."""
    message: dict[str, Any] = {"type": message_type}
    message.update({k: v for k, v in fields.items() if v is not None})
    message["timestamp"] = now_timestamp()
    return text(message)


def agent_status(agent_id: str, status: str) -> str:
    """PRES-2, PRES-4: the server's own ``agent:status``."""
    return simple("agent:status", agentId=agent_id, status=status)


def command_status(command_id: str, agent_id: str, status: str) -> str:
    """CMD-7, CMD-13, CMD-16, CMD-17: the server's own ``command:status``."""
    return simple("command:status", commandId=command_id, agentId=agent_id, status=status)


def agent_list(agents: Iterable[Mapping[str, Any]]) -> str:
    """PRES-1."""
    return simple("agent:list", agents=list(agents))


def forwarded(message: Mapping[str, Any]) -> str:
    """MSG-13: a forwarded message keeps every field but ``requestId``."""
    if "requestId" in message:
        message = {k: v for k, v in message.items() if k != "requestId"}
    return text(message)


def _clip(error: str, limit: int = 500) -> str:
    return error if len(error) <= limit else error[: limit - 3] + "..."
