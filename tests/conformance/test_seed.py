"""``--seed`` reproduces a run: the same seed sends the same messages, hypothesis parts included."""

from __future__ import annotations

import json
import re
from pathlib import Path

from conformance_support import broken_command, onsembl

STAMP = re.compile(r'"timestamp":"[^"]*"')


PONG = '{"type":"heartbeat:pong","timestamp":_}'


def sent_frames(transcript: Path) -> list[str]:
    """The frames the suite chose to send; answers to the server's pings are left out.

    The client answers every ``heartbeat:ping`` on its own (HB-5), and when a ping
    arrives depends on the server's clock, not on the seed.
    """
    events = json.loads(transcript.read_text())["events"]
    frames = [STAMP.sub('"timestamp":_', e["data"]) for e in events if e["event"] == "send"]
    return [frame for frame in frames if frame != PONG]


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
