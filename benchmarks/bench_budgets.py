"""Issue 11, items 3, 4, 5, 7: the attacks on ``onsembl serve`` at full size, from outside.

Run from the repository root (not part of the test run)::

    .venv/bin/python benchmarks/bench_budgets.py                  # every attack
    .venv/bin/python benchmarks/bench_budgets.py --only burst     # one of them

To measure the code before the fixes, run it with an older checkout first on
``PYTHONPATH`` (``git archive REV | tar -x -C /tmp/base``, then
``PYTHONPATH=/tmp/base/src:/tmp/base/reference_server:/tmp/base/conformance``):
the server is started with ``python -m onsembl_spec serve``, and profile keys
the older code does not know are left out.

The server runs in its own process with the document's default profile (rate
limits off where the attack needs more messages than they allow, as in the
issue), so its memory (``VmRSS``, ``VmHWM`` from ``/proc``) and log are its
own. Throughout each attack a legitimate owner's agent and dashboard exchange
a message every 20 ms in a process of their own (the probe of
``tests/server/test_hardening_attacks.py``); the table gives its latency.

1. ``queued``: 600 commands of 1 MiB for 6 agents of one owner (CMD-20).
2. ``slow``: 200 dashboards of one owner that never read, while its agent
   streams 400 outputs of 256 KB (CLOSE-7, CLOSE-9).
3. ``burst``: an unpaced burst of 200 outputs of 256 KB to a dashboard reading
   as fast as it can (CLOSE-8).
4. ``fd``: ``ulimit -n 256``, 400 connections without credentials held 8 s
   (the log on stderr).
5. ``tokenless``: handshakes without a token as fast as 50 at a time go, 10 s
   (AUTH-15).
"""

from __future__ import annotations

import argparse
import asyncio
import importlib.util
import json
import socket
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
_spec = importlib.util.spec_from_file_location(
    "hardening_attacks", ROOT / "tests" / "server" / "test_hardening_attacks.py"
)
assert _spec is not None and _spec.loader is not None
attacks = importlib.util.module_from_spec(_spec)
sys.modules["hardening_attacks"] = attacks
_spec.loader.exec_module(attacks)

from onsembl_spec.profile import DEFAULTS  # noqa: E402

TS = attacks.TS


def profile(**override: Any) -> dict[str, Any]:
    """Rate limits off; ``override`` keys only when this checkout knows them."""
    limits: dict[str, Any] = {
        "global": {"per_minute": None, "per_hour": None},
        "connection": {"burst_per_second": None, "per_minute": None, "per_hour": None},
        "types": {"terminal:output": None, "command:request": None, "heartbeat:ping": None},
    }
    data: dict[str, Any] = {"limits": limits}
    if "owner" in DEFAULTS["limits"]:
        limits["owner"] = {"per_minute": None, "per_hour": None}
    if "max_connections_per_owner" in DEFAULTS:
        data["max_connections_per_owner"] = None
    data.update({k: v for k, v in override.items() if k in DEFAULTS})
    return data


def latency(latencies: list[float]) -> str:
    ordered = sorted(latencies)
    if not ordered:
        return "no exchange"
    p99 = ordered[int(len(ordered) * 0.99)]
    p50, worst = ordered[len(ordered) // 2], ordered[-1]
    return f"p50 {p50 * 1000:.1f} ms, p99 {p99 * 1000:.1f} ms, max {worst * 1000:.1f} ms"


def mib(n: int) -> str:
    return f"{n / 2**20:.0f} MiB"


async def _queued(url: str, result: dict[str, Any]) -> None:
    agents = []
    for i in range(6):
        agent = await attacks.client(url, "mallory")
        connect = {"type": "agent:connect", "agentId": f"m{i}", "agentType": "x"}
        await attacks.identify(agent, connect)
        agents.append(agent)
    dashboard = await attacks.client(url, "mallory")
    await attacks.identify(dashboard, {"type": "dashboard:connect", "dashboardId": "d"})
    await dashboard.recv()
    args = ["a" * 4096] * 250
    answers: dict[str, int] = {}
    for n in range(600):
        request = {"type": "command:request", "agentId": f"m{n % 6}", "command": "x"}
        await dashboard.send(json.dumps({**request, "args": args, "timestamp": TS}))
        while True:
            message = json.loads(await asyncio.wait_for(dashboard.recv(), 60))
            if message["type"] in ("command:queued", "command:error"):
                key = message.get("code", "queued")
                answers[key] = answers.get(key, 0) + 1
                break
    result["answers"] = answers
    for ws in (*agents, dashboard):
        await ws.close()


async def _slow(url: str, result: dict[str, Any]) -> None:
    agent = await attacks.client(url, "mallory")
    await attacks.identify(agent, {"type": "agent:connect", "agentId": "m1", "agentType": "x"})
    stopped = [await attacks.stopped_dashboard(url, "mallory", f"s{i}") for i in range(200)]
    for n in range(400):
        await agent.send(attacks.output("m1", n, 256 * 1024 - 200))
        if n % 4 == 0:
            await asyncio.sleep(0.01)
    await asyncio.sleep(12)  # the default stall_s and more
    closes: dict[str, int] = {}
    for ws in stopped:
        ws.transport.resume_reading()
        try:
            async for _ in ws:
                pass
        except Exception:
            pass
        received = ws.protocol.close_rcvd
        key = f"{received.code} {received.reason}" if received else "not closed"
        closes[key] = closes.get(key, 0) + 1
    result["closes"] = closes
    await agent.close()


async def _burst(url: str, result: dict[str, Any]) -> None:
    reader = await attacks.client(url, "alice")
    await attacks.identify(reader, {"type": "dashboard:connect", "dashboardId": "reader"})
    await reader.recv()
    agent = await attacks.client(url, "alice")
    await attacks.identify(agent, {"type": "agent:connect", "agentId": "a1", "agentType": "x"})
    await reader.recv()
    got = 0

    async def read() -> None:
        nonlocal got
        try:
            while got < 200:
                if json.loads(await reader.recv())["type"] == "terminal:output":
                    got += 1
        except Exception:
            pass

    reading = asyncio.create_task(read())
    for n in range(200):
        await agent.send(attacks.output("a1", n, 256 * 1024 - 200))
    await asyncio.wait_for(reading, 120)
    result["received"] = got
    result["close"] = reader.close_code


def run(name: str, server: Any, body: Any) -> dict[str, Any]:
    result: dict[str, Any] = {}
    before = attacks.settle(server)
    with attacks.probe(server) as latencies:
        started = time.perf_counter()
        asyncio.run(body(server.url, result))
        result["seconds"] = time.perf_counter() - started
    result["rss_growth"] = attacks.settle(server) - before
    result["peak_growth"] = server.status("VmHWM") - before
    result["latency"] = latency(latencies)
    return result


def attack_queued(tmp: Path) -> str:
    with attacks.serve(tmp, profile()) as server:
        r = run("queued", server, _queued)
    return (
        f"answers {r['answers']}; RSS +{mib(r['rss_growth'])} (peak +{mib(r['peak_growth'])});"
        f" legitimate exchange {r['latency']}"
    )


def attack_slow(tmp: Path) -> str:
    with attacks.serve(tmp, profile()) as server:
        r = run("slow", server, _slow)
    return (
        f"closes {r['closes']}; peak RSS +{mib(r['peak_growth'])}, after +{mib(r['rss_growth'])};"
        f" legitimate exchange {r['latency']}"
    )


def attack_burst(tmp: Path) -> str:
    with attacks.serve(tmp, profile()) as server:
        r = run("burst", server, _burst)
    return (
        f"received {r['received']} of 200, close code {r['close']};"
        f" legitimate exchange {r['latency']}"
    )


def attack_fd(tmp: Path) -> str:
    with attacks.serve(tmp, profile(), nofile=256, log_file=False) as server:
        port = int(server.url.rsplit(":", 1)[1].split("/")[0])
        with attacks.probe(server) as latencies:
            held = [socket.create_connection(("127.0.0.1", port)) for _ in range(400)]
            time.sleep(8)
            during = server.stderr.read_bytes()
            for sock in held:
                sock.close()
            time.sleep(1.5)
        server.stop()
    lines, tracebacks = during.count(b"\n"), during.count(b"Traceback")
    return (
        f"{len(during):,} bytes, {lines:,} lines, {tracebacks:,} tracebacks on stderr in 8 s;"
        f" legitimate exchange (opened before) {latency(latencies)}"
    )


def attack_tokenless(tmp: Path) -> str:
    request = (
        b"GET /ws HTTP/1.1\r\nHost: localhost\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
        b"Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\n\r\n"
    )

    async def flood(port: int, seconds: float) -> int:
        done = 0
        deadline = time.perf_counter() + seconds

        async def one() -> None:
            nonlocal done
            reader, writer = await asyncio.open_connection("127.0.0.1", port)
            writer.write(request)
            data = b""
            while b"\r\n\r\n\x88" not in data:
                chunk = await reader.read(4096)
                if not chunk:
                    break
                data += chunk
            writer.close()
            done += 1

        while time.perf_counter() < deadline:
            await asyncio.gather(*(one() for _ in range(50)))
        return done

    with attacks.serve(tmp, profile()) as server:
        port = int(server.url.rsplit(":", 1)[1].split("/")[0])
        with attacks.probe(server) as latencies:
            started = time.perf_counter()
            count = asyncio.run(flood(port, 10))
            elapsed = time.perf_counter() - started
        size = server.log.stat().st_size
        lines = server.log.read_bytes().count(b"\n")
    return (
        f"{count / elapsed:,.0f} handshakes/s: {size / elapsed / 1000:,.1f} KB/s of log,"
        f" {lines} lines in {elapsed:.1f} s; legitimate exchange {latency(latencies)}"
    )


ATTACKS = {
    "queued": attack_queued,
    "slow": attack_slow,
    "burst": attack_burst,
    "fd": attack_fd,
    "tokenless": attack_tokenless,
}


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--only", choices=sorted(ATTACKS), action="append")
    arguments = parser.parse_args()
    import onsembl_server

    print(f"code under test: {Path(onsembl_server.__file__).parent}")
    for name in arguments.only or ATTACKS:
        with tempfile.TemporaryDirectory() as tmp:
            print(f"{name}: {ATTACKS[name](Path(tmp))}", flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
