"""A stateful model of owners, agents, dashboards and commands (``RuleBasedStateMachine``).

Random sequences of connect, leave, status, request (with priorities),
execute, output, interrupt, emergency stop and refresh run against the
server; after every step the model checks tenancy (TEN-2), terminal order
(TERM-1), queue order and positions (CMD-3, CMD-9), every server message
valid (MSG-8), and at the end that every accepted command reached a final
status the dashboards saw (CMD-18). Failures shrink to a minimal sequence.

The model lives within every limit of the profile (issue 9), whatever the
seed: its connections are paced (``budget.py``: a send waits for a free slot
of the one-second windows), and a rule runs only while the minute and hour
windows of every connection it uses have room for it (:meth:`Session.fits`,
counted, so the decision does not depend on timing); otherwise it does
nothing. Its comparisons look only at what its own requirements are about
(TERM-1: which outputs arrived, in which order; not their envelopes, MSG-13).
"""

from __future__ import annotations

import asyncio
import itertools
from collections.abc import Coroutine
from dataclasses import dataclass, field
from typing import Any, TypeVar

from hypothesis import seed
from hypothesis import strategies as st
from hypothesis.stateful import (
    Bundle,
    RuleBasedStateMachine,
    invariant,
    multiple,
    rule,
    run_state_machine_as_test,
)

from onsembl_conformance.checks._flows import status_for
from onsembl_conformance.client import Connection, describe
from onsembl_conformance.context import CheckContext, message
from onsembl_conformance.errors import CheckFailure
from onsembl_conformance.hypo import Bridge, discard_if, property_settings, run_property
from onsembl_conformance.registry import check

T = TypeVar("T")

RANK = {"high": 0, "normal": 1, None: 1, "low": 2}
STEPS = 20
"""Steps per example of the command model."""
PING_ROUNDS = 2
"""Round trips one rule may make on each connection (a settle, then another in ``finish``)."""
RESERVE = 4
"""Slots of each connection's minute and hour windows kept free: the client's answers to the
server's pings (HB-5), which depend on timing, and an agent's final ``agent:disconnect``."""


@dataclass
class AgentModel:
    agent_id: str
    conn: Connection | None
    running: str | None = None
    pending: list[tuple[int, int, str]] = field(default_factory=list)  # (rank, seq, commandId)
    outputs: list[dict[str, Any]] = field(default_factory=list)


class Session:
    """The live side of one example: connections and the model's expectations."""

    def __init__(self, ctx: CheckContext) -> None:
        self.ctx = ctx
        self.owner = ctx.owner()
        self.dashes: list[Connection] = []
        self.spy: Connection | None = None
        self.agents: dict[str, AgentModel] = {}
        self.accepted: set[str] = set()
        self.finals: dict[str, str] = {}
        self.seq = itertools.count()
        self.turn = 0

    async def start(self) -> None:
        for _ in range(2):
            self.dashes.append((await self.ctx.dashboard(self.owner))[0])
        self.spy = (await self.ctx.dashboard())[0]

    async def settle(self, first: Connection | None = None) -> None:
        """Every message sent so far is handled and its forwards delivered."""
        if first is not None and not first.closed.is_set():
            await self.sync(first)
        for conn in [*self.dashes, *(a.conn for a in self.agents.values() if a.conn)]:
            if conn is not first and not conn.closed.is_set():
                await self.sync(conn)

    async def sync(self, conn: Connection) -> None:
        """A ping round trip (HB-1): everything sent on ``conn`` before has been handled.

        The ping is paced like every send of the model (issue 9); its refusal, which
        echoes its ``requestId`` (MSG-10), drops the example (:meth:`step`)."""
        request_id = f"sync-{next(self.seq)}"

        def answer(m: dict[str, Any]) -> bool:
            return m["type"] == "heartbeat:pong" or m.get("requestId") == request_id

        await conn.send(message("heartbeat:ping", requestId=request_id))
        reply = await conn.expect(
            ("heartbeat:pong", "connection:error"),
            "HB-1",
            where=answer,
            what="heartbeat:pong (connection alive)",
        )
        if reply["type"] != "heartbeat:pong":
            discard_if(self.refused())
            raise CheckFailure("HB-1", "heartbeat:pong", describe(reply))

    def turns(self) -> tuple[Connection, Connection]:
        """The dashboard whose turn it is to send an interrupt, a stop or a refresh, and the
        other one: taking turns, each one's one-second burst holds half of them (issue 9).
        Call :meth:`took_turn` once the rule goes ahead."""
        return self.dashes[self.turn % 2], self.dashes[1 - self.turn % 2]

    def took_turn(self) -> None:
        self.turn += 1

    def live(self) -> list[Connection]:
        """The owner's open connections that :meth:`settle` pings."""
        return [*self.dashes, *(a.conn for a in self.agents.values() if a.conn)]

    def fits(self, *sends: tuple[Connection, list[str]]) -> bool:
        """Whether a rule sending ``sends`` (connection, types) stays within every minute and
        hour window: each live connection also needs room for :data:`PING_ROUNDS` pings, and
        :data:`RESERVE` slots stay free. Counted, not timed: the same example decides the same
        way on every run, so shrinking replays it exactly (issue 9)."""
        planned: dict[int, tuple[Connection, list[str]]] = {
            id(conn): (conn, ["heartbeat:ping"] * PING_ROUNDS) for conn in self.live()
        }
        for conn, kinds in sends:
            planned.setdefault(id(conn), (conn, []))[1].extend(kinds)
        return all(conn.budget.room(kinds, reserve=RESERVE) for conn, kinds in planned.values())

    def refused(self) -> bool:
        """Whether any connection of this example got a ``RATE_LIMIT`` refusal; global ones
        of a quota other clients spent go into the run's budget."""
        self.ctx.global_quota_spent()
        return any(
            m["type"] == "connection:error" and m.get("code") == "RATE_LIMIT"
            for conn in self.ctx.connections
            for m in conn.received
        )

    async def step(self, exchange: Coroutine[Any, Any, T]) -> T:
        """Run one rule's exchange.

        The model's messages are within every limit (paced and counted), so the server
        has no reason to refuse one for a rate limit. If it does anyway (it counts more
        than RATE-1..RATE-3 say, which the RATE checks judge, or it handled a message
        later than the pacing margin allows), the model's expectations no longer hold:
        the example is dropped, whatever the step concluded, rather than reported under
        a requirement it does not show broken (issue 9). So is a global refusal with the
        server's quota spent by other clients; the run's budget then holds every send,
        and every new connection (:meth:`CheckContext.room_to_open`), until it frees:
        the next example waits it out.
        """
        try:
            result = await exchange
        except CheckFailure:
            discard_if(self.refused())
            raise
        discard_if(self.refused())
        return result

    async def dispatch(self, agent: AgentModel) -> None:
        """An idle agent with pending work must receive the right command:execute (CMD-9)."""
        assert agent.conn is not None
        if agent.running is None and agent.pending:
            agent.pending.sort()
            _, _, expected = agent.pending.pop(0)
            got = await agent.conn.expect("command:execute", "CMD-8")
            if got["commandId"] != expected:
                raise CheckFailure(
                    "CMD-9", f"command:execute of {expected} (priority order)", describe(got)
                )
            agent.running = expected
        extra = agent.conn.take("command:execute")
        if extra:
            raise CheckFailure("CMD-8", "at most one running command", describe(extra[0]))

    async def request(self, agent_id: str, priority: str | None) -> None:
        dash = self.dashes[0]
        fields: dict[str, Any] = {"priority": priority} if priority else {}
        await dash.send(message("command:request", agentId=agent_id, command="job", **fields))
        reply = await dash.expect_reply(
            ("command:queued", "command:error", "connection:error"), "CMD-1"
        )
        agent = self.agents.get(agent_id)
        if reply["type"] == "connection:error":
            raise CheckFailure("CMD-1", "command:queued or command:error", describe(reply))
        if agent is None or agent.conn is None:
            if reply.get("code") != "AGENT_NOT_FOUND":
                raise CheckFailure("CMD-5", "command:error AGENT_NOT_FOUND", describe(reply))
            return
        if len(agent.pending) >= self.ctx.profile.max_queue:
            if reply.get("code") != "QUEUE_FULL":
                raise CheckFailure("CMD-6", "command:error QUEUE_FULL", describe(reply))
            return
        if reply["type"] != "command:queued":
            raise CheckFailure("CMD-1", "command:queued", describe(reply))
        rank = RANK[priority]
        position = 1 + sum(1 for r, _, _ in agent.pending if r <= rank)
        if reply["position"] != position:
            raise CheckFailure("CMD-3", f"position {position}", describe(reply))
        command_id = reply["commandId"]
        if command_id in self.accepted:
            raise CheckFailure("CMD-2", "a unique commandId", describe(reply))
        self.accepted.add(command_id)
        agent.pending.append((rank, next(self.seq), command_id))
        await self.settle(dash)
        for viewer in self.dashes:
            await status_for(viewer, command_id, "queued", "CMD-7")
        await self.dispatch(agent)

    async def finish(self, agent: AgentModel, status: str) -> None:
        assert agent.conn is not None and agent.running is not None
        command_id = agent.running
        await agent.conn.send(
            message("command:status", commandId=command_id, agentId=agent.agent_id, status=status)
        )
        await self.settle(agent.conn)
        for viewer in self.dashes:
            await status_for(viewer, command_id, status, "CMD-10")
        self.finals[command_id] = status
        agent.running = None
        await self.dispatch(agent)

    async def leave(self, agent: AgentModel) -> None:
        """The agent says ``agent:disconnect`` and is closed with 1000 (CLOSE-1); a departure
        for PRES-4 and CMD-17."""
        conn = agent.conn
        assert conn is not None
        await conn.send(message("agent:disconnect", agentId=agent.agent_id))
        await conn.expect_close(1000, "CLOSE-1")
        agent.conn = None
        doomed = [c for _, _, c in agent.pending] + ([agent.running] if agent.running else [])
        for viewer in self.dashes:
            await viewer.expect(
                "agent:status",
                "PRES-4",
                within=1.5,
                where=lambda m: m["agentId"] == agent.agent_id and m["status"] == "offline",
            )
            for command_id in doomed:
                await status_for(viewer, command_id, "failed", "CMD-17", within=1.5)
        for command_id in doomed:
            self.finals[command_id] = "failed"
        agent.pending.clear()
        agent.running = None

    async def check_invariants(self) -> None:
        self.ctx.raise_violation()
        assert self.spy is not None
        leaked = [
            m
            for m in self.spy.inbox
            if m["type"] not in ("heartbeat:ping", "heartbeat:pong", "auth:refresh-needed")
        ]
        if leaked:
            raise CheckFailure("TEN-2", "nothing of another owner", describe(leaked[0]))
        for viewer in self.dashes:
            for agent in self.agents.values():
                # TERM-1 is about which outputs arrive and in which order: each is known by
                # its content (unique per agent); the envelope is MSG-13's business.
                sent = [m["output"]["content"] for m in agent.outputs]
                seen = [
                    m["output"]["content"]
                    for m in viewer.received
                    if m["type"] == "terminal:output" and m["agentId"] == agent.agent_id
                ]
                if seen != sent:
                    raise CheckFailure(
                        "TERM-1", f"{len(sent)} outputs in order: {sent}", f"received {seen}"
                    )
            for status in viewer.take("command:status"):
                final = self.finals.get(status["commandId"])
                if (
                    final is not None
                    and status["status"] != final
                    and status["status"] in ("completed", "failed", "interrupted")
                ):
                    raise CheckFailure("CMD-18", f"one final status {final}", describe(status))


def machine(ctx: CheckContext, bridge: Bridge) -> type[RuleBasedStateMachine]:
    class CommandModel(RuleBasedStateMachine):
        agents = Bundle("agents")

        def __init__(self) -> None:
            super().__init__()
            bridge.new_example()
            self.s = Session(ctx)
            bridge.run(self.s.start())

        def step(self, exchange: Coroutine[Any, Any, T]) -> T:
            return bridge.run(self.s.step(exchange))

        @rule(target=agents)
        def connect_agent(self) -> Any:
            if not self.s.fits():
                return multiple()

            async def go() -> str:
                conn, agent_id = await ctx.agent(self.s.owner)
                self.s.agents[agent_id] = AgentModel(agent_id, conn)
                await self.s.settle(conn)
                for viewer in self.s.dashes:
                    await viewer.expect(
                        "agent:status", "PRES-2", where=lambda m: m["agentId"] == agent_id
                    )
                return agent_id

            return multiple(self.step(go()))

        @rule(agent_id=agents, priority=st.sampled_from([None, "high", "normal", "low"]))
        def request(self, agent_id: str, priority: str | None) -> None:
            if self.s.fits((self.s.dashes[0], ["command:request"])):
                self.step(self.s.request(agent_id, priority))

        @rule(agent_id=agents, status=st.sampled_from(["completed", "failed"]))
        def finish(self, agent_id: str, status: str) -> None:
            agent = self.s.agents[agent_id]
            if (
                agent.conn is not None
                and agent.running is not None
                and self.s.fits((agent.conn, ["command:status"]))
            ):
                self.step(self.s.finish(agent, status))

        @rule(agent_id=agents, count=st.integers(1, 4))
        def output(self, agent_id: str, count: int) -> None:
            agent = self.s.agents[agent_id]
            if agent.conn is None or not self.s.fits((agent.conn, ["terminal:output"] * count)):
                return

            async def go() -> None:
                assert agent.conn is not None
                for _ in range(count):
                    sent = message(
                        "terminal:output",
                        agentId=agent_id,
                        output={
                            "type": "stdout",
                            "content": f"{len(agent.outputs)}\n",
                            "timestamp": "2024-01-01T00:00:00Z",
                        },
                    )
                    agent.outputs.append(sent)
                    await agent.conn.send(sent)
                await self.s.settle(agent.conn)

            self.step(go())

        @rule(agent_id=agents, status=st.sampled_from(["busy", "error", "online"]))
        def status(self, agent_id: str, status: str) -> None:
            agent = self.s.agents[agent_id]
            if agent.conn is None or not self.s.fits((agent.conn, ["agent:status"])):
                return

            async def go() -> None:
                assert agent.conn is not None
                await agent.conn.send(message("agent:status", agentId=agent_id, status=status))
                await self.s.settle(agent.conn)
                for viewer in self.s.dashes:
                    await viewer.expect(
                        "agent:status",
                        "PRES-3",
                        where=lambda m: m["agentId"] == agent_id and m["status"] == status,
                    )

            self.step(go())

        @rule(agent_id=agents, which=st.sampled_from(["running", "pending", "finished", "unknown"]))
        def interrupt(self, agent_id: str, which: str) -> None:
            agent = self.s.agents[agent_id]
            dash, _ = self.s.turns()
            sends = [(dash, ["command:interrupt"])]
            if agent.conn is not None:
                sends.append((agent.conn, ["command:status"]))
            if not self.s.fits(*sends):
                return
            self.s.took_turn()

            async def go() -> None:
                if which == "running" and agent.running and agent.conn:
                    command_id = agent.running
                    await dash.send(message("command:interrupt", commandId=command_id))
                    got = await agent.conn.expect("command:interrupt", "CMD-14")
                    if got["commandId"] != command_id:
                        raise CheckFailure("CMD-14", f"interrupt of {command_id}", describe(got))
                    await self.s.finish(agent, "interrupted")
                elif which == "pending" and agent.pending and agent.conn:
                    _, _, command_id = agent.pending[-1]
                    await dash.send(message("command:interrupt", commandId=command_id))
                    await self.s.settle(dash)
                    for viewer in self.s.dashes:
                        await status_for(viewer, command_id, "interrupted", "CMD-13")
                    agent.pending.pop()
                    self.s.finals[command_id] = "interrupted"
                else:
                    finished = [c for c in self.s.finals]
                    command_id = (
                        finished[0] if which == "finished" and finished else "no-such-command"
                    )
                    await dash.send(message("command:interrupt", commandId=command_id))
                    reply = await dash.expect_reply(("command:error", "connection:error"), "CMD-15")
                    if reply.get("code") != "COMMAND_NOT_FOUND":
                        raise CheckFailure("CMD-15", "COMMAND_NOT_FOUND", describe(reply))

            self.step(go())

        @rule()
        def emergency_stop(self) -> None:
            sender, other = self.s.turns()
            if not self.s.fits((sender, ["system:emergency-stop"])):
                return
            self.s.took_turn()

            async def go() -> None:
                await sender.send(message("system:emergency-stop", reason="model"))
                await self.s.settle(sender)
                for agent in self.s.agents.values():
                    if agent.conn is None:
                        continue
                    await agent.conn.expect("system:emergency-stop", "CMD-16")
                    for _, _, command_id in agent.pending:
                        for viewer in self.s.dashes:
                            await status_for(viewer, command_id, "interrupted", "CMD-16")
                        self.s.finals[command_id] = "interrupted"
                    agent.pending.clear()
                await other.expect("system:emergency-stop", "CMD-16")

            self.step(go())

        @rule(agent_id=agents)
        def leave(self, agent_id: str) -> None:
            agent = self.s.agents[agent_id]
            if agent.conn is not None and self.s.fits((agent.conn, ["agent:disconnect"])):
                self.step(self.s.leave(agent))

        @rule()
        def refresh(self) -> None:
            dash, _ = self.s.turns()
            if not self.s.fits((dash, ["auth:refresh-token"])):
                return
            self.s.took_turn()

            async def go() -> None:
                await dash.send(
                    message(
                        "auth:refresh-token",
                        token=await ctx.issue(ctx.recipe(self.s.owner, ttl=7200)),
                    )
                )
                reply = await dash.expect_reply(
                    ("auth:refresh-success", "auth:refresh-failed", "connection:error"), "REFRESH-3"
                )
                if reply["type"] != "auth:refresh-success":
                    raise CheckFailure("REFRESH-3", "auth:refresh-success", describe(reply))

            self.step(go())

        @invariant()
        def consistent(self) -> None:
            self.step(self.s.check_invariants())

        def teardown(self) -> None:
            async def go() -> None:
                for agent in list(self.s.agents.values()):
                    if agent.conn is not None:
                        await self.s.leave(agent)
                missing = sorted(self.s.accepted - set(self.s.finals))
                if missing:
                    raise CheckFailure(
                        "CMD-18", "a final status for every accepted command", f"none for {missing}"
                    )

            try:
                if not bridge.discarded:
                    self.step(go())
            finally:
                bridge.finish_example()

    return CommandModel


@check("CMD-18", "CMD-3", "CMD-9", "TEN-2", "TERM-1", "MSG-8", tags=("hypothesis", "quick"))
async def check_command_model(ctx: CheckContext) -> None:
    """Random sequences of presence and command operations keep every invariant of the model."""
    bridge = Bridge(ctx, asyncio.get_running_loop())
    model = machine(ctx, bridge)
    examples = max(5, ctx.config.max_examples // 2)
    seeded = seed(ctx.seed)(model)

    def test() -> None:
        run_state_machine_as_test(
            seeded, settings=property_settings(ctx, examples=examples, steps=STEPS)
        )

    await run_property(ctx, test, bridge)
