"""Terminal forwarding, batch and compressed end to end: TERM-*, BATCH-*, COMP-*, MSG-13/14."""

from __future__ import annotations

import base64
import gzip
import json

import pytest

from onsembl_spec.wire import encode_batch, encode_compressed

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


async def test_clear_from_dashboard_and_from_agent(server) -> None:
    """TERM-2."""
    agent = await server.agent("alice", "a1")
    sender = await server.dashboard(dashboard_id="sender")
    other = await server.dashboard(dashboard_id="other")
    await sender.send({"type": "terminal:clear", "agentId": "a1"})
    assert (await agent.recv())["type"] == "terminal:clear"
    assert (await other.recv())["type"] == "terminal:clear"
    await sender.quiet(0.2)
    await agent.send({"type": "terminal:clear", "agentId": "a1"})
    assert (await sender.recv())["type"] == "terminal:clear"
    assert (await other.recv())["type"] == "terminal:clear"


async def test_duplicate_member_last_wins(server) -> None:
    """MSG-14: the last ``agentId`` counts (here: the agent's own, so it is forwarded)."""
    agent = await server.agent("alice", "a1")
    dashboard = await server.dashboard()
    await agent.send_text(
        '{"type":"agent:status","agentId":"zz","agentId":"a1","status":"busy",'
        f'"timestamp":"{TS}"}}'
    )
    status = await dashboard.recv()
    assert (status["agentId"], status["status"]) == ("a1", "busy")
    await agent.send_text(
        '{"type":"agent:status","agentId":"a1","agentId":"zz","status":"busy",'
        f'"timestamp":"{TS}"}}'
    )
    assert (await agent.recv())["code"] == "FORBIDDEN"


async def test_batch_messages_are_processed_in_order(server) -> None:
    """BATCH-4, TERM-3: each inner message handled as if sent alone; an invalid one answered."""
    agent = await server.agent("alice", "a1")
    dashboard = await server.dashboard()
    bad = {"type": "terminal:output", "agentId": "a1", "timestamp": TS, "requestId": "bad"}
    batch = encode_batch([output(1), bad, output(2), "not an object"])
    await agent.send(batch)
    first = await agent.recv()
    assert (first["type"], first["field"], first["requestId"]) == (
        "validation:error",
        "messages.1.output",
        "bad",
    )
    second = await agent.recv()
    assert second["field"] == "messages.3"
    assert [(await dashboard.recv())["output"]["content"] for _ in range(2)] == [
        "line 1\n",
        "line 2\n",
    ]


async def test_batch_count_mismatch_rejects_all(server) -> None:
    """BATCH-1."""
    agent = await server.agent("alice", "a1")
    dashboard = await server.dashboard()
    batch = encode_batch([output(1), output(2)])
    batch["count"] = 3
    await agent.send(batch)
    reply = await agent.recv()
    assert (reply["type"], reply["field"]) == ("validation:error", "count")
    await dashboard.quiet(0.3)


async def test_batch_wrapper_invalid_rejects_all(server) -> None:
    """BATCH-2: the wrapper's own fields first; none processed."""
    agent = await server.agent("alice", "a1")
    dashboard = await server.dashboard()
    batch = encode_batch([output(1)])
    batch["extra"] = 1
    await agent.send(batch)
    assert (await agent.recv())["field"] == "extra"
    await agent.send({"type": "batch", "messages": [], "count": 0})
    assert (await agent.recv())["field"] in {"messages", "count"}
    await dashboard.quiet(0.3)


async def test_batch_in_batch_is_invalid(server) -> None:
    """BATCH-3."""
    agent = await server.agent("alice", "a1")
    dashboard = await server.dashboard()
    await agent.send(encode_batch([encode_batch([output(1)]), output(2)]))
    assert (await agent.recv())["field"] == "messages.0.type"
    assert (await dashboard.recv())["output"]["content"] == "line 2\n"


async def test_wrappers_do_not_count_inner_messages_do(harness) -> None:
    """BATCH-5, RATE-1: a batch of 3 pings under a 2 per minute ping limit: 2 pongs, 1 refusal."""
    await harness.start({"limits": {"types": {"heartbeat:ping": {"per_minute": 2}}}})
    client = await harness.client()
    ping = {"type": "heartbeat:ping", "timestamp": TS}
    await client.send(encode_batch([ping, ping, ping]))
    replies = [(await client.recv())["type"] for _ in range(3)]
    assert replies == ["heartbeat:pong", "heartbeat:pong", "connection:error"]


async def test_compressed_is_processed_like_plain(server) -> None:
    """COMP-1: the inner message is forwarded (as itself, not compressed: TERM-5)."""
    agent = await server.agent("alice", "a1")
    dashboard = await server.dashboard()
    await agent.send(encode_compressed(output(7)))
    assert await dashboard.recv() == output(7)


def with_stream(message: dict, stream: bytes) -> dict:
    """``message`` carrying ``stream`` as its data, with a matching ``compressedSize``."""
    return {**message, "data": base64.b64encode(stream).decode(), "compressedSize": len(stream)}


CORRUPTIONS = {
    "bad-base64": (lambda m: {**m, "data": "!!!not base64!!!"}, "data"),
    "not-gzip": (lambda m: with_stream(m, b"not gzip at all"), "data"),
    "truncated-gzip": (
        lambda m: with_stream(m, base64.b64decode(m["data"])[:-9]),
        "data",
    ),
    "compressed-size": (
        lambda m: {**m, "compressedSize": m["compressedSize"] + 1},
        "compressedSize",
    ),
    "original-size": (lambda m: {**m, "originalSize": m["originalSize"] - 1}, "originalSize"),
    "original-type": (lambda m: {**m, "originalType": "agent:status"}, "originalType"),
}


@pytest.mark.parametrize("name", list(CORRUPTIONS))
async def test_compressed_that_does_not_decode_or_match(server, name: str) -> None:
    """COMP-2: the field that disagrees is named (``data`` when it does not decode)."""
    agent = await server.agent("alice", "a1")
    dashboard = await server.dashboard()
    corrupt, field = CORRUPTIONS[name]
    await agent.send({**corrupt(encode_compressed(output(1))), "requestId": "z"})
    reply = await agent.recv()
    assert (reply["type"], reply["field"], reply["requestId"]) == ("validation:error", field, "z")
    await dashboard.quiet(0.2)


async def test_compressed_not_json_or_not_utf8(server) -> None:
    """COMP-2: inflates to bytes that are not UTF-8, or not JSON: field ``data``."""
    agent = await server.agent("alice", "a1")
    for payload in (b"\xff\xfe\xfd", b"{not json"):
        stream = gzip.compress(payload)
        await agent.send(
            {
                "type": "compressed",
                "algorithm": "gzip",
                "originalType": "terminal:output",
                "originalSize": len(payload),
                "compressedSize": len(stream),
                "data": base64.b64encode(stream).decode(),
            }
        )
        assert (await agent.recv())["field"] == "data"


async def test_compressed_inner_invalid_is_prefixed(server) -> None:
    """COMP-3."""
    agent = await server.agent("alice", "a1")
    inner = {"type": "terminal:output", "agentId": "a1", "timestamp": TS}
    await agent.send(encode_compressed(inner))
    assert (await agent.recv())["field"] == "data.output"


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


async def test_compressed_in_compressed_is_invalid(server) -> None:
    """COMP-5: ``originalType`` compressed is invalid; a disguised one is ``data.type``."""
    agent = await server.agent("alice", "a1")
    inner = encode_compressed(output(1))
    outer = encode_compressed(inner)
    assert outer["originalType"] == "compressed"
    await agent.send(outer)
    assert (await agent.recv())["field"] == "originalType"
    disguised = dict(outer, originalType="terminal:output")
    await agent.send(disguised)
    assert (await agent.recv())["field"] == "data.type"
