"""The core's rate-limit decisions (RATE-1..RATE-12, PROF-3): which scopes a message counts
in, the owners' shared state and connection bound, refusals and their records.

The windows and scopes themselves are ``core/ratelimit.py``; the order in which
limits are applied to a message is ``ServerCore._accept`` (ROLE-4).
"""

from __future__ import annotations

import heapq
from typing import Any

from onsembl_server.core import outbound
from onsembl_server.core.close_codes import CloseReason
from onsembl_server.core.logbook import LogThrottle
from onsembl_server.core.ratelimit import Refusal, Scope
from onsembl_server.core.session import OwnerUsage, Session
from onsembl_server.core.state import CoreState

TOP_OWNERS = 3
"""How many of the owners that used most of the global window a global hit names (RATE-12)."""


class RateLimits(CoreState):
    """Rate limits and the owner connection bound: a mixin of ``ServerCore``."""

    def rate_scopes(self, session: Session, message_type: str) -> tuple[Scope, ...]:
        """RATE-1..RATE-3, RATE-10, PROF-3: the type's own scope, else the connection's; then
        the owner's and the global one.

        Scopes without any window (every limit switched off) are left out, so a
        server without limits does no rate-limit work at all. :func:`admit` records a
        message in every scope or in none (RATE-6), so a message refused by the owner's
        scope spends nothing of the global one (RATE-10).
        """
        scopes = session.type_scopes.get(message_type)
        if scopes is None:
            windows = self.profile.type_windows(message_type)
            own = session.connection_scope if windows is None else Scope("type", windows)
            owner = session.usage.scope if session.usage is not None else None
            scopes = tuple(
                s for s in (own, owner, self.global_scope) if s is not None and s.windows
            )
            session.type_scopes[message_type] = scopes
        return scopes

    def usage_of(self, owner: str) -> OwnerUsage:
        """The state all connections of ``owner`` share (RATE-10, RATE-11), made when needed."""
        usage = self.owner_usage.get(owner)
        if usage is None:
            windows = self._owner_windows
            usage = self.owner_usage[owner] = OwnerUsage(
                owner=owner,
                scope=Scope("owner", windows),
                horizon_s=max((w.seconds for w in windows), default=0),
            )
        return usage

    def _forget_idle_owners(self, now: float) -> None:
        """Drop the state of owners without connections whose windows are empty by now."""
        idle = self._idle_owners
        while idle:
            since, owner = idle[0]
            usage = self.owner_usage.get(owner)
            if usage is not None and now < since + usage.horizon_s:
                return
            idle.popleft()
            if usage is not None and usage.forgettable(now):
                del self.owner_usage[owner]

    def owner_connections_full(self, usage: OwnerUsage) -> bool:
        """RATE-11: the owner already has ``max_connections_per_owner`` open connections."""
        bound = self.profile.max_connections_per_owner
        return bound is not None and usage.connections >= bound

    def _refuse_connection(self, conn_id: int, usage: OwnerUsage, remote: str, now: float) -> None:
        """RATE-11, RATE-12: close with no message; log it, one record a second per owner."""
        self.logbook.hit(
            usage.refusal_log,
            now,
            "connection_limit",
            {
                "owner": usage.owner,
                "remote": remote,
                "reason": f"the owner already has {usage.connections} open connections",
            },
        )
        self._close_connection(conn_id, CloseReason.OWNER_CONNECTION_LIMIT)

    def _refuse_rate(
        self, session: Session, refusal: Refusal, request_id: str | None, now: float
    ) -> None:
        """RATE-7..RATE-9, AUTH-11."""
        self._log_rate_limited(session, refusal, now)
        self.effects.send(
            session.conn_id,
            outbound.connection_error(
                "RATE_LIMIT",
                "Rate limit exceeded",
                request_id,
                retry_after=refusal.retry_after,
                limits=refusal.limits,
            ),
        )

    def _log_rate_limited(self, session: Session, refusal: Refusal, now: float) -> None:
        """AUTH-11, RATE-12: a ``rate_limited`` record naming whoever exceeded the scope.

        The connection's or a type's scope: that connection. The owner's scope
        (RATE-10): the owner, with how many connections it has open. The global
        scope: the refused connection and ``top_owners``, the owners that used
        most of the window. One record a second per connection, owner or global
        scope; the hits in between are counted into the next (:class:`Logbook`).
        """
        scope = refusal.scope
        fields: dict[str, Any] = {
            "owner": session.owner,
            "remote": session.remote,
            "reason": f"{scope} limit",
            "scope": scope,
        }
        if scope == "owner" and session.usage is not None:
            fields["connections"] = session.usage.connections
            self.logbook.hit(session.usage.rate_log, now, "rate_limited", fields)
        elif scope == "global":
            self.logbook.hit(
                self._global_rate_log,
                now,
                "rate_limited",
                fields,
                lambda at: {"top_owners": self.top_owners(at)},
            )
        else:
            if session.rate_log is None:
                session.rate_log = LogThrottle()
            self.logbook.hit(session.rate_log, now, "rate_limited", fields)

    def top_owners(self, now: float) -> list[dict[str, Any]]:
        """RATE-12: the owners with the most messages in their scope's shortest window."""
        counts = (
            (usage.scope.windows[0].used(now), usage.owner)
            for usage in self.owner_usage.values()
            if usage.scope.windows
        )
        return [
            {"owner": owner, "used": used}
            for used, owner in heapq.nlargest(TOP_OWNERS, counts)
            if used > 0
        ]
