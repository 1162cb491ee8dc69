"""Broken reference clients: each fault replaces one named function or method of
``onsembl_client`` and breaks one client rule (issue 13, part 4).

``broken_client.py FAULT ROLE`` applies the fault, then runs ``onsembl ROLE`` (the
bundled client, configured by the docs/check-client.md environment). :data:`CATALOGUE`
says which checks of ``onsembl check-client`` run against which fault and which
requirement must then be reported failed; an entry whose requirements are all SHOULDs
runs with ``--strict``.
"""

from __future__ import annotations

import contextlib
import json
from collections.abc import Callable
from typing import Any, NamedTuple

Patch = Callable[[], None]
FAULTS: dict[str, Patch] = {}


def fault(name: str) -> Callable[[Patch], Patch]:
    def register(patch: Patch) -> Patch:
        if name in FAULTS:
            raise ValueError(f"fault {name!r} registered twice")
        FAULTS[name] = patch
        return patch

    return register


class Entry(NamedTuple):
    fault: str
    role: str
    checks: str  # --only selectors (check names or requirement IDs)
    expected: frozenset[str]


def entry(fault: str, role: str, checks: str, *expected: str) -> Entry:
    return Entry(fault, role, checks, frozenset(expected))


# ------------------------------------------------------------------ heartbeats


@fault("no-pong")
def _() -> None:
    from onsembl_client.core.session import ClientCore

    ClientCore.answer_ping = lambda self, message, now: None  # type: ignore[method-assign]


@fault("no-ping-when-silent")
def _() -> None:
    from onsembl_client.core.session import ClientCore

    ClientCore.ping_due = lambda self: None  # type: ignore[method-assign]


# ------------------------------------------------------------------ identification


@fault("identifies-first-connection-only")
def _() -> None:
    from onsembl_client.core.session import ClientCore

    original = ClientCore.identify

    def identify(self: Any, now: float) -> None:
        if self.connection is not None and self.connection.number == 1:
            original(self, now)
            return
        from onsembl_client.core.phases import Trigger

        self._move(Trigger.IDENTIFY_SENT)  # believes it identified, sends nothing
        self.flush()

    ClientCore.identify = identify  # type: ignore[method-assign]


@fault("agent-id-changes-on-reconnect")
def _() -> None:
    from onsembl_client.core.phases import Trigger
    from onsembl_client.core.session import ClientCore

    def identify(self: Any, now: float) -> None:
        number = self.connection.number if self.connection is not None else 1
        agent_id = self.client_id if number == 1 else f"{self.client_id}-{number}"
        hello = {"type": "agent:connect", "agentId": agent_id, "agentType": self.agent_type,
                 "timestamp": self.timestamp()}  # fmt: skip
        self._send_text(json.dumps(hello))  # unchecked: another agent's id
        self._move(Trigger.IDENTIFY_SENT)
        if not self.paused:
            self.flush()

    ClientCore.identify = identify  # type: ignore[method-assign]


@fault("no-token-on-reconnect")
def _() -> None:
    from onsembl_client.client import Client

    original = Client.handshake_headers
    calls = [0]

    def handshake_headers(self: Any, token: str) -> dict[str, str]:
        calls[0] += 1
        headers = original(self, token)
        if calls[0] > 1:
            headers.pop("Authorization", None)
        return headers

    Client.handshake_headers = handshake_headers  # type: ignore[method-assign]


# ------------------------------------------------------------------ what it sends


@fault("invalid-pong")
def _() -> None:
    from onsembl_client.core.session import ClientCore

    def answer_ping(self: Any, message: dict[str, Any], now: float) -> None:
        if self.connected:  # unchecked: an undocumented field (MSG-3)
            self._send_text(json.dumps({"type": "heartbeat:pong", "latencyMs": 3,
                                        "timestamp": self.timestamp()}))  # fmt: skip

    ClientCore.answer_ping = answer_ping  # type: ignore[method-assign]


@fault("invalid-output")
def _() -> None:
    from onsembl_client.agent import DemoAgent

    def output(self: Any, running: Any, text: str, *, stream: str = "stdout") -> None:
        core = self.client.core
        if running.finished or core.connection is None:
            return
        message = {"type": "terminal:output", "agentId": self.client.client_id,
                   "commandId": running.command_id,
                   "output": {"type": "tty", "content": text, "timestamp": core.timestamp()},
                   "timestamp": core.timestamp()}  # fmt: skip
        with contextlib.suppress(Exception):  # unchecked: "tty" is no output stream
            core._send_text(json.dumps(message))

    DemoAgent.output = output  # type: ignore[method-assign]


# ------------------------------------------------------------------ refresh


@fault("refresh-by-reconnecting")
def _() -> None:
    from onsembl_client.core.session import ClientCore
    from onsembl_spec.protocol import CloseCode

    def on_refresh_needed(self: Any, message: dict[str, Any], now: float) -> None:
        if self.connection is not None:  # a new connection will read the new token
            self.effects.close(self.connection.number, CloseCode.NORMAL, "refreshing")

    ClientCore.on_refresh_needed = on_refresh_needed  # type: ignore[method-assign]


@fault("no-refresh")
def _() -> None:
    from onsembl_client.core.session import ClientCore

    ClientCore.on_refresh_needed = lambda self, message, now: None  # type: ignore[method-assign]


# ------------------------------------------------------------------ wrappers


@fault("batch-not-unwrapped")
def _() -> None:
    from onsembl_client.core import incoming

    incoming._unwrap_batch = lambda message, via, budget, max_bytes: []  # type: ignore[assignment]


@fault("closes-on-compressed")
def _() -> None:
    from onsembl_client.core.session import ClientCore
    from onsembl_spec.protocol import CloseCode

    original = ClientCore.receive

    def receive(self: Any, connection: int, text: str, now: float) -> None:
        if '"compressed"' in text and self.connection is not None:
            self.effects.close(connection, CloseCode.UNSUPPORTED_DATA, "no compressed here")
            return
        original(self, connection, text, now)

    ClientCore.receive = receive  # type: ignore[method-assign]


# ------------------------------------------------------------------ reconnecting


@fault("reconnect-without-backoff")
def _() -> None:
    from onsembl_client.core import backoff

    backoff.reconnect_wait = lambda profile, attempt, rng: 0.0  # type: ignore[assignment]


@fault("backoff-fixed-1s")
def _() -> None:
    from onsembl_client.core import backoff

    backoff.reconnect_wait = lambda profile, attempt, rng: 1.0  # type: ignore[assignment]


@fault("backoff-never-resets")
def _() -> None:
    from onsembl_client.core import backoff

    backoff.resets = lambda profile, lasted_s: False  # type: ignore[assignment]


@fault("backoff-resets-on-handshake")
def _() -> None:
    from onsembl_client.core.session import ClientCore

    def note_connection_lasted(self: Any, seconds: float) -> None:
        self.attempts = 0  # the document's example: every successful handshake resets

    ClientCore.note_connection_lasted = note_connection_lasted  # type: ignore[method-assign]


@fault("no-reconnect")
def _() -> None:
    from onsembl_client.core.session import ClientCore

    def schedule_reconnect(self: Any, now: float) -> float:
        self.reconnect_at = now + 3600.0
        return 3600.0

    ClientCore.schedule_reconnect = schedule_reconnect  # type: ignore[method-assign]


@fault("reuses-refused-token")
def _() -> None:
    from onsembl_client.core.session import ClientCore

    ClientCore.refuses_token = lambda self, code: False  # type: ignore[method-assign]


# ------------------------------------------------------------------ buffering, pauses


@fault("loses-buffered-messages")
def _() -> None:
    from onsembl_client.core.session import ClientCore

    def flush(self: Any) -> int:
        self.buffer.take_all()  # dropped, never sent
        return 0

    ClientCore.flush = flush  # type: ignore[method-assign]


@fault("flushes-newest-first")
def _() -> None:
    from onsembl_client.core.session import ClientCore

    def flush(self: Any) -> int:
        kept = self.buffer.take_all()
        for item in reversed(kept):  # the final status before the output it followed
            self._send_text(item.text)
        return len(kept)

    ClientCore.flush = flush  # type: ignore[method-assign]


@fault("buffer-drops-newest")
def _() -> None:
    from onsembl_client.core import buffer

    buffer.drop_choice = lambda kept: len(kept) - 1  # type: ignore[assignment]


@fault("ignores-retry-after")
def _() -> None:
    from onsembl_client.core.session import ClientCore

    ClientCore.pause = lambda self, seconds, now: None  # type: ignore[method-assign]


@fault("closes-on-unexpected")
def _() -> None:
    from onsembl_client.core.session import ClientCore
    from onsembl_spec.protocol import CloseCode

    original = ClientCore.handle

    def handle(self: Any, message: dict[str, Any], now: float) -> None:
        if message.get("type") == "validation:error" and self.connection is not None:
            self.effects.close(self.connection.number, CloseCode.NORMAL, "unexpected")
            return
        original(self, message, now)

    ClientCore.handle = handle  # type: ignore[method-assign]


# ------------------------------------------------------------------ commands


@fault("no-running-status")
def _() -> None:
    import asyncio

    from onsembl_client.agent import DemoAgent, RunningCommand

    def execute(self: Any, message: dict[str, Any]) -> None:
        command_id = str(message["commandId"])
        running = RunningCommand(command_id, self.clock())
        self.running[command_id] = running
        running.task = asyncio.get_running_loop().create_task(
            self.perform(running, str(message["command"]), [str(a) for a in message["args"]])
        )

    DemoAgent.execute = execute  # type: ignore[method-assign]


@fault("output-without-command-id")
def _() -> None:
    from onsembl_client.agent import DemoAgent
    from onsembl_spec.wire import now_timestamp

    def output(self: Any, running: Any, text: str, *, stream: str = "stdout") -> None:
        if running.finished:
            return
        piece = {"type": stream, "content": text, "timestamp": now_timestamp()}
        self._send({"type": "terminal:output", "agentId": self.client.client_id, "output": piece})

    DemoAgent.output = output  # type: ignore[method-assign]


@fault("output-before-running-without-id")
def _() -> None:
    from onsembl_client.agent import DemoAgent
    from onsembl_spec.wire import now_timestamp

    original = DemoAgent.execute

    def execute(self: Any, message: dict[str, Any]) -> None:
        self._send({"type": "terminal:output", "agentId": self.client.client_id,
                    "output": {"type": "stdout", "content": "starting\n",
                               "timestamp": now_timestamp()}})  # fmt: skip
        original(self, message)

    DemoAgent.execute = execute  # type: ignore[method-assign]


@fault("no-final-status")
def _() -> None:
    from onsembl_client.agent import DemoAgent

    def complete(self: Any, running: Any, exit_code: int) -> None:
        running.finished = True  # ends without telling anyone

    DemoAgent.complete = complete  # type: ignore[method-assign]


@fault("ignores-interrupt")
def _() -> None:
    from onsembl_client.agent import DemoAgent

    DemoAgent.interrupt = lambda self, command_id: None  # type: ignore[method-assign]


@fault("ignores-emergency-stop")
def _() -> None:
    from onsembl_client.agent import DemoAgent

    DemoAgent.emergency_stop = lambda self: None  # type: ignore[method-assign]


CATALOGUE: tuple[Entry, ...] = (
    entry("no-pong", "agent", "answers_pings", "HB-5"),
    entry("no-pong", "dashboard", "answers_pings", "HB-5"),
    entry("no-ping-when-silent", "dashboard", "pings_when_server_silent", "CLIENT-5"),
    entry(
        "identifies-first-connection-only", "dashboard", "identifies_on_every_connection",
        "CLIENT-2",
    ),
    entry("agent-id-changes-on-reconnect", "agent", "identifies_on_every_connection", "CLIENT-3"),
    entry("no-token-on-reconnect", "agent", "identifies_on_every_connection", "CLIENT-1"),
    entry("invalid-pong", "dashboard", "dashboard_messages_valid", "CLIENT-4"),
    entry("invalid-output", "agent", "agent_messages_valid", "CLIENT-4"),
    entry("refresh-by-reconnecting", "dashboard", "refreshes_in_place", "CLIENT-6"),
    entry("no-refresh", "agent", "refreshes_in_place", "REFRESH-8"),
    entry("batch-not-unwrapped", "dashboard", "unwraps_batch_and_compressed", "CLIENT-7"),
    entry("batch-not-unwrapped", "agent", "wrapped_messages_accepted", "CLIENT-7", "TERM-4"),
    entry("closes-on-compressed", "dashboard", "wrapped_messages_accepted", "TERM-4"),
    entry("reconnect-without-backoff", "agent", "reconnects_after_going_away", "CLIENT-9"),
    entry("reconnect-without-backoff", "dashboard", "close_codes", "CLIENT-9"),
    entry("backoff-never-resets", "dashboard", "backoff_grows_and_resets", "CLIENT-9"),
    entry("backoff-fixed-1s", "agent", "backoff_grows_and_resets", "CLIENT-9"),
    entry("backoff-resets-on-handshake", "agent", "reconnects_after_going_away", "CLIENT-9"),
    entry("no-reconnect", "dashboard", "reconnects_after_going_away", "CLIENT-8"),
    entry("no-reconnect", "agent", "close_codes", "CLIENT-8"),
    entry("reuses-refused-token", "dashboard", "refused_token_not_reused", "CLIENT-10"),
    entry("reuses-refused-token", "agent", "expired_token_not_reused", "CLIENT-10"),
    entry("loses-buffered-messages", "agent", "buffers_while_disconnected", "CLIENT-11"),
    entry("flushes-newest-first", "agent", "buffers_while_disconnected", "CLIENT-11"),
    entry("buffer-drops-newest", "agent", "buffer_bounds", "CLIENT-11"),
    entry("ignores-retry-after", "agent", "honours_retry_after", "CLIENT-12"),
    entry("ignores-retry-after", "dashboard", "honours_retry_after", "CLIENT-12"),
    entry("closes-on-unexpected", "dashboard", "unexpected_messages_tolerated", "CLIENT-13"),
    entry("no-running-status", "agent", "command_lifecycle", "CLIENT-14"),
    entry("no-final-status", "agent", "command_lifecycle", "CLIENT-15"),
    entry("output-without-command-id", "agent", "command_lifecycle", "CLIENT-15"),
    entry("output-before-running-without-id", "agent", "command_lifecycle", "CLIENT-14"),
    entry("ignores-interrupt", "agent", "interrupt_stops_command", "CLIENT-16"),
    entry("ignores-emergency-stop", "agent", "emergency_stop", "CLIENT-17"),
)
"""Fault, role, checks (``--only``), requirement IDs of which one must be reported failed."""
