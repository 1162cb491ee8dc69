"""Close-code checks (CLOSE-1..CLOSE-4, CLOSE-6)."""

from __future__ import annotations

import asyncio
import os

from onsembl_conformance.context import CheckContext, message
from onsembl_conformance.errors import CheckFailure
from onsembl_conformance.registry import check


@check("CLOSE-1", tags=("quick",))
async def check_disconnect_closes_1000(ctx: CheckContext) -> None:
    """After dashboard:disconnect and agent:disconnect the server closes with 1000."""
    dash, _ = await ctx.dashboard(dashboard_id="dash-close-1")
    await dash.send(message("dashboard:disconnect", dashboardId="dash-close-1"))
    await dash.expect_close(1000, "CLOSE-1")
    agent, agent_id = await ctx.agent()
    await agent.send(message("agent:disconnect", agentId=agent_id))
    await agent.expect_close(1000, "CLOSE-1")


@check("CLOSE-3", "CLOSE-6", tags=("quick",))
async def check_protocol_error_closes_1002(ctx: CheckContext) -> None:
    """A WebSocket protocol error (an unmasked client frame) is closed with 1002."""
    conn = await ctx.connect(ctx.recipe(), auto_pong=False)
    payload = b'{"type":"heartbeat:ping"}'
    await conn.send_transport_bytes(bytes([0x81, len(payload)]) + payload)
    await conn.expect_close(1002, "CLOSE-3")


@check("CLOSE-3")
async def check_reserved_bits_close_1002(ctx: CheckContext) -> None:
    """A frame with a reserved bit set (no extension negotiated) is closed with 1002."""
    conn = await ctx.connect(ctx.recipe(), auto_pong=False)
    payload = b"{}"
    mask = os.urandom(4)
    masked = bytes(b ^ mask[i % 4] for i, b in enumerate(payload))
    await conn.send_transport_bytes(bytes([0x81 | 0x40, 0x80 | len(payload)]) + mask + masked)
    await conn.expect_close(1002, "CLOSE-3")


@check("CLOSE-2", "CLOSE-6", tags=("private-server", "quick"))
async def check_shutdown_closes_1001(ctx: CheckContext) -> None:
    """A server shutting down closes every connection with 1001."""
    async with ctx.private_server({}) as server:
        conn_a = await ctx.connect(ctx.recipe(), url=server.url, requirement="CLOSE-2")
        await conn_a.send(message("dashboard:connect", dashboardId=ctx.ident("dash")))
        await conn_a.expect_reply("agent:list", "CLOSE-2")
        conn_b = await ctx.connect(ctx.recipe(), url=server.url, requirement="CLOSE-2")
        stopping = asyncio.create_task(asyncio.to_thread(server.stop))
        for conn in (conn_a, conn_b):
            await conn.expect_close(1001, "CLOSE-2", within=ctx.timeout * 2)
        status = await stopping
        if status is not None and status < 0:
            raise CheckFailure(
                "CLOSE-2", "a graceful shutdown on SIGTERM", f"killed by signal {-status}"
            )


@check("CLOSE-4", "CLOSE-6", tags=("quick",))
async def check_close_codes_are_r15(ctx: CheckContext) -> None:
    """Closes the client provokes come with close frames of R15 codes, never 1010.

    The client layer reports CLOSE-4 for a 1010 and CLOSE-6 for a close without a
    close frame on every connection; here a refused token must close 1008."""
    conn = await ctx.connect(ctx.recipe(kind="not-a-jwt"), auto_pong=False, requirement="CLOSE-6")
    await conn.expect_close(1008, "CLOSE-6")
