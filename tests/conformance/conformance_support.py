"""Helpers of the conformance suite's tests: run ``onsembl`` as a real subprocess."""

from __future__ import annotations

import subprocess
import sys
from collections.abc import Sequence
from pathlib import Path

HERE = Path(__file__).resolve().parent
LAUNCHER = HERE / "broken_server.py"
RUN_LIMIT_S = 240
"""Generous bound on one ``onsembl`` run in a test (the budget itself is 3 minutes)."""


def onsembl(
    args: Sequence[str], cwd: Path, timeout: float = RUN_LIMIT_S
) -> subprocess.CompletedProcess[str]:
    """Run ``python -m onsembl_spec ARGS`` and capture its output."""
    return subprocess.run(
        [sys.executable, "-m", "onsembl_spec", *args],
        cwd=cwd,
        capture_output=True,
        text=True,
        timeout=timeout,
        check=False,
    )


def broken_command(fault: str) -> str:
    """The ``--server-command`` that starts the reference server with ``fault`` injected."""
    return f"{sys.executable} {LAUNCHER} {fault}"
