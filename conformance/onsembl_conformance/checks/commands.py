"""Command checks (CMD-1..CMD-19, MSG-10)."""

from __future__ import annotations

import asyncio

from onsembl_conformance.checks._flows import executes, finish, refused, request, status_for
from onsembl_conformance.client import describe
from onsembl_conformance.context import CheckContext, message
from onsembl_conformance.errors import CheckFailure
from onsembl_conformance.registry import check

MAX_QUEUE_REQUESTS = 22
"""Most requests the QUEUE_FULL check sends (``max_queue`` up to 20, as before)."""


@check("CMD-1", "CMD-2", "CMD-3", "CMD-4", "CMD-7", "CMD-8", "CMD-10", "MSG-10", tags=("quick",))
async def check_command_lifecycle(ctx: CheckContext) -> None:
    """A request is queued, executed, reported and completed, visible to every dashboard."""
    owner = ctx.owner()
    dash, _ = await ctx.dashboard(owner)
    watcher, _ = await ctx.dashboard(owner)
    agent, agent_id = await ctx.agent(owner)
    await dash.send(
        message("command:request", agentId=agent_id, command="npm test", requestId="rid-cmd")
    )
    queued = await dash.expect_reply(("command:queued", "command:error"), "CMD-1")
    if queued["type"] != "command:queued":
        raise CheckFailure("CMD-1", "command:queued", describe(queued))
    if queued.get("requestId") != "rid-cmd":
        raise CheckFailure("MSG-10", "requestId rid-cmd echoed", describe(queued))
    if queued["position"] != 1:
        raise CheckFailure(
            "CMD-3", "position 1 for an idle agent's first command", describe(queued)
        )
    if queued["estimatedWait"] != 0:
        raise CheckFailure("CMD-4", "estimatedWait 0 for a command sent at once", describe(queued))
    command_id = queued["commandId"]
    for viewer in (dash, watcher):
        await status_for(viewer, command_id, "queued", "CMD-7")
    execute = await executes(agent)
    if (
        execute["commandId"] != command_id
        or execute["command"] != "npm test"
        or execute["args"] != []
    ):
        raise CheckFailure(
            "CMD-8", f"command:execute of {command_id} with args []", describe(execute)
        )
    second = await request(dash, agent_id, "npm run lint")
    if second["commandId"] == command_id:
        raise CheckFailure("CMD-2", "a new unique commandId", describe(second))
    running = message("command:status", commandId=command_id, agentId=agent_id, status="running")
    await agent.send(running)
    for viewer in (dash, watcher):
        got = await status_for(viewer, command_id, "running", "CMD-10")
        if got != running:
            raise CheckFailure("MSG-13", describe(running), describe(got))
    await finish(agent, agent_id, command_id)
    for viewer in (dash, watcher):
        await status_for(viewer, command_id, "completed", "CMD-10")
        await viewer.expect(
            "command:complete", "CMD-10", where=lambda m: m["commandId"] == command_id
        )
    nxt = await executes(agent, "CMD-11")
    if nxt["commandId"] != second["commandId"]:
        raise CheckFailure("CMD-11", f"execute {second['commandId']}", describe(nxt))


@check("CMD-3", "CMD-8", tags=("quick",))
async def check_positions_and_single_run(ctx: CheckContext) -> None:
    """Positions count pending commands only; one command runs at a time."""
    owner = ctx.owner()
    dash, _ = await ctx.dashboard(owner)
    agent, agent_id = await ctx.agent(owner)
    first = await request(dash, agent_id, "one")
    await executes(agent)
    positions = []
    for name in ("two", "three"):
        positions.append((await request(dash, agent_id, name))["position"])
    if positions != [1, 2]:
        raise CheckFailure("CMD-3", "positions [1, 2] behind a running command", f"{positions}")
    await agent.expect_silence(
        "CMD-8",
        within=0.3,
        types=["command:execute"],
        what="no second command:execute while one runs",
    )
    await finish(agent, agent_id, first["commandId"])
    await executes(agent, "CMD-11")


@check("CMD-5", "MSG-10", tags=("quick",))
async def check_unknown_agent(ctx: CheckContext) -> None:
    """A request for an unknown agent gets AGENT_NOT_FOUND with the requestId."""
    dash, _ = await ctx.dashboard()
    reply = await refused(
        dash,
        message("command:request", agentId="ghost", command="ls", requestId="rid-5"),
        "AGENT_NOT_FOUND",
        "CMD-5",
    )
    if reply.get("requestId") != "rid-5":
        raise CheckFailure("MSG-10", "requestId rid-5 echoed", describe(reply))


@check("CMD-6", tags=("quick",))
async def check_queue_full(ctx: CheckContext) -> None:
    """With max_queue pending (the running one not counted), the next request gets QUEUE_FULL.

    The requests are paced within a per-second limit of ``command:request``
    (``_flows.pace``); they must all fit its longer windows.
    """
    limit = ctx.profile.max_queue
    windows = ctx.profile.type_windows("command:request") or ctx.profile.connection_windows()
    room = min([MAX_QUEUE_REQUESTS] + [w.limit for w in windows if w.seconds > 1])
    if limit + 2 > room:
        from onsembl_conformance.errors import CheckSkipped

        raise CheckSkipped(
            f"max_queue {limit} needs {limit + 2} requests; the request limits let a check send"
            f" {room}"
        )
    owner = ctx.owner()
    dash, _ = await ctx.dashboard(owner)
    agent, agent_id = await ctx.agent(owner)
    await request(dash, agent_id, "running")
    await executes(agent)
    for n in range(limit):
        await request(dash, agent_id, f"pending {n}", requirement="CMD-6")
    await refused(
        dash,
        message("command:request", agentId=agent_id, command="one too many"),
        "QUEUE_FULL",
        "CMD-6",
    )


@check("CMD-9", tags=("quick",))
async def check_priority_order(ctx: CheckContext) -> None:
    """Pending commands start high, normal, low; first come first served within a priority."""
    owner = ctx.owner()
    dash, _ = await ctx.dashboard(owner)
    agent, agent_id = await ctx.agent(owner)
    rank = {"high": 0, "normal": 1, None: 1, "low": 2}
    rounds: list[list[tuple[str, str | None]]] = [
        [("normal-1", None), ("high-1", "high"), ("normal-2", "normal")],
        [("low-1", "low"), ("high-2", "high"), ("low-2", "low")],
    ]
    for number, whole in enumerate(rounds):
        if number:
            await asyncio.sleep(1.05)  # the agent's reports stay inside its per-second limit
        order = whole[: max(2, ctx.profile.max_queue)]
        blocker = await request(dash, agent_id, "blocker")
        await executes(agent)
        for name, priority in order:
            await request(dash, agent_id, name, priority=priority)
        await finish(agent, agent_id, blocker["commandId"], complete=False)
        ran = []
        for _ in order:
            execute = await executes(agent, "CMD-9")
            ran.append(execute["command"])
            await finish(agent, agent_id, execute["commandId"], complete=False)
        expected = [name for name, p in sorted(order, key=lambda np: rank[np[1]])]
        if ran != expected:
            raise CheckFailure("CMD-9", f"execution order {expected}", f"{ran}")


@check("CMD-11", tags=("quick",))
async def check_next_after_final_status(ctx: CheckContext) -> None:
    """The next command starts after a final command:status even without command:complete."""
    owner = ctx.owner()
    dash, _ = await ctx.dashboard(owner)
    agent, agent_id = await ctx.agent(owner)
    first = await request(dash, agent_id, "first")
    await executes(agent)
    second = await request(dash, agent_id, "second")
    await agent.send(
        message("command:status", commandId=first["commandId"], agentId=agent_id, status="failed")
    )
    got = await executes(agent, "CMD-11")
    if got["commandId"] != second["commandId"]:
        raise CheckFailure("CMD-11", f"execute {second['commandId']}", describe(got))


@check("CMD-12", tags=("quick",))
async def check_agent_reports_only_its_commands(ctx: CheckContext) -> None:
    """A report on a command never sent to the reporting agent (unknown, still pending, or sent
    to another agent of the owner), or status queued, gets FORBIDDEN."""
    owner = ctx.owner()
    dash, _ = await ctx.dashboard(owner)
    agent, agent_id = await ctx.agent(owner)
    await refused(
        agent,
        message("command:status", commandId="never-sent", agentId=agent_id, status="running"),
        "FORBIDDEN",
        "CMD-12",
        "connection:error",
    )
    await refused(
        agent,
        message(
            "command:complete", commandId="never-sent", agentId=agent_id, exitCode=0, duration=1
        ),
        "FORBIDDEN",
        "CMD-12",
        "connection:error",
    )
    queued = await request(dash, agent_id, "mine")
    await executes(agent)
    await refused(
        agent,
        message("command:status", commandId=queued["commandId"], agentId=agent_id, status="queued"),
        "FORBIDDEN",
        "CMD-12",
        "connection:error",
    )
    pending = await request(dash, agent_id, "not sent yet")
    await refused(
        agent,
        message(
            "command:status", commandId=pending["commandId"], agentId=agent_id, status="running"
        ),
        "FORBIDDEN",
        "CMD-12",
        "connection:error",
    )
    other, other_id = await ctx.agent(owner)
    await refused(
        other,
        message("command:status", commandId=queued["commandId"], agentId=other_id, status="failed"),
        "FORBIDDEN",
        "CMD-12",
        "connection:error",
    )
    dash.take("command:status")
    await dash.expect_silence(
        "CMD-12", within=0.3, types=["command:status", "command:complete"], what="nothing forwarded"
    )


@check("CMD-13", "CMD-14", tags=("quick",))
async def check_interrupts(ctx: CheckContext) -> None:
    """Interrupting a pending command removes it; a running one is forwarded and stays running."""
    owner = ctx.owner()
    dash, _ = await ctx.dashboard(owner)
    watcher, _ = await ctx.dashboard(owner)
    agent, agent_id = await ctx.agent(owner)
    running = await request(dash, agent_id, "running")
    await executes(agent)
    pending = await request(dash, agent_id, "pending")
    await dash.send(message("command:interrupt", commandId=pending["commandId"]))
    for viewer in (dash, watcher):
        await status_for(viewer, pending["commandId"], "interrupted", "CMD-13")
    await dash.send(message("command:interrupt", commandId=running["commandId"]))
    forwarded = await agent.expect("command:interrupt", "CMD-14")
    if forwarded["commandId"] != running["commandId"]:
        raise CheckFailure(
            "CMD-14", f"command:interrupt for {running['commandId']}", describe(forwarded)
        )
    after = await request(dash, agent_id, "after")
    if after["position"] != 1:
        raise CheckFailure(
            "CMD-13", "position 1 (the interrupted pending one is gone)", describe(after)
        )
    await agent.expect_silence(
        "CMD-14",
        within=0.3,
        types=["command:execute"],
        what="no command:execute while the interrupted one still runs",
    )
    await finish(agent, agent_id, running["commandId"], status="interrupted")
    got = await executes(agent, "CMD-13")
    if got["commandId"] != after["commandId"]:
        raise CheckFailure(
            "CMD-13", f"execute {after['commandId']} (not the interrupted one)", describe(got)
        )


@check("CMD-15", tags=("quick",))
async def check_interrupt_finished(ctx: CheckContext) -> None:
    """Interrupting a finished command gets COMMAND_NOT_FOUND."""
    owner = ctx.owner()
    dash, _ = await ctx.dashboard(owner)
    agent, agent_id = await ctx.agent(owner)
    done = await request(dash, agent_id, "quick one")
    await executes(agent)
    await finish(agent, agent_id, done["commandId"])
    await status_for(dash, done["commandId"], "completed", "CMD-10")
    await refused(
        dash,
        message("command:interrupt", commandId=done["commandId"]),
        "COMMAND_NOT_FOUND",
        "CMD-15",
    )


@check("CMD-16", "TEN-2", tags=("quick",))
async def check_emergency_stop(ctx: CheckContext) -> None:
    """Emergency stop interrupts pending commands and reaches only the owner's connections."""
    owner = ctx.owner()
    dash, _ = await ctx.dashboard(owner)
    other, _ = await ctx.dashboard(owner)
    stranger, _ = await ctx.dashboard()
    agent, agent_id = await ctx.agent(owner)
    idle, _ = await ctx.agent(owner)
    await request(dash, agent_id, "running")
    await executes(agent)
    pending = await request(dash, agent_id, "pending")
    await dash.send(message("system:emergency-stop", reason="stop everything"))
    for viewer in (dash, other):
        await status_for(viewer, pending["commandId"], "interrupted", "CMD-16")
    for receiver in (agent, idle, other):
        await receiver.expect("system:emergency-stop", "CMD-16")
    await stranger.expect_silence("TEN-2", within=0.3, what="no emergency stop of another owner")


@check("CMD-17", "CMD-18", tags=("quick",))
async def check_agent_leaving_fails_commands(ctx: CheckContext) -> None:
    """When an agent leaves, its running and pending commands get failed within 1 s."""
    owner = ctx.owner()
    dash, _ = await ctx.dashboard(owner)
    agent, agent_id = await ctx.agent(owner)
    running = await request(dash, agent_id, "running")
    await executes(agent)
    pending = await request(dash, agent_id, "pending")
    await agent.close()
    for queued in (running, pending):
        await status_for(dash, queued["commandId"], "failed", "CMD-17", within=1.0)


@check("CMD-19", tags=("quick",))
async def check_dashboard_leaving_keeps_commands(ctx: CheckContext) -> None:
    """A dashboard leaving does not cancel the commands it requested: neither the running one
    (no interrupt to the agent) nor the pending one (no status change), which runs next."""
    owner = ctx.owner()
    requester, _ = await ctx.dashboard(owner)
    watcher, _ = await ctx.dashboard(owner)
    agent, agent_id = await ctx.agent(owner)
    running = await request(requester, agent_id, "running")
    await executes(agent)
    pending = await request(requester, agent_id, "pending")
    for queued in (running, pending):
        await status_for(watcher, queued["commandId"], "queued", "CMD-7")
    await requester.close()
    # Give the server time to see the requester go before the agent finishes (else a server
    # that cancels only pending commands could start the pending one first and pass).
    await watcher.expect_silence(
        "CMD-19",
        within=0.3,
        types=["command:status", "command:complete"],
        what="no status change of the commands of a dashboard that left",
    )
    await agent.expect_silence(
        "CMD-19",
        within=0,
        types=["command:interrupt", "command:execute"],
        what="no interrupt of the running command of a dashboard that left",
    )
    await finish(agent, agent_id, running["commandId"])
    got = await executes(agent, "CMD-19")
    if got["commandId"] != pending["commandId"]:
        raise CheckFailure("CMD-19", f"execute {pending['commandId']}", describe(got))
    await status_for(watcher, running["commandId"], "completed", "CMD-19")
