"""Issue 11, items 1 and 2: two attacks on ``onsembl serve``, measured from outside.

Run from the repository root (not part of the test run)::

    .venv/bin/python benchmarks/bench_attacks.py                 # every attack
    .venv/bin/python benchmarks/bench_attacks.py --only inflate  # one of them

The server runs in its own process with the document's default profile, so
its CPU time (``/proc/PID/stat``) is measured apart from the clients here.
Throughout each attack a legitimate owner's agent sends ``terminal:output``
every 100 ms to its dashboard; the table gives that exchange's latency.

1. ``inflate``: frames of one ``batch`` of 100 ``compressed`` messages, each
   inflating to just under ``max_message_bytes`` (COMP-6). A closed attacker
   connection is opened again at once. Flooded (as fast as the socket takes
   them), then one at a time (each frame's 100 answers awaited: CPU per frame).
2. ``inflate-within``: the most a frame may still cost: a batch of 100
   ``compressed`` messages inflating to ``max_message_bytes`` together, on one
   connection, flooded and then one at a time.
3. ``owner``: 1,010 connections with one token, each sending 10 invalid
   frames a second (within its own burst limit) for 10 seconds; then another
   owner's ``dashboard:connect`` (RATE-10, RATE-11). The security log is
   read for ``rate_limited`` lines naming the attacker (AUTH-12).

Works against the code before and after the fix (the profile keys of RATE-10
and RATE-11 are given only when the profile knows them).
"""

from __future__ import annotations

import argparse
import asyncio
import base64
import contextlib
import gzip
import json
import multiprocessing
import os
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import AsyncIterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml
from websockets.asyncio.client import ClientConnection, connect
from websockets.exceptions import ConnectionClosed, InvalidStatus

from onsembl_spec.profile import DEFAULTS
from onsembl_spec.tokens import mint

ROOT = Path(__file__).resolve().parent.parent
SECRET = "attack-benchmark-secret-0123456789abcdef"
TS = "2024-01-01T00:00:00Z"
EXCHANGE_EVERY_S = 0.1


@dataclass
class Server:
    popen: subprocess.Popen[str]
    url: str
    log: Path

    def cpu_seconds(self) -> float:
        fields = Path(f"/proc/{self.popen.pid}/stat").read_text().rsplit(")", 1)[1].split()
        return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")

    def stop(self) -> None:
        self.popen.terminate()
        self.popen.wait(timeout=60)


def start_server(workdir: Path, profile: dict[str, Any]) -> Server:
    profile_path = workdir / "profile.yaml"
    profile_path.write_text(yaml.safe_dump(profile), encoding="utf-8")
    log = workdir / "security.log"
    command = [
        sys.executable, "-m", "onsembl_spec", "serve", "--host", "127.0.0.1", "--port", "0",
        "--jwt-secret", SECRET, "--profile", str(profile_path), "--log-file", str(log),
    ]  # fmt: skip
    popen = subprocess.Popen(command, stdout=subprocess.PIPE, text=True, cwd=ROOT)
    assert popen.stdout is not None
    line = popen.stdout.readline()
    if not line.startswith("listening on "):
        raise RuntimeError(f"the server did not start: {line!r}")
    return Server(popen, line.split()[-1], log)


async def open_client(url: str, owner: str) -> ClientConnection:
    return await connect(
        f"{url}?token={mint(SECRET, owner)}",
        compression=None,
        ping_interval=None,
        max_size=None,
        open_timeout=60,
        close_timeout=5,
    )


async def send(ws: ClientConnection, message: dict[str, Any]) -> None:
    await ws.send(json.dumps({**message, "timestamp": TS}))


@dataclass
class Exchange:
    """A legitimate owner's agent and dashboard, and the latencies of their exchange."""

    agent: ClientConnection
    dashboard: ClientConnection
    latencies_ms: list[float] = field(default_factory=list)
    lost: int = 0

    @classmethod
    async def open(cls, url: str, owner: str = "legit-owner") -> Exchange:
        dashboard = await open_client(url, owner)
        await send(dashboard, {"type": "dashboard:connect", "dashboardId": "legit-dash"})
        listing = json.loads(await dashboard.recv())
        assert listing["type"] == "agent:list", listing
        agent = await open_client(url, owner)
        await send(agent, {"type": "agent:connect", "agentId": "legit", "agentType": "claude"})
        while json.loads(await dashboard.recv()).get("status") != "online":
            pass
        return cls(agent, dashboard)

    async def run(self, stop: asyncio.Event) -> None:
        """One ``terminal:output`` every 100 ms, agent to dashboard, until ``stop``."""
        seq = 0
        while not stop.is_set():
            seq += 1
            sent = time.perf_counter()
            await send(
                self.agent,
                {
                    "type": "terminal:output",
                    "agentId": "legit",
                    "output": {"type": "stdout", "content": f"line {seq}", "timestamp": TS},
                },
            )
            try:
                async with asyncio.timeout(10):
                    while True:
                        got = json.loads(await self.dashboard.recv())
                        if got.get("type") == "terminal:output":
                            break
                self.latencies_ms.append((time.perf_counter() - sent) * 1000)
            except TimeoutError:
                self.lost += 1
            await asyncio.sleep(max(0.0, sent + EXCHANGE_EVERY_S - time.perf_counter()))

    def summary(self) -> str:
        got = sorted(self.latencies_ms)
        if not got:
            return f"no exchange completed ({self.lost} lost)"
        p99 = got[min(len(got) - 1, int(len(got) * 0.99))]
        return (
            f"{len(got)} exchanges: p50 {statistics.median(got):.1f} ms, p99 {p99:.1f} ms,"
            f" max {got[-1]:.1f} ms, {self.lost} lost (over 10 s)"
        )


@contextlib.asynccontextmanager
async def exchanging(url: str) -> AsyncIterator[Exchange]:
    exchange = await Exchange.open(url)
    stop = asyncio.Event()
    task = asyncio.create_task(exchange.run(stop))
    try:
        yield exchange
    finally:
        stop.set()
        await task
        await exchange.agent.close()
        await exchange.dashboard.close()


def inflating_ping(size: int) -> dict[str, Any]:
    """A ``compressed`` ``heartbeat:ping`` whose JSON text is exactly ``size`` bytes."""
    head = b'{"type":"heartbeat:ping","timestamp":"2024-01-01T00:00:00Z"'
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


def batch_of(inner: dict[str, Any], count: int = 100) -> str:
    return json.dumps(
        {"type": "batch", "messages": [inner] * count, "count": count, "timestamp": TS}
    )


async def drain(ws: ClientConnection) -> None:
    with contextlib.suppress(ConnectionClosed):
        async for _ in ws:
            pass


async def answers(ws: ClientConnection, count: int) -> bool:
    """Read ``count`` messages; ``False`` when the connection closed first."""
    try:
        for _ in range(count):
            await ws.recv()
    except ConnectionClosed:
        return False
    return True


async def inflate_attack(url: str, frame: str, seconds: float, *, flood: bool) -> int:
    """Send ``frame`` for ``seconds``; a closed connection is opened again at once.

    ``flood``: frame after frame as fast as the socket takes them, the answers
    read in the background; returns the frames sent. Otherwise each frame's 100
    answers (or the close) are awaited before the next; returns the frames the
    server handled."""
    count = 0
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        ws = await open_client(url, "attacker")
        reader = asyncio.create_task(drain(ws)) if flood else None
        try:
            while time.monotonic() < deadline:
                await ws.send(frame)
                count += 1
                if reader is not None:
                    await asyncio.wait({reader}, timeout=0.001)
                    if reader.done():
                        break
                elif not await answers(ws, 100):
                    break
        except ConnectionClosed:
            pass
        await ws.close()
        if reader is not None:
            await reader
    return count


def _run_in_child(coroutine: Any, results: Any) -> None:
    results.put(asyncio.run(coroutine))


async def in_process_of_its_own(coroutine: Any) -> Any:
    """Run ``coroutine`` in a child process, so that the attacking client's work does not
    delay the legitimate clients of this process (only the server is measured)."""
    context = multiprocessing.get_context("fork")
    results = context.SimpleQueue()
    child = context.Process(target=_run_in_child, args=(coroutine, results))
    child.start()
    coroutine.close()  # the child runs its copy
    await asyncio.to_thread(child.join)
    return results.get()


async def measure_inflate(within: bool, flood: bool) -> list[str]:
    max_bytes = int(DEFAULTS["max_message_bytes"])
    size = max_bytes // 100 if within else max_bytes - 64
    frame = batch_of(inflating_ping(size))
    with tempfile.TemporaryDirectory() as tmp:
        server = start_server(Path(tmp), {})
        try:
            async with exchanging(server.url) as exchange:
                await asyncio.sleep(0.5)
                cpu = server.cpu_seconds()
                frames = await in_process_of_its_own(
                    inflate_attack(server.url, frame, 10.0, flood=flood)
                )
                cpu = server.cpu_seconds() - cpu
        finally:
            server.stop()
    name = "together max_message_bytes" if within else "each just under max_message_bytes"
    mode = "flooded" if flood else "one at a time"
    per_frame = "" if flood else f", {cpu / max(frames, 1) * 1000:.1f} ms per frame"
    return [
        f"attack: batch of 100 compressed, {name}, {mode}; frame {len(frame):,} bytes",
        f"  frames {'sent' if flood else 'handled'} in 10 s: {frames}; server CPU {cpu:.2f} s"
        f"{per_frame}",
        f"  legitimate agent -> dashboard: {exchange.summary()}",
    ]


async def abuser(url: str, frames_per_second: int, seconds: int) -> tuple[str, int]:
    """One connection of the attacking owner: invalid frames within its burst limit."""
    try:
        ws = await open_client(url, "abuser")
    except (InvalidStatus, OSError) as err:
        return (f"refused: {err}", 0)
    reader = asyncio.create_task(drain(ws))
    sent = 0
    try:
        for _ in range(seconds):
            began = time.monotonic()
            for _ in range(frames_per_second):
                await ws.send('{"type":"no:such-type"}')
                sent += 1
            await asyncio.sleep(max(0.0, began + 1.05 - time.monotonic()))
            if reader.done():
                break
    except ConnectionClosed:
        pass
    await ws.close()
    await reader
    code = ws.close_code
    return ("open" if code in (None, 1000) else f"closed {code}", sent)


async def abusers(url: str, connections: int) -> list[tuple[str, int]]:
    return await asyncio.gather(*(abuser(url, 10, 10) for _ in range(connections)))


async def measure_owner(connections: int) -> list[str]:
    profile: dict[str, Any] = {"identify_timeout_s": 60}
    with tempfile.TemporaryDirectory() as tmp:
        server = start_server(Path(tmp), profile)
        try:
            async with exchanging(server.url) as exchange:
                cpu = server.cpu_seconds()
                results = await in_process_of_its_own(abusers(server.url, connections))
                victim = await open_client(server.url, "victim")
                await send(victim, {"type": "dashboard:connect", "dashboardId": "victim"})
                answer = json.loads(await victim.recv())
                await victim.close()
                cpu = server.cpu_seconds() - cpu
        finally:
            server.stop()
        lines = [json.loads(line) for line in server.log.read_text().splitlines() if line]
    limited = [r for r in lines if r["event"] == "rate_limited"]
    naming = sum(1 for r in limited if r.get("owner") == "abuser")
    refused = sum(1 for state, _ in results if state != "open")
    sent = sum(n for _, n in results)
    if answer["type"] == "agent:list":
        verdict = "accepted (agent:list)"
    else:
        verdict = f"refused {answer.get('code')} retryAfter {answer.get('retryAfter')}"
    events: dict[str, int] = {}
    for record in lines:
        events[record["event"]] = events.get(record["event"], 0) + 1
    return [
        f"attack: {connections} connections of one owner, 10 invalid frames/s each for 10 s",
        f"  attacker connections closed or refused: {refused}; invalid frames sent: {sent:,};"
        f" server CPU {cpu:.2f} s",
        f"  another owner's dashboard:connect after it: {verdict}",
        f"  security log: {len(lines)} lines {events}; rate_limited lines naming the attacker:"
        f" {naming} of {len(limited)}",
        f"  legitimate agent -> dashboard: {exchange.summary()}",
    ]


async def main(only: str | None, connections: int) -> None:
    print(f"machine: {os.cpu_count()} cores, load average {os.getloadavg()[0]:.2f}")
    print(f"profile knows owner limits: {'owner' in DEFAULTS['limits']}")
    if only in (None, "inflate"):
        print("\n".join(await measure_inflate(within=False, flood=True)))
        print("\n".join(await measure_inflate(within=False, flood=False)))
    if only in (None, "inflate-within"):
        print("\n".join(await measure_inflate(within=True, flood=True)))
        print("\n".join(await measure_inflate(within=True, flood=False)))
    if only in (None, "owner"):
        print("\n".join(await measure_owner(connections)))


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--only", choices=("inflate", "inflate-within", "owner"))
    parser.add_argument("--connections", type=int, default=1010)
    args = parser.parse_args()
    asyncio.run(main(args.only, args.connections))
