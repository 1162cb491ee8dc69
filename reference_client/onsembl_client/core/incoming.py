"""Reading the server's frames (CLIENT-7, CLIENT-13, TERM-4).

:func:`read_frame` turns one text frame into what it holds, in order: a
``batch``'s messages one by one, in their order, and a ``compressed``'s message
as that message (with ``onsembl_spec.wire``: bounded inflation, one
:class:`~onsembl_spec.wire.InflateBudget` of ``max_message_bytes`` per frame,
COMP-4 and COMP-6 applied to what the server sends). Each is validated
against its schema. Whatever does not read (not JSON, invalid, a wrapper that
does not decode, a ``batch`` inside a ``batch``) becomes a :class:`Problem`,
which the client reports and otherwise ignores: a bad message never closes
the connection (CLIENT-13), and the others of the same frame are still handled.
A ``batch`` whose own fields are invalid, or whose ``count`` is wrong, is one
problem and none of its messages is handled (*decision*: the server's rule for
the same case, BATCH-1 and BATCH-2).
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any

from onsembl_spec import validation, wire
from onsembl_spec.errors import InflateLimitError, WireError

PROBLEM_TEXT_CHARS = 1000
"""How much of an unreadable message a :class:`Problem` keeps."""


@dataclass(frozen=True)
class Received:
    """One valid server message; ``via``: the wrappers it came in, outermost first."""

    message: dict[str, Any]
    via: tuple[str, ...] = ()


@dataclass(frozen=True)
class Problem:
    """Something that is not a valid server message: why, and (the start of) its text."""

    reason: str
    text: str


def _shown(value: Any) -> str:
    try:
        text = value if isinstance(value, str) else json.dumps(value, ensure_ascii=False)
    except (TypeError, ValueError):
        text = repr(value)
    return text[:PROBLEM_TEXT_CHARS]


def read_frame(text: str, max_bytes: int) -> list[Received | Problem]:
    """CLIENT-7: the messages of one text frame, in order (wrappers unwrapped)."""
    try:
        message = validation.parse_json(text)
    except ValueError as err:
        return [Problem(str(err), _shown(text))]
    return unwrap(message, (), wire.InflateBudget(max_bytes), max_bytes)


def unwrap(
    message: Any, via: tuple[str, ...], budget: wire.InflateBudget, max_bytes: int
) -> list[Received | Problem]:
    """CLIENT-7, TERM-4: ``message`` itself, or the messages it wraps, each validated."""
    kind = message.get("type") if isinstance(message, dict) else None
    if kind == "batch":
        return _unwrap_batch(message, via, budget, max_bytes)
    if kind == "compressed":
        return _unwrap_compressed(message, via, budget, max_bytes)
    issue = validation.check(message)
    if issue is not None:
        where = issue.field if issue.field is not None else "message"
        return [Problem(f"invalid: {where}: {issue.message}", _shown(message))]
    return [Received(message, via)]


def _unwrap_batch(
    message: dict[str, Any], via: tuple[str, ...], budget: wire.InflateBudget, max_bytes: int
) -> list[Received | Problem]:
    if "batch" in via:
        return [Problem("a batch inside a batch", _shown(message))]
    issue = validation.check_batch_wrapper(message)
    if issue is not None:
        return [Problem(f"invalid batch: {issue.field}: {issue.message}", _shown(message))]
    try:
        wire.check_batch_count(message)
    except WireError as err:
        return [Problem(f"invalid batch: {err}", _shown(message))]
    found: list[Received | Problem] = []
    for inner in message["messages"]:
        found.extend(unwrap(inner, (*via, "batch"), budget, max_bytes))
    return found


def _unwrap_compressed(
    message: dict[str, Any], via: tuple[str, ...], budget: wire.InflateBudget, max_bytes: int
) -> list[Received | Problem]:
    issue = validation.check(message)
    if issue is not None:
        return [Problem(f"invalid compressed: {issue.field}: {issue.message}", _shown(message))]
    try:
        decoded = wire.decode_compressed(message, max_bytes, budget)
    except (WireError, InflateLimitError) as err:
        return [Problem(f"compressed message does not decode: {err}", _shown(message))]
    return unwrap(decoded, (*via, "compressed"), budget, max_bytes)


__all__ = ["Problem", "Received", "read_frame", "unwrap"]
