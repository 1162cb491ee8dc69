"""Byte budgets end to end (issue 11): unsent bytes (CLOSE-7..CLOSE-9) and the aggregated
security log (AUTH-15); the budget of queued commands (CMD-20) is driven through the core in
``test_core_commands.py``. The attacks themselves, measured from outside the
server's process, are in ``test_hardening_attacks.py``."""

from __future__ import annotations

import asyncio
import io
import json
import socket
from typing import Any

import pytest
from websockets.asyncio.client import connect

from onsembl_server.seclog import MAX_REASONS, MAX_SOURCES, SecurityLog, remote_host
from onsembl_spec.wire import now_timestamp

TS = "2024-01-01T00:00:00Z"
NO_LIMITS: dict[str, Any] = {
    "global": {"per_minute": None, "per_hour": None},
    "owner": {"per_minute": None, "per_hour": None},
    "connection": {"burst_per_second": None, "per_minute": None, "per_hour": None},
    "types": {"terminal:output": None, "command:request": None, "heartbeat:ping": None},
}


# --------------------------------------------------------------------- CLOSE-7..CLOSE-9


async def stopped_dashboard(harness: Any, sub: str, name: str) -> Any:
    """A dashboard with a 16 KiB receive buffer that reads nothing after its ``agent:list``."""
    host, port = harness.url.split("//")[1].split("/")[0].rsplit(":", 1)
    sock = socket.socket()
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 16 * 1024)
    sock.setblocking(False)
    await asyncio.get_running_loop().sock_connect(sock, (host, int(port)))
    ws = await connect(
        f"{harness.url}?token={harness.token(sub)}",
        sock=sock,
        compression=None,
        ping_interval=None,
        max_queue=1,
        close_timeout=30,
        max_size=None,
    )

    async def close() -> None:
        ws.transport.resume_reading()  # a failed test leaves it paused: close without waiting
        ws.transport.abort()

    harness.stack.push_async_callback(close)
    await ws.send(json.dumps({"type": "dashboard:connect", "dashboardId": name, "timestamp": TS}))
    assert json.loads(await ws.recv())["type"] == "agent:list"
    ws.transport.pause_reading()
    return ws


async def close_of(ws: Any, timeout: float = 30.0) -> tuple[int | None, str]:
    """Read everything up to the close; the server's close code and reason."""
    ws.transport.resume_reading()

    async def drain() -> None:
        async for _ in ws:
            pass

    await asyncio.wait_for(drain(), timeout)
    received = ws.protocol.close_rcvd
    return (received.code, received.reason) if received else (None, "")


def output(agent_id: str, n: int, size: int) -> dict[str, Any]:
    return {
        "type": "terminal:output",
        "agentId": agent_id,
        "commandId": f"c{n}",
        "output": {"type": "stdout", "content": "x" * size, "timestamp": TS},
        "timestamp": now_timestamp(),
    }


@pytest.mark.asyncio
async def test_reader_behind_is_kept_and_stopped_reader_closed_after_stall(
    harness, wait_until
) -> None:
    """CLOSE-8, CLOSE-7 (issue 11, item 7): an unpaced burst of 200 outputs of 256 KB; the
    dashboard reading as fast as it can gets all of them and stays open, while the one that
    stopped reading is closed 1001 ``slow consumer`` once ``outbound.stall_s`` passed."""
    await harness.start(
        {"limits": NO_LIMITS, "outbound": {"stall_s": 1}, "max_message_bytes": 300_000},
        close_timeout_s=60,
    )
    agent = await harness.agent("alice", "a1")
    reader = await harness.dashboard(dashboard_id="reader")
    stopped = await stopped_dashboard(harness, "alice", "stopped")
    assert harness.server is not None
    outbox = harness.server.outbox
    total = 200
    got: list[int] = []

    async def read_all() -> None:
        while len(got) < total:
            message = await reader.recv()
            if message["type"] == "terminal:output":
                got.append(int(message["commandId"][1:]))

    reading = asyncio.create_task(read_all())
    started = asyncio.get_running_loop().time()
    for n in range(total):
        await agent.send(output("a1", n, 256 * 1024 - 200))
    await asyncio.wait_for(reading, 60)
    assert got == list(range(total))
    assert outbox.max_held_total > 8 * 1024 * 1024  # the reader really was behind, by MiB
    await wait_until(lambda: outbox.slow_consumers == 1, timeout=3.0)  # stall_s and 1 s more
    assert asyncio.get_running_loop().time() - started >= 1.0  # not before stall_s
    code, reason = await close_of(stopped)
    assert (code, reason) == (1001, "slow consumer")
    await reader.roundtrip()  # still open
    reasons = [r["reason"] for r in harness.log.records if r["event"] == "slow_consumer"]
    assert len(reasons) == 1 and reasons[0].startswith("read nothing"), reasons


@pytest.mark.asyncio
async def test_slow_reader_is_kept_while_it_drains(harness) -> None:
    """CLOSE-8: a dashboard that reads one message every 0.2 s, far slower than the agent
    sends, holding MiB behind for several stall intervals, is never closed."""
    await harness.start(
        {"limits": NO_LIMITS, "outbound": {"stall_s": 0.5, "connection_bytes": 64 * 2**20}},
        close_timeout_s=60,
    )
    agent = await harness.agent("alice", "a1")
    slow = await stopped_dashboard(harness, "alice", "slow")
    assert harness.server is not None
    outbox = harness.server.outbox
    total = 120
    seen = 0

    async def read_slowly() -> None:
        nonlocal seen
        slow.transport.resume_reading()
        while seen < total:
            message = json.loads(await slow.recv())
            if message["type"] == "terminal:output":
                seen += 1
                if seen < 25:
                    await asyncio.sleep(0.2)  # 5 s at 60 KB every 0.2 s: ten stall intervals

    reading = asyncio.create_task(read_slowly())
    for n in range(total):
        await agent.send(output("a1", n, 60_000))
    await agent.roundtrip()
    await asyncio.sleep(1.0)  # two stall intervals, the reader far behind
    assert outbox.max_held_total > 2 * 1024 * 1024  # beyond what the kernel holds
    assert seen < 10
    await asyncio.wait_for(reading, 30)
    assert outbox.slow_consumers == 0


@pytest.mark.asyncio
async def test_owner_budget_closes_the_largest_of_that_owner_only(harness) -> None:
    """CLOSE-9: an owner's dashboards that do not read together pass ``outbound.owner_bytes``:
    they are closed 1001 ``slow consumer``, and another owner's reading dashboard loses nothing."""
    await harness.start(
        {
            "limits": NO_LIMITS,
            "max_connections_per_owner": None,
            "outbound": {
                "stall_s": None,
                "connection_bytes": 64 * 2**20,
                "owner_bytes": 4 * 2**20,
                "server_bytes": 64 * 2**20,
            },
        },
        close_timeout_s=60,
    )
    mallory = await harness.agent("mallory", "m1")
    stopped = [await stopped_dashboard(harness, "mallory", f"s{i}") for i in range(6)]
    bob_agent = await harness.agent("bob", "b1")
    bob = await harness.dashboard("bob", "bob-dash")
    assert harness.server is not None
    outbox = harness.server.outbox
    for n in range(150):  # 9 MB to each of mallory's six
        await mallory.send(output("m1", n, 60_000))
        await bob_agent.send(output("b1", n, 100))
    await mallory.roundtrip()
    for n in range(150):
        assert (await bob.recv_type("terminal:output"))["commandId"] == f"c{n}"
    assert outbox.slow_consumers >= 1
    assert outbox.max_held_total <= 4 * 2**20 + 2**20  # the budget and one loop iteration
    codes = [await close_of(ws) for ws in stopped]
    assert all(code == (1001, "slow consumer") for code in codes if code[0] is not None)
    assert (1001, "slow consumer") in codes
    reasons = {r["reason"] for r in harness.log.records if r["event"] == "slow_consumer"}
    assert any("owner" in reason for reason in reasons)
    await bob.roundtrip()


@pytest.mark.asyncio
async def test_server_budget_closes_across_owners(harness) -> None:
    """CLOSE-9: several owners, each within its own budget, together pass
    ``outbound.server_bytes``: the connection holding the most is closed."""
    await harness.start(
        {
            "limits": NO_LIMITS,
            "outbound": {
                "stall_s": None,
                "connection_bytes": 64 * 2**20,
                "owner_bytes": 64 * 2**20,
                "server_bytes": 4 * 2**20,
            },
        },
        close_timeout_s=60,
    )
    agents = [await harness.agent(f"owner{i}", "a1") for i in range(3)]
    stopped = [await stopped_dashboard(harness, f"owner{i}", "d") for i in range(3)]
    assert harness.server is not None
    outbox = harness.server.outbox
    for n in range(100):
        for agent in agents:
            await agent.send(output("a1", n, 60_000))
    for agent in agents:
        await agent.roundtrip()
    assert outbox.slow_consumers >= 1
    assert outbox.max_held_total <= 4 * 2**20 + 2**20  # the budget and one loop iteration
    codes = [await close_of(ws) for ws in stopped]
    assert (1001, "slow consumer") in codes
    reasons = {r["reason"] for r in harness.log.records if r["event"] == "slow_consumer"}
    assert any("server" in reason for reason in reasons)


# --------------------------------------------------------------------- AUTH-15


class Clock:
    def __init__(self) -> None:
        self.now = 0.0

    def __call__(self) -> float:
        return self.now


def lines(stream: io.StringIO) -> list[dict[str, Any]]:
    return [json.loads(line) for line in stream.getvalue().splitlines()]


def test_repeated_events_of_a_source_make_one_record_an_interval() -> None:
    """AUTH-15: the first event at once; the others of the interval as one record with their
    count, per source (owner and host, whatever the port); a new interval starts afresh."""
    clock, stream, pending = Clock(), io.StringIO(), []
    log = SecurityLog(stream, interval_s=10, clock=clock)
    log.on_pending = pending.append
    for n in range(1000):
        clock.now = n * 0.005
        log.event("auth_failure", owner=None, remote=f"10.0.0.1:{2000 + n}", reason="no token")
    log.event("auth_failure", owner=None, remote="[::1]:7", reason="expired")
    log.event("forbidden", owner="alice", remote="10.0.0.1:9", reason="not its agent")
    assert pending == [pytest.approx(9.995)]  # one wake-up, asked for with the first count
    assert [r["remote"] for r in lines(stream)] == ["10.0.0.1:2000", "[::1]:7", "10.0.0.1:9"]
    clock.now = 10.0
    assert log.flush() is None
    summary = lines(stream)[-1]
    assert (summary["event"], summary["remote"], summary["count"]) == (
        "auth_failure",
        "10.0.0.1",
        999,
    )
    assert summary["reasons"] == {"no token": 999} and summary["interval_s"] == 10
    clock.now = 11.0
    log.event("auth_failure", owner=None, remote="10.0.0.1:1", reason="no token")
    assert lines(stream)[-1]["remote"] == "10.0.0.1:1" and "count" not in lines(stream)[-1]
    assert len(lines(stream)) == 5


def test_aggregation_is_bounded_in_sources_and_reasons() -> None:
    """AUTH-15: past MAX_SOURCES sources events go under remote ``*``; past MAX_REASONS reasons
    under ``other``; a record with its own count (RATE-12) is written as it is; tokens never."""
    clock, stream = Clock(), io.StringIO()
    log = SecurityLog(stream, interval_s=10, clock=clock)
    for n in range(MAX_SOURCES + 50):
        for _ in range(2):
            log.event("auth_failure", owner=None, remote=f"10.1.{n // 256}.{n % 256}:5",
                      reason=f"r{n % (MAX_REASONS + 3)}", token="eyJhbGciOi.x.y")  # fmt: skip
    log.event("rate_limited", owner="a", remote="h:1", reason="global", count=7)
    log.event("rate_limited", owner="a", remote="h:1", reason="global", count=7)
    assert len(lines(stream)) == MAX_SOURCES + 1 + 2
    log.flush(everything=True)
    records = lines(stream)
    star = [r for r in records if r["remote"] == "*" and "count" in r]
    assert star and star[0]["count"] == 50 * 2 - 1
    assert len(star[0]["reasons"]) == MAX_REASONS + 1 and "other" in star[0]["reasons"]
    assert "eyJhbGciOi" not in stream.getvalue()
    assert remote_host("[2001:db8::1]:443") == "2001:db8::1" and remote_host(None) is None
