"""Identification end to end over loopback: what may be sent before it. Its rules
(IDENT-1..IDENT-6, the timeout with a fake clock) are driven through the core in
``test_core_identification.py``."""

from __future__ import annotations

import pytest

pytestmark = pytest.mark.asyncio


async def test_pre_identification_types_are_handled(server) -> None:
    """IDENT-1, REFRESH-5: ping, pong and refresh work before identification."""
    client = await server.client()
    await client.send({"type": "heartbeat:pong"})
    await client.send({"type": "heartbeat:ping"})
    assert (await client.recv())["type"] == "heartbeat:pong"
    await client.send({"type": "auth:refresh-token", "token": server.token(ttl=7200)})
    assert (await client.recv())["type"] == "auth:refresh-success"
