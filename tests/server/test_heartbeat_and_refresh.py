"""Heartbeats and token lifetime end to end over loopback: a ping answered (HB-1), the app's
timer pinging and closing a silent connection whose WebSocket Ping frames are no sign of life
(HB-2..HB-4), a refresh (REFRESH-6). The deadlines themselves (HB-2..HB-4, REFRESH-1..
REFRESH-7, TEN-6) are driven through the core with a fake clock in
``test_core_heartbeat_and_refresh.py``."""

from __future__ import annotations

import asyncio
import contextlib

import pytest
from websockets.exceptions import ConnectionClosed

pytestmark = pytest.mark.asyncio

FAST_HEARTBEAT = {"heartbeat": {"interval_s": 0.3, "timeout_s": 0.9}}


async def test_ping_is_answered_before_and_after_identification(server) -> None:
    """HB-1."""
    client = await server.client()
    await client.send({"type": "heartbeat:ping", "requestId": "p1"})
    assert (await client.recv(timeout=1.0))["type"] == "heartbeat:pong"
    dashboard = await server.dashboard()
    await dashboard.send({"type": "heartbeat:ping"})
    assert (await dashboard.recv(timeout=1.0))["type"] == "heartbeat:pong"


async def test_silent_connection_is_pinged_then_closed_1001_despite_control_frames(
    harness,
) -> None:
    """HB-2, HB-3, HB-4: the server's timer pings a silent connection, then closes it 1001;
    WebSocket Ping frames (answered by the transport, never seen by the core) do not keep it."""
    await harness.start(FAST_HEARTBEAT)
    silent = await harness.dashboard()
    pinger = await harness.dashboard(dashboard_id="pinger")

    async def keep_pinging() -> None:
        with contextlib.suppress(ConnectionClosed):
            while True:
                await pinger.ws.ping()
                await asyncio.sleep(0.1)

    pinging = asyncio.create_task(keep_pinging())
    try:
        assert (await silent.recv(timeout=5))["type"] == "heartbeat:ping"
        code, _ = await silent.closed()
        assert code == 1001
        code, _ = await pinger.closed()
        assert code == 1001
        assert any(m["type"] == "heartbeat:ping" for m in pinger.received)
    finally:
        pinging.cancel()


async def test_refresh_token_field_is_ignored(server) -> None:
    """REFRESH-6."""
    client = await server.client()
    await client.send(
        {"type": "auth:refresh-token", "token": server.token(ttl=7200), "refreshToken": "opaque"}
    )
    assert (await client.recv())["type"] == "auth:refresh-success"
