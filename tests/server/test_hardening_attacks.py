"""Issue 11, items 3, 4, 5 and 7: the attacks on ``onsembl serve``, measured from outside.

Each test starts the server as a process (so that its memory is its own, read
from ``/proc``), runs one attack scaled down through the profile, and asserts
the bound: the server's RSS, the bytes and lines of its log, and the latency
of a legitimate owner's agent-to-dashboard exchange measured throughout the
attack by a probe in a process of its own (under 50 ms). Before the fixes
each of these failed; ``benchmarks/bench_budgets.py`` measures the same
attacks at full size, before and after.
"""

from __future__ import annotations

import asyncio
import json
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import pytest
from server_process import ServerProcess, serve
from websockets.asyncio.client import ClientConnection, connect

from onsembl_spec.tokens import mint

pytestmark = pytest.mark.slow

SECRET = "hardening-attack-secret-0123456789abcdef"
TS = "2024-01-01T00:00:00Z"
LATENCY_BOUND_S = 0.050
"""Issue 11: a legitimate dashboard and agent exchange stays under 50 ms during every attack."""
NO_LIMITS: dict[str, Any] = {
    "global": {"per_minute": None, "per_hour": None},
    "owner": {"per_minute": None, "per_hour": None},
    "connection": {"burst_per_second": None, "per_minute": None, "per_hour": None},
    "types": {"terminal:output": None, "command:request": None, "heartbeat:ping": None},
}

PROBE = r"""
import asyncio, json, sys, time
from websockets.asyncio.client import connect

url, token = sys.argv[1], sys.argv[2]
TS = "2024-01-01T00:00:00Z"


async def main() -> None:
    options = dict(compression=None, ping_interval=None, open_timeout=30)
    dashboard = await connect(f"{url}?token={token}", **options)
    await dashboard.send(json.dumps(
        {"type": "dashboard:connect", "dashboardId": "probe", "timestamp": TS}))
    await dashboard.recv()
    agent = await connect(f"{url}?token={token}", **options)
    await agent.send(json.dumps(
        {"type": "agent:connect", "agentId": "probe", "agentType": "claude", "timestamp": TS}))
    await dashboard.recv()  # agent:status online
    print("ready", flush=True)
    stop = asyncio.get_running_loop().run_in_executor(None, sys.stdin.readline)
    latencies = []
    n = 0
    while not stop.done():
        n += 1
        started = time.perf_counter()
        await agent.send(json.dumps({
            "type": "terminal:output", "agentId": "probe", "commandId": f"p{n}",
            "output": {"type": "stdout", "content": "probe", "timestamp": TS}, "timestamp": TS}))
        try:
            while True:
                message = json.loads(await asyncio.wait_for(dashboard.recv(), 10))
                if message.get("commandId") == f"p{n}":
                    break
            latencies.append(time.perf_counter() - started)
            started = time.perf_counter()  # and the dashboard's own exchange (it stays alive)
            await dashboard.send(json.dumps(
                {"type": "heartbeat:ping", "requestId": f"q{n}", "timestamp": TS}))
            while True:
                message = json.loads(await asyncio.wait_for(dashboard.recv(), 10))
                if message.get("requestId") == f"q{n}":
                    break
            latencies.append(time.perf_counter() - started)
        except Exception:
            latencies.append(10.0)
            break
        await asyncio.sleep(0.02)
    await stop
    print(json.dumps(latencies), flush=True)


asyncio.run(main())
"""


@contextmanager
def probe(server: ServerProcess) -> Iterator[list[float]]:
    """A legitimate owner's agent and dashboard exchanging output every 20 ms, in a process of
    their own; the latencies (seconds) are filled in when the block ends."""
    process = subprocess.Popen(
        [sys.executable, "-c", PROBE, server.url, mint(SECRET, "legitimate-owner")],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        text=True,
    )
    assert process.stdin is not None and process.stdout is not None
    assert process.stdout.readline().strip() == "ready"
    latencies: list[float] = []
    try:
        yield latencies
    finally:
        out, _ = process.communicate("stop\n", timeout=60)
        latencies.extend(json.loads(out.strip().splitlines()[-1]))


def assert_fast(latencies: list[float]) -> None:
    """99 in 100 legitimate exchanges under 50 ms, and none over a quarter of a second.

    The probe, the attacking client and the server share the machine's two
    cores, so a few exchanges wait for the scheduler, not for the server
    (measured: the server's event loop never lagged more than 22 ms while
    the probe saw up to 100 ms); a server that stalls, as item 1's inflation
    did (0.9 to 1.4 s), fails both bounds.
    """
    assert len(latencies) >= 10, latencies
    ordered = sorted(latencies)
    p99, worst = ordered[int(len(ordered) * 0.99)], ordered[-1]
    summary = (
        f"p50 {ordered[len(ordered) // 2] * 1000:.1f} ms, p99 {p99 * 1000:.1f} ms, "
        f"max {worst * 1000:.1f} ms over {len(ordered)} exchanges during the attack"
    )
    assert p99 < LATENCY_BOUND_S and worst < 5 * LATENCY_BOUND_S, summary
    print(summary)


async def client(url: str, sub: str, **options: Any) -> ClientConnection:
    return await connect(
        f"{url}?token={mint(SECRET, sub)}",
        compression=None,
        ping_interval=None,
        max_size=None,
        open_timeout=30,
        close_timeout=1,
        **options,
    )


async def identify(ws: ClientConnection, message: dict[str, Any]) -> None:
    await ws.send(json.dumps({**message, "timestamp": TS}))


async def stopped_dashboard(url: str, sub: str, name: str) -> ClientConnection:
    """A dashboard with a 16 KiB receive buffer that reads nothing after its ``agent:list``."""
    host, port = url.split("//")[1].split("/")[0].rsplit(":", 1)
    sock = socket.socket()
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 16 * 1024)
    sock.setblocking(False)
    await asyncio.get_running_loop().sock_connect(sock, (host, int(port)))
    ws = await client(url, sub, sock=sock, max_queue=1)
    await identify(ws, {"type": "dashboard:connect", "dashboardId": name})
    assert json.loads(await ws.recv())["type"] == "agent:list"
    ws.transport.pause_reading()
    return ws


def output(agent_id: str, n: int, size: int) -> str:
    return json.dumps(
        {"type": "terminal:output", "agentId": agent_id, "commandId": f"c{n}",
         "output": {"type": "stdout", "content": "x" * size, "timestamp": TS}, "timestamp": TS}
    )  # fmt: skip


def settle(server: ServerProcess) -> int:
    """The server's RSS once it is idle again."""
    time.sleep(0.5)
    return server.status("VmRSS")


# --------------------------------------------------------------------- item 3: memory


def test_queued_commands_of_one_owner_stay_within_the_budget(tmp_path: Path) -> None:
    """CMD-20 (issue 11, item 3): 96 commands of 1 MiB for 6 agents of one owner. Before, each
    queued command cost about 1.27 MB (122 MB here); within ``max_owner_queue_bytes`` (8 MiB)
    the rest is refused with ``QUEUE_FULL`` and the server grows by a few tens of MB at most."""
    profile = {"limits": NO_LIMITS, "max_queue_bytes": 2 * 2**20,
               "max_owner_queue_bytes": 8 * 2**20}  # fmt: skip
    args = ["a" * 4096] * 250  # 1,024,000 bytes, and "x"
    answers: dict[str, int] = {}

    async def attack(url: str) -> None:
        agents = []
        for i in range(6):
            agent = await client(url, "mallory")
            await identify(agent, {"type": "agent:connect", "agentId": f"m{i}", "agentType": "x"})
            agents.append(agent)
        dashboard = await client(url, "mallory")
        await identify(dashboard, {"type": "dashboard:connect", "dashboardId": "d"})
        await dashboard.recv()
        for n in range(96):
            request = {"type": "command:request", "agentId": f"m{n % 6}", "command": "x"}
            await dashboard.send(json.dumps({**request, "args": args, "timestamp": TS}))
            while True:
                message = json.loads(await asyncio.wait_for(dashboard.recv(), 30))
                if message["type"] in ("command:queued", "command:error"):
                    key = message.get("code", message["type"])
                    answers[key] = answers.get(key, 0) + 1
                    break
        for ws in (*agents, dashboard):
            await ws.close()

    with serve(tmp_path, profile, SECRET) as server:
        before = settle(server)
        with probe(server) as latencies:
            asyncio.run(attack(server.url))
        grown = settle(server) - before
        peak = server.status("VmHWM") - before
    assert answers.get("command:queued", 0) <= 6 + 8  # one running per agent, 8 MiB pending
    assert answers.get("QUEUE_FULL", 0) >= 96 - 14
    assert grown < 40 * 2**20, f"grew by {grown / 2**20:.1f} MiB (peak {peak / 2**20:.1f})"
    assert_fast(latencies)


def test_dashboards_that_do_not_read_stay_within_the_owner_budget(tmp_path: Path) -> None:
    """CLOSE-9, CLOSE-7 (issue 11, item 3): 60 dashboards of one owner that never read while its
    agent streams 18 MB of output. Before, each could hold 4 MiB unsent (240 MB here, 906 MB
    for 200); with ``outbound.owner_bytes`` (16 MiB) they are closed 1001 ``slow consumer``,
    the server's peak grows by the budget and little more, and other owners are not delayed."""
    profile = {
        "limits": NO_LIMITS,
        "max_connections_per_owner": None,
        "outbound": {
            "stall_s": 2,
            "connection_bytes": 4 * 2**20,
            "owner_bytes": 16 * 2**20,
            "server_bytes": 64 * 2**20,
        },
    }
    closes: list[tuple[int | None, str]] = []

    async def attack(url: str) -> None:
        agent = await client(url, "mallory")
        await identify(agent, {"type": "agent:connect", "agentId": "m1", "agentType": "x"})
        stopped = [await stopped_dashboard(url, "mallory", f"s{i}") for i in range(60)]
        for n in range(300):
            await agent.send(output("m1", n, 60_000))
            if n % 10 == 0:
                await asyncio.sleep(0.01)
        await asyncio.sleep(3.5)  # stall_s and more
        for ws in stopped:
            ws.transport.resume_reading()
            try:
                async for _ in ws:
                    pass
            except Exception:
                pass
            received = ws.protocol.close_rcvd
            closes.append((received.code, received.reason) if received else (None, ""))
        await agent.close()

    with serve(tmp_path, profile, SECRET) as server:
        before = settle(server)
        with probe(server) as latencies:
            asyncio.run(attack(server.url))
        peak = server.status("VmHWM") - before
    assert closes == [(1001, "slow consumer")] * 60
    assert peak < 16 * 2**20 + 40 * 2**20, f"peak grew by {peak / 2**20:.1f} MiB"
    assert_fast(latencies)


# --------------------------------------------------------------------- item 7: a reading dashboard


def test_a_dashboard_reading_a_burst_is_not_cut_off(tmp_path: Path) -> None:
    """CLOSE-8 (issue 11, item 7): an unpaced burst of 200 outputs of 256 KB; the dashboard that
    reads as fast as it can gets all 200 (before: closed as a slow consumer after 31 to 85)."""
    got: list[int] = []
    close: list[int | None] = []

    async def burst(url: str) -> None:
        reader = await client(url, "alice")
        await identify(reader, {"type": "dashboard:connect", "dashboardId": "reader"})
        await reader.recv()
        agent = await client(url, "alice")
        await identify(agent, {"type": "agent:connect", "agentId": "a1", "agentType": "x"})
        await reader.recv()

        async def read() -> None:
            try:
                while len(got) < 200:
                    message = json.loads(await reader.recv())
                    if message["type"] == "terminal:output":
                        got.append(int(message["commandId"][1:]))
            except Exception:
                close.append(reader.close_code)

        reading = asyncio.create_task(read())
        for n in range(200):
            await agent.send(output("a1", n, 256 * 1024 - 200))
        await asyncio.wait_for(reading, 60)

    with serve(tmp_path, {"limits": NO_LIMITS}, SECRET) as server, probe(server) as latencies:
        asyncio.run(burst(server.url))
    assert (close, got) == ([], list(range(200)))
    assert_fast(latencies)


# --------------------------------------------------------------------- item 4: descriptors


def test_descriptor_exhaustion_is_one_log_line_an_interval(tmp_path: Path) -> None:
    """AUTH-15 (issue 11, item 4): at the descriptor limit (128 here, 200 connections without
    credentials held 3 s), ``accept()`` fails hundreds of times a second. Before: a traceback
    each on stderr (7,299 in 8 s). Now: one ``accept_failed`` line, its count at the interval's
    end; connections already open keep working throughout, and new ones are accepted after."""
    with serve(tmp_path, {"limits": NO_LIMITS}, SECRET, nofile=128, log_file=False) as server:
        port = int(server.url.rsplit(":", 1)[1].split("/")[0])
        with probe(server) as latencies:
            held = [socket.create_connection(("127.0.0.1", port)) for _ in range(200)]
            time.sleep(3)
            during = server.stderr.read_bytes()
            for sock in held:
                sock.close()
            time.sleep(1.5)  # asyncio retries accept() after a second

        async def recovered() -> float:
            started = time.perf_counter()
            ws = await client(server.url, "alice")
            await ws.send(json.dumps({"type": "heartbeat:ping", "timestamp": TS}))
            assert json.loads(await ws.recv())["type"] == "heartbeat:pong"
            await ws.close()
            return time.perf_counter() - started

        assert asyncio.run(recovered()) < 2.0
        server.stop()
        text = server.stderr.read_text()
    assert b"Traceback" not in during and len(during) < 1000, during[:500]
    records = [json.loads(line) for line in text.splitlines()]
    assert [r["event"] for r in records] == ["accept_failed", "accept_failed"]
    assert records[1]["count"] > 10 and records[0]["reason"].startswith("EMFILE")
    assert_fast(latencies)


# --------------------------------------------------------------------- item 5: log volume


def test_tokenless_handshakes_are_aggregated_in_the_log(tmp_path: Path) -> None:
    """AUTH-15 (issue 11, item 5): 1,000 handshakes without a token, as fast as the client can
    make them. Before: one ``auth_failure`` line each (252 KB/s at 2,000/s). Now: one line at
    once, and one with the count of the rest, every 10 s, for the one source."""
    request = (
        b"GET /ws HTTP/1.1\r\nHost: localhost\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
        b"Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\n\r\n"
    )
    total = 1000

    async def flood(host: str, port: int) -> int:
        done = 0

        async def one() -> None:
            nonlocal done
            reader, writer = await asyncio.open_connection(host, port)
            writer.write(request)
            data = b""
            while b"\r\n\r\n\x88" not in data:  # the 101, then the server's close frame
                chunk = await reader.read(4096)
                assert chunk, data
                data += chunk
            assert b"\x03\xf0" in data  # 1008 (AUTH-3)
            writer.close()
            done += 1

        for start in range(0, total, 25):
            await asyncio.gather(*(one() for _ in range(start, min(total, start + 25))))
        return done

    with serve(tmp_path, {"limits": NO_LIMITS}, SECRET) as server:
        port = int(server.url.rsplit(":", 1)[1].split("/")[0])
        with probe(server) as latencies:
            started = time.perf_counter()
            assert asyncio.run(flood("127.0.0.1", port)) == total
            elapsed = time.perf_counter() - started
        during = server.log.stat().st_size
        server.stop()  # writes the count of the interval still open
        records = server.log_records()
    failures = [r for r in records if r["event"] == "auth_failure"]
    assert len(failures) <= 2 + 2 * int(elapsed // 10), failures
    assert sum(r.get("count", 1) for r in failures) == total
    assert during < 1000 * (1 + int(elapsed // 10))
    assert_fast(latencies)

