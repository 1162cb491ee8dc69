"""Rate limits and invalid input end to end: RATE-1..RATE-9, VAL-1..VAL-5, TYPE-7, PROF-*."""

from __future__ import annotations

import asyncio

import pytest

pytestmark = pytest.mark.asyncio

TS = "2024-01-01T00:00:00Z"


async def test_connection_burst_limit(harness) -> None:
    """RATE-3, RATE-7, RATE-8, RATE-9, TYPE-7: the 11th message in a second is refused."""
    await harness.start({"limits": {"connection": {"burst_per_second": 3}}})
    agent = await harness.agent("alice", "a1")  # agent:connect is message 1
    for _ in range(2):
        await agent.send({"type": "agent:status", "agentId": "a1", "status": "busy"})
    await agent.send({"type": "agent:status", "agentId": "a1", "status": "busy", "requestId": "r"})
    refusal = await agent.recv()
    assert refusal["type"] == "connection:error"
    assert (refusal["code"], refusal["error"], refusal["requestId"]) == (
        "RATE_LIMIT",
        "Rate limit exceeded",
        "r",
    )
    assert refusal["retryAfter"] == 1
    assert refusal["limits"]["perSecond"] == {"used": 3, "limit": 3}
    assert refusal["limits"]["perMinute"]["limit"] == 100
    assert any(r["event"] == "rate_limited" for r in harness.log.records)  # AUTH-11
    # RATE-7: the connection stays open.
    await agent.roundtrip()


async def test_type_limits_replace_connection_limits(harness) -> None:
    """RATE-2: pings count against their own limit, not the connection's burst."""
    await harness.start(
        {
            "limits": {
                "connection": {"burst_per_second": 2},
                "types": {"heartbeat:ping": {"per_minute": 5}},
            }
        }
    )
    client = await harness.client()
    for _ in range(5):
        await client.send({"type": "heartbeat:ping"})
    assert [(await client.recv())["type"] for _ in range(5)] == ["heartbeat:pong"] * 5
    await client.send({"type": "heartbeat:ping"})
    refusal = await client.recv()
    assert refusal["code"] == "RATE_LIMIT"
    assert set(refusal["limits"]) == {"perMinute"}
    assert refusal["limits"]["perMinute"] == {"used": 5, "limit": 5}
    assert 1 <= refusal["retryAfter"] <= 60


async def test_global_limit_is_shared(harness) -> None:
    """RATE-1, RATE-9: all connections share the global scope; reported when it alone is hit."""
    await harness.start({"limits": {"global": {"per_minute": 4}}})
    one = await harness.client()
    two = await harness.client()
    for _ in range(2):
        await one.send({"type": "heartbeat:ping"})
        await two.send({"type": "heartbeat:ping"})
    for client in (one, two):
        assert [(await client.recv())["type"] for _ in range(2)] == ["heartbeat:pong"] * 2
    await two.send({"type": "heartbeat:ping"})
    refusal = await two.recv()
    assert refusal["code"] == "RATE_LIMIT"
    assert refusal["limits"]["perMinute"] == {"used": 4, "limit": 4}


async def test_invalid_messages_count_as_no_type(harness) -> None:
    """RATE-4: invalid messages use the connection's quota."""
    await harness.start({"limits": {"connection": {"burst_per_second": 2}}})
    client = await harness.client()
    for _ in range(2):
        await client.send_text("{}")
        assert (await client.recv())["type"] == "validation:error"
    await client.send({"type": "terminal:clear", "agentId": "a"})
    assert (await client.recv())["code"] == "RATE_LIMIT"


async def test_windows_slide_and_refusals_use_no_quota(harness) -> None:
    """RATE-5, RATE-6: after the window slides, messages are accepted again."""
    await harness.start({"limits": {"connection": {"burst_per_second": 2}}})
    client = await harness.client()
    for _ in range(2):
        await client.send({"type": "terminal:clear", "agentId": "a"})
        assert (await client.recv())["code"] == "NOT_IDENTIFIED"
    for _ in range(5):  # refused: must not extend the window
        await client.send({"type": "terminal:clear", "agentId": "a"})
        assert (await client.recv())["code"] == "RATE_LIMIT"
    await asyncio.sleep(1.1)
    for _ in range(2):
        await client.send({"type": "terminal:clear", "agentId": "a"})
        assert (await client.recv())["code"] == "NOT_IDENTIFIED"


async def test_null_limit_is_off(harness) -> None:
    """PROF-3, PROF-1: a limit set to null is switched off."""
    await harness.start(
        {
            "limits": {
                "types": {"heartbeat:ping": None},
                "connection": {"burst_per_second": None, "per_minute": None, "per_hour": None},
            }
        }
    )
    client = await harness.client()
    for _ in range(150):
        await client.send({"type": "heartbeat:ping"})
    assert [(await client.recv())["type"] for _ in range(150)] == ["heartbeat:pong"] * 150


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
async def test_invalid_input_is_a_validation_error(server, text: str, field: str | None) -> None:
    """VAL-1, VAL-2, VAL-5: the connection stays open."""
    client = await server.client()
    await client.send_text(text)
    reply = await client.recv()
    assert reply["type"] == "validation:error"
    assert reply.get("field") == field
    await client.roundtrip()


async def test_validation_error_echoes_well_formed_request_id(server) -> None:
    """VAL-3: echoed when 1 to 128 characters, not otherwise."""
    client = await server.client()
    await client.send({"type": "terminal:clear", "requestId": "abc"})
    assert (await client.recv())["requestId"] == "abc"
    await client.send({"type": "terminal:clear", "requestId": "x" * 129})
    assert "requestId" not in await client.recv()


async def test_first_offending_field_in_schema_order(server) -> None:
    """VAL-4: type first, then schema order (agentId before output)."""
    client = await server.client()
    await client.send({"type": "terminal:output", "agentId": "bad id", "output": {}, "zzz": 1})
    assert (await client.recv())["field"] == "agentId"


async def test_server_timestamps_are_current(server) -> None:
    """MSG-12: the server's timestamps are its time of sending."""
    from datetime import UTC, datetime

    client = await server.client()
    await client.send({"type": "heartbeat:ping", "timestamp": "1970-01-01T00:00:00Z"})
    pong = await client.recv()  # MSG-11: an old client timestamp is no reason to refuse
    stamp = datetime.fromisoformat(pong["timestamp"].replace("Z", "+00:00"))
    assert abs((datetime.now(UTC) - stamp).total_seconds()) < 5
