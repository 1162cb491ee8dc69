"""Broken servers for the checks of batch, compressed, rate limits, heartbeats, token refresh
and validation (field paths, timestamps, valid messages accepted).

Each fault patches one named piece of the reference server (see
``fault_registry``); ``CATALOGUE`` lists the checks each must make fail.
"""

from __future__ import annotations

import base64
from typing import Any

from fault_registry import Entry, entry, fault

import onsembl_server.core.outbound as outbound
import onsembl_server.core.ratelimit as ratelimit
import onsembl_server.core.server as server
from onsembl_server.core.close_codes import CloseReason
from onsembl_server.core.server import ServerCore
from onsembl_spec._generated import validators
from onsembl_spec.errors import WireError
from onsembl_spec.validation import Issue, parse_json, validate
from onsembl_spec.wire import inflate_gzip

# --------------------------------------------------------------------- batch


@fault("batch-wrapper-half-checked")
def _() -> None:
    """Only ``messages`` and ``count`` of the wrapper are checked: a batch with an undocumented
    field or a bad ``timestamp`` has its messages processed (BATCH-2)."""
    original = server.check_batch_wrapper

    def check_batch_wrapper(message: Any) -> Issue | None:
        issue = original(message)
        return issue if issue is None or issue.field in ("messages", "count") else None

    server.check_batch_wrapper = check_batch_wrapper  # type: ignore[assignment]


# --------------------------------------------------------------------- compressed


@fault("compressed-not-unwrapped")
def _() -> None:
    """The wrapper is validated, and then nothing: what it holds is never handled (COMP-1)."""

    def receive_compressed(
        self: ServerCore, s: Any, message: Any, prefix: str, now: float, inside: Any
    ) -> None:
        issue = server.check(message)
        if issue is not None:
            field_path = self.issue_field(prefix, issue.field)
            self._send_wrapper_error(s, message, field_path, issue.message, now)

    ServerCore._receive_compressed = receive_compressed  # type: ignore[method-assign]


@fault("compressed-no-data-prefix")
def _() -> None:
    """The decoded message is handled as if sent alone, its error paths too: ``timestamp``
    rather than ``data.timestamp`` (COMP-3)."""
    original = ServerCore._receive_message

    def receive_message(
        self: ServerCore, s: Any, message: Any, raw: Any, prefix: str, now: float, *, inside: Any
    ) -> None:
        if prefix.endswith("data."):
            prefix = prefix[: -len("data.")]
        original(self, s, message, raw, prefix, now, inside=inside)

    ServerCore._receive_message = receive_message  # type: ignore[method-assign]


@fault("compressed-unwraps-recursively")
def _() -> None:
    """Compressed messages are unwrapped for as long as they hold compressed ones: the
    wrapper's ``originalType`` may be ``compressed``, the decoder and the dispatcher let a
    decoded ``compressed`` through, and the ping two levels down is answered (COMP-5)."""
    original_check = server.check
    original_decode = server.decode_compressed
    original_receive = ServerCore._receive_message

    def check(message: Any) -> Issue | None:
        nested = isinstance(message, dict) and message.get("type") == "compressed"
        if nested and message.get("originalType") == "compressed":
            message = {**message, "originalType": "heartbeat:ping"}
        return original_check(message)

    def decode_compressed(message: Any, max_bytes: int, budget: Any = None) -> Any:
        try:
            return original_decode(message, max_bytes, budget)
        except WireError as err:
            if err.field != "data.type":
                raise
        stream = base64.b64decode(message["data"], validate=True)
        return parse_json(inflate_gzip(stream, max_bytes).decode("utf-8"))

    def receive_message(
        self: ServerCore, s: Any, message: Any, raw: Any, prefix: str, now: float, *, inside: Any
    ) -> None:
        original_receive(self, s, message, raw, prefix, now, inside=inside - {"compressed"})

    server.check = check  # type: ignore[assignment]
    server.decode_compressed = decode_compressed  # type: ignore[assignment]
    ServerCore._receive_message = receive_message  # type: ignore[method-assign]


@fault("compressed-budget-per-message")
def _() -> None:
    """Each ``compressed`` message of a batch may inflate to ``max_message_bytes`` on its own:
    the frame's budget is ignored, a batch of 100 costs 100 times the limit (COMP-6)."""
    original = server.decode_compressed

    def decode_compressed(message: Any, max_bytes: int, budget: Any = None) -> Any:
        return original(message, max_bytes)

    server.decode_compressed = decode_compressed  # type: ignore[assignment]


# --------------------------------------------------------------------- rate limits per owner


@fault("rate-no-owner-scope")
def _() -> None:
    """Owners have no limits of their own, only connections and the server do (RATE-10)."""
    original = ServerCore.rate_scopes

    def rate_scopes(self: ServerCore, s: Any, message_type: str) -> Any:
        return tuple(scope for scope in original(self, s, message_type) if scope.kind != "owner")

    ServerCore.rate_scopes = rate_scopes  # type: ignore[method-assign]


@fault("rate-owner-refusals-spend-global")
def _() -> None:
    """A message refused over its owner's limits still takes a slot of the global window, so an
    owner past its own limits goes on spending everyone's (RATE-10)."""
    original = server.admit

    def admit(scopes: Any, now: float) -> Any:
        refusal = original(scopes, now)
        if refusal is not None and refusal.scope == "owner":
            for scope in scopes:
                if scope.kind == "global" and not scope.exceeded(now):
                    scope.record(now)
        return refusal

    server.admit = admit  # type: ignore[assignment]


@fault("rate-no-connection-bound")
def _() -> None:
    """An owner may open any number of connections (RATE-11)."""
    ServerCore.owner_connections_full = lambda self, usage: False  # type: ignore[method-assign]


@fault("rate-connection-bound-never-frees")
def _() -> None:
    """Connections are counted when they open, never when they close: an owner that once
    reached its bound is locked out for good (RATE-11)."""
    original = ServerCore.closed

    def closed(self: ServerCore, conn_id: int, now: float) -> None:
        session = self.sessions.get(conn_id)
        if session is not None and session.usage is not None:
            session.usage.connections += 1  # what ``closed`` takes off again
        original(self, conn_id, now)

    ServerCore.closed = closed  # type: ignore[method-assign]


# --------------------------------------------------------------------- heartbeat


@fault("heartbeat-valid-only")
def _() -> None:
    """Only valid messages count as signs of life: a client sending invalid ones is closed
    for silence (HB-4)."""

    def receive(self: ServerCore, conn_id: int, text: str, now: float) -> None:
        s = self.sessions.get(conn_id)
        if s is None or s.closing:
            return
        try:
            self._receive_frame(s, text, now)
        except Exception:
            self._close(s, CloseReason.INTERNAL_ERROR)

    original_accept = ServerCore._accept

    def accept(
        self: ServerCore, s: Any, message: Any, message_type: str, raw: Any, now: float
    ) -> None:
        s.last_seen = now
        original_accept(self, s, message, message_type, raw, now)

    ServerCore.receive = receive  # type: ignore[method-assign]
    ServerCore._accept = accept  # type: ignore[method-assign]


# --------------------------------------------------------------------- rate limits


@fault("rate-minute-off-by-one")
def _() -> None:
    """The per-minute window refuses at ``limit - 1`` (``>=`` where ``>`` was meant)."""
    original = ratelimit.SlidingWindow.is_full

    def is_full(self: ratelimit.SlidingWindow, now: float) -> bool:
        if self.name == "perMinute":
            return self.used(now) >= self.limit - 1
        return original(self, now)

    ratelimit.SlidingWindow.is_full = is_full  # type: ignore[method-assign]


@fault("rate-retry-after-whole-window")
def _() -> None:
    """``retryAfter`` is the length of the longest exceeded window, not the time until it
    frees a slot."""
    ratelimit.retry_after_seconds = lambda exceeded, now: int(  # type: ignore[assignment]
        max((w.seconds for w in exceeded), default=1)
    )


@fault("rate-hour-unreported")
def _() -> None:
    """``limits`` written for perSecond and perMinute only: an exceeded hour window is
    enforced but missing from the refusal (RATE-9)."""
    ratelimit.Scope.report = lambda self, now: {  # type: ignore[method-assign]
        w.name: {"used": w.used(now), "limit": w.limit} for w in self.windows if w.seconds <= 60
    }


@fault("rate-retry-after-capped")
def _() -> None:
    """``retryAfter`` never above a minute, as if no window were longer (RATE-8)."""
    original = ratelimit.retry_after_seconds
    ratelimit.retry_after_seconds = lambda exceeded, now: min(60, original(exceeded, now))  # type: ignore[assignment]


# --------------------------------------------------------------------- refresh


@fault("refresh-only-when-needed")
def _() -> None:
    """A refresh is refused unless ``auth:refresh-needed`` was sent first (REFRESH-5)."""
    original = ServerCore.refresh_refusal

    def refresh_refusal(self: ServerCore, s: Any, token: str, now: float) -> str | None:
        if not s.refresh_needed_sent:
            return "no refresh needed yet"
        return original(self, s, token, now)

    ServerCore.refresh_refusal = refresh_refusal  # type: ignore[method-assign]


# --------------------------------------------------------------------- validation


@fault("validation-last-defect")
def _() -> None:
    """Every defect is collected and the last one reported, not the first (VAL-4)."""

    def check(message: Any) -> Issue | None:
        issues = validate(message)
        return issues[-1] if issues else None

    server.check = check  # type: ignore[assignment]


@fault("validation-timestamp-pattern-only")
def _() -> None:
    """Timestamps checked against the pattern only: month 13 or 29 February 2023 pass (VAL-5)."""
    validators._date_time = lambda value: True  # type: ignore[attr-defined]


@fault("validation-drops-unwritable-field")
def _() -> None:
    """A path that cannot be written is left out instead of naming its closest enclosing
    location: an inner message's member named ``""`` gets no field, not ``messages.0``
    (VAL-6)."""

    def reportable_field(field: str | None) -> str | None:
        if field is None or "" in field.split(".") or len(field) > 1024:
            return None
        return field

    outbound.reportable_field = reportable_field  # type: ignore[assignment]


@fault("validation-utc-only")
def _() -> None:
    """Timestamps read with one fixed format, ``YYYY-MM-DDTHH:MM:SS[.fff]Z``: valid ones with
    a numeric offset or a lowercase ``t`` or ``z`` get validation:error (ROLE-1, ROLE-2)."""
    import re

    utc = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}:[0-9]{2}(\.[0-9]+)?Z")
    original = server.check

    def check(message: Any) -> Issue | None:
        issue = original(message)
        stamp = message.get("timestamp") if isinstance(message, dict) else None
        if issue is None and isinstance(stamp, str) and utc.fullmatch(stamp) is None:
            return Issue("timestamp", "timestamp must be UTC, ending in Z")
        return issue

    server.check = check  # type: ignore[assignment]


CATALOGUE: tuple[Entry, ...] = (
    entry("batch-wrapper-half-checked", "invalid_wrapper", "BATCH-2"),
    entry("compressed-not-unwrapped", "compressed_processed", "COMP-1"),
    entry("compressed-no-data-prefix", "compressed_invalid_inner", "COMP-3"),
    entry("compressed-unwraps-recursively", "nested_compressed", "COMP-5"),
    entry("compressed-budget-per-message", "frame_inflation_bound", "COMP-6"),
    entry("rate-no-owner-scope", "owner_limit", "RATE-10"),
    entry("rate-owner-refusals-spend-global", "owner_limit", "RATE-10"),
    entry("rate-no-connection-bound", "owner_connection_bound", "RATE-11"),
    entry("rate-connection-bound-never-frees", "owner_connection_bound", "RATE-11"),
    entry("heartbeat-valid-only", "any_message_is_sign_of_life", "HB-4"),
    entry("rate-minute-off-by-one", "minute_limit", "RATE-5"),
    entry("rate-retry-after-whole-window", "minute_limit", "RATE-8"),
    entry("rate-hour-unreported", "hour_window_reported", "RATE-9"),
    entry("rate-retry-after-capped", "hour_window_reported", "RATE-8"),
    entry("refresh-only-when-needed", "refresh_anytime", "REFRESH-5"),
    entry("validation-last-defect", "first_offending_field", "VAL-4"),
    entry("validation-timestamp-pattern-only", "timestamp_format", "VAL-5"),
    entry("validation-drops-unwritable-field", "unwritable_field", "VAL-6"),
    entry("validation-utc-only", "valid_messages_accepted", "MSG-11"),
)
