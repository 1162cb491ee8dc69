"""Rate-limit checks (RATE-1..RATE-9, TYPE-7)."""

from __future__ import annotations

import asyncio
import math
import time
from typing import Any

from onsembl_conformance.client import Connection, describe
from onsembl_conformance.context import CheckContext, message
from onsembl_conformance.errors import CheckFailure, CheckSkipped
from onsembl_conformance.registry import check
from onsembl_spec.profile import Window


def connection_limit(ctx: CheckContext, key: str) -> Window | None:
    return next((w for w in ctx.profile.connection_windows() if w.key == key), None)


def probe(n: int) -> dict[str, Any]:
    """A connection-scope message a dashboard gets one reply to (COMMAND_NOT_FOUND)."""
    return message("command:interrupt", commandId=f"probe-{n}")


async def rate_dashboard(ctx: CheckContext) -> Connection:
    """An identified dashboard that answers no server ping; its connect used one slot.

    Unpaced (issue 9): its sends go at once, so that they can exceed the limits."""
    conn, _ = await ctx.dashboard(auto_pong=False, paced=False)
    return conn


async def send_wave(conn: Connection, count: int, start: int = 0) -> None:
    for n in range(start, start + count):
        await conn.send(probe(n))


async def replies(conn: Connection, count: int, requirement: str) -> list[dict[str, Any]]:
    """The next ``count`` answers to probes, in order."""
    return [
        await conn.expect(("command:error", "connection:error"), requirement) for _ in range(count)
    ]


def within_one_second(started: float) -> None:
    """Skip when the machine was too slow for a per-second exchange to mean anything."""
    if time.monotonic() - started > 0.9:
        raise CheckSkipped("the exchange took longer than the one-second window it tests")


def accepted(reply: dict[str, Any]) -> bool:
    return reply.get("code") == "COMMAND_NOT_FOUND"


def require_accepted(got: list[dict[str, Any]], expected: str) -> None:
    """RATE-5: no premature refusal; fails on the first probe refused in ``got``."""
    refused = next((r for r in got if not accepted(r)), None)
    if refused is not None:
        raise CheckFailure("RATE-5", expected, describe(refused))


def check_rate_reply(
    reply: dict[str, Any], windows: tuple[Window, ...], used: dict[str, int], retry: tuple[int, int]
) -> None:
    """RATE-7..RATE-9 and TYPE-7 on one refusal."""
    if reply.get("code") != "RATE_LIMIT" or reply.get("error") != "Rate limit exceeded":
        raise CheckFailure(
            "RATE-7", 'connection:error RATE_LIMIT "Rate limit exceeded"', describe(reply)
        )
    after = reply.get("retryAfter")
    if not isinstance(after, int) or not retry[0] <= after <= retry[1]:
        raise CheckFailure(
            "RATE-8", f"retryAfter between {retry[0]} and {retry[1]}", describe(reply)
        )
    expected = {
        w.report_name: {"used": used.get(w.report_name, 0), "limit": w.limit} for w in windows
    }
    if reply.get("limits") != expected:
        raise CheckFailure("RATE-9", f"limits {expected}", describe(reply))


@check("RATE-3", "RATE-5", "RATE-7", "RATE-8", "RATE-9", tags=("quick",))
async def check_burst_limit(ctx: CheckContext) -> None:
    """The per-second limit accepts exactly its limit, then refuses with retryAfter 1 and limits."""
    burst = connection_limit(ctx, "burst_per_second")
    if burst is None or burst.limit > 200:
        raise CheckSkipped("no usable per-second limit in the profile")
    started = time.monotonic()
    conn = await rate_dashboard(ctx)  # dashboard:connect used one slot
    await send_wave(conn, burst.limit)
    got = await replies(conn, burst.limit, "RATE-5")
    within_one_second(started)
    require_accepted(got[:-1], f"{burst.limit} messages accepted in a second")
    used = {w.report_name: burst.limit for w in ctx.profile.connection_windows()}
    check_rate_reply(got[-1], ctx.profile.connection_windows(), used, (1, 1))
    await conn.expect_open("RATE-7")


@check("RATE-5", "RATE-6", tags=("quick", "slow"))
async def check_refused_use_no_quota(ctx: CheckContext) -> None:
    """Refused messages use no quota: after the window slides, a full burst is accepted again."""
    burst = connection_limit(ctx, "burst_per_second")
    minute = connection_limit(ctx, "per_minute")
    if (
        burst is None
        or burst.limit > 200
        or (minute is not None and minute.limit < 2 * burst.limit + 2)
    ):
        raise CheckSkipped("needs a per-second limit and a per-minute limit of at least twice it")
    conn = await rate_dashboard(ctx)  # one slot, taken before ``connected``
    connected = time.monotonic()
    await send_wave(conn, burst.limit - 1)
    first = await replies(conn, burst.limit - 1, "RATE-5")
    require_accepted(first, f"{burst.limit} accepted in a second")
    first_done = time.monotonic()
    if first_done - connected > 0.3:
        raise CheckSkipped("the first burst took too long to keep the timing meaningful")
    await asyncio.sleep(max(0.0, connected + 0.5 - time.monotonic()))
    refused_sent = time.monotonic()
    await send_wave(conn, 2, start=1000)
    refused = await replies(conn, 2, "RATE-7")
    if any(accepted(r) for r in refused):
        raise CheckFailure("RATE-5", "refusals over the per-second limit", describe(refused[0]))
    # The first burst has left the window; the refusals would still be in it.
    await asyncio.sleep(max(0.0, first_done + 1.1 - time.monotonic()))
    if time.monotonic() > refused_sent + 0.85:
        raise CheckSkipped("the machine was too slow to keep the refusals inside the window")
    await send_wave(conn, burst.limit, start=2000)
    again = await replies(conn, burst.limit, "RATE-6")
    if not all(accepted(r) for r in again):
        if time.monotonic() > refused_sent + 0.95:
            raise CheckSkipped("the machine was too slow to keep the refusals inside the window")
        raise CheckFailure(
            "RATE-6",
            f"{burst.limit} accepted once the first burst left the window",
            describe(next(r for r in again if not accepted(r))),
        )


@check("RATE-5", "RATE-8", "RATE-9", tags=("slow",))
async def check_minute_limit(ctx: CheckContext) -> None:
    """The per-minute limit accepts exactly its limit, then refuses with the right retryAfter."""
    burst = connection_limit(ctx, "burst_per_second")
    minute = connection_limit(ctx, "per_minute")
    if minute is None:
        raise CheckSkipped("no per-minute connection limit")
    step = burst.limit if burst else minute.limit
    waves = math.ceil(minute.limit / step)
    if waves > 15 and not ctx.config.deep:
        raise CheckSkipped(f"reaching {minute.limit}/minute at {step}/s needs --deep")
    started = time.monotonic()
    conn = await rate_dashboard(ctx)  # one slot
    identified = time.monotonic()  # the server counted the connect before this
    sent, wave, last_reply = 1, 0, identified
    while sent < minute.limit:
        if wave:  # the previous wave has left the per-second window
            await asyncio.sleep(max(0.0, last_reply + 1.05 - time.monotonic()))
        count = min(step - (1 if wave == 0 else 0), minute.limit - sent)
        wave += 1
        await send_wave(conn, count, start=sent)
        got = await replies(conn, count, "RATE-5")
        require_accepted(got, f"{minute.limit} accepted within a minute at {step}/s")
        sent += count
        last_reply = time.monotonic()
    # The per-second window is empty again: only perMinute is exceeded.
    await asyncio.sleep(max(0.0, last_reply + 1.05 - time.monotonic()))
    refused_sent = time.monotonic()
    await send_wave(conn, 1, start=9999)
    (reply,) = await replies(conn, 1, "RATE-7")
    elapsed = time.monotonic() - started
    # The oldest slot (the connect) frees 60 s after it was counted: between ``started``
    # and ``identified``; the refusal is judged between ``refused_sent`` and now. One
    # second of slack each way; a server that reports the whole window fails.
    low = max(1, math.ceil(60 - elapsed - 1))
    high = min(60, math.ceil(identified + 60 - refused_sent) + 1)
    used = {"perMinute": minute.limit, "perSecond": 0}
    for w in ctx.profile.connection_windows():
        if w.key == "per_hour":
            used["perHour"] = minute.limit
    check_rate_reply(reply, ctx.profile.connection_windows(), used, (low, high))


@check("RATE-2", "RATE-9", tags=("quick",))
async def check_type_limits(ctx: CheckContext) -> None:
    """command:request counts against its type's limits, not the connection's."""
    windows = ctx.profile.type_windows("command:request")
    if not windows or min(w.limit for w in windows) > 100:
        raise CheckSkipped("command:request has no small limit of its own")
    limit = min(w.limit for w in windows)
    dash, _ = await ctx.dashboard(paced=False)  # it exceeds the type's limit on purpose
    for n in range(limit + 1):
        await dash.send(message("command:request", agentId=f"ghost-{n}", command="ls"))
    got = [
        await dash.expect(("command:error", "connection:error"), "RATE-2") for _ in range(limit + 1)
    ]
    early = [r for r in got[:-1] if r["type"] != "command:error"]
    if early:
        raise CheckFailure(
            "RATE-2", f"{limit} requests answered before the type limit", describe(early[0])
        )
    check_rate_reply(got[-1], windows, {w.report_name: limit for w in windows}, (1, 3600))
    burst = connection_limit(ctx, "burst_per_second")
    if burst is not None and burst.limit < 50:
        for n in range(burst.limit - 1):
            await dash.send(message("command:interrupt", commandId=f"ghost-{n}"))
        for _ in range(burst.limit - 1):
            reply = await dash.expect(("command:error", "connection:error"), "RATE-2")
            if reply["type"] != "command:error":
                raise CheckFailure(
                    "RATE-2",
                    "the connection's own quota untouched by command:request",
                    describe(reply),
                )


@check("RATE-4", tags=("quick",))
async def check_invalid_messages_counted(ctx: CheckContext) -> None:
    """Invalid messages count against the connection's limits."""
    burst = connection_limit(ctx, "burst_per_second")
    if burst is None or burst.limit > 200:
        raise CheckSkipped("no usable per-second limit in the profile")
    started = time.monotonic()
    conn = await rate_dashboard(ctx)  # one slot
    for _ in range(burst.limit - 1):
        await conn.send("{not json")
    await send_wave(conn, 1)
    for _ in range(burst.limit - 1):
        await conn.expect("validation:error", "VAL-1")
    (reply,) = await replies(conn, 1, "RATE-4")
    within_one_second(started)
    if reply.get("code") != "RATE_LIMIT":
        raise CheckFailure(
            "RATE-4", "RATE_LIMIT after a burst of invalid messages", describe(reply)
        )


def _deep_merge(base: dict[str, Any], override: dict[str, Any]) -> dict[str, Any]:
    out = dict(base)
    for key, value in override.items():
        out[key] = (
            _deep_merge(out[key], value)
            if isinstance(value, dict) and isinstance(out.get(key), dict)
            else value
        )
    return out


@check("RATE-1", "RATE-9", tags=("private-server", "quick"))
async def check_global_limit(ctx: CheckContext) -> None:
    """The global limit is shared by all connections; the refusal reports the global windows."""
    limit = 24
    override = _deep_merge(
        ctx.profile.as_dict(), {"limits": {"global": {"per_minute": limit, "per_hour": 10000}}}
    )
    async with ctx.private_server(override) as server:
        per_conn = 6  # dashboard:connect and five probes, under every connection limit
        for _ in range(limit // per_conn):
            conn = await ctx.connect(
                ctx.recipe(), url=server.url, auto_pong=False, requirement="RATE-1", paced=False
            )
            await conn.send(message("dashboard:connect", dashboardId=ctx.ident("dash")))
            await conn.expect_reply("agent:list", "RATE-5")
            await send_wave(conn, per_conn - 1)
            got = await replies(conn, per_conn - 1, "RATE-1")
            require_accepted(got, f"{limit} accepted server-wide")
        late = await ctx.connect(
            ctx.recipe(), url=server.url, auto_pong=False, requirement="RATE-1", paced=False
        )
        await late.send(message("dashboard:connect", dashboardId=ctx.ident("dash")))
        reply = await late.expect_reply(("connection:error", "agent:list"), "RATE-1")
        if reply.get("code") != "RATE_LIMIT":
            raise CheckFailure(
                "RATE-1", f"message {limit + 1} server-wide refused", describe(reply)
            )
        windows = (Window("per_minute", 60, limit), Window("per_hour", 3600, 10000))
        check_rate_reply(reply, windows, {"perMinute": limit, "perHour": limit}, (50, 60))


@check("RATE-3", "RATE-8", "RATE-9", tags=("private-server", "quick"))
async def check_hour_window_reported(ctx: CheckContext) -> None:
    """With a per-hour limit below the others, the refusal reports perHour and waits ~an hour."""
    hour_limit = 12
    override = _deep_merge(
        ctx.profile.as_dict(),
        {
            "limits": {
                "connection": {"per_hour": hour_limit, "per_minute": 100, "burst_per_second": 50}
            }
        },
    )
    async with ctx.private_server(override) as server:
        conn = await ctx.connect(
            ctx.recipe(), url=server.url, auto_pong=False, requirement="RATE-3", paced=False
        )
        await conn.send(message("dashboard:connect", dashboardId=ctx.ident("dash")))
        await conn.expect_reply("agent:list", "RATE-3")
        await send_wave(conn, hour_limit)
        got = await replies(conn, hour_limit, "RATE-5")
        require_accepted(got[:-1], f"{hour_limit} accepted in an hour")
        windows = (
            Window("burst_per_second", 1, 50),
            Window("per_minute", 60, 100),
            Window("per_hour", 3600, hour_limit),
        )
        used = {"perSecond": hour_limit, "perMinute": hour_limit, "perHour": hour_limit}
        check_rate_reply(got[-1], windows, used, (3590, 3600))


@check("RATE-5", "RATE-8", tags=("deep",))
async def check_hour_limit_live(ctx: CheckContext) -> None:
    """The connection's per-hour limit accepts exactly its limit at the pace the others allow."""
    hour = connection_limit(ctx, "per_hour")
    minute = connection_limit(ctx, "per_minute")
    burst = connection_limit(ctx, "burst_per_second")
    if hour is None:
        raise CheckSkipped("no per-hour connection limit")
    per_wave = (
        min(w.limit for w in (minute, burst) if w is not None) if (minute or burst) else hour.limit
    )
    wave_gap = (
        1.05 if burst is not None and (minute is None or burst.limit <= minute.limit) else 60.5
    )
    if minute is not None and burst is not None:
        per_minute_waves = max(1, minute.limit // burst.limit)
    else:
        per_minute_waves = 1
    waves = math.ceil(hour.limit / per_wave)
    if waves / per_minute_waves * 61 > 3900:
        raise CheckSkipped(f"reaching {hour.limit}/hour takes more than 65 minutes")
    conn = await rate_dashboard(ctx)  # one slot
    sent, wave, last_reply = 1, 0, time.monotonic()
    while sent < hour.limit:
        if wave and minute is not None and wave % per_minute_waves == 0:
            await asyncio.sleep(max(0.0, last_reply + 60.5 - time.monotonic()))
        elif wave:
            await asyncio.sleep(max(0.0, last_reply + wave_gap - time.monotonic()))
        count = min(per_wave - (1 if wave == 0 else 0), hour.limit - sent)
        wave += 1
        await send_wave(conn, count, start=sent)
        got = await replies(conn, count, "RATE-5")
        require_accepted(got, f"{hour.limit} accepted within an hour")
        sent += count
        last_reply = time.monotonic()
    await asyncio.sleep(max(0.0, last_reply + 60.5 - time.monotonic()))
    await send_wave(conn, 1, start=99999)
    (reply,) = await replies(conn, 1, "RATE-7")
    if reply.get("code") != "RATE_LIMIT":
        raise CheckFailure(
            "RATE-5", f"message {hour.limit + 1} within the hour refused", describe(reply)
        )
    after = reply.get("retryAfter")
    if not isinstance(after, int) or not 60 <= after <= 3600:
        raise CheckFailure(
            "RATE-8", "retryAfter until the hour window frees a slot", describe(reply)
        )


@check("RATE-9", tags=("private-server", "quick"))
async def check_own_scope_reported_first(ctx: CheckContext) -> None:
    """With the connection's and the global scope both exceeded, the connection's is reported."""
    limit = 8
    override = _deep_merge(
        ctx.profile.as_dict(),
        {
            "limits": {
                "global": {"per_minute": limit, "per_hour": 10000},
                "connection": {"burst_per_second": limit, "per_minute": 100, "per_hour": 1000},
            }
        },
    )
    async with ctx.private_server(override) as server:
        started = time.monotonic()
        conn = await ctx.connect(
            ctx.recipe(), url=server.url, auto_pong=False, requirement="RATE-9", paced=False
        )
        await conn.send(message("dashboard:connect", dashboardId=ctx.ident("dash")))
        await conn.expect_reply("agent:list", "RATE-9")
        await send_wave(conn, limit)  # the connect used one slot of both scopes
        got = await replies(conn, limit, "RATE-9")
        within_one_second(started)
        windows = (
            Window("burst_per_second", 1, limit),
            Window("per_minute", 60, 100),
            Window("per_hour", 3600, 1000),
        )
        used = {"perSecond": limit, "perMinute": limit, "perHour": limit}
        check_rate_reply(got[-1], windows, used, (1, 60))


async def private_dashboard(
    ctx: CheckContext, url: str, owner: str, requirement: str
) -> Connection:
    """An identified dashboard of ``owner`` on a private server; unpaced (its limits are the
    point of the check)."""
    conn = await ctx.connect(
        ctx.recipe(owner), url=url, auto_pong=False, requirement=requirement, paced=False
    )
    await conn.send(message("dashboard:connect", dashboardId=ctx.ident("dash")))
    reply = await conn.expect_reply(("agent:list", "connection:error"), requirement)
    if reply["type"] != "agent:list":
        raise CheckFailure(requirement, "agent:list", describe(reply))
    return conn


@check("RATE-10", "RATE-6", "RATE-9", tags=("private-server", "quick"))
async def check_owner_limit(ctx: CheckContext) -> None:
    """An owner's connections share its limits: once they are spent, the owner's next message
    is refused reporting the owner's windows, and its refused messages spend nothing of the
    global window, which another owner then fills to the last message."""
    limit, per_conn = 12, 6  # two connections of one owner, each well under its own limits
    owner_hour, global_hour = 10000, 20000
    override = _deep_merge(
        ctx.profile.as_dict(),
        {
            "max_connections_per_owner": None,
            "limits": {
                "global": {"per_minute": 2 * limit, "per_hour": global_hour},
                "owner": {"per_minute": limit, "per_hour": owner_hour},
                "connection": {"burst_per_second": 50, "per_minute": 100, "per_hour": 1000},
            },
        },
    )
    owner_windows = (Window("per_minute", 60, limit), Window("per_hour", 3600, owner_hour))
    used = {"perMinute": limit, "perHour": limit}
    async with ctx.private_server(override) as server:
        first = ctx.owner()
        conns = [await private_dashboard(ctx, server.url, first, "RATE-10") for _ in range(2)]
        for number, conn in enumerate(conns):  # each connect used one slot
            await send_wave(conn, per_conn - 1, start=100 * number)
            require_accepted(await replies(conn, per_conn - 1, "RATE-10"), f"{limit} accepted")
        await send_wave(conns[0], 5, start=1000)  # over the owner's limit: all refused
        refused = await replies(conns[0], 5, "RATE-10")
        if any(accepted(r) for r in refused):
            raise CheckFailure(
                "RATE-10",
                f"messages past the owner's {limit} a minute refused",
                describe(next(r for r in refused if accepted(r))),
            )
        check_rate_reply(refused[0], owner_windows, used, (50, 60))
        # Another owner has the other half of the global window, refusals above not counted.
        other = await private_dashboard(ctx, server.url, ctx.owner(), "RATE-10")
        await send_wave(other, limit - 1, start=2000)
        got = await replies(other, limit - 1, "RATE-10")
        spent = next((r for r in got if not accepted(r)), None)
        if spent is not None:
            raise CheckFailure(
                "RATE-10",
                f"another owner's {limit} messages accepted (the first owner's refused"
                " messages spend no global quota)",
                describe(spent),
            )
        await send_wave(other, 1, start=3000)  # its owner's and the global windows are full
        (last,) = await replies(other, 1, "RATE-9")
        check_rate_reply(last, owner_windows, used, (50, 60))


async def owner_connection(
    ctx: CheckContext, url: str, owner: str, name: str
) -> tuple[Connection, dict[str, Any] | None]:
    """A connection of ``owner`` that sends ``dashboard:connect`` at once: its ``agent:list``,
    or ``None`` when the server closed it first."""
    conn = await ctx.connect(
        ctx.recipe(owner), url=url, auto_pong=False, requirement="RATE-11", paced=False
    )
    await conn.send(message("dashboard:connect", dashboardId=ctx.ident(name)))
    try:
        return conn, await conn.expect_reply("agent:list", "RATE-11")
    except CheckFailure:
        if conn.closed.is_set() and not conn.inbox:
            return conn, None
        raise


@check("RATE-11", "CLOSE-6", tags=("private-server", "quick"))
async def check_owner_connection_bound(ctx: CheckContext) -> None:
    """An owner with max_connections_per_owner open connections gets its next one completed and
    closed 1008 with no message; its open ones and other owners are not affected; once one
    closes, a new one is accepted within a second (and the checker's second of slack)."""
    bound = 3
    override = _deep_merge(
        ctx.profile.as_dict(), {"max_connections_per_owner": bound, "identify_timeout_s": 30}
    )
    async with ctx.private_server(override) as server:
        owner = ctx.owner()
        held = []
        for _ in range(bound):
            conn, listing = await owner_connection(ctx, server.url, owner, "held")
            if listing is None:
                raise CheckFailure(
                    "RATE-11", f"{bound} connections of one owner accepted", conn.situation()
                )
            held.append(conn)
        extra, listing = await owner_connection(ctx, server.url, owner, "extra")
        if listing is not None:
            raise CheckFailure(
                "RATE-11", f"connection {bound + 1} of one owner closed 1008", describe(listing)
            )
        await extra.expect_close(1008, "RATE-11")
        if extra.inbox:
            raise CheckFailure("RATE-11", "no message before the close", describe(extra.inbox[0]))
        other, listing = await owner_connection(ctx, server.url, ctx.owner(), "other")
        if listing is None:
            raise CheckFailure("RATE-11", "another owner's connection accepted", other.situation())
        for conn in held:
            await conn.expect_open("RATE-11")
        await held[0].close()
        closed_at = time.monotonic()
        while True:
            again, listing = await owner_connection(ctx, server.url, owner, "again")
            if listing is not None:
                break
            if time.monotonic() - closed_at > 2.0:
                raise CheckFailure(
                    "RATE-11",
                    "a new connection accepted within 1 s after one of the owner's closed",
                    again.situation(),
                )
            await asyncio.sleep(0.1)
