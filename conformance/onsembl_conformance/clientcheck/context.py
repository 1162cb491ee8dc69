"""What a client check gets: its role, its profile, a scripted server, the client under test.

A check starts the client (:meth:`ClientCheckContext.start`), takes its connections one by
one (:meth:`ClientCheckContext.connection`, :meth:`ClientCheckContext.identified`) and
scripts the server's side of each (:class:`~onsembl_conformance.clientcheck.scripted.Peer`).
The rules that hold on every connection are enforced by the peers as violations (see
:mod:`~onsembl_conformance.clientcheck.scripted`); a check raises
:class:`~onsembl_conformance.errors.CheckFailure` for what it verifies itself.

Identifiers come from a generator seeded by the run's seed and the check's name, so a
re-run with the same seed (``--seed``, ``onsembl replay``) sends the same messages.
"""

from __future__ import annotations

import asyncio
import random
import tempfile
import time
import zlib
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from onsembl_conformance.clientcheck.launcher import ClientProcess, OutputLog
from onsembl_conformance.clientcheck.scripted import (
    SLACK_S,
    Arrival,
    Attempt,
    Peer,
    ScriptedServer,
    TokenBook,
    profile_json,
)
from onsembl_conformance.context import SuiteConfig
from onsembl_conformance.errors import CheckFailure, CheckInconclusive, CheckSkipped
from onsembl_conformance.recipes import TokenRecipe
from onsembl_conformance.registry import CheckSpec
from onsembl_conformance.transcript import Transcript
from onsembl_spec.profile import Profile, profile_from_mapping

if TYPE_CHECKING:
    from onsembl_conformance.clientcheck.listen import ListenTarget

CLIENT_PROFILE: dict[str, Any] = {
    "max_message_bytes": 65536,
    "identify_timeout_s": 2,
    "heartbeat": {"interval_s": 1.5, "timeout_s": 4},
    "reconnect": {"base_s": 0.25, "factor": 2, "cap_s": 2, "reset_after_s": 3},
    "send_buffer": {"messages": 50, "bytes": 262144},
}
"""The profile the kit hands a client it checks (``ONSEMBL_PROFILE``): timings short
enough that the default run takes under 3 minutes, the same keys as PROF-1."""

CONNECT_WAIT_S = 15.0
"""Longest the kit waits for a client it just started to connect (process start-up)."""

DEFAULT_TTL_S = 3600.0
"""Lifetime of the tokens a check hands out unless it asks for others."""


@dataclass
class ClientConfig(SuiteConfig):
    """How ``onsembl check-client`` reaches the client under test."""

    command: str | None = None
    """``--command`` (or the bundled client's): started through ``sh -c`` per check."""
    commands: dict[str, str] = field(default_factory=dict)
    """Per role, when the roles have different commands (the bundled client)."""
    listen: ListenTarget | None = None
    """``--listen``: the client is started by hand and connects to this server."""
    roles: tuple[str, ...] = ("agent", "dashboard")

    def command_for(self, role: str) -> str | None:
        return self.commands.get(role, self.command)


class ClientCheckContext:
    """One client check run's view of the world."""

    def __init__(self, config: ClientConfig, spec: CheckSpec) -> None:
        assert spec.role is not None, "a client check runs for one role"
        self.config = config
        self.spec = spec
        self.role: str = spec.role
        self.check_name = spec.name
        self.seed = config.seed
        self.rng = random.Random(config.seed ^ zlib.crc32(spec.name.encode()))
        self.transcript = Transcript(spec.name, config.seed)
        self.violations: list[CheckFailure] = []
        self.failing_example_events: list[dict[str, Any]] = []
        self.sent_messages = 0
        self.profile: Profile = config.profile
        self.arrivals: list[Arrival] = []
        self.output = OutputLog(self.transcript)
        self.agent_id: str | None = None
        self.server: ScriptedServer | None = None
        self.process: ClientProcess | None = None
        self._workdir = tempfile.TemporaryDirectory(prefix="onsembl-check-client-")
        owner = f"owner-{self.rng.getrandbits(32):08x}"
        if config.listen is not None:  # one token file for the run, which the user knows
            self.tokens = config.listen.tokens
        else:
            self.tokens = TokenBook(owner, Path(self._workdir.name), secret=config.secret or None)
            self.tokens.on_issue = self._remember
        self._numbers = 0
        self._counter = 0
        self.first_attempt = 0
        """Index in the server's attempts of this client process's first connection."""
        self.fresh_token: str | None = None
        """The token the kit last handed the client to start or reconnect with (``start``,
        ``short_token``): presented already expired on its first handshake, it expired while
        the client started or the kit waited, not through the client's fault."""
        self.inconclusive: CheckInconclusive | None = None
        self.executed: dict[str, float] = {}
        """When the kit sent each ``command:execute`` (by ``commandId``, loop time)."""

    # -- identities ------------------------------------------------------------

    def ident(self, prefix: str) -> str:
        """A fresh identifier (command, request) for this check."""
        self._counter += 1
        return f"{prefix}-{self.rng.getrandbits(32):08x}-{self._counter}"

    def next_number(self) -> int:
        self._numbers += 1
        return self._numbers

    def _remember(self, token: str, ttl: float) -> None:
        self.transcript.remember_token(token, TokenRecipe(self.tokens.owner, ttl=ttl))

    # -- what the peers report ---------------------------------------------------

    def violation(self, failure: CheckFailure) -> None:
        self.transcript.note(f"violation of {failure.requirement_id}: {failure.actual}")
        if len(self.violations) < 20:
            self.violations.append(failure)

    def raise_violation(self) -> None:
        if self.violations:
            raise self.violations[0]
        if self.inconclusive is not None:
            raise self.inconclusive

    def global_quota_spent(self) -> str | None:
        """Client checks share no quota with other clients."""
        return None

    def arrived(self, arrival: Arrival) -> None:
        if len(self.arrivals) < 100_000:
            self.arrivals.append(arrival)

    def agent_identified(self, peer: Peer, agent_id: str) -> None:
        """CLIENT-3: one ``agentId`` on every connection."""
        if self.agent_id is None:
            self.agent_id = agent_id
        elif agent_id != self.agent_id:
            peer.violation(
                "CLIENT-3",
                f"agent:connect with agentId {self.agent_id!r} as on the first connection",
                f"agentId {agent_id!r}",
            )

    def judge_token(self, peer: Peer) -> str | None:
        """CLIENT-1, CLIENT-10 at the handshake; the reason to refuse it, or ``None``."""
        token = peer.token
        book = self.tokens
        if token is None:
            peer.violation("CLIENT-1", "a token at the handshake (AUTH-1)", "no token")
            return "no token"
        if token in book.refused:
            peer.violation(
                "CLIENT-10",
                "no connection with a token refused by a close with 1008",
                "a handshake with the refused token",
            )
            return "token refused before"
        issued = book.issued.get(token)
        if issued is None:
            peer.violation("CLIENT-1", "the token the kit issued", "a token the kit never issued")
            return "unknown token"
        if issued.exp <= time.time():
            ago = time.time() - issued.exp
            if token == self.fresh_token and issued.serial > book.latest_presented:
                self.transcript.note(f"the token handed to the client expired {ago:.1f}s ago")
                self.inconclusive = CheckInconclusive(
                    f"#{peer.number}: the token the kit handed the client expired {ago:.1f}s "
                    "before its first handshake with it (a slow start, not CLIENT-1)"
                )
                return "expired token"
            peer.violation("CLIENT-1", "its current token", f"a token that expired {ago:.1f}s ago")
            return "expired token"
        if issued.serial < book.latest_presented:
            peer.violation(
                "CLIENT-1",
                "its current token",
                "an older token than one it presented before",
            )
        book.presented(token)
        peer.exp = issued.exp
        return None

    def refused(self, token: str) -> None:
        """The kit closed a connection of ``token`` with 1008 (CLIENT-10)."""
        self.tokens.refused.add(token)
        if self.tokens.rotate_on_refusal and self.tokens.current == token:
            self.tokens.rotate(DEFAULT_TTL_S)
            self.transcript.note("token refused: a new one is in the token file")

    # -- the client --------------------------------------------------------------

    @property
    def listening(self) -> bool:
        return self.config.listen is not None

    def needs_own_client(self) -> None:
        """Skip a check that needs a client the kit starts with a profile of its own."""
        if self.listening:
            raise CheckSkipped("needs a client the kit starts itself (--command)")

    async def start(self, *, profile: dict[str, Any] | None = None) -> None:
        """Start the scripted server and the client, with a first token of
        :data:`DEFAULT_TTL_S` and ``profile`` merged into the run's client profile
        (``ONSEMBL_PROFILE``). A check that wants a short-lived token asks for it once the
        client is connected (:meth:`short_token`): the client's start-up never eats it."""
        if profile:
            self.needs_own_client()
            merged = _merge(self.config.profile.as_dict(), profile)
            self.profile = profile_from_mapping(merged, source=f"{self.check_name}")
        token = self.tokens.issue(DEFAULT_TTL_S)
        self.tokens.write(token)
        self.fresh_token = token
        if self.config.listen is not None:
            await self.config.listen.begin(self, token)
            return
        self.server = ScriptedServer(self)
        await self.server.start()
        await self.launch()

    async def short_token(self, peer: Peer, ttl: float) -> Peer:
        """Write a token of lifetime ``ttl`` into the token file, close ``peer`` with 1001
        and return the client's reconnection (CLIENT-8), identified, which presents it: the
        token is minted about d(0) before that handshake, however long the client took to
        start (or, with ``--listen``, the kit waited to hand the check a connection)."""
        from onsembl_conformance.clientcheck.checks._support import reconnection

        token = self.tokens.issue(ttl)
        self.tokens.write(token)
        self.fresh_token = token
        self.transcript.note(f"a {ttl:g}s token in the token file; closing 1001 to use it")
        await peer.close(1001, "new token")
        found = await reconnection(self, what="a reconnection after 1001")
        return await self.identified_peer(found)

    def environment(self, token: str) -> dict[str, str]:
        """``docs/check-client.md``: what the client learns from its environment."""
        assert self.server is not None
        return {
            "ONSEMBL_URL": self.server.url,
            "ONSEMBL_ROLE": self.role,
            "ONSEMBL_TOKEN": token,
            "ONSEMBL_TOKEN_FILE": str(self.tokens.path),
            "ONSEMBL_PROFILE": profile_json(self.profile.as_dict()),
            "ONSEMBL_SCENARIO": self.check_name,
        }

    async def launch(self) -> None:
        """Start (again) the command under test with the token file's token."""
        command = self.config.command_for(self.role)
        if command is None:
            raise CheckSkipped("no command to start the client with")
        self.first_attempt = len(self.scripted.attempts)
        self.agent_id = None  # CLIENT-3 holds for one process's connections
        self.fresh_token = self.tokens.current
        self.process = ClientProcess(command, self.environment(self.fresh_token), self.output)
        await self.process.start()

    async def stop_client(self) -> None:
        if self.process is not None:
            await self.process.stop()
            self.process = None

    async def restart(self) -> None:
        """A fresh client (hypothesis examples after one failed): stop it and its
        connections, start it again. With ``--listen``: close its connection and take the
        next one (:meth:`ListenTarget.begin`)."""
        if self.config.listen is not None:
            await self.config.listen.begin(self, self.tokens.current)
            return
        await self.stop_client()
        assert self.server is not None
        for peer in self.server.peers:
            if peer.open:
                peer.drop()
        self.server.drain()
        await self.launch()

    def client_state(self) -> str:
        """How the client process is doing, for a failure's Actual line."""
        if self.process is None:
            return ""
        code = self.process.returncode
        if code is None:
            return ""
        last = next((line for line in reversed(self.output.tail) if line.strip()), "")
        return f"; the client exited with status {code}" + (f" ({last[:160]})" if last else "")

    @property
    def scripted(self) -> ScriptedServer:
        """The scripted server the client connects to (``--listen``: the run's)."""
        if self.config.listen is not None:
            return self.config.listen.server
        assert self.server is not None, "start() first"
        return self.server

    async def connection(
        self,
        within: float = CONNECT_WAIT_S,
        *,
        requirement: str = "CLIENT-8",
        what: str = "a connection",
    ) -> Peer:
        """The client's next connection within ``within`` seconds, else a failure of
        ``requirement``. CLIENT-8 requires only a reconnection after the kit ended the last
        connection with 1001, 1011 or a drop (1006): no connection otherwise (the client
        started, or was started again, and never connected) is inconclusive: a slow start
        or a crash at start-up breaks no requirement the kit checks."""
        peer = await self.scripted.next_peer(within)
        if peer is None:
            self.raise_violation()
            if requirement == "CLIENT-8" and not self.reconnection_required():
                raise CheckInconclusive(
                    f"{what}: none within {within:g}s{self.client_state()}, and none was "
                    "required (CLIENT-8 asks for one only after the kit closed with 1001, "
                    "1011 or dropped the connection; a client slow to start or crashing at "
                    "start-up is no breach)"
                )
            raise CheckFailure(
                requirement, f"{what} within {within:g}s", f"none{self.client_state()}"
            )
        return peer

    def reconnection_required(self) -> bool:
        """Whether CLIENT-8 requires the client's next connection: this process's last
        connection (before any attempts the kit refused with HTTP 503) was ended by the kit
        with 1001, 1011 or a drop (1006)."""
        from onsembl_conformance.clientcheck.checks._support import REQUIRED_RECONNECT

        for attempt in reversed(self.attempts()):
            if attempt.peer is not None:
                last = attempt.peer
                return last.end in ("kit", "dropped") and last.close_code in REQUIRED_RECONNECT
        return False

    async def identified(
        self, within: float = CONNECT_WAIT_S, *, requirement: str = "CLIENT-8"
    ) -> Peer:
        """The next connection, once it identified (CLIENT-2's deadline, +1 s slack)."""
        peer = await self.connection(within, requirement=requirement)
        return await self.identified_peer(peer)

    async def identified_peer(self, peer: Peer) -> Peer:
        """``peer`` once it identified; a failure of CLIENT-2 when it did not in time."""
        limit = self.profile.identify_timeout_s + SLACK_S
        deadline = asyncio.get_running_loop().time() + limit
        while peer.hello is None and peer.open and asyncio.get_running_loop().time() < deadline:
            await asyncio.sleep(0.02)
        if peer.hello is None:
            self.raise_violation()
            raise CheckFailure(
                "CLIENT-2",
                f"identification within identify_timeout_s ({self.profile.identify_timeout_s:g}s)",
                f"#{peer.number}: none ({'open' if peer.open else 'connection ended'})"
                f"{self.client_state()}",
            )
        return peer

    def attempts(self) -> list[Attempt]:
        """The handshakes of the client process now running (``--listen``: of the run)."""
        return list(self.scripted.attempts[self.first_attempt :])

    async def until(self, condition: Callable[[], bool], within: float) -> bool:
        """Poll ``condition`` until it holds or ``within`` seconds pass."""
        loop = asyncio.get_running_loop()
        deadline = loop.time() + within
        while not condition():
            if loop.time() >= deadline:
                return False
            await asyncio.sleep(0.02)
        return True

    def now(self) -> float:
        return asyncio.get_running_loop().time()

    async def cleanup(self) -> None:
        """Stop the client and the scripted server (``--listen``: keep the client's
        connection for the next check)."""
        try:
            if self.config.listen is not None:
                await self.config.listen.release(self)
            else:
                await self.stop_client()
                if self.server is not None:
                    await self.server.stop()
        finally:
            for found in self.violations:
                found.__traceback__ = None
            self._workdir.cleanup()


def _merge(base: dict[str, Any], override: dict[str, Any]) -> dict[str, Any]:
    out = dict(base)
    for key, value in override.items():
        if isinstance(value, dict) and isinstance(out.get(key), dict):
            out[key] = _merge(out[key], value)
        else:
            out[key] = value
    return out
