"""Set-up mistakes end the run before any check: exit 2, one line, no transcripts (issue 10).

Each test makes the mistake for real (a malformed URL, a closed port, a wrong
path, a wrong secret, a server of another protocol) and runs ``onsembl check``
as a subprocess.
"""

from __future__ import annotations

import asyncio
import json
import socket
import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager, suppress
from pathlib import Path
from typing import Any

import pytest
from conformance_support import onsembl
from websockets.asyncio.server import ServerConnection, serve
from websockets.exceptions import ConnectionClosed

from onsembl_conformance.bundled import DEFAULT_COMMAND, FAST_PROFILE, start_server
from onsembl_conformance.errors import SuiteError
from onsembl_conformance.preflight import _global_retry_after, parse_url

SECRET = "the-real-secret-of-the-server-with-32-bytes"


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def assert_set_up_mistake(result: Any, *fragments: str) -> str:
    stderr: str = result.stderr
    assert result.returncode == 2, (result.stdout[-2000:], stderr)
    assert "Traceback" not in stderr and "Traceback" not in result.stdout
    lines = stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("onsembl: error:"), stderr
    for fragment in fragments:
        assert fragment in lines[0], lines[0]
    assert "FAIL" not in result.stdout
    return lines[0]


def no_transcripts(cwd: Path) -> bool:
    return not (cwd / "onsembl-transcripts").exists()


@pytest.mark.parametrize(
    ("url", "fragment"),
    [
        ("ws://127.0.0.1:abc/ws", "port must be a number"),
        ("ws://[::1", "IPv6"),
        ("ws://127.0.0.1:99999/ws", "port must be a number"),
        ("ws://127.0.0.1:0/ws", "port must be a number"),
        ("ws://", "no host"),
        ("ws://admin:hunter2@127.0.0.1:3001/ws", "user information"),
        ("ws://127.0.0.1:3001/ws#x", "fragment"),
        ("http://127.0.0.1:3001/ws", "ws:// or wss://"),
    ],
)
def test_malformed_urls(tmp_path: Path, url: str, fragment: str) -> None:
    result = onsembl(["check", url, "--jwt-secret", "s"], cwd=tmp_path, timeout=60)
    line = assert_set_up_mistake(result, "malformed URL", fragment)
    assert "hunter2" not in line  # a password in the URL is never echoed
    assert no_transcripts(tmp_path)


def test_parse_url_accepts_good_urls() -> None:
    assert parse_url("ws://127.0.0.1:3001/ws").port == 3001
    assert parse_url("wss://example.com/ws").hostname == "example.com"
    assert parse_url("ws://[::1]:3001/ws").hostname == "::1"
    with pytest.raises(SuiteError):
        parse_url("ws:///ws")


def test_nothing_listening(tmp_path: Path) -> None:
    url = f"ws://127.0.0.1:{free_port()}/ws"
    result = onsembl(["check", url, "--jwt-secret", "s"], cwd=tmp_path, timeout=60)
    assert_set_up_mistake(result, "nothing is listening on 127.0.0.1:", "is the server running")
    assert no_transcripts(tmp_path)


@pytest.fixture(scope="module")
def reference_url() -> Iterator[str]:
    server = start_server(DEFAULT_COMMAND, SECRET, FAST_PROFILE)
    try:
        yield server.url
    finally:
        server.stop()


def test_wrong_path_is_404(tmp_path: Path, reference_url: str) -> None:
    url = reference_url.rsplit("/", 1)[0] + "/websocket"
    result = onsembl(["check", url, f"--jwt-secret={SECRET}"], cwd=tmp_path, timeout=60)
    assert_set_up_mistake(result, "HTTP 404", "is the path right? the default is /ws")
    assert no_transcripts(tmp_path)


def test_wrong_secret_is_a_set_up_mistake(tmp_path: Path, reference_url: str) -> None:
    """Before: 740 lines, 71 transcripts and exit 1. Now one line naming --jwt-secret."""
    result = onsembl(
        ["check", reference_url, "--jwt-secret=not-the-secret", "--report", "r.json"],
        cwd=tmp_path,
        timeout=60,
    )
    assert_set_up_mistake(result, "refused the kit's token", "--jwt-secret")
    assert no_transcripts(tmp_path) and not (tmp_path / "r.json").exists()


@contextmanager
def toy_server(behaviour: Callable[[ServerConnection], Any]) -> Iterator[str]:
    """A WebSocket server of another protocol on a thread of its own; yields its URL."""
    ready = threading.Event()
    stop: dict[str, Any] = {}
    port = free_port()

    async def main() -> None:
        loop = asyncio.get_running_loop()
        stop["loop"], stop["event"] = loop, asyncio.Event()

        async def handler(ws: ServerConnection) -> None:
            with suppress(ConnectionClosed):
                await behaviour(ws)

        async with serve(handler, "127.0.0.1", port):
            ready.set()
            await stop["event"].wait()

    thread = threading.Thread(target=asyncio.run, args=(main(),), daemon=True)
    thread.start()
    assert ready.wait(10)
    try:
        yield f"ws://127.0.0.1:{port}/ws"
    finally:
        stop["loop"].call_soon_threadsafe(stop["event"].set)
        thread.join(10)


async def _echo(ws: ServerConnection) -> None:
    async for frame in ws:
        await ws.send(frame)


async def _other_protocol(ws: ServerConnection) -> None:
    async for _ in ws:
        await ws.send(json.dumps({"event": "hello", "version": 2}))


async def _silent(ws: ServerConnection) -> None:
    await asyncio.sleep(3600)


async def _closes_1008(ws: ServerConnection) -> None:
    await ws.recv()
    await ws.close(1008, "invalid token")


@pytest.mark.parametrize(
    ("behaviour", "fragments"),
    [
        (_echo, ("dashboard:connect", "instead of agent:list", "Onsembl 1.4")),
        (_other_protocol, ("not an Onsembl message",)),
        (_silent, ("does not answer dashboard:connect with agent:list",)),
        (_closes_1008, ("1008", "refused the kit's token", "--jwt-secret")),
    ],
    ids=["echo", "other-protocol", "silent", "closes-1008"],
)
def test_server_of_another_protocol(
    tmp_path: Path, behaviour: Callable[[ServerConnection], Any], fragments: tuple[str, ...]
) -> None:
    with toy_server(behaviour) as url:
        result = onsembl(
            ["check", url, "--jwt-secret", "s", "--timeout", "2"], cwd=tmp_path, timeout=60
        )
    assert_set_up_mistake(result, *fragments)
    assert no_transcripts(tmp_path)


def test_global_rate_limit_is_recognised() -> None:
    refusal = {
        "type": "connection:error",
        "code": "RATE_LIMIT",
        "retryAfter": 7,
        "limits": {
            "perMinute": {"used": 10000, "limit": 10000},
            "perHour": {"used": 1, "limit": 2},
        },
    }
    assert _global_retry_after(refusal, 10000) == 7
    assert _global_retry_after(refusal, None) == 7
    assert _global_retry_after(refusal, 300) is None  # another scope's minute window
    connection = {**refusal, "limits": {"perSecond": {"used": 10, "limit": 10}}}
    assert _global_retry_after(connection, 10000) is None
    assert _global_retry_after({"type": "agent:list", "agents": []}, 10000) is None
