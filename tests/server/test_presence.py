"""Presence, roles and tenancy end to end over loopback: one test or a few per area. Their
rules (PRES-1..PRES-9, ROLE-1..ROLE-4, TEN-1..TEN-6) are driven through the core in
``test_core_presence.py``."""

from __future__ import annotations

import pytest

pytestmark = pytest.mark.asyncio


async def test_dashboard_connect_answers_agent_list_first(server) -> None:
    """PRES-1: the owner's agents with agentId, agentType, status, connectedAt."""
    await server.agent("alice", "a1", "gemini")
    await server.agent("bob", "b1")
    client = await server.client("alice")
    await client.send({"type": "dashboard:connect", "dashboardId": "d1"})
    listing = await client.recv()
    assert listing["type"] == "agent:list"
    assert [(a["agentId"], a["agentType"], a["status"]) for a in listing["agents"]] == [
        ("a1", "gemini", "online")
    ]
    assert "connectedAt" in listing["agents"][0]


async def test_agent_whose_socket_ends_goes_offline(server) -> None:
    """PRES-4: the connection ending without a disconnect: offline to dashboards; no longer
    listed (the disconnect message, CLOSE-1: ``test_core_presence.py``)."""
    dashboard = await server.dashboard()
    agent = await server.agent("alice", "a1")
    await dashboard.recv_type("agent:status")
    await agent.close()
    status = await dashboard.recv(timeout=5)
    assert (status["type"], status["status"]) == ("agent:status", "offline")
    later = await server.client()
    await later.send({"type": "dashboard:connect", "dashboardId": "d2"})
    assert (await later.recv())["agents"] == []


async def test_second_agent_connection_replaces_the_first(server) -> None:
    """PRES-7, PRES-8, AUTH-11: old closed 1008; online, no offline; running fails; pending stay."""
    dashboard = await server.dashboard()
    old = await server.agent("alice", "a1")
    await dashboard.recv_type("agent:status")
    for name in ("first", "second"):
        await dashboard.send({"type": "command:request", "agentId": "a1", "command": name})
        await dashboard.recv_type("command:queued")
        await dashboard.recv_type("command:status")
    running = await old.recv_type("command:execute")
    assert running["command"] == "first"
    new = await server.agent("alice", "a1", sync=False)
    code, _ = await old.closed()
    assert code == 1008
    failed = await dashboard.recv_type("command:status")
    assert (failed["commandId"], failed["status"]) == (running["commandId"], "failed")
    online = await dashboard.recv_type("agent:status")
    assert online["status"] == "online"
    nxt = await new.recv_type("command:execute")
    assert nxt["command"] == "second"
    await dashboard.quiet(0.3)  # no offline
    assert any(r["event"] == "agent_replaced" for r in server.log.records)


async def test_check_order_identification_before_role(server) -> None:
    """ROLE-4: a server-only type before identification is NOT_IDENTIFIED, after it FORBIDDEN."""
    client = await server.client()
    message = {"type": "auth:refresh-needed"}
    await client.send(message)
    assert (await client.recv())["code"] == "NOT_IDENTIFIED"
    await client.send({"type": "dashboard:connect", "dashboardId": "d"})
    await client.recv_type("agent:list")
    await client.send(message)
    assert (await client.recv())["code"] == "FORBIDDEN"


async def test_tenancy_of_interrupt(server) -> None:
    """TEN-5: another owner's command is answered like an unknown one."""
    await server.agent("alice", "a1")
    alice = await server.dashboard("alice")
    await alice.send({"type": "command:request", "agentId": "a1", "command": "ls"})
    queued = await alice.recv_type("command:queued")
    bob = await server.dashboard("bob")
    for command_id in (queued["commandId"], "cmd-unknown"):
        await bob.send({"type": "command:interrupt", "commandId": command_id})
        reply = await bob.recv()
        assert (reply["code"], reply["commandId"]) == ("COMMAND_NOT_FOUND", command_id)
