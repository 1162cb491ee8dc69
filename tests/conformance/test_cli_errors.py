"""Exit code 2 with a one-line reason, never a traceback (issue item 1)."""

from __future__ import annotations

import socket
from pathlib import Path

import pytest
from conformance_support import onsembl


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def assert_usage_failure(result: object, fragment: str) -> None:
    stderr = result.stderr  # type: ignore[attr-defined]
    assert result.returncode == 2, (result.stdout, stderr)  # type: ignore[attr-defined]
    assert "Traceback" not in stderr
    lines = stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("onsembl: error:"), stderr
    assert fragment in lines[0]


def test_unreachable_url(tmp_path: Path) -> None:
    url = f"ws://127.0.0.1:{free_port()}/ws"
    result = onsembl(["check", url, "--jwt-secret", "s"], cwd=tmp_path, timeout=60)
    assert_usage_failure(result, "nothing is listening")


def test_url_needs_secret(tmp_path: Path) -> None:
    assert_usage_failure(onsembl(["check", "ws://127.0.0.1:1/ws"], cwd=tmp_path), "--jwt-secret")


def test_bad_url_scheme(tmp_path: Path) -> None:
    result = onsembl(["check", "http://x/ws", "--jwt-secret", "s"], cwd=tmp_path)
    assert_usage_failure(result, "ws://")


@pytest.mark.parametrize(
    ("content", "fragment"),
    [("heartbeat: {interval_s: -1}\n", "heartbeat.interval_s"), ("nonsense: 1\n", "nonsense")],
)
def test_bad_profile(tmp_path: Path, content: str, fragment: str) -> None:
    profile = tmp_path / "p.yaml"
    profile.write_text(content)
    result = onsembl(["check", "--profile", str(profile)], cwd=tmp_path)
    assert_usage_failure(result, fragment)


def test_unknown_requirement_id(tmp_path: Path) -> None:
    assert_usage_failure(onsembl(["check", "--only", "AUTH-99"], cwd=tmp_path), "AUTH-99")


def test_server_that_does_not_start(tmp_path: Path) -> None:
    result = onsembl(["check", "--server-command", "false"], cwd=tmp_path)
    assert_usage_failure(result, "did not start")


def test_replay_of_a_non_transcript(tmp_path: Path) -> None:
    bogus = tmp_path / "t.json"
    bogus.write_text("[]")
    assert_usage_failure(onsembl(["replay", str(bogus)], cwd=tmp_path), "not an onsembl transcript")


def test_exit_code_table_in_help_and_readme(tmp_path: Path) -> None:
    """The exit codes are documented the same way in ``--help`` and the README (issue 9)."""
    import re

    from onsembl_conformance.events import VERDICTS

    help_text = onsembl(["check", "--help"], cwd=tmp_path).stdout
    readme = (Path(__file__).resolve().parents[2] / "README.md").read_text()
    for code in (0, 1, 2, 3):
        assert re.search(rf"^\s+{code}\s+\S", help_text, re.M), (code, help_text[-1500:])
        assert re.search(rf"^\s*\| `{code}` \| \S", readme, re.M), code
    for code, verdict in VERDICTS.items():
        assert f"{code}  {verdict}" in help_text.replace("\n    ", " ")
    assert "--max-time" in help_text


def test_bad_max_time(tmp_path: Path) -> None:
    assert_usage_failure(onsembl(["check", "--max-time", "0"], cwd=tmp_path), "--max-time")
