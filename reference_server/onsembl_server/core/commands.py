"""One agent's commands: the pending queue and the running command (R8; CMD-2..CMD-19).

An :class:`AgentQueue` belongs to an agent (owner + ``agentId``), not to a
connection, so a replaced agent's pending work stays queued (PRES-8).
"""

from __future__ import annotations

import itertools
from collections import OrderedDict
from dataclasses import dataclass, field
from typing import Any

from onsembl_spec.protocol import DEFAULT_PRIORITY, PRIORITY_ORDER

PRIORITY_RANK = {name: rank for rank, name in enumerate(PRIORITY_ORDER)}

DEFAULT_COMMAND_MS = 30_000
"""Assumed duration of a command before any has finished (for ``estimatedWait``)."""

EXECUTED_MEMORY = 1024
"""How many started commands an agent may still report on after they finish (CMD-12)."""


@dataclass
class Command:
    """An accepted command (CMD-2)."""

    command_id: str
    agent_id: str
    owner: str
    command: str
    args: list[Any]
    priority: str
    seq: int
    started_at: float | None = None
    size: int = 0
    """CMD-20: the UTF-8 bytes of ``command`` and ``args`` together (:func:`command_size`)."""


def command_size(command: str, args: list[Any]) -> int:
    """CMD-20: what a pending command counts against its agent's and owner's byte budgets."""
    return len(command.encode()) + sum(len(str(arg).encode()) for arg in args)


def order_key(command: Command) -> tuple[int, int]:
    """CMD-9: priority ``high``, ``normal``, ``low``; first come first served within one."""
    return (PRIORITY_RANK.get(command.priority, PRIORITY_RANK[DEFAULT_PRIORITY]), command.seq)


@dataclass
class AgentQueue:
    """Pending commands in execution order, and the one running (CMD-8)."""

    pending: list[Command] = field(default_factory=list)
    pending_bytes: int = 0
    """CMD-20: the sizes of the pending commands added up."""
    running: Command | None = None
    started: OrderedDict[str, None] = field(default_factory=OrderedDict)
    durations_ms: list[float] = field(default_factory=list)

    def enqueue(self, command: Command) -> int:
        """Insert ``command`` at its place (CMD-9); return its 1-based position (CMD-3)."""
        key = order_key(command)
        index = len(self.pending)
        while index > 0 and order_key(self.pending[index - 1]) > key:
            index -= 1
        self.pending.insert(index, command)
        self.pending_bytes += command.size
        return index + 1

    def estimated_wait_ms(self, position: int) -> int:
        """CMD-4: whole milliseconds until the command at ``position`` should start."""
        ahead = position - 1 + (1 if self.running is not None else 0)
        if ahead == 0:
            return 0
        recent = self.durations_ms[-20:]
        average = sum(recent) / len(recent) if recent else DEFAULT_COMMAND_MS
        return max(0, round(ahead * average))

    def start_next(self, now: float) -> Command | None:
        """CMD-8, CMD-11: the next pending command becomes the running one, if none runs."""
        if self.running is not None or not self.pending:
            return None
        command = self.pending.pop(0)
        self.pending_bytes -= command.size
        command.started_at = now
        self.running = command
        self.started[command.command_id] = None
        while len(self.started) > EXECUTED_MEMORY:
            self.started.popitem(last=False)
        return command

    def finish_running(self, command_id: str, now: float) -> bool:
        """The running command ended (CMD-11); ``False`` when it is not the running one."""
        running = self.running
        if running is None or running.command_id != command_id:
            return False
        if running.started_at is not None:
            self.durations_ms.append((now - running.started_at) * 1000.0)
            del self.durations_ms[:-20]
        self.running = None
        return True

    def remove_pending(self, command_id: str) -> Command | None:
        """Take a pending command out of the queue (CMD-13)."""
        for index, command in enumerate(self.pending):
            if command.command_id == command_id:
                self.pending_bytes -= command.size
                return self.pending.pop(index)
        return None

    def take_pending(self) -> list[Command]:
        """Empty the queue (CMD-16, CMD-17); return what was pending, in order."""
        taken, self.pending, self.pending_bytes = self.pending, [], 0
        return taken

    def was_started(self, command_id: str) -> bool:
        """Whether the server sent this command to the agent for execution (CMD-12)."""
        return command_id in self.started


class CommandIds:
    """Server-assigned, unique command ids (CMD-2)."""

    def __init__(self, prefix: str) -> None:
        self._prefix = prefix
        self._counter = itertools.count(1)

    def next(self) -> str:
        return f"{self._prefix}-{next(self._counter)}"
