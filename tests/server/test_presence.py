"""Presence, roles and tenancy end to end: PRES-1..PRES-9, ROLE-1..ROLE-4, TEN-1..TEN-6."""

from __future__ import annotations

import pytest

from onsembl_spec.protocol import allowed_types

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


async def test_agent_connect_announces_online_to_owner_dashboards(server) -> None:
    """PRES-2, TEN-2: only the owner's dashboards hear of it."""
    mine = await server.dashboard("alice")
    theirs = await server.dashboard("bob")
    await server.agent("alice", "a1")
    status = await mine.recv()
    assert (status["type"], status["agentId"], status["status"]) == ("agent:status", "a1", "online")
    await theirs.quiet(0.3)


async def test_agent_status_is_recorded_and_forwarded(server) -> None:
    """PRES-3, MSG-13, MSG-11: forwarded as sent (even an odd timestamp); later lists show it."""
    dashboard = await server.dashboard()
    agent = await server.agent("alice", "a1")
    await dashboard.recv_type("agent:status")
    sent = {
        "type": "agent:status",
        "agentId": "a1",
        "status": "busy",
        "metrics": {"cpuUsage": 45.2, "memoryUsage": 67.8, "activeCommands": 1},
        "timestamp": "1999-12-31T23:59:59+05:00",
    }
    await agent.send(sent)
    assert await dashboard.recv() == sent
    later = await server.client()
    await later.send({"type": "dashboard:connect", "dashboardId": "d2"})
    assert (await later.recv())["agents"][0]["status"] == "busy"


@pytest.mark.parametrize("how", ["disconnect", "socket-close"])
async def test_agent_leaving_goes_offline(server, how: str) -> None:
    """PRES-4, CLOSE-1: offline to dashboards; no longer listed."""
    dashboard = await server.dashboard()
    agent = await server.agent("alice", "a1")
    await dashboard.recv_type("agent:status")
    if how == "disconnect":
        await agent.send({"type": "agent:disconnect", "agentId": "a1"})
        code, _ = await agent.closed()
        assert code == 1000
    else:
        await agent.close()
    status = await dashboard.recv(timeout=5)
    assert (status["type"], status["status"]) == ("agent:status", "offline")
    later = await server.client()
    await later.send({"type": "dashboard:connect", "dashboardId": "d2"})
    assert (await later.recv())["agents"] == []


async def test_agent_speaks_only_for_itself(server) -> None:
    """PRES-5: another agentId is FORBIDDEN and has no effect."""
    dashboard = await server.dashboard()
    agent = await server.agent("alice", "a1")
    await dashboard.recv_type("agent:status")
    await agent.send({"type": "agent:status", "agentId": "a2", "status": "busy", "requestId": "q"})
    reply = await agent.recv()
    assert (reply["code"], reply["requestId"]) == ("FORBIDDEN", "q")
    await dashboard.quiet(0.3)
    assert any(r["event"] == "forbidden" for r in server.log.records)  # AUTH-11


async def test_dashboard_speaks_only_for_itself(server) -> None:
    """PRES-6, CLOSE-1."""
    dashboard = await server.dashboard(dashboard_id="d1")
    await dashboard.send({"type": "dashboard:disconnect", "dashboardId": "d2"})
    assert (await dashboard.recv())["code"] == "FORBIDDEN"
    await dashboard.send({"type": "dashboard:disconnect", "dashboardId": "d1"})
    code, _ = await dashboard.closed()
    assert code == 1000


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


async def test_dashboards_may_share_an_id(server) -> None:
    """PRES-9: neither is replaced; both receive."""
    one = await server.dashboard(dashboard_id="same")
    two = await server.dashboard(dashboard_id="same")
    await server.agent("alice", "a1")
    assert (await one.recv())["type"] == "agent:status"
    assert (await two.recv())["type"] == "agent:status"


async def test_roles_may_send_their_types(server) -> None:
    """ROLE-1, ROLE-2: the allowed sets come from the schemas' x-sender."""
    assert allowed_types("dashboard") >= {
        "command:request",
        "command:interrupt",
        "system:emergency-stop",
        "batch",
        "compressed",
    }
    assert "command:status" in allowed_types("agent")
    agent = await server.agent("alice", "a1")
    await agent.send({"type": "terminal:clear", "agentId": "a1"})
    await agent.roundtrip()  # accepted silently: no error before the pong
    dashboard = await server.dashboard()
    await dashboard.send({"type": "terminal:clear", "agentId": "a1"})
    assert (await agent.recv())["type"] == "terminal:clear"


@pytest.mark.parametrize(
    ("role", "message"),
    [
        (
            "dashboard",
            {
                "type": "terminal:output",
                "agentId": "a1",
                "output": {"type": "stdout", "content": "x", "timestamp": "2024-01-01T00:00:00Z"},
            },
        ),
        ("dashboard", {"type": "agent:status", "agentId": "a1", "status": "busy"}),
        ("agent", {"type": "command:request", "agentId": "a1", "command": "ls"}),
        ("agent", {"type": "system:emergency-stop", "reason": "x"}),
    ],
)
async def test_other_types_are_forbidden(server, role: str, message: dict) -> None:
    """ROLE-3."""
    client = await (server.dashboard() if role == "dashboard" else server.agent("alice", "a1"))
    await client.send({**message, "requestId": "r"})
    reply = await client.recv()
    assert (reply["type"], reply["code"], reply["requestId"]) == (
        "connection:error",
        "FORBIDDEN",
        "r",
    )


async def test_check_order_validity_before_identification(server) -> None:
    """ROLE-4: an invalid message before identification is a validation:error."""
    client = await server.client()
    await client.send({"type": "command:request", "agentId": "a1"})
    reply = await client.recv()
    assert reply["type"] == "validation:error" and reply["field"] == "command"


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


async def test_tenancy_of_commands_and_clear(server) -> None:
    """TEN-3, TEN-4: another owner's agent is answered like an unknown one; nothing forwarded."""
    agent = await server.agent("alice", "a1")
    bob = await server.dashboard("bob")
    for message in (
        {"type": "command:request", "agentId": "a1", "command": "rm -rf /"},
        {"type": "terminal:clear", "agentId": "a1"},
        {"type": "command:request", "agentId": "nobody", "command": "ls"},
    ):
        await bob.send(message)
        reply = await bob.recv()
        assert (reply["type"], reply["code"]) == ("command:error", "AGENT_NOT_FOUND")
        assert reply["agentId"] == message["agentId"]
    await agent.quiet(0.3)


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


async def test_same_agent_id_under_two_owners(server) -> None:
    """TEN-1: agent ids are scoped by owner; neither replaces the other."""
    alice_agent = await server.agent("alice", "same")
    bob_agent = await server.agent("bob", "same")
    await alice_agent.roundtrip()
    await bob_agent.roundtrip()
    alice = await server.dashboard("alice")
    await alice.send({"type": "command:request", "agentId": "same", "command": "whoami"})
    await alice.recv_type("command:queued")
    assert (await alice_agent.recv())["type"] == "command:execute"
    await bob_agent.quiet(0.3)


async def test_emergency_stop_stays_within_owner(server) -> None:
    """TEN-2, TEN-3: another owner's agents and dashboards never see it."""
    bob_agent = await server.agent("bob", "b1")
    bob_dash = await server.dashboard("bob")
    alice = await server.dashboard("alice")
    await alice.send({"type": "system:emergency-stop", "reason": "stop"})
    await alice.roundtrip()
    await bob_agent.quiet(0.3)
    await bob_dash.quiet(0.1)
