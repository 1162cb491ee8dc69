"""Transport checks (TRANS-1..TRANS-9, MSG-8, MSG-12, MSG-14)."""

from __future__ import annotations

import time
from datetime import datetime
from urllib.parse import urlsplit

from websockets.asyncio.client import connect as ws_connect
from websockets.exceptions import InvalidHandshake, InvalidStatus
from websockets.extensions.permessage_deflate import PerMessageDeflate

from onsembl_conformance.client import RECEIVE_QUEUE, Connection, describe, frame_bound
from onsembl_conformance.context import CheckContext, message
from onsembl_conformance.errors import CheckFailure, CheckSkipped
from onsembl_conformance.registry import check
from onsembl_spec.wire import message_text, now_timestamp


@check("TRANS-1", "TRANS-3", "HB-1", "MSG-8", tags=("quick",))
async def check_endpoint_answers(ctx: CheckContext) -> None:
    """The endpoint takes a WebSocket with a valid token and answers a ping.

    TRANS-3 and MSG-8 are checked on every frame of every check by the client layer. The
    client answers no ping here, so a server that echoes frames cannot pass with our own pong.
    """
    conn = await ctx.connect(ctx.recipe(), auto_pong=False)
    await conn.send(message("heartbeat:ping"))
    await conn.expect("heartbeat:pong", "HB-1", within=1.0)


@check("TRANS-2", tags=("quick",))
async def check_other_path_is_404(ctx: CheckContext) -> None:
    """An upgrade request for another path gets HTTP 404 and no WebSocket."""
    path = urlsplit(ctx.config.url).path.rstrip("/") + "/not-the-endpoint"
    try:
        conn = await ctx.connect(ctx.recipe(), path=path, requirement="TRANS-2")
    except CheckFailure as err:
        if "HTTP 404" in err.actual:
            return
        raise CheckFailure("TRANS-2", "HTTP 404 response", err.actual) from None
    await conn.close()
    raise CheckFailure("TRANS-2", "HTTP 404 response", f"a WebSocket opened on {path}")


@check("TRANS-4", "CLOSE-6", tags=("quick",))
async def check_binary_frame_closes_1003(ctx: CheckContext) -> None:
    """A binary frame closes the connection with 1003."""
    conn = await ctx.connect(ctx.recipe())
    await conn.send_raw(message_text(message("heartbeat:ping")).encode(), text=False)
    await conn.expect_close(1003, "TRANS-4")


@check("TRANS-5", "CLOSE-6", tags=("quick",))
async def check_invalid_utf8_closes_1007(ctx: CheckContext) -> None:
    """A text frame that is not UTF-8 closes the connection with 1007."""
    conn = await ctx.connect(ctx.recipe())
    await conn.send_raw(b'{"type":"heartbeat:ping","x":"\xff\xfe"}', text=True)
    await conn.expect_close(1007, "TRANS-5")


def _padded_ping(size: int) -> str:
    """A valid ``heartbeat:ping`` of exactly ``size`` bytes (JSON whitespace is padding)."""
    core = message_text(message("heartbeat:ping"))
    return core[:-1] + " " * (size - len(core)) + "}"


@check("TRANS-6", tags=("quick",))
async def check_oversize_closes_1009(ctx: CheckContext) -> None:
    """A message of max_message_bytes + 1 bytes closes the connection with 1009."""
    conn = await ctx.connect(ctx.recipe())
    await conn.send(_padded_ping(ctx.profile.max_message_bytes + 1))
    await conn.expect_close(1009, "TRANS-6")


@check("TRANS-7", tags=("quick",))
async def check_exact_size_accepted(ctx: CheckContext) -> None:
    """A message of exactly max_message_bytes bytes is accepted and answered."""
    conn, _ = await ctx.dashboard()
    await conn.send(_padded_ping(ctx.profile.max_message_bytes))
    await conn.expect("heartbeat:pong", "TRANS-7")


@check("TRANS-8", tags=("quick",))
async def check_fragmented_oversize_closes_1009(ctx: CheckContext) -> None:
    """The size limit applies after reassembly: fragments each under it, together over it."""
    limit = ctx.profile.max_message_bytes
    fits, _ = await ctx.dashboard()
    text = _padded_ping(limit)
    await fits.send_fragments([text[: limit // 2], text[limit // 2 :]])
    await fits.expect(
        "heartbeat:pong", "TRANS-8", what="heartbeat:pong for a fragmented message at the limit"
    )
    conn = await ctx.connect(ctx.recipe())
    text = _padded_ping(limit + 1)
    await conn.send_fragments([text[: limit // 2], text[limit // 2 :]])
    await conn.expect_close(1009, "TRANS-8")


@check("MSG-12", tags=("quick",))
async def check_server_timestamps_current(ctx: CheckContext) -> None:
    """The server's messages carry its time of sending, within 5 seconds."""
    conn, _ = await ctx.dashboard()
    await conn.send(message("heartbeat:ping"))
    pong = await conn.expect("heartbeat:pong", "HB-1")
    stamp = datetime.fromisoformat(pong["timestamp"].replace("Z", "+00:00")).timestamp()
    if abs(stamp - time.time()) > 5:
        raise CheckFailure("MSG-12", "a timestamp within 5 s of now", pong["timestamp"])


@check("MSG-11", tags=("quick",))
async def check_skewed_timestamps_accepted(ctx: CheckContext) -> None:
    """Valid messages with far past or future timestamps are handled normally."""
    conn = await ctx.connect(ctx.recipe())
    await conn.send(
        {
            "type": "dashboard:connect",
            "dashboardId": ctx.ident("d"),
            "timestamp": "2001-01-01T00:00:00Z",
        }
    )
    await conn.expect_reply("agent:list", "MSG-11")
    for stamp in ("1970-01-01T00:00:00Z", "2099-12-31T23:59:59+14:00"):
        await conn.send({"type": "heartbeat:ping", "timestamp": stamp})
        await conn.expect_reply("heartbeat:pong", "MSG-11")


@check("MSG-14", tags=("quick",))
async def check_duplicate_members_last_wins(ctx: CheckContext) -> None:
    """When a member name repeats, the last occurrence counts."""
    conn, _ = await ctx.dashboard()
    stamp = now_timestamp()
    await conn.send(f'{{"type":"no:such-type","type":"heartbeat:ping","timestamp":"{stamp}"}}')
    await conn.expect_reply("heartbeat:pong", "MSG-14")
    await conn.send(f'{{"type":"heartbeat:ping","timestamp":"{stamp}","timestamp":"yesterday"}}')
    error = await conn.expect_reply("validation:error", "MSG-14")
    if error.get("field") != "timestamp":
        raise CheckFailure("MSG-14", "validation:error with field timestamp", str(error))


async def deflate_connection(ctx: CheckContext, owner: str) -> tuple[Connection, bool]:
    """A connection of ``owner`` whose client offers permessage-deflate, as every browser does;
    and whether the server accepted the extension (TRANS-9 lets it choose)."""
    recipe = ctx.recipe(owner)
    number = len(ctx.connections) + 1
    path = urlsplit(ctx.config.url).path
    ctx.transcript.record(
        number,
        "open",
        detail=f"{path} via=header token={recipe.kind}(sub={recipe.sub}, ttl={recipe.ttl:g})"
        " offering permessage-deflate",
        recipe=recipe.as_dict(),
        via="header",
        origin=ctx.config.connection.origin,
        path=None,
    )
    expected = "the handshake completes for a client offering permessage-deflate"
    kit_headers = [("Authorization", f"Bearer {await ctx.issue(recipe)}")]
    try:
        ws = await ws_connect(
            ctx.config.url,
            **ctx.config.connection.connect_options(ctx.config.url, headers=kit_headers),
            compression="deflate",
            ping_interval=None,
            max_size=frame_bound(ctx.profile.max_message_bytes),
            max_queue=RECEIVE_QUEUE,
            open_timeout=ctx.timeout,
            close_timeout=ctx.timeout,
        )
    except InvalidStatus as err:
        status = err.response.status_code
        ctx.transcript.record(number, "close", detail=f"handshake refused: HTTP {status}")
        raise CheckFailure("TRANS-1", expected, f"HTTP {status} response") from None
    except (OSError, InvalidHandshake, TimeoutError) as err:
        ctx.transcript.record(number, "close", detail=f"cannot connect: {err!r}")
        raise CheckFailure("TRANS-1", expected, f"cannot connect: {err}") from None
    conn = Connection(ctx, ws, number, auto_pong=True)
    ctx.connections.append(conn)
    accepted = any(isinstance(e, PerMessageDeflate) for e in ws.protocol.extensions)
    ctx.transcript.note(
        f"#{number} permessage-deflate {'accepted' if accepted else 'declined'} by the server"
    )
    return conn, accepted


@check("TRANS-1", tags=("quick",))
async def check_deflate_offer_works(ctx: CheckContext) -> None:
    """A client offering permessage-deflate gets a working WebSocket, accepted or declined.

    TRANS-9 lets the server choose; either way the handshake completes
    (RFC 6455 declines an extension by leaving it out of the response) and
    messages flow both ways: a dashboard and an agent that both offer it
    exchange a 4 KB output (deflated on the wire when accepted).
    """
    owner = ctx.owner()
    dash, _ = await deflate_connection(ctx, owner)
    await dash.send(message("dashboard:connect", dashboardId=ctx.ident("dash")))
    await dash.expect_reply("agent:list", "TRANS-1")
    agent, _ = await deflate_connection(ctx, owner)
    agent_id = ctx.ident("agent")
    await agent.send(message("agent:connect", agentId=agent_id, agentType="claude"))
    await agent.sync("TRANS-1")
    sent = message(
        "terminal:output",
        agentId=agent_id,
        output={"type": "stdout", "content": "deflate me " * 400, "timestamp": now_timestamp()},
    )
    await agent.send(sent)
    got = await dash.expect("terminal:output", "TRANS-1", where=lambda m: m["agentId"] == agent_id)
    if got["output"] != sent["output"]:
        raise CheckFailure("TRANS-1", f"the output as sent: {describe(sent)}", describe(got))


@check("TRANS-7", "TRANS-8", tags=("quick",))
async def check_deflated_size_limit(ctx: CheckContext) -> None:
    """With permessage-deflate accepted, the size limit applies to the inflated message.

    A message of exactly ``max_message_bytes`` bytes is accepted and one a
    byte longer closes the connection with 1009, though both cross the wire
    in a few hundred deflated bytes. Skipped when the server declines the
    extension (TRANS-9).
    """
    limit = ctx.profile.max_message_bytes
    fits, accepted = await deflate_connection(ctx, ctx.owner())
    if not accepted:
        raise CheckSkipped("the server declines permessage-deflate (TRANS-9 lets it)")
    await fits.send(_padded_ping(limit))
    await fits.expect(
        "heartbeat:pong", "TRANS-7", what="heartbeat:pong for a deflated message at the limit"
    )
    over, _ = await deflate_connection(ctx, ctx.owner())
    await over.send(_padded_ping(limit + 1))
    await over.expect_close(1009, "TRANS-8")
