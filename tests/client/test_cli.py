"""``onsembl dashboard`` and ``onsembl agent`` as processes, against the reference server.

The agent is configured through the environment of docs/check-client.md only
(as ``onsembl check-client --command "onsembl agent"`` will run it); the
dashboard mints its own tokens with ``--jwt-secret``. Ctrl-C exits 130 and
SIGTERM 143, quietly; bad input is one line on stderr and exit 2.
"""

from __future__ import annotations

import asyncio
import json
import os
import signal
import subprocess
import sys
from pathlib import Path

import pytest
from client_harness import SECRET, Servers

from onsembl_spec.tokens import mint

ONSEMBL = [sys.executable, "-m", "onsembl_spec"]
WAIT = 20.0


def clean_environment(**extra: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("ONSEMBL_")}
    return {**env, **extra}


async def spawn(*args: str, env: dict[str, str]) -> asyncio.subprocess.Process:
    return await asyncio.create_subprocess_exec(
        *ONSEMBL, *args, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE
    )


async def read_until(process: asyncio.subprocess.Process, needle: str) -> list[str]:
    """Lines of stdout up to and including the first that contains ``needle``."""
    assert process.stdout is not None
    lines: list[str] = []
    while True:
        raw = await asyncio.wait_for(process.stdout.readline(), WAIT)
        if not raw:
            stderr = await process.stderr.read() if process.stderr else b""
            raise AssertionError(f"no {needle!r} in {lines}; stderr: {stderr.decode()}")
        lines.append(raw.decode().rstrip("\n"))
        if needle in lines[-1]:
            return lines


def agent_environment(servers: Servers, tmp_path: Path) -> dict[str, str]:
    """docs/check-client.md: URL, role, token, token file, profile (a JSON file)."""
    token_file = tmp_path / "token"
    token_file.write_text(mint(SECRET, "alice", ttl=3600) + "\n", encoding="utf-8")
    profile = tmp_path / "profile.json"
    profile.write_text(json.dumps({"heartbeat": {"interval_s": 5, "timeout_s": 15}}))
    return clean_environment(
        ONSEMBL_URL=servers.url,
        ONSEMBL_ROLE="agent",
        ONSEMBL_TOKEN="not-a-valid-token",  # the file wins: it is read before every connection
        ONSEMBL_TOKEN_FILE=str(token_file),
        ONSEMBL_PROFILE=str(profile),
        ONSEMBL_SCENARIO="by-hand",
    )


@pytest.mark.asyncio
async def test_the_agent_from_the_environment_runs_what_the_dashboard_requests(
    tmp_path: Path,
) -> None:
    servers = Servers()
    await servers.start()
    agent = await spawn("agent", env=agent_environment(servers, tmp_path))
    try:
        await read_until(agent, "identified as agent demo-agent")
        dashboard = await spawn(
            "dashboard", "--jwt-secret", SECRET, "--sub", "alice",
            "--request", "demo-agent", "echo hello there", "--until-done",
            env=clean_environment(ONSEMBL_URL=servers.url),
        )  # fmt: skip
        out, err = await asyncio.wait_for(dashboard.communicate(), WAIT)
        assert dashboard.returncode == 0, err.decode()
        lines = out.decode().splitlines()
        assert lines[:3] == [
            "-- connecting",
            "-- connected (connection 1)",
            lines[2],
        ] and lines[2].startswith("-- identified as dashboard dashboard-")
        messages = [json.loads(line) for line in lines if line.startswith("{")]
        assert messages[0]["type"] == "agent:list"
        output = [m for m in messages if m["type"] == "terminal:output"]
        assert [m["output"]["content"] for m in output] == ["hello there\n"]
        assert messages[-1]["type"] == "command:complete" and messages[-1]["exitCode"] == 0
        executed = await read_until(agent, '"type":"command:execute"')
        assert '"args":["hello","there"]' in executed[-1]
        agent.send_signal(signal.SIGINT)
        _, agent_err = await asyncio.wait_for(agent.communicate(), WAIT)
        assert agent.returncode == 130
        assert agent_err == b""  # quietly
    finally:
        if agent.returncode is None:
            agent.kill()
            await agent.wait()
        await servers.stop()


@pytest.mark.asyncio
async def test_sigterm_ends_the_dashboard_quietly_after_its_disconnect() -> None:
    servers = Servers()
    await servers.start()
    try:
        dashboard = await spawn(
            "dashboard", servers.url, "--jwt-secret", SECRET, env=clean_environment()
        )
        await read_until(dashboard, '"type":"agent:list"')
        dashboard.send_signal(signal.SIGTERM)
        out, err = await asyncio.wait_for(dashboard.communicate(), WAIT)
        assert dashboard.returncode == 143
        assert err == b""
        assert out.decode().splitlines()[-1] == "-- closed (1000)"  # CLOSE-1: it disconnected
    finally:
        await servers.stop()


def run_onsembl(*args: str, **env: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [*ONSEMBL, *args], env=clean_environment(**env),
        capture_output=True, text=True, timeout=60, check=False,
    )  # fmt: skip


@pytest.mark.parametrize(
    ("args", "env", "message"),
    [
        (["dashboard", "http://x/ws", "--token", "t"], {}, "bad URL 'http://x/ws'"),
        (["agent", "--token", "t"], {"ONSEMBL_ROLE": "dashboard"}, "run `onsembl dashboard`"),
        (["dashboard"], {}, "no token: pass --token"),
        (["agent", "--token", "t", "--agent-id", "has spaces"], {}, "cannot identify"),
        (["dashboard", "--token", "t", "--profile", "/no/such/file"], {}, "cannot read profile"),
        (
            ["dashboard", "--token", "t"],
            {"ONSEMBL_PROFILE": '{"reconnect": {"base_s": -1}}'},
            "base_s",
        ),
        (["dashboard", "--token-file", "/no/such/token"], {}, "cannot read the token file"),
        (["dashboard", "--token", "t", "--until-done"], {}, "--until-done needs"),
        (["dashboard", "--token", "t", "--request", "a", "  "], {}, "the command is empty"),
    ],
)
def test_bad_input_is_one_line_and_exit_2(
    args: list[str], env: dict[str, str], message: str
) -> None:
    result = run_onsembl(*args, **env)
    assert result.returncode == 2, (result.stdout, result.stderr)
    assert result.stdout == ""
    lines = result.stderr.splitlines()
    assert len(lines) == 1 and lines[0].startswith("onsembl: error: "), result.stderr
    assert message in lines[0]


def test_both_commands_are_listed_with_their_help() -> None:
    listing = run_onsembl("--help")
    assert "dashboard" in listing.stdout and "agent" in listing.stdout
    for name in ("dashboard", "agent"):
        result = run_onsembl(name, "--help")
        assert result.returncode == 0, result.stderr
        assert "--jwt-secret" in result.stdout and "ONSEMBL_" in result.stdout
