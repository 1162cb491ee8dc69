"""``--listen HOST:PORT``: a client started by hand (or a dashboard in a browser).

The kit listens on one address for the whole run and prints what to point the client at:
the URL, the role, a token, the token file (replaced as the kit issues new tokens; each
new token is printed too) and the profile (``profile.json``, also printed). It runs the
checks one after another on whatever connects:

- A connection that arrives when no check runs, or that outlives a check, waits in the
  lobby (pings answered, ``agent:list`` sent, as the scripted server always does).
- Each check starts with a fresh connection: once the lobby's connection has stayed open
  ``reconnect.reset_after_s`` (so that the client's backoff starts again from d(0),
  CLIENT-9), the kit closes it with 1001 and the client's reconnection is the check's.
  A check that restarts the client between hypothesis examples does the same.
- Checks that need a profile of their own (tag ``own-client``) are skipped: the kit cannot
  restart a client it did not start.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import tempfile
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING

from onsembl_conformance.clientcheck.scripted import Peer, ScriptedServer, TokenBook
from onsembl_conformance.errors import SuiteError
from onsembl_conformance.registry import CheckSpec

if TYPE_CHECKING:
    from onsembl_conformance.clientcheck.context import ClientCheckContext, ClientConfig


class ListenTarget:
    """The run's server for a client started by hand."""

    def __init__(
        self,
        config: ClientConfig,
        host: str,
        port: int,
        *,
        wait: float = 300.0,
        out: Callable[[str], object] | None = None,
    ) -> None:
        self.config = config
        self.host = host
        self.port = port
        self.wait = wait
        self.role = config.roles[0]
        self._dir = tempfile.TemporaryDirectory(prefix="onsembl-check-client-listen-")
        self.directory = Path(self._dir.name)
        self.tokens = TokenBook("owner-listen", self.directory, secret=config.secret or None)
        self.tokens.on_issue = self._issued
        self.lobby = self._context("lobby")
        self.lobby.tokens = self.tokens
        self.server = ScriptedServer(self.lobby, host=host, port=port)
        self.current: ClientCheckContext | None = None
        self.seen_client = False
        self._print: Callable[[str], object] = print if out is None else out

    def _context(self, name: str) -> ClientCheckContext:
        from onsembl_conformance.clientcheck.context import ClientCheckContext

        async def lobby(ctx: ClientCheckContext) -> None:  # pragma: no cover - not run
            return None

        spec = CheckSpec(
            name, ("CLIENT-2",), frozenset(), lobby, "", subject="client",
            roles=(self.role,), role=self.role,
        )  # fmt: skip
        return ClientCheckContext(self.config, spec)

    def _issued(self, token: str, ttl: float) -> None:
        if self.current is not None:
            self.current._remember(token, ttl)
        if self.seen_client:
            self._print(f"[check-client] new token (also in {self.tokens.path}): {token}")

    async def open(self) -> None:
        """Listen and print what to point the client at."""
        try:
            url = await self.server.start()
        except OSError as err:
            raise SuiteError(
                f"cannot listen on {self.host}:{self.port}: {err.strerror or err}"
            ) from None
        profile_path = self.directory / "profile.json"
        profile = json.dumps(self.config.profile.as_dict(), separators=(",", ":"), sort_keys=True)
        profile_path.write_text(profile + "\n", encoding="utf-8")
        token = self.tokens.issue(3600.0)
        self.tokens.write(token)
        self._print(
            "\n".join(
                [
                    f"[check-client] listening on {url}: start the {self.role} under test now",
                    f"  ONSEMBL_URL={url}",
                    f"  ONSEMBL_ROLE={self.role}",
                    f"  ONSEMBL_TOKEN={token}",
                    f"  ONSEMBL_TOKEN_FILE={self.tokens.path}"
                    "  (replaced as the kit issues tokens; each is printed too)",
                    f"  ONSEMBL_PROFILE=$(cat {profile_path})",
                    f"  profile: {profile}",
                    f"  waiting up to {self.wait:g}s for it to connect",
                ]
            )
        )

    async def begin(self, ctx: ClientCheckContext, token: str) -> None:
        """Give ``ctx`` a fresh connection of the client (see the module's docstring)."""
        del token  # already in the token file
        self.current = ctx
        server = self.server
        server.ctx = ctx
        live = [p for p in server.peers if p.open]
        if live:
            peer = live[-1]
            rest = ctx.profile.reconnect_reset_after_s - (ctx.now() - peer.opened_at)
            if rest > 0:
                await asyncio.sleep(rest + 0.1)
            ctx.first_attempt = self._attempt_of(peer)
            for other in live:
                await other.close(1001, "next check")
        else:
            ctx.first_attempt = len(server.attempts)
        server.drain()
        if not self.seen_client:
            first = await server.next_peer(self.wait)
            if first is None:
                raise SuiteError(f"no client connected within {self.wait:g}s (--listen)")
            self.seen_client = True
            server._new.put_nowait(first)  # the check takes it
        ctx.transcript.note(f"listening on {server.url}: the client started by hand")

    def _attempt_of(self, peer: Peer) -> int:
        for index, attempt in enumerate(self.server.attempts):
            if attempt.peer is peer:
                return index
        return len(self.server.attempts)

    async def release(self, ctx: ClientCheckContext) -> None:
        """The check ended: its connections wait in the lobby."""
        if self.current is ctx:
            self.current = None
            self.server.ctx = self.lobby
            self.tokens.rotate_on_refusal = True
        for peer in self.server.peers:
            peer.auto_pong = peer.auto_list = peer.auto_refresh = peer.enforce_expiry = True

    async def close(self) -> None:
        with contextlib.suppress(Exception):
            await self.server.stop()
        self._dir.cleanup()

