"""Reconnecting: CLIENT-8 (after 1001, 1011, 1006), CLIENT-9 (exponential backoff with
jitter, reset after a connection that lasted), CLIENT-10 (never the token a 1008 refused).

The backoff model and its bounds are in :mod:`._support` (``gaps``): the lower bound
``d(n)/2`` is exact (the kit measures from its own end of the connection, which the
client sees later), the upper bound ``d(n)`` has 1 s of slack. The profile the kit hands
the client makes d(n) = 0.25, 0.5, 1, 2, 2... s, reset after 3 s; ``backoff_grows_and_resets``
starts the client with a profile of its own (:data:`BACKOFF_PROFILE`).
"""

from __future__ import annotations

import asyncio
from typing import Any

from hypothesis import strategies as st

from onsembl_conformance.clientcheck.checks._support import (
    REQUIRED_RECONNECT,
    before_expiry,
    gaps,
    judge_gaps,
    next_delay,
    reconnection,
)
from onsembl_conformance.clientcheck.context import ClientCheckContext
from onsembl_conformance.clientcheck.props import check_property
from onsembl_conformance.clientcheck.scripted import SLACK_S, Peer
from onsembl_conformance.errors import CheckFailure, CheckInconclusive, CheckSkipped
from onsembl_conformance.registry import client_check

CLOSE_CODES = (1000, 1001, 1002, 1003, 1006, 1007, 1008, 1009, 1011)
"""What the kit ends a connection with (1006: the socket dropped, no close frame)."""


async def end(peer: Peer, code: int) -> None:
    if code == 1006:
        peer.drop()
    else:
        await peer.close(code, "scripted")


@client_check("CLIENT-8", "CLIENT-9", tags=("quick",))
async def check_reconnects_after_going_away(ctx: ClientCheckContext) -> None:
    """After 1001, 1011 and a dropped socket the client reconnects, backing off."""
    await ctx.start()
    peer = await ctx.identified()
    for code in (1001, 1011, 1006):
        await end(peer, code)
        peer = await reconnection(ctx, what=f"a reconnection after {code}")
        await ctx.identified_peer(peer)
    judge_gaps(gaps(ctx, ctx.attempts()))


BACKOFF_PROFILE: dict[str, Any] = {
    "reconnect": {"base_s": 0.25, "factor": 2, "cap_s": 4, "reset_after_s": 2}
}
"""``backoff_grows_and_resets``'s own profile: d(n) = 0.25, 0.5, 1, 2, 4 s, so that the
capped attempt's lower bound d(4)/2 = 2 s is past d(0) + the 1 s slack = 1.25 s: a client
that waits a fixed time (or never resets) breaks one bound or the other."""


@client_check("CLIENT-9", tags=("own-client", "slow"))
async def check_backoff_grows_and_resets(ctx: ClientCheckContext) -> None:
    """Refused attempts wait d(0), d(1)... up to the cap; a lasting connection resets it."""
    await ctx.start(profile=BACKOFF_PROFILE)
    peer = await ctx.identified()
    server = ctx.scripted
    server.refusing = True
    await peer.close(1011, "crash")
    for count in range(1, 5):

        def refused(count: int = count) -> bool:
            return _refused(ctx) >= count

        wait = ctx.profile.reconnect_delay_s(count - 1) + SLACK_S + 1.0
        arrived = await ctx.until(refused, wait)
        if not arrived:
            server.refusing = False
            judge_gaps(gaps(ctx, ctx.attempts()))
            raise CheckFailure(
                "CLIENT-8",
                f"attempt {count} to reconnect after 1011 within d(n) + {SLACK_S:g}s",
                f"none within {wait:g}s{ctx.client_state()}",
            )
    server.refusing = False
    peer = await reconnection(ctx)
    await ctx.identified_peer(peer)
    await asyncio.sleep(ctx.profile.reconnect_reset_after_s + 0.3 - (ctx.now() - peer.opened_at))
    await peer.close(1001, "going away")
    within = ctx.profile.reconnect_cap_s + SLACK_S + 1.0  # a late one is judged by CLIENT-9
    await ctx.connection(within, what="a reconnection after a lasting connection")
    judge_gaps(gaps(ctx, ctx.attempts()))


def _refused(ctx: ClientCheckContext) -> int:
    attempts = ctx.attempts()
    last = max((i for i, a in enumerate(attempts) if a.peer is not None), default=0)
    return sum(1 for a in attempts[last:] if a.peer is None)


@client_check("CLIENT-8", "CLIENT-9", "CLIENT-10", tags=("hypothesis", "slow"))
async def check_close_codes(ctx: ClientCheckContext) -> None:
    """Closes with every code: reconnection where required, backoff always, no refused token."""
    await ctx.start()
    first = True

    async def one(codes: list[int]) -> None:
        nonlocal first
        if not first:
            await ctx.restart()
        first = False
        peer = await ctx.identified()
        for code in codes:
            await end(peer, code)
            within = next_delay(ctx) + SLACK_S
            if code in REQUIRED_RECONNECT:
                peer = await reconnection(ctx, what=f"a reconnection after {code}")
            else:
                found = await ctx.scripted.next_peer(within + 0.5)
                if found is None:
                    break  # reconnecting after this code is the client's choice
                peer = found
            await ctx.identified_peer(peer)
        judge_gaps(gaps(ctx, ctx.attempts()))

    strategy: Any = st.lists(st.sampled_from(CLOSE_CODES), min_size=1, max_size=3)
    await check_property(ctx, strategy, one, examples=6)


@client_check("CLIENT-10", tags=("quick",))
async def check_refused_token_not_reused(ctx: ClientCheckContext) -> None:
    """After 1008 the client never presents that token again (new token: may reconnect)."""
    await ctx.start()
    peer = await ctx.identified()
    await peer.close(1008, "policy")  # the kit writes a new token at once
    found = await ctx.scripted.next_peer(next_delay(ctx) + SLACK_S + 1.0)
    if found is not None:
        peer = await ctx.identified_peer(found)
        ctx.tokens.rotate_on_refusal = False
        await peer.close(1008, "policy, token file unchanged")
        found = await ctx.scripted.next_peer(next_delay(ctx) + SLACK_S + 1.0)
        ctx.raise_violation()  # a handshake with the refused token was judged on arrival
        ctx.tokens.rotate_on_refusal = True
        ctx.tokens.rotate()
        if found is None:
            found = await ctx.scripted.next_peer(3 * (2.0 + SLACK_S))
        if found is not None:
            await ctx.identified_peer(found)
    ctx.raise_violation()


@client_check("CLIENT-10", "CLIENT-6", tags=("slow",))
async def check_expired_token_not_reused(ctx: ClientCheckContext) -> None:
    """A connection closed 1008 at its token's expiry is not reopened with that token, even
    while the token file still holds it; with a new token it may reconnect."""
    await ctx.start()
    peer = await ctx.short_token(await ctx.identified(), 2.5)
    peer.auto_refresh = False  # whatever it tries, the token expires
    ctx.tokens.rotate_on_refusal = False  # no new token for a while: it must wait
    exp = peer.exp
    assert exp is not None
    await peer.wait_closed(4.0)
    if peer.open:  # pragma: no cover - the kit closes it at the token's expiry
        raise CheckInconclusive("the connection outlived its token: the kit did not close it")
    early = before_expiry(ctx, peer.ended_at, exp) if peer.ended_at is not None else None
    if peer.end == "client" and early is not None:
        raise CheckFailure(
            "CLIENT-6",
            "the connection kept until its token expired (no replacing a valid token)",
            f"#{peer.number} ended by the client ({peer.close_code}) {early:.2f}s before its "
            "token expired",
        )
    if peer.end == "client":
        raise CheckSkipped(
            f"the client closed #{peer.number} itself as its token expired (CLIENT-6 allows "
            "it): no close with 1008 whose token it could reuse"
        )
    found = await ctx.scripted.next_peer(next_delay(ctx) + SLACK_S + 1.0)
    ctx.raise_violation()  # a handshake with the expired token was judged on arrival
    ctx.tokens.rotate_on_refusal = True
    ctx.tokens.rotate()
    if found is None:
        found = await ctx.scripted.next_peer(3 * (2.0 + SLACK_S))
    if found is not None:
        await ctx.identified_peer(found)
    ctx.raise_violation()
