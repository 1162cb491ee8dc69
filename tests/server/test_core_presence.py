"""Presence, roles and tenancy in memory: PRES-1..PRES-9, ROLE-1..ROLE-4, TEN-1..TEN-6 driven
through the core (``core_harness.py``).

End to end over loopback: ``test_presence.py``.
"""

from __future__ import annotations

from typing import Any

import pytest
from core_harness import Core

from onsembl_spec.protocol import allowed_types


def test_dashboard_connect_lists_the_owners_agents_only() -> None:
    """PRES-1, TEN-1: the owner's agents with agentId, agentType, status, connectedAt."""
    core = Core()
    core.agent("alice", "a1", "gemini")
    core.agent("alice", "a2", "codex")
    core.agent("bob", "b1")
    client = core.client("alice")
    client.send({"type": "dashboard:connect", "dashboardId": "d1"})
    listing = client.recv()
    assert listing["type"] == "agent:list"
    assert sorted((a["agentId"], a["agentType"], a["status"]) for a in listing["agents"]) == [
        ("a1", "gemini", "online"),
        ("a2", "codex", "online"),
    ]
    assert all("connectedAt" in a for a in listing["agents"])
    client.quiet()


def test_agent_connect_announces_online_to_owner_dashboards() -> None:
    """PRES-2, TEN-2: only the owner's dashboards hear of it."""
    core = Core()
    mine = core.dashboard("alice")
    theirs = core.dashboard("bob")
    core.agent("alice", "a1")
    status = mine.recv()
    assert (status["type"], status["agentId"], status["status"]) == ("agent:status", "a1", "online")
    mine.quiet()
    theirs.quiet()


def test_agent_status_is_recorded_and_forwarded() -> None:
    """PRES-3, MSG-13, MSG-11: forwarded as sent (even an odd timestamp); later lists show it."""
    core = Core()
    dashboard = core.dashboard()
    agent = core.agent("alice", "a1")
    dashboard.recv_type("agent:status")
    sent = {
        "type": "agent:status",
        "agentId": "a1",
        "status": "busy",
        "metrics": {"cpuUsage": 45.2, "memoryUsage": 67.8, "activeCommands": 1},
        "timestamp": "1999-12-31T23:59:59+05:00",
    }
    agent.send(sent)
    assert dashboard.recv() == sent
    agent.quiet()
    later = core.client()
    later.send({"type": "dashboard:connect", "dashboardId": "d2"})
    assert later.recv()["agents"][0]["status"] == "busy"


@pytest.mark.parametrize("how", ["disconnect", "socket-close"])
def test_agent_leaving_goes_offline(how: str) -> None:
    """PRES-4, CLOSE-1: offline to dashboards; no longer listed."""
    core = Core()
    dashboard = core.dashboard()
    agent = core.agent("alice", "a1")
    dashboard.recv_type("agent:status")
    if how == "disconnect":
        agent.send({"type": "agent:disconnect", "agentId": "a1"})
        assert agent.closed() == (1000, "disconnected")
    else:
        agent.leave()
    status = dashboard.recv()
    assert (status["type"], status["status"]) == ("agent:status", "offline")
    dashboard.quiet()  # once
    later = core.client()
    later.send({"type": "dashboard:connect", "dashboardId": "d2"})
    assert later.recv()["agents"] == []


def test_agent_speaks_only_for_itself() -> None:
    """PRES-5, AUTH-11: another agentId is FORBIDDEN, has no effect and is logged."""
    core = Core()
    dashboard = core.dashboard()
    agent = core.agent("alice", "a1")
    dashboard.recv_type("agent:status")
    agent.send({"type": "agent:status", "agentId": "a2", "status": "busy", "requestId": "q"})
    reply = agent.recv()
    assert (reply["type"], reply["code"], reply["requestId"]) == (
        "connection:error",
        "FORBIDDEN",
        "q",
    )
    dashboard.quiet()
    [record] = core.events("forbidden")
    assert (record["owner"], record["remote"]) == ("alice", f"127.0.0.1:{40000 + agent.id}")


def test_dashboard_speaks_only_for_itself() -> None:
    """PRES-6, CLOSE-1."""
    core = Core()
    dashboard = core.dashboard(dashboard_id="d1")
    dashboard.send({"type": "dashboard:disconnect", "dashboardId": "d2"})
    assert dashboard.recv()["code"] == "FORBIDDEN"
    assert dashboard.open
    dashboard.send({"type": "dashboard:disconnect", "dashboardId": "d1"})
    assert dashboard.closed() == (1000, "disconnected")


def test_second_agent_connection_replaces_the_first() -> None:
    """PRES-7, PRES-8, AUTH-11: old closed 1008; online, no offline; running fails; pending stay;
    the old connection's end changes nothing."""
    core = Core()
    dashboard = core.dashboard()
    old = core.agent("alice", "a1")
    dashboard.recv_type("agent:status")
    for name in ("first", "second"):
        dashboard.send({"type": "command:request", "agentId": "a1", "command": name})
        dashboard.recv_type("command:queued")
        dashboard.recv_type("command:status")
    running = old.recv_type("command:execute")
    assert running["command"] == "first"
    new = core.agent("alice", "a1", "codex")
    assert old.closed() == (1008, "replaced by a newer connection")
    failed = dashboard.recv_type("command:status")
    assert (failed["commandId"], failed["status"]) == (running["commandId"], "failed")
    online = dashboard.recv_type("agent:status")
    assert online["status"] == "online"
    nxt = new.recv_type("command:execute")
    assert nxt["command"] == "second"
    dashboard.quiet()  # no offline
    assert [r["event"] for r in core.log.records] == ["agent_replaced"]
    later = core.client()
    later.send({"type": "dashboard:connect", "dashboardId": "d2"})
    assert [(a["agentId"], a["agentType"]) for a in later.recv()["agents"]] == [("a1", "codex")]


def test_dashboards_may_share_an_id() -> None:
    """PRES-9: neither is replaced; both receive."""
    core = Core()
    one = core.dashboard(dashboard_id="same")
    two = core.dashboard(dashboard_id="same")
    core.agent("alice", "a1")
    assert one.recv()["type"] == "agent:status"
    assert two.recv()["type"] == "agent:status"
    assert one.open and two.open


def test_roles_may_send_their_types() -> None:
    """ROLE-1, ROLE-2: the allowed sets come from the schemas' x-sender."""
    assert allowed_types("dashboard") >= {
        "command:request",
        "command:interrupt",
        "system:emergency-stop",
        "batch",
        "compressed",
    }
    assert "command:status" in allowed_types("agent")
    core = Core()
    agent = core.agent("alice", "a1")
    agent.send({"type": "terminal:clear", "agentId": "a1"})
    agent.roundtrip()  # accepted silently: no error before the pong
    dashboard = core.dashboard()
    dashboard.send({"type": "terminal:clear", "agentId": "a1"})
    assert agent.recv()["type"] == "terminal:clear"
    dashboard.quiet()


FORBIDDEN_CASES: list[tuple[str, dict[str, Any]]] = [
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
]


@pytest.mark.parametrize(("role", "message"), FORBIDDEN_CASES)
def test_other_types_are_forbidden(role: str, message: dict[str, Any]) -> None:
    """ROLE-3: FORBIDDEN with the requestId, and no effect."""
    core = Core()
    watcher = core.dashboard(dashboard_id="watcher")
    client = core.dashboard() if role == "dashboard" else core.agent("alice", "a1")
    watcher.take()
    client.send({**message, "requestId": "r"})
    reply = client.recv()
    assert (reply["type"], reply["code"], reply["requestId"]) == (
        "connection:error",
        "FORBIDDEN",
        "r",
    )
    watcher.quiet()


def test_check_order_validity_before_identification() -> None:
    """ROLE-4: an invalid message before identification is a validation:error."""
    core = Core()
    client = core.client()
    client.send({"type": "command:request", "agentId": "a1"})
    reply = client.recv()
    assert reply["type"] == "validation:error" and reply["field"] == "command"


def test_tenancy_of_commands_and_clear() -> None:
    """TEN-3, TEN-4: another owner's agent is answered like an unknown one; nothing forwarded."""
    core = Core()
    agent = core.agent("alice", "a1")
    alice = core.dashboard("alice")
    bob = core.dashboard("bob")
    for message in (
        {"type": "command:request", "agentId": "a1", "command": "rm -rf /"},
        {"type": "terminal:clear", "agentId": "a1"},
        {"type": "command:request", "agentId": "nobody", "command": "ls"},
    ):
        bob.send(message)
        reply = bob.recv()
        assert (reply["type"], reply["code"]) == ("command:error", "AGENT_NOT_FOUND")
        assert reply["agentId"] == message["agentId"]
    agent.quiet()
    alice.quiet()


def test_same_agent_id_under_two_owners() -> None:
    """TEN-1: agent ids are scoped by owner; neither replaces the other."""
    core = Core()
    alice_agent = core.agent("alice", "same")
    bob_agent = core.agent("bob", "same")
    assert alice_agent.open and bob_agent.open
    alice_agent.roundtrip()
    bob_agent.roundtrip()
    alice = core.dashboard("alice")
    alice.send({"type": "command:request", "agentId": "same", "command": "whoami"})
    alice.recv_type("command:queued")
    assert alice_agent.recv()["type"] == "command:execute"
    bob_agent.quiet()


def test_emergency_stop_stays_within_owner() -> None:
    """TEN-2, TEN-3: another owner's agents and dashboards never see it."""
    core = Core()
    bob_agent = core.agent("bob", "b1")
    bob_dash = core.dashboard("bob")
    alice_agent = core.agent("alice", "a1")
    alice = core.dashboard("alice")
    alice.send({"type": "system:emergency-stop", "reason": "stop"})
    alice.roundtrip()
    assert alice_agent.recv()["type"] == "system:emergency-stop"
    bob_agent.quiet()
    bob_dash.quiet()
