"""Rate limits and invalid input in memory: RATE-1..RATE-9, VAL-1..VAL-5, MSG-12, PROF-1, PROF-3
driven through the core with a fake clock (``core_harness.py``): windows slide without
sleeping.

End to end over loopback: ``test_ratelimit_and_validation.py``; owners' limits and the log
of abusers (RATE-10..RATE-12): ``test_abuse.py``.
"""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from core_harness import Core


def test_connection_burst_limit_reports_every_window() -> None:
    """RATE-3, RATE-7, RATE-8, RATE-9, TYPE-7, AUTH-11: the connection's windows, each with
    its use; the connection stays open and the refused message has no effect."""
    core = Core({"limits": {"connection": {"burst_per_second": 3}}})
    dashboard = core.dashboard()
    agent = core.agent("alice", "a1")  # agent:connect is message 1
    dashboard.take()
    for _ in range(2):
        agent.send({"type": "agent:status", "agentId": "a1", "status": "busy"})
    assert len(dashboard.take()) == 2
    agent.send({"type": "agent:status", "agentId": "a1", "status": "busy", "requestId": "r"})
    refusal = agent.recv()
    assert (refusal["type"], refusal["code"], refusal["error"], refusal["requestId"]) == (
        "connection:error",
        "RATE_LIMIT",
        "Rate limit exceeded",
        "r",
    )
    assert refusal["retryAfter"] == 1
    assert refusal["limits"] == {
        "perSecond": {"used": 3, "limit": 3},
        "perMinute": {"used": 3, "limit": 100},
        "perHour": {"used": 3, "limit": 1000},
    }
    dashboard.quiet()  # not forwarded
    [record] = core.events("rate_limited")
    assert (record["owner"], record["scope"]) == ("alice", "connection")
    assert agent.open
    core.advance(1.0)
    agent.roundtrip()


def test_type_limits_replace_connection_limits() -> None:
    """RATE-2: pings count against their own limit, not the connection's burst."""
    core = Core(
        {
            "limits": {
                "connection": {"burst_per_second": 2},
                "types": {"heartbeat:ping": {"per_minute": 5}},
            }
        }
    )
    client = core.client()
    for _ in range(5):
        client.send({"type": "heartbeat:ping"})
    assert client.types() == ["heartbeat:pong"] * 5
    client.send({"type": "heartbeat:ping"})
    refusal = client.recv()
    assert refusal["code"] == "RATE_LIMIT"
    assert set(refusal["limits"]) == {"perMinute"}
    assert refusal["limits"]["perMinute"] == {"used": 5, "limit": 5}
    assert refusal["retryAfter"] == 60  # the first ping leaves the minute 60 s after it
    client.send({"type": "terminal:clear", "agentId": "a"})  # the connection's burst is unused
    assert client.recv()["code"] == "NOT_IDENTIFIED"


def test_global_limit_is_shared() -> None:
    """RATE-1, RATE-9: all connections share the global scope; reported when it alone is hit."""
    core = Core({"limits": {"global": {"per_minute": 4}}})
    one = core.client()
    two = core.client("bob")
    for _ in range(2):
        one.send({"type": "heartbeat:ping"})
        two.send({"type": "heartbeat:ping"})
    for client in (one, two):
        assert client.types() == ["heartbeat:pong"] * 2
    two.send({"type": "heartbeat:ping"})
    refusal = two.recv()
    assert refusal["code"] == "RATE_LIMIT"
    assert refusal["limits"]["perMinute"] == {"used": 4, "limit": 4}
    one.send({"type": "heartbeat:ping"})
    assert one.recv()["code"] == "RATE_LIMIT"


def test_own_scope_is_reported_before_the_global_one() -> None:
    """RATE-9: when the connection's and the global scope are both exceeded, the connection's
    is reported."""
    core = Core({"limits": {"connection": {"burst_per_second": 2}, "global": {"per_minute": 3}}})
    one = core.client()
    two = core.client("bob")
    clear = {"type": "terminal:clear", "agentId": "a"}  # counted in the connection's scope
    for _ in range(2):
        one.send(clear)
    two.send(clear)
    assert [m["code"] for m in one.take() + two.take()] == ["NOT_IDENTIFIED"] * 3
    one.send(clear)
    assert one.recv()["limits"] == {
        "perSecond": {"used": 2, "limit": 2},
        "perMinute": {"used": 2, "limit": 100},
        "perHour": {"used": 2, "limit": 1000},
    }
    two.send(clear)
    assert two.recv()["limits"]["perMinute"] == {"used": 3, "limit": 3}


def test_invalid_messages_count_as_no_type() -> None:
    """RATE-4: invalid messages use the connection's quota; over it they are still answered
    ``validation:error``."""
    core = Core({"limits": {"connection": {"burst_per_second": 2}}})
    client = core.client()
    for _ in range(2):
        client.send_text("{}")
        assert client.recv()["type"] == "validation:error"
    client.send({"type": "terminal:clear", "agentId": "a"})
    assert client.recv()["code"] == "RATE_LIMIT"
    client.send_text("{}")
    assert client.recv()["type"] == "validation:error"


def test_windows_slide_and_refusals_use_no_quota() -> None:
    """RATE-5, RATE-6: after the window slides, messages are accepted again; refused ones
    did not extend it."""
    core = Core({"limits": {"connection": {"burst_per_second": 2}}})
    client = core.client()
    for _ in range(2):
        client.send({"type": "terminal:clear", "agentId": "a"})
        assert client.recv()["code"] == "NOT_IDENTIFIED"
    for _ in range(5):  # refused: must not extend the window
        core.advance(0.1)
        client.send({"type": "terminal:clear", "agentId": "a"})
        assert client.recv()["code"] == "RATE_LIMIT"
    core.advance(0.4)  # 0.9 s after the first two
    client.send({"type": "terminal:clear", "agentId": "a"})
    assert client.recv()["code"] == "RATE_LIMIT"
    core.advance(0.2)
    for _ in range(2):
        client.send({"type": "terminal:clear", "agentId": "a"})
        assert client.recv()["code"] == "NOT_IDENTIFIED"
    client.send({"type": "terminal:clear", "agentId": "a"})
    assert client.recv()["code"] == "RATE_LIMIT"


def test_null_limit_is_off() -> None:
    """PROF-3, PROF-1: a limit set to null is switched off."""
    core = Core(
        {
            "limits": {
                "types": {"heartbeat:ping": None},
                "connection": {"burst_per_second": None, "per_minute": None, "per_hour": None},
            }
        }
    )
    client = core.client()
    for _ in range(150):
        client.send({"type": "heartbeat:ping"})
    assert client.types() == ["heartbeat:pong"] * 150


@pytest.mark.parametrize(
    ("text", "field"),
    [
        ("not json", None),
        ("[1, 2]", None),
        ('{"timestamp": "2024-01-01T00:00:00Z"}', "type"),
        ('{"type": "no:such", "timestamp": "2024-01-01T00:00:00Z"}', "type"),
        ('{"type": "terminal:clear", "timestamp": "2024-01-01T00:00:00Z"}', "agentId"),
        ('{"type": "heartbeat:ping", "timestamp": "2024-13-01T00:00:00Z"}', "timestamp"),
        ('{"type": "heartbeat:ping", "timestamp": "2024-01-01T00:00:00Z", "x": 1}', "x"),
        ('{"type": "heartbeat:ping", "timestamp": NaN}', None),
    ],
)
def test_invalid_input_is_a_validation_error(text: str, field: str | None) -> None:
    """VAL-1, VAL-2, VAL-5: the connection stays open."""
    core = Core()
    client = core.client()
    client.send_text(text)
    reply = client.recv()
    assert reply["type"] == "validation:error"
    assert reply.get("field") == field
    client.roundtrip()


def test_validation_error_echoes_well_formed_request_id() -> None:
    """VAL-3: echoed when 1 to 128 characters, not otherwise."""
    core = Core()
    client = core.client()
    client.send({"type": "terminal:clear", "requestId": "abc"})
    assert client.recv()["requestId"] == "abc"
    client.send({"type": "terminal:clear", "requestId": "x" * 128})
    assert client.recv()["requestId"] == "x" * 128
    client.send({"type": "terminal:clear", "requestId": "x" * 129})
    assert "requestId" not in client.recv()


def test_first_offending_field_in_schema_order() -> None:
    """VAL-4: type first, then schema order (agentId before output)."""
    core = Core()
    client = core.client()
    client.send({"type": "terminal:output", "agentId": "bad id", "output": {}, "zzz": 1})
    assert client.recv()["field"] == "agentId"


def test_server_timestamps_are_current() -> None:
    """MSG-12, MSG-11: the server's timestamps are its time of sending; an old client
    timestamp is no reason to refuse."""
    core = Core()
    client = core.client()
    client.send({"type": "heartbeat:ping", "timestamp": "1970-01-01T00:00:00Z"})
    pong = client.recv()
    assert pong["type"] == "heartbeat:pong"
    stamp = datetime.fromisoformat(pong["timestamp"].replace("Z", "+00:00"))
    assert abs((datetime.now(UTC) - stamp).total_seconds()) < 5
