"""Rate limits and invalid input end to end over loopback: one refusal, one invalid frame. Their
rules (RATE-1..RATE-9, VAL-1..VAL-5, MSG-12, PROF-1, PROF-3, windows sliding with a fake clock)
are driven through the core in ``test_core_ratelimit_and_validation.py``."""

from __future__ import annotations

import pytest

pytestmark = pytest.mark.asyncio


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


async def test_invalid_input_is_a_validation_error(server) -> None:
    """VAL-1, VAL-2, VAL-5: not JSON at all; the connection stays open."""
    client = await server.client()
    await client.send_text("not json")
    reply = await client.recv()
    assert reply["type"] == "validation:error"
    assert "field" not in reply
    await client.roundtrip()
