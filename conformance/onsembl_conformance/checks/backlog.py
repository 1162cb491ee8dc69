"""Readers behind and budgets of unsent bytes (CLOSE-8, CLOSE-9).

``reading_dashboard_kept`` (CLOSE-8): agents stream output as fast as the
rate limits let them to a dashboard that reads steadily but slower, keeping
up to 80% of the smallest outbound budget unread (at most 16 MiB), and
reading something at least every quarter of ``outbound.stall_s``. The server
must deliver every output, in order, and keep the dashboard open: a reader
behind but draining is not a slow consumer.

``owner_backlog_bounded`` and ``server_backlog_bounded`` (CLOSE-9), each on a
private server whose budget is small: dashboards that do not read, each
within ``outbound.connection_bytes``, together far past the owner's (the
server's) budget, even after the suite's allowance for what the operating
systems hold (8 MiB each). At least one of them must be closed 1001 ``slow
consumer`` and none with anything else; with the owner's budget, another
owner's reading dashboard must lose nothing.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
from typing import Any

from onsembl_conformance.checks.slow_consumer import (
    OS_ALLOWANCE,
    REASON,
    RECEIVE_BUFFER,
    PushPlan,
    identity,
    keep_alive,
    output,
    push_plan,
)
from onsembl_conformance.client import Connection, describe
from onsembl_conformance.context import CheckContext, message
from onsembl_conformance.errors import CheckFailure, CheckInconclusive, CheckSkipped
from onsembl_conformance.registry import check

MiB = 1024 * 1024
MAX_TARGET = 16 * MiB
"""The most the reading check keeps unread (what a check may hold is 64 MiB)."""
TARGET_SHARE = 0.8
"""Of the smallest outbound budget, what the reading check keeps unread at most."""
BUDGET_PUSH = 10 * MiB
"""What each dashboard of the budget checks is sent: with three of them, 30 MiB, of which
more than the private server's 4 MiB budget is left after the 8 MiB allowance each."""
PRIVATE_BUDGET = 4 * MiB


def _size(m: dict[str, Any]) -> int:
    return len(json.dumps(m, separators=(",", ":")))


async def _push(
    ctx: CheckContext, plan: PushPlan, agents: list[tuple[Connection, str]], requirement: str
) -> tuple[list[dict[str, Any]], list[int]]:
    """The plan's rounds, every agent one output a round; the outputs and a running total of
    their bytes (``totals[-1]``), updated as they are sent."""
    loop = asyncio.get_running_loop()
    sent: list[dict[str, Any]] = []
    totals = [0]
    start = loop.time()
    try:
        for round_number in range(plan.rounds):
            await asyncio.sleep(max(0.0, start + round_number * plan.interval_s - loop.time()))
            for number, (agent, agent_id) in enumerate(agents):
                m = output(agent_id, number, round_number, plan.content_size, ctx.rng)
                await asyncio.wait_for(agent.send(m), ctx.timeout)
                sent.append(m)
                totals.append(totals[-1] + _size(m))
    except TimeoutError:
        raise CheckFailure(
            requirement,
            "the server takes the agents' output while a dashboard is behind",
            f"an agent's send was stuck for {ctx.timeout:g}s after {len(sent)} messages",
        ) from None
    return sent, totals


async def _stop(task: asyncio.Task[None]) -> None:
    task.cancel()
    with contextlib.suppress(asyncio.CancelledError):
        await task


@check("CLOSE-8", tags=("last",))
async def check_reading_dashboard_kept(ctx: CheckContext) -> None:
    """A dashboard that reads steadily, slower than a burst arrives, megabytes behind but never
    more than the outbound budgets, is not closed and gets every output in order."""
    profile = ctx.profile
    budgets = [
        b
        for b in (
            profile.outbound_connection_bytes,
            profile.outbound_owner_bytes,
            profile.outbound_server_bytes,
        )
        if b is not None
    ]
    target = min(int(min(budgets, default=MAX_TARGET) * TARGET_SHARE), MAX_TARGET)
    if target < 2 * MiB:
        raise CheckSkipped(f"the outbound budgets leave {target} bytes to be behind by")
    plan = push_plan(profile, target + 4 * MiB)
    stall_s = profile.outbound_stall_s
    step = 0.25 if stall_s is None else max(0.05, min(0.5, stall_s / 4))
    ctx.transcript.max_stored_text = 200
    ctx.transcript.note(
        f"plan: {plan.agents} agents x {plan.rounds} rounds of {plan.content_size}-byte output;"
        f" the dashboard keeps at most {target} bytes unread and reads every {step:g}s"
    )
    owner = ctx.owner()
    await ctx.prefetch([ctx.recipe(owner)] * (plan.agents + 1))
    reader, _ = await ctx.dashboard(owner, receive_buffer=RECEIVE_BUFFER)
    agents = [await ctx.agent(owner) for _ in range(plan.agents)]
    transport = reader.ws.transport
    transport.pause_reading()
    base = reader.received_bytes
    totals = [0]
    done = asyncio.Event()
    behind = [0]

    async def read_steadily() -> None:
        """Read one output's worth at a time: whenever more than ``target`` waits, and at least
        every ``step`` seconds; everything once the push is over."""
        loop = asyncio.get_running_loop()
        last = loop.time()
        while True:
            unread = totals[-1] - (reader.received_bytes - base)
            behind[0] = max(behind[0], unread)
            if done.is_set():
                transport.resume_reading()
                return
            if unread > target or loop.time() - last >= step:
                transport.resume_reading()
                before = reader.received_bytes
                until = loop.time() + 0.2
                while reader.received_bytes - before < plan.content_size and loop.time() < until:
                    await asyncio.sleep(0.005)
                transport.pause_reading()
                last = loop.time()
            else:
                await asyncio.sleep(0.01)

    every = max(0.05, min(0.5, profile.heartbeat_interval_s / 2))
    pinger = asyncio.create_task(keep_alive(reader, every))  # its pongs wait behind the backlog
    reading = asyncio.create_task(read_steadily())
    try:
        sent, pushed = await _push(ctx, plan, agents, "CLOSE-8")
        totals.extend(pushed[1:])
        done.set()
        await reading
        for index, expected in enumerate(sent):
            where = f"output {index + 1} of {len(sent)} on the dashboard that reads"
            if reader.closed.is_set() and not reader.inbox:
                break
            got = await reader.expect("terminal:output", "CLOSE-8", what=where)
            if identity(got) != identity(expected):
                raise CheckFailure("CLOSE-8", f"{where}: {describe(expected)}", describe(got))
        if reader.closed.is_set():
            raise CheckFailure(
                "CLOSE-8",
                f"the dashboard kept open: it read every {step:g}s and never had more than"
                f" {behind[0]} bytes unread",
                f"closed {reader.close_code} {reader.close_reason!r} after"
                f" {reader.received_bytes - base} bytes",
            )
        await reader.expect_open("CLOSE-8")
    finally:
        await _stop(reading)
        await _stop(pinger)
    ctx.transcript.note(f"kept open, at most {behind[0]} bytes behind")
    if behind[0] < target // 2:
        raise CheckInconclusive(
            f"the dashboard was never more than {behind[0]} bytes behind, not half of {target}:"
            " the push was too slow to test a reader behind"
        )


# --------------------------------------------------------------------- CLOSE-9


async def _private_dashboard(
    ctx: CheckContext, url: str, owner: str, *, stopped: bool
) -> Connection:
    conn = await ctx.connect(
        ctx.recipe(owner),
        url=url,
        requirement="CLOSE-9",
        receive_buffer=RECEIVE_BUFFER if stopped else None,
        auto_pong=not stopped,
    )
    await conn.send(message("dashboard:connect", dashboardId=ctx.ident("dash")))
    await conn.expect_reply("agent:list", "CLOSE-9")
    if stopped:
        conn.pause_reading()
    return conn


async def _private_agent(ctx: CheckContext, url: str, owner: str) -> tuple[Connection, str]:
    agent_id = ctx.ident("agent")
    conn = await ctx.connect(ctx.recipe(owner), url=url, requirement="CLOSE-9")
    await conn.send(message("agent:connect", agentId=agent_id, agentType="claude"))
    await conn.send(message("heartbeat:ping", requestId="ready"))
    await conn.expect_reply("heartbeat:pong", "CLOSE-9")
    return conn, agent_id


async def _budget_check(ctx: CheckContext, scope: str) -> None:
    """Three dashboards that do not read, of one owner (``scope`` ``owner``) or of three
    (``server``), pushed :data:`BUDGET_PUSH` each on a private server whose budget of that
    scope is :data:`PRIVATE_BUDGET`."""
    budgets = {"owner_bytes": 256 * MiB, "server_bytes": 512 * MiB}
    budgets[f"{scope}_bytes"] = PRIVATE_BUDGET
    override = {
        "outbound": {"stall_s": None, "connection_bytes": 64 * MiB, **budgets},
        "max_connections_per_owner": None,
    }
    plan = push_plan(ctx.profile, BUDGET_PUSH)
    owners = [ctx.owner()] * 3 if scope == "owner" else [ctx.owner() for _ in range(3)]
    async with ctx.private_server(override) as server:
        stopped = [await _private_dashboard(ctx, server.url, o, stopped=True) for o in owners]
        agents = [
            await _private_agent(ctx, server.url, o)
            for o in dict.fromkeys(owners)
            for _ in range(plan.agents)
        ]
        bystander = bystander_agent = None
        if scope == "owner":
            other = ctx.owner()
            bystander = await _private_dashboard(ctx, server.url, other, stopped=False)
            bystander_agent = await _private_agent(ctx, server.url, other)
        every = max(0.05, min(0.5, ctx.profile.heartbeat_interval_s / 2))
        pingers = [asyncio.create_task(keep_alive(conn, every)) for conn in stopped]
        try:
            per_owner = len(agents) // len(dict.fromkeys(owners))
            first = agents[:per_owner] if scope == "owner" else agents
            sent, totals = await _push(ctx, plan, first, "CLOSE-9")
            if scope == "owner":
                assert bystander is not None and bystander_agent is not None
                for n in range(10):
                    await bystander_agent[0].send(
                        output(bystander_agent[1], 99, n, 100, ctx.rng)
                    )
            each = totals[-1] // (1 if scope == "owner" else len(owners))
            for conn in stopped:
                conn.resume_reading()
            loop = asyncio.get_running_loop()
            until = loop.time() + ctx.timeout * 3
            while loop.time() < until and not all(
                c.closed.is_set() or c.received_bytes >= each for c in stopped
            ):
                await asyncio.sleep(0.05)
        finally:
            for task in pingers:
                await _stop(task)
        closed = [c for c in stopped if c.closed.is_set()]
        for conn in closed:
            if (conn.close_code, conn.close_reason) != (1001, REASON):
                raise CheckFailure(
                    "CLOSE-9",
                    f"close 1001 {REASON!r} of a connection over the {scope}'s budget",
                    f"close {conn.close_code} {conn.close_reason!r}",
                )
        if not closed:
            unread = sum(c.received_bytes for c in stopped)
            if unread - len(stopped) * OS_ALLOWANCE <= PRIVATE_BUDGET:
                raise CheckInconclusive(
                    f"the server sent only {unread} bytes to the three dashboards that do not"
                    " read: not past the budget once the operating systems' share is allowed"
                )
            raise CheckFailure(
                "CLOSE-9",
                f"a connection closed 1001 {REASON!r} once the {scope}'s connections hold more"
                f" than outbound.{scope}_bytes ({PRIVATE_BUDGET})",
                f"none closed; {unread} bytes waited unread for the three",
            )
        ctx.transcript.note(f"{len(closed)} of the three closed; {len(sent)} outputs sent")
        if bystander is not None and bystander_agent is not None:
            for _ in range(10):
                got = await bystander.expect("terminal:output", "CLOSE-9")
                if identity(got)[0] != bystander_agent[1]:
                    raise CheckFailure("CLOSE-9", "another owner's output", describe(got))
            await bystander.expect_open("CLOSE-9")


@check("CLOSE-9", tags=("private-server",))
async def check_owner_backlog_bounded(ctx: CheckContext) -> None:
    """One owner's dashboards that do not read, together past outbound.owner_bytes: one is
    closed 1001 "slow consumer"; another owner's reading dashboard loses nothing."""
    await _budget_check(ctx, "owner")


@check("CLOSE-9", tags=("private-server",))
async def check_server_backlog_bounded(ctx: CheckContext) -> None:
    """Three owners' dashboards that do not read, each owner within its budget, together past
    outbound.server_bytes: one is closed 1001 "slow consumer"."""
    await _budget_check(ctx, "server")
