"""One deviation, one requirement (issue 9, part 1).

A server whose only deviation is re-stamping the ``timestamp`` of forwarded
messages with its own time (MSG-13) was also reported, depending on timing,
under CMD-18 (the command model compared whole output messages for TERM-1,
and hypothesis then found the example inconsistent) and CLOSE-7. A full
default run against it must report MSG-13 failed, and nothing else failed or
in error.
"""

from __future__ import annotations

import json
from pathlib import Path

from conformance_support import broken_command, onsembl


def test_a_restamping_server_fails_msg_13_only(tmp_path: Path) -> None:
    report = tmp_path / "report.json"
    result = onsembl(
        [
            "check",
            "--server-command",
            broken_command("forward-restamps"),
            "--report",
            str(report),
            "--seed",
            "303",
        ],
        cwd=tmp_path,
    )
    assert result.returncode == 1, result.stdout[-3000:] + result.stderr[-2000:]
    results = json.loads(report.read_text())["results"]
    failed = {r["id"] for r in results if r["status"] == "failed"}
    errors = {r["id"] for r in results if r["status"] == "error"}
    assert failed == {"MSG-13"}, result.stdout[-5000:]
    assert not errors, result.stdout[-5000:]
    checked = {r["id"] for r in results if r["status"] == "passed"}
    assert {"CMD-18", "TERM-1", "CLOSE-7"} <= checked
