"""The two registries never mix; check-client's selection, usage errors, replay and
``--listen`` (issue 13, part 2)."""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
import time
from pathlib import Path

import pytest
from check_client_support import broken_command, check_client

from onsembl_conformance.clientcheck.replay import replay_client
from onsembl_conformance.clientcheck.runner import BUNDLED_COMMANDS, ClientRunOptions, selected
from onsembl_conformance.engine import parse_selectors
from onsembl_conformance.registry import all_checks, all_client_checks, get_check
from onsembl_conformance.transcript import load
from onsembl_spec.errors import UsageError
from onsembl_spec.spec import requirement


def test_server_and_client_checks_never_mix() -> None:
    server, client = all_checks(), all_client_checks()
    assert all(c.subject == "server" and not c.roles for c in server)
    assert all(c.subject == "client" and c.roles for c in client)
    for spec in client:
        assert all(requirement(r).subject == "client" for r in spec.requirement_ids)
        assert spec.doc.strip() and re.fullmatch(r"[a-z0-9_]+", spec.name)
    for spec in server:
        assert not any(requirement(r).subject == "client" for r in spec.requirement_ids)
    with pytest.raises(KeyError):
        get_check(client[0].name)
    with pytest.raises(UsageError):
        parse_selectors(client[0].name)  # onsembl check does not know client checks
    assert parse_selectors(client[0].name, client) == [client[0].name]


def test_selection_per_role() -> None:
    both = selected(ClientRunOptions())
    assert {c.role for c in both} == {"agent", "dashboard"}
    assert all(c.name == f"{c.role}/{c.name.split('/')[1]}" for c in both)
    agent = selected(ClientRunOptions(roles=("agent",), only=["CLIENT-16"]))
    assert [c.name for c in agent] == ["agent/interrupt_stops_command"]
    assert selected(ClientRunOptions(roles=("dashboard",), only=["CLIENT-16"])) == []
    quick = selected(ClientRunOptions(quick=True))
    assert quick and all("quick" in c.tags for c in quick)


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--command", "x"], "--role"),
        (["--listen", "127.0.0.1:0", "--role", "agent", "--role", "dashboard"], "one role"),
        (["--only", "NOPE-1"], "unknown requirement"),
        (["--role", "agent", "--only", "CLIENT-1", "--command", "exit 3"], "did not connect"),
    ],
)
def test_usage_errors_exit_2(tmp_path: Path, args: list[str], message: str) -> None:
    got = check_client(tmp_path, *args, limit=60)
    assert got.exit_code == 2, got.output
    assert message in got.output


def test_failure_replays_failed_then_fixed(tmp_path: Path) -> None:
    got = check_client(
        tmp_path, "--command", broken_command("ignores-interrupt", "agent"), "--role", "agent",
        "--only", "interrupt_stops_command", "--seed", "21",
    )  # fmt: skip
    assert got.exit_code == 1 and got.failed == {"CLIENT-16"}, got.output[-2000:]
    path = tmp_path / "transcripts" / "agent_interrupt_stops_command-21.json"
    data = load(path)
    assert data["subject"] == "client" and data["role"] == "agent"
    assert "ignores-interrupt" in data["command"]
    assert "eyJ" not in path.read_text()  # tokens stored as recipes, never as tokens
    again = subprocess.run(
        [sys.executable, "-m", "onsembl_spec", "replay", str(path)],
        capture_output=True, text=True, timeout=120, check=False,
    )  # fmt: skip
    assert again.returncode == 1 and again.stdout.startswith("FAILED"), again.stdout
    fixed = replay_client(path, data, command=BUNDLED_COMMANDS["agent"])
    assert fixed.fixed, fixed.result.message


def test_listen_runs_checks_on_a_client_started_by_hand(tmp_path: Path) -> None:
    """The kit prints what to point the client at; the client started from those lines
    passes; a check that needs its own client is skipped."""
    report = tmp_path / "report.json"
    kit = subprocess.Popen(
        [sys.executable, "-m", "onsembl_spec", "check-client", "--listen", "127.0.0.1:0",
         "--role", "dashboard", "--only", "answers_pings,identifies_on_every_connection,"
         "reconnects_after_going_away", "--seed", "5", "--report", str(report),
         "--transcripts", str(tmp_path / "t"), "--listen-wait", "60"],
        stdout=subprocess.PIPE, text=True, cwd=tmp_path,
    )  # fmt: skip
    assert kit.stdout is not None
    settings: dict[str, str] = {}
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline and "ONSEMBL_PROFILE" not in settings:
        line = kit.stdout.readline()
        found = re.match(r"\s+(ONSEMBL_[A-Z_]+)=(\$\(cat \S+\)|\S+)", line)
        if found:
            settings[found.group(1)] = found.group(2)
    profile = settings.pop("ONSEMBL_PROFILE").removeprefix("$(cat ").removesuffix(")")
    env = {**os.environ, **settings, "ONSEMBL_PROFILE": Path(profile).read_text().strip()}
    env.pop("ONSEMBL_TOKEN", None)  # the token file is enough
    client = subprocess.Popen(
        [sys.executable, "-m", "onsembl_spec", "dashboard"], env=env,
        stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
    )  # fmt: skip
    try:
        output, _ = kit.communicate(timeout=180)
    finally:
        client.terminate()
        client.wait(10)
    assert kit.returncode == 0, output
    data = json.loads(report.read_text())
    assert {c["name"]: c["status"] for c in data["checks"]} == {
        "dashboard/identifies_on_every_connection": "passed",
        "dashboard/answers_pings": "passed",
        "dashboard/reconnects_after_going_away": "passed",
    }
