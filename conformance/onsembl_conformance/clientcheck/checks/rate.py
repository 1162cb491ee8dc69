"""Rate-limit replies: CLIENT-12.

The kit answers nothing in particular with ``connection:error`` ``RATE_LIMIT`` and
``retryAfter`` :data:`RETRY_AFTER_S`, pings the client once (a pong is allowed), and
otherwise stays silent longer than ``heartbeat.interval_s``, so that a client that
ignored ``retryAfter`` would send a ``heartbeat:ping`` meanwhile; an agent also gets a
``command:execute`` right after the error, whose messages it must hold until the pause
ends and then send, in order.

Messages reaching the kit in the first :data:`IN_FLIGHT_S` after the error may have left
the client before it saw the error and are not judged; after ``retryAfter`` the client's
own clock, started later than the kit's, has run out too, so that bound is exact.
"""

from __future__ import annotations

import asyncio

from onsembl_conformance.clientcheck.checks._support import (
    FINAL_WITHIN_S,
    command_messages,
    execute,
    final,
    summary,
)
from onsembl_conformance.clientcheck.context import ClientCheckContext
from onsembl_conformance.clientcheck.scripted import describe, server_message
from onsembl_conformance.errors import CheckFailure
from onsembl_conformance.registry import client_check

RETRY_AFTER_S = 2
IN_FLIGHT_S = 0.1


@client_check("CLIENT-12", tags=("quick",))
async def check_honours_retry_after(ctx: ClientCheckContext) -> None:
    """After RATE_LIMIT the client sends only pongs for retryAfter, then what it held."""
    await ctx.start()
    peer = await ctx.identified()
    await asyncio.sleep(0.3)
    refused = server_message(
        "connection:error",
        error="Rate limit exceeded",
        code="RATE_LIMIT",
        retryAfter=RETRY_AFTER_S,
        limits={"perSecond": {"limit": 10, "used": 10}},
    )
    sent_at = ctx.now()  # before sending: the client cannot have seen it earlier
    await peer.send(refused)
    command_id = ""
    if ctx.role == "agent":
        command_id, message = execute(ctx, "echo", ["held"])
        await peer.send(message)
    await asyncio.sleep(0.2)
    await peer.send(server_message("heartbeat:ping", requestId=ctx.ident("ping")))
    resume = sent_at + RETRY_AFTER_S
    await ctx.until(lambda: not peer.open, resume - ctx.now() + 0.05)
    early = [
        a
        for a in peer.received
        if sent_at + IN_FLIGHT_S <= a.t < resume and a.type != "heartbeat:pong"
    ]
    if early:
        first = early[0]
        raise CheckFailure(
            "CLIENT-12",
            f"nothing but heartbeat:pong for retryAfter ({RETRY_AFTER_S}s) after RATE_LIMIT",
            f"{describe(first.message)} {first.t - sent_at:.2f}s after it",
        )
    if not peer.open:
        raise CheckFailure(
            "CLIENT-12",
            "the connection kept through the pause",
            f"connection ended ({peer.end} {peer.close_code})",
        )
    if command_id:
        await final(ctx, peer, command_id, FINAL_WITHIN_S, "CLIENT-12")
        got = command_messages(peer, command_id)
        kinds = [m["type"] for m in got]
        if "terminal:output" not in kinds or kinds[0] != "command:status":
            raise CheckFailure(
                "CLIENT-12",
                "what it held sent after the pause, in order: running, output, final",
                f"{summary(got)}",
            )
