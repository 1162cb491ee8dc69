"""The demo agent: answers ``command:execute`` without running anything (docs/check-client.md).

- ``echo ARGS...``: ``command:status`` ``running``, one ``terminal:output`` with the
  arguments joined by spaces and a newline, ``command:complete`` with ``exitCode`` 0;
- ``sleep SECONDS [TEXT...]``: ``running``, then it waits that long; then, when TEXT is
  given, one ``terminal:output`` of the TEXT arguments joined by spaces and a newline
  (how the kit makes an agent produce output while disconnected, CLIENT-11); then
  ``command:complete`` (``exitCode`` 0); an interrupt ends the wait with
  ``command:status`` ``interrupted`` and nothing else;
- anything else: ``running``, the command line echoed back as output,
  ``command:complete`` 0.

The rules it keeps: ``running`` at once, before any output (CLIENT-14); every
message with the command's ``commandId`` and the agent's own ``agentId``, one
final status per command and nothing after it (CLIENT-15); an interrupt of a
running command ends it ``interrupted`` (CLIENT-16); ``system:emergency-stop``
interrupts every running command and keeps the connection (CLIENT-17). A
repeated ``command:execute``, or an interrupt of a command it does not run, is
ignored (CLIENT-13).
"""

from __future__ import annotations

import asyncio
import contextlib
import math
import time
from collections import OrderedDict
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from onsembl_client.client import Client
from onsembl_client.errors import ClientClosedError
from onsembl_client.events import Message
from onsembl_spec.wire import now_timestamp

MAX_SLEEP_S = 86_400.0
"""The longest ``sleep`` the demo agent accepts (a day)."""

REMEMBERED_COMMANDS = 4096
"""How many finished command ids the agent remembers to ignore repeats (CLIENT-13)."""

MAX_CHUNK_CHARS = 262_144
"""``terminalChunk.content``'s ``maxLength``."""


def output_chunks(text: str, max_message_bytes: int) -> list[str]:
    """``text`` cut so that each piece fits one ``terminal:output`` (at most 262,144
    characters, and 6 bytes a character, JSON's worst, within ``max_message_bytes``)."""
    size = max(1, min(MAX_CHUNK_CHARS, (max_message_bytes - 1024) // 6))
    return [text[i : i + size] for i in range(0, len(text), size)] or [""]


@dataclass
class RunningCommand:
    command_id: str
    started: float
    interrupted: asyncio.Event = field(default_factory=asyncio.Event)
    finished: bool = False
    task: asyncio.Task[None] | None = None


class DemoAgent:
    """The command lifecycle of an agent (CLIENT-14..CLIENT-17) on a :class:`Client`."""

    def __init__(self, client: Client, *, clock: Callable[[], float] = time.monotonic) -> None:
        if client.role != "agent":
            raise ValueError("the demo agent needs a client of role agent")
        self.client = client
        self.clock = clock
        self.running: dict[str, RunningCommand] = {}
        self.seen: OrderedDict[str, None] = OrderedDict()

    # ------------------------------------------------------------------ messages

    def handle(self, message: dict[str, Any]) -> None:
        """React to one server message; anything else is ignored (CLIENT-13)."""
        kind = message.get("type")
        if kind == "command:execute":
            self.execute(message)
        elif kind == "command:interrupt":
            self.interrupt(str(message.get("commandId")))
        elif kind == "system:emergency-stop":
            self.emergency_stop()

    def execute(self, message: dict[str, Any]) -> None:
        """CLIENT-14: ``running`` at once (before the work, before any output); a command id
        already seen is ignored (CLIENT-13)."""
        command_id = str(message["commandId"])
        if command_id in self.seen:
            return
        self._remember(command_id)
        running = RunningCommand(command_id, self.clock())
        self.running[command_id] = running
        self._send(self.status(command_id, "running"))
        running.task = asyncio.get_running_loop().create_task(
            self.perform(running, str(message["command"]), [str(a) for a in message["args"]])
        )

    def interrupt(self, command_id: str) -> None:
        """CLIENT-16: a running command stops and reports ``interrupted`` (at once: the demo
        agent's commands stop at their next wait); others are ignored (CLIENT-13)."""
        running = self.running.get(command_id)
        if running is not None and not running.finished:
            running.interrupted.set()

    def emergency_stop(self) -> None:
        """CLIENT-17: interrupt every running command; the connection stays open."""
        for command_id in list(self.running):
            self.interrupt(command_id)

    # ------------------------------------------------------------------ the commands

    async def perform(self, running: RunningCommand, command: str, args: list[str]) -> None:
        """Simulate ``command`` (module docstring); never runs anything."""
        try:
            if command == "sleep":
                await self._sleep(running, args)
            elif command == "echo":
                self.output(running, " ".join(args) + "\n")
                self.complete(running, 0)
            else:
                self.output(running, " ".join([command, *args]) + "\n")
                self.complete(running, 0)
        finally:
            self.running.pop(running.command_id, None)

    async def _sleep(self, running: RunningCommand, args: list[str]) -> None:
        seconds = _seconds(args[:1])
        if seconds is None:
            self.output(running, "sleep: expected a number of seconds\n", stream="stderr")
            self.complete(running, 1)
            return
        with contextlib.suppress(TimeoutError):
            await asyncio.wait_for(running.interrupted.wait(), seconds)
        if running.interrupted.is_set():
            self.finish_interrupted(running)
            return
        if len(args) > 1:
            self.output(running, " ".join(args[1:]) + "\n")
        self.complete(running, 0)

    # ------------------------------------------------------------------ CLIENT-15

    def output(self, running: RunningCommand, text: str, *, stream: str = "stdout") -> None:
        """``terminal:output`` of a command not yet ended (CLIENT-15), in pieces that fit."""
        if running.finished:
            return
        for piece in output_chunks(text, self.client.profile.max_message_bytes):
            self._send(
                {
                    "type": "terminal:output",
                    "agentId": self.client.client_id,
                    "commandId": running.command_id,
                    "output": {"type": stream, "content": piece, "timestamp": now_timestamp()},
                }
            )

    def complete(self, running: RunningCommand, exit_code: int) -> None:
        """CLIENT-15: ``command:complete``, the command's final status, once."""
        if running.finished:
            return
        running.finished = True
        self._send(
            {
                "type": "command:complete",
                "commandId": running.command_id,
                "agentId": self.client.client_id,
                "exitCode": exit_code,
                "duration": self._duration(running),
            }
        )

    def finish_interrupted(self, running: RunningCommand) -> None:
        """CLIENT-15, CLIENT-16: the final ``command:status`` ``interrupted``, once."""
        if running.finished:
            return
        running.finished = True
        self._send(self.status(running.command_id, "interrupted", duration=self._duration(running)))

    def status(self, command_id: str, status: str, **extra: Any) -> dict[str, Any]:
        """``command:status`` for ``command_id``, with the agent's own ``agentId``."""
        return {
            "type": "command:status",
            "commandId": command_id,
            "agentId": self.client.client_id,
            "status": status,
            **extra,
        }

    # ------------------------------------------------------------------ helpers

    def _duration(self, running: RunningCommand) -> int:
        return max(0, round((self.clock() - running.started) * 1000))

    def _remember(self, command_id: str) -> None:
        self.seen[command_id] = None
        while len(self.seen) > REMEMBERED_COMMANDS:
            self.seen.popitem(last=False)

    def _send(self, message: dict[str, Any]) -> None:
        with contextlib.suppress(ClientClosedError):
            self.client.send_nowait(message)

    async def stop(self) -> None:
        """Cancel what still runs (the client is closing)."""
        tasks = [r.task for r in self.running.values() if r.task is not None]
        for task in tasks:
            task.cancel()
        await asyncio.gather(*tasks, return_exceptions=True)


def _seconds(args: list[str]) -> float | None:
    if len(args) != 1:
        return None
    try:
        seconds = float(args[0])
    except ValueError:
        return None
    if not math.isfinite(seconds) or not 0 <= seconds <= MAX_SLEEP_S:
        return None
    return seconds


async def run_demo_agent(client: Client, *, on_event: Callable[[Any], None] | None = None) -> None:
    """Answer every ``command:execute`` the client receives as the demo agent does, until
    the client closes. ``on_event`` sees every event first (``onsembl agent`` prints them)."""
    agent = DemoAgent(client)
    try:
        async for event in client:
            if on_event is not None:
                on_event(event)
            if isinstance(event, Message):
                agent.handle(event.message)
    finally:
        await agent.stop()


__all__ = ["DemoAgent", "output_chunks", "run_demo_agent"]
