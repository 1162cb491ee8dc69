"""Terminal forwarding and compressed end to end over loopback: output to every dashboard in
order and plain (TERM-1, TERM-5, MSG-13), a compressed message (COMP-1), a gzip bomb's close
(COMP-4). The rules of batch and compressed (BATCH-1..BATCH-5, COMP-1..COMP-5, TERM-2, MSG-14)
are driven through the core in ``test_core_terminal_and_wrappers.py``."""

from __future__ import annotations

import base64
import gzip
import json

import pytest

from onsembl_spec.wire import encode_compressed

pytestmark = pytest.mark.asyncio

TS = "2024-01-01T00:00:00Z"


def output(n: int, agent_id: str = "a1") -> dict:
    return {
        "type": "terminal:output",
        "agentId": agent_id,
        "commandId": "c1",
        "output": {"type": "stdout", "content": f"line {n}\n", "timestamp": TS},
        "timestamp": TS,
    }


async def test_output_reaches_every_dashboard_in_order(server) -> None:
    """TERM-1, TERM-5, MSG-13: all of the owner's dashboards, in order, plain and unchanged."""
    agent = await server.agent("alice", "a1")
    dashboards = [await server.dashboard(dashboard_id=f"d{i}") for i in range(3)]
    for n in range(200):
        await agent.send({**output(n), "requestId": f"r{n}"} if n == 0 else output(n))
    for dashboard in dashboards:
        got = [await dashboard.recv() for _ in range(200)]
        assert got[0] == output(0)  # requestId dropped, everything else kept
        assert [m["output"]["content"] for m in got] == [f"line {n}\n" for n in range(200)]
        assert all(m["type"] == "terminal:output" for m in got)  # no batch or compressed


async def test_compressed_is_processed_like_plain(server) -> None:
    """COMP-1: the inner message is forwarded (as itself, not compressed: TERM-5)."""
    agent = await server.agent("alice", "a1")
    dashboard = await server.dashboard()
    await agent.send(encode_compressed(output(7)))
    assert await dashboard.recv() == output(7)


async def test_gzip_bomb_closes_1009(harness) -> None:
    """COMP-4: inflating past max_message_bytes closes 1009 (inflation stops at the limit)."""
    await harness.start({"max_message_bytes": 64 * 1024})
    agent = await harness.client()
    text = json.dumps({"type": "heartbeat:ping", "requestId": "x" * 100, "timestamp": TS})
    bomb_payload = text.encode() + b" " * (50 * 1024 * 1024)
    stream = gzip.compress(bomb_payload, compresslevel=9)
    assert len(stream) < 64 * 1024
    await agent.send(
        {
            "type": "compressed",
            "algorithm": "gzip",
            "originalType": "heartbeat:ping",
            "originalSize": len(bomb_payload),
            "compressedSize": len(stream),
            "data": base64.b64encode(stream).decode(),
        }
    )
    code, _ = await agent.closed()
    assert code == 1009
