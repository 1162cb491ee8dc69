"""Token providers (docs/check-client.md's ONSEMBL_TOKEN_FILE) and the asyncio layer's edges."""

from __future__ import annotations

import asyncio
from pathlib import Path

import pytest
from client_harness import SECRET, Kit, provider

from onsembl_client import (
    ClientError,
    connect,
    environment_provider,
    secret_token_provider,
    static_token,
    token_file_provider,
)
from onsembl_client.events import Closed, Connected, Disconnected, EventsDropped, TokenUnavailable
from onsembl_spec.tokens import verify


def test_the_token_file_is_read_at_every_call(tmp_path: Path) -> None:
    path = tmp_path / "token"
    path.write_text("first\n")
    read = token_file_provider(path)
    assert read() == "first"
    path.write_text("second\nignored\n")
    assert read() == "second"


def test_a_missing_or_empty_token_file_falls_back_or_fails(tmp_path: Path) -> None:
    path = tmp_path / "token"
    with pytest.raises(ClientError, match="cannot read the token file"):
        token_file_provider(path)()
    assert token_file_provider(path, fallback="from-env")() == "from-env"
    path.write_text("\n")
    with pytest.raises(ClientError, match="is empty"):
        token_file_provider(path)()


def test_the_environment_prefers_the_token_file(tmp_path: Path) -> None:
    path = tmp_path / "token"
    path.write_text("in-file")
    both = environment_provider({"ONSEMBL_TOKEN": "plain", "ONSEMBL_TOKEN_FILE": str(path)})
    assert both is not None and both() == "in-file"
    only = environment_provider({"ONSEMBL_TOKEN": " plain "})
    assert only is not None and only() == "plain"
    assert environment_provider({}) is None


def test_minted_tokens_are_fresh_and_verify() -> None:
    mint = secret_token_provider(SECRET, "alice", ttl=60)
    token = mint()
    assert isinstance(token, str) and verify(token, SECRET).sub == "alice"
    with pytest.raises(ClientError):
        static_token("  ")
    with pytest.raises(ClientError):
        secret_token_provider(SECRET, "", ttl=60)


def test_a_bad_url_or_provider_is_refused_at_once() -> None:
    with pytest.raises(ClientError, match="bad URL"):
        connect("http://example.com/ws", provider())
    with pytest.raises(ClientError, match="bad URL"):
        connect("ws://:99999/ws", provider())
    with pytest.raises(ClientError, match="callable"):
        connect("ws://127.0.0.1:1/ws", "a-token")  # type: ignore[arg-type]


@pytest.mark.asyncio
async def test_a_client_closed_before_it_started_ends_its_events() -> None:
    client = connect("ws://127.0.0.1:9/ws", provider())
    with pytest.raises(ClientError, match="start the client first"):
        client.send_nowait({"type": "heartbeat:ping"})
    assert await client.close() is None
    assert [type(e) async for e in client] == [Closed]


@pytest.mark.asyncio
async def test_a_failing_async_provider_is_an_event_and_the_client_retries(kit: Kit) -> None:
    await kit.servers.start({"reconnect": {"base_s": 0.1, "cap_s": 0.2}})
    calls = 0

    async def flaky() -> str:
        nonlocal calls
        calls += 1
        if calls == 1:
            raise OSError("vault unreachable")
        return provider()()  # type: ignore[return-value]

    _, seen = await kit.client("dashboard", tokens=flaky)
    await seen.message("agent:list")
    (failure,) = seen.of(TokenUnavailable)
    assert failure.purpose == "connect" and "vault unreachable" in failure.reason
    assert len(seen.of(Disconnected)) == 1 and len(seen.of(Connected)) == 1


@pytest.mark.asyncio
async def test_events_not_read_are_bounded_and_counted(kit: Kit) -> None:
    """The reader never waits for the application (pings are still answered, HB-5)."""
    await kit.servers.start()
    client = connect(kit.servers.url, provider(), "dashboard", max_events=3)
    async with client:
        await client.wait_identified(10)
        for n in range(10):
            await client.send({"type": "heartbeat:ping", "requestId": f"p{n}"})
        await asyncio.sleep(0.5)
    events = [e async for e in client]
    assert [type(e).__name__ for e in events[:3]] == ["Connecting", "Connected", "Identified"]
    dropped = [e for e in events if isinstance(e, EventsDropped)]
    assert len(dropped) == 1 and dropped[0].count > 0
    assert isinstance(events[-1], Closed)
