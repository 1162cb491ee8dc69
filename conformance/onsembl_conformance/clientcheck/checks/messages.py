"""What a client sends: CLIENT-4 (and MSG-9, which no client can fail).

Every frame of every check is judged on arrival by the scripted server (text, one JSON
message valid against its schema, a type the role may send, at most
``max_message_bytes``); here the client is made to send what it sends in a session: for
an agent, the messages of commands whose arguments hypothesis draws from the schema
(``command:execute`` of ``echo`` and ``sleep``, ``docs/check-client.md``); for a
dashboard, answers to pings and a refresh.
"""

from __future__ import annotations

import asyncio

from hypothesis import strategies as st

from onsembl_conformance.clientcheck.checks._support import (
    FINAL_WITHIN_S,
    execute,
    final,
    pong,
)
from onsembl_conformance.clientcheck.context import ClientCheckContext
from onsembl_conformance.clientcheck.props import check_property
from onsembl_conformance.clientcheck.scripted import server_message
from onsembl_conformance.registry import client_check
from onsembl_spec.strategies import message

ARGUMENTS = st.one_of(
    message("command:execute").map(lambda m: list(m["args"])),
    st.lists(st.text(max_size=40), max_size=4),
)
"""Arguments of ``echo``: drawn from the schema (``args``), and any short strings."""


@client_check("CLIENT-4", "MSG-9", roles=("agent",), tags=("quick", "hypothesis"))
async def check_agent_messages_valid(ctx: ClientCheckContext) -> None:
    """Every message an agent sends while it runs commands is valid and its role's."""
    await ctx.start()
    peer = await ctx.identified()

    async def one(args: list[str]) -> None:
        nonlocal peer
        if not peer.open:
            await ctx.restart()
            peer = await ctx.identified()
        command_id, execute_message = execute(ctx, "echo", args)
        await peer.send(execute_message)
        await final(ctx, peer, command_id, FINAL_WITHIN_S, "CLIENT-15")

    await check_property(ctx, ARGUMENTS, one, examples=12)


@client_check("CLIENT-4", "MSG-9", roles=("dashboard",), tags=("quick",))
async def check_dashboard_messages_valid(ctx: ClientCheckContext) -> None:
    """Every message a dashboard sends in a session is valid and its role's."""
    await ctx.start()
    peer = await ctx.identified()
    for _ in range(2):
        await pong(ctx, peer)
    ctx.tokens.rotate()
    await peer.send(server_message("auth:refresh-needed"))
    await asyncio.sleep(ctx.profile.heartbeat_interval_s + 0.5)  # its own pings, if any
    ctx.raise_violation()
