"""Starting a server as a subprocess: the bundled reference server, or any command like it.

The command gets ``--host 127.0.0.1 --port 0 --jwt-secret S --profile FILE``
appended (``--jwt-public-key FILE --jwt-alg ALG`` instead of ``--jwt-secret`` for a run
with ``--jwt-key``, and ``--jwt-audience``/``--jwt-issuer`` for its ``--jwt-claim aud/iss``);
its first stdout line must be ``listening on ws://HOST:PORT/PATH`` (or ``wss://``).
"""

from __future__ import annotations

import os
import queue
import re
import secrets
import signal
import subprocess
import sys
import tempfile
import threading
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO, Any

import yaml

from onsembl_conformance.errors import SuiteError

FAST_PROFILE: dict[str, Any] = {
    "max_message_bytes": 65536,
    "identify_timeout_s": 1,
    "refresh_window_s": 2,
    "max_queue": 3,
    "max_queue_bytes": 98304,  # CMD-20: two commands of 40 KiB pending, not three
    "max_owner_queue_bytes": 131072,  # less than two agents' queues (CMD-20)
    "allowed_origins": ["https://dashboard.example"],
    "heartbeat": {"interval_s": 1, "timeout_s": 2.5},
    "limits": {
        "global": {"per_minute": 20000, "per_hour": 200000},
        "owner": {"per_minute": 10000, "per_hour": 100000},  # half the global (RATE-10)
        "connection": {"per_minute": 30, "per_hour": 1000, "burst_per_second": 10},
        "types": {
            "command:request": {"per_minute": 12, "per_hour": 1000},
            "terminal:output": {"per_minute": 300, "per_hour": 10000},
            "heartbeat:ping": {"per_minute": 40},
        },
    },
    "outbound": {  # CLOSE-7..CLOSE-9: reached by the suite's pushes within a few seconds
        "stall_s": 2,
        "connection_bytes": 10 * 1024 * 1024,
        "owner_bytes": 24 * 1024 * 1024,
        "server_bytes": 48 * 1024 * 1024,
    },
}
"""Limits and timings of the bundled server the suite starts itself: short enough
that every timing check fits the time budget (issue item 7)."""

DEFAULT_COMMAND = [sys.executable, "-m", "onsembl_spec", "serve"]
LISTENING = re.compile(r"^listening on (wss?://\S+)$")
"""The first stdout line of a server the suite starts: ``ws://``, or ``wss://`` for a
``--server-command`` that serves TLS (issue 10)."""


@dataclass(eq=False)
class RunningServer:
    """A server process the suite started (compared and hashed by identity)."""

    url: str
    process: subprocess.Popen[str]
    workdir: tempfile.TemporaryDirectory[str]
    output: list[str] = field(default_factory=list)

    def stop(self, timeout: float = 10.0) -> int | None:
        """SIGTERM (graceful shutdown, CLOSE-2), then SIGKILL if it lingers; the exit status."""
        if self.process.poll() is None:
            self.process.send_signal(signal.SIGTERM)
            try:
                self.process.wait(timeout)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait(timeout)
        _RUNNING.discard(self)
        self.workdir.cleanup()
        return self.process.returncode

    def kill(self) -> None:
        """SIGKILL at once (the run is abandoned: Ctrl-C); its files removed."""
        if self.process.poll() is None:
            self.process.kill()
            self.process.wait()
        _RUNNING.discard(self)
        self.workdir.cleanup()


_RUNNING: set[RunningServer] = set()
"""Every server started here and not yet stopped (the run's, and checks' private ones)."""

_STARTS = threading.Condition()
"""Guards :data:`_RUNNING` against :func:`kill_all`: a start in another thread (a check's
private server) between its ``Popen`` and its registration is waited for."""
_starting = 0
_abandoned = False

KILL_WAIT_S = 0.5
"""How long :func:`kill_all` waits for starts under way in other threads."""


def kill_all() -> None:
    """Kill every server started here that still runs: Ctrl-C ends a run at once, without
    waiting for the graceful shutdowns (CLOSE-2) or the threads that would ask for them.
    A server started afterwards (by a thread of the abandoned run) is killed at once."""
    global _abandoned
    with _STARTS:
        _abandoned = True
        _STARTS.wait_for(lambda: _starting == 0, KILL_WAIT_S)
        servers = list(_RUNNING)
    for server in servers:
        server.kill()


def _starts(change: int) -> None:
    """A start begins (+1; refused after :func:`kill_all`) or ends without a server (-1)."""
    global _starting
    with _STARTS:
        if change > 0 and _abandoned:
            raise SuiteError("the run was interrupted")
        _starting += change
        _STARTS.notify_all()


def _register(server: RunningServer) -> None:
    """Count ``server`` among the running ones (killed at once after :func:`kill_all`)."""
    with _STARTS:
        _starts(-1)  # the condition's lock is reentrant
        if not _abandoned:
            _RUNNING.add(server)
            return
    server.kill()
    raise SuiteError("the run was interrupted")


def new_secret() -> str:
    return secrets.token_urlsafe(32)


def _pump(stream: IO[str], lines: queue.Queue[str | None], keep: list[str]) -> None:
    for line in stream:
        keep.append(line.rstrip("\n"))
        del keep[:-200]
        lines.put(line)
    lines.put(None)


def start_server(
    command: list[str],
    secret: str,
    profile: dict[str, Any],
    timeout: float = 20.0,
    *,
    auth: Sequence[str] | None = None,
) -> RunningServer:
    """Start ``command`` on a free loopback port; :class:`SuiteError` when it does not come up.

    ``auth`` replaces ``--jwt-secret=SECRET``: how the server verifies tokens (issue 10:
    ``--jwt-public-key FILE --jwt-alg ALG`` for a run with ``--jwt-key``,
    ``onsembl_conformance.credentials.TokenIssuer.server_arguments``).
    """
    workdir = tempfile.TemporaryDirectory(prefix="onsembl-check-")
    profile_path = Path(workdir.name) / "profile.yaml"
    profile_path.write_text(yaml.safe_dump(profile, sort_keys=False), encoding="utf-8")
    stderr_path = Path(workdir.name) / "stderr.log"
    argv = [
        *command,
        "--host", "127.0.0.1",
        "--port", "0",
        *(auth if auth is not None else [f"--jwt-secret={secret}"]),
        "--profile", str(profile_path),
    ]  # fmt: skip
    env = {**os.environ, "PYTHONUNBUFFERED": "1"}
    try:
        _starts(+1)
    except SuiteError:
        workdir.cleanup()
        raise
    try:
        with stderr_path.open("w") as stderr:
            process = subprocess.Popen(
                argv, stdout=subprocess.PIPE, stderr=stderr, text=True, env=env
            )
    except OSError as err:
        _starts(-1)
        workdir.cleanup()
        raise SuiteError(f"cannot start the server ({argv[0]}): {err.strerror or err}") from None
    assert process.stdout is not None
    lines: queue.Queue[str | None] = queue.Queue()
    server = RunningServer("", process, workdir)
    _register(server)  # killed by kill_all, even before it listens
    threading.Thread(target=_pump, args=(process.stdout, lines, server.output), daemon=True).start()
    try:
        first = lines.get(timeout=timeout)
    except queue.Empty:
        first = None
        reason = f"no 'listening on' line within {timeout:g}s"
    else:
        reason = "it exited before listening"
    match = LISTENING.match(first.strip()) if first else None
    if match is None:
        if first:
            reason = f"unexpected first line {first.strip()[:120]!r}"
        process.kill()
        process.wait()
        _RUNNING.discard(server)
        tail = stderr_path.read_text(errors="replace").strip().splitlines()[-1:] or [""]
        workdir.cleanup()
        detail = f" ({tail[0][:200]})" if tail[0] else ""
        raise SuiteError(f"the server did not start: {reason}{detail}")
    server.url = match.group(1)
    return server
