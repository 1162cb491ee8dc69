"""An agent's commands: CLIENT-14 (``running`` first, within 1 s), CLIENT-15 (ids, a final
status, nothing after it), CLIENT-16 (interrupt), CLIENT-17 (emergency stop).

The kit sends only its two harmless commands (``docs/check-client.md``): ``echo`` and
``sleep``.
"""

from __future__ import annotations

import asyncio
from typing import Any

from hypothesis import strategies as st

from onsembl_conformance.clientcheck.checks._support import (
    FINAL_WITHIN_S,
    command_messages,
    execute,
    final,
    inconclusive_if_done,
    judge_lifecycle,
    running,
    summary,
)
from onsembl_conformance.clientcheck.context import ClientCheckContext
from onsembl_conformance.clientcheck.props import check_property
from onsembl_conformance.clientcheck.scripted import SLACK_S, server_message
from onsembl_conformance.errors import CheckFailure
from onsembl_conformance.registry import client_check

INTERRUPT_WITHIN_S = 5.0 + SLACK_S
"""CLIENT-16: ``interrupted`` within 5 s, +1 s of slack."""

AFTER_FINAL_S = 0.5
"""How long the kit watches for messages about a command after its final status."""

COMMANDS = st.one_of(
    st.tuples(st.just("echo"), st.lists(st.text(max_size=20), max_size=4)),
    st.tuples(st.just("sleep"), st.sampled_from(["0", "0.1", "0.3"]).map(lambda s: [s])),
)


@client_check("CLIENT-14", "CLIENT-15", roles=("agent",), tags=("quick", "hypothesis"))
async def check_command_lifecycle(ctx: ClientCheckContext) -> None:
    """running within 1 s before any output, the agent's ids, one final status, then silence."""
    await ctx.start()
    peer = await ctx.identified()

    async def one(case: tuple[str, list[str]]) -> None:
        nonlocal peer
        if not peer.open:
            await ctx.restart()
            peer = await ctx.identified()
        command, args = case
        command_id, message = execute(ctx, command, args)
        await peer.send(message)
        await running(ctx, peer, command_id)
        await final(ctx, peer, command_id, FINAL_WITHIN_S, "CLIENT-15")
        await asyncio.sleep(AFTER_FINAL_S)
        judge_lifecycle(ctx, command_messages(peer, command_id), command_id)

    strategy: Any = COMMANDS
    await check_property(ctx, strategy, one, examples=10)


async def _stop_running(ctx: ClientCheckContext, how: str) -> None:
    await ctx.start()
    peer = await ctx.identified()
    command_id, message = execute(ctx, "sleep", ["30"])
    await peer.send(message)
    await running(ctx, peer, command_id)
    await asyncio.sleep(0.2)
    inconclusive_if_done(peer, command_id, how)
    if how == "interrupt":
        await peer.send(server_message("command:interrupt", commandId=command_id))
        requirement = "CLIENT-16"
    else:
        await peer.send(server_message("system:emergency-stop", reason="conformance check"))
        requirement = "CLIENT-17"
    sent = ctx.now()
    ended = await final(ctx, peer, command_id, INTERRUPT_WITHIN_S, requirement)
    if ended["type"] != "command:status" or ended.get("status") != "interrupted":
        raise CheckFailure(
            requirement,
            f"command:status interrupted for {command_id} within 5s of the {how}",
            f"{summary(command_messages(peer, command_id))}",
        )
    await asyncio.sleep(AFTER_FINAL_S)
    judge_lifecycle(ctx, command_messages(peer, command_id), command_id)
    if how == "emergency-stop":
        await asyncio.sleep(max(0.0, 1.5 - (ctx.now() - sent)))
        if not peer.open or ctx.scripted.pending():
            raise CheckFailure(
                "CLIENT-17",
                "the connection kept after system:emergency-stop",
                f"connection ended ({peer.end} {peer.close_code})"
                if not peer.open
                else "a new connection opened",
            )


@client_check("CLIENT-16", "CLIENT-15", roles=("agent",), tags=("quick",))
async def check_interrupt_stops_command(ctx: ClientCheckContext) -> None:
    """command:interrupt of the running command ends it as interrupted within 5 s."""
    await _stop_running(ctx, "interrupt")


@client_check("CLIENT-17", roles=("agent",), tags=("quick",))
async def check_emergency_stop(ctx: ClientCheckContext) -> None:
    """system:emergency-stop interrupts the running command; the agent stays connected."""
    await _stop_running(ctx, "emergency-stop")
