"""The suite's own rate budget: its sends live within the profile's limits (issue 9, part 1).

A verdict must not depend on the seed or on the run before: the server refuses
a message over a limit (RATE-7), so a suite that sends faster than the
profile allows sees refusals that no check is about. Every paced send of the
suite therefore waits until the windows it will count in have a free slot,
the way the server counts it (RATE-1..RATE-6, BATCH-5):

- every message counts against the global windows, shared by all connections
  of the server (RATE-1): one :class:`Budget` per server and run, shared by all
  checks (``SuiteConfig.budget``); and against its owner's windows, shared by
  all connections of that owner (RATE-10), kept by the same :class:`Budget`;
- a message of a type with limits of its own (``command:request``,
  ``terminal:output``, ``heartbeat:ping``) counts against that type's windows
  for its connection (RATE-2), any other one against the connection's
  burst, per-minute and per-hour windows (RATE-3); one :class:`ConnectionBudget`
  per connection;
- an invalid message counts as one of no type (RATE-4); valid ``batch`` and
  ``compressed`` wrappers do not count, the messages inside them do, and an
  invalid wrapper counts as one invalid message (BATCH-5): :func:`counted_types`.

Windows slide exactly (RATE-5), like the server's
(``onsembl_server.core.ratelimit``), but each is kept :func:`margin` longer:
the server counts a message when it handles it, which may be a little later
than the suite sent it, and an earlier message handled late must still have
left the server's window. Refusals cannot be known in advance, so every send
is counted (conservatively: a refused message uses no quota, RATE-6).

Checks that exceed limits on purpose (the RATE checks) open unpaced
connections: their sends are counted, never held. A global refusal seen by the
suite (the quota spent by other clients, e.g. the run before) is taken into
the budget with :meth:`Budget.note_refusal`: the window is then assumed full
of others' messages for its whole length, so the suite waits it out.
"""

from __future__ import annotations

import asyncio
import time
from collections import deque
from collections.abc import Callable, Iterable, Mapping, Sequence
from typing import Any

from onsembl_spec.errors import InflateLimitError, WireError
from onsembl_spec.profile import Profile, Window
from onsembl_spec.validation import check, check_batch_wrapper, parse_json
from onsembl_spec.wire import InflateBudget, check_batch_count, decode_compressed

MARGIN_S = 0.25
"""Fixed part of each window's margin: how late the server may handle a message (seconds)."""
MARGIN_FRACTION = 0.01
"""Part of each window's margin proportional to its length."""
MAX_PACED_WAIT_S = 65.0
"""Longest a paced send waits for a slot: a spent minute window and its margin."""

Kind = str | None
"""What a counted message counts as: its type, or ``None`` for a message of no type (RATE-4)."""


def margin(seconds: float) -> float:
    """How much longer than ``seconds`` the suite keeps a window of that length."""
    return MARGIN_S + MARGIN_FRACTION * seconds


class BudgetExceeded(Exception):
    """A paced send would wait longer than allowed for a free slot."""

    def __init__(self, wait: float, scope: str) -> None:
        super().__init__(f"the {scope} rate limits leave no slot for {wait:.1f}s")
        self.wait = wait
        self.scope = scope


class WindowLog:
    """One window of one scope: the times of the messages counted in it, oldest first.

    ``own`` holds the times of this run's messages only; ``times`` also those
    assumed of other clients (:meth:`Budget.note_refusal`).
    """

    __slots__ = ("key", "limit", "name", "own", "seconds", "span", "times")

    def __init__(self, window: Window, extra: float | None = None) -> None:
        self.key = window.key
        self.name = window.report_name
        self.limit = window.limit
        self.seconds = float(window.seconds)
        self.span = self.seconds + (margin(self.seconds) if extra is None else extra)
        self.times: deque[float] = deque()
        self.own: deque[float] = deque()

    def used(self, now: float) -> int:
        """Messages counted in ``(now - span, now]``; forgets older ones."""
        horizon = now - self.span
        for times in (self.times, self.own):
            while times and times[0] <= horizon:
                times.popleft()
        return len(self.times)

    def own_used(self, now: float) -> int:
        """This run's own messages in ``(now - span, now]``."""
        self.used(now)
        return len(self.own)

    def wait(self, count: int, now: float) -> float:
        """Seconds until ``count`` more messages fit (0 when they fit now).

        More than ``limit`` never fit: for them the wait is until the window is
        empty, and the messages over the limit are the sender's own business.
        """
        used = self.used(now)
        excess = used + min(count, self.limit) - self.limit
        if excess <= 0:
            return 0.0
        # The oldest ``excess`` entries must leave the window first.
        return self.times[excess - 1] + self.span - now

    def add(self, now: float, count: int, *, own: bool = True) -> None:
        self.used(now)
        self.times.extend([now] * count)
        if own:
            self.own.extend([now] * count)


class ScopeLog:
    """The windows that count the same messages (one scope of RATE-1..RATE-3)."""

    __slots__ = ("kind", "logs")

    def __init__(self, kind: str, windows: Iterable[Window], extra: float | None = None) -> None:
        self.kind = kind
        self.logs = tuple(WindowLog(w, extra) for w in windows)

    def wait(self, count: int, now: float) -> float:
        return max((log.wait(count, now) for log in self.logs), default=0.0)

    def add(self, now: float, count: int) -> None:
        for log in self.logs:
            log.add(now, count)

    def long_limit(self) -> int | None:
        """The smallest limit of its windows longer than a second (``None``: none)."""
        return min((log.limit for log in self.logs if log.seconds > 1), default=None)


def counted_types(
    message: Any,
    max_bytes: int,
    *,
    inside: frozenset[str] = frozenset(),
    budget: InflateBudget | None = None,
) -> list[Kind]:
    """What the server counts for ``message`` (a decoded JSON value), one entry per message.

    BATCH-5, RATE-4: a valid wrapper is not counted, its messages are; an invalid
    one is one message of no type (``None``); a ``compressed`` that inflates past
    ``max_bytes`` closes the connection (COMP-4) and counts nothing, nor does any
    message after it. ``budget`` is what the frame's ``compressed`` messages may
    still inflate to together (COMP-6); a new one for a top-level message.
    """
    if budget is None:
        budget = InflateBudget(max_bytes)
    if budget.closed:
        return []
    kind = message.get("type") if isinstance(message, dict) else None
    if kind == "batch" and isinstance(message, dict):
        if "batch" in inside or check_batch_wrapper(message) is not None:
            return [None]
        try:
            check_batch_count(message)
        except WireError:
            return [None]
        nested = inside | {"batch"}
        kinds: list[Kind] = []
        for inner in message["messages"]:
            kinds += counted_types(inner, max_bytes, inside=nested, budget=budget)
        return kinds
    if kind == "compressed" and isinstance(message, dict):
        if "compressed" in inside or check(message) is not None:
            return [None]
        try:
            decoded = decode_compressed(message, max_bytes, budget)
        except InflateLimitError:
            budget.closed = True  # the server closes the connection: nothing more counts
            return []
        except WireError:
            return [None]
        return counted_types(decoded, max_bytes, inside=inside | {"compressed"}, budget=budget)
    if check(message) is not None:
        return [None]
    assert isinstance(kind, str)
    return [kind]


def counted_types_of_text(text: str | bytes, max_bytes: int) -> list[Kind]:
    """:func:`counted_types` of a frame's text; text that is not JSON is one invalid message."""
    if isinstance(text, bytes):
        try:
            text = text.decode("utf-8")
        except UnicodeDecodeError:
            return [None]
    try:
        message = parse_json(text)
    except ValueError:
        return [None]
    return counted_types(message, max_bytes)


class Budget:
    """One run's budget against one server: its global windows, shared by every connection
    (RATE-1), and the count of what the run sent.

    ``clock`` is monotonic seconds (``time.monotonic``: on one machine the
    server's clock too). Used from one event loop only.
    """

    def __init__(
        self,
        profile: Profile,
        *,
        clock: Callable[[], float] = time.monotonic,
        margin_s: float | None = None,
    ) -> None:
        self.profile = profile
        self.clock = clock
        self.margin_s = margin_s
        """Overrides :func:`margin` for every window (tests use 0 to check exact windows)."""
        self.global_scope = ScopeLog("global", profile.global_windows(), margin_s)
        self._owners: dict[str, ScopeLog] = {}
        self.sent = 0
        """Messages of this run the server counts (inner messages of wrappers included)."""
        self.waited = 0.0
        """Seconds paced sends waited for a slot, all connections together."""
        self.external = 0
        """Messages of other clients assumed in the global windows (:meth:`note_refusal`),
        in the window that assumed most."""

    def connection(self, *, paced: bool = True, owner: str | None = None) -> ConnectionBudget:
        """The budget of one new connection to this server, of ``owner`` (a token's ``sub``)."""
        return ConnectionBudget(self, paced=paced, owner=owner)

    def owner_scope(self, owner: str | None) -> ScopeLog | None:
        """The windows all connections of ``owner`` share (RATE-10), or ``None`` (no owner
        known, or no owner limits in the profile)."""
        if owner is None:
            return None
        scope = self._owners.get(owner)
        if scope is None:
            windows = self.profile.owner_windows()
            if not windows:
                return None
            scope = self._owners[owner] = ScopeLog("owner", windows, self.margin_s)
        return scope

    def kinds(self, message: Mapping[str, Any] | str | bytes) -> list[Kind]:
        """What the server counts for ``message`` (a dict, or a frame's text)."""
        if isinstance(message, (str, bytes)):
            return counted_types_of_text(message, self.profile.max_message_bytes)
        return counted_types(message, self.profile.max_message_bytes)

    # -- refusals ----------------------------------------------------------------

    def global_refusal(self, reply: Mapping[str, Any]) -> bool:
        """A ``connection:error`` ``RATE_LIMIT`` whose ``limits`` are the global scope's
        windows (RATE-9: ``limits`` holds the windows of the exceeded scope)."""
        if reply.get("type") != "connection:error" or reply.get("code") != "RATE_LIMIT":
            return False
        limits = reply.get("limits")
        windows = self.profile.global_windows()
        if not isinstance(limits, dict) or not windows:
            return False
        expected = {w.report_name: w.limit for w in windows}
        got = {
            name: value.get("limit") for name, value in limits.items() if isinstance(value, dict)
        }
        return got == expected

    def spent_by_others(self, reply: Mapping[str, Any]) -> str | None:
        """Why a global refusal is no verdict on the server, or ``None`` when it may be one.

        The global quota was truly spent (RATE-9 ``used`` at its ``limit``) while
        this run's own messages in that window were fewer: other clients (an
        earlier run) spent it. A refusal with ``used`` below ``limit`` is the
        server's own doing (RATE-5) and stays a verdict.
        """
        if not self.global_refusal(reply):
            return None
        now = self.clock()
        limits = reply["limits"]
        for log in self.global_scope.logs:
            entry = limits.get(log.name)
            if not isinstance(entry, dict):
                continue
            used, limit = entry.get("used"), entry.get("limit")
            if not isinstance(used, int) or not isinstance(limit, int) or used < limit:
                continue
            own = log.own_used(now)
            if own < limit:
                return (
                    f"the server's global {log.key} quota of {limit} is spent, "
                    f"at most {own} of it by this run: other clients spent the rest"
                )
        return None

    def note_refusal(self, reply: Mapping[str, Any]) -> bool:
        """Take a global refusal into the budget: the server's global window was full when
        it answered, so the messages in it that were not this run's are assumed to stay
        for a whole window from now (the conservative bound: the suite waits it out).
        Returns whether the refusal was a global one spent by others."""
        if self.spent_by_others(reply) is None:
            return False
        now = self.clock()
        limits = reply["limits"]
        assumed = 0
        for log in self.global_scope.logs:
            entry = limits.get(log.name)
            if not isinstance(entry, dict) or not isinstance(entry.get("used"), int):
                continue
            others = max(0, min(entry["used"], log.limit) - log.used(now))
            log.add(now, others, own=False)
            assumed = max(assumed, others)
        self.external += assumed
        return True

    def global_wait(self) -> float:
        """Seconds until one more message fits the global windows."""
        return self.global_scope.wait(1, self.clock())


class ConnectionBudget:
    """One connection's own windows (RATE-2, RATE-3), its owner's (RATE-10) and the run's global
    ones.

    ``paced``: sends wait for a free slot (:meth:`acquire`); an unpaced
    connection (a check that exceeds limits on purpose) is only counted.
    """

    def __init__(self, budget: Budget, *, paced: bool = True, owner: str | None = None) -> None:
        self.budget = budget
        self.paced = paced
        self.owner_scope = budget.owner_scope(owner)
        profile = budget.profile
        extra = budget.margin_s
        self.connection_scope = ScopeLog("connection", profile.connection_windows(), extra)
        self._types: dict[str, ScopeLog] = {}
        self.sent = 0
        """Messages of this connection the server counts."""
        self.waited = 0.0
        self.chosen: dict[int, int] = {}
        """Messages the suite chose to send, by scope (``id``), background ones left out:
        unlike the windows, a count that does not depend on timing (:meth:`room`)."""

    def scope_of(self, kind: Kind) -> ScopeLog:
        """The connection's or the type's scope a message of ``kind`` counts in."""
        if kind is None:
            return self.connection_scope
        scope = self._types.get(kind)
        if scope is None:
            windows = self.budget.profile.type_windows(kind)
            scope = (
                self.connection_scope
                if windows is None
                else ScopeLog("type", windows, self.budget.margin_s)
            )
            self._types[kind] = scope
        return scope

    def _plan(self, kinds: Sequence[Kind]) -> list[tuple[ScopeLog, int]]:
        counts: dict[int, tuple[ScopeLog, int]] = {}
        for kind in kinds:
            scope = self.scope_of(kind)
            held = counts.get(id(scope))
            counts[id(scope)] = (scope, 1 if held is None else held[1] + 1)
        plan = list(counts.values())
        if kinds:
            if self.owner_scope is not None:
                plan.append((self.owner_scope, len(kinds)))
            plan.append((self.budget.global_scope, len(kinds)))
        return plan

    def delay(self, kinds: Sequence[Kind]) -> tuple[float, str]:
        """Seconds until all of ``kinds`` fit, and the scope that holds them longest."""
        now = self.budget.clock()
        wait, which = 0.0, ""
        for scope, count in self._plan(kinds):
            needed = scope.wait(count, now)
            if needed > wait:
                wait, which = needed, scope.kind
        return wait, which

    def room(self, kinds: Sequence[Kind], *, reserve: int = 0) -> bool:
        """Whether ``kinds`` more fit, with ``reserve`` slots to spare, under the limit of every
        window longer than a second of this connection's scopes, counting every message the
        suite chose to send on it since it opened (background ones left out).

        A model that sends only while there is room never waits for a minute or hour
        window to slide, and decides the same whatever the timing (issue 9).
        """
        for scope, count in self._plan(kinds):
            if scope is self.budget.global_scope or scope is self.owner_scope:
                continue  # shared with other connections: not this connection's choice alone
            limit = scope.long_limit()
            if limit is not None and self.chosen.get(id(scope), 0) + count > limit - reserve:
                return False
        return True

    def record(self, kinds: Sequence[Kind], *, background: bool = False) -> None:
        """Count ``kinds`` as sent now, without waiting; ``background``: sends the suite did
        not choose (answers to the server's pings), left out of :meth:`room`."""
        now = self.budget.clock()
        for scope, count in self._plan(kinds):
            scope.add(now, count)
            if not background:
                self.chosen[id(scope)] = self.chosen.get(id(scope), 0) + count
        self.sent += len(kinds)
        self.budget.sent += len(kinds)

    async def acquire(self, kinds: Sequence[Kind], *, max_wait: float = MAX_PACED_WAIT_S) -> float:
        """Wait until all of ``kinds`` fit every window they count in, then count them.

        Returns the seconds waited. Raises :class:`BudgetExceeded` (counting
        nothing) when that would take longer than ``max_wait``.
        """
        waited = 0.0
        clock = self.budget.clock
        while True:
            wait, which = self.delay(kinds)
            if wait <= 0:
                self.record(kinds)
                self.waited += waited
                self.budget.waited += waited
                return waited
            if waited + wait > max_wait:
                raise BudgetExceeded(wait, which)
            began = clock()
            await asyncio.sleep(wait)
            waited += clock() - began
