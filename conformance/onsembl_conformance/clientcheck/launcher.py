"""The client under test as a process the kit starts (``--command``, the bundled client).

The contract is ``docs/check-client.md``: the command runs through ``sh -c`` in a process
group of its own, with ``ONSEMBL_URL``, ``ONSEMBL_ROLE``, ``ONSEMBL_TOKEN``,
``ONSEMBL_TOKEN_FILE``, ``ONSEMBL_PROFILE`` (JSON) and ``ONSEMBL_SCENARIO`` in its
environment. It is stopped with SIGTERM to its group, then SIGKILL after
:data:`STOP_GRACE_S`. What it prints (both streams) goes into the check's transcript,
bounded: at most :data:`MAX_OUTPUT_LINES` lines of at most :data:`MAX_LINE_CHARS`
characters and :data:`MAX_OUTPUT_BYTES` in all per check, the rest counted.
"""

from __future__ import annotations

import asyncio
import contextlib
import os
import signal
from collections.abc import Mapping
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from onsembl_conformance.transcript import Transcript

STOP_GRACE_S = 3.0
"""SIGTERM, then SIGKILL after this long (``docs/check-client.md``)."""

MAX_OUTPUT_LINES = 300
MAX_LINE_CHARS = 1000
MAX_OUTPUT_BYTES = 128 * 1024
READ_CHUNK = 64 * 1024


class OutputLog:
    """The bounded record of what a check's client processes printed."""

    def __init__(self, transcript: Transcript) -> None:
        self.transcript = transcript
        self.lines = 0
        self.bytes = 0
        self.dropped = 0
        self.tail: list[str] = []
        """The last lines, for a one-line reason when the client does not start."""

    def add(self, stream: str, line: str) -> None:
        line = line.rstrip("\r\n")
        self.tail = [*self.tail[-4:], line[:200]]
        if self.lines >= MAX_OUTPUT_LINES or self.bytes >= MAX_OUTPUT_BYTES:
            if not self.dropped:
                self.transcript.note(
                    f"client output beyond {MAX_OUTPUT_LINES} lines or {MAX_OUTPUT_BYTES}"
                    " bytes is counted, not kept"
                )
            self.dropped += 1
            return
        shown = line if len(line) <= MAX_LINE_CHARS else line[:MAX_LINE_CHARS] + "..."
        self.lines += 1
        self.bytes += len(shown)
        self.transcript.record(0, "output", stream=stream, text=shown)


class ClientProcess:
    """One run of the command under test."""

    def __init__(self, command: str, env: Mapping[str, str], output: OutputLog) -> None:
        self.command = command
        self.env = dict(env)
        self.output = output
        self.process: asyncio.subprocess.Process | None = None
        self._readers: list[asyncio.Task[None]] = []

    async def start(self) -> None:
        self.process = await asyncio.create_subprocess_exec(
            "sh",
            "-c",
            self.command,
            env={**os.environ, **self.env},
            stdin=asyncio.subprocess.DEVNULL,
            stdout=asyncio.subprocess.PIPE,
            stderr=asyncio.subprocess.PIPE,
            start_new_session=True,
        )
        assert self.process.stdout is not None and self.process.stderr is not None
        self._readers = [
            asyncio.ensure_future(self._pump("stdout", self.process.stdout)),
            asyncio.ensure_future(self._pump("stderr", self.process.stderr)),
        ]
        self.output.transcript.note(f"client started (pid {self.process.pid})")

    async def _pump(self, name: str, stream: asyncio.StreamReader) -> None:
        pending = b""
        while True:
            try:
                chunk = await stream.read(READ_CHUNK)
            except (OSError, ValueError):
                break
            if not chunk:
                break
            pending += chunk
            *lines, pending = pending.split(b"\n")
            for line in lines:
                self.output.add(name, line.decode("utf-8", "replace"))
            if len(pending) > MAX_LINE_CHARS * 4:
                self.output.add(name, pending.decode("utf-8", "replace"))
                pending = b""
        if pending:
            self.output.add(name, pending.decode("utf-8", "replace"))

    @property
    def returncode(self) -> int | None:
        return None if self.process is None else self.process.returncode

    def running(self) -> bool:
        return self.process is not None and self.process.returncode is None

    def _signal(self, signum: int) -> None:
        if self.process is None:
            return
        with contextlib.suppress(ProcessLookupError, PermissionError):
            os.killpg(self.process.pid, signum)

    async def stop(self, grace: float = STOP_GRACE_S) -> int | None:
        """SIGTERM to the process group, SIGKILL after ``grace``; the exit status."""
        process = self.process
        if process is None:
            return None
        if process.returncode is None:
            self._signal(signal.SIGTERM)
            try:
                await asyncio.wait_for(process.wait(), grace)
            except TimeoutError:
                self.output.transcript.note(f"client ignored SIGTERM for {grace:g}s: SIGKILL")
                self._signal(signal.SIGKILL)
                with contextlib.suppress(TimeoutError):
                    await asyncio.wait_for(process.wait(), grace)
        else:
            self._signal(signal.SIGKILL)  # what the shell left behind, if anything
        for reader in self._readers:
            with contextlib.suppress(TimeoutError, asyncio.CancelledError):
                await asyncio.wait_for(reader, 1.0)
            reader.cancel()
        self.output.transcript.note(f"client stopped (exit status {process.returncode})")
        return process.returncode
