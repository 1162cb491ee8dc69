"""Issue 11, items 1 and 2: one client must not take the server, or other owners, down.

COMP-6: the ``compressed`` messages of one frame inflate to ``max_message_bytes``
together. RATE-10: each owner has limits of its own, and what is refused
against them spends nothing of the global window. RATE-11: an owner has at
most ``max_connections_per_owner`` connections. RATE-12: the log names the
abuser, one record a second per key, with counts.

Unit tests drive the core without sockets; the attack tests reproduce the
issue's attacks (scaled where a profile allows) against a real server and
assert the issue's bounds: the server's CPU time per attacking frame (the
server runs in a process of its own, ``/proc/PID/stat``), a legitimate
agent-to-dashboard exchange under 50 ms throughout the attack, and the
security log naming the abuser.
"""

from __future__ import annotations

import asyncio
import base64
import contextlib
import gzip
import json
import subprocess
import sys
import time
from collections.abc import AsyncIterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest
from server_process import serve
from websockets.asyncio.client import ClientConnection, connect
from websockets.exceptions import ConnectionClosed

from onsembl_server.core import RecordingEffects, ServerCore
from onsembl_server.core.auth import Handshake
from onsembl_server.seclog import MemorySecurityLog
from onsembl_spec.errors import InflateLimitError
from onsembl_spec.profile import profile_from_mapping
from onsembl_spec.tokens import mint
from onsembl_spec.wire import InflateBudget, decode_compressed, encode_batch

SECRET = "abuse-test-secret-0123456789abcdefghijkl"
TS = "2024-01-01T00:00:00Z"
LATENCY_BOUND_MS = 50.0
"""The issue's bound on a legitimate exchange during an attack."""


def padded(size: int, request_id: str = "p") -> dict[str, Any]:
    """A ``compressed`` ``heartbeat:ping`` whose JSON text is exactly ``size`` bytes."""
    head = b'{"type":"heartbeat:ping","requestId":"%s","timestamp":"%s"' % (
        request_id.encode(),
        TS.encode(),
    )
    text = head + b" " * (size - len(head) - 1) + b"}"
    stream = gzip.compress(text, compresslevel=9, mtime=0)
    return {
        "type": "compressed",
        "algorithm": "gzip",
        "originalType": "heartbeat:ping",
        "originalSize": len(text),
        "compressedSize": len(stream),
        "data": base64.b64encode(stream).decode("ascii"),
        "timestamp": TS,
    }


# ------------------------------------------------------------------ unit: the core


class Core:
    """A core with recording effects, a memory log and a clock that tests move."""

    def __init__(self, profile: dict[str, Any]) -> None:
        self.effects = RecordingEffects()
        self.log = MemorySecurityLog()
        self.wall = time.time()
        self.core = ServerCore(
            profile_from_mapping(profile),
            SECRET,
            self.effects,
            security_log=self.log,
            wall_clock=lambda: self.wall,
        )
        self.now = 1000.0
        self._ids = iter(range(1, 1_000_000))

    def open(self, owner: str) -> int | None:
        """A connection of ``owner``: its id, or ``None`` when the core refused it."""
        conn_id = next(self._ids)
        token = mint(SECRET, owner, ttl=7200)
        accepted = self.core.open(
            conn_id, Handshake(path=f"/ws?token={token}"), "10.0.0.1:1", self.now
        )
        return conn_id if accepted else None

    def send(self, conn_id: int, message: dict[str, Any] | str) -> None:
        text = message if isinstance(message, str) else json.dumps({"timestamp": TS, **message})
        self.core.receive(conn_id, text, self.now)

    def replies(self, conn_id: int) -> list[dict[str, Any]]:
        return [json.loads(text) for c, text in self.effects.sent if c == conn_id]

    def closes(self, conn_id: int) -> list[tuple[int, str]]:
        return [(code, reason) for c, code, reason in self.effects.closed if c == conn_id]

    def tick(self, seconds: float) -> None:
        self.now += seconds
        self.core.tick(self.now)


def test_decode_budget_is_shared_by_a_frame() -> None:
    """COMP-6: one budget for several messages; each alone within the limit, together past it."""
    budget = InflateBudget(1000)
    assert decode_compressed(padded(600), 1000, budget)["type"] == "heartbeat:ping"
    assert budget.remaining == 400
    with pytest.raises(InflateLimitError, match="one frame"):
        decode_compressed(padded(600), 1000, budget)
    assert decode_compressed(padded(600), 1000)["type"] == "heartbeat:ping"  # alone: COMP-4 only


def test_batch_inflating_past_the_limit_together_closes_1009() -> None:
    """COMP-6: four messages adding up to exactly max_message_bytes are processed; two of 600
    bytes each (fine alone) close with 1009 at the second, which is not processed."""
    core = Core({"max_message_bytes": 1000})
    conn = core.open("alice")
    assert conn is not None
    core.send(conn, encode_batch([padded(250, f"w{n}") for n in range(4)]))
    assert [r.get("requestId") for r in core.replies(conn)] == ["w0", "w1", "w2", "w3"]
    assert core.closes(conn) == []
    core.send(conn, encode_batch([padded(600, "past-0"), padded(600, "past-1")]))
    assert core.closes(conn) == [(1009, "message too big")]
    assert "past-1" not in [r.get("requestId") for r in core.replies(conn)]


def test_compressed_alone_still_bounded_per_frame() -> None:
    """COMP-4, COMP-6: a new frame has the whole budget again."""
    core = Core({"max_message_bytes": 1000})
    conn = core.open("alice")
    assert conn is not None
    for n in range(3):
        core.send(conn, padded(1000, f"f{n}"))
    assert [r["type"] for r in core.replies(conn)] == ["heartbeat:pong"] * 3
    assert core.closes(conn) == []


OWNER_PROFILE: dict[str, Any] = {
    "identify_timeout_s": 600,
    "max_connections_per_owner": 3,
    "limits": {
        "global": {"per_minute": 40, "per_hour": 1000},
        "owner": {"per_minute": 20, "per_hour": 1000},
        "connection": {"burst_per_second": 100, "per_minute": 100, "per_hour": 1000},
    },
}


def test_owner_scope_refuses_past_its_limit_and_spends_no_global_quota() -> None:
    """RATE-10, RATE-6, RATE-9: an owner's connections share its 20; the owner's scope is
    reported; its refused messages, valid or not (RATE-4), leave the global window to others."""
    core = Core(OWNER_PROFILE)
    abuser = [core.open("mallory") for _ in range(2)]
    assert None not in abuser
    for n in range(20):
        core.send(abuser[n % 2], {"type": "heartbeat:ping", "requestId": f"a{n}"})  # type: ignore[arg-type]
    for n in range(50):
        core.send(abuser[n % 2], {"type": "heartbeat:ping", "requestId": f"x{n}"})  # type: ignore[arg-type]
        core.send(abuser[n % 2], "{not json")  # type: ignore[arg-type]
    refused = [r for r in core.replies(abuser[0]) if r["type"] == "connection:error"]
    assert len(refused) == 25
    assert refused[0]["limits"] == {
        "perMinute": {"used": 20, "limit": 20},
        "perHour": {"used": 20, "limit": 1000},
    }
    victim = core.open("alice")
    assert victim is not None
    for n in range(20):
        core.send(victim, {"type": "heartbeat:ping", "requestId": f"v{n}"})
    assert [r["type"] for r in core.replies(victim)] == ["heartbeat:pong"] * 20
    assert core.core.global_scope.windows[0].used(core.now) == 40


def test_connection_bound_refuses_the_newest_and_frees_on_close() -> None:
    """RATE-11: the fourth connection of an owner is closed 1008 with no message; the others and
    other owners are not affected; after a close the owner may connect again."""
    core = Core(OWNER_PROFILE)
    held = [core.open("mallory") for _ in range(3)]
    assert None not in held
    assert core.open("mallory") is None
    refused_id = 4
    assert core.closes(refused_id) == [(1008, "too many connections")]
    assert core.replies(refused_id) == []
    assert core.open("alice") is not None
    assert all(core.closes(c) == [] for c in held if c is not None)
    core.core.closed(held[0], core.now)  # type: ignore[arg-type]
    assert core.open("mallory") is not None
    assert core.open("mallory") is None
    [record] = [r for r in core.log.records if r["event"] == "connection_limit"]
    assert record["owner"] == "mallory" and record["count"] == 1


def test_idle_owner_state_is_forgotten_after_its_windows() -> None:
    """RATE-10: an owner's state lives while it has connections or its windows hold messages."""
    core = Core(OWNER_PROFILE)
    conn = core.open("mallory")
    assert conn is not None
    core.send(conn, {"type": "heartbeat:ping"})
    core.core.closed(conn, core.now)
    core.now += 3599
    core.open("alice")
    assert "mallory" in core.core.owner_usage  # its hour window still holds the ping
    core.now += 2
    core.open("alice")
    assert "mallory" not in core.core.owner_usage


def test_log_names_the_abuser_once_a_second_with_counts() -> None:
    """RATE-12: a flood over the owner's limits is one record a second naming the owner, with
    the number of hits; a global hit names the owners that used most of the window."""
    core = Core(OWNER_PROFILE)
    abuser = [core.open("mallory") for _ in range(3)]
    for n in range(100):
        core.send(abuser[n % 3], "{not json")  # type: ignore[arg-type]
    records = [r for r in core.log.records if r["event"] == "rate_limited"]
    assert records == [
        {
            "event": "rate_limited",
            "owner": "mallory",
            "remote": "10.0.0.1:1",
            "reason": "owner limit",
            "scope": "owner",
            "connections": 3,
            "count": 1,
        }
    ]
    core.tick(1.0)  # the interval ended: the rest of it as one record
    records = [r for r in core.log.records if r["event"] == "rate_limited"]
    assert [(r["owner"], r["count"]) for r in records] == [("mallory", 1), ("mallory", 79)]
    others = [core.open(f"user-{n}") for n in range(2)]
    for n in range(25):
        core.send(others[n % 2], {"type": "heartbeat:ping"})  # type: ignore[arg-type]
    [global_hit] = [r for r in core.log.records if r.get("scope") == "global"]
    assert global_hit["top_owners"][0] == {"owner": "mallory", "used": 20}
    assert {o["owner"] for o in global_hit["top_owners"]} == {"mallory", "user-0", "user-1"}


# ------------------------------------------------------------------ attacks on a real server


async def client(url: str, owner: str) -> ClientConnection:
    return await connect(
        f"{url}?token={mint(SECRET, owner)}",
        compression=None,
        ping_interval=None,
        max_size=None,
        open_timeout=30,
        close_timeout=5,
    )


async def send(ws: ClientConnection, message: dict[str, Any]) -> None:
    await ws.send(json.dumps({**message, "timestamp": TS}))


@dataclass
class Exchange:
    """A legitimate owner's agent and dashboard: one ``terminal:output`` every 100 ms."""

    agent: ClientConnection
    dashboard: ClientConnection
    latencies_ms: list[float] = field(default_factory=list)
    refused: list[dict[str, Any]] = field(default_factory=list)
    every_s: float = 0.1

    async def run(self, stop: asyncio.Event) -> None:
        seq = 0
        while not stop.is_set():
            seq += 1
            sent = time.perf_counter()
            chunk = {"type": "stdout", "content": f"line {seq}", "timestamp": TS}
            await send(self.agent, {"type": "terminal:output", "agentId": "a1", "output": chunk})
            async with asyncio.timeout(10):
                while True:
                    got = json.loads(await self.dashboard.recv())
                    if got["type"] == "terminal:output":
                        break
            self.latencies_ms.append((time.perf_counter() - sent) * 1000)
            await asyncio.sleep(max(0.0, sent + self.every_s - time.perf_counter()))


def latencies(exchange: Exchange) -> str:
    got = sorted(exchange.latencies_ms)
    return f"legitimate exchange p50 {got[len(got) // 2]:.1f} ms, max {got[-1]:.1f} ms ({len(got)})"


@contextlib.asynccontextmanager
async def exchanging(url: str, every_s: float = 0.1) -> AsyncIterator[Exchange]:
    """The legitimate exchange, running throughout the ``async with`` block."""
    dashboard = await client(url, "legit")
    await send(dashboard, {"type": "dashboard:connect", "dashboardId": "legit-dash"})
    assert json.loads(await dashboard.recv())["type"] == "agent:list"
    agent = await client(url, "legit")
    await send(agent, {"type": "agent:connect", "agentId": "a1", "agentType": "claude"})
    assert json.loads(await dashboard.recv())["status"] == "online"
    exchange = Exchange(agent, dashboard, every_s=every_s)
    stop = asyncio.Event()
    task = asyncio.create_task(exchange.run(stop))
    try:
        yield exchange
    finally:
        stop.set()
        await task
        await agent.close()
        await dashboard.close()


async def inflate_attack(url: str, frame: str, seconds: float) -> tuple[int, int]:
    """Send attacking frames for ``seconds`` (at most 1,000), each on a connection opened again
    when the server closed the last; each frame's answers (or the close) awaited. Returns the
    frames sent and the closes seen."""
    frames = closes = 0
    deadline = time.monotonic() + seconds
    ws = await client(url, "attacker")
    while time.monotonic() < deadline and frames < 1000:
        await ws.send(frame)
        frames += 1
        try:
            for _ in range(100):
                await ws.recv()
        except ConnectionClosed:
            assert ws.close_code == 1009  # COMP-6
            closes += 1
            ws = await client(url, "attacker")
    await ws.close()
    return frames, closes


@pytest.mark.asyncio
async def test_inflation_attack_costs_a_bounded_frame(tmp_path: Path) -> None:
    """COMP-6 (issue 11 item 1): batches of 100 compressed messages each inflating to just under
    max_message_bytes (1 MiB, the document's default) cost the server at most 40 ms of CPU a
    frame (measured: 300 ms before the fix, 5 ms after), each is closed 1009, and a legitimate
    exchange meanwhile stays under 50 ms (before: 290 ms to 1.4 s)."""
    frame = json.dumps(encode_batch([padded(1048576 - 64)] * 100, timestamp=TS))
    with serve(tmp_path, {}, SECRET) as server:
        async with exchanging(server.url) as exchange:
            await asyncio.sleep(0.3)
            cpu = server.cpu_seconds()
            frames, closes = await inflate_attack(server.url, frame, 2.0)
            cpu = server.cpu_seconds() - cpu
            await asyncio.sleep(0.3)
    print(f"inflation attack: {cpu / frames * 1000:.1f} ms CPU a frame, {latencies(exchange)}")
    assert closes == frames
    assert cpu / frames < 0.040, f"{cpu / frames * 1000:.1f} ms of server CPU a frame"
    assert exchange.latencies_ms, "no legitimate exchange completed"
    worst = max(exchange.latencies_ms)
    assert worst < LATENCY_BOUND_MS, f"legitimate exchange took {worst:.1f} ms"


FLOODER = """
import asyncio, contextlib, sys, time
from websockets.asyncio.client import connect
from websockets.exceptions import ConnectionClosed

async def main(url, seconds, frame):
    async with connect(url, compression=None, ping_interval=None, max_size=None) as ws:
        async def drain():
            with contextlib.suppress(ConnectionClosed):
                async for _ in ws:
                    pass
        reader = asyncio.create_task(drain())
        deadline = time.monotonic() + seconds
        sent = 0
        while time.monotonic() < deadline and not reader.done():
            await ws.send(frame)
            sent += 1
            await asyncio.sleep(0)
        print(sent, ws.close_code)

asyncio.run(main(sys.argv[1], float(sys.argv[2]), sys.stdin.read()))
"""
"""A client flooding one frame, in a process of its own (its work must not delay the
legitimate clients of the test's process)."""


@pytest.mark.asyncio
async def test_flood_of_frames_within_the_budget_delays_others_by_a_frame(
    tmp_path: Path,
) -> None:
    """COMP-6's worst case kept: a connection flooding batches that inflate to max_message_bytes
    together (5 ms of work each) holds others up by a frame or two, not by its whole backlog:
    a legitimate exchange stays under 50 ms (measured, before the server yielded after a
    costly frame: p50 61 ms, max 140 ms; after: p50 18 ms, max 32 ms)."""
    frame = json.dumps(encode_batch([padded(10485)] * 100, timestamp=TS))
    with serve(tmp_path, {}, SECRET) as server:
        async with exchanging(server.url) as exchange:
            await asyncio.sleep(0.3)
            cpu = server.cpu_seconds()
            flooder = await asyncio.create_subprocess_exec(
                sys.executable, "-c", FLOODER, f"{server.url}?token={mint(SECRET, 'attacker')}",
                "3", stdin=subprocess.PIPE, stdout=subprocess.PIPE,
            )  # fmt: skip
            out, _ = await flooder.communicate(frame.encode())
            cpu = server.cpu_seconds() - cpu
    sent, close_code = out.split()
    print(f"flood within the budget: {cpu:.2f} s CPU, {int(sent)} frames, {latencies(exchange)}")
    assert close_code == b"None" and int(sent) > 100, out  # within the budget: never closed
    assert cpu > 1.0, f"the flood took only {cpu:.2f} s of server CPU: no load to measure under"
    worst = max(exchange.latencies_ms)
    assert worst < LATENCY_BOUND_MS, f"legitimate exchange took {worst:.1f} ms"


async def drain(ws: ClientConnection) -> None:
    with contextlib.suppress(ConnectionClosed):
        async for _ in ws:
            pass


LOCKOUT_PROFILE: dict[str, Any] = {
    "identify_timeout_s": 60,
    "max_connections_per_owner": 5,
    "limits": {
        "global": {"per_minute": 150, "per_hour": 10000},
        "owner": {"per_minute": 75, "per_hour": 10000},
        "connection": {"burst_per_second": 10, "per_minute": 100, "per_hour": 1000},
    },
}
"""The document's defaults scaled down a hundredfold for the global window (the issue's attack
used 1,010 connections against 10,000 a minute; ``bench_attacks.py`` runs it at full size)."""


async def abuse(url: str, seconds: int) -> tuple[int, int]:
    """One connection of the abusing owner: 10 invalid frames a second, within its own limits.
    Returns (1 when the server refused the connection, frames sent)."""
    ws = await client(url, "mallory")
    reader = asyncio.create_task(drain(ws))
    sent = 0
    with contextlib.suppress(ConnectionClosed):
        for _ in range(seconds):
            began = time.monotonic()
            for _ in range(10):
                await ws.send('{"type":"no:such-type"}')
                sent += 1
            await asyncio.sleep(max(0.0, began + 1.05 - time.monotonic()))
            if reader.done():
                break
    await ws.close()
    await reader
    return (1 if ws.close_code == 1008 else 0, sent)


@pytest.mark.asyncio
async def test_one_owner_cannot_lock_the_others_out(tmp_path: Path) -> None:
    """RATE-10, RATE-11, RATE-12 (issue 11 item 2): 20 connections of one owner, each sending 10
    invalid frames a second within its own limits for 4 seconds (200 frames from the 5 the
    bound lets in, more than the global 150 a minute): the other 15 are closed 1008, the
    abuser is refused against its own scope (75), another owner's dashboard:connect and the
    legitimate agent's output are accepted, the exchange stays under 50 ms, and the log names
    the abuser, counting every refusal (before: another owner refused RATE_LIMIT, nothing
    logged of the abuser)."""
    with serve(tmp_path, LOCKOUT_PROFILE, SECRET) as server:
        async with exchanging(server.url) as exchange:
            results = await asyncio.gather(*(abuse(server.url, 4) for _ in range(20)))
            victim = await client(server.url, "victim")
            await send(victim, {"type": "dashboard:connect", "dashboardId": "victim"})
            answer = json.loads(await victim.recv())
            await victim.close()
            await asyncio.sleep(1.2)  # the log's interval ends: its counted records are written
        records = server.log_records()
    print(f"lockout: {answer['type']}, {len(records)} log records, {latencies(exchange)}")
    assert sum(refused for refused, _ in results) == 15
    sent = sum(n for refused, n in results if not refused)
    assert sent >= 190
    assert answer["type"] == "agent:list", answer
    assert exchange.latencies_ms and max(exchange.latencies_ms) < LATENCY_BOUND_MS
    limited = [r for r in records if r["event"] == "rate_limited"]
    assert {r["owner"] for r in limited} == {"mallory"}, limited
    assert sum(r["count"] for r in limited) >= sent - 75  # every refusal counted
    owner_hits = [r for r in limited if r["scope"] == "owner"]
    assert owner_hits and all(r["connections"] == 5 for r in owner_hits)
    refusals = [r for r in records if r["event"] == "connection_limit"]
    assert {r["owner"] for r in refusals} == {"mallory"}
    assert sum(r["count"] for r in refusals) == 15


STORM = """
import asyncio, sys, time
from websockets.asyncio.client import connect
from onsembl_spec.tokens import mint

async def main(url, secret, count, owners):
    tokens = [mint(secret, f"storm-{n % owners}") for n in range(min(count, owners))]
    async def one(n):
        ws = await connect(f"{url}?token={tokens[n % len(tokens)]}", compression=None,
                           ping_interval=None, open_timeout=30, close_timeout=5)
        return ws
    began = time.perf_counter()
    connections = await asyncio.gather(*(one(n) for n in range(count)))
    elapsed = time.perf_counter() - began
    await asyncio.gather(*(ws.close() for ws in connections))
    refused = sum(1 for ws in connections if ws.close_code == 1008)
    print(count, refused, f"{elapsed:.3f}")

asyncio.run(main(sys.argv[1], sys.argv[2], int(sys.argv[3]), int(sys.argv[4])))
"""
"""Connections opened all at once (``count``, of ``owners`` owners, round robin), then closed,
in a process of its own: the handshakes' client work must not delay the test's exchange."""

STORM_PROFILE: dict[str, Any] = {
    "identify_timeout_s": 60,
    "limits": {
        "connection": {"burst_per_second": None, "per_minute": None, "per_hour": None},
        "types": {"terminal:output": None},
    },
}
"""The document's defaults (50 connections an owner: RATE-11), except the legitimate exchange's
own limits (an output every 20 ms is over a connection's burst of 10 a second)."""


@pytest.mark.asyncio
async def test_a_storm_of_handshakes_is_admitted_between_the_others_frames(
    tmp_path: Path,
) -> None:
    """Issue 11 item 2's attack as it begins: 300 connections opened at once, of one owner (250
    of them refused 1008 by RATE-11 once open) and then of 300 owners that send nothing. asyncio
    reads every ready socket in one iteration, so their handshakes were parsed, upgraded and
    verified hundreds an iteration ahead of the frames of connections already open; the server
    now reads at most ``HANDSHAKES_PER_ITERATION`` new connections an iteration
    (``app._Admission``) and a legitimate exchange, one output every 20 ms, stays under 50 ms
    (before: 80 to 100 ms at the worst here, 150 to 950 ms with 1,010 at once)."""
    storms: list[bytes] = []
    with serve(tmp_path, STORM_PROFILE, SECRET) as server:
        async with exchanging(server.url, every_s=0.02) as exchange:
            await asyncio.sleep(0.3)
            for owners in (1, 300, 1, 300):
                storm = await asyncio.create_subprocess_exec(
                    sys.executable, "-c", STORM, server.url, SECRET, "300", str(owners),
                    stdout=subprocess.PIPE,
                )  # fmt: skip
                out, _ = await storm.communicate()
                storms.append(out.strip())
                await asyncio.sleep(0.2)
    print(f"handshake storms (count, refused, seconds): {storms}, {latencies(exchange)}")
    assert [s.split()[:2] for s in storms] == [[b"300", b"250"], [b"300", b"0"]] * 2, storms
    ordered = sorted(exchange.latencies_ms)
    over = [round(ms, 1) for ms in ordered if ms >= LATENCY_BOUND_MS]
    # The margin of test_hardening_attacks.assert_fast: 99 in 100 under 50 ms and none over a
    # quarter of a second (the storm's client, the server and this process share two cores).
    assert ordered[int(len(ordered) * 0.99)] < LATENCY_BOUND_MS, over
    assert ordered[-1] < 5 * LATENCY_BOUND_MS, over
