"""Exit code 2 with a one-line reason, never a traceback (issue item 1)."""

from __future__ import annotations

import json
import os
import signal
import socket
import subprocess
import sys
import time
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
    assert "error: onsembl" not in lines[0], lines[0]  # the program named once
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


# --------------------------------------------------------------------------
# Polish from real tries (issue 14, part 4)
# --------------------------------------------------------------------------


def test_selectors_accept_any_case() -> None:
    from onsembl_conformance.engine import parse_selectors, select
    from onsembl_conformance.registry import all_checks

    assert parse_selectors("auth-3, Rate,NO_TOKEN") == ["AUTH-3", "RATE", "no_token"]
    assert parse_selectors(None) == []
    checks = all_checks()
    lower = select(checks, only=parse_selectors("auth"), exclude=parse_selectors("auth-3"))
    upper = select(checks, only=["AUTH"], exclude=["AUTH-3"])
    assert lower == upper and lower


@pytest.mark.parametrize(
    ("args", "fragment"),
    [
        (["--only", ""], "--only needs requirement IDs"),
        (["--only", " , "], "--only needs requirement IDs"),
        (["--exclude", ","], "--exclude needs requirement IDs"),
        (["--only", "auth-99"], "did you mean AUTH-9?"),
        (["--exclude", "ratte"], "--exclude: unknown requirement ID, area or check name 'ratte'"),
        (["--report", "-", "--junit", "-"], "one report at most on stdout"),
    ],
)
def test_selector_and_report_usage_errors(tmp_path: Path, args: list[str], fragment: str) -> None:
    """An empty list selected everything before; now it is a one-line usage error."""
    assert_usage_failure(onsembl(["check", *args], cwd=tmp_path), fragment)


def test_lower_case_only_and_report_to_stdout(tmp_path: Path) -> None:
    """``--only auth-3 --report -``: the JSON report alone on stdout, the progress on stderr,
    "1 check" in the singular."""
    result = onsembl(["check", "--only", "auth-3", "--report", "-", "--seed", "1"], cwd=tmp_path)
    assert result.returncode == 0, (result.stdout[-2000:], result.stderr[-2000:])
    report = json.loads(result.stdout)
    assert [c["name"] for c in report["checks"]] == ["no_token"]
    assert report["summary"]["exit_code"] == 0
    first = result.stderr.splitlines()[0]
    assert first.startswith("onsembl check: 1 check against ws://127.0.0.1:"), first
    assert " 1 checks " not in result.stderr


def test_a_failure_on_another_requirement_says_why() -> None:
    """A check selected for AUTH-3 that saw the server break MSG-5 says why MSG-5 fails."""
    from onsembl_conformance.errors import CheckFailure
    from onsembl_conformance.events import CheckResult
    from onsembl_conformance.registry import get_check
    from onsembl_conformance.reporters.console import failure_lines

    result = CheckResult(get_check("no_token"), "failed", 0.1)
    result.failure = CheckFailure("MSG-5", "a schema-valid message", "an invalid one")
    lines = failure_lines(result)
    assert lines[0].startswith("    MSG-5 (")
    (why,) = [line for line in lines if line.startswith("    Why ")]
    assert why.startswith(
        "    Why MSG-5: this check verifies AUTH-3, CLOSE-6; on the way the server"
    )
    result.failure = CheckFailure("AUTH-3", "closed 1008", "open")
    assert not any(line.startswith("    Why ") for line in failure_lines(result))


def test_console_counts_in_the_singular() -> None:
    import io

    from onsembl_conformance.events import RunStarted
    from onsembl_conformance.registry import get_check
    from onsembl_conformance.reporters.console import ConsoleReporter, plural

    assert [plural(n, "check") for n in (0, 1, 2)] == ["0 checks", "1 check", "2 checks"]
    stream = io.StringIO()
    ConsoleReporter(stream).handle(RunStarted("ws://x/ws", [get_check("no_token")], 7))
    assert stream.getvalue() == "onsembl check: 1 check against ws://x/ws (seed 7)\n"


def _children(pid: int) -> list[int]:
    try:
        text = Path(f"/proc/{pid}/task/{pid}/children").read_text()
    except OSError:
        return []
    return [int(child) for child in text.split()]


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    return True


@pytest.mark.parametrize("after_s", [0.5, 3.0])
def test_ctrl_c_stops_within_a_second(tmp_path: Path, after_s: float) -> None:
    """SIGINT in the middle of a bundled run: exit 130 within a second, its servers gone."""
    process = subprocess.Popen(
        [sys.executable, "-m", "onsembl_spec", "check", "--seed", "3"],
        cwd=tmp_path,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    assert process.stdout is not None
    try:
        for line in process.stdout:  # checks under way
            if line.startswith("["):
                break
        time.sleep(after_s)
        servers = _children(process.pid)
        sent = time.monotonic()
        process.send_signal(signal.SIGINT)
        process.wait(timeout=30)
        took = time.monotonic() - sent
    finally:
        if process.poll() is None:
            process.kill()
            process.wait()
    stderr = process.stderr.read() if process.stderr is not None else ""
    assert process.returncode == 130, stderr[-2000:]
    assert took < 1.0, took
    assert stderr.endswith("onsembl: interrupted\n") and "Traceback" not in stderr, stderr[-2000:]
    assert servers and not any(_alive(pid) for pid in servers)
