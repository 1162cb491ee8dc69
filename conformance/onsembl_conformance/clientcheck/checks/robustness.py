"""Unexpected server messages: CLIENT-13.

Hypothesis draws sequences of valid server messages of every type the role receives
(``x-receiver``), from the schemas: statuses, outputs and completions of commands the
client never saw, ``agent:status`` of unknown agents, unrequested
``auth:refresh-success``/``auth:refresh-failed``, ``connection:error`` and
``validation:error`` about nothing it sent, repeated messages, and for agents
``command:execute`` of the kit's harmless commands, ``command:interrupt`` of unknown
commands and ``system:emergency-stop``; each sent at a random moment (a short random
pause before it). The client must keep its connection and still answer a
``heartbeat:ping`` afterwards (when it answered one before: otherwise only the connection
is judged).
"""

from __future__ import annotations

import asyncio
from typing import Any

from hypothesis import strategies as st
from hypothesis.strategies import SearchStrategy

from onsembl_conformance.clientcheck.checks._support import answers_pings, pong
from onsembl_conformance.clientcheck.context import ClientCheckContext
from onsembl_conformance.clientcheck.props import check_property
from onsembl_conformance.clientcheck.scripted import Message, describe
from onsembl_conformance.errors import CheckFailure
from onsembl_conformance.registry import client_check
from onsembl_spec.schemas import bundled
from onsembl_spec.strategies import message

SETTLE_S = 0.3
"""After the probe: a close the client started meanwhile is seen in the same example."""

PAUSES = (0.0, 0.0, 0.01, 0.05, 0.2)
"""Pauses drawn before each message (seconds): the random moments."""


def receivable(role: str, *, pings: bool = False) -> list[str]:
    """Types a client of ``role`` receives (``x-receiver``), wrappers apart."""
    schemas = bundled()
    types = [
        t
        for t in schemas.types
        if role in schemas.receivers(t) and t not in ("batch", "compressed")
    ]
    return [t for t in types if pings or t != "heartbeat:ping"]


def _execute() -> SearchStrategy[Message]:
    """``command:execute`` of the kit's commands only (``docs/check-client.md``)."""
    echo = st.lists(st.text(max_size=16), max_size=3)
    sleep = st.sampled_from(["0.05", "0.2"]).map(lambda s: [s])
    return st.one_of(
        st.tuples(st.just("echo"), echo), st.tuples(st.just("sleep"), sleep)
    ).flatmap(lambda pair: message("command:execute", command=pair[0], args=pair[1]))


def incoming_messages(role: str, *, pings: bool = False) -> SearchStrategy[Message]:
    """One valid server message a client of ``role`` may receive (no wrapper; a
    ``command:execute`` only of ``echo`` or a short ``sleep``)."""
    choices: list[SearchStrategy[Message]] = []
    for message_type in receivable(role, pings=pings):
        if message_type == "command:execute":
            choices.append(_execute())
        else:
            choices.append(message(message_type))
    return st.one_of(choices)


def sequences(role: str) -> SearchStrategy[list[tuple[float, Message]]]:
    """Messages at random moments, sometimes one of them repeated at the end."""
    step = st.tuples(st.sampled_from(PAUSES), incoming_messages(role))
    return st.lists(step, min_size=1, max_size=6).flatmap(
        lambda steps: st.sampled_from([steps, [*steps, steps[0]]])
    )


@client_check("CLIENT-13", tags=("hypothesis", "quick"))
async def check_unexpected_messages_tolerated(ctx: ClientCheckContext) -> None:
    """Valid server messages it did not expect neither close the connection nor stop it."""
    await ctx.start()
    peer = await ctx.identified()
    pongs = await answers_pings(ctx, peer)
    if not pongs:
        ctx.transcript.note("the client answers no heartbeat:ping: only its connection is judged")

    async def one(steps: list[tuple[float, Message]]) -> None:
        nonlocal peer
        if not peer.open:
            await ctx.restart()
            peer = await ctx.identified()
        for pause, sent in steps:
            if pause:
                await asyncio.sleep(pause)
            await peer.send({**sent})
        await asyncio.sleep(0.1)
        alive = peer.open and (not pongs or await pong(ctx, peer))
        await asyncio.sleep(SETTLE_S)  # a close on its way belongs to this example
        alive = alive and peer.open
        if not alive or ctx.scripted.pending():
            state = (
                f"connection ended ({peer.end} {peer.close_code})"
                if not peer.open
                else "a new connection opened"
                if ctx.scripted.pending()
                else "no heartbeat:pong within 2s"
            )
            raise CheckFailure(
                "CLIENT-13",
                "the connection kept and pings answered after valid unexpected messages",
                f"{state} after {', '.join(describe(m)[:120] for _, m in steps)}",
            )

    strategy: Any = sequences(ctx.role)
    await check_property(ctx, strategy, one, examples=20)
