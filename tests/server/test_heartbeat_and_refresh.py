"""Heartbeats and token lifetime end to end: HB-1..HB-4, REFRESH-1..REFRESH-7, TEN-6."""

from __future__ import annotations

import asyncio
import time

import pytest

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


async def test_silent_connection_is_pinged_then_closed_1001(harness) -> None:
    """HB-2, HB-3."""
    await harness.start(FAST_HEARTBEAT)
    client = await harness.dashboard()
    assert (await client.recv(timeout=5))["type"] == "heartbeat:ping"
    code, _ = await client.closed()
    assert code == 1001
    assert any(m["type"] == "heartbeat:ping" for m in client.received)


async def test_any_message_is_a_sign_of_life_but_control_frames_are_not(harness) -> None:
    """HB-4: invalid text keeps the session; WebSocket pings do not."""
    await harness.start(FAST_HEARTBEAT)
    talker = await harness.dashboard()
    pinger = await harness.dashboard(dashboard_id="pinger")

    async def keep_pinging() -> None:
        while True:
            await pinger.ws.ping()
            await asyncio.sleep(0.1)

    pinging = asyncio.create_task(keep_pinging())
    try:
        for _ in range(12):  # 1.2 s, longer than timeout_s
            await talker.send_text("not json")
            await asyncio.sleep(0.1)
        code, _ = await pinger.closed()
        assert code == 1001
    finally:
        pinging.cancel()
    await talker.send({"type": "heartbeat:ping"})
    while (await talker.recv())["type"] != "heartbeat:pong":
        pass


async def test_refresh_needed_at_connect_when_inside_window(harness) -> None:
    """REFRESH-1: a token already in the window gets refresh-needed at once, once."""
    await harness.start({"refresh_window_s": 60})
    client = await harness.raw(token=harness.token(ttl=30))
    assert (await client.recv(timeout=1.5))["type"] == "auth:refresh-needed"
    await client.send({"type": "heartbeat:ping"})
    assert (await client.recv())["type"] == "heartbeat:pong"


async def test_refresh_needed_when_entering_window_and_rearmed(harness) -> None:
    """REFRESH-1, REFRESH-2, REFRESH-3, TEN-6: once per token; a refresh re-arms it."""
    await harness.start({"refresh_window_s": 1})
    client = await harness.raw(token=harness.token(ttl=1.6))
    await client.send({"type": "dashboard:connect", "dashboardId": "d"})
    await client.recv_type("agent:list")
    started = time.monotonic()
    assert (await client.recv(timeout=5))["type"] == "auth:refresh-needed"
    assert time.monotonic() - started < 5
    await client.send({"type": "auth:refresh-token", "token": harness.token(ttl=1.8)})
    assert (await client.recv())["type"] == "auth:refresh-success"
    assert (await client.recv(timeout=5))["type"] == "auth:refresh-needed"
    await client.send({"type": "auth:refresh-token", "token": harness.token(ttl=3600)})
    assert (await client.recv())["type"] == "auth:refresh-success"
    await client.quiet(1.5)  # outlived the first tokens: still open, same owner
    await client.send({"type": "dashboard:connect", "dashboardId": "d"})
    assert (await client.recv())["code"] == "ALREADY_IDENTIFIED"


@pytest.mark.parametrize("case", ["other-sub", "expires-earlier", "bad-signature", "garbage"])
async def test_refused_refresh_keeps_owner_and_expiry(harness, case: str) -> None:
    """REFRESH-4, TEN-6, AUTH-11: refresh-failed with an error; the old expiry still holds."""
    await harness.start({"refresh_window_s": 0.1})
    client = await harness.raw(token=harness.token(ttl=1.5))
    token = {
        "other-sub": harness.token("mallory", ttl=3600),
        "expires-earlier": harness.token(ttl=0.5),
        "bad-signature": harness.token(ttl=3600)[:-3] + "abc",
        "garbage": "x.y.z",
    }[case]
    await client.send({"type": "auth:refresh-token", "token": token})
    reply = await client.recv()
    assert reply["type"] == "auth:refresh-failed" and reply["error"]
    code, _ = await client.closed()
    assert code == 1008
    assert all(token not in line for line in harness.log.lines)


async def test_refresh_token_field_is_ignored(server) -> None:
    """REFRESH-6."""
    client = await server.client()
    await client.send(
        {"type": "auth:refresh-token", "token": server.token(ttl=7200), "refreshToken": "opaque"}
    )
    assert (await client.recv())["type"] == "auth:refresh-success"


async def test_expiry_closes_1008_not_before_exp(harness) -> None:
    """REFRESH-7: closed within 1 s after exp, not before."""
    await harness.start({"refresh_window_s": 0.1})
    exp_in = 1.0
    client = await harness.raw(token=harness.token(ttl=exp_in))
    opened = time.monotonic()
    code, _ = await client.closed(timeout=10)
    elapsed = time.monotonic() - opened
    assert code == 1008
    assert elapsed >= exp_in - 0.05
