"""Running hypothesis from async checks: tests run in a worker thread, exchanges on the loop.

``--seed`` seeds every property (``hypothesis.seed``), the example database is
off, so a run is reproducible; failures shrink before they are reported, and
the transcript keeps the exchange of the last (minimal) example only.
"""

from __future__ import annotations

import asyncio
import concurrent.futures
import contextlib
import threading
import warnings
from collections.abc import Callable, Coroutine
from typing import Any, TypeVar

from hypothesis import HealthCheck, Phase, Verbosity, assume, settings
from hypothesis.errors import HypothesisDeprecationWarning

from onsembl_conformance.context import CheckContext
from onsembl_conformance.errors import CheckFailure, CheckInconclusive, ExampleDiscarded

T = TypeVar("T")

EXAMPLE_TIMEOUT = 90.0
"""Longest one exchange may take: a minute window of the server's global quota, spent by
other clients, waited out (issue 9), and the exchange itself."""


class PropertyAborted(BaseException):
    """Raised in hypothesis's thread once the check is cancelled (its time limit passed).

    A ``BaseException``, so hypothesis does not take it for a failing example
    to shrink: the worker thread ends at once instead of outliving the run.
    """


def property_settings(
    ctx: CheckContext, *, examples: int | None = None, steps: int | None = None
) -> settings:
    """Settings of the suite's properties: seeded elsewhere, quiet, no database, no deadline."""
    kwargs: dict[str, Any] = {}
    if steps is not None:
        kwargs["stateful_step_count"] = steps
    return settings(
        max_examples=examples or ctx.config.max_examples,
        deadline=None,
        database=None,
        verbosity=Verbosity.quiet,
        report_multiple_bugs=False,
        suppress_health_check=list(HealthCheck),
        # --quick trades the minimal example for time: no shrinking.
        phases=(Phase.explicit, Phase.generate)
        if ctx.config.quick
        else (Phase.explicit, Phase.generate, Phase.shrink),
        **kwargs,
    )


class Bridge:
    """Runs coroutines on the check's event loop from hypothesis's thread."""

    def __init__(self, ctx: CheckContext, loop: asyncio.AbstractEventLoop) -> None:
        self.ctx = ctx
        self.loop = loop
        self.discarded = False
        self.inconclusive: CheckInconclusive | None = None
        """Why an exchange could not reach a verdict; the property stops at once (issue 9)."""
        self._aborted = threading.Event()
        self._current: concurrent.futures.Future[Any] | None = None

    def run(self, coro: Coroutine[Any, Any, T]) -> T:
        """Run ``coro`` on the loop; :class:`ExampleDiscarded` becomes hypothesis's ``assume``."""
        if self._aborted.is_set():
            coro.close()
            raise PropertyAborted
        future = asyncio.run_coroutine_threadsafe(coro, self.loop)
        self._current = future
        try:
            return future.result(EXAMPLE_TIMEOUT)
        except concurrent.futures.CancelledError:
            if self._aborted.is_set():
                raise PropertyAborted from None
            raise
        except ExampleDiscarded:
            self.discarded = True
            assume(False)
            raise
        except CheckInconclusive as err:
            # Not a failing example to shrink (issue 9): the server's quota spent by others,
            # or sends the rate limits cannot hold; the property stops, the check is an error.
            self.inconclusive = err
            self.abort()
            raise PropertyAborted from None
        except CheckFailure:
            if self.ctx.global_quota_spent() is not None:
                # The server refused for a global quota other clients spent (issue 9): no
                # verdict on this example; the run's budget holds the next ones until it frees.
                self.discarded = True
                assume(False)
            # Kept in case hypothesis re-runs this example and it passes: the engine then
            # reports a nondeterministic server with both exchanges (issue 9, part 2).
            self.ctx.failing_example_events = list(self.ctx.transcript.events)
            raise

    def abort(self) -> None:
        """Stop the property: cancel the exchange in flight; the next ``run`` raises."""
        self._aborted.set()
        if self._current is not None:
            self._current.cancel()

    def new_example(self) -> None:
        """Start the transcript afresh: the report shows the last (shrunk) example."""
        self.discarded = False
        self.ctx.transcript.events.clear()
        self.ctx.transcript.note("hypothesis example")

    def finish_example(self) -> None:
        """Close this example's connections."""
        self.run(self.ctx.cleanup())
        self.ctx.connections.clear()


def discard_if(condition: bool) -> None:
    """Inside an exchange: drop the current example when ``condition`` holds."""
    if condition:
        raise ExampleDiscarded("example discarded")


async def run_property(ctx: CheckContext, test: Callable[[], None], bridge: Bridge) -> None:
    """Run a hypothesis test function in a worker thread; its failure propagates.

    When the check is cancelled (the engine's time limit), ``bridge`` is aborted
    so the thread stops too: nothing keeps running, or keeps the process alive,
    after the check has been reported. An exchange that raised
    :class:`CheckInconclusive` stops the property the same way, and is raised here.
    """

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
