"""Token refresh: CLIENT-6 (in place, never by reconnecting) and REFRESH-8 (before expiry).

Once the client identified, the kit writes a token of :data:`TTL_S` seconds into the token
file and closes with 1001; the reconnection presents it. The kit writes a new token into the
token file and sends ``auth:refresh-needed``; the client must send ``auth:refresh-token``
with a token that expires later (the kit answers ``auth:refresh-success``), on the same
connection, before the first token expires, and neither close that connection nor open
another before then (a close or a handshake within ``EXPIRY_MARGIN_S`` of the expiry, or
after it, is allowed: the token had expired).
"""

from __future__ import annotations

import time

from onsembl_conformance.clientcheck.checks._support import before_expiry
from onsembl_conformance.clientcheck.context import ClientCheckContext
from onsembl_conformance.clientcheck.scripted import server_message
from onsembl_conformance.errors import CheckFailure
from onsembl_conformance.registry import client_check

TTL_S = 5.0
"""The short token's lifetime."""


@client_check("CLIENT-6", "REFRESH-8", tags=("quick",))
async def check_refreshes_in_place(ctx: ClientCheckContext) -> None:
    """auth:refresh-needed is answered with auth:refresh-token on the open connection."""
    await ctx.start()
    peer = await ctx.short_token(await ctx.identified(), TTL_S)
    first = peer.token
    exp = peer.exp
    assert first is not None and exp is not None
    ctx.tokens.rotate()
    asked = ctx.now()
    await peer.send(server_message("auth:refresh-needed"))
    until = ctx.now() + max(0.0, exp - time.time()) + 1.0

    def refreshed() -> bool:
        return peer.token != first

    def replaced() -> bool:
        return not peer.open or ctx.scripted.pending() > 0

    await ctx.until(lambda: replaced() or ctx.now() >= until, until - ctx.now() + 0.5)
    new = [a for a in ctx.attempts() if a.t > peer.opened_at]
    early = before_expiry(ctx, new[0].t, exp) if new else None
    if early is not None:
        raise CheckFailure(
            "CLIENT-6",
            "auth:refresh-token on the open connection, no other connection before expiry",
            f"a new connection {new[0].t - asked:.2f}s after auth:refresh-needed, "
            f"{early:.2f}s before the token expired",
        )
    closed = before_expiry(ctx, peer.ended_at, exp) if peer.ended_at is not None else None
    if peer.end == "client" and closed is not None:
        raise CheckFailure(
            "CLIENT-6",
            "the connection kept open while its token is valid",
            f"closed by the client ({peer.close_code}) {ctx.now() - asked:.2f}s after "
            f"auth:refresh-needed, {closed:.2f}s before the token expired",
        )
    if not refreshed():
        tokens = [a.message for a in peer.received if a.type == "auth:refresh-token"]
        raise CheckFailure(
            "REFRESH-8",
            "auth:refresh-token with a token expiring later, before the token expired"
            f" ({TTL_S:g}s token)",
            f"{len(tokens)} auth:refresh-token accepted none"
            + ("" if peer.open else f"; closed by the kit at expiry ({peer.close_code})"),
        )
