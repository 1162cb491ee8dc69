"""Unit tests of the sans-I/O core: no sockets, no sleeping; time is a number.

Covers the rate limiter (RATE-5, RATE-6, RATE-8, RATE-9), the queue order
(CMD-3, CMD-4, CMD-9), the deadline heap, and timers of :class:`ServerCore`
(IDENT-3, HB-2, HB-3, REFRESH-1, REFRESH-7) driven by a fake clock.
"""

from __future__ import annotations

import json
import time

from onsembl_server.core import RecordingEffects, ServerCore
from onsembl_server.core.auth import Handshake, select_token
from onsembl_server.core.commands import AgentQueue, Command
from onsembl_server.core.outbound import reportable_field
from onsembl_server.core.ratelimit import Scope, admit, retry_after_seconds
from onsembl_server.core.timers import DeadlineHeap
from onsembl_server.seclog import MemorySecurityLog
from onsembl_spec.profile import Window, profile_from_mapping
from onsembl_spec.tokens import mint

SECRET = "unit-secret-0123456789abcdefghijklmnopq"
WALL = time.time()  # PyJWT checks iat against the real clock


class Clock:
    def __init__(self) -> None:
        self.wall = WALL

    def __call__(self) -> float:
        return self.wall


def make_core(profile: dict | None = None) -> tuple[ServerCore, RecordingEffects, Clock]:
    effects = RecordingEffects()
    clock = Clock()
    core = ServerCore(
        profile_from_mapping(profile or {}),
        SECRET,
        effects,
        security_log=MemorySecurityLog(),
        wall_clock=clock,
    )
    return core, effects, clock


def sent_types(effects: RecordingEffects, conn_id: int) -> list[str]:
    return [json.loads(text)["type"] for c, text in effects.sent if c == conn_id]


def handshake(token: str) -> Handshake:
    return Handshake(path=f"/ws?token={token}")


# ------------------------------------------------------------------ rate limits


def test_sliding_window_accepts_up_to_limit_then_slides() -> None:
    """RATE-5, RATE-6: at most ``limit`` in any window; refusals are not recorded."""
    scope = Scope("connection", [Window("per_minute", 60, 3)])
    assert [admit([scope], t) is None for t in (0.0, 10.0, 20.0)] == [True] * 3
    refusal = admit([scope], 30.0)
    assert refusal is not None
    assert refusal.limits == {"perMinute": {"used": 3, "limit": 3}}
    assert refusal.retry_after == 30  # the message at t=0 leaves at t=60
    for t in (31.0, 40.0, 59.9):
        assert admit([scope], t) is not None  # refused ones use no quota
    assert admit([scope], 60.0) is None  # exactly one window later a slot is free
    assert admit([scope], 60.5) is not None


def test_retry_after_rounds_up_and_is_at_least_one() -> None:
    """RATE-8."""
    scope = Scope("connection", [Window("burst_per_second", 1, 1)])
    admit([scope], 0.0)
    assert retry_after_seconds(scope.exceeded(0.999), 0.999) == 1
    minute = Scope("connection", [Window("per_minute", 60, 1)])
    admit([minute], 0.0)
    assert retry_after_seconds(minute.exceeded(0.5), 0.5) == 60  # 59.5 rounded up


def test_own_scope_reported_before_global() -> None:
    """RATE-9: when both are exceeded, the connection's scope is reported."""
    own = Scope("connection", [Window("per_minute", 60, 1)])
    shared = Scope("global", [Window("per_minute", 60, 1), Window("per_hour", 3600, 5)])
    assert admit([own, shared], 0.0) is None
    refusal = admit([own, shared], 1.0)
    assert refusal is not None and refusal.scope == "connection"
    assert set(refusal.limits) == {"perMinute"}
    other = Scope("connection", [Window("per_minute", 60, 10)])
    refusal = admit([other, shared], 2.0)
    assert refusal is not None and refusal.scope == "global"
    assert refusal.limits == {
        "perMinute": {"used": 1, "limit": 1},
        "perHour": {"used": 1, "limit": 5},
    }


# ------------------------------------------------------------------ queue


def command(seq: int, priority: str) -> Command:
    return Command(f"c{seq}", "a", "o", "x", [], priority, seq)


def test_queue_orders_by_priority_then_arrival() -> None:
    """CMD-3, CMD-9."""
    queue = AgentQueue()
    positions = [
        queue.enqueue(command(1, "low")),
        queue.enqueue(command(2, "normal")),
        queue.enqueue(command(3, "high")),
        queue.enqueue(command(4, "normal")),
        queue.enqueue(command(5, "high")),
    ]
    assert positions == [1, 1, 1, 3, 2]
    order = []
    while (started := queue.start_next(0.0)) is not None:
        order.append(started.command_id)
        queue.finish_running(started.command_id, 1.0)
    assert order == ["c3", "c5", "c2", "c4", "c1"]


def test_estimated_wait_is_zero_only_when_starting_at_once() -> None:
    """CMD-4."""
    queue = AgentQueue()
    assert queue.estimated_wait_ms(queue.enqueue(command(1, "normal"))) == 0
    queue.start_next(0.0)
    assert queue.estimated_wait_ms(queue.enqueue(command(2, "normal"))) > 0
    queue.finish_running("c1", 2.0)  # took 2 s
    assert queue.estimated_wait_ms(1) == 0
    queue.start_next(2.0)
    assert queue.estimated_wait_ms(1) == 2000


def test_one_running_command_at_a_time() -> None:
    """CMD-8."""
    queue = AgentQueue()
    queue.enqueue(command(1, "normal"))
    queue.enqueue(command(2, "normal"))
    assert queue.start_next(0.0) is not None
    assert queue.start_next(0.0) is None
    assert not queue.finish_running("c2", 1.0)
    assert queue.finish_running("c1", 1.0)
    assert queue.start_next(1.0) is not None


# ------------------------------------------------------------------ timers


def test_deadline_heap_lazy_deletion() -> None:
    heap = DeadlineHeap()
    heap.schedule(1, 5.0)
    heap.schedule(1, 3.0)  # earlier wins
    heap.schedule(2, 4.0)
    assert heap.next_deadline() == 3.0
    assert heap.pop_due(3.5) == [1]
    heap.forget(2)
    assert heap.next_deadline() is None


def test_identification_timeout_without_sleeping() -> None:
    """IDENT-3."""
    core, effects, _ = make_core({"identify_timeout_s": 10})
    assert core.open(1, handshake(mint(SECRET, "o", now=WALL)), "r", now=100.0)
    core.tick(109.9)
    assert effects.closed == []
    assert core.next_deadline() is not None
    core.tick(110.0)
    assert effects.closed == [(1, 1008, "not identified in time")]


def test_heartbeat_ping_then_timeout() -> None:
    """HB-2, HB-3, HB-4: any text postpones both."""
    core, effects, _ = make_core({"heartbeat": {"interval_s": 30, "timeout_s": 90}})
    core.open(1, handshake(mint(SECRET, "o", now=WALL)), "r", now=0.0)
    core.receive(
        1, '{"type":"dashboard:connect","dashboardId":"d","timestamp":"2024-01-01T00:00:00Z"}', 1.0
    )
    core.tick(30.9)
    assert "heartbeat:ping" not in sent_types(effects, 1)
    core.tick(31.0)
    assert sent_types(effects, 1).count("heartbeat:ping") == 1
    core.receive(1, "garbage", 50.0)  # HB-4: invalid text is a sign of life
    core.tick(139.9)
    assert effects.closed == []
    core.tick(140.0)
    assert effects.closed == [(1, 1001, "heartbeat timeout")]


def test_refresh_needed_once_and_expiry() -> None:
    """REFRESH-1, REFRESH-2, REFRESH-7 with a fake wall clock."""
    core, effects, clock = make_core({"refresh_window_s": 60})
    core.open(1, handshake(mint(SECRET, "o", ttl=100, now=WALL)), "r", now=0.0)
    core.receive(
        1, '{"type":"dashboard:connect","dashboardId":"d","timestamp":"2024-01-01T00:00:00Z"}', 1.0
    )
    for t in (20.0, 30.0, 39.9):
        core.receive(1, '{"type":"heartbeat:pong","timestamp":"2024-01-01T00:00:00Z"}', t)
        core.tick(t)
    assert "auth:refresh-needed" not in sent_types(effects, 1)
    core.tick(40.0)
    core.tick(41.0)
    assert sent_types(effects, 1).count("auth:refresh-needed") == 1
    clock.wall = WALL + 50
    fresh = mint(SECRET, "o", ttl=150, now=WALL)  # exp at wall+150, i.e. t=150
    core.receive(
        1,
        json.dumps(
            {"type": "auth:refresh-token", "token": fresh, "timestamp": "2024-01-01T00:00:00Z"}
        ),
        50.0,
    )
    assert sent_types(effects, 1)[-1] == "auth:refresh-success"
    for t in (60.0, 80.0, 89.0):
        core.receive(1, '{"type":"heartbeat:pong","timestamp":"2024-01-01T00:00:00Z"}', t)
        core.tick(t)
    core.tick(90.0)
    assert sent_types(effects, 1).count("auth:refresh-needed") == 2  # re-armed
    for t in (100.0, 120.0, 149.0):
        core.receive(1, '{"type":"heartbeat:pong","timestamp":"2024-01-01T00:00:00Z"}', t)
        core.tick(t)
    core.tick(150.0)
    assert effects.closed == []  # never before exp
    core.tick(150.1)
    assert effects.closed == [(1, 1008, "token expired")]


def test_auth_failure_sends_nothing_and_closes_1008() -> None:
    """AUTH-3, AUTH-11: no session; the log holds no token."""
    core, effects, _ = make_core()
    token = mint("another-secret-0123456789abcdefghijkl", "o", now=WALL)
    assert not core.open(7, handshake(token), "10.0.0.1:5", now=0.0)
    assert effects.sent == [] and effects.closed == [(7, 1008, "authentication failed")]
    log = core.log
    assert isinstance(log, MemorySecurityLog)
    assert log.records[0]["remote"] == "10.0.0.1:5"
    assert all(token not in line for line in log.lines)


def test_token_source_order_and_origin() -> None:
    """AUTH-1, AUTH-9, AUTH-10."""
    both = Handshake(
        path="/ws?token=q", authorization=("Bearer h",), cookies=("token=c",), origin="https://x"
    )
    assert select_token(both, ()) == "h"
    cookie_only = Handshake(path="/ws", cookies=("a=1; token=c",), origin="https://x")
    assert select_token(cookie_only, ()) is None
    assert select_token(cookie_only, ("https://x",)) == "c"
    assert select_token(Handshake(path="/ws", cookies=("token=c",)), ()) == "c"


def test_reportable_field_fits_the_schema() -> None:
    """VAL-6 (VAL-2 within MSG-8): an empty or overlong path falls back to its parent."""
    assert reportable_field("output.type") == "output.type"
    assert reportable_field("") is None
    assert reportable_field("output." + "k" * 2000) == "output"
    assert reportable_field("messages.0.") == "messages.0"
    assert reportable_field("messages.0..type") == "messages.0"
    assert reportable_field(".x") is None
    assert reportable_field(None) is None


# ------------------------------------------------------------------ routing


def say(core: ServerCore, conn_id: int, message: dict, now: float = 1.0) -> None:
    core.receive(conn_id, json.dumps({**message, "timestamp": "2024-01-01T00:00:00Z"}), now)


def messages_to(effects: RecordingEffects, conn_id: int) -> list[dict]:
    return [json.loads(text) for c, text in effects.sent if c == conn_id]


def test_command_flow_and_replacement_in_the_core() -> None:
    """CMD-7, CMD-8, CMD-11, PRES-7, PRES-8 without sockets."""
    core, effects, _ = make_core()
    token = mint(SECRET, "o", now=WALL)
    for conn_id in (1, 2, 3):
        assert core.open(conn_id, handshake(token), f"r{conn_id}", now=0.0)
    say(core, 1, {"type": "dashboard:connect", "dashboardId": "d"})
    say(core, 2, {"type": "agent:connect", "agentId": "a", "agentType": "claude"})
    say(core, 1, {"type": "command:request", "agentId": "a", "command": "one"})
    say(core, 1, {"type": "command:request", "agentId": "a", "command": "two"})
    to_dashboard = [m["type"] for m in messages_to(effects, 1)]
    assert to_dashboard == [
        "agent:list",
        "agent:status",
        "command:queued",
        "command:status",
        "command:queued",
        "command:status",
    ]
    executes = [m for m in messages_to(effects, 2) if m["type"] == "command:execute"]
    assert [m["command"] for m in executes] == ["one"]  # one at a time
    say(core, 3, {"type": "agent:connect", "agentId": "a", "agentType": "codex"})
    assert (2, 1008, "replaced by a newer connection") in effects.closed
    failed = messages_to(effects, 1)[-2]
    assert (failed["commandId"], failed["status"]) == (executes[0]["commandId"], "failed")
    assert messages_to(effects, 1)[-1]["status"] == "online"
    assert [m["command"] for m in messages_to(effects, 3) if m["type"] == "command:execute"] == [
        "two"
    ]
    core.closed(2, 2.0)  # the replaced connection going away changes nothing
    assert messages_to(effects, 1)[-1]["status"] == "online"
    core.closed(3, 3.0)
    tail = messages_to(effects, 1)[-2:]
    assert [(m["type"], m["status"]) for m in tail] == [
        ("command:status", "failed"),
        ("agent:status", "offline"),
    ]


def test_owners_are_isolated_in_the_core() -> None:
    """TEN-2, TEN-4: another owner's dashboard sees nothing and cannot address the agent."""
    core, effects, _ = make_core()
    core.open(1, handshake(mint(SECRET, "alice", now=WALL)), "r", now=0.0)
    core.open(2, handshake(mint(SECRET, "bob", now=WALL)), "r", now=0.0)
    core.open(3, handshake(mint(SECRET, "alice", now=WALL)), "r", now=0.0)
    say(core, 1, {"type": "dashboard:connect", "dashboardId": "d"})
    say(core, 2, {"type": "dashboard:connect", "dashboardId": "d"})
    say(core, 3, {"type": "agent:connect", "agentId": "a", "agentType": "claude"})
    say(core, 2, {"type": "terminal:clear", "agentId": "a"})
    assert [m["type"] for m in messages_to(effects, 2)] == ["agent:list", "command:error"]
    assert messages_to(effects, 3) == []


def test_invalid_wrappers_count_valid_wrappers_do_not() -> None:
    """BATCH-5, RATE-4: a valid wrapper costs no quota; an invalid one counts as one message."""
    pong = '{"type":"heartbeat:pong","timestamp":"2024-01-01T00:00:00Z"}'
    profile = {"limits": {"connection": {"burst_per_second": 2}}}

    core, effects, _ = make_core(profile)
    core.open(1, handshake(mint(SECRET, "o", now=WALL)), "r", now=0.0)
    for _ in range(2):
        core.receive(
            1,
            '{"type":"batch","count":1,"messages":['
            + pong
            + "],"
            + '"timestamp":"2024-01-01T00:00:00Z"}',
            1.0,
        )
    assert sent_types(effects, 1) == []  # two inner pongs, both within the burst of 2
    core.receive(1, pong, 1.0)
    assert sent_types(effects, 1) == ["connection:error"]  # the third is over

    core, effects, _ = make_core(profile)
    core.open(1, handshake(mint(SECRET, "o", now=WALL)), "r", now=0.0)
    core.receive(1, '{"type":"batch","timestamp":"2024-01-01T00:00:00Z"}', 1.0)
    core.receive(1, '{"type":"compressed","timestamp":"2024-01-01T00:00:00Z"}', 1.0)
    assert sent_types(effects, 1) == ["validation:error", "validation:error"]
    core.receive(1, pong, 1.0)
    assert sent_types(effects, 1)[-1] == "connection:error"
