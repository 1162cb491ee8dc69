"""The server core's explicit states (issue 12, part 1), in memory.

* ``core/phases.py``: the transition table is consistent (every phase reachable,
  every connection able to end, a dashboard or an agent leaving before it ends)
  and an event it does not allow is an ``IllegalTransition`` that the core
  turns into a 1011 close (CLOSE-5).
* A connection's phase along its life (IDENT-1, PRES-1, PRES-4, PRES-7, HB-3, CLOSE-1).
* ``core/close_codes.py``: one table of close reasons, copied per server (R15).
* ``ServerCore`` refuses to be built when a client-sent type has no handler (ROLE-1, ROLE-2).
"""

from __future__ import annotations

import json
import time
from typing import Any

import pytest

from onsembl_server.core import RecordingEffects, ServerCore
from onsembl_server.core.auth import Handshake
from onsembl_server.core.close_codes import CLOSE_CODES, CloseReason
from onsembl_server.core.phases import TRANSITIONS, Event, IllegalTransition, Phase, next_phase
from onsembl_server.core.server import Handler, HandlerTableError, client_sent_types
from onsembl_server.core.session import Session
from onsembl_server.seclog import MemorySecurityLog
from onsembl_spec.profile import profile_from_mapping
from onsembl_spec.protocol import WRAPPER_TYPES
from onsembl_spec.schemas import bundled
from onsembl_spec.tokens import mint

SECRET = "phase-secret-0123456789abcdefghijklmnop"
TS = "2024-01-01T00:00:00Z"


def make_core(
    profile: dict[str, Any] | None = None, cls: type[ServerCore] = ServerCore
) -> tuple[ServerCore, RecordingEffects, MemorySecurityLog]:
    effects, log = RecordingEffects(), MemorySecurityLog()
    core = cls(profile_from_mapping(profile or {}), SECRET, effects, security_log=log)
    return core, effects, log


def connect(core: ServerCore, conn_id: int, owner: str = "o", now: float = 0.0) -> Session:
    token = mint(SECRET, owner, now=time.time())
    assert core.open(conn_id, Handshake(path=f"/ws?token={token}"), f"r{conn_id}", now)
    return core.sessions[conn_id]


def phase(session: Session) -> Phase:
    """The session's phase now (a call, so that type checkers do not narrow it)."""
    return session.phase


def say(core: ServerCore, conn_id: int, message: dict[str, Any], now: float = 1.0) -> None:
    core.receive(conn_id, json.dumps({**message, "timestamp": TS}), now)


# ------------------------------------------------------------------ the table


def _reachable(start: Phase) -> set[Phase]:
    seen, todo = {start}, [start]
    while todo:
        for after in TRANSITIONS[todo.pop()].values():
            if after not in seen:
                seen.add(after)
                todo.append(after)
    return seen


def test_every_phase_has_a_row_and_is_reachable_from_connected() -> None:
    assert set(TRANSITIONS) == set(Phase)
    assert _reachable(Phase.CONNECTED) == set(Phase)


def test_every_phase_can_end_and_closed_is_final() -> None:
    """Whatever happens, a connection's end (``ServerCore.closed``) is reachable."""
    for phase in Phase:
        assert Phase.CLOSED in _reachable(phase), phase
    assert TRANSITIONS[Phase.CLOSED] == {}


def test_only_a_connection_without_a_place_in_the_presence_ends() -> None:
    """PRES-4, CMD-17: a dashboard or an agent leaves (``LEAVE``) before its end (``END``)."""
    for phase, row in TRANSITIONS.items():
        if Event.END in row:
            assert phase.role is None, phase
        if phase.role is not None:
            assert Event.LEAVE in row, phase


def test_closing_is_never_undone_and_every_open_phase_can_be_closed() -> None:
    """CLOSE-5: the 1011 close is possible from every phase whose frames are read."""
    for phase, row in TRANSITIONS.items():
        if phase.closing:
            assert all(after.closing for after in row.values()), phase
        else:
            assert Event.CLOSE in row, phase


def test_identification_happens_once() -> None:
    """IDENT-4: only an unidentified connection identifies."""
    for phase, row in TRANSITIONS.items():
        identifies = {Event.IDENTIFY_DASHBOARD, Event.IDENTIFY_AGENT} & row.keys()
        assert (phase is Phase.CONNECTED) == bool(identifies), phase
    assert not Phase.CONNECTED.identified
    assert all(p.identified for p in Phase if p is not Phase.CONNECTED)


def test_an_illegal_transition_names_the_phase_and_the_event() -> None:
    with pytest.raises(IllegalTransition, match="REPLACE is not allowed in phase DASHBOARD"):
        next_phase(Phase.DASHBOARD, Event.REPLACE)
    assert next_phase(Phase.AGENT, Event.CLOSE) is Phase.AGENT_CLOSING


def test_an_illegal_transition_in_a_handler_closes_1011() -> None:
    """CLOSE-5: the server's own bug closes the connection 1011 and is logged."""
    core, effects, log = make_core()
    session = connect(core, 1)

    def buggy(session: Session, message: dict[str, Any], raw: str | None, now: float) -> None:
        session.advance(Event.REPLACE)  # an unidentified connection cannot be replaced

    core._handlers["heartbeat:ping"] = buggy
    say(core, 1, {"type": "heartbeat:ping"})
    assert effects.closed == [(1, 1011, "internal error")]
    assert phase(session) is Phase.CLOSING
    (record,) = [r for r in log.records if r["event"] == "server_error"]
    assert "IllegalTransition" in record["reason"]


# ------------------------------------------------------------------ phases along a life


def test_a_dashboard_closed_by_the_server_stays_present_until_it_ends() -> None:
    """IDENT-1, PRES-1, HB-3, PRES-4: closing keeps the place; the end gives it up."""
    core, effects, _ = make_core({"heartbeat": {"interval_s": 5, "timeout_s": 10}})
    session = connect(core, 1)
    assert phase(session) is Phase.CONNECTED
    say(core, 1, {"type": "dashboard:connect", "dashboardId": "d"})
    assert phase(session) is Phase.DASHBOARD and session.role == "dashboard"
    core.tick(11.0)
    assert effects.closed == [(1, 1001, "heartbeat timeout")]
    assert phase(session) is Phase.DASHBOARD_CLOSING and session.closing
    assert core.dashboards_of("o") == [1]
    core.closed(1, 12.0)
    assert phase(session) is Phase.CLOSED
    assert core.dashboards_of("o") == [] and "o" not in core.owners


def test_a_disconnect_leaves_then_closes_1000() -> None:
    """CLOSE-1, PRES-4: the agent leaves (dashboards told) and is closed normally."""
    core, effects, _ = make_core()
    connect(core, 1)
    agent = connect(core, 2)
    say(core, 1, {"type": "dashboard:connect", "dashboardId": "d"})
    say(core, 2, {"type": "agent:connect", "agentId": "a", "agentType": "claude"})
    say(core, 2, {"type": "agent:disconnect", "agentId": "a"})
    assert phase(agent) is Phase.CLOSING
    assert effects.closed == [(2, 1000, "disconnected")]
    assert json.loads(effects.sent[-1][1])["status"] == "offline"
    core.closed(2, 2.0)
    assert phase(agent) is Phase.CLOSED


def test_a_replaced_agent_ends_without_touching_the_record() -> None:
    """PRES-7, PRES-8: the older connection is closed 1008 and replaced."""
    core, effects, _ = make_core()
    older = connect(core, 1)
    newer = connect(core, 2)
    say(core, 1, {"type": "agent:connect", "agentId": "a", "agentType": "claude"})
    say(core, 2, {"type": "agent:connect", "agentId": "a", "agentType": "claude"})
    assert (phase(older), phase(newer)) == (Phase.REPLACED, Phase.AGENT)
    assert effects.closed == [(1, 1008, "replaced by a newer connection")]
    core.closed(1, 2.0)
    record = core.find_agent("o", "a")
    assert record is not None and record.conn_id == 2


# ------------------------------------------------------------------ close codes


def test_every_close_reason_has_a_code_and_each_server_its_own_copy() -> None:
    """R15: one table; swapping an entry of one server leaves the others alone."""
    assert set(CLOSE_CODES) == set(CloseReason)
    changed, effects, _ = make_core()
    other, _, _ = make_core()
    changed.close_codes[CloseReason.BINARY_FRAME] = (1008, "no binary")
    connect(changed, 1)
    changed.binary_frame(1)
    assert effects.closed == [(1, 1008, "no binary")]
    assert other.close_codes[CloseReason.BINARY_FRAME] == (1003, "binary frames are not accepted")
    assert CLOSE_CODES[CloseReason.BINARY_FRAME][0] == 1003


# ------------------------------------------------------------------ the handler table


def test_every_client_sent_type_has_a_handler() -> None:
    """ROLE-1, ROLE-2: the types of the schemas' ``x-sender``, wrappers handled by the router."""
    schemas = bundled()
    expected = {
        t for t in schemas.types if {"dashboard", "agent"} & set(schemas.senders(t))
    } - WRAPPER_TYPES
    assert client_sent_types() == expected
    core, _, _ = make_core()
    assert set(core._handlers) == expected


def test_a_missing_handler_is_a_start_up_error() -> None:
    class WithoutClear(ServerCore):
        def handler_table(self) -> dict[str, Handler]:
            table = super().handler_table()
            del table["terminal:clear"]
            return table

    with pytest.raises(HandlerTableError, match="no handler for 'terminal:clear'"):
        make_core(cls=WithoutClear)


def test_a_handler_for_a_type_no_client_sends_is_a_start_up_error() -> None:
    class WithServerType(ServerCore):
        def handler_table(self) -> dict[str, Handler]:
            return {**super().handler_table(), "agent:list": self._on_heartbeat_pong}

    with pytest.raises(HandlerTableError, match="'agent:list', which no client sends"):
        make_core(cls=WithServerType)
