"""Start the reference server with one fault: ``python broken_server.py FAULT SERVE-ARGS...``.

Each fault replaces one small named method or function of the server's core
(``onsembl_server.core``), or swaps one entry of its table of close codes
(``close_codes.CLOSE_CODES``), and breaks one rule; ``FAULTS`` maps its name
to the patch. The catalogue test (``test_broken_servers.py``) says which
requirement IDs ``onsembl check`` must then report failed.
"""

from __future__ import annotations

import sys
from collections.abc import Callable
from typing import Any

from fault_registry import FAULTS, fault

import onsembl_server.core.auth as auth
import onsembl_server.core.commands as commands
import onsembl_server.core.handlers.refresh as refresh
import onsembl_server.core.outbound as outbound
import onsembl_server.core.ratelimit as ratelimit
import onsembl_server.core.server as server
import onsembl_server.core.session as session
from onsembl_server.core.close_codes import CLOSE_CODES, CloseReason
from onsembl_server.core.server import ServerCore
from onsembl_spec.tokens import Claims, TokenError


def _close_with(reason: CloseReason, code: int) -> None:
    """Servers started after this close for ``reason`` with ``code`` (the reason text kept)."""
    CLOSE_CODES[reason] = (code, CLOSE_CODES[reason][1])


def _claims_unverified(token: str) -> Claims:
    import jwt

    data = jwt.decode(token, options={"verify_signature": False})
    return Claims(sub=str(data["sub"]), exp=float(data["exp"]))


# --------------------------------------------------------------------- auth


def _accept_refusals_mentioning(word: str) -> None:
    """Make ``auth.verify`` accept the tokens it refuses for a reason naming ``word``."""
    original = auth.verify

    def verify(token: str, secret: str, *, now: float | None = None) -> Claims:
        try:
            return original(token, secret, now=now)
        except TokenError as err:
            if word in str(err):
                return _claims_unverified(token)
            raise

    auth.verify = verify  # type: ignore[assignment]


@fault("auth-accepts-alg-none")
def _() -> None:
    _accept_refusals_mentioning("unsigned")


@fault("auth-accepts-bad-signature")
def _() -> None:
    _accept_refusals_mentioning("signature")


@fault("auth-ignores-nbf")
def _() -> None:
    _accept_refusals_mentioning("nbf")


@fault("auth-no-cookie")
def _() -> None:
    auth.cookie_token = lambda cookies: None  # type: ignore[assignment]


@fault("auth-cookie-any-origin")
def _() -> None:
    auth.cookie_allowed = lambda origin, allowed: True  # type: ignore[assignment]


@fault("auth-query-before-header")
def _() -> None:
    def select_token(handshake: Any, allowed_origins: Any) -> str | None:
        token = auth.query_token(handshake.path) or auth.bearer_token(handshake.authorization)
        if token is None and auth.cookie_allowed(handshake.origin, allowed_origins):
            token = auth.cookie_token(handshake.cookies)
        return token

    auth.select_token = select_token  # type: ignore[assignment]


@fault("auth-closes-1011")
def _() -> None:
    _close_with(CloseReason.AUTH_FAILURE, 1011)


# --------------------------------------------------------------------- tenancy


@fault("tenancy-agents-shared")
def _() -> None:
    def find_agent(self: ServerCore, owner: str, agent_id: str) -> Any:
        for state in [self.owners.get(owner), *self.owners.values()]:
            if state is not None and agent_id in state.agents:
                return state.agents[agent_id]
        return None

    ServerCore.find_agent = find_agent  # type: ignore[method-assign]


@fault("tenancy-interrupts-any-owner")
def _() -> None:
    original = ServerCore._on_command_interrupt

    def on_interrupt(self: ServerCore, s: Any, message: Any, raw: Any, now: float) -> None:
        command = self.commands.get(message["commandId"])
        if command is not None and command.owner != s.owner:
            record = self.find_agent(command.owner, command.agent_id)
            if record is not None and record.queue.running is command:
                self.effects.send(record.conn_id, outbound.forwarded(message))
                return
        original(self, s, message, raw, now)

    ServerCore._on_command_interrupt = on_interrupt  # type: ignore[method-assign]


@fault("tenancy-stop-everyone")
def _() -> None:
    original = ServerCore._on_emergency_stop

    def on_stop(self: ServerCore, session_: Any, message: Any, raw: Any, now: float) -> None:
        original(self, session_, message, raw, now)
        others = [c for o in self.owners if o != session_.owner for c in self.dashboards_of(o)]
        if others:
            self.effects.send_many(others, outbound.forwarded(message))

    ServerCore._on_emergency_stop = on_stop  # type: ignore[method-assign]


@fault("tenancy-refresh-changes-owner")
def _() -> None:
    def refresh_refusal(self: ServerCore, session_: Any, token: str, now: float) -> str | None:
        try:
            claims = refresh.verify(token, self.jwt_secret, now=self.wall_clock())
        except TokenError as err:
            return f"token refused: {err}"
        session_.owner = claims.sub
        session_.token_exp = claims.exp
        session_.expires_at = now + (claims.exp - self.wall_clock())
        session_.refresh_needed_sent = False
        return None

    ServerCore.refresh_refusal = refresh_refusal  # type: ignore[method-assign]


# --------------------------------------------------------------------- rate limits


@fault("rate-counts-refusals")
def _() -> None:
    original = ratelimit.admit

    def admit(scopes: Any, now: float) -> Any:
        refusal = original(scopes, now)
        if refusal is not None:
            for scope in scopes:
                scope.record(now)
        return refusal

    server.admit = admit  # type: ignore[assignment]


@fault("rate-off-by-one")
def _() -> None:
    ratelimit.SlidingWindow.is_full = lambda self, now: self.used(now) >= self.limit - 1  # type: ignore[method-assign]


@fault("rate-retry-after-wrong")
def _() -> None:
    original = ratelimit.retry_after_seconds
    ratelimit.retry_after_seconds = lambda exceeded, now: original(exceeded, now) + 5  # type: ignore[assignment]


@fault("rate-no-type-limits")
def _() -> None:
    ServerCore.rate_scopes = lambda self, s, t: (s.connection_scope, self.global_scope)  # type: ignore[method-assign]


@fault("rate-no-global-limit")
def _() -> None:
    original = ServerCore.rate_scopes
    ServerCore.rate_scopes = lambda self, s, t: original(self, s, t)[:1]  # type: ignore[method-assign]


@fault("rate-invalid-free")
def _() -> None:
    def invalid(
        self: ServerCore, s: Any, message: Any, field: Any, error: str, rid: Any, now: float
    ) -> None:
        rid = rid if rid is not None else outbound.valid_request_id(message)
        self.effects.send(s.conn_id, outbound.validation_error(error, field, rid))

    ServerCore._invalid = invalid  # type: ignore[method-assign]


@fault("rate-wrapper-counted")
def _() -> None:
    original = ServerCore._receive_batch

    def receive_batch(
        self: ServerCore, s: Any, message: Any, prefix: str, now: float, inside: Any
    ) -> None:
        ratelimit.admit((s.connection_scope, self.global_scope), now)
        original(self, s, message, prefix, now, inside)

    ServerCore._receive_batch = receive_batch  # type: ignore[method-assign]


@fault("rate-reports-global-first")
def _() -> None:
    ratelimit.reported_scope = lambda scopes: scopes[-1]  # type: ignore[assignment]


@fault("rate-used-wrong")
def _() -> None:
    ratelimit.Scope.report = lambda self, now: {  # type: ignore[method-assign]
        w.name: {"used": w.used(now) + 1, "limit": w.limit} for w in self.windows
    }


# --------------------------------------------------------------------- close codes


@fault("close-heartbeat-1000")
def _() -> None:
    _close_with(CloseReason.HEARTBEAT_TIMEOUT, 1000)


@fault("close-expiry-1001")
def _() -> None:
    _close_with(CloseReason.TOKEN_EXPIRED, 1001)


@fault("close-replaced-1000")
def _() -> None:
    _close_with(CloseReason.REPLACED_AGENT, 1000)


@fault("close-inflate-1008")
def _() -> None:
    _close_with(CloseReason.INFLATE_LIMIT, 1008)


@fault("close-keeps-slow-consumer")
def _() -> None:
    """Messages for a connection over its bound are dropped, and it is never closed."""
    import onsembl_server.app as app

    app._Outbox.slow_consumer = lambda self, conn_id: None  # type: ignore[method-assign]


@fault("close-slow-consumer-stalls-all")
def _() -> None:
    """Over its bound, a connection makes the server stop reading from everyone (back-pressure
    from one reader to all writers, as awaiting each send does), and is never closed."""
    import onsembl_server.app as app

    def stall_everyone(self: Any, conn_id: int) -> None:
        for connection in self.connections.values():
            connection.transport.pause_reading()

    app._Outbox.slow_consumer = stall_everyone  # type: ignore[method-assign]


@fault("close-identify-1001")
def _() -> None:
    _close_with(CloseReason.IDENTIFY_TIMEOUT, 1001)


@fault("close-disconnect-1010")
def _() -> None:
    _close_with(CloseReason.DISCONNECT, 1010)


@fault("close-drops-socket")
def _() -> None:
    """What the original server did: drop the connection without a close frame."""
    import onsembl_server.app as app

    def close(self: Any, conn_id: int, code: int, reason: str) -> None:
        connection = self.connections.get(conn_id)
        if connection is not None and conn_id not in self.closing:
            self.closing.add(conn_id)
            connection.transport.abort()

    app._Outbox.close = close  # type: ignore[method-assign]


# --------------------------------------------------------------------- queue order


@fault("queue-ignores-priority")
def _() -> None:
    commands.order_key = lambda command: (0, command.seq)  # type: ignore[assignment]


@fault("queue-lifo")
def _() -> None:
    commands.order_key = lambda command: (  # type: ignore[assignment]
        commands.PRIORITY_RANK.get(command.priority, 1),
        -command.seq,
    )


@fault("queue-position-off-by-one")
def _() -> None:
    original = commands.AgentQueue.enqueue
    commands.AgentQueue.enqueue = lambda self, command: original(self, command) + 1  # type: ignore[method-assign]


@fault("queue-running-counts-as-pending")
def _() -> None:
    original = ServerCore._on_command_request

    def on_request(self: ServerCore, s: Any, message: Any, raw: Any, now: float) -> None:
        record = self.find_agent(s.owner, message["agentId"])
        queue = None if record is None else record.queue
        if queue is not None and queue.running and len(queue.pending) + 1 >= self.profile.max_queue:
            self.effects.send(
                s.conn_id,
                outbound.command_error("QUEUE_FULL", "full", message.get("requestId")),
            )
            return
        original(self, s, message, raw, now)

    ServerCore._on_command_request = on_request  # type: ignore[method-assign]


@fault("queue-two-running")
def _() -> None:
    def start_next(self: Any, now: float) -> Any:
        if not self.pending:
            return None
        command = self.pending.pop(0)
        self.running = command
        self.started[command.command_id] = None
        return command

    commands.AgentQueue.start_next = start_next  # type: ignore[method-assign]


@fault("queue-waits-for-complete")
def _() -> None:
    original = ServerCore._on_command_report

    def on_report(self: ServerCore, s: Any, message: Any, raw: Any, now: float) -> None:
        if message["type"] == "command:status":
            self._forward_to_dashboards(s.owner, message, raw)  # a final status frees nothing
            return
        original(self, s, message, raw, now)

    ServerCore._on_command_report = on_report  # type: ignore[method-assign]


# --------------------------------------------------------------------- refresh


@fault("refresh-never-needed")
def _() -> None:
    session.Session.refresh_due = lambda self, profile: None  # type: ignore[method-assign]


@fault("refresh-no-rearm")
def _() -> None:
    original = ServerCore.refresh_refusal

    def refresh_refusal(self: ServerCore, s: Any, token: str, now: float) -> str | None:
        sent = s.refresh_needed_sent
        error = original(self, s, token, now)
        s.refresh_needed_sent = sent
        return error

    ServerCore.refresh_refusal = refresh_refusal  # type: ignore[method-assign]


@fault("refresh-accepts-earlier-expiry")
def _() -> None:
    def refresh_refusal(self: ServerCore, s: Any, token: str, now: float) -> str | None:
        try:
            claims = refresh.verify(token, self.jwt_secret, now=self.wall_clock())
        except TokenError as err:
            return f"token refused: {err}"
        if claims.sub != s.owner:
            return "token is for another subject"
        s.token_exp = claims.exp
        s.expires_at = now + (claims.exp - self.wall_clock())
        s.refresh_needed_sent = False
        return None

    ServerCore.refresh_refusal = refresh_refusal  # type: ignore[method-assign]


# --------------------------------------------------------------------- batch and compressed


@fault("batch-ignores-count")
def _() -> None:
    server.check_batch_count = lambda message: None  # type: ignore[assignment]


@fault("batch-no-field-prefix")
def _() -> None:
    ServerCore.issue_field = staticmethod(lambda prefix, field_path: field_path)  # type: ignore[method-assign, assignment]


@fault("compressed-unbounded")
def _() -> None:
    original = server.decode_compressed
    server.decode_compressed = lambda message, max_bytes, budget=None: original(message, 1 << 30)  # type: ignore[assignment]


@fault("compressed-trusts-sizes")
def _() -> None:
    original = server.decode_compressed

    def decode(message: Any, max_bytes: int, budget: Any = None) -> Any:
        import base64

        try:
            size = len(base64.b64decode(message["data"], validate=True))
        except ValueError:
            size = message["compressedSize"]
        return original({**message, "compressedSize": size}, max_bytes, budget)

    server.decode_compressed = decode  # type: ignore[assignment]


# --------------------------------------------------------------------- validation, roles, presence


@fault("validation-silent")
def _() -> None:
    ServerCore._invalid = lambda self, s, message, field, error, rid, now: None  # type: ignore[method-assign]


@fault("validation-drops-request-id")
def _() -> None:
    original = ServerCore._invalid

    def invalid(
        self: ServerCore, s: Any, message: Any, field: Any, error: str, rid: Any, now: float
    ) -> None:
        original(self, s, None, field, error, None, now)

    ServerCore._invalid = invalid  # type: ignore[method-assign]


@fault("ident-lets-anyone-in")
def _() -> None:
    original = ServerCore.identification_error

    def identification_error(self: ServerCore, s: Any, message_type: str) -> Any:
        decision = original(self, s, message_type)
        return None if decision is not None and decision[0] == "NOT_IDENTIFIED" else decision

    ServerCore.identification_error = identification_error  # type: ignore[method-assign]


@fault("presence-impersonation")
def _() -> None:
    ServerCore.speaks_for_itself = lambda self, s, message: True  # type: ignore[method-assign]


@fault("presence-no-offline")
def _() -> None:
    original = outbound.agent_status

    def agent_status(agent_id: str, status: str) -> str:
        return original(agent_id, "online" if status == "offline" else status)

    server.outbound.agent_status = agent_status  # type: ignore[attr-defined]


@fault("heartbeat-no-pong")
def _() -> None:
    ServerCore._on_heartbeat_ping = lambda self, s, message, raw, now: None  # type: ignore[method-assign]


@fault("heartbeat-echoes")
def _() -> None:
    """Pings and pongs sent straight back, as an echo server does: a client that answers
    pings then gets a pong for every ping, though the server answered none (HB-1)."""

    def echo(kind: str) -> Callable[..., None]:
        def handler(self: ServerCore, s: Any, message: Any, raw: Any, now: float) -> None:
            self.effects.send(s.conn_id, outbound.simple(kind))

        return handler

    ServerCore._on_heartbeat_ping = echo("heartbeat:ping")  # type: ignore[method-assign]
    ServerCore._on_heartbeat_pong = echo("heartbeat:pong")  # type: ignore[method-assign]


@fault("msg-invalid-pong")
def _() -> None:
    def on_ping(self: ServerCore, s: Any, message: Any, raw: Any, now: float) -> None:
        self.effects.send(s.conn_id, outbound.simple("heartbeat:pong", extra="field"))

    ServerCore._on_heartbeat_ping = on_ping  # type: ignore[method-assign]


@fault("forward-rewrites")
def _() -> None:
    ServerCore.forwarded_text = staticmethod(  # type: ignore[method-assign, assignment]
        lambda message, raw: outbound.forwarded({**message, "timestamp": "2000-01-01T00:00:00Z"})
    )


# Faults of the checks' other areas live in modules of their own; importing them
# registers them.
import faults_budgets  # noqa: E402, F401
import faults_commands  # noqa: E402, F401
import faults_messages  # noqa: E402, F401
import faults_tokens  # noqa: E402, F401
import faults_transport  # noqa: E402, F401
import faults_wrappers  # noqa: E402, F401


def main(argv: list[str]) -> int:
    if not argv or argv[0] not in FAULTS:
        print(
            f"usage: broken_server.py FAULT serve-args...; faults: {', '.join(FAULTS)}",
            file=sys.stderr,
        )
        return 2
    FAULTS[argv[0]]()
    from onsembl_spec.cli import main as onsembl

    return onsembl(["serve", *argv[1:]])


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
