"""Item 5: a failure is saved as a transcript and replays as FAILED, then FIXED."""

from __future__ import annotations

import json
from pathlib import Path

from conformance_support import broken_command, onsembl


def test_failure_transcript_replays(tmp_path: Path) -> None:
    run = onsembl(
        [
            "check",
            "--server-command",
            broken_command("queue-ignores-priority"),
            "--only",
            "priority_order",
            "--seed",
            "3",
        ],
        cwd=tmp_path,
    )
    assert run.returncode == 1, run.stdout
    assert "CMD-9 (MUST): Pending commands start in order of priority" in run.stdout
    assert "Expected: execution order" in run.stdout and "Actual:" in run.stdout
    saved = sorted((tmp_path / "onsembl-transcripts").glob("*.json"))
    assert [p.name for p in saved] == ["priority_order-3.json"]
    data = json.loads(saved[0].read_text())
    assert data["failure"]["requirement"] == "CMD-9"
    sends = [e for e in data["events"] if e["event"] == "send"]
    opens = [e for e in data["events"] if e["event"] == "open"]
    assert sends and all(isinstance(e["t"], float) for e in sends)
    assert all(o["recipe"]["kind"] == "valid" for o in opens)  # recipes, not tokens
    assert "eyJ" not in json.dumps(opens)

    still = onsembl(
        ["replay", str(saved[0]), "--server-command", broken_command("queue-ignores-priority")],
        cwd=tmp_path,
    )
    assert still.returncode == 1, still.stdout + still.stderr
    assert still.stdout.startswith("FAILED: priority_order")

    fixed = onsembl(["replay", str(saved[0])], cwd=tmp_path)
    assert fixed.returncode == 0, fixed.stdout + fixed.stderr
    assert fixed.stdout.strip() == "FIXED: priority_order (CMD-9) now passes"
