"""Messages the client sends: checked before they reach the wire (CLIENT-4), and its own.

:func:`prepare` turns an application's message into its wire text: a
``timestamp`` of now is added when it has none (CLIENT-11: a kept message keeps
the time it was produced), then :func:`check_outgoing` refuses, with
:class:`InvalidMessageError`, anything the server would refuse or misread:

- a message invalid under its type's schema, named by the generated validators'
  first issue (``onsembl_spec.validation``, R14 field path);
- a type the client's role may not send (``x-sender``, ROLE-1, ROLE-2), also inside
  a ``batch`` or ``compressed``;
- a text longer than ``max_message_bytes`` (TRANS-6);
- a ``batch`` whose ``count`` is wrong, a ``compressed`` that does not decode;
- for an agent, an ``agentId`` other than its own (PRES-5, CLIENT-15).

The builders (:func:`identification`, :func:`disconnect`, :func:`pong`,
:func:`ping`, :func:`refresh`) make the client's own messages.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from functools import cache
from typing import Any

from onsembl_client.errors import InvalidMessageError
from onsembl_spec import validation, wire
from onsembl_spec.errors import InflateLimitError, WireError
from onsembl_spec.protocol import allowed_types


@dataclass(frozen=True)
class Outgoing:
    """A checked message, its compact JSON text, and the types it carries (itself first,
    then those inside a wrapper)."""

    message_type: str
    text: str
    types: tuple[str, ...]
    body: dict[str, Any]


@cache
def role_types(role: str) -> frozenset[str]:
    """The types ``role`` may send (from the schemas' ``x-sender``)."""
    return allowed_types(role)


def _inner_messages(message: Mapping[str, Any], max_bytes: int) -> list[Any]:
    """The messages a valid wrapper carries (a ``compressed`` one decoded)."""
    if message["type"] == "batch":
        try:
            wire.check_batch_count(message)
        except WireError as err:
            raise InvalidMessageError(f"invalid batch: {err}", err.field) from None
        found: list[Any] = []
        for inner in message["messages"]:
            if isinstance(inner, dict) and inner.get("type") == "compressed":
                found.extend(_inner_messages(inner, max_bytes))
            else:
                found.append(inner)
        return found
    try:
        decoded = wire.decode_compressed(message, max_bytes)
    except WireError as err:
        raise InvalidMessageError(f"invalid compressed message: {err}", err.field) from None
    except InflateLimitError as err:
        raise InvalidMessageError(f"invalid compressed message: {err}", "data") from None
    issue = validation.check(decoded)
    if issue is not None:
        field = "data" if issue.field is None else f"data.{issue.field}"
        raise InvalidMessageError(f"invalid message: {field}: {issue.message}", field)
    return [decoded]


def check_outgoing(
    message: Any, text: str, *, role: str, agent_id: str | None, max_bytes: int
) -> None:
    """CLIENT-4: raise :class:`InvalidMessageError` unless ``message`` may be sent as ``text``.

    Schema validity (the generated validators), the role's types, the size bound, wrappers'
    contents, and an agent speaking only for itself (PRES-5, CLIENT-15).
    """
    issue = validation.check(message)
    if issue is not None:
        where = issue.field if issue.field is not None else "message"
        raise InvalidMessageError(f"invalid message: {where}: {issue.message}", issue.field)
    size = len(text.encode("utf-8"))
    if size > max_bytes:
        raise InvalidMessageError(
            f"message too long: {size} bytes, max_message_bytes is {max_bytes}"
        )
    messages = [message]
    if message["type"] in ("batch", "compressed"):
        messages += _inner_messages(message, max_bytes)
    for item in messages:
        item_type = item["type"]
        if item_type not in role_types(role):
            raise InvalidMessageError(f"a {role} may not send {item_type}", "type")
        if role == "agent" and "agentId" in item and item["agentId"] != agent_id:
            raise InvalidMessageError(
                f"an agent speaks only for itself: agentId {item['agentId']!r} is not {agent_id!r}",
                "agentId",
            )


def carried_types(message: Mapping[str, Any]) -> tuple[str, ...]:
    """The type of ``message``, then those of the messages it wraps (a ``compressed`` one
    named by its ``originalType``, which :func:`check_outgoing` has matched with its data)."""
    found = [str(message.get("type"))]
    inner = message.get("messages")
    if message.get("type") == "batch" and isinstance(inner, list):
        for item in inner:
            if isinstance(item, Mapping):
                found.extend(carried_types(item))
    elif message.get("type") == "compressed":
        found.append(str(message.get("originalType")))
    return tuple(found)


def prepare(
    message: Mapping[str, Any],
    *,
    role: str,
    agent_id: str | None,
    max_bytes: int,
    timestamp: Callable[[], str] = wire.now_timestamp,
) -> Outgoing:
    """The wire text of ``message`` (a ``timestamp`` added when missing), checked (CLIENT-4)."""
    if not isinstance(message, Mapping):
        raise InvalidMessageError("a message is a JSON object (a dict)")
    body = dict(message)
    if "timestamp" not in body:
        body["timestamp"] = timestamp()
    try:
        text = wire.message_text(body)
    except (TypeError, ValueError) as err:
        raise InvalidMessageError(f"not JSON: {err}") from None
    check_outgoing(body, text, role=role, agent_id=agent_id, max_bytes=max_bytes)
    types = carried_types(body)
    return Outgoing(types[0], text, types, body)


# ---------------------------------------------------------------- the client's own


def identification(
    role: str, client_id: str, *, agent_type: str, version: str | None
) -> dict[str, Any]:
    """CLIENT-2, CLIENT-3: ``dashboard:connect`` or ``agent:connect`` (always the same
    ``agentId``: the one the client was made with)."""
    if role == "agent":
        message: dict[str, Any] = {
            "type": "agent:connect",
            "agentId": client_id,
            "agentType": agent_type,
        }
        if version is not None:
            message["version"] = version
        return message
    return {"type": "dashboard:connect", "dashboardId": client_id}


def disconnect(role: str, client_id: str) -> dict[str, Any]:
    """``dashboard:disconnect`` or ``agent:disconnect`` (CLOSE-1: the server closes 1000)."""
    if role == "agent":
        return {"type": "agent:disconnect", "agentId": client_id}
    return {"type": "dashboard:disconnect", "dashboardId": client_id}


def pong(ping: Mapping[str, Any]) -> dict[str, Any]:
    """HB-5: the answer to a server ``heartbeat:ping`` (its ``requestId`` echoed, MSG-9)."""
    message: dict[str, Any] = {"type": "heartbeat:pong"}
    if isinstance(ping.get("requestId"), str):
        message["requestId"] = ping["requestId"]
    return message


def ping() -> dict[str, Any]:
    """CLIENT-5: the client's own ``heartbeat:ping``."""
    return {"type": "heartbeat:ping"}


def refresh(token: str) -> dict[str, Any]:
    """CLIENT-6: ``auth:refresh-token`` with the provider's current token."""
    return {"type": "auth:refresh-token", "token": token}


__all__ = [
    "Outgoing",
    "carried_types",
    "check_outgoing",
    "disconnect",
    "identification",
    "ping",
    "pong",
    "prepare",
    "refresh",
    "role_types",
]
