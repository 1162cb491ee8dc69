"""Sliding-window rate limits (R13; RATE-1..RATE-9, PROF-3).

A :class:`Scope` is a set of windows (``perSecond``, ``perMinute``,
``perHour``) that count the same messages: the server-wide scope, one
owner's scope (RATE-10), one connection's own scope, or one connection's
scope for a limited type. A
window keeps the times of the messages it accepted, so it slides exactly
(RATE-5): a message is accepted when fewer than ``limit`` were accepted in
the last ``seconds`` seconds. A refused message is recorded nowhere (RATE-6).
"""

from __future__ import annotations

import math
from collections import deque
from collections.abc import Sequence
from dataclasses import dataclass

from onsembl_spec.profile import Window


class SlidingWindow:
    """The accepted messages of one window: their times, oldest first."""

    __slots__ = ("limit", "name", "seconds", "times")

    def __init__(self, window: Window) -> None:
        self.name = window.report_name
        self.seconds = float(window.seconds)
        self.limit = window.limit
        self.times: deque[float] = deque()

    def used(self, now: float) -> int:
        """Messages accepted in ``(now - seconds, now]``; forgets older ones."""
        times = self.times
        horizon = now - self.seconds
        while times and times[0] <= horizon:
            times.popleft()
        return len(times)

    def is_full(self, now: float) -> bool:
        return self.used(now) >= self.limit

    def frees_slot_in(self, now: float) -> float:
        """Seconds until one more message fits (0 when one fits now)."""
        used = self.used(now)
        if used < self.limit:
            return 0.0
        # The window holds exactly ``limit`` times (refusals are not recorded);
        # a slot frees when the oldest of the last ``limit`` leaves it.
        return self.times[used - self.limit] + self.seconds - now


class Scope:
    """Windows that count the same messages; ``name`` says whose they are."""

    __slots__ = ("kind", "windows")

    def __init__(self, kind: str, windows: Sequence[Window]) -> None:
        self.kind = kind
        self.windows = tuple(SlidingWindow(w) for w in windows)

    def exceeded(self, now: float) -> tuple[SlidingWindow, ...]:
        """The windows with no free slot now."""
        return tuple(w for w in self.windows if w.is_full(now))

    def record(self, now: float) -> None:
        for window in self.windows:
            window.times.append(now)

    def report(self, now: float) -> dict[str, dict[str, int]]:
        """``limits`` of ``connection:error`` for this scope (RATE-9)."""
        return {w.name: {"used": w.used(now), "limit": w.limit} for w in self.windows}


@dataclass(frozen=True)
class Refusal:
    """Why a message was refused: RATE-7's ``retryAfter`` and ``limits``."""

    retry_after: int
    limits: dict[str, dict[str, int]]
    scope: str


def retry_after_seconds(exceeded: Sequence[SlidingWindow], now: float) -> int:
    """RATE-8: whole seconds, at least 1, rounded up, until every exceeded window frees a slot."""
    wait = max((w.frees_slot_in(now) for w in exceeded), default=0.0)
    return max(1, math.ceil(wait - 1e-9))


REPORT_ORDER = {"connection": 0, "type": 0, "owner": 1, "global": 2}
"""RATE-9, RATE-10: the connection's or type's scope first, then the owner's, then the global."""


def reported_scope(exceeded_scopes: Sequence[Scope]) -> Scope:
    """RATE-9: the client's own scope (connection or type) is reported before the owner's
    (RATE-10), and the owner's before the global one."""
    return min(exceeded_scopes, key=lambda scope: REPORT_ORDER.get(scope.kind, 0))


def admit(scopes: Sequence[Scope], now: float) -> Refusal | None:
    """Count one message against ``scopes`` (RATE-1..RATE-6), or say why not.

    Accepted: recorded in every window of every scope, ``None`` returned.
    Refused: recorded nowhere (RATE-6), a :class:`Refusal` returned.
    """
    exceeded_scopes: list[Scope] = []
    exceeded_windows: list[SlidingWindow] = []
    for scope in scopes:
        full = scope.exceeded(now)
        if full:
            exceeded_scopes.append(scope)
            exceeded_windows.extend(full)
    if not exceeded_scopes:
        for scope in scopes:
            scope.record(now)
        return None
    shown = reported_scope(exceeded_scopes)
    return Refusal(
        retry_after=retry_after_seconds(exceeded_windows, now),
        limits=shown.report(now),
        scope=shown.kind,
    )
