"""The in-memory harness itself (``core_harness.py``): it fails where a loopback client would."""

from __future__ import annotations

import pytest
from core_harness import Core


def test_an_invalid_message_from_the_core_fails_the_test() -> None:
    """MSG-8: every message the core sends is validated, as the loopback clients do."""
    core = Core()
    conn = core.client()
    core.effects.send(conn.id, '{"type":"heartbeat:pong"}')  # no timestamp
    with pytest.raises(AssertionError, match="MSG-8"):
        core.settle()


def test_nothing_is_delivered_after_the_close() -> None:
    """CLOSE-6: the close frame is the last frame; the connection then ends (``closed``)."""
    core = Core()
    conn = core.client()
    conn.send_binary()
    assert conn.closed() == (1003, "binary frames are not accepted")
    assert conn.ended and conn.received == []
    with pytest.raises(AssertionError, match="after it ended"):
        core.effects.send(conn.id, '{"type":"heartbeat:ping","timestamp":"2024-01-01T00:00:00Z"}')
        core.settle()


def test_advance_ticks_at_each_deadline_in_order() -> None:
    """HB-2: a ping after each interval of silence, at the deadline, not at the end of the move."""
    core = Core({"heartbeat": {"interval_s": 10, "timeout_s": 45}})
    conn = core.dashboard()
    core.advance(9.9)
    conn.quiet()
    assert conn.received[-1]["type"] == "agent:list"
    core.advance(30.0)
    assert conn.types() == ["heartbeat:ping"] * 3
    assert conn.open
    core.advance(5.0)  # 44.9 s of silence
    assert conn.types() == ["heartbeat:ping"] and conn.open
    core.advance(1.0)  # HB-3: within 1 s after the timeout
    assert conn.closed() == (1001, "heartbeat timeout")


def test_a_refused_open_is_reported_closed() -> None:
    """AUTH-3: no session; the harness sees the close and no message."""
    core = Core()
    conn = core.raw(token="not-a-jwt")
    assert conn.closed() == (1008, "authentication failed") and conn.ended
    assert conn.received == []
