"""Broken servers for the checks of the command queue and terminal output.

Each fault patches one named piece of the reference server (see
``fault_registry``); ``CATALOGUE`` lists the checks each must make fail.
"""

from __future__ import annotations

from types import SimpleNamespace
from typing import Any

from fault_registry import Entry, entry, fault

import onsembl_server.core.outbound as outbound
from onsembl_server.core.server import ServerCore
from onsembl_spec.wire import encode_compressed

# --------------------------------------------------------------------- commands


@fault("cmd-id-is-position")
def _() -> None:
    """The commandId names the agent and the command's place in its queue (``AGENT-1``): once
    the first command starts, the next request for that agent gets the same id (CMD-2)."""
    original = ServerCore._on_command_request

    def on_request(self: ServerCore, s: Any, message: Any, raw: Any, now: float) -> None:
        record = self.find_agent(s.owner, message["agentId"])
        if record is not None:
            place = len(record.queue.pending) + 1
            self.command_ids = SimpleNamespace(next=lambda: f"{record.agent_id}-{place}")  # type: ignore[assignment]
        original(self, s, message, raw, now)

    ServerCore._on_command_request = on_request  # type: ignore[method-assign]


@fault("cmd-request-replies-drop-request-id")
def _() -> None:
    """The replies to ``command:request`` (``command:queued``, ``command:error``) are built
    without the request's ``requestId`` (MSG-10)."""
    original = ServerCore._on_command_request

    def on_request(self: ServerCore, s: Any, message: Any, raw: Any, now: float) -> None:
        original(self, s, {k: v for k, v in message.items() if k != "requestId"}, raw, now)

    ServerCore._on_command_request = on_request  # type: ignore[method-assign]


@fault("cmd-unknown-agent-invalid")
def _() -> None:
    """An ``agentId`` naming no connected agent is treated as an invalid field: the request gets
    ``validation:error`` on ``agentId`` instead of ``command:error`` ``AGENT_NOT_FOUND`` (CMD-5)."""
    original = ServerCore._on_command_request

    def on_request(self: ServerCore, s: Any, message: Any, raw: Any, now: float) -> None:
        if self.find_agent(s.owner, message["agentId"]) is None:
            self._invalid(s, message, "agentId", "no such agent", None, now)
            return
        original(self, s, message, raw, now)

    ServerCore._on_command_request = on_request  # type: ignore[method-assign]


@fault("cmd-reports-any-owned-command")
def _() -> None:
    """A report is accepted for any active command of the owner, not only for one the server
    sent to the reporting agent: an agent can report another agent's command, or one of its
    own still pending (CMD-12)."""
    original = ServerCore._on_command_report

    def on_report(self: ServerCore, s: Any, message: Any, raw: Any, now: float) -> None:
        command = self.find_command(s.owner, message["commandId"])
        if command is None or message.get("status") == "queued":
            original(self, s, message, raw, now)
            return
        self._forward_to_dashboards(s.owner, message, raw)

    ServerCore._on_command_report = on_report  # type: ignore[method-assign]


@fault("cmd-interrupt-always-forwarded")
def _() -> None:
    """Every ``command:interrupt`` is passed on to the agent, which is left to sort it out: a
    pending command stays queued and no dashboard hears it was interrupted (CMD-13)."""

    def on_interrupt(self: ServerCore, s: Any, message: Any, raw: Any, now: float) -> None:
        command = self.find_command(s.owner, message["commandId"])
        record = None if command is None else self.find_agent(s.owner, command.agent_id)
        if command is None or record is None:
            self.effects.send(
                s.conn_id,
                outbound.command_error(
                    "COMMAND_NOT_FOUND", "no such command", message.get("requestId")
                ),
            )
            return
        self.effects.send(record.conn_id, outbound.forwarded(message))

    ServerCore._on_command_interrupt = on_interrupt  # type: ignore[method-assign]


@fault("cmd-finished-not-forgotten")
def _() -> None:
    """A finished command stays in the server's table of commands, so interrupting it is taken
    as interrupting a pending one (``interrupted`` sent) instead of COMMAND_NOT_FOUND (CMD-15)."""
    original = ServerCore._on_command_report

    def on_report(self: ServerCore, s: Any, message: Any, raw: Any, now: float) -> None:
        command = self.commands.get(message["commandId"])
        original(self, s, message, raw, now)
        if command is not None:
            self.commands.setdefault(command.command_id, command)

    ServerCore._on_command_report = on_report  # type: ignore[method-assign]


@fault("cmd-departed-agent-drops-pending")
def _() -> None:
    """When an agent leaves, only its running command gets ``failed``; its pending ones are
    dropped without a word and never end for the dashboards (CMD-17, CMD-18)."""
    original = ServerCore._agent_departed

    def agent_departed(self: ServerCore, owner: str, record: Any) -> None:
        for command in record.queue.pending:
            self.commands.pop(command.command_id, None)
        record.queue.pending = []
        original(self, owner, record)

    ServerCore._agent_departed = agent_departed  # type: ignore[method-assign]


@fault("cmd-dashboard-leaving-cancels")
def _() -> None:
    """When a dashboard leaves, the commands it requested that have not started are cancelled
    (``interrupted``), as if nobody else could want their result (CMD-19)."""
    original_request = ServerCore._on_command_request
    original_leave = ServerCore._leave
    requested: dict[int, list[str]] = {}

    def on_request(self: ServerCore, s: Any, message: Any, raw: Any, now: float) -> None:
        before = set(self.commands)
        original_request(self, s, message, raw, now)
        requested.setdefault(s.conn_id, []).extend(set(self.commands) - before)

    def leave(self: ServerCore, s: Any, now: float) -> None:
        for command_id in requested.pop(s.conn_id, []):
            command = self.commands.get(command_id)
            record = None if command is None else self.find_agent(command.owner, command.agent_id)
            if record is not None and record.queue.remove_pending(command_id) is not None:
                self.commands.pop(command_id, None)
                self._to_dashboards(
                    s.owner, outbound.command_status(command_id, record.agent_id, "interrupted")
                )
        original_leave(self, s, now)

    ServerCore._on_command_request = on_request  # type: ignore[method-assign]
    ServerCore._leave = leave  # type: ignore[method-assign]


# --------------------------------------------------------------------- terminal


@fault("term-output-first-dashboard-only")
def _() -> None:
    """``terminal:output`` goes to one dashboard of the owner (the first to connect), not to
    every one (TERM-1)."""

    def on_output(self: ServerCore, s: Any, message: Any, raw: Any, now: float) -> None:
        targets = self.dashboards_of(s.owner)[:1]
        if targets:
            self.effects.send_many(targets, self.forwarded_text(message, raw))

    ServerCore._on_terminal_output = on_output  # type: ignore[method-assign]


@fault("term-compresses-by-default")
def _() -> None:
    """Forwarded messages over 1 KiB are wrapped in ``compressed`` though the configuration
    turns no compression on (TERM-5; TERM-3 allows it only when configured)."""
    original = ServerCore.forwarded_text

    def forwarded_text(message: Any, raw: Any) -> str:
        text = original(message, raw)
        if len(text.encode()) > 1024:
            return outbound.text(encode_compressed(message))
        return text

    ServerCore.forwarded_text = staticmethod(forwarded_text)  # type: ignore[method-assign, assignment]


@fault("term-batches-by-default")
def _() -> None:
    """Forwarded messages are grouped in ``batch`` though the profile's ``output.batch`` is
    false (TERM-5; TERM-3 allows it only when configured)."""
    from onsembl_spec.profile import Profile

    Profile.output_batch = property(lambda self: True)  # type: ignore[assignment, method-assign]


@fault("term-clear-not-to-agent")
def _() -> None:
    """A dashboard's ``terminal:clear`` is taken for a display matter: the other dashboards get
    it, the named agent does not (TERM-2)."""
    original = ServerCore._on_terminal_clear

    def on_clear(self: ServerCore, s: Any, message: Any, raw: Any, now: float) -> None:
        if s.role == "dashboard" and self.find_agent(s.owner, message["agentId"]) is not None:
            self._forward_to_dashboards(s.owner, message, raw, excluding=s.conn_id)
            return
        original(self, s, message, raw, now)

    ServerCore._on_terminal_clear = on_clear  # type: ignore[method-assign]


CATALOGUE: tuple[Entry, ...] = (
    entry("cmd-id-is-position", "command_lifecycle", "CMD-2"),
    entry("cmd-request-replies-drop-request-id", "command_lifecycle", "MSG-10"),
    entry("cmd-unknown-agent-invalid", "unknown_agent", "CMD-5"),
    entry("cmd-request-replies-drop-request-id", "unknown_agent", "MSG-10"),
    entry("cmd-reports-any-owned-command", "agent_reports_only_its_commands", "CMD-12"),
    entry("cmd-interrupt-always-forwarded", "interrupts", "CMD-13"),
    entry("cmd-finished-not-forgotten", "interrupt_finished", "CMD-15"),
    entry("cmd-departed-agent-drops-pending", "agent_leaving_fails_commands", "CMD-17"),
    entry("cmd-dashboard-leaving-cancels", "dashboard_leaving_keeps_commands", "CMD-19"),
    entry("term-output-first-dashboard-only", "output_in_order", "TERM-1"),
    entry("term-compresses-by-default", "plain_messages", "TERM-5"),
    entry("term-batches-by-default", "plain_messages", "TERM-5"),
    entry("term-clear-not-to-agent", "terminal_clear", "TERM-2"),
)
