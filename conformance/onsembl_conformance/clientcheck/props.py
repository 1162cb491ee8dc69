"""Hypothesis for client checks: examples drawn in a worker thread, exchanges on the loop.

As :mod:`onsembl_conformance.hypo` does for server checks: seeded by ``--seed``, no
example database, failures shrink (not with ``--quick``; at most :data:`SHRINK_BUDGET_S`),
the transcript keeps the last
(minimal) example; a failing example that passes when re-run is reported as
nondeterministic by the engine, with both exchanges.
"""

from __future__ import annotations

import asyncio
import concurrent.futures
import contextlib
import threading
import warnings
from collections.abc import Awaitable, Callable
from typing import Any, TypeVar

from hypothesis import HealthCheck, Phase, Verbosity, given, seed, settings
from hypothesis.errors import HypothesisDeprecationWarning
from hypothesis.strategies import SearchStrategy

from onsembl_conformance.clientcheck.context import ClientCheckContext
from onsembl_conformance.errors import CheckFailure, CheckInconclusive
from onsembl_conformance.hypo import EXAMPLE_TIMEOUT, PropertyAborted

T = TypeVar("T")

SHRINK_BUDGET_S = 25
"""Longest hypothesis shrinks one failure (its ``MAX_SHRINKING_SECONDS``, set for the kit's
process): a failing example of a client check restarts the client, a second or so each, so
a minimal example is worth this much and not the check's whole time limit."""


def client_settings(ctx: ClientCheckContext, examples: int | None = None) -> settings:
    """At most ``examples`` examples (the run's ``max_examples`` when smaller)."""
    count = ctx.config.max_examples if examples is None else min(examples, ctx.config.max_examples)
    return settings(
        max_examples=max(1, count),
        deadline=None,
        database=None,
        verbosity=Verbosity.quiet,
        report_multiple_bugs=False,
        suppress_health_check=list(HealthCheck),
        phases=(Phase.explicit, Phase.generate)
        if ctx.config.quick
        else (Phase.explicit, Phase.generate, Phase.shrink),
    )


class ClientBridge:
    """Runs one example's exchange on the check's loop from hypothesis's thread."""

    def __init__(self, ctx: ClientCheckContext, loop: asyncio.AbstractEventLoop) -> None:
        self.ctx = ctx
        self.loop = loop
        self.inconclusive: CheckInconclusive | None = None
        self._aborted = threading.Event()
        self._current: concurrent.futures.Future[Any] | None = None

    def run(self, coro: Awaitable[T]) -> T:
        if self._aborted.is_set():
            raise PropertyAborted
        future = asyncio.run_coroutine_threadsafe(_wrap(coro), self.loop)
        self._current = future
        try:
            return future.result(EXAMPLE_TIMEOUT)
        except concurrent.futures.CancelledError:
            if self._aborted.is_set():
                raise PropertyAborted from None
            raise
        except CheckInconclusive as err:
            self.inconclusive = err
            self.abort()
            raise PropertyAborted from None
        except CheckFailure:
            self.ctx.failing_example_events = list(self.ctx.transcript.events)
            raise

    def abort(self) -> None:
        self._aborted.set()
        if self._current is not None:
            self._current.cancel()

    def new_example(self) -> None:
        self.ctx.transcript.events.clear()
        self.ctx.transcript.note("hypothesis example")


async def _wrap(coro: Awaitable[T]) -> T:
    return await coro


async def check_property(
    ctx: ClientCheckContext,
    strategy: SearchStrategy[T],
    example: Callable[[T], Awaitable[None]],
    *,
    examples: int | None = None,
) -> None:
    """Run ``example`` on values of ``strategy``; a :class:`CheckFailure` (or a violation
    the peers recorded meanwhile) fails the example and is shrunk."""
    from hypothesis.internal.conjecture import engine

    engine.MAX_SHRINKING_SECONDS = min(engine.MAX_SHRINKING_SECONDS, SHRINK_BUDGET_S)
    bridge = ClientBridge(ctx, asyncio.get_running_loop())

    async def judged(value: T) -> None:
        await example(value)
        ctx.raise_violation()

    @seed(ctx.seed)
    @client_settings(ctx, examples)
    @given(strategy)
    def test(value: T) -> None:
        bridge.new_example()
        ctx.violations.clear()
        bridge.run(judged(value))

    def quietly() -> None:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", HypothesisDeprecationWarning)
            with contextlib.suppress(PropertyAborted):
                test()

    try:
        await asyncio.to_thread(quietly)
    except asyncio.CancelledError:
        bridge.abort()
        raise
    if bridge.inconclusive is not None:
        raise bridge.inconclusive
