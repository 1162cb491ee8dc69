"""Identification end to end: IDENT-1..IDENT-6."""

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


async def test_other_message_before_identification_is_not_identified(server) -> None:
    """IDENT-2, MSG-10: NOT_IDENTIFIED with the requestId, and no effect."""
    watcher = await server.dashboard()
    agent = await server.client()
    await agent.send(
        {"type": "agent:status", "agentId": "a1", "status": "busy", "requestId": "req-7"}
    )
    reply = await agent.recv()
    assert reply["type"] == "connection:error"
    assert reply["code"] == "NOT_IDENTIFIED"
    assert reply["requestId"] == "req-7"
    assert "retryAfter" not in reply and "limits" not in reply  # TYPE-7
    await watcher.quiet(0.3)


async def test_identification_timeout_closes_1008(harness) -> None:
    """IDENT-3."""
    await harness.start({"identify_timeout_s": 0.4})
    client = await harness.client()
    await client.send({"type": "heartbeat:ping"})
    await client.recv()
    code, _ = await client.closed()
    assert code == 1008


async def test_identified_connection_is_not_closed_by_the_identify_timeout(harness) -> None:
    """IDENT-3: only unidentified connections are closed."""
    await harness.start({"identify_timeout_s": 0.3})
    dashboard = await harness.dashboard()
    await dashboard.quiet(0.6)
    await dashboard.roundtrip()


@pytest.mark.parametrize("second", ["dashboard:connect", "agent:connect"])
async def test_second_connect_is_already_identified(server, second: str) -> None:
    """IDENT-4: ALREADY_IDENTIFIED, even where the role could not send that type."""
    dashboard = await server.dashboard()
    message = (
        {"type": second, "dashboardId": "d9"}
        if second == "dashboard:connect"
        else {"type": second, "agentId": "a9", "agentType": "claude"}
    )
    await dashboard.send({**message, "requestId": "again"})
    reply = await dashboard.recv()
    assert reply["code"] == "ALREADY_IDENTIFIED"
    assert reply["requestId"] == "again"


async def test_invalid_connect_leaves_connection_unidentified(harness) -> None:
    """IDENT-5: validation:error; still unidentified; the timeout keeps running."""
    await harness.start({"identify_timeout_s": 0.8})
    client = await harness.client()
    await client.send({"type": "agent:connect", "agentId": "bad id!", "agentType": "claude"})
    reply = await client.recv()
    assert reply["type"] == "validation:error" and reply["field"] == "agentId"
    await client.send({"type": "terminal:clear", "agentId": "a1"})
    assert (await client.recv())["code"] == "NOT_IDENTIFIED"
    code, _ = await client.closed()
    assert code == 1008


async def test_agent_connect_has_no_direct_reply(server) -> None:
    """IDENT-6."""
    agent = await server.client()
    await agent.send({"type": "agent:connect", "agentId": "a1", "agentType": "codex"})
    await agent.roundtrip()  # the pong is the first message it gets
