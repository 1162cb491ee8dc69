"""Messages produced while disconnected: CLIENT-11 (agents; a dashboard produces nothing
the kit could make it produce).

The kit has the agent run ``sleep SECONDS TEXT`` (``docs/check-client.md``: it outputs
TEXT when the wait ends) and drops the socket (1006) while it runs; it refuses
the reconnection attempts (HTTP 503) until the command has ended, so that its output and
final status are produced with no connection. On the next connection, after the agent
identifies, they must come first, in the order produced, before anything about a command
the kit sends right after the identification; each keeps the timestamp of when it was
produced (earlier than that connection's handshake). With a profile of one message, or of
1 KiB, the output is what is dropped, never the final status.
"""

from __future__ import annotations

import asyncio
from datetime import datetime

from onsembl_conformance.clientcheck.checks._support import (
    FINAL_WITHIN_S,
    LIFECYCLE,
    command_messages,
    execute,
    final,
    is_final,
    running,
    summary,
)
from onsembl_conformance.clientcheck.context import ClientCheckContext
from onsembl_conformance.clientcheck.scripted import SLACK_S, Arrival, Peer, describe
from onsembl_conformance.errors import CheckFailure
from onsembl_conformance.registry import client_check

SLEEP_S = 1.0
"""How long the command runs after the socket was dropped."""

AWAY_S = SLEEP_S + 0.8
"""How long the kit refuses reconnection attempts."""


async def run_while_away(
    ctx: ClientCheckContext, peer: Peer, args: list[str]
) -> tuple[str, Peer, str]:
    """Start ``sleep ARGS`` on ``peer``, drop it, refuse attempts for :data:`AWAY_S`; the
    command's id, the next identified connection and a command sent right after it."""
    command_id, message = execute(ctx, "sleep", args)
    await peer.send(message)
    await running(ctx, peer, command_id)
    peer.drop()
    server = ctx.scripted
    server.refusing = True
    await asyncio.sleep(AWAY_S)
    server.refusing = False
    peer = await ctx.connection(2.0 + 2 * SLACK_S + 1.0, what="a reconnection after 1006")
    await ctx.identified_peer(peer)
    later_id, later = execute(ctx, "echo", ["later"])
    await peer.send(later)
    await final(ctx, peer, later_id, FINAL_WITHIN_S, "CLIENT-15")
    return command_id, peer, later_id


def _after_hello(peer: Peer) -> list[Arrival]:
    return [
        a
        for a in peer.received
        if a.type in LIFECYCLE and peer.identified_at is not None and a.t >= peer.identified_at
    ]


@client_check("CLIENT-11", roles=("agent",), tags=("quick",))
async def check_buffers_while_disconnected(ctx: ClientCheckContext) -> None:
    """What an agent produced while disconnected comes first on the next connection, in order."""
    await ctx.start()
    peer = await ctx.identified()
    command_id, peer, later_id = await run_while_away(ctx, peer, [f"{SLEEP_S:g}", "held"])
    held = command_messages(peer, command_id)
    if not any(is_final(m) for m in held) or not any(
        m["type"] == "terminal:output" for m in held
    ):
        raise CheckFailure(
            "CLIENT-11",
            f"the output and final status of {command_id}, produced while disconnected, "
            "sent after identifying",
            f"{summary(held)} for it",
        )
    end = next(i for i, m in enumerate(held) if is_final(m))
    if any(m["type"] == "terminal:output" for m in held[end + 1 :]):
        raise CheckFailure(
            "CLIENT-11",
            f"what was held for {command_id} in the order produced: its output before its "
            "final status",
            f"{summary(held)} after reconnecting",
        )
    order = [a.message.get("commandId") for a in _after_hello(peer)]
    last_held = max(i for i, c in enumerate(order) if c == command_id)
    first_later = min(i for i, c in enumerate(order) if c == later_id)
    if last_held > first_later:
        raise CheckFailure(
            "CLIENT-11",
            f"what was held ({command_id}) before anything produced later ({later_id})",
            f"{[(c, t) for c, t in zip(order, (a.type for a in _after_hello(peer)), strict=True)]}",
        )
    handshake = datetime.now().timestamp() - (ctx.now() - peer.opened_at)
    for sent in held:
        stamp = datetime.fromisoformat(str(sent["timestamp"]).replace("Z", "+00:00"))
        if stamp.timestamp() > handshake:
            raise CheckFailure(
                "CLIENT-11",
                "a held message keeps the timestamp of when it was produced",
                f"{describe(sent)} stamped after the reconnection's handshake",
            )


@client_check("CLIENT-11", roles=("agent",), tags=("own-client", "slow"))
async def check_buffer_bounds(ctx: ClientCheckContext) -> None:
    """Past send_buffer's bounds the output is dropped first, never the final status."""
    for bounds, args in (
        ({"messages": 1}, [f"{SLEEP_S:g}", "held"]),
        ({"bytes": 1024}, [f"{SLEEP_S:g}", "x" * 2000]),
    ):
        await ctx.stop_client()
        await ctx.start(profile={"send_buffer": bounds})
        peer = await ctx.identified()
        command_id, peer, _ = await run_while_away(ctx, peer, args)
        held = command_messages(peer, command_id)  # its running status went before
        finals = [m for m in held if is_final(m)]
        outputs = [m for m in held if m["type"] == "terminal:output"]
        if not finals or outputs or len(held) > bounds.get("messages", len(held)):
            raise CheckFailure(
                "CLIENT-11",
                f"with send_buffer {bounds}: the final status of {command_id} kept, "
                "its output dropped",
                f"{summary(held)} after reconnecting",
            )
        if ctx.server is not None:
            await ctx.server.stop()
            ctx.server = None
