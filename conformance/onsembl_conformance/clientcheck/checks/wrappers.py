"""``batch`` and ``compressed`` from the server: TERM-4 (accepted) and CLIENT-7 (handled in
order, as if each message had come alone).

Effects the kit can see: a ``heartbeat:ping`` inside a wrapper is answered with a
``heartbeat:pong``, an ``auth:refresh-needed`` with ``auth:refresh-token`` (tried only when
a plain one is answered: REFRESH-8 is a SHOULD), and for agents
a ``command:execute`` runs and a ``command:interrupt`` after it in the same batch stops it
(in the other order it would stop nothing). The property sends valid messages of every
type the role receives, drawn from the schemas, wrapped, with a ping last: the pong shows
the client handled the wrapper to its end.
"""

from __future__ import annotations

import asyncio
from typing import Any

from hypothesis import strategies as st

from onsembl_conformance.clientcheck.checks._support import (
    FINAL_WITHIN_S,
    answers_pings,
    command_messages,
    execute,
    final,
    running,
    summary,
)
from onsembl_conformance.clientcheck.checks.robustness import SETTLE_S, incoming_messages
from onsembl_conformance.clientcheck.context import ClientCheckContext
from onsembl_conformance.clientcheck.props import check_property
from onsembl_conformance.clientcheck.scripted import Message, Peer, server_message
from onsembl_conformance.errors import CheckFailure, CheckSkipped
from onsembl_conformance.registry import client_check
from onsembl_spec.wire import encode_batch, encode_compressed

ANSWER_S = 2.0
"""How long the kit waits for the effect of a wrapped message (a pong: HB-5's 1 s + 1)."""


async def _pongs(ctx: ClientCheckContext, peer: Peer, wrapper: Message, count: int) -> int:
    while peer.take(["heartbeat:pong"]) is not None:
        pass
    await peer.send(wrapper)
    got = 0
    while got < count and await peer.next(["heartbeat:pong"], ANSWER_S) is not None:
        got += 1
    return got


async def _answers_refresh(ctx: ClientCheckContext, peer: Peer, *, compressed: bool) -> bool:
    """A new token in the file and ``auth:refresh-needed`` (``compressed`` or not); whether
    an ``auth:refresh-token`` came within :data:`ANSWER_S` + 1 s."""
    while peer.take(["auth:refresh-token"]) is not None:
        pass
    ctx.tokens.rotate()
    needed = server_message("auth:refresh-needed")
    await peer.send(encode_compressed(needed) if compressed else needed)
    return await peer.next(["auth:refresh-token"], ANSWER_S + 1) is not None


def _lost(peer: Peer, what: str) -> None:
    if not peer.open:
        raise CheckFailure(
            "TERM-4",
            f"{what} accepted, the connection kept",
            f"connection ended ({peer.end} {peer.close_code}) after {what}",
        )


@client_check("CLIENT-7", "TERM-4", tags=("quick",))
async def check_unwraps_batch_and_compressed(ctx: ClientCheckContext) -> None:
    """Pings inside batch and compressed are answered, in number; agents run wrapped commands."""
    await ctx.start()
    peer = await ctx.identified()
    if not await answers_pings(ctx, peer):
        raise CheckSkipped("the client answers no heartbeat:ping (HB-5): no effect to see")
    pings = [server_message("heartbeat:ping", requestId=f"b{i}") for i in range(3)]
    cases: list[tuple[str, Message, int]] = [
        ("a batch of 3 heartbeat:ping", encode_batch(pings), 3),
        ("a compressed heartbeat:ping", encode_compressed(pings[0]), 1),
        (
            "a batch holding a compressed heartbeat:ping",
            encode_batch([encode_compressed(pings[1]), pings[2]]),
            2,
        ),
    ]
    for what, wrapper, count in cases:
        got = await _pongs(ctx, peer, wrapper, count)
        _lost(peer, what)
        if got < count:
            raise CheckFailure(
                "CLIENT-7", f"{count} heartbeat:pong for {what}", f"{got} within {ANSWER_S:g}s"
            )
    if await _answers_refresh(ctx, peer, compressed=False):  # REFRESH-8 is a SHOULD
        if not await _answers_refresh(ctx, peer, compressed=True):
            _lost(peer, "a compressed auth:refresh-needed")
            raise CheckFailure(
                "CLIENT-7",
                "auth:refresh-token for a compressed auth:refresh-needed (as for a plain one)",
                f"none within {ANSWER_S + 1:g}s",
            )
    else:
        _lost(peer, "an auth:refresh-needed")
        ctx.transcript.note("no auth:refresh-token for a plain auth:refresh-needed: not wrapped")
    if ctx.role == "agent":
        await _agent_cases(ctx, peer)


async def _agent_cases(ctx: ClientCheckContext, peer: Peer) -> None:
    command_id, message = execute(ctx, "echo", ["wrapped"])
    await peer.send(encode_compressed(message))
    await running(ctx, peer, command_id)
    await final(ctx, peer, command_id, FINAL_WITHIN_S, "CLIENT-7")
    command_id, message = execute(ctx, "sleep", ["30"])
    interrupt = server_message("command:interrupt", commandId=command_id)
    await peer.send(encode_batch([message, interrupt]))
    _lost(peer, "a batch of command:execute and command:interrupt")
    ended = await final(ctx, peer, command_id, 6.0, "CLIENT-7")
    if ended.get("status") != "interrupted":
        raise CheckFailure(
            "CLIENT-7",
            f"command:execute then command:interrupt of one batch, in order: {command_id} "
            "interrupted",
            f"{summary(command_messages(peer, command_id))}",
        )


WRAPPINGS = ("batch", "compressed", "batch of compressed")


def wrap(messages: list[Message], how: str) -> Message:
    if how == "batch":
        return encode_batch(messages)
    if how == "compressed":
        return encode_compressed(messages[0])
    return encode_batch([encode_compressed(m) for m in messages])


@client_check("TERM-4", "CLIENT-7", tags=("hypothesis",))
async def check_wrapped_messages_accepted(ctx: ClientCheckContext) -> None:
    """Valid messages of every type the role receives, wrapped, are accepted and handled."""
    await ctx.start()
    peer = await ctx.identified()
    if not await answers_pings(ctx, peer):
        raise CheckSkipped("the client answers no heartbeat:ping (HB-5): no effect to see")

    async def one(case: tuple[str, list[Message]]) -> None:
        nonlocal peer
        if not peer.open:
            await ctx.restart()
            peer = await ctx.identified()
        how, drawn = case
        probe = server_message("heartbeat:ping", requestId=ctx.ident("probe"))
        inner = [*drawn, probe]
        wrapper = wrap(inner if how != "compressed" else [probe], how)
        if how == "compressed":  # one message per compressed: the drawn ones first, alone
            for m in drawn:
                await peer.send(encode_compressed(m))
        got = await _pongs(ctx, peer, wrapper, 1)
        await asyncio.sleep(SETTLE_S)  # a close on its way belongs to this example
        _lost(peer, f"{how} of {[m['type'] for m in drawn]}")
        if got < 1:
            raise CheckFailure(
                "CLIENT-7",
                f"heartbeat:pong for the heartbeat:ping last in a {how}",
                f"none within {ANSWER_S:g}s",
            )

    strategy: Any = st.tuples(
        st.sampled_from(WRAPPINGS), st.lists(incoming_messages(ctx.role), max_size=4)
    )
    await check_property(ctx, strategy, one, examples=15)
