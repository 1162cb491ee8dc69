"""Heartbeat checks (HB-1..HB-4)."""

from __future__ import annotations

import asyncio

from onsembl_conformance.context import CheckContext, message
from onsembl_conformance.errors import CheckFailure
from onsembl_conformance.profile_hints import hint
from onsembl_conformance.registry import check


@check("HB-1", tags=("quick",))
async def check_ping_answered(ctx: CheckContext) -> None:
    """A ping is answered with a pong within 1 s, before and after identification.

    The client answers no ping here: an echo of its own pong is no answer."""
    conn = await ctx.connect(ctx.recipe(), auto_pong=False)
    await conn.send(message("heartbeat:ping"))
    await conn.expect_reply("heartbeat:pong", "HB-1", within=1.0)
    await conn.send(message("dashboard:connect", dashboardId=ctx.ident("dash")))
    await conn.expect_reply("agent:list", "PRES-1")
    await conn.send(message("heartbeat:ping"))
    await conn.expect_reply("heartbeat:pong", "HB-1", within=1.0)


@check("HB-2", "HB-3", tags=("quick", "slow"))
async def check_silent_connection(ctx: CheckContext) -> None:
    """A silent connection gets a ping after interval_s and a close 1001 after timeout_s."""
    interval, timeout = ctx.profile.heartbeat_interval_s, ctx.profile.heartbeat_timeout_s
    if timeout > 30 and not ctx.config.deep:
        from onsembl_conformance.errors import CheckSkipped

        raise CheckSkipped(f"heartbeat timeout {timeout:g}s needs --deep")
    conn, _ = await ctx.dashboard(auto_pong=False)
    started = ctx.transcript.now()
    await conn.expect("heartbeat:ping", "HB-2", within=interval + 1.5)
    pinged = ctx.transcript.now() - started
    if pinged < interval - 0.3:
        raise CheckFailure(
            "HB-2",
            f"a ping after {interval:g}s of silence",
            f"one after {pinged:.2f}s" + hint("heartbeat.interval_s", pinged, interval),
        )
    if timeout > 2 * interval + 0.5:  # room for a second ping before the close
        await conn.expect(
            "heartbeat:ping", "HB-2", within=interval + 1.0, what="a ping after a further interval"
        )
    closed = await conn.expect_close(1001, "HB-3", within=timeout + 2.0)
    if closed - started < timeout - 0.3:
        took = closed - started
        raise CheckFailure(
            "HB-3",
            f"close 1001 after {timeout:g}s",
            f"after {took:.2f}s" + hint("heartbeat.timeout_s", took, timeout),
        )


@check("HB-4", tags=("slow",))
async def check_any_message_is_sign_of_life(ctx: CheckContext) -> None:
    """Invalid messages keep a connection alive; WebSocket Ping frames do not."""
    timeout = ctx.profile.heartbeat_timeout_s
    if timeout > 30 and not ctx.config.deep:
        from onsembl_conformance.errors import CheckSkipped

        raise CheckSkipped(f"heartbeat timeout {timeout:g}s needs --deep")
    alive, _ = await ctx.dashboard(auto_pong=False)
    pinged, _ = await ctx.dashboard(auto_pong=False)
    step = min(0.5, timeout / 5)
    loop = asyncio.get_running_loop()
    end = loop.time() + timeout + 1.0
    while loop.time() < end and not pinged.closed.is_set():
        await alive.send("not json")
        try:
            await pinged.ws.ping()
        except Exception:
            break
        await asyncio.sleep(step)
    if alive.closed.is_set():
        raise CheckFailure(
            "HB-4", "a connection sending (invalid) messages stays open", alive.situation()
        )
    await pinged.expect_close(1001, "HB-4", within=timeout + 2.0)
    alive.clear()
