"""Helpers of the reference client's end-to-end tests: the reference server in-process
(restartable on the same port), real JWTs, and a recorder of a client's events.

Every server message a client reports is checked against the schemas on arrival
(the client validates them itself; a ``Unreadable`` event fails the test).
"""

from __future__ import annotations

import asyncio
import json
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from typing import Any

from onsembl_client import Client, connect
from onsembl_client.events import ClientEvent, Message, Unreadable
from onsembl_client.providers import TokenProvider
from onsembl_server.app import ReferenceServer, ServerConfig
from onsembl_server.seclog import MemorySecurityLog
from onsembl_spec.profile import Profile, profile_from_mapping
from onsembl_spec.tokens import mint

SECRET = "reference-client-test-secret-0123456789"
TIMEOUT = 10.0
"""Generous bound on any single wait: tests must pass on a loaded 2-core machine."""


def merged(base: dict[str, Any], override: dict[str, Any] | None) -> dict[str, Any]:
    out = json.loads(json.dumps(base))
    for key, value in (override or {}).items():
        if isinstance(value, dict) and isinstance(out.get(key), dict):
            out[key] = merged(out[key], value)
        else:
            out[key] = value
    return out


def provider(sub: str = "alice", ttl: float = 3600.0) -> TokenProvider:
    """A fresh token for ``sub`` at every call (as ``--jwt-secret`` does)."""
    return lambda: mint(SECRET, sub, ttl=ttl)


class Servers:
    """The reference server in this process; ``stop()`` then ``start()`` reuses the port."""

    def __init__(self) -> None:
        self.server: ReferenceServer | None = None
        self.port = 0
        self.profile = Profile()
        self.log = MemorySecurityLog()

    async def start(self, profile: dict[str, Any] | None = None) -> str:
        if profile is not None:
            self.profile = profile_from_mapping(profile)
        server = ReferenceServer(
            ServerConfig(
                port=self.port,
                jwt_secret=SECRET,
                profile=self.profile,
                security_log=self.log,
                close_timeout_s=2.0,
            )
        )
        await server.start()
        self.server = server
        self.port = int(server.url.rsplit(":", 1)[1].split("/")[0])
        return server.url

    async def stop(self) -> None:
        if self.server is not None:
            server, self.server = self.server, None
            await server.stop()

    @property
    def url(self) -> str:
        return f"ws://127.0.0.1:{self.port}/ws"


@dataclass
class Recorder:
    """Everything a client reports, with the loop time it was seen."""

    client: Client
    events: list[tuple[float, ClientEvent]] = field(default_factory=list)
    task: asyncio.Task[None] | None = None

    def note(self, event: ClientEvent) -> None:
        assert not isinstance(event, Unreadable), f"the client could not read: {event}"
        self.events.append((asyncio.get_running_loop().time(), event))

    async def run(self) -> None:
        async for event in self.client:
            self.note(event)

    def of(self, kind: type) -> list[Any]:
        return [event for _, event in self.events if isinstance(event, kind)]

    def messages(self, message_type: str | None = None) -> list[dict[str, Any]]:
        return [
            m.message
            for m in self.of(Message)
            if message_type is None or m.message["type"] == message_type
        ]

    async def wait_for(
        self, predicate: Callable[[ClientEvent], bool], timeout: float = TIMEOUT, start: int = 0
    ) -> ClientEvent:
        """The first event from index ``start`` on that satisfies ``predicate``."""
        deadline = asyncio.get_running_loop().time() + timeout
        while True:
            for _, event in self.events[start:]:
                if predicate(event):
                    return event
            if asyncio.get_running_loop().time() > deadline:
                shown = "\n".join(e.describe() for _, e in self.events[-30:])
                raise AssertionError(f"no such event within {timeout} s; the last ones:\n{shown}")
            await asyncio.sleep(0.01)

    async def message(
        self,
        message_type: str,
        timeout: float = TIMEOUT,
        start: int = 0,
        **fields: Any,
    ) -> dict[str, Any]:
        """The first server message of ``message_type`` with these field values."""

        def matches(event: ClientEvent) -> bool:
            if not isinstance(event, Message) or event.message["type"] != message_type:
                return False
            return all(event.message.get(k) == v for k, v in fields.items())

        found = await self.wait_for(matches, timeout, start)
        assert isinstance(found, Message)
        return found.message


@dataclass
class Kit:
    servers: Servers
    started: list[Client] = field(default_factory=list)
    tasks: list[asyncio.Task[Any]] = field(default_factory=list)

    async def client(
        self,
        role: str = "dashboard",
        *,
        tokens: TokenProvider | None = None,
        profile: dict[str, Any] | None = None,
        run: Callable[[Client, Recorder], Awaitable[None]] | None = None,
        **options: Any,
    ) -> tuple[Client, Recorder]:
        """A started client of ``role`` on the server, its events recorded (``run``: what
        consumes them instead of the recorder alone, e.g. the demo agent)."""
        client_profile = (
            profile_from_mapping(profile) if profile is not None else self.servers.profile
        )
        client = connect(
            self.servers.url, tokens or provider(), role, profile=client_profile, **options
        )
        recorder = Recorder(client)
        await client.start()
        self.started.append(client)
        work = recorder.run() if run is None else run(client, recorder)
        self.tasks.append(asyncio.ensure_future(work))
        return client, recorder
