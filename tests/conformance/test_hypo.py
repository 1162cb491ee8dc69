"""Hypothesis inside async checks: a property cut off by the check's time limit stops at once."""

from __future__ import annotations

import asyncio
import threading
import time

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from onsembl_conformance.context import CheckContext, SuiteConfig
from onsembl_conformance.errors import CheckFailure, CheckInconclusive
from onsembl_conformance.hypo import Bridge, run_property
from onsembl_spec.profile import Profile, profile_from_mapping


def test_a_cancelled_property_leaves_no_thread_running() -> None:
    """Before the fix the worker thread went on (shrinking, waiting on a closed loop) and kept
    ``onsembl check`` from exiting long after the check had been reported."""
    finished = threading.Event()
    exchanges: list[float] = []

    async def check() -> None:
        ctx = CheckContext(
            SuiteConfig(url="ws://127.0.0.1:9/ws", secret="s", profile=Profile()), "x"
        )
        bridge = Bridge(ctx, asyncio.get_running_loop())

        @settings(max_examples=1000, deadline=None, database=None)
        @given(st.integers())
        def test(n: int) -> None:
            exchanges.append(time.monotonic())
            bridge.run(asyncio.sleep(30))  # an exchange that would outlive the check

        def watched() -> None:
            try:
                test()
            finally:
                finished.set()

        async def body() -> None:
            await run_property(ctx, watched, bridge)

        try:
            await asyncio.wait_for(body(), 0.5)
        except TimeoutError:
            pass
        else:
            raise AssertionError("the property should have been cut off")

    started = time.monotonic()
    asyncio.run(check())
    assert finished.wait(2.0), "hypothesis's thread is still running"
    assert time.monotonic() - started < 3.0
    assert len(exchanges) == 1  # no further example once aborted


def test_an_inconclusive_exchange_stops_the_property() -> None:
    """Issue 9: an exchange that cannot reach a verdict (the server's quota spent by others)
    is no failing example to shrink: the property stops at once and the check is inconclusive."""
    examples: list[int] = []

    async def check() -> None:
        ctx = CheckContext(
            SuiteConfig(url="ws://127.0.0.1:9/ws", secret="s", profile=Profile()), "x"
        )
        bridge = Bridge(ctx, asyncio.get_running_loop())

        async def exchange() -> None:
            raise CheckInconclusive("the server's global quota is spent")

        @settings(max_examples=100, deadline=None, database=None)
        @given(st.integers())
        def test(n: int) -> None:
            examples.append(n)
            bridge.run(exchange())

        await run_property(ctx, test, bridge)

    with pytest.raises(CheckInconclusive, match="quota is spent"):
        asyncio.run(check())
    assert len(examples) == 1


def test_an_example_refused_for_a_quota_others_spent_is_discarded() -> None:
    """Issue 9: an example that failed while the server's global quota was spent by other
    clients (RATE-9 ``limits`` of the global scope at its limit) is no verdict: discarded,
    the property goes on (its budget holds the next examples until the quota frees)."""
    examples: list[int] = []
    profile = profile_from_mapping({"limits": {"global": {"per_minute": 5}}})

    class Refused:
        """A connection of the check that received a global refusal."""

        def __init__(self, ctx: CheckContext) -> None:
            self.budget = ctx.config.run_budget.connection()
            self.received = [
                {
                    "type": "connection:error",
                    "error": "Rate limit exceeded",
                    "code": "RATE_LIMIT",
                    "retryAfter": 30,
                    "limits": {
                        "perMinute": {"used": 5, "limit": 5},
                        "perHour": {"used": 5, "limit": 100000},
                    },
                }
            ]

    async def check() -> None:
        ctx = CheckContext(SuiteConfig(url="ws://127.0.0.1:9/ws", secret="s", profile=profile), "x")
        ctx.connections.append(Refused(ctx))  # type: ignore[arg-type]
        bridge = Bridge(ctx, asyncio.get_running_loop())

        async def exchange(n: int) -> None:
            if n % 2 == 0:
                raise CheckFailure("VAL-1", "a reply", "a refusal for the global quota")

        @settings(max_examples=20, deadline=None, database=None)
        @given(st.integers())
        def test(n: int) -> None:
            examples.append(n)
            bridge.run(exchange(n))

        await run_property(ctx, test, bridge)
        assert ctx.config.run_budget.global_wait() > 55  # the run now waits the quota out

    asyncio.run(check())
    assert any(n % 2 == 0 for n in examples)
