"""Fixtures of the reference server's tests: an in-process server and protocol clients.

Every message a client of these tests receives is validated against the
schemas on arrival (MSG-8), so each end-to-end test also checks that the
server sends only valid messages.
"""

from __future__ import annotations

import asyncio
import json
import os
import sys
from collections.abc import AsyncIterator, Awaitable, Callable
from contextlib import AsyncExitStack
from typing import Any

import pytest
import pytest_asyncio
from websockets.asyncio.client import ClientConnection, connect
from websockets.exceptions import ConnectionClosed

from onsembl_server.app import ReferenceServer, ServerConfig
from onsembl_server.seclog import MemorySecurityLog
from onsembl_spec.profile import profile_from_mapping
from onsembl_spec.tokens import mint
from onsembl_spec.validation import validate
from onsembl_spec.wire import now_timestamp

HERE = os.path.dirname(__file__)
if HERE not in sys.path:  # server_process.py, shared by the attack tests
    sys.path.insert(0, HERE)

SECRET = "reference-server-test-secret-0123456789"
TIMEOUT = 10.0
"""Generous bound on any single wait: tests must pass on a loaded 2-core machine."""

BASE_PROFILE: dict[str, Any] = {
    "identify_timeout_s": 20,
    "heartbeat": {"interval_s": 30, "timeout_s": 90},
}


class Client:
    """A protocol client over a real WebSocket, checking every received message (MSG-8)."""

    def __init__(self, ws: ClientConnection) -> None:
        self.ws = ws
        self.received: list[dict[str, Any]] = []

    async def send(self, message: dict[str, Any]) -> None:
        """Send ``message``, adding a ``timestamp`` when it has none."""
        if "timestamp" not in message:
            message = {**message, "timestamp": now_timestamp()}
        await self.ws.send(json.dumps(message))

    async def send_text(self, text: str | bytes) -> None:
        await self.ws.send(text)

    async def recv(self, timeout: float = TIMEOUT) -> dict[str, Any]:
        """The next message; fails on an invalid one (MSG-8) or a binary frame (TRANS-3)."""
        data = await asyncio.wait_for(self.ws.recv(), timeout)
        assert isinstance(data, str), "the server sent a binary frame (TRANS-3)"
        message = json.loads(data)
        assert isinstance(message, dict), data
        issues = validate(message)
        assert issues == [], f"server sent an invalid message (MSG-8): {data} {issues}"
        self.received.append(message)
        return message

    async def recv_type(self, message_type: str, timeout: float = TIMEOUT) -> dict[str, Any]:
        """The next message, which must be of ``message_type`` (server pings skipped)."""
        while True:
            message = await self.recv(timeout)
            if message["type"] == "heartbeat:ping" and message_type != "heartbeat:ping":
                continue
            assert message["type"] == message_type, message
            return message

    async def roundtrip(self) -> None:
        """Ping and wait for the pong: everything sent before has been handled."""
        await self.send({"type": "heartbeat:ping", "requestId": "sync"})
        while True:
            message = await self.recv()
            if message["type"] == "heartbeat:pong":
                return
            raise AssertionError(f"unexpected message before pong: {message}")

    async def quiet(self, seconds: float = 0.3) -> None:
        """Assert that nothing but server pings arrives within ``seconds``."""
        try:
            while True:
                message = await self.recv(timeout=seconds)
                assert message["type"] == "heartbeat:ping", f"unexpected message {message}"
        except TimeoutError:
            return

    async def closed(self, timeout: float = TIMEOUT) -> tuple[int | None, str]:
        """Wait for the close; return the server's close code and reason (CLOSE-6)."""

        async def drain() -> None:
            try:
                while True:
                    data = await self.ws.recv()
                    if isinstance(data, str):
                        message = json.loads(data)
                        assert validate(message) == [], data
                        self.received.append(message)
            except ConnectionClosed:
                return

        await asyncio.wait_for(drain(), timeout)
        received = self.ws.protocol.close_rcvd
        return (received.code, received.reason) if received else (None, "")

    async def close(self) -> None:
        await self.ws.close()


class Harness:
    """Starts servers and opens clients; everything is closed at the end of the test."""

    def __init__(self, stack: AsyncExitStack) -> None:
        self.stack = stack
        self.server: ReferenceServer | None = None
        self.log = MemorySecurityLog()

    async def start(self, profile: dict[str, Any] | None = None, **config: Any) -> ReferenceServer:
        merged = json.loads(json.dumps(BASE_PROFILE))
        for key, value in (profile or {}).items():
            if isinstance(value, dict) and isinstance(merged.get(key), dict):
                merged[key].update(value)
            else:
                merged[key] = value
        server = ReferenceServer(
            ServerConfig(
                port=0,
                jwt_secret=SECRET,
                profile=profile_from_mapping(merged),
                security_log=self.log,
                **config,
            )
        )
        await server.start()
        self.stack.push_async_callback(server.stop)
        self.server = server
        return server

    @property
    def url(self) -> str:
        assert self.server is not None, "start() the server first"
        return self.server.url

    def token(self, sub: str = "alice", ttl: float = 3600.0, **extra: Any) -> str:
        return mint(SECRET, sub, ttl=ttl, extra=extra or None)

    async def raw(
        self,
        *,
        token: str | None = None,
        via: str = "query",
        path: str | None = None,
        headers: dict[str, str] | None = None,
        **options: Any,
    ) -> Client:
        """A connected but unidentified client; ``via`` is query, header or cookie (AUTH-1)."""
        url = self.url if path is None else self.url.rsplit("/", 1)[0] + path
        extra = dict(headers or {})
        if token is not None:
            if via == "query":
                url += f"?token={token}"
            elif via == "header":
                extra["Authorization"] = f"Bearer {token}"
            elif via == "cookie":
                extra["Cookie"] = f"token={token}"
        ws = await connect(
            url,
            additional_headers=extra,
            compression=None,
            ping_interval=None,
            open_timeout=TIMEOUT,
            close_timeout=TIMEOUT,
            **options,
        )
        self.stack.push_async_callback(ws.close)
        return Client(ws)

    async def client(self, sub: str = "alice", **kwargs: Any) -> Client:
        return await self.raw(token=self.token(sub), **kwargs)

    async def dashboard(self, sub: str = "alice", dashboard_id: str = "dash-1") -> Client:
        """An identified dashboard (its ``agent:list`` consumed)."""
        client = await self.client(sub)
        await client.send({"type": "dashboard:connect", "dashboardId": dashboard_id})
        await client.recv_type("agent:list")
        return client

    async def agent(
        self,
        sub: str = "alice",
        agent_id: str = "agent-1",
        agent_type: str = "claude",
        *,
        sync: bool = True,
    ) -> Client:
        """An identified agent, registered by the time this returns (HB-1 roundtrip)."""
        client = await self.client(sub)
        await client.send({"type": "agent:connect", "agentId": agent_id, "agentType": agent_type})
        if sync:
            await client.roundtrip()
        return client


@pytest_asyncio.fixture
async def harness() -> AsyncIterator[Harness]:
    async with AsyncExitStack() as stack:
        yield Harness(stack)


@pytest_asyncio.fixture
async def server(harness: Harness) -> AsyncIterator[Harness]:
    """A harness with a running server of the base profile."""
    await harness.start()
    yield harness


async def eventually(
    condition: Callable[[], bool | Awaitable[bool]], timeout: float = TIMEOUT
) -> None:
    """Wait, polling, until ``condition`` holds (for server-side state only)."""
    deadline = asyncio.get_running_loop().time() + timeout
    while True:
        result = condition()
        if not isinstance(result, bool):
            result = await result
        if result:
            return
        if asyncio.get_running_loop().time() > deadline:
            raise AssertionError("condition not met in time")
        await asyncio.sleep(0.01)


@pytest.fixture
def wait_until() -> Callable[..., Awaitable[None]]:
    """:func:`eventually`, for tests (conftest modules are not importable)."""
    return eventually
