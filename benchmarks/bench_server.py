"""Benchmark of the reference server against a bare websockets relay, on loopback.

Run from the repository root (not part of the test run)::

    .venv/bin/python benchmarks/bench_server.py            # full run, a few minutes
    .venv/bin/python benchmarks/bench_server.py --quick    # smaller numbers, for a smoke test

Each server runs in its own process, so its CPU time (``/proc/PID/stat``) and
memory (``VmRSS``) are measured apart from the clients in this process.

1. fan-out: one agent streams ``terminal:output`` to 10 dashboards and to 1;
   delivered messages per second and server CPU microseconds per delivered
   message, next to the bare relay (``benchmarks/bare_relay.py``: no auth, no
   validation, raw ``broadcast()``). Target: at most 1.3 times the relay's CPU
   per delivered message at 10 dashboards.
2. latency: agent to dashboard at 1,000 messages/s, p50 and p99. Target: p99 < 2 ms.
3. connections: 5,000 identified idle dashboards; server memory per connection.
   Target: < 20 KiB.

Every figure asserts that no message was lost (each dashboard receives every
message, in order).
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from websockets.asyncio.client import ClientConnection, connect

from onsembl_spec.tokens import mint

ROOT = Path(__file__).resolve().parent.parent
SECRET = "benchmark-secret-0123456789abcdefghijkl"
TS = "2024-01-01T00:00:00Z"
PROFILE = """\
# Limits off: the benchmark measures the server's work per message, not its refusals
# (its 5,000 idle dashboards are one owner's: no bound on an owner's connections either).
identify_timeout_s: 600
heartbeat: {interval_s: 3600, timeout_s: 7200}
max_connections_per_owner: null
limits:
  global: {per_minute: null, per_hour: null}
  owner: {per_minute: null, per_hour: null}
  connection: {per_minute: null, per_hour: null, burst_per_second: null}
  types:
    "terminal:output": null
    "heartbeat:ping": null
    "command:request": null
"""


@dataclass
class Process:
    popen: subprocess.Popen[str]
    url: str

    @property
    def pid(self) -> int:
        return self.popen.pid

    def cpu_seconds(self) -> float:
        fields = Path(f"/proc/{self.pid}/stat").read_text().rsplit(")", 1)[1].split()
        ticks = int(fields[11]) + int(fields[12])  # utime + stime
        return ticks / os.sysconf("SC_CLK_TCK")

    def rss_kib(self) -> int:
        for line in Path(f"/proc/{self.pid}/status").read_text().splitlines():
            if line.startswith("VmRSS:"):
                return int(line.split()[1])
        raise RuntimeError("no VmRSS")

    def stop(self) -> None:
        self.popen.terminate()
        self.popen.wait(timeout=60)


def start(kind: str, profile: Path) -> Process:
    if kind == "server":
        command = [
            sys.executable,
            "-m",
            "onsembl_spec",
            "serve",
            "--host",
            "127.0.0.1",
            "--port",
            "0",
            "--jwt-secret",
            SECRET,
            "--profile",
            str(profile),
            "--log-file",
            os.devnull,
            "--max-outbound-bytes",
            str(64 * 1024 * 1024),
        ]
    else:
        command = [sys.executable, str(ROOT / "benchmarks" / "bare_relay.py")]
    popen = subprocess.Popen(command, stdout=subprocess.PIPE, text=True, cwd=ROOT)
    assert popen.stdout is not None
    line = popen.stdout.readline()
    if not line.startswith("listening on "):
        raise RuntimeError(f"{kind} did not start: {line!r}")
    return Process(popen, line.split()[-1])


async def open_client(url: str) -> ClientConnection:
    return await connect(
        f"{url}?token={mint(SECRET, 'bench')}",
        compression=None,
        ping_interval=None,
        max_queue=None,
        open_timeout=60,
        close_timeout=10,
    )


async def open_dashboard(kind: str, url: str, name: str) -> ClientConnection:
    ws = await open_client(url)
    if kind == "server":
        await ws.send(
            json.dumps({"type": "dashboard:connect", "dashboardId": name, "timestamp": TS})
        )
        listing = json.loads(await ws.recv())
        assert listing["type"] == "agent:list", listing
    return ws


async def open_agent(kind: str, url: str, dashboards: list[ClientConnection]) -> ClientConnection:
    ws = await open_client(url)
    if kind == "server":
        await ws.send(
            json.dumps(
                {
                    "type": "agent:connect",
                    "agentId": "bench",
                    "agentType": "claude",
                    "timestamp": TS,
                }
            )
        )
        for dashboard in dashboards:  # each sees the agent come online first
            assert json.loads(await dashboard.recv())["type"] == "agent:status"
    return ws


def output_text(seq: int, sent_ns: int = 0, pad: int = 120) -> str:
    return json.dumps(
        {
            "type": "terminal:output",
            "agentId": "bench",
            "commandId": "cmd-bench",
            "output": {
                "type": "stdout",
                "content": f"{seq} {sent_ns} " + "x" * pad,
                "timestamp": TS,
            },
            "timestamp": TS,
        },
        separators=(",", ":"),
    )


def sequence_of(text: str) -> tuple[int, int]:
    content = json.loads(text)["output"]["content"]
    seq, sent_ns, _ = content.split(" ", 2)
    return int(seq), int(sent_ns)


@dataclass
class FanOut:
    dashboards: int
    delivered: int
    seconds: float
    cpu_seconds: float

    @property
    def rate(self) -> float:
        return self.delivered / self.seconds

    @property
    def cpu_us(self) -> float:
        return self.cpu_seconds * 1e6 / self.delivered


async def fan_out(kind: str, process: Process, dashboards: int, total: int) -> FanOut:
    """One agent streams ``total`` messages to ``dashboards`` dashboards; none may be lost."""
    readers = [await open_dashboard(kind, process.url, f"d{i}") for i in range(dashboards)]
    agent = await open_agent(kind, process.url, readers)
    texts = [output_text(seq) for seq in range(total)]
    counts = [0] * dashboards
    progress = asyncio.Event()
    window = 500  # messages in flight ahead of the slowest dashboard

    async def read(index: int, ws: ClientConnection) -> None:
        expected = 0
        while expected < total:
            seq, _ = sequence_of(str(await ws.recv()))
            if seq != expected:
                raise AssertionError(f"dashboard {index}: got {seq}, expected {expected}: lost")
            expected += 1
            counts[index] = expected
            if expected % 50 == 0 or expected == total:
                progress.set()

    tasks = [asyncio.create_task(read(i, ws)) for i, ws in enumerate(readers)]
    cpu_before = process.cpu_seconds()
    started = time.perf_counter()
    for seq, text in enumerate(texts):
        while seq - min(counts) >= window:
            progress.clear()
            await progress.wait()
        await agent.send(text)
    await asyncio.wait_for(asyncio.gather(*tasks), 600)
    seconds = time.perf_counter() - started
    cpu = process.cpu_seconds() - cpu_before
    assert counts == [total] * dashboards, "a message was lost"
    for ws in [agent, *readers]:
        await ws.close()
    return FanOut(dashboards, total * dashboards, seconds, cpu)


async def latency(kind: str, process: Process, count: int, rate: float) -> tuple[float, float]:
    """Agent-to-dashboard latency (ms) at ``rate`` messages/s: p50, p99; none may be lost."""
    dashboard = await open_dashboard(kind, process.url, "lat")
    agent = await open_agent(kind, process.url, [dashboard])
    samples: list[float] = []

    async def read() -> None:
        for expected in range(count):
            text = str(await dashboard.recv())
            now = time.perf_counter_ns()
            seq, sent_ns = sequence_of(text)
            assert seq == expected, f"got {seq}, expected {expected}: lost"
            samples.append((now - sent_ns) / 1e6)

    reader = asyncio.create_task(read())
    start_ns = time.perf_counter_ns()
    for seq in range(count):
        due = start_ns + int(seq * 1e9 / rate)
        delay = (due - time.perf_counter_ns()) / 1e9
        if delay > 0:
            await asyncio.sleep(delay)
        await agent.send(output_text(seq, time.perf_counter_ns()))
    await asyncio.wait_for(reader, 120)
    assert len(samples) == count, "a message was lost"
    await agent.close()
    await dashboard.close()
    quantiles = statistics.quantiles(samples, n=100)
    return quantiles[49], quantiles[98]


async def idle_connections(kind: str, process: Process, count: int) -> tuple[float, int]:
    """Server memory per identified idle connection (KiB) and the connections opened."""
    warm = await open_dashboard(kind, process.url, "warm")  # imports and caches loaded
    await asyncio.sleep(0.5)
    before = process.rss_kib()
    limit = asyncio.Semaphore(100)
    opened: list[ClientConnection] = []

    async def one(i: int) -> None:
        async with limit:
            opened.append(await open_dashboard(kind, process.url, f"idle-{i}"))

    await asyncio.gather(*(one(i) for i in range(count)))
    await asyncio.sleep(1.0)
    after = process.rss_kib()
    for ws in [*opened, warm]:
        ws.transport.abort()
    return (after - before) / count, len(opened)


def raise_open_files(wanted: int) -> None:
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    target = min(hard, max(soft, wanted))
    resource.setrlimit(resource.RLIMIT_NOFILE, (target, hard))
    if target < wanted:
        print(f"note: open files limited to {target} (hard limit)", file=sys.stderr)


async def main(args: argparse.Namespace) -> int:
    raise_open_files(2 * args.connections + 1000)  # clients here; the servers inherit it
    with tempfile.TemporaryDirectory() as tmp:
        profile = Path(tmp) / "bench.yaml"
        profile.write_text(PROFILE)
        results: dict[str, dict[str, Any]] = {"relay": {}, "server": {}}
        for kind, name in (("bare", "relay"), ("server", "server")):
            process = start(kind, profile)
            try:
                await fan_out(kind, process, 2, min(2000, args.messages))  # warm-up
                for dashboards in (10, 1):
                    results[name][f"fanout{dashboards}"] = await fan_out(
                        kind, process, dashboards, args.messages
                    )
                results[name]["latency"] = await latency(
                    kind, process, args.latency_messages, 1000.0
                )
            finally:
                process.stop()
            process = start(kind, profile)
            try:
                results[name]["memory"] = await idle_connections(kind, process, args.connections)
            finally:
                process.stop()
    report(results, args)
    return 0


def report(results: dict[str, dict[str, Any]], args: argparse.Namespace) -> None:
    relay, server = results["relay"], results["server"]
    print(f"\nmachine: {os.cpu_count()} cores, load average {os.getloadavg()[0]:.2f} at the end")
    print(f"fan-out: {args.messages} terminal:output messages from one agent\n")
    print("| measure | reference server | bare relay | ratio |")
    print("|---|---|---|---|")
    for dashboards in (10, 1):
        s, r = server[f"fanout{dashboards}"], relay[f"fanout{dashboards}"]
        print(
            f"| fan-out to {dashboards}: delivered msg/s | {s.rate:,.0f} | {r.rate:,.0f} "
            f"| {s.rate / r.rate:.2f} |"
        )
        print(
            f"| fan-out to {dashboards}: server CPU µs per delivered msg | {s.cpu_us:.1f} "
            f"| {r.cpu_us:.1f} | {s.cpu_us / r.cpu_us:.2f} |"
        )
    (s50, s99), (r50, r99) = server["latency"], relay["latency"]
    print(f"| latency at 1,000 msg/s: p50 ms | {s50:.2f} | {r50:.2f} | {s50 / r50:.2f} |")
    print(f"| latency at 1,000 msg/s: p99 ms | {s99:.2f} | {r99:.2f} | {s99 / r99:.2f} |")
    (sm, sn), (rm, rn) = server["memory"], relay["memory"]
    print(
        f"| {sn:,} identified idle connections: server KiB per connection | {sm:.1f} "
        f"| {rm:.1f} ({rn:,} open) | {sm / rm:.2f} |"
    )
    ratio = server["fanout10"].cpu_us / relay["fanout10"].cpu_us
    print("\ntargets:")
    print(
        f"  CPU per delivered msg at 10 dashboards <= 1.3x relay: {ratio:.2f}x "
        f"{'met' if ratio <= 1.3 else 'MISSED'}"
    )
    print(f"  latency p99 < 2 ms: {s99:.2f} ms {'met' if s99 < 2 else 'MISSED'}")
    print(f"  memory per connection < 20 KiB: {sm:.1f} KiB {'met' if sm < 20 else 'MISSED'}")


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--messages", type=int, default=20_000)
    parser.add_argument("--latency-messages", type=int, default=5_000)
    parser.add_argument("--connections", type=int, default=5_000)
    parser.add_argument("--quick", action="store_true", help="small numbers, for a smoke test")
    arguments = parser.parse_args()
    if arguments.quick:
        arguments.messages, arguments.latency_messages, arguments.connections = 2_000, 1_000, 300
    sys.exit(asyncio.run(main(arguments)))
