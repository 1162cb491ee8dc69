"""The choices the reference server makes only when configured: TERM-3/TERM-5 output wrapping
(the profile's ``output`` keys, PROF-1) and permessage-deflate (TRANS-9, with TRANS-7/TRANS-8
applied after inflation). Real sockets on loopback, real gzip."""

from __future__ import annotations

import asyncio
import base64
import gzip
import json
import random
from typing import Any

import pytest
from websockets.asyncio.client import connect

from onsembl_spec.validation import validate

pytestmark = pytest.mark.asyncio

TS = "2024-01-01T00:00:00Z"
WRAPPING = {"output": {"batch": True, "compress": True}}


def output(n: int, content: str | None = None) -> dict[str, Any]:
    return {
        "type": "terminal:output",
        "agentId": "a1",
        "output": {"type": "stdout", "content": content or f"line {n}\n", "timestamp": TS},
        "timestamp": TS,
    }


async def frames(client: Any, count: int) -> list[str]:
    """The next ``count`` raw text frames of ``client`` (server pings left out)."""
    got: list[str] = []
    while len(got) < count:
        data = await asyncio.wait_for(client.ws.recv(), 10)
        assert isinstance(data, str)
        message = json.loads(data)
        assert validate(message) == [], data  # MSG-8, wrappers included
        if message["type"] != "heartbeat:ping":
            got.append(data)
    return got


def unwrap(message: dict[str, Any]) -> list[dict[str, Any]]:
    """The messages a wrapper holds, in order (TERM-4: what a client must accept)."""
    if message["type"] == "batch":
        assert message["count"] == len(message["messages"])
        return [m for inner in message["messages"] for m in unwrap(inner)]
    if message["type"] == "compressed":
        stream = base64.b64decode(message["data"])
        assert len(stream) == message["compressedSize"]
        text = gzip.decompress(stream)
        assert len(text) == message["originalSize"]
        inner = json.loads(text)
        assert inner["type"] == message["originalType"]
        return [inner]
    return [message]


async def messages_until(client: Any, wanted: int) -> tuple[list[dict[str, Any]], list[str]]:
    """Read frames until ``wanted`` unwrapped messages came; the messages and the raw frames."""
    got: list[dict[str, Any]] = []
    raw: list[str] = []
    while len(got) < wanted:
        frame = (await frames(client, 1))[0]
        raw.append(frame)
        got.extend(unwrap(json.loads(frame)))
    return got, raw


async def test_plain_by_default_even_for_bursts_of_large_output(server) -> None:
    """TERM-5: no ``output`` key, no wrapper: a burst of 2 KB outputs arrives as itself."""
    agent = await server.agent("alice", "a1")
    dashboard = await server.dashboard()
    sent = [output(n, "x" * 2000 + str(n)) for n in range(20)]
    for m in sent:
        await agent.send(m)
    got = [json.loads(f) for f in await frames(dashboard, 20)]
    assert got == sent


async def test_batch_groups_forwarded_output_in_order(harness) -> None:
    """TERM-3 with ``output.batch``: a burst goes out in batches, in order, every field kept
    (MSG-13); the client's own direct replies are never wrapped."""
    await harness.start({"output": {"batch": True, "compress": False}})
    agent = await harness.agent("alice", "a1")
    dashboard = await harness.dashboard()
    sent = [output(n) for n in range(150)]
    await agent.ws.send(
        json.dumps({"type": "batch", "messages": sent[:100], "count": 100, "timestamp": TS})
    )
    await agent.ws.send(
        json.dumps({"type": "batch", "messages": sent[100:], "count": 50, "timestamp": TS})
    )
    got, raw = await messages_until(dashboard, 150)
    assert got == sent
    kinds = [json.loads(f)["type"] for f in raw]
    assert set(kinds) == {"batch"}
    counts = [json.loads(f)["count"] for f in raw]
    assert max(counts) > 1 and max(counts) <= 100
    await dashboard.send({"type": "heartbeat:ping", "requestId": "direct"})
    pong = json.loads((await frames(dashboard, 1))[0])
    assert pong["type"] == "heartbeat:pong" and pong["requestId"] == "direct"


async def test_batch_never_exceeds_max_message_bytes(harness) -> None:
    """A batch stays within ``max_message_bytes``; an output too large to share one goes out
    as itself (TERM-3 is a permission, not a duty)."""
    limit = 8192
    await harness.start({"max_message_bytes": limit, "output": {"batch": True}})
    agent = await harness.agent("alice", "a1")
    dashboard = await harness.dashboard()
    sent = [output(n, "y" * 3000 + str(n)) for n in range(12)]
    envelope = len(json.dumps(output(99, "")))
    sent.append(output(99, "z" * (limit - 40 - envelope)))  # fits alone, not in a batch
    for m in sent:
        await agent.send(m)
    got, raw = await messages_until(dashboard, len(sent))
    assert got == sent
    assert all(len(f.encode()) <= limit for f in raw)
    assert any(json.loads(f)["type"] == "batch" and json.loads(f)["count"] > 1 for f in raw)
    assert json.loads(raw[-1]) == sent[-1]  # too large to share a batch: plain


async def test_compress_wraps_large_forwarded_messages_only(harness) -> None:
    """TERM-3 with ``output.compress``: an output over 1 KiB arrives in ``compressed``, whose
    gzip stream holds exactly the text the agent sent; a small one, and one that gzip cannot
    make shorter, arrive plain."""
    await harness.start({"output": {"batch": False, "compress": True}})
    agent = await harness.agent("alice", "a1")
    dashboard = await harness.dashboard()
    large = json.dumps(output(1, "x" * 4000), separators=(",", ":"))
    await agent.send_text(large)
    wrapper = json.loads((await frames(dashboard, 1))[0])
    assert wrapper["type"] == "compressed"
    assert wrapper["originalType"] == "terminal:output"
    assert gzip.decompress(base64.b64decode(wrapper["data"])) == large.encode()
    assert wrapper["compressedSize"] < 200
    await agent.send(output(2))
    assert json.loads((await frames(dashboard, 1))[0]) == output(2)
    noise = base64.b64encode(random.Random(7).randbytes(3000)).decode()
    await agent.send(output(3, noise))
    assert json.loads((await frames(dashboard, 1))[0]) == output(3, noise)


async def test_batch_and_compress_together(harness) -> None:
    """Both keys on: batches of forwarded messages, the large ones compressed inside them;
    server-created messages (``agent:status`` online) stay plain."""
    await harness.start(WRAPPING)
    dashboard = await harness.dashboard()
    agent = await harness.agent("alice", "a1")
    online = json.loads((await frames(dashboard, 1))[0])
    assert online["type"] == "agent:status" and online["status"] == "online"
    sent = [output(n, "x" * 1500 + str(n)) for n in range(10)]
    await agent.ws.send(
        json.dumps({"type": "batch", "messages": sent, "count": 10, "timestamp": TS})
    )
    got, raw = await messages_until(dashboard, 10)
    assert got == sent
    outer = [json.loads(f) for f in raw]
    assert all(m["type"] == "batch" for m in outer)
    inner_types = {i["type"] for m in outer for i in m["messages"]}
    assert inner_types == {"compressed"}
    assert sum(len(f) for f in raw) < sum(len(json.dumps(m)) for m in sent) // 4


async def test_wrapping_keeps_forwarded_and_direct_order(harness) -> None:
    """Order per connection is kept across wrapped and plain frames: a dashboard's own
    ``terminal:clear`` reaches the other dashboard before the pong it asks for afterwards."""
    await harness.start(WRAPPING)
    agent = await harness.agent("alice", "a1")
    sender = await harness.dashboard(dashboard_id="sender")
    other = await harness.dashboard(dashboard_id="other")
    for n in range(5):
        await agent.send(output(n))
    await agent.send({"type": "terminal:clear", "agentId": "a1"})
    await other.send({"type": "heartbeat:ping", "requestId": "after"})
    got, _ = await messages_until(other, 7)
    assert [m["type"] for m in got] == ["terminal:output"] * 5 + [
        "terminal:clear",
        "heartbeat:pong",
    ]
    del sender


async def test_permessage_deflate_accepted_when_configured(harness) -> None:
    """TRANS-9: with ``permessage_deflate`` the extension is negotiated; TRANS-7/TRANS-8 apply
    after inflation: exactly ``max_message_bytes`` is accepted, one byte more closes 1009,
    though both are a few hundred bytes on the wire."""
    limit = 20000
    await harness.start({"max_message_bytes": limit}, permessage_deflate=True)
    url = harness.url + "?token=" + harness.token()

    def padded(size: int) -> str:
        core = '{"type":"heartbeat:ping","timestamp":"2024-01-01T00:00:00Z"}'
        return core[:-1] + " " * (size - len(core)) + "}"

    async with connect(url, compression="deflate", max_size=None) as ws:
        assert ws.response is not None
        assert "permessage-deflate" in ws.response.headers["Sec-WebSocket-Extensions"]
        await ws.send(padded(limit))
        assert json.loads(await asyncio.wait_for(ws.recv(), 10))["type"] == "heartbeat:pong"
        await ws.send(padded(limit + 1))
        await asyncio.wait_for(ws.wait_closed(), 10)
        assert ws.protocol.close_rcvd is not None
        assert ws.protocol.close_rcvd.code == 1009
    async with connect(url, compression=None) as plain:  # deflate stays optional
        await plain.send(padded(100))
        assert json.loads(await asyncio.wait_for(plain.recv(), 10))["type"] == "heartbeat:pong"
