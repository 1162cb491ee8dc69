"""Transport rules end to end: TRANS-1..TRANS-9, TRANS-3 on every received message."""

from __future__ import annotations

import asyncio
import json

import pytest
from websockets.asyncio.client import connect
from websockets.exceptions import InvalidStatus

pytestmark = pytest.mark.asyncio


async def test_serves_on_configured_path_and_default_is_ws(server) -> None:
    """TRANS-1: the endpoint is ``/ws`` by default; a ping there is answered."""
    assert server.url.endswith("/ws")
    client = await server.client()
    await client.send({"type": "heartbeat:ping"})
    assert (await client.recv())["type"] == "heartbeat:pong"


async def test_other_path_gets_http_404(server) -> None:
    """TRANS-2: no WebSocket on another path, HTTP 404 instead."""
    url = server.url.rsplit("/", 1)[0] + "/other?token=" + server.token()
    with pytest.raises(InvalidStatus) as info:
        await connect(url)
    assert info.value.response.status_code == 404


async def test_every_message_is_one_text_frame_of_one_object(server) -> None:
    """TRANS-3: replies are text frames, each one JSON object (checked by Client.recv)."""
    client = await server.client()
    await client.send({"type": "heartbeat:ping"})
    await client.send({"type": "terminal:clear", "agentId": "a"})
    first, second = await client.recv(), await client.recv()
    assert first["type"] == "heartbeat:pong"
    assert second["type"] == "connection:error"


async def test_binary_frame_closes_1003(server) -> None:
    """TRANS-4."""
    client = await server.client()
    await client.send_text(b'{"type":"heartbeat:ping"}')
    code, _ = await client.closed()
    assert code == 1003


async def test_invalid_utf8_closes_1007(server) -> None:
    """TRANS-5: a text frame that is not UTF-8 (sent raw, below the client's checks)."""
    client = await server.client()
    protocol = client.ws.protocol
    protocol.send_text(b'{"type":"\xff\xfe"}')
    client.ws.send_data()
    code, _ = await client.closed()
    assert code == 1007


async def test_message_over_limit_closes_1009_and_exact_limit_is_accepted(harness) -> None:
    """TRANS-6, TRANS-7: ``max_message_bytes`` is accepted, one byte more closes 1009."""
    await harness.start({"max_message_bytes": 2048})
    client = await harness.client()
    base = {"type": "heartbeat:ping", "requestId": "", "timestamp": "2024-01-01T00:00:00Z"}
    empty = len(json.dumps(base, separators=(",", ":")).encode())
    exact = dict(base, requestId="r" * 0)
    padding = 2048 - empty
    text = json.dumps(exact, separators=(",", ":")).replace(
        '"requestId":""', '"requestId":""' + " " * padding
    )
    assert len(text.encode()) == 2048
    await client.send_text(text)
    # Exactly at the limit: judged like any message (the empty requestId is invalid).
    reply = await client.recv()
    assert reply["type"] == "validation:error" and reply["field"] == "requestId"
    await client.send_text(text + " ")
    code, _ = await client.closed()
    assert code == 1009


async def test_fragmented_message_over_limit_closes_1009(harness) -> None:
    """TRANS-8: the limit applies after reassembly of fragments."""
    await harness.start({"max_message_bytes": 1024})
    client = await harness.client()
    fragments = ['{"type":"heartbeat:ping","requestId":"', "x" * 600, "y" * 600, '"}']
    await client.ws.send(iter(fragments))
    code, _ = await client.closed()
    assert code == 1009


async def test_permessage_deflate_is_declined(server) -> None:
    """TRANS-9 (MAY): the reference server declines permessage-deflate (documented choice)."""
    url = server.url + "?token=" + server.token()
    async with connect(url, compression="deflate") as ws:
        assert ws.response is not None
        assert "Sec-WebSocket-Extensions" not in ws.response.headers
        await ws.send('{"type":"heartbeat:ping","timestamp":"2024-01-01T00:00:00Z"}')
        assert json.loads(await asyncio.wait_for(ws.recv(), 10))["type"] == "heartbeat:pong"
