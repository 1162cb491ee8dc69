"""The suite's rate budget (issue 9, part 1): exact sliding windows, what counts, pacing.

Unit tests drive the windows with a fake clock; the end-to-end ones pace a real
connection to the reference server on loopback and show that without pacing
the same sends are refused (so the paced assertions can fail).
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import AsyncIterator
from typing import Any

import pytest
import pytest_asyncio

from onsembl_conformance.budget import Budget, BudgetExceeded, WindowLog, counted_types, margin
from onsembl_conformance.context import CheckContext, SuiteConfig, message
from onsembl_conformance.errors import CheckInconclusive
from onsembl_server.app import ReferenceServer, ServerConfig
from onsembl_spec.profile import Profile, Window, profile_from_mapping
from onsembl_spec.wire import encode_batch, encode_compressed

SECRET = "budget-test-secret-of-more-than-32-bytes"


class Clock:
    def __init__(self) -> None:
        self.now = 100.0

    def __call__(self) -> float:
        return self.now


def profile(**limits: Any) -> Profile:
    return profile_from_mapping({"limits": limits})


# -- windows -----------------------------------------------------------------------


def test_window_slides_exactly() -> None:
    """A slot frees exactly when the oldest message leaves the window (RATE-5), no sooner."""
    log = WindowLog(Window("burst_per_second", 1, 3), extra=0.0)
    for t in (0.0, 0.1, 0.2):
        assert log.wait(1, t) == 0.0
        log.add(t, 1)
    assert log.wait(1, 0.5) == pytest.approx(0.5)  # the message of t=0 leaves at t=1
    assert log.wait(1, 0.999) == pytest.approx(0.001)
    assert log.wait(1, 1.0) == 0.0
    assert log.wait(2, 1.0) == pytest.approx(0.1)  # two need the one of t=0.1 gone too
    assert log.used(1.0) == 2


def test_more_than_the_limit_waits_for_an_empty_window() -> None:
    log = WindowLog(Window("per_minute", 60, 2), extra=0.0)
    log.add(0.0, 1)
    log.add(10.0, 1)
    assert log.wait(5, 20.0) == pytest.approx(50.0)


def test_margin_lengthens_every_window() -> None:
    """The server may handle a message later than it was sent: windows are kept longer."""
    log = WindowLog(Window("burst_per_second", 1, 1))
    log.add(0.0, 1)
    assert log.wait(1, 1.0) == pytest.approx(margin(1))
    assert margin(1) >= 0.25
    assert margin(60) > margin(1)


# -- what counts -------------------------------------------------------------------


def test_counted_types_follow_batch_5_and_rate_4() -> None:
    ping = message("heartbeat:ping")
    status = message("agent:status", agentId="a", status="busy")
    max_bytes = 65536
    assert counted_types(ping, max_bytes) == ["heartbeat:ping"]
    assert counted_types({"type": "heartbeat:ping"}, max_bytes) == [None]  # invalid: no type
    assert counted_types(encode_batch([ping, status]), max_bytes) == [
        "heartbeat:ping",
        "agent:status",
    ]
    assert counted_types({**encode_batch([ping]), "count": 2}, max_bytes) == [None]
    nested = encode_batch([ping, encode_batch([ping])])
    assert counted_types(nested, max_bytes) == ["heartbeat:ping", None]
    assert counted_types(encode_compressed(status), max_bytes) == ["agent:status"]
    assert counted_types(encode_compressed(encode_compressed(ping)), max_bytes) == [None]


def test_scopes_type_connection_and_global() -> None:
    """RATE-2: a limited type has its own windows; RATE-3: the others share the connection's;
    RATE-1: the global ones are shared by every connection of the run."""
    clock = Clock()
    budget = Budget(
        profile(
            connection={"burst_per_second": 2, "per_minute": 100, "per_hour": 1000},
            types={"command:request": {"per_minute": 3}},
            **{"global": {"per_minute": 6, "per_hour": 1000}},
        ),
        clock=clock,
        margin_s=0.0,
    )
    one, two = budget.connection(), budget.connection()
    one.record(["command:request"] * 3)
    assert one.delay(["command:request"])[0] == pytest.approx(60.0)
    assert one.delay(["command:request"])[1] == "type"
    assert one.delay(["agent:status"])[0] == 0.0  # the connection's own scope is untouched
    one.record(["agent:status", None])
    assert one.delay(["agent:status"]) == (pytest.approx(1.0), "connection")
    assert two.delay(["agent:status"]) == (0.0, "")
    two.record(["heartbeat:pong"])  # the sixth message of the run
    assert two.delay(["heartbeat:pong"]) == (pytest.approx(60.0), "global")
    assert budget.sent == 6 and one.sent == 5 and two.sent == 1


def test_room_counts_chosen_sends_only() -> None:
    budget = Budget(profile(connection={"per_minute": 10}), margin_s=0.0)
    conn = budget.connection()
    conn.record(["agent:status"] * 6)
    conn.record(["heartbeat:pong"] * 3, background=True)
    assert conn.room(["agent:status"] * 4)
    assert not conn.room(["agent:status"] * 5)
    assert not conn.room(["agent:status"] * 4, reserve=1)


# -- global refusals ---------------------------------------------------------------


def refusal(used: int, limit: int = 5, hour_used: int = 5) -> dict[str, Any]:
    return {
        "type": "connection:error",
        "error": "Rate limit exceeded",
        "code": "RATE_LIMIT",
        "retryAfter": 3,
        "limits": {
            "perMinute": {"used": used, "limit": limit},
            "perHour": {"used": hour_used, "limit": 1000},
        },
    }


def test_a_global_refusal_spent_by_others_is_waited_out() -> None:
    clock = Clock()
    budget = Budget(
        profile(**{"global": {"per_minute": 5, "per_hour": 1000}}), clock=clock, margin_s=0.0
    )
    conn = budget.connection()
    conn.record(["agent:status"] * 2)
    assert budget.spent_by_others(refusal(5)) is not None
    assert budget.spent_by_others(refusal(4)) is None  # not spent: the server's own doing
    connection_scope = {**refusal(5), "limits": {"perSecond": {"used": 10, "limit": 10}}}
    assert budget.spent_by_others(connection_scope) is None
    assert budget.note_refusal(refusal(5))
    assert budget.external == 3
    assert budget.global_wait() == pytest.approx(60.0)  # the whole window, conservatively
    assert budget.spent_by_others(refusal(5)) is not None  # others' messages are not ours
    assert budget.note_refusal(refusal(5)) and budget.external == 3  # already assumed
    clock.now += 60.0
    assert budget.global_wait() == 0.0


def test_a_run_that_spent_the_quota_itself_is_no_excuse() -> None:
    budget = Budget(profile(**{"global": {"per_minute": 5, "per_hour": 1000}}), margin_s=0.0)
    budget.connection().record(["agent:status"] * 5)
    assert budget.spent_by_others(refusal(5)) is None


# -- pacing, end to end --------------------------------------------------------------

BURST = 5
SMALL = {
    "identify_timeout_s": 5,
    "limits": {
        "connection": {"burst_per_second": BURST, "per_minute": 100, "per_hour": 1000},
        "global": {"per_minute": 1000, "per_hour": 10000},
    },
}


@pytest_asyncio.fixture
async def server() -> AsyncIterator[ReferenceServer]:
    srv = ReferenceServer(
        ServerConfig(port=0, jwt_secret=SECRET, profile=profile_from_mapping(SMALL))
    )
    await srv.start()
    try:
        yield srv
    finally:
        await srv.stop()


def context(url: str, check: str) -> CheckContext:
    return CheckContext(
        SuiteConfig(url=url, secret=SECRET, profile=profile_from_mapping(SMALL)), check
    )


async def probes(ctx: CheckContext, count: int, *, paced: bool) -> list[dict[str, Any]]:
    conn, _ = await ctx.dashboard(paced=paced)
    for n in range(count):
        await conn.send(message("command:interrupt", commandId=f"probe-{n}"))
    return [
        await conn.expect(("command:error", "connection:error"), "RATE-5") for _ in range(count)
    ]


@pytest.mark.asyncio
async def test_paced_sends_are_never_refused(server: ReferenceServer) -> None:
    """Three bursts' worth from one dashboard: paced, every one is answered, none refused,
    and the pacing took the time the burst limit needs."""
    ctx = context(server.url, "paced")
    started = time.monotonic()
    try:
        got = await probes(ctx, 3 * BURST, paced=True)
    finally:
        await ctx.cleanup()
    assert [r.get("code") for r in got] == ["COMMAND_NOT_FOUND"] * (3 * BURST)
    assert time.monotonic() - started >= 2.0  # 16 messages at 5 a second
    assert ctx.sent_messages == 3 * BURST + 1
    assert ctx.config.run_budget.waited >= 2.0


@pytest.mark.asyncio
async def test_unpaced_sends_exceed_the_burst(server: ReferenceServer) -> None:
    """The same sends unpaced are refused (RATE-7): what the paced test rules out happens."""
    ctx = context(server.url, "unpaced")
    try:
        got = await probes(ctx, 3 * BURST, paced=False)
    finally:
        await ctx.cleanup()
    assert "RATE_LIMIT" in [r.get("code") for r in got]
    assert ctx.config.run_budget.waited == 0.0
    assert ctx.sent_messages == 3 * BURST + 1


@pytest.mark.asyncio
async def test_batches_count_their_inner_messages(server: ReferenceServer) -> None:
    """A batch of the burst limit fills the window: the next message waits for it (BATCH-5)."""
    ctx = context(server.url, "batch")
    try:
        conn, _ = await ctx.dashboard()
        await asyncio.sleep(1.5)  # the connect leaves the window
        inner = [message("command:interrupt", commandId=f"b-{n}") for n in range(BURST)]
        await conn.send(encode_batch(inner))
        started = time.monotonic()
        await conn.send(message("command:interrupt", commandId="after"))
        waited = time.monotonic() - started
        got = [
            await conn.expect(("command:error", "connection:error"), "RATE-5")
            for _ in range(BURST + 1)
        ]
    finally:
        await ctx.cleanup()
    assert waited >= 0.9
    assert [r.get("code") for r in got] == ["COMMAND_NOT_FOUND"] * (BURST + 1)
    assert ctx.sent_messages == 1 + BURST + 1


@pytest.mark.asyncio
async def test_set_up_refused_for_a_spent_global_quota_is_inconclusive(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """Another client spent the global quota: the set-up waits (here: may not wait long
    enough) and ends inconclusive, not a PRES-1 failure."""
    import onsembl_conformance.context as context_module

    tight = {**SMALL, "limits": {**SMALL["limits"], "global": {"per_minute": 4}}}
    srv = ReferenceServer(
        ServerConfig(port=0, jwt_secret=SECRET, profile=profile_from_mapping(tight))
    )
    await srv.start()
    other = CheckContext(
        SuiteConfig(url=srv.url, secret=SECRET, profile=profile_from_mapping(tight)), "other"
    )
    ctx = CheckContext(
        SuiteConfig(url=srv.url, secret=SECRET, profile=profile_from_mapping(tight)), "check"
    )
    monkeypatch.setattr(context_module, "SETUP_WAIT_S", 5.0)
    try:
        for _ in range(4):  # another client: four messages, the whole quota
            await other.dashboard()
        with pytest.raises(CheckInconclusive, match="global per_minute quota of 4 is spent"):
            await ctx.dashboard()
        assert ctx.config.run_budget.external == 3  # the 4th is the refused connect, counted
        assert ctx.config.run_budget.global_wait() > 55
        with pytest.raises(BudgetExceeded):
            await ctx.config.run_budget.connection().acquire(["agent:status"], max_wait=1.0)
    finally:
        await other.cleanup()
        await ctx.cleanup()
        await srv.stop()


@pytest.mark.asyncio
async def test_a_global_refusal_received_holds_the_whole_run() -> None:
    """A global refusal received mid-check goes into the run's budget at the next send: every
    paced send of the run then waits for the window instead of being refused in turn."""
    tight = {**SMALL, "limits": {**SMALL["limits"], "global": {"per_minute": 3}}}
    srv = ReferenceServer(
        ServerConfig(port=0, jwt_secret=SECRET, profile=profile_from_mapping(tight))
    )
    await srv.start()
    config = SuiteConfig(url=srv.url, secret=SECRET, profile=profile_from_mapping(tight))
    other = CheckContext(
        SuiteConfig(url=srv.url, secret=SECRET, profile=profile_from_mapping(tight)), "other"
    )
    ctx = CheckContext(config, "check")
    try:
        for _ in range(3):  # another client spends the whole quota
            await other.dashboard()
        conn = await ctx.connect(ctx.recipe(), paced=False)
        await conn.send(message("heartbeat:ping", requestId="p1"))
        reply = await conn.expect("connection:error", "RATE-1")
        assert config.run_budget.spent_by_others(reply) is not None
        assert config.run_budget.global_wait() == 0.0  # not known to the budget yet
        await conn.send(message("heartbeat:ping", requestId="p2"))
        assert config.run_budget.global_wait() > 55
        assert ctx.global_quota_spent() is not None
    finally:
        await other.cleanup()
        await ctx.cleanup()
        await srv.stop()
