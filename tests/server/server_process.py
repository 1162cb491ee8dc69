"""``onsembl serve`` in a process of its own, for the attack tests (issue 11).

The attack tests measure the server from outside: its CPU time and memory from
``/proc``, its security log, its stderr. One helper for all of them.
"""

from __future__ import annotations

import json
import os
import resource
import subprocess
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml


@dataclass
class ServerProcess:
    """``onsembl serve`` as a process: its URL, its log file, its CPU time and memory."""

    popen: subprocess.Popen[str]
    url: str
    log: Path
    stderr: Path

    def status(self, key: str) -> int:
        """A ``/proc/PID/status`` figure in bytes (``VmRSS``, ``VmHWM``)."""
        for line in Path(f"/proc/{self.popen.pid}/status").read_text().splitlines():
            if line.startswith(key + ":"):
                return int(line.split()[1]) * 1024
        raise AssertionError(f"no {key}")

    def cpu_seconds(self) -> float:
        """User and system CPU time of the server process alone."""
        stat = Path(f"/proc/{self.popen.pid}/stat").read_text()
        fields = stat.rsplit(")", 1)[1].split()
        return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")

    def stop(self) -> None:
        if self.popen.poll() is None:
            self.popen.terminate()
            self.popen.wait(30)

    def log_records(self) -> list[dict[str, Any]]:
        return [json.loads(line) for line in self.log.read_text().splitlines() if line]


@contextmanager
def serve(
    tmp_path: Path,
    profile: dict[str, Any],
    secret: str,
    *,
    nofile: int | None = None,
    log_file: bool = True,
) -> Iterator[ServerProcess]:
    """Start ``onsembl serve`` with ``profile`` (and at most ``nofile`` descriptors)."""
    profile_path = tmp_path / "profile.yaml"
    profile_path.write_text(yaml.safe_dump(profile), encoding="utf-8")
    log = tmp_path / "security.log"
    stderr = tmp_path / "stderr.txt"
    argv = [sys.executable, "-m", "onsembl_spec", "serve", "--port", "0",
            "--jwt-secret", secret, "--profile", str(profile_path)]  # fmt: skip
    if log_file:
        argv += ["--log-file", str(log)]

    def limit() -> None:
        if nofile is not None:
            resource.setrlimit(resource.RLIMIT_NOFILE, (nofile, nofile))

    with stderr.open("w") as err:
        popen = subprocess.Popen(argv, stdout=subprocess.PIPE, stderr=err, text=True,
                                 preexec_fn=limit)  # fmt: skip
    server = ServerProcess(popen, "", log if log_file else stderr, stderr)
    try:
        assert popen.stdout is not None
        line = popen.stdout.readline()
        assert line.startswith("listening on "), line
        server.url = line.split()[-1]
        yield server
    finally:
        server.stop()
