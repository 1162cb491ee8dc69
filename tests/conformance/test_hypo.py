"""Hypothesis inside async checks: a property cut off by the check's time limit stops at once."""

from __future__ import annotations

import asyncio
import threading
import time

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from onsembl_conformance.context import CheckContext, SuiteConfig
from onsembl_conformance.hypo import Bridge, run_property
from onsembl_spec.errors import CheckInconclusive
from onsembl_spec.profile import Profile


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
