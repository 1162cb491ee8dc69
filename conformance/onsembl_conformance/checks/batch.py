"""Batch checks (BATCH-1..BATCH-5, RATE-1)."""

from __future__ import annotations

import time
from typing import Any

from onsembl_conformance.client import describe
from onsembl_conformance.context import CheckContext, message
from onsembl_conformance.errors import CheckFailure, CheckSkipped
from onsembl_conformance.registry import check
from onsembl_spec.profile import Profile


def ping(request_id: str) -> dict[str, Any]:
    return message("heartbeat:ping", requestId=request_id)


def batch(messages: list[Any], count: int | None = None, **extra: Any) -> dict[str, Any]:
    return message(
        "batch", messages=messages, count=len(messages) if count is None else count, **extra
    )


async def expect_field(conn: Any, field: str, requirement: str) -> None:
    reply = await conn.expect_reply("validation:error", requirement)
    if reply.get("field") != field:
        raise CheckFailure(requirement, f"validation:error with field {field}", describe(reply))


@check("BATCH-1", tags=("quick",))
async def check_count_mismatch(ctx: CheckContext) -> None:
    """A count that differs from the number of messages rejects the whole batch (field count)."""
    conn, _ = await ctx.dashboard()
    await conn.send(batch([ping("a"), ping("b")], count=3))
    await expect_field(conn, "count", "BATCH-1")
    await conn.expect_silence("BATCH-1", within=0.3, what="none of the batch processed")


@check("BATCH-2", tags=("quick",))
async def check_invalid_wrapper(ctx: CheckContext) -> None:
    """Invalid batch fields reject the whole batch, naming the field."""
    conn, _ = await ctx.dashboard()
    cases: list[tuple[dict[str, Any], str]] = [
        (message("batch", messages=[], count=1), "messages"),
        (message("batch", messages=[ping(str(n)) for n in range(101)], count=101), "messages"),
        (batch([ping("a")], extra=True), "extra"),
        ({**batch([ping("a")]), "timestamp": "later"}, "timestamp"),
    ]
    for sent, field in cases:
        await conn.send(sent)
        await expect_field(conn, field, "BATCH-2")
    await conn.expect_silence("BATCH-2", within=0.3, what="none of the batches processed")


@check("BATCH-3", "BATCH-4", tags=("quick",))
async def check_inner_messages(ctx: CheckContext) -> None:
    """Inner messages are handled in order; an invalid or nested one gets its own prefixed error."""
    conn, _ = await ctx.dashboard()
    inner_bad = {"type": "heartbeat:ping", "timestamp": "never"}
    await conn.send(batch([ping("first"), inner_bad, batch([ping("x")]), 7, ping("last")]))
    first = await conn.expect_reply("heartbeat:pong", "BATCH-4")
    await expect_field(conn, "messages.1.timestamp", "BATCH-4")
    await expect_field(conn, "messages.2.type", "BATCH-3")
    await expect_field(conn, "messages.3", "BATCH-4")
    last = await conn.expect_reply("heartbeat:pong", "BATCH-4")
    del first, last


CONNECTION_COUNTED = ("agent:status", "terminal:clear")
"""Types an agent sends that the server forwards to dashboards, so that their acceptance shows."""


def connection_counted_type(profile: Profile) -> str | None:
    """The first of :data:`CONNECTION_COUNTED` with no limits of its own (RATE-3), or ``None``."""
    return next((t for t in CONNECTION_COUNTED if profile.type_windows(t) is None), None)


@check("BATCH-5", "RATE-1", "RATE-3", tags=("quick",))
async def check_wrapper_not_counted(ctx: CheckContext) -> None:
    """A batch of exactly the burst limit is accepted whole; each inner message counts.

    The inner messages are of a type that counts against the connection's
    limits (RATE-3): ``agent:status``, or ``terminal:clear`` when the profile
    gives ``agent:status`` limits of its own (RATE-2).
    """
    windows = ctx.profile.connection_windows()
    if not windows:
        raise CheckSkipped("the connection's limits are all switched off")
    burst = min(w.limit for w in windows)
    if burst > 90:
        raise CheckSkipped(f"connection limit {burst} is larger than a batch")
    kind = connection_counted_type(ctx.profile)
    if kind is None:
        raise CheckSkipped(
            "agent:status and terminal:clear both have limits of their own (RATE-2): no message"
            " an agent sends to dashboards counts against the connection's"
        )
    # What ctx.agent() sent that counts in the connection's scope: its agent:connect, and its
    # ping unless heartbeat:ping has limits of its own.
    used = sum(ctx.profile.type_windows(t) is None for t in ("agent:connect", "heartbeat:ping"))
    accepted = burst - used
    if accepted < 1:
        raise CheckSkipped(f"connecting an agent fills its connection limit {burst}")
    owner = ctx.owner()
    dash, _ = await ctx.dashboard(owner)
    started = time.monotonic()
    # Unpaced (issue 9): its last batch exceeds the connection's limit on purpose.
    conn, agent_id = await ctx.agent(owner, auto_pong=False, paced=False)

    def inner(status: str) -> dict[str, Any]:
        if kind == "agent:status":
            return message("agent:status", agentId=agent_id, status=status)
        return message("terminal:clear", agentId=agent_id)

    def forwarded(m: dict[str, Any]) -> bool:
        if kind == "agent:status":
            return m["status"] in ("busy", "error")  # not the server's own "online"
        return m.get("agentId") == agent_id

    await conn.send(batch([*(inner("busy") for _ in range(accepted - 1)), inner("error")]))
    for _ in range(accepted):
        await dash.expect(kind, "BATCH-5", where=forwarded, what=f"each inner {kind} forwarded")
    await conn.send(batch([inner("online")]))
    reply = await conn.expect_reply(("connection:error", "validation:error"), "RATE-1")
    if time.monotonic() - started > 0.9:
        raise CheckSkipped("the exchange took longer than the one-second window it tests")
    if reply.get("code") != "RATE_LIMIT":
        raise CheckFailure(
            "RATE-1", "RATE_LIMIT for the inner message over the limit", describe(reply)
        )
