"""``--seed`` reproduces a run: the same seed sends the same messages, hypothesis parts included."""

from __future__ import annotations

import json
import re
from pathlib import Path

from conformance_support import broken_command, onsembl

STAMP = re.compile(r'"timestamp":"[^"]*"')


def sent_frames(transcript: Path) -> list[str]:
    events = json.loads(transcript.read_text())["events"]
    return [STAMP.sub('"timestamp":_', e["data"]) for e in events if e["event"] == "send"]


def failing_run(tmp_path: Path, name: str, seed: str) -> list[str]:
    out = tmp_path / name
    out.mkdir()
    result = onsembl(
        [
            "check",
            "--server-command",
            broken_command("validation-silent"),
            "--only",
            "mutations_get_validation_error",
            "--quick",
            "--timeout",
            "1",
            "--seed",
            seed,
        ],
        cwd=out,
    )
    assert result.returncode == 1, result.stdout
    (transcript,) = (out / "onsembl-transcripts").glob("*.json")
    return sent_frames(transcript)


def test_same_seed_same_messages(tmp_path: Path) -> None:
    first = failing_run(tmp_path, "a", "8")
    assert first, "the failing example sent nothing"
    assert failing_run(tmp_path, "b", "8") == first
    assert failing_run(tmp_path, "c", "9") != first
