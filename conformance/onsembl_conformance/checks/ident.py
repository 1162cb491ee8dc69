"""Identification checks (IDENT-1..IDENT-6, MSG-10, ROLE-4)."""

from __future__ import annotations

from onsembl_conformance.client import describe
from onsembl_conformance.context import CheckContext, message
from onsembl_conformance.errors import CheckFailure
from onsembl_conformance.profile_hints import hint
from onsembl_conformance.registry import check


def expect_code(reply: dict[str, object], code: str, requirement: str) -> None:
    if reply.get("code") != code:
        raise CheckFailure(requirement, f"{reply.get('type')} with code {code}", describe(reply))


@check("IDENT-1", "IDENT-2", "MSG-10", "TYPE-7", tags=("quick",))
async def check_not_identified(ctx: CheckContext) -> None:
    """Before identification other messages get NOT_IDENTIFIED (requestId echoed); ping works."""
    conn = await ctx.connect(ctx.recipe())
    await conn.send(message("heartbeat:ping"))
    await conn.expect_reply("heartbeat:pong", "IDENT-1")
    await conn.send(message("command:request", agentId="a1", command="ls", requestId="req-ident-2"))
    reply = await conn.expect_reply("connection:error", "IDENT-2")
    expect_code(reply, "NOT_IDENTIFIED", "IDENT-2")
    if reply.get("requestId") != "req-ident-2":
        raise CheckFailure("MSG-10", "requestId req-ident-2 echoed", describe(reply))
    if "retryAfter" in reply or "limits" in reply:
        raise CheckFailure("TYPE-7", "no retryAfter or limits outside RATE_LIMIT", describe(reply))
    await conn.send(message("agent:status", agentId="a1", status="busy"))
    expect_code(await conn.expect_reply("connection:error", "IDENT-2"), "NOT_IDENTIFIED", "IDENT-2")
    await conn.send(message("dashboard:connect", dashboardId=ctx.ident("dash")))
    listing = await conn.expect_reply("agent:list", "IDENT-1")
    if listing["agents"]:
        raise CheckFailure("IDENT-2", "no effect of the refused messages", describe(listing))


@check("IDENT-3", "CLOSE-6", tags=("quick", "slow"))
async def check_identification_timeout(ctx: CheckContext) -> None:
    """A connection not identified within identify_timeout_s is closed with 1008, not before."""
    limit = ctx.profile.identify_timeout_s
    conn = await ctx.connect(ctx.recipe())
    opened = ctx.transcript.now()
    try:
        closed = await conn.expect_close(1008, "IDENT-3", within=limit + 2.0)
    except CheckFailure as err:
        if conn.closed.is_set():
            raise
        err.actual += hint("identify_timeout_s", None, limit)
        raise
    if closed - opened < limit - 0.25:
        took = closed - opened
        raise CheckFailure(
            "IDENT-3",
            f"close after {limit:g}s",
            f"closed after {took:.2f}s" + hint("identify_timeout_s", took, limit),
        )


@check("IDENT-4", tags=("quick",))
async def check_already_identified(ctx: CheckContext) -> None:
    """A second connect of either kind gets ALREADY_IDENTIFIED, even one the role cannot send."""
    owner = ctx.owner()
    dash, _ = await ctx.dashboard(owner)
    await dash.send(message("dashboard:connect", dashboardId=ctx.ident("dash")))
    expect_code(
        await dash.expect_reply("connection:error", "IDENT-4"), "ALREADY_IDENTIFIED", "IDENT-4"
    )
    agent_id = ctx.ident("agent")
    await dash.send(message("agent:connect", agentId=agent_id, agentType="claude"))
    expect_code(
        await dash.expect_reply("connection:error", "IDENT-4"), "ALREADY_IDENTIFIED", "IDENT-4"
    )
    agent, _ = await ctx.agent(owner)
    await agent.send(message("dashboard:connect", dashboardId=ctx.ident("dash")))
    expect_code(
        await agent.expect_reply("connection:error", "IDENT-4"), "ALREADY_IDENTIFIED", "IDENT-4"
    )
    _, listing = await ctx.dashboard(owner)
    if any(a["agentId"] == agent_id for a in listing["agents"]):
        raise CheckFailure("IDENT-4", "no effect of the refused agent:connect", describe(listing))


@check("IDENT-5", "ROLE-4", tags=("quick",))
async def check_invalid_connect(ctx: CheckContext) -> None:
    """An invalid connect gets validation:error and identifies nothing."""
    conn = await ctx.connect(ctx.recipe())
    await conn.send(message("dashboard:connect", dashboardId="has spaces"))
    error = await conn.expect_reply("validation:error", "IDENT-5")
    if error.get("field") != "dashboardId":
        raise CheckFailure("IDENT-5", "validation:error with field dashboardId", describe(error))
    await conn.send(message("terminal:clear", agentId="x"))
    expect_code(await conn.expect_reply("connection:error", "IDENT-5"), "NOT_IDENTIFIED", "IDENT-5")
    await conn.send(message("command:request", agentId="bad id", command="ls"))
    await conn.expect_reply("validation:error", "ROLE-4")


@check("IDENT-6", "PRES-2", tags=("quick",))
async def check_agent_connect_no_reply(ctx: CheckContext) -> None:
    """agent:connect has no direct reply; the owner's dashboards see it online."""
    owner = ctx.owner()
    dash, _ = await ctx.dashboard(owner)
    conn = await ctx.connect(ctx.recipe(owner))
    agent_id = ctx.ident("agent")
    await conn.send(message("agent:connect", agentId=agent_id, agentType="gemini"))
    await conn.send(message("heartbeat:ping"))
    first = await conn.expect(
        ("heartbeat:pong", "connection:error", "validation:error", "agent:list", "agent:status"),
        "IDENT-6",
    )
    if first["type"] != "heartbeat:pong":
        raise CheckFailure("IDENT-6", "no reply to agent:connect", describe(first))
    status = await dash.expect("agent:status", "PRES-2", where=lambda m: m["agentId"] == agent_id)
    if status["status"] != "online":
        raise CheckFailure("PRES-2", "agent:status online", describe(status))
