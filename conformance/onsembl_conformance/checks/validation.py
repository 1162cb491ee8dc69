"""Invalid input checks (VAL-1..VAL-5, MSG-10)."""

from __future__ import annotations

import re
from typing import Any

from onsembl_conformance.client import describe
from onsembl_conformance.context import CheckContext, message
from onsembl_conformance.errors import CheckFailure
from onsembl_conformance.registry import check
from onsembl_spec.errors import InflateLimitError, WireError
from onsembl_spec.validation import validate
from onsembl_spec.wire import decode_compressed


def wire_defects(sent: Any, prefix: str = "") -> set[str]:
    """Defects the schemas cannot express: a batch's count (BATCH-1), undecodable ``compressed``
    data or sizes that disagree (COMP-2), in the message or the batch messages inside it."""
    if not isinstance(sent, dict):
        return set()
    found: set[str] = set()
    if sent.get("type") == "batch" and isinstance(sent.get("messages"), list):
        if sent.get("count") != len(sent["messages"]):
            found.add(prefix + "count")
        for index, inner in enumerate(sent["messages"]):
            found |= wire_defects(inner, f"{prefix}messages.{index}.")
    elif sent.get("type") == "compressed":
        try:
            decode_compressed(sent, 64 * 1024 * 1024)
        except WireError as err:
            found.add(prefix + err.field)
        except (InflateLimitError, TypeError, ValueError):
            found.add(prefix + "data")
    return found


def field_is_offending(sent: Any, reported: str | None) -> bool:
    """VAL-2: the reported field is one of the locations really invalid in ``sent``."""
    issues = validate(sent)
    if reported is None:
        return not isinstance(sent, dict)
    if reported in wire_defects(sent):
        return True
    return any(
        issue.field is not None
        and (issue.field == reported or issue.field.startswith(reported + "."))
        for issue in issues
    )


_BATCH_ITEM = re.compile(r"messages\.([0-9]+)(?:\.|$)")


def answered_message(sent: Any, reported: str | None) -> Any:
    """The message a ``validation:error`` with field ``reported`` answers (VAL-3).

    A field inside a batch item (``messages.N...``, BATCH-4) or inside the
    decoded message of a ``compressed`` (``data....``, COMP-3) answers that
    inner message, which is handled as if sent alone: its ``requestId`` is the
    one to echo, not the wrapper's.
    """
    while isinstance(sent, dict) and reported:
        item = _BATCH_ITEM.match(reported)
        items = sent.get("messages")
        if sent.get("type") == "batch" and item and isinstance(items, list):
            index = int(item[1])
            if index >= len(items):
                return sent
            sent, reported = items[index], reported[item.end() :]
        elif sent.get("type") == "compressed" and reported.startswith("data."):
            try:
                sent = decode_compressed(sent, 64 * 1024 * 1024)
            except (WireError, InflateLimitError, TypeError, ValueError):
                return sent
            reported = reported[len("data.") :]
        else:
            return sent
    return sent


def expected_request_id(sent: Any, reported: str | None) -> str | None:
    """The ``requestId`` a ``validation:error`` must echo: the answered message's valid one."""
    answered = answered_message(sent, reported)
    rid = answered.get("requestId") if isinstance(answered, dict) else None
    return rid if isinstance(rid, str) and 1 <= len(rid) <= 128 else None


async def expect_validation_error(
    conn: Any, sent: Any, requirement: str, *, field: str | None = None
) -> dict[str, Any]:
    """The reply is validation:error naming ``field`` (or any offending field)."""
    reply: dict[str, Any] = await conn.expect_reply("validation:error", requirement)
    reported = reply.get("field")
    if field is not None and reported != field:
        raise CheckFailure(requirement, f"validation:error with field {field}", describe(reply))
    if field is None and not field_is_offending(sent, reported):
        raise CheckFailure("VAL-2", "field naming an invalid location", describe(reply))
    return reply


CASES: list[tuple[str, Any, str | None]] = [
    ("not JSON", "{not json", None),
    ("a JSON array", "[1,2]", None),
    ("unknown type", {"type": "no:such-type", "timestamp": "2024-01-01T00:00:00Z"}, "type"),
    ("missing type", {"timestamp": "2024-01-01T00:00:00Z"}, "type"),
    ("bad nested enum", None, "output.type"),
    (
        "undocumented field",
        {"type": "heartbeat:ping", "timestamp": "2024-01-01T00:00:00Z", "extra": 1},
        "extra",
    ),
    (
        "missing required",
        {"type": "command:request", "agentId": "a", "timestamp": "2024-01-01T00:00:00Z"},
        "command",
    ),
]


@check("VAL-1", "VAL-2", tags=("quick",))
async def check_invalid_messages_answered(ctx: CheckContext) -> None:
    """Not JSON, schema failures and unknown types get validation:error; the connection stays."""
    conn, _ = await ctx.agent()
    agent_id = "x"
    for name, sent, field in CASES:
        if sent is None:
            sent = message(
                "terminal:output",
                agentId=agent_id,
                output={"type": "bogus", "content": "x", "timestamp": "2024-01-01T00:00:00Z"},
            )
        ctx.transcript.note(f"case: {name}")
        await conn.send(sent)
        reply = await conn.expect_reply("validation:error", "VAL-1")
        expected_field = field
        if reply.get("field") != expected_field:
            raise CheckFailure(
                "VAL-2",
                f"validation:error with field {expected_field!r} for {name}",
                describe(reply),
            )
    await conn.expect_open("VAL-1")


@check("VAL-3", "MSG-10", tags=("quick",))
async def check_request_id_echoed(ctx: CheckContext) -> None:
    """validation:error echoes a well-formed requestId of the invalid message."""
    conn, _ = await ctx.dashboard()
    await conn.send({"type": "heartbeat:ping", "requestId": "rid-val-3", "timestamp": "not a time"})
    reply = await conn.expect_reply("validation:error", "VAL-3")
    if reply.get("requestId") != "rid-val-3":
        raise CheckFailure("VAL-3", "requestId rid-val-3 echoed", describe(reply))
    await conn.send(
        {"type": "no:such", "requestId": "rid-val-3b", "timestamp": "2024-01-01T00:00:00Z"}
    )
    reply = await conn.expect_reply("validation:error", "VAL-3")
    if reply.get("requestId") != "rid-val-3b":
        raise CheckFailure("VAL-3", "requestId rid-val-3b echoed", describe(reply))


@check("VAL-4")
async def check_first_offending_field(ctx: CheckContext) -> None:
    """With several defects, field names the first in schema order."""
    conn, _ = await ctx.dashboard()
    sent = {
        "extra": 1,
        "timestamp": "bad",
        "command": 5,
        "type": "command:request",
        "agentId": "bad id",
    }
    await conn.send(sent)
    await expect_validation_error(conn, sent, "VAL-4", field="agentId")


@check("VAL-5", tags=("quick",))
async def check_timestamp_format(ctx: CheckContext) -> None:
    """A timestamp that matches the pattern but is no date-time is invalid."""
    conn, _ = await ctx.dashboard()
    for stamp in ("2024-13-45T25:61:00Z", "2023-02-29T12:00:00Z"):
        await conn.send({"type": "heartbeat:ping", "timestamp": stamp})
        await expect_validation_error(conn, None, "VAL-5", field="timestamp")


@check("VAL-6", tags=("quick",))
async def check_unwritable_field(ctx: CheckContext) -> None:
    """An offending member named "" is reported at its enclosing location (absent at the root)."""
    conn, _ = await ctx.dashboard()
    await conn.send({"type": "heartbeat:ping", "timestamp": "2024-01-01T00:00:00Z", "": 1})
    reply = await conn.expect_reply("validation:error", "VAL-6")
    if "field" in reply:
        raise CheckFailure("VAL-6", "validation:error without field", describe(reply))
    await conn.send(
        {
            "type": "batch",
            "messages": [{"type": "heartbeat:ping", "timestamp": "2024-01-01T00:00:00Z", "": 1}],
            "count": 1,
            "timestamp": "2024-01-01T00:00:00Z",
        }
    )
    reply = await conn.expect_reply("validation:error", "VAL-6")
    if reply.get("field") != "messages.0":
        raise CheckFailure("VAL-6", "validation:error with field messages.0", describe(reply))
