"""Close codes in memory: every way the core closes a connection, with its R15 code (CLOSE-1,
CLOSE-4..CLOSE-6), driven through the core (``core_harness.py``).

The close frames on the wire, and the closes the I/O layer makes itself (shutdown, protocol
errors, sizes, slow consumers): ``test_close.py``, ``test_transport.py``, ``test_budgets.py``.
"""

from __future__ import annotations

import base64
import gzip

from core_harness import Conn, Core

TS = "2024-01-01T00:00:00Z"


def test_unexpected_error_closes_1011_and_only_that_connection() -> None:
    """CLOSE-5, AUTH-11: a failure inside the core (here its wall clock, read by a refresh)
    closes that connection with 1011, is logged, and leaves the others as they were."""
    core = Core()
    dashboard = core.dashboard()
    agent = core.agent("alice", "a1")
    dashboard.take()
    token = core.token(ttl=7200)
    core.clock.failure = RuntimeError("injected failure")
    agent.send({"type": "auth:refresh-token", "token": token})
    assert agent.closed() == (1011, "internal error")
    [record] = core.events("server_error")
    assert record["owner"] == "alice" and "injected failure" in record["reason"]
    core.clock.failure = None
    assert dashboard.recv()["status"] == "offline"  # it left like any closed agent (PRES-4)
    dashboard.roundtrip()


def inflating_past(limit: int) -> dict:
    """A ``compressed`` ping inflating to one byte more than ``limit`` (COMP-4)."""
    text = b'{"type":"heartbeat:ping","timestamp":"2024-01-01T00:00:00Z"}'
    payload = text + b" " * (limit + 1 - len(text))
    stream = gzip.compress(payload)
    return {
        "type": "compressed",
        "algorithm": "gzip",
        "originalType": "heartbeat:ping",
        "originalSize": len(payload),
        "compressedSize": len(stream),
        "data": base64.b64encode(stream).decode(),
    }


def test_every_close_of_the_core_has_its_r15_code() -> None:
    """CLOSE-1, CLOSE-4, CLOSE-6, with TRANS-4, AUTH-3, IDENT-3, HB-3, REFRESH-7, COMP-4,
    PRES-7, RATE-11: each reason its code, never 1010, each with a reason text."""
    core = Core(
        {
            "identify_timeout_s": 5,
            "heartbeat": {"interval_s": 10, "timeout_s": 30},
            "refresh_window_s": 1,
            "max_message_bytes": 4096,
            "max_connections_per_owner": 6,
        }
    )
    closed: dict[str, Conn] = {}
    binary = core.client("b")
    binary.send_binary()
    closed["binary"] = binary
    closed["auth"] = core.raw(token="not-a-jwt")
    big = core.client("c")
    big.send(inflating_past(4096))
    closed["inflate"] = big
    old = core.agent("d", "a1")
    core.agent("d", "a1")
    closed["replaced"] = old
    leaving = core.dashboard("e", "e1")
    leaving.send({"type": "dashboard:disconnect", "dashboardId": "e1"})
    closed["disconnect"] = leaving
    for _ in range(6):
        core.client("f")
    closed["owner-limit"] = core.raw(token=core.token("f"))
    closed["identify"] = core.client("g")
    expiring = closed["expiry"] = core.client("h", ttl=8)
    expiring.send({"type": "dashboard:connect", "dashboardId": "h1"})
    core.advance(7)
    expiring.send({"type": "heartbeat:ping"})  # not silent
    silent = core.dashboard("i")
    closed["heartbeat"] = silent
    core.advance(40)
    codes = {name: conn.closed()[0] for name, conn in closed.items()}
    assert codes == {
        "binary": 1003,
        "auth": 1008,
        "inflate": 1009,
        "replaced": 1008,
        "disconnect": 1000,
        "owner-limit": 1008,
        "identify": 1008,
        "expiry": 1008,
        "heartbeat": 1001,
    }
    assert all(conn.closed()[1] for conn in closed.values())
    assert closed["expiry"].closed()[1] == "token expired"
    assert closed["identify"].closed()[1] == "not identified in time"
    assert 1010 not in [code for _, code, _ in core.effects.closed]
