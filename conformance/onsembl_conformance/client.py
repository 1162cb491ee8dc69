"""The suite's WebSocket client: records every frame into the transcript and checks invariants.

Every message received is validated (MSG-8) and must be one text frame holding
one JSON object (TRANS-3); a server close must come with a close frame
(CLOSE-6) and never code 1010 (CLOSE-4). A violation is kept on the context
and raised at the next ``expect`` (and by the engine when the check ends).
``batch`` and ``compressed`` from the server are unwrapped (TERM-4).
"""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import Callable, Iterable
from typing import TYPE_CHECKING, Any

from websockets.asyncio.client import ClientConnection
from websockets.exceptions import ConnectionClosed

from onsembl_conformance.budget import BudgetExceeded, ConnectionBudget
from onsembl_spec.errors import CheckFailure, CheckInconclusive, InflateLimitError, WireError
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
        self.inbox: list[Message] = []
        self.received: list[Message] = []
        self.wrapped_received = 0
        self.received_bytes = 0
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
                await self._accept(frame)
        except ConnectionClosed:
            pass
        except Exception as err:
            self.ctx.transcript.note(f"#{self.number} transport error: {err!r}")
        finally:
            await self._on_closed()

    async def _accept(self, frame: str | bytes) -> None:
        if isinstance(frame, bytes):
            self.ctx.violation(
                CheckFailure("TRANS-3", "a text frame", f"a binary frame of {len(frame)} bytes")
            )
            return
        try:
            message = parse_json(frame)
        except ValueError as err:
            self.ctx.violation(CheckFailure("TRANS-3", "one JSON object", f"not JSON: {err}"))
            return
        if not isinstance(message, dict):
            self.ctx.violation(CheckFailure("TRANS-3", "one JSON object", f"{frame[:200]}"))
            return
        await self._deliver(message, depth=0)

    async def _deliver(self, message: Message, depth: int) -> None:
        issue = check_message(message)
        if issue is not None:
            where = f"{issue.field}: " if issue.field else ""
            self.ctx.violation(
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
            for inner in message["messages"]:
                await self._deliver(inner, depth + 1)
            return
        if kind == "compressed" and depth < 2:
            self.wrapped_received += 1
            try:
                inner = decode_compressed(message, 64 * 1024 * 1024)
            except (WireError, InflateLimitError) as err:
                self.ctx.violation(
                    CheckFailure("MSG-8", "a compressed message that decodes", str(err))
                )
                return
            await self._deliver(inner, depth + 1)
            return
        self.received.append(message)
        if kind == "heartbeat:ping" and self.auto_pong:
            await self.send({"type": "heartbeat:pong", "timestamp": now_timestamp()}, quiet=True)
            return
        async with self._arrival:
            self.inbox.append(message)
            self._arrival.notify_all()

    async def _on_closed(self) -> None:
        self.closed_at = self.ctx.transcript.now()
        protocol = self.ws.protocol
        rcvd = protocol.close_rcvd
        sent_first = protocol.close_sent is not None and protocol.close_rcvd_then_sent is False
        if rcvd is not None:
            self.close_code = rcvd.code
            self.close_reason = rcvd.reason
            self.closed_by_server = not sent_first
            if rcvd.code == 1010:
                self.ctx.violation(CheckFailure("CLOSE-4", "never close code 1010", "close 1010"))
        elif not self.ctx.closing_myself(self):
            self.ctx.violation(
                CheckFailure(
                    "CLOSE-6",
                    "a close frame with a code of R15",
                    "the transport was dropped without a close frame",
                )
            )
        detail = f"code={self.close_code} reason={self.close_reason!r}"
        self.ctx.transcript.record(self.number, "close", detail=detail, code=self.close_code)
        self.closed.set()
        async with self._arrival:
            self._arrival.notify_all()

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
