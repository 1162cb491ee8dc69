"""What a check gets: the server under test, its profile, token minting and connections.

Identifiers and owners are drawn from a random generator seeded by the run's
seed and the check's name, so a re-run with the same seed (``--seed``,
``onsembl replay``) sends the same messages.
"""

from __future__ import annotations

import asyncio
import gc
import random
import socket
import time
import zlib
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import urlencode, urlsplit, urlunsplit

from websockets.asyncio.client import connect as ws_connect
from websockets.exceptions import InvalidHandshake, InvalidStatus

from onsembl_conformance.budget import Budget
from onsembl_conformance.client import (
    RECEIVE_QUEUE,
    Connection,
    Message,
    describe,
    frame_bound,
)
from onsembl_conformance.connection import ConnectionSettings, ReplayHint
from onsembl_conformance.credentials import SecretIssuer, TokenIssuer
from onsembl_conformance.errors import CheckFailure, CheckInconclusive, CheckSkipped
from onsembl_conformance.recipes import TokenRecipe
from onsembl_conformance.transcript import Transcript
from onsembl_spec.profile import Profile, profile_from_mapping
from onsembl_spec.wire import now_timestamp

POOL_MIN_TTL_S = 300.0
"""Shortest lifetime :meth:`CheckContext.prefetch` pools: a token issued a little earlier
than used must not change what a check times (the refresh checks' tokens live seconds)."""

SETUP_WAIT_S = 70.0
"""Longest a check's set-up waits for the server's global quota, spent by other clients, to
free (issue 9): a per-minute window and its margin."""


async def _socket_with_receive_buffer(host: str | None, port: int, size: int) -> socket.socket:
    """A TCP socket connected to ``host:port`` whose receive buffer is fixed at ``size`` bytes."""
    loop = asyncio.get_running_loop()
    infos = await loop.getaddrinfo(host, port, type=socket.SOCK_STREAM)
    family, kind, proto, _, address = infos[0]
    sock = socket.socket(family, kind, proto)
    try:
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, size)
        sock.setblocking(False)
        await loop.sock_connect(sock, address)
    except BaseException:
        sock.close()
        raise
    return sock


@dataclass
class SuiteConfig:
    """How the suite reaches the server under test and what it expects of it."""

    url: str
    secret: str
    profile: Profile
    timeout: float = 5.0
    seed: int = 0
    deep: bool = False
    strict: bool = False
    quick: bool = False
    server_command: list[str] | None = None
    """Command that starts a server like the bundled one (private servers; CLOSE-2)."""
    transcripts_dir: Path | None = None
    max_examples: int = 50
    """Hypothesis examples per property check."""
    extra: dict[str, Any] = field(default_factory=dict)
    budget: Budget | None = None
    """The run's rate budget against the server (issue 9): shared by every check of the run,
    so the suite's own traffic stays within the profile's global limits (RATE-1); made from
    ``profile`` when not given. ``budget.sent`` is the number of messages the run sent."""
    connection: ConnectionSettings = field(default_factory=ConnectionSettings)
    """TLS trust, extra headers and Origin of every connection (issue 10: ``--ca-file``,
    ``--insecure``, ``--header``, ``--origin``)."""
    replay: ReplayHint | None = None
    """The replay command printed under a saved failure in URL mode (``None``: bundled)."""
    issuer: TokenIssuer | None = None
    """How the kit makes its tokens (issue 10): ``--jwt-secret``, ``--jwt-key`` or
    ``--token-command``; an HS256 issuer of ``secret`` when not given."""
    server_auth: list[str] | None = None
    """Bundled mode: the token arguments the suite's servers start with (``--jwt-secret=S``,
    or ``--jwt-public-key FILE --jwt-alg ALG`` for ``--jwt-key``); private servers too."""

    def __post_init__(self) -> None:
        if self.budget is None:
            self.budget = Budget(self.profile)

    @property
    def token_issuer(self) -> TokenIssuer:
        """:attr:`issuer`; an HS256 one of :attr:`secret` when none was given."""
        if self.issuer is None:
            self.issuer = SecretIssuer(self.secret)
        return self.issuer

    @property
    def run_budget(self) -> Budget:
        """:attr:`budget`, never ``None``."""
        assert self.budget is not None
        return self.budget


def message(message_type: str, **fields: Any) -> Message:
    """A message of ``message_type`` with ``fields`` and a fresh ``timestamp``."""
    return {"type": message_type, **fields, "timestamp": now_timestamp()}


class CheckContext:
    """One check run's view of the world."""

    def __init__(self, config: SuiteConfig, check_name: str) -> None:
        self.config = config
        self.profile = config.profile
        self.timeout = config.timeout
        self.check_name = check_name
        self.seed = config.seed
        self.rng = random.Random(config.seed ^ zlib.crc32(check_name.encode()))
        self.transcript = Transcript(check_name, config.seed)
        self.violations: list[CheckFailure] = []
        self.inconclusive: CheckInconclusive | None = None
        """Set when a connection could not keep what the server sent (issue 9, part 3): the
        check then ends in an error, not a verdict, unless a violation was seen."""
        self.failing_example_events: list[dict[str, Any]] = []
        """Transcript events of the last property example that failed (``hypo.Bridge``)."""
        self.closing: set[int] = set()
        self.connections: list[Connection] = []
        self.sent_messages = 0
        """Messages this check sent that the server counts (issue 9: wrappers' inner ones)."""
        self._budgets: dict[str, Budget] = {}
        self._expiry: dict[str, float | None] = {}
        self._pool: list[tuple[TokenRecipe, str]] = []
        self._conn_expiry: dict[int, float | None] = {}
        """Rate budgets of other servers than the one under test (private servers)."""
        self._counter = 0

    # -- identities ----------------------------------------------------------

    def ident(self, prefix: str) -> str:
        """A fresh identifier (agent, dashboard, owner) for this check."""
        self._counter += 1
        return f"{prefix}-{self.check_name[:40]}-{self.rng.getrandbits(32):08x}-{self._counter}"

    def owner(self) -> str:
        return self.ident("owner")

    async def issue(self, recipe: TokenRecipe) -> str:
        """The token of ``recipe`` from the run's issuer (issue 10); the transcript stores the
        recipe wherever the token appears, whoever made it (a token command's too).

        :class:`~onsembl_conformance.errors.TokenUnavailable` (the check is skipped, saying
        why) when the issuer cannot make that kind;
        :class:`~onsembl_conformance.errors.TokenCommandError` when ``--token-command`` fails
        (the check ends in an error).
        """
        pooled = self._from_pool(recipe)
        if pooled is not None:
            return pooled
        issued = await self.config.token_issuer.issue(recipe)
        self.transcript.remember_token(issued.text, recipe)
        self._expiry[issued.text] = issued.exp
        return issued.text

    async def prefetch(self, recipes: list[TokenRecipe]) -> None:
        """Issue the tokens of ``recipes`` now, together, for :meth:`issue` to hand out later
        (issue 10): a check that must open many connections quickly (one of them not
        answering pings meanwhile) does not wait for a slow ``--token-command`` between
        them. Only long-lived ``valid`` recipes are pooled (:data:`POOL_MIN_TTL_S`)."""
        wanted = [r for r in recipes if r.kind == "valid" and r.ttl >= POOL_MIN_TTL_S]
        tokens = await asyncio.gather(*(self.issue(r) for r in wanted))
        self._pool.extend(zip(wanted, tokens, strict=True))

    def _from_pool(self, recipe: TokenRecipe) -> str | None:
        """A prefetched token of an equal recipe that still lives about as long as asked."""
        for index, (pooled, token) in enumerate(self._pool):
            exp = self._expiry.get(token)
            if pooled == recipe and (exp is None or exp - time.time() >= recipe.ttl - 60):
                del self._pool[index]
                return token
        return None

    def expiry(self, token: str) -> float | None:
        """The ``exp`` of a token :meth:`issue` made (``None``: none or not a JWT). A token
        command's tokens expire when it says, maybe a second off what was asked: checks
        that time expiry use this, not the recipe's lifetime."""
        return self._expiry.get(token)

    def expires(self, conn: Connection) -> float | None:
        """The ``exp`` of the token ``conn`` was opened with (see :meth:`expiry`)."""
        return self._conn_expiry.get(conn.number)

    # -- invariants ----------------------------------------------------------

    def violation(self, failure: CheckFailure) -> None:
        self.transcript.note(f"violation of {failure.requirement_id}: {failure.actual}")
        self.violations.append(failure)

    def raise_violation(self) -> None:
        if self.violations:
            raise self.violations[0]
        if self.inconclusive is not None:
            raise self.inconclusive

    def closing_myself(self, conn: Connection) -> bool:
        return conn.number in self.closing

    def count_sent(self, n: int) -> None:
        self.sent_messages += n

    # -- connections ---------------------------------------------------------

    async def connect(
        self,
        recipe: TokenRecipe | None = None,
        *,
        via: str = "header",
        origin: str | None = None,
        path: str | None = None,
        headers: dict[str, str] | None = None,
        query: dict[str, str] | None = None,
        auto_pong: bool = True,
        requirement: str = "TRANS-1",
        url: str | None = None,
        receive_buffer: int | None = None,
        paced: bool = True,
    ) -> Connection:
        """Open a connection with the token of ``recipe`` taken from ``via``.

        ``via`` is ``header`` (``Authorization: Bearer``), ``query`` (``token``
        parameter) or ``cookie`` (``token`` cookie) (AUTH-1). A refused
        handshake fails ``requirement``. ``receive_buffer`` fixes the socket's
        receive buffer (``SO_RCVBUF``, set before connecting, so the kernel
        does not grow it): a client that stops reading then holds little
        of what the server sends (CLOSE-7). ``paced=False`` opens a connection
        whose sends are counted but never held (issue 9: checks that exceed
        rate limits on purpose). A paced connection opens only once the run's
        budget has room in the server's global windows (:meth:`room_to_open`).

        Every connection carries the run's connection settings (issue 10): ``--header``s,
        ``Origin`` (``origin`` when given, none for ``NO_ORIGIN``, else ``--origin``) and,
        for ``wss://``, the run's TLS trust (also over the ``receive_buffer`` socket).
        """
        if paced:
            await self.room_to_open(url)
        base = urlsplit(url or self.config.url)
        extra: list[tuple[str, str]] = list((headers or {}).items())
        params = dict(query or {})
        detail = f"via={via}"
        token = None
        if recipe is not None:
            token = await self.issue(recipe)
            detail += f" token={recipe.kind}(sub={recipe.sub}, ttl={recipe.ttl:g})"
            if via == "header":
                extra.append(("Authorization", f"Bearer {token}"))
            elif via == "query":
                params["token"] = token
            elif via == "cookie":
                extra.append(("Cookie", f"token={token}"))
            else:
                raise ValueError(f"unknown token source {via!r}")
        query_text = "&".join(filter(None, [base.query, urlencode(params)]))
        target = urlunsplit(
            (base.scheme, base.netloc, path if path is not None else base.path, query_text, "")
        )
        sent_origin = self.config.connection.origin_for(origin)
        if sent_origin is not None:
            detail += f" origin={sent_origin}"
        self._counter += 1
        number = len(self.connections) + 1
        self.transcript.record(
            number,
            "open",
            detail=f"{path or base.path} {detail}",
            recipe=recipe.as_dict() if recipe else None,
            via=via,
            origin=sent_origin,
            path=path,
        )
        try:
            sock = None
            if receive_buffer is not None:
                port = base.port or (443 if base.scheme == "wss" else 80)
                sock = await _socket_with_receive_buffer(base.hostname, port, receive_buffer)
            ws = await ws_connect(
                target,
                sock=sock,
                **self.config.connection.connect_options(target, headers=extra, origin=origin),
                compression=None,
                ping_interval=None,
                max_size=frame_bound(self.profile.max_message_bytes),
                max_queue=RECEIVE_QUEUE,
                open_timeout=self.timeout,
                close_timeout=self.timeout,
            )
        except InvalidStatus as err:
            status = err.response.status_code
            self.transcript.record(number, "close", detail=f"handshake refused: HTTP {status}")
            raise CheckFailure(
                requirement, "the WebSocket handshake completes", f"HTTP {status} response"
            ) from None
        except (OSError, InvalidHandshake, TimeoutError) as err:
            self.transcript.record(number, "close", detail=f"cannot connect: {err!r}")
            raise CheckFailure(
                requirement, "the WebSocket handshake completes", f"cannot connect: {err}"
            ) from None
        budget = self.budget_for(url).connection(
            paced=paced, owner=recipe.sub if recipe is not None else None
        )
        conn = Connection(self, ws, number, auto_pong=auto_pong, budget=budget)
        self.connections.append(conn)
        if token is not None:
            self._conn_expiry[conn.number] = self._expiry.get(token)
        return conn

    def recipe(
        self, sub: str | None = None, *, ttl: float = 3600.0, kind: str = "valid"
    ) -> TokenRecipe:
        return TokenRecipe(sub or self.owner(), ttl=ttl, kind=kind)

    async def dashboard(
        self,
        owner: str | None = None,
        *,
        dashboard_id: str | None = None,
        requirement: str = "PRES-1",
        ttl: float = 3600.0,
        auto_pong: bool = True,
        receive_buffer: int | None = None,
        paced: bool = True,
    ) -> tuple[Connection, Message]:
        """A connected, identified dashboard and the ``agent:list`` it got (PRES-1).

        A refusal of its ``dashboard:connect`` because the server's global quota
        is spent by other clients is waited out on a fresh connection
        (:meth:`wait_out`, issue 9); any other reply than ``agent:list`` fails
        ``requirement``.
        """
        recipe = self.recipe(owner, ttl=ttl)
        hello = message("dashboard:connect", dashboardId=dashboard_id or self.ident("dash"))
        deadline = asyncio.get_running_loop().time() + SETUP_WAIT_S
        while True:
            conn = await self.connect(
                recipe, auto_pong=auto_pong, receive_buffer=receive_buffer, paced=paced
            )
            await conn.send(hello)
            reply = await conn.expect_reply(("agent:list", "connection:error"), requirement)
            if reply["type"] == "agent:list":
                return conn, reply
            if conn.budget.budget.spent_by_others(reply) is None:
                raise CheckFailure(requirement, "agent:list", describe(reply))
            await conn.close()
            await self.wait_out(conn, reply, deadline)
            hello = {**hello, "timestamp": now_timestamp()}

    async def agent(
        self,
        owner: str | None = None,
        *,
        agent_id: str | None = None,
        agent_type: str = "claude",
        ttl: float = 3600.0,
        auto_pong: bool = True,
        paced: bool = True,
    ) -> tuple[Connection, str]:
        """A connected, identified agent and its id; a ping round trip proves it registered.

        ``agent:connect`` has no reply of its own (IDENT-6): the answer to the
        ping after it shows it was handled. A refusal of either because the
        server's global quota is spent by other clients is waited out
        (:meth:`wait_out`, issue 9): the ``agent:connect`` on a fresh connection,
        the ping on the same one.
        """
        agent_id = agent_id or self.ident("agent")
        recipe = self.recipe(owner, ttl=ttl)
        deadline = asyncio.get_running_loop().time() + SETUP_WAIT_S
        conn: Connection | None = None
        while True:
            if conn is None:
                conn = await self.connect(recipe, auto_pong=auto_pong, paced=paced)
                await conn.send(message("agent:connect", agentId=agent_id, agentType=agent_type))
            request_id = f"ready-{conn.number}"
            await conn.send(message("heartbeat:ping", requestId=request_id))
            budget = conn.budget.budget

            def answer(m: Message, budget: Budget = budget) -> bool:
                return m["type"] == "heartbeat:pong" or budget.spent_by_others(m) is not None

            reply = await conn.expect(
                ("heartbeat:pong", "connection:error"),
                "IDENT-6",
                where=answer,
                what="heartbeat:pong (connection alive)",
            )
            if reply["type"] == "heartbeat:pong":
                return conn, agent_id
            refused = conn
            if reply.get("requestId") != request_id:  # the agent:connect was refused
                await conn.close()
                conn = None
            await self.wait_out(refused, reply, deadline)

    async def wait_out(self, conn: Connection, refusal: Message, deadline: float) -> None:
        """Wait until the server's global quota, spent by other clients, frees (issue 9).

        ``refusal`` is a global ``RATE_LIMIT`` (RATE-9: its ``limits`` are the
        global scope's) with the quota truly spent, not by this run
        (:meth:`Budget.spent_by_others`). It is taken into the run's budget,
        so every paced send of the run waits with this one; the wait is
        ``retryAfter`` at least, and at most until ``deadline``
        (loop time): beyond it, :class:`CheckInconclusive`.
        """
        budget = conn.budget.budget
        reason = budget.spent_by_others(refusal) or "the server's global quota is spent"
        budget.note_refusal(refusal)
        retry_after = refusal.get("retryAfter")
        at_least = float(retry_after) if isinstance(retry_after, int) else 1.0
        wait = max(at_least, budget.global_wait())
        loop = asyncio.get_running_loop()
        if loop.time() + wait > deadline:
            raise CheckInconclusive(
                f"{reason}; it frees in {wait:.0f}s, later than a check's set-up may wait"
                f" ({SETUP_WAIT_S:g}s)"
            )
        self.transcript.note(f"#{conn.number} {reason}: waiting {wait:.1f}s")
        await asyncio.sleep(wait)

    # -- rate budgets ------------------------------------------------------------

    async def room_to_open(self, url: str | None) -> None:
        """Wait, before opening a connection, until the run's budget has room in the global
        windows again (issue 9): a connection opened while its first message would be held
        for the quota other clients spent is closed by the server meanwhile (IDENT-3).
        :class:`CheckInconclusive` when that is longer than a set-up may wait."""
        budget = self.budget_for(url)
        wait = budget.global_wait()
        if wait <= 0:
            return
        if wait > SETUP_WAIT_S:
            raise CheckInconclusive(
                f"the server's global quota is spent by other clients for {wait:.0f}s more,"
                f" longer than a check's set-up may wait ({SETUP_WAIT_S:g}s)"
            )
        self.transcript.note(f"waiting {wait:.1f}s for the server's global quota to free")
        await asyncio.sleep(wait)

    def budget_for(self, url: str | None) -> Budget:
        """The budget of connections to ``url``: the run's for the server under test
        (``None``), one of its own for any other server (a private one) (issue 9)."""
        if url is None or url == self.config.url:
            return self.config.run_budget
        budget = self._budgets.get(url)
        if budget is None:
            budget = self._budgets[url] = Budget(self.profile)
        return budget

    def global_quota_spent(self) -> str | None:
        """Why this check's outcome may be the server's global quota spent by other clients
        rather than the server breaking a requirement, or ``None`` (issue 9).

        It is so when a connection of this check to the server under test received a
        global ``RATE_LIMIT`` with the quota truly spent, and not by this run
        (:meth:`Budget.spent_by_others`). The engine asks when a check failed: a
        reason makes the result inconclusive, never a FAIL. Each such refusal is
        taken into the run's budget, so that later checks wait it out.
        """
        budget = self.config.run_budget
        reason: str | None = None
        for conn in self.connections:
            if conn.budget.budget is not budget:
                continue
            for got in conn.received:
                why = budget.spent_by_others(got)
                if why is not None:
                    budget.note_refusal(got)
                    reason = reason or why
        return reason

    async def cleanup(self) -> None:
        """Close every connection still open; global refusals seen go into the run's budget.
        Then the connections forget the messages they kept (issue 9): the check is over;
        its context may live on (an exception's traceback, a cycle until collected)."""
        self.global_quota_spent()
        await asyncio.gather(
            *(c.close() for c in self.connections if not c.closed.is_set()),
            return_exceptions=True,
        )
        for conn in self.connections:
            conn.release()
        for found in (*self.violations, self.inconclusive):
            if found is not None:  # the report keeps it; its traceback would keep this context
                found.__traceback__ = None
        if self.transcript.events.dropped_events:
            # A flood filled this transcript: collect the reference cycles of the checks
            # before it (contexts, connections, their 4 MiB transcripts), which would
            # otherwise wait for the collector while more floods arrive (issue 9).
            gc.collect()

    # -- private servers -------------------------------------------------------

    @asynccontextmanager
    async def private_server(self, profile_override: dict[str, Any]) -> AsyncIterator[Any]:
        """A server of its own with ``profile_override`` (bundled mode only)."""
        if not self.config.server_command:
            raise CheckSkipped("needs a server the suite starts itself (no URL given)")
        from onsembl_conformance.bundled import start_server

        merged = {**self.profile.as_dict(), **profile_override}
        server = await asyncio.to_thread(
            start_server,
            self.config.server_command,
            self.config.secret,
            merged,
            self.timeout * 4,
            auth=self.config.server_auth,
        )
        self.transcript.note(f"private server at {server.url}")
        self._budgets[server.url] = Budget(profile_from_mapping(merged, source="private"))
        try:
            yield server
        finally:
            await asyncio.to_thread(server.stop)
