"""The suite's WebSocket client: records every frame into the transcript and checks invariants.

Every message received is validated (MSG-8) and must be one text frame holding
one JSON object (TRANS-3); a server close must come with a close frame
(CLOSE-6) and never code 1010 (CLOSE-4). A violation is kept on the context
and raised at the next ``expect`` (and by the engine when the check ends).
``batch`` and ``compressed`` from the server are unwrapped (TERM-4).

Bounded against a hostile server (issue 9, part 3): one message may be at most
:func:`frame_bound` bytes (a bigger one closes the connection 1009 and is a
TRANS-6 violation, see :meth:`Connection._on_closed`); websockets buffers at
most :data:`RECEIVE_QUEUE` frames the reader has not taken; a check's
connections keep at most :data:`HELD_BYTES_PER_CHECK` of messages and each at
most :data:`MAX_BACKGROUND` background ones (:meth:`Connection._hold`); the
client answers at most one ping per :data:`MIN_PONG_INTERVAL_S`; at most
:data:`MAX_RECORDED_VIOLATIONS` violations are recorded per connection.
"""

from __future__ import annotations

import asyncio
import contextlib
import sys
from collections.abc import Callable, Iterable
from typing import TYPE_CHECKING, Any

from websockets.asyncio.client import ClientConnection
from websockets.exceptions import ConnectionClosed

from onsembl_conformance.budget import BudgetExceeded, ConnectionBudget
from onsembl_conformance.errors import CheckFailure, CheckInconclusive
from onsembl_spec.errors import InflateLimitError, WireError
from onsembl_spec.validation import check as check_message
from onsembl_spec.validation import parse_json
from onsembl_spec.wire import decode_compressed, message_text, now_timestamp

if TYPE_CHECKING:
    from onsembl_conformance.context import CheckContext

Message = dict[str, Any]
Predicate = Callable[[Message], bool]

PACING_NOTE_S = 0.05
"""A paced send that waited at least this long says so in the transcript."""

BACKGROUND_TYPES = frozenset({"heartbeat:ping", "auth:refresh-needed"})
"""Server-initiated messages that ``expect`` and ``expect_silence`` ignore unless asked for."""

FRAME_SLACK_FACTOR = 3
FRAME_SLACK_BYTES = 64 * 1024
""":func:`frame_bound`: ``max_message_bytes`` times the factor, plus the bytes."""
RECEIVE_QUEUE = (4, 1)
"""websockets' ``max_queue`` (high, low): frames it buffers before the reader takes them;
above 4 it stops reading the socket, and reads again at 1."""
MESSAGE_OVERHEAD = 1024
"""Bytes a parsed message costs beyond its text (measured: 360 to 950 bytes)."""
HELD_BYTES_PER_CHECK = 64 * 1024 * 1024
"""Most bytes of received messages the connections of one check keep (``received``, with
``inbox`` a part of it). The most a conforming server sends in one check is the slow-consumer
check's: at most about 38 MiB (20 MiB to the dashboard that reads, up to 16 MiB to the one
that does not, CLOSE-7), 29 MiB measured against the reference server."""
MAX_BACKGROUND = 1000
"""Background messages (pings, refresh notices) one connection keeps before dropping the
oldest; a conforming server sends one per ``heartbeat.interval_s`` (HB-2)."""
KEEP_BACKGROUND = 100
"""Background messages kept (the newest) when the oldest are dropped."""
MAX_RECORDED_VIOLATIONS = 10
"""Violations recorded per connection; later ones are counted (the first one is the verdict)."""
MIN_PONG_INTERVAL_S = 0.25
"""The client answers at most one server ping per this many seconds (or per a quarter of
``heartbeat.interval_s`` when shorter): a conforming server pings only after
``heartbeat.interval_s`` of silence (HB-2), so it never sees a ping go unanswered."""


def frame_bound(max_message_bytes: int) -> int:
    """The largest message the client accepts from a server whose profile says
    ``max_message_bytes`` (issue 9, part 3): websockets' ``max_size``.

    A server's own message is at most ``max_message_bytes``, and a forwarded one
    is a client's message of at most ``max_message_bytes`` (TRANS-6) that the
    server may re-serialise: JSON escapes at most triple a text (a 2-byte UTF-8
    character as a 6-byte ``\\uXXXX``), and the envelope (timestamps, ids,
    a ``batch`` or ``compressed`` wrapper) takes the 64 KiB. A ``batch`` of
    several forwarded messages (TERM-3) could in principle be bigger; the spec
    sets no bound on it, and the kit requires it to fit this one.
    """
    return FRAME_SLACK_FACTOR * max_message_bytes + FRAME_SLACK_BYTES


def describe(message: Message) -> str:
    """A short form of a message for Expected/Actual lines."""
    text = message_text(message)
    return text if len(text) <= 300 else text[:300] + "..."


class Connection:
    """One WebSocket connection of a check."""

    def __init__(
        self,
        ctx: CheckContext,
        ws: ClientConnection,
        number: int,
        *,
        auto_pong: bool,
        budget: ConnectionBudget | None = None,
    ) -> None:
        self.ctx = ctx
        self.ws = ws
        self.number = number
        self.auto_pong = auto_pong
        self.budget = budget if budget is not None else ctx.budget_for(None).connection()
        """What this connection sends counts here (issue 9): paced unless made unpaced."""
        self._noted: set[int] = set()
        """``id`` of the ``RATE_LIMIT`` refusals already taken into the budget."""
        self.inbox: list[Message] = []
        self.received: list[Message] = []
        self.wrapped_received = 0
        self.received_bytes = 0
        self.held_bytes = 0
        """Bytes of the messages in ``received`` (text plus :data:`MESSAGE_OVERHEAD` each)."""
        self.dropped_background = 0
        self.overflowed = False
        """The check's connections held :data:`HELD_BYTES_PER_CHECK`: this one was dropped."""
        self.violations_seen = 0
        self.pongs_skipped = 0
        self._sizes: dict[int, int] = {}
        self._background = 0
        self._last_pong: float | None = None
        self.close_code: int | None = None
        self.close_reason = ""
        self.closed_by_server = False
        self.closed = asyncio.Event()
        self.closed_at: float | None = None
        self._arrival = asyncio.Condition()
        self._reader = asyncio.create_task(self._read())

    # -- receiving ---------------------------------------------------------

    async def _read(self) -> None:
        try:
            async for frame in self.ws:
                self.received_bytes += len(frame)
                self.ctx.transcript.record_frame(self.number, "recv", frame)
                if self.overflowed:
                    continue
                if len(frame) > self.frame_limit:  # a connection opened with a larger max_size
                    await self._refuse_big_frame()
                    continue
                await self._accept(frame)
        except ConnectionClosed:
            pass
        except Exception as err:
            self.ctx.transcript.note(f"#{self.number} transport error: {err!r}")
        finally:
            await self._on_closed()

    @property
    def frame_limit(self) -> int:
        """The largest message this connection accepts: :func:`frame_bound` of the profile,
        or websockets' ``max_size`` when a check opened it with a smaller one."""
        bound = frame_bound(self.ctx.profile.max_message_bytes)
        limit = self.ws.protocol.max_message_size
        return bound if limit is None else min(limit, bound)

    async def _refuse_big_frame(self) -> None:
        """A frame over :attr:`frame_limit` that websockets let through: the same TRANS-6
        violation as its 1009, and the client drops the connection."""
        self.overflowed = True
        self.ctx.transcript.note(
            f"#{self.number} the server sent a frame over {self.frame_limit} bytes; the client"
            " drops the connection"
        )
        await self._violation(
            self._too_big(f"the server sent a frame over {self.frame_limit} bytes")
        )
        self.ctx.closing.add(self.number)
        self.ws.transport.abort()

    async def _violation(self, failure: CheckFailure) -> None:
        """Record ``failure`` (at most :data:`MAX_RECORDED_VIOLATIONS` per connection: a server
        that sends nothing but invalid frames grows no list) and wake an ``expect`` waiting
        here, so the check ends at once."""
        self.violations_seen += 1
        if self.violations_seen <= MAX_RECORDED_VIOLATIONS:
            self.ctx.violation(failure)
        elif self.violations_seen == MAX_RECORDED_VIOLATIONS + 1:
            self.ctx.transcript.note(f"#{self.number} further violations counted, not recorded")
        async with self._arrival:
            self._arrival.notify_all()

    def _too_big(self, what: str) -> CheckFailure:
        """A message over :attr:`frame_limit`: a TRANS-6 violation (issue 9, part 3).

        The spec states the bound on a message's size once, in TRANS-6, as
        ``max_message_bytes``, the limit of the connection that the profile sets
        for the server, and that RFC 6455's 1009 enforces; a server that sends a
        bigger message breaks the bound it is configured with. Not MSG-8 or
        TRANS-3: the client never read the frame, so it cannot say what it held;
        not the check's own requirement: the server was not seen breaking it.
        """
        limit = self.frame_limit
        return CheckFailure(
            "TRANS-6",
            f"messages of at most {limit} bytes from the server (max_message_bytes"
            f" {self.ctx.profile.max_message_bytes}, the size bound of TRANS-6, with slack for"
            " re-encoding)",
            what,
        )

    async def _accept(self, frame: str | bytes) -> None:
        if isinstance(frame, bytes):
            await self._violation(
                CheckFailure("TRANS-3", "a text frame", f"a binary frame of {len(frame)} bytes")
            )
            return
        try:
            message = parse_json(frame)
        except ValueError as err:
            await self._violation(CheckFailure("TRANS-3", "one JSON object", f"not JSON: {err}"))
            return
        if not isinstance(message, dict):
            await self._violation(CheckFailure("TRANS-3", "one JSON object", f"{frame[:200]}"))
            return
        await self._deliver(message, depth=0, size=sys.getsizeof(frame))

    async def _deliver(self, message: Message, depth: int, size: int) -> None:
        """Validate, unwrap and keep one message; ``size`` is the memory its text takes."""
        issue = check_message(message)
        if issue is not None:
            where = f"{issue.field}: " if issue.field else ""
            await self._violation(
                CheckFailure(
                    "MSG-8",
                    "every server message valid under the schemas",
                    f"{where}{issue.message} in {describe(message)}",
                )
            )
            return
        kind = message["type"]
        if kind == "batch" and depth == 0:
            self.wrapped_received += 1
            share = size // max(1, len(message["messages"]))
            for inner in message["messages"]:
                await self._deliver(inner, depth + 1, share)
                if self.overflowed:
                    return
            return
        if kind == "compressed" and depth < 2:
            self.wrapped_received += 1
            try:
                inner = decode_compressed(message, self.frame_limit)
            except InflateLimitError:
                await self._violation(
                    self._too_big(f"a compressed message inflating past {self.frame_limit} bytes")
                )
                return
            except WireError as err:
                await self._violation(
                    CheckFailure("MSG-8", "a compressed message that decodes", str(err))
                )
                return
            await self._deliver(inner, depth + 1, int(message["originalSize"]))
            return
        if not await self._hold(message, size):
            return
        if kind == "heartbeat:ping" and self.auto_pong:
            await self._answer_ping()
            return
        async with self._arrival:
            self.inbox.append(message)
            self._arrival.notify_all()

    def _check_held_bytes(self) -> int:
        """Bytes of messages kept by the check's connections (this one included)."""
        others = sum(c.held_bytes for c in self.ctx.connections if c is not self)
        return others + self.held_bytes

    async def _hold(self, message: Message, size: int) -> bool:
        """Keep ``message`` in ``received`` within the bounds (issue 9, part 3).

        Background messages beyond :data:`MAX_BACKGROUND` on this connection:
        the oldest are dropped (from ``received`` and ``inbox``), with a note.
        Past :data:`HELD_BYTES_PER_CHECK` for the whole check the message is not
        kept, the connection is dropped and the check is inconclusive (the
        context's ``inconclusive``, raised with its violations): a flood of
        valid messages breaks no requirement the spec states, and the check can
        no longer see everything the server sent. Returns whether it was kept.
        """
        cost = size + MESSAGE_OVERHEAD
        held = self._check_held_bytes() + cost
        if held > HELD_BYTES_PER_CHECK:
            await self._overflow(held)
            return False
        self.received.append(message)
        self._sizes[id(message)] = cost
        self.held_bytes += cost
        if message["type"] in BACKGROUND_TYPES:
            self._background += 1
            if self._background > MAX_BACKGROUND:
                self._drop_background(KEEP_BACKGROUND)
        return True

    def _drop_background(self, keep: int) -> None:
        """Forget all but the newest ``keep`` background messages of this connection."""
        background = [m for m in self.received if m["type"] in BACKGROUND_TYPES]
        doomed = {id(m) for m in background[: max(0, len(background) - keep)]}
        if not doomed:
            return
        self.received[:] = [m for m in self.received if id(m) not in doomed]
        self.inbox[:] = [m for m in self.inbox if id(m) not in doomed]
        for key in doomed:
            self.held_bytes -= self._sizes.pop(key, 0)
        self._background -= len(doomed)
        self.dropped_background += len(doomed)
        self.ctx.transcript.note(
            f"#{self.number} dropped the {len(doomed)} oldest background messages (pings,"
            f" refresh notices; {self.dropped_background} so far): a connection keeps at most"
            f" {MAX_BACKGROUND}"
        )

    async def _overflow(self, held: int) -> None:
        self.overflowed = True
        text = (
            f"the server sent more than the checker keeps: {held} bytes of messages on this"
            f" check's connections, over {HELD_BYTES_PER_CHECK} (a conforming server sends"
            f" under 40 MiB in any check); connection #{self.number} was dropped, so the check"
            " cannot see all the server sent (issue 9)"
        )
        self.ctx.transcript.note(text)
        if self.ctx.inconclusive is None:
            self.ctx.inconclusive = CheckInconclusive(text)
        self.ctx.closing.add(self.number)  # the client's doing: no CLOSE-6
        self.ws.transport.abort()
        async with self._arrival:
            self._arrival.notify_all()

    async def _answer_ping(self) -> None:
        """``heartbeat:pong`` for a server ping (HB-5), at most one per
        :data:`MIN_PONG_INTERVAL_S`: answering a ping flood costs nothing that grows."""
        now = asyncio.get_running_loop().time()
        gap = min(MIN_PONG_INTERVAL_S, self.ctx.profile.heartbeat_interval_s / 4)
        if self._last_pong is not None and now - self._last_pong < gap:
            self.pongs_skipped += 1
            if self.pongs_skipped == 1:
                self.ctx.transcript.note(
                    f"#{self.number} pings come faster than one per {gap:g}s: the client"
                    f" answers at most one per {gap:g}s"
                )
            return
        self._last_pong = now
        await self.send({"type": "heartbeat:pong", "timestamp": now_timestamp()}, quiet=True)

    async def _on_closed(self) -> None:
        self.closed_at = self.ctx.transcript.now()
        protocol = self.ws.protocol
        rcvd = protocol.close_rcvd
        sent = protocol.close_sent
        sent_first = sent is not None and protocol.close_rcvd_then_sent is False
        # The library closed the connection itself, because of something the server sent
        # (websockets fails it with 1009 on a message over max_size, 1007 on invalid UTF-8,
        # 1002 on a protocol error): the server did not close it, so no CLOSE-6 either.
        failed_by_client = (
            sent is not None
            and protocol.close_rcvd_then_sent is not True
            and not self.ctx.closing_myself(self)
        )
        if failed_by_client and sent is not None:
            self.ctx.transcript.note(
                f"#{self.number} the client closed the connection: {sent.code} {sent.reason!r}"
            )
            if sent.code == 1009:
                self.ctx.transcript.note(
                    f"#{self.number} the server sent a frame over {self.frame_limit} bytes"
                )
                await self._violation(
                    self._too_big(
                        f"the server sent a frame over {self.frame_limit} bytes; the client"
                        " closed the connection with 1009"
                    )
                )
            elif sent.code == 1007:
                await self._violation(
                    CheckFailure("TRANS-3", "text frames of valid UTF-8", f"close 1007: {sent}")
                )
            elif sent.code == 1002:
                await self._violation(
                    CheckFailure("TRANS-1", "frames as RFC 6455 defines them", f"{sent}")
                )
        if rcvd is not None:
            self.close_code = rcvd.code
            self.close_reason = rcvd.reason
            self.closed_by_server = not sent_first
            if rcvd.code == 1010:
                await self._violation(
                    CheckFailure("CLOSE-4", "never close code 1010", "close 1010")
                )
        elif not self.ctx.closing_myself(self) and not failed_by_client:
            await self._violation(
                CheckFailure(
                    "CLOSE-6",
                    "a close frame with a code of R15",
                    "the transport was dropped without a close frame",
                )
            )
        if self.dropped_background or self.pongs_skipped or self.violations_seen:
            self.ctx.transcript.note(
                f"#{self.number} background messages dropped: {self.dropped_background};"
                f" pings not answered: {self.pongs_skipped}; violations: {self.violations_seen}"
            )
        detail = f"code={self.close_code} reason={self.close_reason!r}"
        self.ctx.transcript.record(self.number, "close", detail=detail, code=self.close_code)
        self.closed.set()
        async with self._arrival:
            self._arrival.notify_all()

    def release(self) -> None:
        """Forget the messages kept, once the check is over (``CheckContext.cleanup``): a
        finished check's context may live on (an exception's traceback, a reference cycle
        until the garbage collector runs), its up to 64 MiB of messages need not (issue 9)."""
        self.received.clear()
        self.inbox.clear()
        self._sizes.clear()
        self.held_bytes = 0
        self._background = 0

    def pause_reading(self) -> None:
        """Stop taking bytes from the socket, as a client that stopped reading (CLOSE-7)."""
        self.ctx.transcript.note(f"#{self.number} stops reading")
        self.ws.transport.pause_reading()

    def resume_reading(self) -> None:
        self.ctx.transcript.note(f"#{self.number} reads again")
        self.ws.transport.resume_reading()

    # -- sending -----------------------------------------------------------

    async def send(
        self, message: Message | str, *, quiet: bool = False, pace: bool | None = None
    ) -> None:
        """Send one message (a dict is sent as compact JSON, a str as is) in one text frame.

        Paced (issue 9): it first waits until every rate-limit window it counts
        in has a free slot (:mod:`onsembl_conformance.budget`), unless the
        connection is unpaced or ``pace`` is false. ``quiet`` sends (the
        client's own answers to the server's pings, HB-5, which follow a
        silence) are counted but never held: the reader sends them.
        """
        text = message if isinstance(message, str) else message_text(message)
        await self._spend(message, pace=not quiet if pace is None else pace, background=quiet)
        self.ctx.transcript.record_frame(self.number, "send", text)
        try:
            await self.ws.send(text)
        except ConnectionClosed:
            if not quiet:
                self.ctx.transcript.note(f"#{self.number} send after close")

    @property
    def paced(self) -> bool:
        """Whether sends wait for free rate-limit slots; a check that exceeds limits on
        purpose (RATE) sets it false: its sends are then only counted."""
        return self.budget.paced

    @paced.setter
    def paced(self, value: bool) -> None:
        self.budget.paced = value

    async def _spend(
        self, what: Message | str | bytes, *, pace: bool = True, background: bool = False
    ) -> None:
        """Count what the server will count for ``what`` (RATE-1..RATE-4, BATCH-5), waiting for
        free slots first when paced; :class:`CheckInconclusive` when none frees in time."""
        kinds = self.budget.budget.kinds(what)
        self._note_refusals()
        if pace and self.budget.paced:
            try:
                waited = await self.budget.acquire(kinds)
            except BudgetExceeded as err:
                raise CheckInconclusive(
                    f"the suite cannot send within the server's rate limits: {err}"
                ) from None
            if waited >= PACING_NOTE_S:
                self.ctx.transcript.note(f"#{self.number} paced: waited {waited:.2f}s for a slot")
        else:
            self.budget.record(kinds, background=background)
        self.ctx.count_sent(len(kinds))

    def _note_refusals(self) -> None:
        """Take the global refusals this connection received into the run's budget: when
        other clients spent the server's global quota, every paced send of the run then
        waits it out instead of being refused in turn (issue 9)."""
        for got in self.received:
            if got.get("code") == "RATE_LIMIT" and id(got) not in self._noted:
                self._noted.add(id(got))
                self.budget.budget.note_refusal(got)

    async def send_raw(self, payload: bytes, *, text: bool) -> None:
        """Send ``payload`` as one binary frame, or as a text frame even if not UTF-8."""
        await self._spend(payload if text else b"\xff")  # a binary frame: a message of no type
        self.ctx.transcript.record_frame(
            self.number, "send", payload if not text else payload.decode("utf-8", "replace")
        )
        if text:
            self.ctx.transcript.note(f"#{self.number} (text frame of raw bytes {payload[:40]!r})")
        try:
            await self.ws.send(payload, text=text)
        except ConnectionClosed:
            self.ctx.transcript.note(f"#{self.number} send after close")

    async def send_fragments(self, fragments: Iterable[str]) -> None:
        """Send one text message split into several frames (TRANS-8)."""
        parts = list(fragments)
        await self._spend("".join(parts))
        self.ctx.transcript.record(
            self.number,
            "send",
            kind="text",
            data=f"[{len(parts)} fragments, "
            f"{sum(len(p.encode()) for p in parts)} bytes] " + "".join(parts)[:200],
        )
        try:
            await self.ws.send(parts)
        except ConnectionClosed:
            self.ctx.transcript.note(f"#{self.number} send after close")

    async def send_transport_bytes(self, data: bytes) -> None:
        """Write bytes straight to the TCP stream, bypassing WebSocket framing (CLOSE-3)."""
        await self._spend(b"\xff")  # counted as one message of no type, if counted at all
        self.ctx.transcript.record(self.number, "send", kind="raw-tcp", data=data.hex())
        self.ws.transport.write(data)

    # -- expectations ------------------------------------------------------

    async def expect(
        self,
        message_type: str | tuple[str, ...],
        requirement: str,
        *,
        within: float | None = None,
        where: Predicate | None = None,
        what: str | None = None,
    ) -> Message:
        """Wait for the next message of ``message_type`` (matching ``where``) and consume it.

        Other messages stay in the inbox. Raises ``CheckFailure(requirement)``
        when none comes within ``within`` seconds (the context's default timeout).
        """
        types = (message_type,) if isinstance(message_type, str) else message_type
        limit = self.ctx.timeout if within is None else within
        wanted = what or " or ".join(types) + (" (matching)" if where else "")

        def find() -> int | None:
            for index, message in enumerate(self.inbox):
                if message["type"] in types and (where is None or where(message)):
                    return index
            return None

        loop = asyncio.get_running_loop()
        deadline = loop.time() + limit
        async with self._arrival:
            while True:
                self.ctx.raise_violation()
                index = find()
                if index is not None:
                    return self.inbox.pop(index)
                if self.closed.is_set():
                    break
                remaining = deadline - loop.time()
                if remaining <= 0:
                    break
                with contextlib.suppress(TimeoutError):
                    await asyncio.wait_for(self._arrival.wait(), remaining)
        self.ctx.raise_violation()
        raise CheckFailure(requirement, f"{wanted} within {limit:g}s", self.situation())

    async def expect_reply(
        self, message_type: str | tuple[str, ...], requirement: str, **kwargs: Any
    ) -> Message:
        """Like :meth:`expect`, but the message must be the first non-background one pending."""
        types = (message_type,) if isinstance(message_type, str) else message_type
        message = await self.expect(
            types + tuple(_DIRECT_REPLIES - set(types)), requirement, **kwargs
        )
        if message["type"] not in types:
            raise CheckFailure(requirement, " or ".join(types), describe(message))
        return message

    async def expect_close(
        self, code: int, requirement: str, *, within: float | None = None
    ) -> float:
        """Wait for the server to close with ``code``; returns the check time of the close."""
        limit = self.ctx.timeout if within is None else within
        try:
            await asyncio.wait_for(self.closed.wait(), limit)
        except TimeoutError:
            raise CheckFailure(
                requirement, f"close {code} within {limit:g}s", self.situation()
            ) from None
        self.ctx.raise_violation()
        if self.close_code != code:
            raise CheckFailure(requirement, f"close {code}", self.situation())
        assert self.closed_at is not None
        return self.closed_at

    async def expect_silence(
        self,
        requirement: str,
        *,
        within: float,
        types: Iterable[str] | None = None,
        what: str = "no message",
    ) -> None:
        """Fail if a message (of ``types``; any non-background one by default) arrives."""
        chosen = None if types is None else frozenset(types)

        def offending() -> Message | None:
            for message in self.inbox:
                if chosen is None and message["type"] not in BACKGROUND_TYPES:
                    return message
                if chosen is not None and message["type"] in chosen:
                    return message
            return None

        await asyncio.sleep(within)
        self.ctx.raise_violation()
        found = offending()
        if found is not None:
            raise CheckFailure(requirement, what, describe(found))

    async def expect_open(self, requirement: str) -> None:
        """The connection is still open: a ping is answered with a pong."""
        await self.sync(requirement)

    async def sync(self, requirement: str = "HB-1") -> None:
        """Round trip: ``heartbeat:ping`` answered by ``heartbeat:pong`` (earlier sends handled)."""
        await self.send({"type": "heartbeat:ping", "timestamp": now_timestamp()})
        await self.expect("heartbeat:pong", requirement, what="heartbeat:pong (connection alive)")

    def situation(self) -> str:
        """What the connection saw: pending messages and close state, for Actual lines."""
        pending = [m for m in self.inbox if m["type"] not in BACKGROUND_TYPES]
        parts = []
        if pending:
            shown = ", ".join(describe(m) for m in pending[:3])
            more = f" (+{len(pending) - 3} more)" if len(pending) > 3 else ""
            parts.append(f"received {shown}{more}")
        else:
            parts.append("no (other) message")
        if self.closed.is_set():
            parts.append(f"connection closed with code {self.close_code}")
        return "; ".join(parts)

    def take(self, message_type: str) -> list[Message]:
        """Remove and return every pending message of ``message_type``."""
        taken = [m for m in self.inbox if m["type"] == message_type]
        self.inbox = [m for m in self.inbox if m["type"] != message_type]
        return taken

    def clear(self) -> None:
        self.inbox.clear()

    async def close(self) -> None:
        """Close from the client side (code 1000) and wait for the reader."""
        self.ctx.closing.add(self.number)
        with contextlib.suppress(TimeoutError, ConnectionClosed):
            await asyncio.wait_for(self.ws.close(), 5)
        if not self._reader.done():
            # No closing handshake within 5 s (a server that stopped reading, issue 9):
            # drop the transport, so the reader ends now and nothing stays open.
            self.ctx.transcript.note(f"#{self.number} no close frame back: transport dropped")
            self.ws.transport.abort()
        await self._wait_reader()

    async def abort(self) -> None:
        """Drop the TCP connection without a close frame."""
        self.ctx.closing.add(self.number)
        self.ws.transport.abort()
        await self._wait_reader()

    async def _wait_reader(self) -> None:
        try:
            await asyncio.wait_for(asyncio.shield(self._reader), 5)
        except TimeoutError:
            self._reader.cancel()


_DIRECT_REPLIES = frozenset(
    {
        "command:queued",
        "command:error",
        "validation:error",
        "connection:error",
        "heartbeat:pong",
        "agent:list",
        "auth:refresh-success",
        "auth:refresh-failed",
    }
)
