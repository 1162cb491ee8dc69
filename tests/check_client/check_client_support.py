"""Running ``onsembl check-client`` as a process from the tests, and reading its report."""

from __future__ import annotations

import json
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
ROOT = HERE.parents[1]
RUN_LIMIT_S = 400.0
"""A run that takes longer than this is a hung kit (the default run takes about a minute)."""


@dataclass
class Outcome:
    exit_code: int
    report: dict[str, Any]
    output: str
    duration: float

    @property
    def failed(self) -> set[str]:
        return {r["id"] for r in self.report.get("results", []) if r["status"] == "failed"}

    @property
    def statuses(self) -> dict[str, str]:
        return {c["name"]: c["status"] for c in self.report.get("checks", [])}


def check_client(
    tmp: Path, *args: str, env: dict[str, str] | None = None, limit: float = RUN_LIMIT_S
) -> Outcome:
    """``onsembl check-client ARGS --report ... --transcripts ...`` in ``tmp``."""
    import os
    import time

    tmp.mkdir(parents=True, exist_ok=True)
    report = tmp / "report.json"
    argv = [sys.executable, "-m", "onsembl_spec", "check-client", *args,
            "--report", str(report), "--transcripts", str(tmp / "transcripts")]  # fmt: skip
    began = time.monotonic()
    done = subprocess.run(
        argv, cwd=tmp, capture_output=True, text=True, timeout=limit,
        env={**os.environ, **(env or {})}, check=False,
    )  # fmt: skip
    data = json.loads(report.read_text()) if report.exists() else {}
    return Outcome(done.returncode, data, done.stdout + done.stderr, time.monotonic() - began)


def broken_command(fault: str, role: str) -> str:
    """The ``--command`` of the reference client with ``fault`` injected."""
    return f"{sys.executable} {HERE / 'broken_client.py'} {fault} {role}"
