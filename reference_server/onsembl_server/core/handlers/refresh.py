"""Token refresh on an open connection (REFRESH-2..REFRESH-6, TEN-6).

The deadlines (REFRESH-1's notice, REFRESH-7's close) are timers of
``ServerCore._run_timers``; a refresh adopts the new token and re-arms them.
Tokens are checked by ``verify`` as imported here (a broken server may replace it).
"""

from __future__ import annotations

from typing import Any

from onsembl_server.core import outbound
from onsembl_server.core.session import Session
from onsembl_server.core.state import CoreState
from onsembl_spec.tokens import TokenError, verify


class RefreshHandlers(CoreState):
    """The refresh message: a mixin of ``ServerCore``."""

    def _on_refresh_token(
        self, session: Session, message: dict[str, Any], raw: str | None, now: float
    ) -> None:
        """REFRESH-2..REFRESH-6, TEN-6."""
        error = self.refresh_refusal(session, message["token"], now)
        if error is not None:
            self.log.event(
                "auth_failure",
                owner=session.owner,
                remote=session.remote,
                reason=f"refresh: {error}",
            )
            self.effects.send(session.conn_id, outbound.simple("auth:refresh-failed", error=error))
            return
        self.effects.send(session.conn_id, outbound.simple("auth:refresh-success"))
        self._run_timers(session, now)

    def refresh_refusal(self, session: Session, token: str, now: float) -> str | None:
        """REFRESH-3, REFRESH-4: why a refresh is refused, or ``None`` after adopting the token."""
        wall = self.wall_clock()
        try:
            claims = verify(token, self.jwt_secret, now=wall)
        except TokenError as err:
            return f"token refused: {err}"
        if claims.sub != session.owner:
            return "token is for another subject"
        if claims.exp <= session.token_exp:
            return "token does not expire later than the current one"
        session.token_exp = claims.exp
        session.expires_at = now + (claims.exp - wall)
        session.refresh_needed_sent = False  # REFRESH-2
        return None
