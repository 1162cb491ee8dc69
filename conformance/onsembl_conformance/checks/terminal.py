"""Terminal checks (TERM-1, TERM-2, TERM-5, MSG-13)."""

from __future__ import annotations

from onsembl_conformance.client import describe
from onsembl_conformance.context import CheckContext, message
from onsembl_conformance.registry import check
from onsembl_spec.errors import CheckFailure


def chunk(n: int) -> dict[str, object]:
    return {"type": "stdout", "content": f"line {n}\n", "timestamp": "2024-01-01T00:00:00Z"}


@check("TERM-1", "MSG-13", tags=("quick",))
async def check_output_in_order(ctx: CheckContext) -> None:
    """terminal:output reaches every dashboard of the owner, unchanged and in order."""
    owner = ctx.owner()
    dashes = [(await ctx.dashboard(owner))[0] for _ in range(2)]
    agent, agent_id = await ctx.agent(owner)
    windows = ctx.profile.type_windows("terminal:output") or ()
    count = min([40] + [w.limit - 5 for w in windows])
    sent = [message("terminal:output", agentId=agent_id, output=chunk(n)) for n in range(count)]
    for m in sent:
        await agent.send(m)
    for dash in dashes:
        got = [await dash.expect("terminal:output", "TERM-1") for _ in sent]
        if got != sent:
            first = next(i for i, (a, b) in enumerate(zip(got, sent, strict=True)) if a != b)
            requirement = "TERM-1" if got[first]["output"] != sent[first]["output"] else "MSG-13"
            raise CheckFailure(requirement, describe(sent[first]), describe(got[first]))


@check("TERM-5", tags=("quick",))
async def check_plain_messages(ctx: CheckContext) -> None:
    """The server sends plain messages, neither batched nor compressed (default configuration)."""
    owner = ctx.owner()
    dash, _ = await ctx.dashboard(owner)
    agent, agent_id = await ctx.agent(owner)
    for n in range(10):
        await agent.send(
            message(
                "terminal:output",
                agentId=agent_id,
                output={
                    "type": "stdout",
                    "content": "x" * 2000 + str(n),
                    "timestamp": "2024-01-01T00:00:00Z",
                },
            )
        )
    for _ in range(10):
        await dash.expect("terminal:output", "TERM-1")
    if dash.wrapped_received:
        raise CheckFailure(
            "TERM-5", "plain messages", f"{dash.wrapped_received} batch/compressed wrappers"
        )


@check("TERM-2", tags=("quick",))
async def check_terminal_clear(ctx: CheckContext) -> None:
    """terminal:clear from a dashboard reaches the agent and the other dashboards; from an agent,
    the dashboards."""
    owner = ctx.owner()
    dash, _ = await ctx.dashboard(owner)
    other, _ = await ctx.dashboard(owner)
    agent, agent_id = await ctx.agent(owner)
    await dash.send(message("terminal:clear", agentId=agent_id))
    await agent.expect("terminal:clear", "TERM-2")
    await other.expect("terminal:clear", "TERM-2")
    await agent.send(message("terminal:clear", agentId=agent_id))
    for viewer in (dash, other):
        await viewer.expect("terminal:clear", "TERM-2")
