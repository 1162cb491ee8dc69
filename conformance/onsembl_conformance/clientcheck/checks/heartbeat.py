"""Heartbeats: HB-5 (pongs) and CLIENT-5 (pings when the server is silent, and giving up).

Both SHOULDs: they fail a run only with ``--strict``.
"""

from __future__ import annotations

import asyncio

from onsembl_conformance.clientcheck.checks._support import PONG_WITHIN_S, pong, reconnection
from onsembl_conformance.clientcheck.context import ClientCheckContext
from onsembl_conformance.clientcheck.scripted import SLACK_S
from onsembl_conformance.errors import CheckFailure
from onsembl_conformance.registry import client_check


@client_check("HB-5", tags=("quick",))
async def check_answers_pings(ctx: ClientCheckContext) -> None:
    """Each heartbeat:ping of the server gets a heartbeat:pong within 1 s."""
    await ctx.start()
    peer = await ctx.identified()
    for attempt in range(3):
        began = ctx.now()
        if not await pong(ctx, peer, PONG_WITHIN_S):
            raise CheckFailure(
                "HB-5",
                f"heartbeat:pong within 1s (+{SLACK_S:g}s slack) of heartbeat:ping {attempt + 1}",
                f"none after {ctx.now() - began:.2f}s"
                + ("" if peer.open else f" (connection ended: {peer.end} {peer.close_code})"),
            )
        await asyncio.sleep(0.2)


@client_check("CLIENT-5", tags=("slow",))
async def check_pings_when_server_silent(ctx: ClientCheckContext) -> None:
    """A client pings after heartbeat.interval_s of silence, gives up after timeout_s."""
    await ctx.start()
    peer = await ctx.identified()
    await asyncio.sleep(0.2)  # agent:list sent
    peer.auto_pong = False  # the server falls silent
    interval = ctx.profile.heartbeat_interval_s
    timeout = ctx.profile.heartbeat_timeout_s
    silent_since = peer.last_sent
    while peer.take(["heartbeat:ping"]) is not None:
        pass
    left = silent_since + interval + SLACK_S - ctx.now()
    ping = await peer.next(["heartbeat:ping"], max(0.0, left))
    if ping is None:
        raise CheckFailure(
            "CLIENT-5",
            f"heartbeat:ping within heartbeat.interval_s ({interval:g}s, +{SLACK_S:g}s slack) "
            "of the server's silence",
            f"none after {ctx.now() - silent_since:.2f}s"
            + ("" if peer.open else f" (connection ended: {peer.end} {peer.close_code})"),
        )
    left = silent_since + timeout + SLACK_S - ctx.now()
    if not await peer.wait_closed(max(0.0, left)):
        raise CheckFailure(
            "CLIENT-5",
            f"the connection closed within heartbeat.timeout_s ({timeout:g}s, +{SLACK_S:g}s) "
            "of the server's silence",
            f"still open after {ctx.now() - silent_since:.2f}s",
        )
    await reconnection(ctx, what="a reconnection after giving up", requirement="CLIENT-5")
