"""Heartbeats and token lifetime in memory: HB-2..HB-4, REFRESH-1..REFRESH-7, TEN-6 driven
through the core with a fake clock (``core_harness.py``): no test sleeps.

Each deadline is checked as the spec words it: nothing just before it, done within 1 s after
it. End to end over loopback (the app's timer, WebSocket control frames): ``test_heartbeat_and_
refresh.py``.
"""

from __future__ import annotations

import pytest
from core_harness import Conn, Core

EPS = 0.001
"""Just before a deadline (token times go through the wall clock: a few ulps of rounding)."""
NO_HEARTBEAT = {"heartbeat": {"interval_s": 100_000, "timeout_s": 300_000}}
"""For the refresh tests: no ping or silence within their spans."""


def test_silent_connection_is_pinged_then_closed_1001() -> None:
    """HB-2, HB-3: a ping after each ``interval_s`` of silence; closed 1001 after ``timeout_s``,
    not before."""
    core = Core({"heartbeat": {"interval_s": 30, "timeout_s": 90}})
    client = core.dashboard()
    silent_since = core.now
    core.advance_to(silent_since + 30 - EPS)
    client.quiet()
    core.advance_to(silent_since + 31)
    assert client.types() == ["heartbeat:ping"]
    core.advance_to(silent_since + 60 - EPS)
    client.quiet()
    core.advance_to(silent_since + 61)
    assert client.types() == ["heartbeat:ping"]  # again after a further interval
    core.advance_to(silent_since + 90 - EPS)
    assert client.open
    core.advance_to(silent_since + 91)
    assert client.closed() == (1001, "heartbeat timeout")


@pytest.mark.parametrize(
    "text", ["not json", "[]", '{"type":"heartbeat:pong","timestamp":"2024-01-01T00:00:00Z"}']
)
def test_any_message_is_a_sign_of_life(text: str) -> None:
    """HB-4: invalid text keeps the session as a valid message does, and postpones the pings."""
    core = Core({"heartbeat": {"interval_s": 30, "timeout_s": 90}})
    talker = core.dashboard()
    silent = core.dashboard(dashboard_id="silent")
    for _ in range(12):  # 240 s, longer than timeout_s
        core.advance(20)
        talker.send_text(text)
    assert silent.closed() == (1001, "heartbeat timeout")
    assert talker.open
    assert {m["type"] for m in talker.take()} <= {"validation:error"}  # never pinged
    talker.roundtrip()


def test_refresh_needed_at_connect_when_inside_window() -> None:
    """REFRESH-1: a token already in the window gets refresh-needed at once, once."""
    core = Core({"refresh_window_s": 60})
    client = core.client(ttl=30)
    assert client.recv()["type"] == "auth:refresh-needed"
    core.advance(10)  # within the identification timeout (20 s)
    client.quiet()
    client.send({"type": "heartbeat:ping"})
    assert client.recv()["type"] == "heartbeat:pong"


def test_refresh_needed_when_entering_window_and_rearmed() -> None:
    """REFRESH-1, REFRESH-2, REFRESH-3, TEN-6: once per token, when it enters the window; a
    refresh re-arms it and moves the expiry; same owner, same session."""
    core = Core({"refresh_window_s": 60, **NO_HEARTBEAT})
    opened = core.now
    client = core.client(ttl=100)  # exp at opened + 100: in the window from opened + 40
    client.send({"type": "dashboard:connect", "dashboardId": "d"})
    client.recv_type("agent:list")
    core.advance_to(opened + 40 - EPS)
    client.quiet()
    core.advance_to(opened + 41)
    assert client.recv()["type"] == "auth:refresh-needed"
    core.advance_to(opened + 50)
    client.quiet()  # once per token
    client.send({"type": "auth:refresh-token", "token": core.token(ttl=110)})  # exp opened+160
    assert client.recv()["type"] == "auth:refresh-success"
    core.advance_to(opened + 100 - EPS)
    client.quiet()
    core.advance_to(opened + 101)  # the first token's exp has passed: the new one holds
    assert client.recv()["type"] == "auth:refresh-needed"  # re-armed (REFRESH-2)
    assert client.open
    client.send({"type": "auth:refresh-token", "token": core.token(ttl=3600)})
    assert client.recv()["type"] == "auth:refresh-success"
    core.advance_to(opened + 1000)  # outlived the first tokens: still open, same owner
    client.quiet()
    assert client.open
    client.send({"type": "dashboard:connect", "dashboardId": "d"})
    assert client.recv()["code"] == "ALREADY_IDENTIFIED"


def refused_refresh(core: Core, client: Conn, token: str, exp: float) -> dict:
    """Send ``token`` as a refresh; the refusal; the old ``exp`` (monotonic) still holds."""
    client.send({"type": "auth:refresh-token", "token": token})
    reply = client.recv_type("auth:refresh-failed")
    assert reply["error"]
    core.advance_to(exp - EPS)
    assert client.open
    core.advance_to(exp + 1)
    assert client.closed() == (1008, "token expired")
    return reply


@pytest.mark.parametrize("case", ["other-sub", "expires-earlier", "bad-signature", "garbage"])
def test_refused_refresh_keeps_owner_and_expiry(case: str) -> None:
    """REFRESH-4, TEN-6, AUTH-11: refresh-failed with an error; the old expiry still holds; the
    refusal is logged without the token."""
    core = Core({"refresh_window_s": 0.1})
    opened = core.now
    client = core.client(ttl=1.5)
    token = {
        "other-sub": core.token("mallory", ttl=3600),
        "expires-earlier": core.token(ttl=0.5),
        "bad-signature": core.token(ttl=3600)[:-3] + "abc",
        "garbage": "x.y.z",
    }[case]
    refused_refresh(core, client, token, opened + 1.5)
    [record] = core.events("auth_failure")
    assert record["owner"] == "alice" and record["reason"].startswith("refresh: ")
    assert all(token not in line for line in core.log.lines)


def test_expiry_closes_1008_not_before_exp() -> None:
    """REFRESH-7: closed within 1 s after exp, not before; messages do not postpone it."""
    core = Core({"refresh_window_s": 0.1})
    opened = core.now
    client = core.client(ttl=1.0)
    core.advance_to(opened + 1.0 - EPS)
    assert client.recv()["type"] == "auth:refresh-needed"
    client.send({"type": "heartbeat:ping"})
    assert client.recv()["type"] == "heartbeat:pong"
    assert client.open
    core.advance_to(opened + 2.0)
    assert client.closed() == (1008, "token expired")
