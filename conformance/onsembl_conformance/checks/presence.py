"""Agent presence checks (PRES-1..PRES-9, MSG-13)."""

from __future__ import annotations

from onsembl_conformance.checks._flows import executes, finish, request, status_for
from onsembl_conformance.client import Predicate, describe
from onsembl_conformance.context import CheckContext, message
from onsembl_conformance.errors import CheckFailure
from onsembl_conformance.registry import check


def about(agent_id: str, status: str | None = None) -> Predicate:
    """Matches ``agent:status`` messages of ``agent_id`` (with ``status``)."""
    return lambda m: m.get("agentId") == agent_id and status in (None, m.get("status"))


@check("PRES-1", tags=("quick",))
async def check_agent_list_on_connect(ctx: CheckContext) -> None:
    """dashboard:connect is answered first with agent:list of the owner's connected agents.

    Another owner's agent, connected too, must not be listed.
    """
    owner = ctx.owner()
    await ctx.agent(ctx.owner())
    _, agent_a = await ctx.agent(owner, agent_type="claude")
    _, agent_b = await ctx.agent(owner, agent_type="codex")
    _, listing = await ctx.dashboard(owner)
    agents = {a["agentId"]: a for a in listing["agents"]}
    if set(agents) != {agent_a, agent_b}:
        raise CheckFailure("PRES-1", f"agents {sorted([agent_a, agent_b])}", describe(listing))
    if agents[agent_b]["agentType"] != "codex" or agents[agent_a]["status"] != "online":
        raise CheckFailure("PRES-1", "agentType and status of each agent", describe(listing))


@check("PRES-3", "MSG-13", tags=("quick",))
async def check_agent_status_forwarded(ctx: CheckContext) -> None:
    """agent:status is forwarded unchanged and updates later agent:list replies."""
    owner = ctx.owner()
    dash, _ = await ctx.dashboard(owner)
    agent, agent_id = await ctx.agent(owner)
    await dash.expect("agent:status", "PRES-2", where=lambda m: m["status"] == "online")
    sent = message(
        "agent:status",
        agentId=agent_id,
        status="busy",
        metrics={"cpuUsage": 45.2, "memoryUsage": 67.8, "activeCommands": 1},
    )
    await agent.send(sent)
    got = await dash.expect("agent:status", "PRES-3", where=lambda m: m["status"] == "busy")
    if got != sent:
        raise CheckFailure("MSG-13", describe(sent), describe(got))
    _, listing = await ctx.dashboard(owner)
    if [a["status"] for a in listing["agents"]] != ["busy"]:
        raise CheckFailure("PRES-3", "agent:list showing status busy", describe(listing))


@check("PRES-4", tags=("quick",))
async def check_agent_leaves(ctx: CheckContext) -> None:
    """When an agent leaves, dashboards get offline within 1 s and the list drops it."""
    owner = ctx.owner()
    dash, _ = await ctx.dashboard(owner)
    for how in ("disconnect", "socket"):
        agent, agent_id = await ctx.agent(owner)
        await dash.expect("agent:status", "PRES-2", where=about(agent_id))
        if how == "disconnect":
            await agent.send(message("agent:disconnect", agentId=agent_id))
        else:
            await agent.close()
        await dash.expect(
            "agent:status",
            "PRES-4",
            within=1.0,
            where=about(agent_id, "offline"),
            what=f"agent:status offline for {agent_id} ({how})",
        )
        _, listing = await ctx.dashboard(owner)
        if listing["agents"]:
            raise CheckFailure("PRES-4", "an empty agent:list", describe(listing))


@check("PRES-5", tags=("quick",))
async def check_agent_speaks_for_itself(ctx: CheckContext) -> None:
    """An agent's message with another agentId gets FORBIDDEN and is not forwarded."""
    owner = ctx.owner()
    dash, _ = await ctx.dashboard(owner)
    agent, _ = await ctx.agent(owner)
    await dash.expect("agent:status", "PRES-2")
    await agent.send(message("agent:status", agentId="someone-else", status="busy"))
    reply = await agent.expect_reply("connection:error", "PRES-5")
    if reply.get("code") != "FORBIDDEN":
        raise CheckFailure("PRES-5", "connection:error FORBIDDEN", describe(reply))
    await agent.send(
        message(
            "terminal:output",
            agentId="someone-else",
            output={"type": "stdout", "content": "x", "timestamp": "2024-01-01T00:00:00Z"},
        )
    )
    reply = await agent.expect_reply("connection:error", "PRES-5")
    if reply.get("code") != "FORBIDDEN":
        raise CheckFailure("PRES-5", "connection:error FORBIDDEN", describe(reply))
    await dash.expect_silence("PRES-5", within=0.3, what="nothing forwarded")


@check("PRES-6", tags=("quick",))
async def check_dashboard_speaks_for_itself(ctx: CheckContext) -> None:
    """dashboard:disconnect with another dashboardId gets FORBIDDEN; the connection stays."""
    dash, _ = await ctx.dashboard(dashboard_id="dash-mine")
    await dash.send(message("dashboard:disconnect", dashboardId="dash-other"))
    reply = await dash.expect_reply("connection:error", "PRES-6")
    if reply.get("code") != "FORBIDDEN":
        raise CheckFailure("PRES-6", "connection:error FORBIDDEN", describe(reply))
    await dash.expect_open("PRES-6")


@check("PRES-7", "PRES-8", tags=("quick",))
async def check_agent_replaced(ctx: CheckContext) -> None:
    """A second connection with the same agentId replaces the first (close 1008), queue kept."""
    owner = ctx.owner()
    dash, _ = await ctx.dashboard(owner)
    old, agent_id = await ctx.agent(owner)
    running = await request(dash, agent_id, "run")
    await executes(old)
    pending = await request(dash, agent_id, "pending")
    dash.clear()
    new, _ = await ctx.agent(owner, agent_id=agent_id)
    await old.expect_close(1008, "PRES-7")
    await dash.expect(
        "agent:status",
        "PRES-8",
        where=lambda m: m["status"] == "online",
        what="agent:status online for the new connection",
    )
    await status_for(dash, running["commandId"], "failed", "PRES-8")
    execute = await executes(new, "PRES-8")
    if execute["commandId"] != pending["commandId"]:
        raise CheckFailure(
            "PRES-8",
            f"the pending {pending['commandId']} sent to the new connection",
            describe(execute),
        )
    offline = [m for m in dash.received if m["type"] == "agent:status" and m["status"] == "offline"]
    if offline:
        raise CheckFailure("PRES-8", "no agent:status offline on replacement", describe(offline[0]))
    await finish(new, agent_id, execute["commandId"])


@check("PRES-9", tags=("quick",))
async def check_shared_dashboard_id(ctx: CheckContext) -> None:
    """Two dashboards with the same dashboardId both stay and both receive."""
    owner = ctx.owner()
    first, _ = await ctx.dashboard(owner, dashboard_id="same-tab-id")
    second, _ = await ctx.dashboard(owner, dashboard_id="same-tab-id")
    _, agent_id = await ctx.agent(owner)
    for dash in (first, second):
        await dash.expect("agent:status", "PRES-9", where=lambda m: m["agentId"] == agent_id)
        await dash.expect_open("PRES-9")
