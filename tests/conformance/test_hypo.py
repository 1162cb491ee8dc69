"""Hypothesis inside async checks: a property cut off by the check's time limit stops at once."""

from __future__ import annotations

import asyncio
import threading
import time

from hypothesis import given, settings
from hypothesis import strategies as st

from onsembl_conformance.context import CheckContext, SuiteConfig
from onsembl_conformance.hypo import Bridge, run_property
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
