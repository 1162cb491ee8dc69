"""Unit tests of the reference client's sans-I/O core: no sockets, no sleeping; time is a number.

A :class:`Harness` drives :class:`ClientCore` with a fake clock and a
:class:`RecordingEffects`, playing the transport and the token provider.
"""

from __future__ import annotations

import json
import random
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from onsembl_client.core import backoff
from onsembl_client.core.buffer import SendBuffer, drop_choice
from onsembl_client.core.effects import RecordingEffects
from onsembl_client.core.phases import TRANSITIONS, Phase, Trigger, advance
from onsembl_client.core.session import CLOSE_WAIT_S, PING_GRACE_S, ClientCore, Delivery
from onsembl_client.errors import ClientClosedError, ClientError, InvalidMessageError
from onsembl_client.events import (
    Closed,
    Connecting,
    Disconnected,
    Dropped,
    Identified,
    Message,
    Paused,
    Resumed,
    TokenRefused,
    Unreadable,
)
from onsembl_spec.profile import Profile, profile_from_mapping
from onsembl_spec.wire import encode_batch, encode_compressed

TS = "2024-01-01T12:00:00Z"


def stamp(message: dict[str, Any]) -> dict[str, Any]:
    return {**message, "timestamp": TS}


class Harness:
    """A core with a fake clock; ``tokens`` is what the provider returns, in turn."""

    def __init__(
        self,
        role: str = "dashboard",
        profile: dict[str, Any] | None = None,
        *,
        seed: int = 1,
        agent_id: str | None = None,
    ) -> None:
        self.effects = RecordingEffects()
        self.profile = profile_from_mapping(profile or {})
        self.core = ClientCore(
            role,
            self.effects,
            agent_id=agent_id or ("agent-1" if role == "agent" else None),
            dashboard_id="dash-1",
            profile=self.profile,
            rng=random.Random(seed),
            timestamp=lambda: TS,
        )
        self.now = 0.0
        self.tokens: list[str] = []
        self.answered: set[int] = set()
        self.connection = 0

    # the clock and the timer
    def advance(self, seconds: float) -> None:
        """Let ``seconds`` pass, ticking at every deadline on the way."""
        end = self.now + seconds
        while True:
            due = self.core.next_deadline()
            if due is None or due > end:
                break
            self.now = max(self.now, due)
            self.core.tick(self.now)
            self.answer_tokens()
        self.now = end

    # the token provider
    def answer_tokens(self) -> None:
        """Answer every token request not answered yet, with the next of ``tokens``."""
        for entry in list(self.effects.log):
            if entry[0] == "token" and int(entry[1]) not in self.answered:
                self.answered.add(int(entry[1]))
                token = self.tokens.pop(0) if self.tokens else "token-a"
                self.core.token_ready(int(entry[1]), token, self.now)

    def begin(self) -> None:
        """Start without completing any handshake."""
        self.core.start(self.now)
        self.answer_tokens()

    def start(self) -> int:
        self.begin()
        return self.open_last()

    def open_last(self) -> int:
        """The transport completes the handshake of the last ``open``."""
        opens = [e for e in self.effects.log if e[0] == "open"]
        assert opens, "no connection was opened"
        number = int(opens[-1][1])
        self.core.opened(number, self.now)
        self.connection = number
        return number

    def opens(self) -> list[tuple[str, ...]]:
        return [e for e in self.effects.log if e[0] == "open"]

    def receive(self, message: dict[str, Any], connection: int | None = None) -> None:
        text = json.dumps(message if "timestamp" in message else stamp(message))
        self.core.receive(connection or self.connection, text, self.now)
        self.answer_tokens()

    def sent(self, connection: int | None = None) -> list[dict[str, Any]]:
        return [
            json.loads(e[2])
            for e in self.effects.log
            if e[0] == "send" and (connection is None or int(e[1]) == connection)
        ]

    def sent_types(self, connection: int | None = None) -> list[str]:
        return [m["type"] for m in self.sent(connection)]

    def events(self, kind: type) -> list[Any]:
        return [e for e in self.effects.events if isinstance(e, kind)]

    def lose(self, code: int | None = 1006, reason: str = "") -> Disconnected:
        self.core.closed(self.connection, code, reason, self.now)
        return self.events(Disconnected)[-1]


def output(n: int, agent: str = "agent-1") -> dict[str, Any]:
    return {
        "type": "terminal:output",
        "agentId": agent,
        "commandId": "cmd-1",
        "output": {"type": "stdout", "content": f"line {n}\n", "timestamp": TS},
    }


# ------------------------------------------------------------------ the state table


def test_the_state_table_has_no_move_for_an_unexpected_trigger() -> None:
    assert advance(Phase.CLOSED, Trigger.START) is None
    assert advance(Phase.IDENTIFIED, Trigger.HANDSHAKE_OK) is None
    assert advance(Phase.CLOSING, Trigger.CLOSE) is None
    assert all(target in Phase for target in TRANSITIONS.values())
    # every phase but closed can be left; closed is final
    assert {phase for phase, _ in TRANSITIONS} == set(Phase) - {Phase.CLOSED}


def test_a_late_report_about_an_abandoned_connection_is_ignored() -> None:
    h = Harness()
    first = h.start()
    h.lose(1011)
    h.core.receive(first, json.dumps(stamp({"type": "heartbeat:ping"})), h.now)
    h.core.closed(first, 1000, "", h.now)
    assert h.core.phase is Phase.RECONNECT_WAITING
    assert "heartbeat:pong" not in h.sent_types()


# ------------------------------------------------------------------ CLIENT-1..3


def test_identifies_first_on_every_connection_with_the_same_agent_id() -> None:
    """CLIENT-1, CLIENT-2, CLIENT-3: the token at the handshake, the connect message first,
    the same agentId after a reconnect."""
    h = Harness("agent", {"reconnect": {"base_s": 1, "cap_s": 1}})
    h.tokens = ["tok-1", "tok-2"]
    first = h.start()
    assert h.opens()[0][2] == "tok-1"
    assert h.sent(first)[0] == {
        "type": "agent:connect",
        "agentId": "agent-1",
        "agentType": "claude",
        "timestamp": TS,
    }
    assert h.core.phase is Phase.IDENTIFIED
    h.lose(1001)
    h.advance(1.0)
    assert h.opens()[-1][2] == "tok-2"
    second = h.open_last()
    assert second != first
    assert h.sent(second)[0]["type"] == "agent:connect"
    assert h.sent(second)[0]["agentId"] == "agent-1"


def test_a_bad_agent_id_is_refused_before_any_connection() -> None:
    with pytest.raises(ClientError, match="agentId"):
        ClientCore("agent", RecordingEffects(), agent_id="bad id with spaces")
    with pytest.raises(ClientError, match="needs an agent id"):
        ClientCore("agent", RecordingEffects())
    with pytest.raises(ClientError, match="role"):
        ClientCore("server", RecordingEffects())


# ------------------------------------------------------------------ CLIENT-4


@pytest.mark.parametrize(
    ("message", "match"),
    [
        ({"type": "command:request", "agentId": "a b", "command": "ls"}, "agentId"),
        ({"type": "command:request", "agentId": "a", "command": "ls", "extra": 1}, "extra"),
        ({"type": "no:such-type"}, "type"),
        (
            {
                "type": "terminal:output",
                "agentId": "a",
                "output": {"type": "stdout", "content": ""},
            },
            "output.timestamp",
        ),
        ({"type": "agent:status", "agentId": "a", "status": "online"}, "dashboard may not send"),
        ({"type": "command:request", "agentId": "a", "command": "x" * 5000}, "command"),
        ("not a dict", "JSON object"),
        ({"type": "dashboard:connect", "dashboardId": "d"}, "itself"),
        ({"type": "heartbeat:ping", "timestamp": "yesterday"}, "timestamp"),
    ],
)
def test_an_invalid_message_raises_and_never_reaches_the_wire(message: Any, match: str) -> None:
    """CLIENT-4: the generated validators, the role, the client's own types."""
    h = Harness()
    h.start()
    before = len(h.sent())
    with pytest.raises(ClientError, match=match):
        h.core.send(message, h.now)
    assert len(h.sent()) == before


def test_an_agent_speaks_only_for_itself_and_within_the_size_bound() -> None:
    """CLIENT-4, CLIENT-15: another agentId, or a text over max_message_bytes, is refused."""
    h = Harness("agent", {"max_message_bytes": 2000})
    h.start()
    with pytest.raises(InvalidMessageError, match="only for itself") as found:
        h.core.send(output(1, agent="agent-2"), h.now)
    assert found.value.field == "agentId"
    big = output(1)
    big["output"]["content"] = "x" * 3000
    with pytest.raises(InvalidMessageError, match="too long"):
        h.core.send(big, h.now)
    assert h.sent_types() == ["agent:connect"]


def test_wrappers_are_checked_inside() -> None:
    """CLIENT-4: a batch with a wrong count, a compressed holding a type the role may not send."""
    h = Harness()
    h.start()
    ping = stamp({"type": "heartbeat:ping"})
    with pytest.raises(InvalidMessageError, match="count"):
        h.core.send({**encode_batch([ping], timestamp=TS), "count": 2}, h.now)
    with pytest.raises(InvalidMessageError, match="may not send terminal:output"):
        h.core.send(encode_compressed(stamp(output(1)), timestamp=TS), h.now)
    assert h.core.send(encode_batch([ping, ping], timestamp=TS), h.now) is Delivery.SENT


def test_a_timestamp_is_added_when_missing_and_kept_when_given() -> None:
    h = Harness()
    h.start()
    h.core.send({"type": "heartbeat:ping", "requestId": "r1"}, h.now)
    h.core.send({"type": "heartbeat:ping", "timestamp": "2020-02-02T00:00:00Z"}, h.now)
    assert [m["timestamp"] for m in h.sent()[1:]] == [TS, "2020-02-02T00:00:00Z"]
    assert h.sent()[1]["requestId"] == "r1"  # MSG-9


# ------------------------------------------------------------------ HB-5, CLIENT-5


def test_a_server_ping_is_answered_at_once_with_its_request_id() -> None:
    """HB-5."""
    h = Harness()
    h.start()
    h.receive({"type": "heartbeat:ping", "requestId": "p-7"})
    assert h.sent()[-1] == {"type": "heartbeat:pong", "requestId": "p-7", "timestamp": TS}


def test_a_silent_server_is_pinged_then_dropped_and_the_client_reconnects() -> None:
    """CLIENT-5 (ping after interval_s of silence, close after timeout_s), CLIENT-8."""
    h = Harness(profile={"heartbeat": {"interval_s": 2, "timeout_s": 5}})
    h.start()
    h.advance(2.0 + PING_GRACE_S - 0.01)
    assert "heartbeat:ping" not in h.sent_types()
    h.advance(0.02)
    assert h.sent_types().count("heartbeat:ping") == 1
    h.advance(2.0 + PING_GRACE_S)  # one more interval after the ping: one more, not a flood
    assert h.sent_types().count("heartbeat:ping") == 2
    assert h.core.phase is Phase.IDENTIFIED
    h.advance(5.0 - h.now + 0.01)
    assert h.core.phase is Phase.RECONNECT_WAITING
    assert ("close", "1", "1001", "nothing from the server for 5 s") in h.effects.log


def test_messages_from_the_server_put_off_the_ping() -> None:
    """CLIENT-5: "received nothing"; a server that pings first gets only pongs."""
    h = Harness(profile={"heartbeat": {"interval_s": 1, "timeout_s": 3}})
    h.start()
    for _ in range(10):
        h.advance(1.0)
        h.receive({"type": "heartbeat:ping"})
    assert "heartbeat:ping" not in h.sent_types()
    assert h.sent_types().count("heartbeat:pong") == 10
    assert h.core.phase is Phase.IDENTIFIED


# ------------------------------------------------------------------ CLIENT-8, CLIENT-9


@pytest.mark.parametrize("code", [1001, 1011, 1006, None, 1000, 1002, 1009])
def test_reconnects_after_the_codes_that_require_it_within_d0(code: int | None) -> None:
    """CLIENT-8, CLIENT-9: a new attempt no sooner than d(0)/2, no later than d(0)."""
    h = Harness(profile={"reconnect": {"base_s": 2}})
    h.start()
    lost = h.lose(code)
    assert lost.reconnect_in is not None
    assert 1.0 <= lost.reconnect_in <= 2.0
    h.advance(lost.reconnect_in - 0.001)
    assert len(h.opens()) == 1
    h.advance(0.002)
    assert len(h.opens()) == 2


@settings(max_examples=200, deadline=None)
@given(
    seed=st.integers(0, 2**32),
    base=st.floats(0.05, 5),
    factor=st.floats(1, 4),
    cap=st.floats(0.05, 60),
    failures=st.integers(1, 12),
)
def test_consecutive_attempts_wait_within_half_to_all_of_d_n(
    seed: int, base: float, factor: float, cap: float, failures: int
) -> None:
    """CLIENT-9: the n-th consecutive attempt waits in [d(n)/2, d(n)], measured from the end
    of the previous attempt; d grows by the factor up to the cap."""
    profile = {"reconnect": {"base_s": base, "factor": factor, "cap_s": cap}}
    h = Harness(profile=profile, seed=seed)
    h.start()
    h.lose(1011)
    for n in range(failures):
        wait = h.events(Disconnected)[-1].reconnect_in
        longest = min(base * factor**n, cap)
        assert longest / 2 <= wait <= longest * (1 + 1e-9)
        assert backoff.longest_wait(h.profile, n) == pytest.approx(longest)
        h.advance(wait)
        assert h.events(Connecting)[-1].attempt == n
        number = int(h.opens()[-1][1])
        h.core.failed(number, h.now, "connection refused")  # the attempt fails at once


def test_a_connection_that_stayed_open_long_enough_resets_the_schedule() -> None:
    """CLIENT-9: attempts are consecutive until a connection stays open reset_after_s."""
    h = Harness(
        profile={"reconnect": {"base_s": 1, "factor": 2, "cap_s": 100, "reset_after_s": 10}}
    )
    h.start()
    for _ in range(3):  # a crash loop: each connection ends at once
        wait = h.lose(1011).reconnect_in
        h.advance(wait)
        h.open_last()
    assert h.core.attempts == 3
    short = h.lose(1011).reconnect_in
    assert 4 <= short <= 8  # d(3) = 8
    h.advance(short)
    h.open_last()
    h.receive({"type": "agent:list", "agents": []})
    h.advance(9.9)
    assert 8 <= h.lose(1011).reconnect_in <= 16  # open 9.9 s: still consecutive, d(4)
    h.advance(h.events(Disconnected)[-1].reconnect_in)
    h.open_last()
    h.advance(10.0)
    h.receive({"type": "heartbeat:ping"})
    assert 0.5 <= h.lose(1011).reconnect_in <= 1  # open 10 s: n back to 0


def test_a_failed_token_provider_counts_as_a_failed_attempt() -> None:
    h = Harness(profile={"reconnect": {"base_s": 1}})
    h.core.start(0.0)
    (entry,) = [e for e in h.effects.log if e[0] == "token"]
    h.answered.add(int(entry[1]))
    h.core.token_failed(int(entry[1]), "file missing", 0.0)
    assert h.core.phase is Phase.RECONNECT_WAITING
    assert 0.5 <= h.events(Disconnected)[-1].reconnect_in <= 1


# ------------------------------------------------------------------ CLIENT-10


def test_no_connection_with_a_token_refused_by_1008() -> None:
    """CLIENT-10: the same token is not presented again; a different one is."""
    h = Harness(profile={"reconnect": {"base_s": 1, "factor": 2, "cap_s": 4}})
    h.tokens = ["tok-old", "tok-old", "tok-old", "tok-new"]
    h.start()
    h.lose(1008, "token expired")
    h.advance(1.0)
    assert len(h.opens()) == 1  # the provider gave the refused token again: no connection
    refused = h.events(TokenRefused)
    assert len(refused) == 1 and 1 <= refused[0].retry_in <= 2  # asked again after d(1)
    h.advance(2.0)
    assert len(h.opens()) == 1 and len(h.events(TokenRefused)) == 2
    h.advance(4.0)
    assert [e[2] for e in h.opens()] == ["tok-old", "tok-new"]


def test_every_token_a_connection_used_is_refused_with_it() -> None:
    """CLIENT-10: a connection closed 1008 after a refresh refuses both of its tokens."""
    h = Harness()
    h.tokens = ["tok-1", "tok-2", "tok-2", "tok-1", "tok-3"]
    h.start()
    h.receive({"type": "auth:refresh-needed"})
    assert h.sent()[-1]["token"] == "tok-2"
    h.lose(1008)
    h.advance(100.0)
    assert [e[2] for e in h.opens()] == ["tok-1", "tok-3"]


def test_a_handshake_refused_for_its_token_counts_as_1008() -> None:
    h = Harness(profile={"reconnect": {"base_s": 1}})
    h.tokens = ["tok-1", "tok-1", "tok-2"]
    h.begin()
    h.core.failed(1, h.now, "HTTP 401", token_refused=True)
    h.advance(10.0)
    assert [e[2] for e in h.opens()] == ["tok-1", "tok-2"]


# ------------------------------------------------------------------ CLIENT-6, REFRESH-8


def test_refresh_needed_is_answered_on_the_same_connection() -> None:
    """CLIENT-6, REFRESH-8: the provider's token in auth:refresh-token, no new connection."""
    h = Harness()
    h.tokens = ["tok-1", "tok-2"]
    h.start()
    h.receive({"type": "auth:refresh-needed"})
    assert h.sent()[-1] == {"type": "auth:refresh-token", "token": "tok-2", "timestamp": TS}
    assert len(h.opens()) == 1
    h.receive({"type": "auth:refresh-needed"})  # a repeat while the first is answered: once
    assert h.sent_types().count("auth:refresh-token") == 1
    h.receive({"type": "auth:refresh-success"})
    h.receive({"type": "auth:refresh-needed"})
    assert h.sent_types().count("auth:refresh-token") == 2


def test_a_refresh_token_arriving_after_the_connection_ended_is_not_sent() -> None:
    h = Harness()
    h.start()
    h.core.receive(h.connection, json.dumps(stamp({"type": "auth:refresh-needed"})), h.now)
    (ticket,) = [e for e in h.effects.log if e[0] == "token" and e[2] == "refresh"]
    h.lose(1001)
    h.core.token_ready(int(ticket[1]), "tok-2", h.now)
    assert "auth:refresh-token" not in h.sent_types()


# ------------------------------------------------------------------ CLIENT-11


def test_messages_produced_while_disconnected_follow_the_next_identification_in_order() -> None:
    """CLIENT-11: kept in order, sent after the connect message, before anything newer;
    heartbeats are not kept."""
    h = Harness("agent", {"reconnect": {"base_s": 1, "cap_s": 1}})
    h.start()
    h.lose(1001)
    deliveries = [h.core.send(output(n), h.now) for n in range(5)]
    assert deliveries == [Delivery.KEPT] * 5
    assert h.core.send({"type": "heartbeat:ping"}, h.now) is Delivery.DROPPED
    h.advance(1.0)
    second = h.open_last()
    h.core.send(output(99), h.now)
    sent = h.sent(second)
    assert [m["type"] for m in sent] == ["agent:connect"] + ["terminal:output"] * 6
    assert [m["output"]["content"] for m in sent[1:]] == [
        f"line {n}\n" for n in [0, 1, 2, 3, 4, 99]
    ]
    assert h.events(Identified)[-1].flushed == 5


def test_messages_produced_before_the_first_connection_are_kept_too() -> None:
    h = Harness()
    h.core.start(0.0)
    h.core.send({"type": "command:request", "agentId": "a", "command": "ls"}, 0.0)
    h.answer_tokens()
    h.open_last()
    assert h.sent_types() == ["dashboard:connect", "command:request"]


def message_of(kind: str, size: int) -> str:
    return json.dumps({"type": kind, "pad": "x" * size})


def test_the_buffer_drops_outputs_first_then_statuses_then_the_oldest() -> None:
    """CLIENT-11: the drop order, exactly as written."""
    buffer = SendBuffer(max_messages=3, max_bytes=10_000)
    for kind in ["command:status", "terminal:output", "command:complete"]:
        assert buffer.keep(kind, message_of(kind, 10)) == []
    dropped = buffer.keep("command:request", message_of("command:request", 10))
    assert [d.message_type for d in dropped] == ["terminal:output"]
    dropped = buffer.keep("terminal:clear", message_of("terminal:clear", 10))
    assert [d.message_type for d in dropped] == ["command:status"]
    dropped = buffer.keep("terminal:output", message_of("terminal:output", 10))
    assert [d.message_type for d in dropped] == ["terminal:output"]  # the newest: the only one
    dropped = buffer.keep("agent:status", message_of("agent:status", 10))
    assert [d.message_type for d in dropped] == ["command:complete"]
    dropped = buffer.keep("agent:status", message_of("agent:status", 10))
    assert [d.message_type for d in dropped] == ["command:request"]  # none of either left
    assert [k.message_type for k in buffer.peek()] == [
        "terminal:clear",
        "agent:status",
        "agent:status",
    ]


def test_the_byte_bound_drops_too_and_a_message_alone_over_it_is_dropped_itself() -> None:
    buffer = SendBuffer(max_messages=100, max_bytes=300)
    buffer.keep("command:status", message_of("command:status", 100))
    buffer.keep("terminal:output", message_of("terminal:output", 100))
    dropped = buffer.keep("command:complete", message_of("command:complete", 100))
    assert [d.message_type for d in dropped] == ["terminal:output"]
    assert buffer.bytes <= 300
    dropped = buffer.keep("terminal:output", message_of("terminal:output", 400))
    assert [d.message_type for d in dropped] == ["terminal:output"]
    assert [k.message_type for k in buffer.peek()] == ["command:status", "command:complete"]


KINDS = ["terminal:output", "command:status", "command:complete", "command:request", "agent:status"]


@settings(max_examples=300, deadline=None)
@given(
    max_messages=st.integers(1, 8),
    max_bytes=st.integers(30, 400),
    items=st.lists(st.tuples(st.sampled_from(KINDS), st.integers(0, 120)), max_size=40),
)
def test_the_buffer_stays_within_its_bounds_keeps_order_and_drops_by_the_rule(
    max_messages: int, max_bytes: int, items: list[tuple[str, int]]
) -> None:
    """CLIENT-11 (hypothesis): within both bounds after every message; the kept ones in the
    order produced; a status or completion dropped only when no output is kept, anything
    else only when no output, status or completion is kept."""
    buffer = SendBuffer(max_messages, max_bytes)
    produced: list[str] = []
    for number, (kind, size) in enumerate(items):
        text = json.dumps({"type": kind, "n": number, "pad": "x" * size})
        produced.append(text)
        before = [k.message_type for k in buffer.peek()] + [kind]
        dropped = buffer.keep(kind, text)
        assert len(buffer) <= max_messages and buffer.bytes <= max_bytes
        assert buffer.bytes == sum(k.size for k in buffer.peek())
        remaining = [k.message_type for k in buffer.peek()]
        for victim in dropped:
            if victim.message_type != "terminal:output":
                assert "terminal:output" not in before or "terminal:output" not in remaining
            if victim.message_type not in KINDS[:3]:
                assert not set(KINDS[:3]) & set(remaining)
        kept = [k.text for k in buffer.peek()]
        positions = [produced.index(t) for t in kept]
        assert positions == sorted(positions)
    if len(buffer):
        assert 0 <= drop_choice(buffer.peek()) < len(buffer)


def test_the_core_reports_what_the_buffer_drops() -> None:
    h = Harness("agent", {"send_buffer": {"messages": 2}})
    h.start()
    h.lose(1001)
    h.core.send(output(1), h.now)
    h.core.send(
        {"type": "command:status", "commandId": "c", "agentId": "agent-1", "status": "running"},
        h.now,
    )
    h.core.send(output(2), h.now)  # over: the oldest output goes
    assert [(d.message_type) for d in h.events(Dropped)] == ["terminal:output"]


# ------------------------------------------------------------------ CLIENT-12


def test_a_rate_limit_pauses_everything_but_pongs_then_sends_in_order() -> None:
    """CLIENT-12: nothing but heartbeat:pong for retryAfter seconds; kept, then sent."""
    h = Harness(profile={"heartbeat": {"interval_s": 1, "timeout_s": 60}})
    h.tokens = ["tok-1", "tok-2"]
    h.start()
    h.receive(
        {
            "type": "connection:error",
            "error": "Rate limit exceeded",
            "code": "RATE_LIMIT",
            "retryAfter": 3,
        }
    )
    before = len(h.sent())
    request = {"type": "command:request", "agentId": "a", "command": "ls"}
    assert h.core.send(request, h.now) is Delivery.KEPT
    assert h.core.send({"type": "heartbeat:ping"}, h.now) is Delivery.DROPPED
    h.receive({"type": "auth:refresh-needed"})  # held until the pause ends
    h.receive({"type": "heartbeat:ping"})
    h.advance(2.99)  # no own ping either, though the server is silent past interval_s
    assert h.sent_types()[before:] == ["heartbeat:pong"]
    assert h.events(Paused)[-1].seconds == 3
    h.advance(0.02)
    assert h.sent_types()[before:] == [
        "heartbeat:pong",
        "auth:refresh-token",
        "command:request",
        "heartbeat:ping",  # CLIENT-5: the server has been silent past interval_s
    ]
    assert h.events(Resumed)[-1].flushed == 1


def test_a_pause_outlives_the_connection_but_not_the_identification() -> None:
    """CLIENT-12 with CLIENT-2: a new connection identifies at once; the kept messages wait
    for the pause's end (decision, ClientCore.identify)."""
    h = Harness(profile={"reconnect": {"base_s": 1, "cap_s": 1}})
    h.start()
    h.receive({"type": "connection:error", "error": "x", "code": "RATE_LIMIT", "retryAfter": 10})
    h.core.send({"type": "command:request", "agentId": "a", "command": "ls"}, h.now)
    h.lose(1001)
    h.advance(1.0)
    second = h.open_last()
    assert h.sent_types(second) == ["dashboard:connect"]
    h.advance(9.0)
    assert h.sent_types(second) == ["dashboard:connect", "command:request"]


def test_other_connection_errors_do_not_pause() -> None:
    h = Harness()
    h.start()
    h.receive({"type": "connection:error", "error": "x", "code": "FORBIDDEN"})
    assert h.core.paused_until is None
    assert h.core.send({"type": "heartbeat:ping"}, h.now) is Delivery.SENT


# ------------------------------------------------------------------ CLIENT-7, CLIENT-13


def test_a_batch_is_handled_in_order_and_a_compressed_as_its_message() -> None:
    """CLIENT-7, TERM-4: messages one by one, in order; a ping inside is answered; a bad
    inner message is reported and the others are still handled."""
    h = Harness()
    h.start()
    status = {"type": "agent:status", "agentId": "a1", "status": "online", "timestamp": TS}
    ping = {"type": "heartbeat:ping", "requestId": "inner", "timestamp": TS}
    bad = {"type": "agent:status", "agentId": "a1", "timestamp": TS}
    frame = encode_batch(
        [status, encode_compressed(ping, timestamp=TS), bad, {**status, "status": "busy"}],
        timestamp=TS,
    )
    h.receive(frame)
    messages = h.events(Message)
    assert [(m.type, m.message.get("status")) for m in messages] == [
        ("agent:status", "online"),
        ("heartbeat:ping", None),
        ("agent:status", "busy"),
    ]
    assert messages[1].via == ("batch", "compressed")
    assert h.sent()[-1] == {"type": "heartbeat:pong", "requestId": "inner", "timestamp": TS}
    assert len(h.events(Unreadable)) == 1


def test_a_batch_with_a_wrong_count_is_one_problem_and_none_of_it_is_handled() -> None:
    h = Harness()
    h.start()
    frame = {**encode_batch([stamp({"type": "heartbeat:ping"})], timestamp=TS), "count": 2}
    h.receive(frame)
    assert h.events(Message) == [] and len(h.events(Unreadable)) == 1
    assert "heartbeat:pong" not in h.sent_types()


@pytest.mark.parametrize(
    "message",
    [
        {
            "type": "command:status",
            "commandId": "never-seen",
            "agentId": "x",
            "status": "completed",
        },
        {
            "type": "command:complete",
            "commandId": "never-seen",
            "agentId": "x",
            "exitCode": 0,
            "duration": 1,
        },
        {"type": "agent:status", "agentId": "unknown", "status": "offline"},
        {"type": "auth:refresh-success"},
        {"type": "auth:refresh-failed", "error": "no"},
        {"type": "connection:error", "error": "?", "code": "NOT_IDENTIFIED"},
        {"type": "validation:error", "error": "?", "field": "x"},
        {"type": "command:execute", "commandId": "c", "command": "ls", "args": []},
        {"type": "heartbeat:pong"},
        {"type": "no:such-type"},
    ],
)
def test_unexpected_messages_are_tolerated(message: dict[str, Any]) -> None:
    """CLIENT-13: no close, and the client still answers."""
    h = Harness()
    h.start()
    h.receive(message)
    h.core.receive(h.connection, "not json {", h.now)
    h.core.binary(h.connection, h.now)
    h.receive({"type": "heartbeat:ping"})
    assert h.core.phase is Phase.IDENTIFIED
    assert not [e for e in h.effects.log if e[0] == "close"]
    assert h.sent_types()[-1] == "heartbeat:pong"


# ------------------------------------------------------------------ close()


def test_close_sends_the_disconnect_and_waits_for_1000() -> None:
    """CLOSE-1 from the client's side: disconnect, then the server's close ends the client."""
    h = Harness("agent")
    h.start()
    h.core.close(h.now)
    assert h.sent()[-1] == {"type": "agent:disconnect", "agentId": "agent-1", "timestamp": TS}
    assert h.core.phase is Phase.CLOSING
    with pytest.raises(ClientClosedError):
        h.core.send(output(1), h.now)
    h.lose(1000)
    assert h.core.phase is Phase.CLOSED
    assert h.events(Closed) == [Closed(1000)]
    h.advance(100.0)
    assert len(h.opens()) == 1  # never reconnects once closed


def test_close_gives_up_waiting_after_a_while() -> None:
    h = Harness()
    h.start()
    h.core.close(h.now)
    h.advance(CLOSE_WAIT_S + 0.01)
    assert h.core.phase is Phase.CLOSED
    assert ("close", "1", "1000", "client closing") in h.effects.log


def test_close_while_waiting_to_reconnect_ends_at_once_and_reports_unsent_messages() -> None:
    h = Harness()
    h.start()
    h.lose(1011)
    h.core.send({"type": "command:request", "agentId": "a", "command": "ls"}, h.now)
    h.core.close(h.now)
    assert h.core.phase is Phase.CLOSED
    assert [d.message_type for d in h.events(Dropped)] == ["command:request"]
    assert h.core.next_deadline() is None


def test_a_connection_that_opens_after_close_is_closed_without_identifying() -> None:
    h = Harness()
    h.begin()
    h.core.close(0.0)
    h.core.opened(1, 0.1)
    assert ("close", "1", "1000", "client closing") in h.effects.log
    assert h.sent() == []


def test_the_default_schedule_is_the_documents_example() -> None:
    """CLIENT-9: 1 s doubling to 30 s."""
    assert [backoff.longest_wait(Profile(), n) for n in range(7)] == [1, 2, 4, 8, 16, 30, 30]


def test_the_clients_own_types_are_refused_inside_a_batch_too() -> None:
    h = Harness()
    h.start()
    leave = stamp({"type": "dashboard:disconnect", "dashboardId": "dash-1"})
    with pytest.raises(ClientError, match="itself"):
        h.core.send(encode_batch([stamp({"type": "heartbeat:ping"}), leave], timestamp=TS), h.now)
    with pytest.raises(ClientError, match="itself"):
        h.core.send(encode_compressed(leave, timestamp=TS), h.now)
    assert h.sent_types() == ["dashboard:connect"]
