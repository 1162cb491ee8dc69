"""What several client checks share: pings, commands for agents, the backoff model.

The backoff model (CLIENT-9): the kit numbers the client's reconnection attempts as the
spec does. Every handshake after the client's first connection is an attempt; its index
``n`` counts the attempts since the last connection that stayed open for
``reconnect.reset_after_s`` (or since the client started), from 0. Attempt ``n`` must
start no sooner than ``d(n) / 2`` after the end of the previous connection or attempt
(exact when the kit ended it: the client learns of the end later than the kit; 50 ms
less when the client ended it, for the close frame's way to the kit), and, when CLIENT-8
requires it (the kit closed with 1001 or 1011, dropped the socket, or refused the
previous attempt of such a reconnection), no later than ``d(n)`` + 1 s of slack.
"""

from __future__ import annotations

import itertools
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

from onsembl_conformance.clientcheck.context import ClientCheckContext
from onsembl_conformance.clientcheck.scripted import (
    SLACK_S,
    Arrival,
    Attempt,
    Message,
    Peer,
    describe,
    server_message,
)
from onsembl_conformance.errors import CheckFailure, CheckInconclusive, CheckSkipped
from onsembl_spec.protocol import FINAL_STATUSES

PONG_WITHIN_S = 1.0 + SLACK_S
"""HB-5: a pong within 1 s, +1 s of measurement slack."""

CLIENT_END_TOLERANCE_S = 0.05
"""CLIENT-9's lower bound after a connection the client ended: the close frame's way."""

EXPIRY_MARGIN_S = 0.5
"""CLIENT-6: a close or a new handshake this close to the token's expiry (by the kit's wall
clock) counts as at the expiry: the client's clock and timers get the benefit of the
doubt."""


def before_expiry(ctx: ClientCheckContext, t: float, exp: float) -> float | None:
    """How long before ``exp`` (wall clock, a token's expiry) the loop time ``t`` was, when
    that is more than :data:`EXPIRY_MARGIN_S` (a breach of CLIENT-6); else ``None``."""
    early = exp - (time.time() - (ctx.now() - t))
    return early if early > EXPIRY_MARGIN_S else None


REQUIRED_RECONNECT = frozenset({1001, 1011, 1006})
"""Closes after which CLIENT-8 requires a reconnection."""

LIFECYCLE = ("command:status", "terminal:output", "command:complete")
"""What an agent sends about a command."""

FINAL_WITHIN_S = 5.0
"""How long an ``echo`` (or a short ``sleep``) may take to end, beyond its sleep."""


# --------------------------------------------------------------------------- pings


async def pong(ctx: ClientCheckContext, peer: Peer, within: float = PONG_WITHIN_S) -> bool:
    """Send ``heartbeat:ping``; whether a ``heartbeat:pong`` came within ``within``."""
    while peer.take(["heartbeat:pong"]) is not None:
        pass
    request_id = ctx.ident("ping")
    if not await peer.send(server_message("heartbeat:ping", requestId=request_id)):
        return False
    return await peer.next(["heartbeat:pong"], within) is not None


async def answers_pings(ctx: ClientCheckContext, peer: Peer) -> bool:
    """Whether the client answers a ping at all (some checks observe through pongs)."""
    for _ in range(2):
        if await pong(ctx, peer):
            return True
    return False


# --------------------------------------------------------------------------- commands


def needs_agent(ctx: ClientCheckContext) -> None:
    if ctx.role != "agent":  # pragma: no cover - registration keeps agents' checks to agents
        raise CheckSkipped("an agent's check")


def execute(ctx: ClientCheckContext, command: str, args: Sequence[str]) -> tuple[str, Message]:
    """A ``command:execute`` of one of the kit's commands (``docs/check-client.md``)."""
    command_id = ctx.ident("cmd")
    ctx.executed[command_id] = ctx.now()  # sent right away: the command's output from now
    return command_id, server_message(
        "command:execute", commandId=command_id, command=command, args=list(args)
    )


def of_command(command_id: str) -> Callable[[Message], bool]:
    return lambda message: message.get("commandId") == command_id


def is_final(message: Message) -> bool:
    if message["type"] == "command:complete":
        return True
    return message["type"] == "command:status" and message.get("status") in FINAL_STATUSES


def command_arrivals(peer: Peer, command_id: str) -> list[Arrival]:
    """Everything ``peer`` received about ``command_id``, in order: what carries its
    ``commandId``, and a ``terminal:output`` without one that came after its
    ``command:execute`` and before its first final status (the kit runs one command at a
    time, so that output is the command's; CLIENT-15 fails it for lacking the id)."""
    sent = peer.ctx.executed.get(command_id)
    ended: float | None = None
    out: list[Arrival] = []
    for a in peer.received:
        if a.type not in LIFECYCLE:
            continue
        if a.message.get("commandId") == command_id:
            out.append(a)
            if ended is None and is_final(a.message):
                ended = a.t
        elif (
            a.type == "terminal:output"
            and "commandId" not in a.message
            and sent is not None
            and a.t >= sent
            and (ended is None or a.t <= ended)
        ):
            out.append(a)
    return out


def command_messages(peer: Peer, command_id: str) -> list[Message]:
    """The messages of :func:`command_arrivals`."""
    return [a.message for a in command_arrivals(peer, command_id)]


async def running(
    ctx: ClientCheckContext, peer: Peer, command_id: str, within: float = 1.0 + SLACK_S
) -> None:
    """CLIENT-14: ``command:status`` ``running`` within 1 s (+slack), before any output."""
    arrival = await peer.expect(
        LIFECYCLE,
        "CLIENT-14",
        within,
        where=of_command(command_id),
        what=f"command:status running for {command_id}",
    )
    first = arrival.message
    found = command_arrivals(peer, command_id)
    before = list(itertools.takewhile(lambda a: a is not arrival, found))
    if before:  # a terminal:output without commandId, before running
        first = before[0].message
    if not (first["type"] == "command:status" and first.get("status") == "running"):
        raise CheckFailure(
            "CLIENT-14",
            f"command:status running first for {command_id}",
            describe(first),
        )


async def final(
    ctx: ClientCheckContext, peer: Peer, command_id: str, within: float, requirement: str
) -> Message:
    """The command's first final message within ``within``."""
    def wanted(message: Message) -> bool:
        return message.get("commandId") == command_id and is_final(message)

    arrival = await peer.expect(
        ("command:status", "command:complete"),
        requirement,
        within,
        where=wanted,
        what=f"a final status for {command_id}",
    )
    return arrival.message


def judge_lifecycle(ctx: ClientCheckContext, messages: Sequence[Message], command_id: str) -> None:
    """CLIENT-15 on one command's messages: ids, a final status, nothing after it, and a
    final ``command:status`` before ``command:complete`` when there are both."""
    agent_id = ctx.agent_id
    for message in messages:
        if message.get("commandId") != command_id:
            raise CheckFailure(
                "CLIENT-15",
                f"commandId {command_id!r} on every message about it (one command ran)",
                describe(message),
            )
        if message.get("agentId") != agent_id:
            raise CheckFailure(
                "CLIENT-15", f"agentId {agent_id!r} (its own) on {command_id}", describe(message)
            )
    finals = [i for i, m in enumerate(messages) if is_final(m)]
    if not finals:
        raise CheckFailure(
            "CLIENT-15", f"a final status for {command_id}", f"{[m['type'] for m in messages]}"
        )
    end = finals[0]
    after = [m for m in messages[end + 1 :] if m["type"] != "command:complete"]
    complete_after = [m for m in messages[end + 1 :] if m["type"] == "command:complete"]
    if after:
        raise CheckFailure(
            "CLIENT-15",
            f"no terminal:output or command:status for {command_id} after its final status",
            describe(after[0]),
        )
    if messages[end]["type"] == "command:complete" and any(
        m["type"] == "command:status" for m in messages[end + 1 :]
    ):  # pragma: no cover - caught as "after" above
        raise CheckFailure("CLIENT-15", "the final command:status first", "after")
    if len(complete_after) > 1 or (
        messages[end]["type"] == "command:complete" and complete_after
    ):
        raise CheckFailure(
            "CLIENT-15", f"one command:complete for {command_id}", "more than one"
        )


def inconclusive_if_done(peer: Peer, command_id: str, what: str) -> None:
    """A command that ended before the kit could interrupt it leaves no verdict."""
    if any(is_final(m) for m in command_messages(peer, command_id)):
        raise CheckInconclusive(f"{command_id} ended before the kit could {what} it")


# --------------------------------------------------------------------------- backoff


@dataclass
class Gap:
    """One reconnection attempt and the wait before it."""

    n: int
    previous: Attempt
    attempt: Attempt
    gap: float
    lower: float
    upper: float | None
    """``None``: CLIENT-8 does not require this attempt."""

    def describe(self) -> str:
        kind = "refused attempt" if self.previous.peer is None else f"#{self.previous.peer.number}"
        return f"attempt n={self.n} {self.gap:.3f}s after the end of {kind}"


def ended_by(previous: Attempt) -> str:
    if previous.peer is None:
        return "kit"
    return "client" if previous.peer.end == "client" else "kit"


def requires_reconnect(previous: Attempt, chain: bool) -> bool:
    if previous.peer is None:
        return chain
    return previous.peer.end in ("kit", "dropped") and previous.peer.close_code in (
        REQUIRED_RECONNECT
    )


def gaps(ctx: ClientCheckContext, attempts: Sequence[Attempt]) -> list[Gap]:
    """The model's view of ``attempts`` (the first is the client's first connection)."""
    profile = ctx.profile
    out: list[Gap] = []
    counter = 0
    chain = False
    for previous, attempt in itertools.pairwise(attempts):
        if previous.peer is not None:
            lived = previous.peer.lifetime
            if lived is not None and lived >= profile.reconnect_reset_after_s:
                counter = 0
        ended = previous.ended
        if ended is None:  # a connection still open when another began
            continue
        n = counter
        counter += 1
        delay = profile.reconnect_delay_s(n)
        lower = delay / 2 - (CLIENT_END_TOLERANCE_S if ended_by(previous) == "client" else 0.0)
        chain = requires_reconnect(previous, chain)
        upper = delay + SLACK_S if chain else None
        out.append(Gap(n, previous, attempt, attempt.t - ended, lower, upper))
    return out


def judge_gaps(found: Sequence[Gap]) -> None:
    """CLIENT-9 on every gap."""
    for gap in found:
        if gap.gap < gap.lower:
            raise CheckFailure(
                "CLIENT-9",
                f"attempt n={gap.n} no sooner than d({gap.n})/2 = {gap.lower:.3f}s after the "
                "previous connection or attempt ended",
                gap.describe(),
            )
        if gap.upper is not None and gap.gap > gap.upper:
            raise CheckFailure(
                "CLIENT-9",
                f"attempt n={gap.n} no later than d({gap.n}) + {SLACK_S:g}s = {gap.upper:.3f}s",
                gap.describe(),
            )


def next_delay(ctx: ClientCheckContext) -> float:
    """d(n) of the client's next attempt, as the model counts (the server's attempts so far
    and the connection now open, if it ends now)."""
    attempts = ctx.attempts()
    counter = 0
    for previous in attempts[:-1]:
        if previous.peer is not None and (previous.peer.lifetime or 0) >= (
            ctx.profile.reconnect_reset_after_s
        ):
            counter = 0
        counter += 1
    if attempts and attempts[-1].peer is not None:
        last = attempts[-1].peer
        lived = last.lifetime if last.lifetime is not None else ctx.now() - last.opened_at
        if lived >= ctx.profile.reconnect_reset_after_s:
            counter = 0
    return ctx.profile.reconnect_delay_s(counter)


async def reconnection(
    ctx: ClientCheckContext, *, what: str = "a reconnection", requirement: str = "CLIENT-8"
) -> Peer:
    """The next connection, waited for d(n) + slack + 1 s (CLIENT-8 fails without one)."""
    within = next_delay(ctx) + SLACK_S + 1.0
    return await ctx.connection(within, requirement=requirement, what=what)


def summary(messages: Sequence[Message]) -> list[Any]:
    return [
        (m["type"], m.get("status")) if m["type"] == "command:status" else m["type"]
        for m in messages
    ]
