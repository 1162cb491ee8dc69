"""The slow-consumer check (CLOSE-7): a dashboard that stops reading is closed, and delays no one.

The suite opens a dashboard with a small fixed receive buffer and stops
reading from it, opens a second dashboard of the same owner that reads, and
has agents stream ``terminal:output`` within every rate limit of the profile
until :data:`PUSH_BYTES` have been sent for each dashboard. It keeps not
reading for ``outbound.stall_s`` and 2 seconds more (CLOSE-7's 1 s and the
suite's measurement slack), then reads the first dashboard's backlog: what
came before the close frame is what the server let pile up, at most
``outbound.connection_bytes`` and :data:`OS_ALLOWANCE`, and the close must be
1001 ``slow consumer``, whichever of CLOSE-7's two reasons the server closed
it for. The reading dashboard must get every message, in order.

Bytes are counted as the server sends them: the output is random text, which
neither a ``compressed`` wrapper nor a ``batch`` (TERM-3) makes much smaller,
and the bytes the reading dashboard receives for the push show how much the
server actually sent each dashboard. Only what CLOSE-7 is about is compared:
which message arrived, not whether its envelope kept every field (MSG-13 has
checks of its own).
"""

from __future__ import annotations

import asyncio
import base64
import contextlib
import math
import random
from dataclasses import dataclass
from typing import Any

from onsembl_conformance.client import Connection, describe
from onsembl_conformance.context import CheckContext, message
from onsembl_conformance.errors import CheckFailure, CheckInconclusive, CheckSkipped
from onsembl_conformance.registry import check
from onsembl_spec.profile import Profile
from onsembl_spec.schemas import bundled

OS_ALLOWANCE = 8 * 1024 * 1024
"""What the suite allows the operating systems to hold for a connection beyond the server's
unsent bytes (the terms of ``docs/spec.md``: about 3.5 MiB on Linux with a small receive
buffer)."""
PUSH_BYTES = 20 * 1024 * 1024
"""What the check sends in all: past the bundled profile's ``outbound.connection_bytes``
(10 MiB) and the allowance by a margin, and within what a check may keep (64 MiB)."""
RECEIVE_BUFFER = 16 * 1024
"""The not-reading dashboard's socket buffer (SO_RCVBUF), so the server holds the backlog."""
MAX_CONTENT: int = bundled().common["$defs"]["terminalChunk"]["properties"]["content"]["maxLength"]
"""The longest ``terminal:output`` chunk the schema allows (``terminalChunk.content``)."""
ENVELOPE_ALLOWANCE = 1024
"""Room left in ``max_message_bytes`` for the JSON around the content."""
MAX_AGENTS = 64
MAX_ROUNDS = 24
QUOTA_MARGIN = 5
"""Messages of each agent's windows kept free: its connect, its ping, pongs to the server."""
REASON = "slow consumer"


@dataclass(frozen=True)
class PushPlan:
    """How to send :data:`PUSH_BYTES` within the profile's limits."""

    agents: int
    rounds: int
    content_size: int
    interval_s: float

    @property
    def total_bytes(self) -> int:
        return self.agents * self.rounds * self.content_size


def unread_bound(profile: Profile) -> int | None:
    """CLOSE-7: the most that may wait unread for a connection before its close, as the suite
    sees it (``outbound.connection_bytes`` and :data:`OS_ALLOWANCE`); ``None``: no bound."""
    bound = profile.outbound_connection_bytes
    return None if bound is None else bound + OS_ALLOWANCE


def push_plan(profile: Profile, push_bytes: int = PUSH_BYTES) -> PushPlan:
    """Agents and rounds: each agent sends one message a round, under every window it counts in.

    Raises ``CheckSkipped`` when the profile's limits cannot carry the push
    with at most :data:`MAX_AGENTS` agents.
    """
    content_size = min(MAX_CONTENT, profile.max_message_bytes - ENVELOPE_ALLOWANCE)
    if content_size < 1024:
        raise CheckSkipped(f"max_message_bytes {profile.max_message_bytes} is too small to push")
    windows = list(profile.connection_windows()) + list(
        profile.type_windows("terminal:output") or ()
    )
    per_agent = min([MAX_ROUNDS] + [w.limit - QUOTA_MARGIN for w in windows if w.seconds > 1])
    per_second = min([50] + [w.limit - 1 for w in windows if w.seconds == 1])
    if per_agent < 1 or per_second < 1:
        raise CheckSkipped("the connection limits leave no room to stream output")
    messages = math.ceil(push_bytes / content_size)
    agents = math.ceil(messages / per_agent)
    rounds = math.ceil(messages / agents)
    total = agents * rounds
    if agents > MAX_AGENTS:
        raise CheckSkipped(f"pushing {push_bytes} bytes would need {agents} agents")
    for window in profile.global_windows():
        if total + 10 * agents > window.limit // 2:
            raise CheckSkipped(f"the global {window.key} limit {window.limit} is too low to push")
    for window in profile.owner_windows():  # one owner sends it all (RATE-10)
        if total + 10 * agents > window.limit:
            raise CheckSkipped(f"the owner {window.key} limit {window.limit} is too low to push")
    bound = profile.max_connections_per_owner
    if bound is not None and agents + 2 > bound:  # and the two dashboards (RATE-11)
        raise CheckSkipped(f"pushing needs {agents + 2} connections of one owner, over {bound}")
    return PushPlan(agents, rounds, content_size, interval_s=1.1 / per_second)


def random_text(rng: random.Random, size: int) -> str:
    """``size`` characters of base64 alphabet from ``rng``: gzip saves about a quarter of them,
    which base64 inside a ``compressed`` wrapper takes back, so they cross the wire at full size;
    no character needs escaping in JSON."""
    return base64.b64encode(rng.randbytes(size * 3 // 4 + 3)).decode("ascii")[:size]


def output(
    agent_id: str, agent_number: int, round_number: int, size: int, rng: random.Random
) -> dict[str, object]:
    label = f"{agent_number}:{round_number}:"
    return message(
        "terminal:output",
        agentId=agent_id,
        output={
            "type": "stdout",
            "content": label + random_text(rng, size - len(label)),
            "timestamp": "2024-01-01T00:00:00Z",
        },
    )


def identity(m: dict[str, Any]) -> tuple[object, object]:
    """Which output a message is: its agent and its content (the label makes each unique)."""
    chunk = m.get("output")
    return m.get("agentId"), chunk.get("content") if isinstance(chunk, dict) else None


async def keep_alive(conn: Connection, every: float) -> None:
    """Pings from the dashboard that does not read: it stays alive for HB-3 meanwhile."""
    while True:
        await asyncio.sleep(every)
        await conn.send(message("heartbeat:ping"))


@check("CLOSE-7", tags=("last",))
async def check_slow_consumer_closed(ctx: CheckContext) -> None:
    """A dashboard that stops reading is closed with 1001 "slow consumer" once it read nothing for
    outbound.stall_s or before outbound.connection_bytes wait for it (with the suite's allowance),
    and meanwhile the owner's reading dashboard gets every message in order."""
    if ctx.profile.outbound_stall_s is None and ctx.profile.outbound_connection_bytes is None:
        raise CheckSkipped("outbound.stall_s and outbound.connection_bytes are both off")
    plan = push_plan(ctx.profile)
    ctx.transcript.max_stored_text = 200
    ctx.transcript.note(
        f"plan: {plan.agents} agents x {plan.rounds} rounds of {plan.content_size}-byte output,"
        f" one round every {plan.interval_s:.3f}s"
    )
    owner = ctx.owner()
    await ctx.prefetch([ctx.recipe(owner)] * (plan.agents + 2))  # a slow --token-command
    slow, _ = await ctx.dashboard(owner, receive_buffer=RECEIVE_BUFFER, auto_pong=False)
    reader, _ = await ctx.dashboard(owner)
    agents = [await ctx.agent(owner) for _ in range(plan.agents)]
    slow.pause_reading()
    every = max(0.05, min(0.5, ctx.profile.heartbeat_interval_s / 2))
    pinger = asyncio.create_task(keep_alive(slow, every))  # until the close: no HB-3 close
    try:
        await push_and_judge(ctx, plan, slow, reader, agents)
    finally:
        pinger.cancel()
        with contextlib.suppress(asyncio.CancelledError):
            await pinger


async def push_and_judge(
    ctx: CheckContext,
    plan: PushPlan,
    slow: Connection,
    reader: Connection,
    agents: list[tuple[Connection, str]],
) -> None:
    """Stream the plan's output, then read both dashboards and judge CLOSE-7."""
    loop = asyncio.get_running_loop()
    sent: list[dict[str, object]] = []
    reader_bytes_before = reader.received_bytes
    try:
        start = loop.time()
        for round_number in range(plan.rounds):
            await asyncio.sleep(max(0.0, start + round_number * plan.interval_s - loop.time()))
            for number, (agent, agent_id) in enumerate(agents):
                m = output(agent_id, number, round_number, plan.content_size, ctx.rng)
                await asyncio.wait_for(agent.send(m), ctx.timeout)
                sent.append(m)
    except TimeoutError:
        raise CheckFailure(
            "CLOSE-7",
            "the server takes the agents' output while one dashboard does not read",
            f"an agent's send was stuck for {ctx.timeout:g}s after {len(sent)} messages",
        ) from None
    stall_s = ctx.profile.outbound_stall_s
    if stall_s is not None:  # CLOSE-7: a stall is judged after stall_s, within 1 s
        ctx.transcript.note(f"not reading for outbound.stall_s ({stall_s:g}s) and 2s more")
        await asyncio.sleep(stall_s + 2.0)
    slow.resume_reading()
    for index, expected in enumerate(sent):
        where = f"output {index + 1} of {len(sent)} on the dashboard that reads"
        got = await reader.expect("terminal:output", "CLOSE-7", what=where)
        if identity(got) != identity(expected):
            raise CheckFailure("CLOSE-7", f"{where}: {describe(expected)}", describe(got))
    pushed = reader.received_bytes - reader_bytes_before
    ctx.transcript.note(f"the dashboard that reads got {pushed} bytes for the push")
    await reader.expect_open("CLOSE-7")
    bound = unread_bound(ctx.profile)
    try:
        await slow.expect_close(1001, "CLOSE-7", within=ctx.timeout * 2)
    except CheckFailure:
        if stall_s is None and bound is not None and pushed <= bound and not slow.closed.is_set():
            raise CheckInconclusive(
                f"the server sent only {pushed} bytes for the {len(sent)} outputs of the push,"
                f" not more than {bound}: with outbound.stall_s off it was not bound to close the"
                " dashboard that does not read"
            ) from None
        raise
    if slow.close_reason != REASON:
        raise CheckFailure("CLOSE-7", f"close 1001 with reason {REASON!r}", repr(slow.close_reason))
    if bound is not None and slow.received_bytes > bound:
        raise CheckFailure(
            "CLOSE-7",
            f"the close before {bound} bytes wait unread (outbound.connection_bytes and"
            f" {OS_ALLOWANCE} for the operating systems)",
            f"{slow.received_bytes} bytes came before the close frame",
        )
    ctx.transcript.note(f"closed after {slow.received_bytes} unread bytes")
