"""Tenancy checks (TEN-1..TEN-6): nothing crosses owners."""

from __future__ import annotations

from onsembl_conformance.checks._flows import executes, refused, request
from onsembl_conformance.client import describe
from onsembl_conformance.context import CheckContext, message
from onsembl_conformance.errors import CheckFailure
from onsembl_conformance.registry import check


def _same_answer(a: dict[str, object], b: dict[str, object]) -> bool:
    ignore = {"timestamp", "requestId", "agentId", "commandId", "error"}
    return {k: v for k, v in a.items() if k not in ignore} == {
        k: v for k, v in b.items() if k not in ignore
    }


@check("TEN-1", "AUTH-2", tags=("quick",))
async def check_agent_ids_scoped_by_owner(ctx: CheckContext) -> None:
    """Two owners each have an agent with the same agentId; neither replaces the other."""
    owner_a, owner_b = ctx.owner(), ctx.owner()
    agent_a, agent_id = await ctx.agent(owner_a)
    agent_b, _ = await ctx.agent(owner_b, agent_id=agent_id)
    for owner in (owner_a, owner_b):
        _, listing = await ctx.dashboard(owner)
        if [a["agentId"] for a in listing["agents"]] != [agent_id]:
            raise CheckFailure("TEN-1", f"one agent {agent_id} for {owner}", describe(listing))
    await agent_a.expect_open("TEN-1")
    await agent_b.expect_open("TEN-1")


@check("TEN-2", "TEN-3", tags=("quick",))
async def check_nothing_crosses_owners(ctx: CheckContext) -> None:
    """Another owner's dashboards and agents receive nothing of an owner's activity."""
    owner, other = ctx.owner(), ctx.owner()
    spy, _ = await ctx.dashboard(other)
    spy_agent, _ = await ctx.agent(other)
    await spy.expect("agent:status", "PRES-2")  # its own agent's online status
    dash, _ = await ctx.dashboard(owner)
    agent, agent_id = await ctx.agent(owner)
    await agent.send(message("agent:status", agentId=agent_id, status="busy"))
    queued = await request(dash, agent_id, "ls")
    await executes(agent)
    await agent.send(
        message("command:status", commandId=queued["commandId"], agentId=agent_id, status="running")
    )
    await agent.send(
        message(
            "terminal:output",
            agentId=agent_id,
            output={"type": "stdout", "content": "secret", "timestamp": "2024-01-01T00:00:00Z"},
        )
    )
    await agent.send(message("terminal:clear", agentId=agent_id))
    await dash.send(message("terminal:clear", agentId=agent_id))
    await dash.send(message("system:emergency-stop", reason="stop"))
    await agent.expect("system:emergency-stop", "CMD-16")
    await agent.send(message("agent:disconnect", agentId=agent_id))
    await dash.expect("agent:status", "PRES-4", where=lambda m: m["status"] == "offline")
    await spy.expect_silence("TEN-2", within=0.3, what="nothing of another owner")
    await spy_agent.expect_silence("TEN-3", within=0.0, what="nothing of another owner")


@check("TEN-4", "CMD-5", tags=("quick",))
async def check_other_owners_agent_is_unknown(ctx: CheckContext) -> None:
    """Requests and clears naming another owner's agent are answered like an unknown agent."""
    owner, other = ctx.owner(), ctx.owner()
    victim, victim_id = await ctx.agent(other)
    dash, _ = await ctx.dashboard(owner)
    unknown = await refused(
        dash,
        message("command:request", agentId="no-such-agent", command="ls"),
        "AGENT_NOT_FOUND",
        "CMD-5",
    )
    foreign = await refused(
        dash,
        message("command:request", agentId=victim_id, command="ls"),
        "AGENT_NOT_FOUND",
        "TEN-4",
    )
    if not _same_answer(unknown, foreign):
        raise CheckFailure("TEN-4", describe(unknown), describe(foreign))
    await refused(dash, message("terminal:clear", agentId=victim_id), "AGENT_NOT_FOUND", "TEN-4")
    await victim.expect_silence(
        "TEN-4", within=0.3, what="nothing forwarded to another owner's agent"
    )


@check("TEN-5", "CMD-15", tags=("quick",))
async def check_other_owners_command_is_unknown(ctx: CheckContext) -> None:
    """Interrupting another owner's command is answered like an unknown command."""
    owner, other = ctx.owner(), ctx.owner()
    their_dash, _ = await ctx.dashboard(other)
    their_agent, their_agent_id = await ctx.agent(other)
    theirs = await request(their_dash, their_agent_id, "long job")
    await executes(their_agent)
    dash, _ = await ctx.dashboard(owner)
    unknown = await refused(
        dash,
        message("command:interrupt", commandId="no-such-command"),
        "COMMAND_NOT_FOUND",
        "CMD-15",
    )
    foreign = await refused(
        dash,
        message("command:interrupt", commandId=theirs["commandId"]),
        "COMMAND_NOT_FOUND",
        "TEN-5",
    )
    if not _same_answer(unknown, foreign):
        raise CheckFailure("TEN-5", describe(unknown), describe(foreign))
    await their_agent.expect_silence("TEN-5", within=0.3, what="no interrupt forwarded")


@check("TEN-6", "REFRESH-4", tags=("quick",))
async def check_refresh_keeps_owner(ctx: CheckContext) -> None:
    """A refresh with another owner's token fails and the owner stays."""
    owner = ctx.owner()
    _, agent_id = await ctx.agent(owner)
    conn, _ = await ctx.dashboard(owner)
    await conn.send(
        message("auth:refresh-token", token=await ctx.issue(ctx.recipe(ctx.owner(), ttl=7200)))
    )
    await conn.expect_reply("auth:refresh-failed", "TEN-6")
    await conn.send(message("command:request", agentId=agent_id, command="still mine"))
    reply = await conn.expect_reply(("command:queued", "command:error"), "TEN-6")
    if reply["type"] != "command:queued":
        raise CheckFailure("TEN-6", "the owner's agent still reachable", describe(reply))
