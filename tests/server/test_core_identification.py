"""Identification in memory: IDENT-1..IDENT-6 driven through the core (``core_harness.py``).

End to end over loopback: ``test_identification.py``; the identification timeout's close
frame on the wire: ``test_close.py``.
"""

from __future__ import annotations

import pytest
from core_harness import Core


def test_other_message_before_identification_is_not_identified() -> None:
    """IDENT-2, MSG-10: NOT_IDENTIFIED with the requestId, and no effect."""
    core = Core()
    watcher = core.dashboard()
    agent = core.client()
    agent.send({"type": "agent:status", "agentId": "a1", "status": "busy", "requestId": "req-7"})
    reply = agent.recv()
    assert reply["type"] == "connection:error"
    assert reply["code"] == "NOT_IDENTIFIED"
    assert reply["requestId"] == "req-7"
    assert "retryAfter" not in reply and "limits" not in reply  # TYPE-7
    watcher.quiet()
    agent.quiet()


def test_identification_timeout_closes_1008() -> None:
    """IDENT-3: not before ``identify_timeout_s`` after the handshake, within 1 s after it;
    messages other than a connect do not postpone it."""
    core = Core({"identify_timeout_s": 0.4})
    opened = core.now
    client = core.client()
    client.send({"type": "heartbeat:ping"})
    assert client.recv()["type"] == "heartbeat:pong"
    core.advance_to(opened + 0.39)
    client.send({"type": "heartbeat:ping"})
    assert client.recv()["type"] == "heartbeat:pong"
    assert client.open
    core.advance_to(opened + 0.4 + 1.0)  # within 1 s after the deadline
    assert client.closed() == (1008, "not identified in time")


def test_identified_connection_is_not_closed_by_the_identify_timeout() -> None:
    """IDENT-3: only unidentified connections are closed."""
    core = Core({"identify_timeout_s": 0.3})
    dashboard = core.dashboard()
    agent = core.agent("alice", "a1")
    assert dashboard.recv()["status"] == "online"
    core.advance(10.0)
    dashboard.quiet()
    agent.quiet()
    dashboard.roundtrip()
    agent.roundtrip()


@pytest.mark.parametrize("second", ["dashboard:connect", "agent:connect"])
@pytest.mark.parametrize("first", ["dashboard", "agent"])
def test_second_connect_is_already_identified(first: str, second: str) -> None:
    """IDENT-4: ALREADY_IDENTIFIED, even where the role could not send that type."""
    core = Core()
    watcher = core.dashboard(dashboard_id="watcher")
    client = core.dashboard() if first == "dashboard" else core.agent("alice", "a1")
    watcher.take()
    message = (
        {"type": second, "dashboardId": "d9"}
        if second == "dashboard:connect"
        else {"type": second, "agentId": "a9", "agentType": "claude"}
    )
    client.send({**message, "requestId": "again"})
    reply = client.recv()
    assert (reply["type"], reply["code"]) == ("connection:error", "ALREADY_IDENTIFIED")
    assert reply["requestId"] == "again"
    watcher.quiet()  # no agent a9 came online


def test_invalid_connect_leaves_connection_unidentified() -> None:
    """IDENT-5: validation:error; still unidentified; the timeout keeps running."""
    core = Core({"identify_timeout_s": 0.8})
    opened = core.now
    client = core.client()
    client.send({"type": "agent:connect", "agentId": "bad id!", "agentType": "claude"})
    reply = client.recv()
    assert reply["type"] == "validation:error" and reply["field"] == "agentId"
    client.send({"type": "terminal:clear", "agentId": "a1"})
    assert client.recv()["code"] == "NOT_IDENTIFIED"
    core.advance_to(opened + 0.79)
    assert client.open
    core.advance_to(opened + 1.8)
    assert client.closed()[0] == 1008


def test_agent_connect_has_no_direct_reply() -> None:
    """IDENT-6."""
    core = Core()
    agent = core.client()
    agent.send({"type": "agent:connect", "agentId": "a1", "agentType": "codex"})
    assert agent.take() == []
    agent.roundtrip()  # the pong is the first message it gets
