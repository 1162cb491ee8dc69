"""Terminal forwarding, batch and compressed in memory: TERM-2, MSG-14, BATCH-1..BATCH-5,
COMP-2, COMP-3, COMP-5 driven through the core with real gzip (``core_harness.py``).

End to end over loopback (output to every dashboard in order and plain, a compressed message,
a gzip bomb's close): ``test_terminal_and_wrappers.py``; inflation shared by a frame (COMP-6):
``test_abuse.py``.
"""

from __future__ import annotations

import base64
import gzip
from collections.abc import Callable
from typing import Any

import pytest
from core_harness import Core

from onsembl_spec.wire import encode_batch, encode_compressed

TS = "2024-01-01T00:00:00Z"


def output(n: int, agent_id: str = "a1") -> dict[str, Any]:
    return {
        "type": "terminal:output",
        "agentId": agent_id,
        "commandId": "c1",
        "output": {"type": "stdout", "content": f"line {n}\n", "timestamp": TS},
        "timestamp": TS,
    }


def test_output_reaches_the_owners_dashboards_unchanged() -> None:
    """TERM-1, MSG-13, TEN-2: every dashboard of the owner, in order; ``requestId`` dropped,
    everything else kept; the agent and other owners get nothing."""
    core = Core()
    agent = core.agent("alice", "a1")
    dashboards = [core.dashboard(dashboard_id=f"d{i}") for i in range(3)]
    other = core.dashboard("bob")
    for n in range(20):
        agent.send({**output(n), "requestId": f"r{n}"} if n == 0 else output(n))
    for dashboard in dashboards:
        got = dashboard.take()
        assert got == [output(n) for n in range(20)]
    agent.quiet()
    other.quiet()


def test_clear_from_dashboard_and_from_agent() -> None:
    """TERM-2: a dashboard's clear to the agent and the other dashboards; an agent's to every
    dashboard."""
    core = Core()
    agent = core.agent("alice", "a1")
    sender = core.dashboard(dashboard_id="sender")
    other = core.dashboard(dashboard_id="other")
    sender.send({"type": "terminal:clear", "agentId": "a1"})
    assert agent.recv()["type"] == "terminal:clear"
    assert other.recv()["type"] == "terminal:clear"
    sender.quiet()
    agent.send({"type": "terminal:clear", "agentId": "a1"})
    assert sender.recv()["type"] == "terminal:clear"
    assert other.recv()["type"] == "terminal:clear"
    agent.quiet()


def test_duplicate_member_last_wins() -> None:
    """MSG-14: the last ``agentId`` counts (here: the agent's own, so it is forwarded)."""
    core = Core()
    agent = core.agent("alice", "a1")
    dashboard = core.dashboard()
    agent.send_text(
        '{"type":"agent:status","agentId":"zz","agentId":"a1","status":"busy",'
        f'"timestamp":"{TS}"}}'
    )
    status = dashboard.recv()
    assert (status["agentId"], status["status"]) == ("a1", "busy")
    agent.send_text(
        '{"type":"agent:status","agentId":"a1","agentId":"zz","status":"busy",'
        f'"timestamp":"{TS}"}}'
    )
    assert agent.recv()["code"] == "FORBIDDEN"
    dashboard.quiet()


def test_batch_messages_are_processed_in_order() -> None:
    """BATCH-4, TERM-3: each inner message handled as if sent alone; an invalid one answered
    with its path in the batch."""
    core = Core()
    agent = core.agent("alice", "a1")
    dashboard = core.dashboard()
    bad = {"type": "terminal:output", "agentId": "a1", "timestamp": TS, "requestId": "bad"}
    agent.send(encode_batch([output(1), bad, output(2), "not an object"]))
    first = agent.recv()
    assert (first["type"], first["field"], first["requestId"]) == (
        "validation:error",
        "messages.1.output",
        "bad",
    )
    second = agent.recv()
    assert (second["type"], second["field"]) == ("validation:error", "messages.3")
    assert [m["output"]["content"] for m in dashboard.take()] == ["line 1\n", "line 2\n"]


def test_batch_count_mismatch_rejects_all() -> None:
    """BATCH-1."""
    core = Core()
    agent = core.agent("alice", "a1")
    dashboard = core.dashboard()
    batch = encode_batch([output(1), output(2)])
    batch["count"] = 3
    agent.send(batch)
    reply = agent.recv()
    assert (reply["type"], reply["field"]) == ("validation:error", "count")
    dashboard.quiet()


def test_batch_wrapper_invalid_rejects_all() -> None:
    """BATCH-2: the wrapper's own fields first; none processed."""
    core = Core()
    agent = core.agent("alice", "a1")
    dashboard = core.dashboard()
    batch = encode_batch([output(1)])
    batch["extra"] = 1
    agent.send(batch)
    assert agent.recv()["field"] == "extra"
    agent.send({"type": "batch", "messages": [], "count": 0})
    assert agent.recv()["field"] in {"messages", "count"}
    dashboard.quiet()


def test_batch_in_batch_is_invalid() -> None:
    """BATCH-3: the inner batch is one invalid message; the others are processed."""
    core = Core()
    agent = core.agent("alice", "a1")
    dashboard = core.dashboard()
    agent.send(encode_batch([encode_batch([output(1)]), output(2)]))
    assert agent.recv()["field"] == "messages.0.type"
    assert [m["output"]["content"] for m in dashboard.take()] == ["line 2\n"]


def test_wrappers_do_not_count_inner_messages_do() -> None:
    """BATCH-5, RATE-1: a batch of 3 pings under a 2 per minute ping limit: 2 pongs, 1 refusal;
    a compressed ping counts once, as the ping it holds."""
    core = Core({"limits": {"types": {"heartbeat:ping": {"per_minute": 2}}}})
    client = core.dashboard()
    ping = {"type": "heartbeat:ping", "timestamp": TS}
    client.send(encode_batch([ping, ping, ping]))
    assert client.types() == ["heartbeat:pong", "heartbeat:pong", "connection:error"]
    core.advance(61)  # the minute has passed
    client.quiet()
    client.send(encode_compressed(ping))
    client.send(encode_compressed(ping))
    assert client.types() == ["heartbeat:pong", "heartbeat:pong"]


def test_compressed_is_processed_like_plain() -> None:
    """COMP-1: the inner message is forwarded as itself, not compressed."""
    core = Core()
    agent = core.agent("alice", "a1")
    dashboard = core.dashboard()
    agent.send(encode_compressed(output(7)))
    assert dashboard.take() == [output(7)]


def with_stream(message: dict[str, Any], stream: bytes) -> dict[str, Any]:
    """``message`` carrying ``stream`` as its data, with a matching ``compressedSize``."""
    return {**message, "data": base64.b64encode(stream).decode(), "compressedSize": len(stream)}


CORRUPTIONS: dict[str, tuple[Callable[[dict[str, Any]], dict[str, Any]], str]] = {
    "bad-base64": (lambda m: {**m, "data": "!!!not base64!!!"}, "data"),
    "not-gzip": (lambda m: with_stream(m, b"not gzip at all"), "data"),
    "truncated-gzip": (
        lambda m: with_stream(m, base64.b64decode(m["data"])[:-9]),
        "data",
    ),
    "compressed-size": (
        lambda m: {**m, "compressedSize": m["compressedSize"] + 1},
        "compressedSize",
    ),
    "original-size": (lambda m: {**m, "originalSize": m["originalSize"] - 1}, "originalSize"),
    "original-type": (lambda m: {**m, "originalType": "agent:status"}, "originalType"),
}


@pytest.mark.parametrize("name", list(CORRUPTIONS))
def test_compressed_that_does_not_decode_or_match(name: str) -> None:
    """COMP-2: the field that disagrees is named (``data`` when it does not decode)."""
    core = Core()
    agent = core.agent("alice", "a1")
    dashboard = core.dashboard()
    corrupt, field = CORRUPTIONS[name]
    agent.send({**corrupt(encode_compressed(output(1))), "requestId": "z"})
    reply = agent.recv()
    assert (reply["type"], reply["field"], reply["requestId"]) == ("validation:error", field, "z")
    assert agent.open
    dashboard.quiet()


def test_compressed_not_json_or_not_utf8() -> None:
    """COMP-2: inflates to bytes that are not UTF-8, or not JSON: field ``data``."""
    core = Core()
    agent = core.agent("alice", "a1")
    for payload in (b"\xff\xfe\xfd", b"{not json"):
        stream = gzip.compress(payload)
        agent.send(
            {
                "type": "compressed",
                "algorithm": "gzip",
                "originalType": "terminal:output",
                "originalSize": len(payload),
                "compressedSize": len(stream),
                "data": base64.b64encode(stream).decode(),
            }
        )
        reply = agent.recv()
        assert (reply["type"], reply["field"]) == ("validation:error", "data")


def test_compressed_inner_invalid_is_prefixed() -> None:
    """COMP-3: the inner message's field, under ``data.``; inside a batch, under its index."""
    core = Core()
    agent = core.agent("alice", "a1")
    inner = {"type": "terminal:output", "agentId": "a1", "timestamp": TS}
    agent.send(encode_compressed(inner))
    assert agent.recv()["field"] == "data.output"
    agent.send(encode_batch([output(1), encode_compressed(inner)]))
    assert agent.recv()["field"] == "messages.1.data.output"


def test_compressed_in_compressed_is_invalid() -> None:
    """COMP-5: ``originalType`` compressed is invalid; a disguised one is ``data.type``."""
    core = Core()
    agent = core.agent("alice", "a1")
    dashboard = core.dashboard()
    inner = encode_compressed(output(1))
    outer = encode_compressed(inner)
    assert outer["originalType"] == "compressed"
    agent.send(outer)
    assert agent.recv()["field"] == "originalType"
    disguised = dict(outer, originalType="terminal:output")
    agent.send(disguised)
    assert agent.recv()["field"] == "data.type"
    dashboard.quiet()


def test_gzip_bomb_closes_1009() -> None:
    """COMP-4: inflating past max_message_bytes closes 1009 (inflation stops at the limit)."""
    core = Core({"max_message_bytes": 64 * 1024})
    client = core.client()
    text = b'{"type":"heartbeat:ping","timestamp":"2024-01-01T00:00:00Z"}'
    payload = text + b" " * (64 * 1024 + 1 - len(text))  # one byte past the limit
    stream = gzip.compress(payload, compresslevel=9)
    client.send(
        {
            "type": "compressed",
            "algorithm": "gzip",
            "originalType": "heartbeat:ping",
            "originalSize": len(payload),
            "compressedSize": len(stream),
            "data": base64.b64encode(stream).decode(),
        }
    )
    assert client.closed() == (1009, "message too big")
    assert client.received == []
    exact = payload[:-1]  # exactly the limit: processed
    client = core.client()
    stream = gzip.compress(exact, compresslevel=9)
    client.send(
        {
            "type": "compressed",
            "algorithm": "gzip",
            "originalType": "heartbeat:ping",
            "originalSize": len(exact),
            "compressedSize": len(stream),
            "data": base64.b64encode(stream).decode(),
        }
    )
    assert client.types() == ["heartbeat:pong"]
