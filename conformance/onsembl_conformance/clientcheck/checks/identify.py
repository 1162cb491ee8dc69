"""Identification and tokens at the handshake: CLIENT-1, CLIENT-2, CLIENT-3.

The scripted server judges every connection of every check (token at the handshake,
identification first and in time, one agentId); this check makes the client open three
connections, after a close with 1001 and after a dropped socket.
"""

from __future__ import annotations

import asyncio

from onsembl_conformance.clientcheck.checks._support import reconnection
from onsembl_conformance.clientcheck.context import ClientCheckContext
from onsembl_conformance.errors import CheckFailure
from onsembl_conformance.registry import CLIENT_ROLES, CheckSpec, client_check


@client_check("CLIENT-1", "CLIENT-2", "CLIENT-3", tags=("quick",))
async def check_identifies_on_every_connection(ctx: ClientCheckContext) -> None:
    """A token at every handshake, identification first and in time, one agentId."""
    await ctx.start()
    peer = await ctx.identified()
    if ctx.role == "dashboard" and peer.hello is not None:
        await asyncio.sleep(0.1)
    await peer.close(1001, "going away")
    ctx.tokens.rotate()  # the next handshake may present the new token (read the file)
    peer = await reconnection(ctx)
    await ctx.identified_peer(peer)
    peer.drop()
    peer = await reconnection(ctx)
    await ctx.identified_peer(peer)
    if peer.hello is None:
        raise CheckFailure("CLIENT-2", "identification", "none")


def preflight_spec() -> CheckSpec:
    """The preflight's spec (not a registered check): the client connects and identifies."""

    async def preflight(ctx: ClientCheckContext) -> None:  # pragma: no cover - not run
        await ctx.start()

    return CheckSpec(
        "preflight",
        ("CLIENT-2",),
        frozenset(),
        preflight,
        "The client connects and identifies.",
        subject="client",
        roles=CLIENT_ROLES,
    )
