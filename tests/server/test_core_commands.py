"""The command queue in memory: CMD-1..CMD-20 driven through the core (``core_harness.py``).

End to end over loopback: ``test_commands.py``.
"""

from __future__ import annotations

from typing import Any

from core_harness import Conn, Core

NO_LIMITS: dict[str, Any] = {
    "global": {"per_minute": None, "per_hour": None},
    "owner": {"per_minute": None, "per_hour": None},
    "connection": {"burst_per_second": None, "per_minute": None, "per_hour": None},
    "types": {"terminal:output": None, "command:request": None, "heartbeat:ping": None},
}


def request(dashboard: Conn, command: str, agent_id: str = "a1", **extra: Any) -> dict[str, Any]:
    """Send a command:request; return its command:queued (the queued status taken)."""
    dashboard.send({"type": "command:request", "agentId": agent_id, "command": command, **extra})
    queued = dashboard.recv_type("command:queued")
    status = dashboard.recv_type("command:status")
    assert (status["commandId"], status["status"]) == (queued["commandId"], "queued")
    return queued


def finish(agent: Conn, command_id: str, status: str = "completed") -> None:
    agent.send(
        {"type": "command:status", "commandId": command_id, "agentId": "a1", "status": status}
    )


def test_command_ids_are_unique() -> None:
    """CMD-2."""
    core = Core()
    core.agent("alice", "a1")
    dashboard = core.dashboard()
    ids = {request(dashboard, f"c{i}")["commandId"] for i in range(10)}
    assert len(ids) == 10  # the default limit is 10 per minute


def test_positions_and_waits_follow_execution_order() -> None:
    """CMD-3, CMD-4, CMD-9: position among pending commands in priority order."""
    core = Core()
    core.agent("alice", "a1")
    dashboard = core.dashboard()
    first = request(dashboard, "running-now")
    assert (first["position"], first["estimatedWait"]) == (1, 0)
    low = request(dashboard, "low", priority="low")
    normal = request(dashboard, "normal")
    high = request(dashboard, "high", priority="high")
    assert (low["position"], normal["position"], high["position"]) == (1, 1, 1)
    high2 = request(dashboard, "high2", priority="high")
    assert high2["position"] == 2
    assert all(q["estimatedWait"] > 0 for q in (low, normal, high, high2))


def test_unknown_agent_is_agent_not_found() -> None:
    """CMD-5."""
    core = Core()
    dashboard = core.dashboard()
    dashboard.send(
        {"type": "command:request", "agentId": "ghost", "command": "ls", "requestId": "q"}
    )
    reply = dashboard.recv()
    assert (reply["type"], reply["code"], reply["requestId"]) == (
        "command:error",
        "AGENT_NOT_FOUND",
        "q",
    )


def test_queue_full_counts_pending_only() -> None:
    """CMD-6: ``max_queue`` pending; the running command does not count."""
    core = Core({"max_queue": 2})
    core.agent("alice", "a1")
    dashboard = core.dashboard()
    for name in ("running", "p1", "p2"):
        request(dashboard, name)
    dashboard.send({"type": "command:request", "agentId": "a1", "command": "p3"})
    reply = dashboard.recv()
    assert (reply["type"], reply["code"], reply["agentId"]) == ("command:error", "QUEUE_FULL", "a1")
    dashboard.quiet()  # nothing was queued: no command:status


def test_one_command_at_a_time_in_priority_order() -> None:
    """CMD-8, CMD-9, CMD-10, CMD-11: next one only after a final status or complete."""
    core = Core()
    agent = core.agent("alice", "a1")
    dashboard = core.dashboard()
    first = request(dashboard, "first")
    request(dashboard, "low", priority="low")
    request(dashboard, "normal")
    request(dashboard, "high", priority="high")
    assert agent.recv_type("command:execute")["command"] == "first"
    agent.send(
        {
            "type": "command:status",
            "commandId": first["commandId"],
            "agentId": "a1",
            "status": "running",
        }
    )
    agent.quiet()  # still running: nothing new
    assert dashboard.recv()["status"] == "running"  # CMD-10
    agent.send(
        {
            "type": "command:complete",
            "commandId": first["commandId"],
            "agentId": "a1",
            "exitCode": 0,
            "duration": 12,
        }
    )
    forwarded = dashboard.recv()
    assert (forwarded["type"], forwarded["exitCode"]) == ("command:complete", 0)
    order = []
    for _ in range(3):
        execute = agent.recv_type("command:execute")
        order.append(execute["command"])
        finish(agent, execute["commandId"])
    assert order == ["high", "normal", "low"]
    agent.quiet()


def test_reports_on_foreign_commands_are_forbidden() -> None:
    """CMD-12, AUTH-11: never sent to this agent, or status queued: FORBIDDEN, logged; complete
    after final is ok."""
    core = Core()
    agent = core.agent("alice", "a1")
    dashboard = core.dashboard()
    queued = request(dashboard, "ls")
    agent.recv_type("command:execute")
    agent.send(
        {"type": "command:status", "commandId": "cmd-999", "agentId": "a1", "status": "running"}
    )
    assert agent.recv()["code"] == "FORBIDDEN"
    agent.send(
        {
            "type": "command:status",
            "commandId": queued["commandId"],
            "agentId": "a1",
            "status": "queued",
        }
    )
    assert agent.recv()["code"] == "FORBIDDEN"
    assert len(core.events("forbidden")) == 2
    dashboard.quiet()
    finish(agent, queued["commandId"])
    assert dashboard.recv()["status"] == "completed"
    agent.send(
        {
            "type": "command:complete",
            "commandId": queued["commandId"],
            "agentId": "a1",
            "exitCode": 0,
            "duration": 5,
        }
    )
    assert dashboard.recv()["type"] == "command:complete"
    agent.quiet()


def test_interrupt_pending_removes_it() -> None:
    """CMD-13: interrupted status to dashboards; never executed."""
    core = Core()
    agent = core.agent("alice", "a1")
    dashboard = core.dashboard()
    running = request(dashboard, "running")
    pending = request(dashboard, "pending")
    dashboard.send({"type": "command:interrupt", "commandId": pending["commandId"]})
    status = dashboard.recv()
    assert (status["commandId"], status["status"]) == (pending["commandId"], "interrupted")
    assert agent.recv_type("command:execute")["commandId"] == running["commandId"]
    finish(agent, running["commandId"])
    agent.quiet()


def test_interrupt_running_is_forwarded_to_agent() -> None:
    """CMD-14: forwarded; the command stays running until the agent reports."""
    core = Core()
    agent = core.agent("alice", "a1")
    dashboard = core.dashboard()
    running = request(dashboard, "sleep 100")
    agent.recv_type("command:execute")
    dashboard.send(
        {"type": "command:interrupt", "commandId": running["commandId"], "requestId": "x"}
    )
    interrupt = agent.recv()
    assert (interrupt["type"], interrupt["commandId"]) == (
        "command:interrupt",
        running["commandId"],
    )
    assert "requestId" not in interrupt
    dashboard.send({"type": "command:interrupt", "commandId": running["commandId"]})
    assert agent.recv()["type"] == "command:interrupt"  # still running
    dashboard.quiet()
    finish(agent, running["commandId"], "interrupted")
    assert dashboard.recv()["status"] == "interrupted"


def test_interrupt_finished_or_unknown_is_command_not_found() -> None:
    """CMD-15."""
    core = Core()
    agent = core.agent("alice", "a1")
    dashboard = core.dashboard()
    done = request(dashboard, "true")
    agent.recv_type("command:execute")
    finish(agent, done["commandId"])
    dashboard.recv_type("command:status")
    for command_id in (done["commandId"], "never"):
        dashboard.send({"type": "command:interrupt", "commandId": command_id, "requestId": "i"})
        reply = dashboard.recv()
        assert (reply["type"], reply["code"], reply["requestId"]) == (
            "command:error",
            "COMMAND_NOT_FOUND",
            "i",
        )


def test_emergency_stop() -> None:
    """CMD-16: pending interrupted; forwarded to the owner's agents and other dashboards only."""
    core = Core()
    agent = core.agent("alice", "a1")
    agent2 = core.agent("alice", "a2")
    dashboard = core.dashboard()
    other = core.dashboard(dashboard_id="other")
    running = request(dashboard, "running")
    pending = request(dashboard, "pending")
    for _ in range(2):
        other.recv_type("command:status")
    agent.recv_type("command:execute")
    dashboard.send({"type": "system:emergency-stop", "reason": "halt", "requestId": "e"})
    status = dashboard.recv()
    assert (status["commandId"], status["status"]) == (pending["commandId"], "interrupted")
    assert other.recv()["status"] == "interrupted"
    forwarded = other.recv()
    assert (forwarded["type"], forwarded["reason"]) == ("system:emergency-stop", "halt")
    assert agent.recv()["type"] == "system:emergency-stop"
    assert agent2.recv()["type"] == "system:emergency-stop"
    dashboard.quiet()  # not echoed to the sender
    finish(agent, running["commandId"], "interrupted")
    agent.quiet()  # the pending one was never executed
    assert dashboard.recv()["status"] == "interrupted"


def test_departed_agent_fails_its_commands() -> None:
    """CMD-17, CMD-18: running and pending get failed; every accepted command ends finally."""
    core = Core()
    agent = core.agent("alice", "a1")
    dashboard = core.dashboard()
    ids = {request(dashboard, name)["commandId"] for name in ("a", "b", "c")}
    agent.recv_type("command:execute")
    agent.leave()
    failed = dashboard.take()
    assert [(m["type"], m["status"]) for m in failed] == [("command:status", "failed")] * 3 + [
        ("agent:status", "offline")
    ]
    assert {m["commandId"] for m in failed[:3]} == ids


def test_dashboard_leaving_does_not_cancel_commands() -> None:
    """CMD-19."""
    core = Core()
    agent = core.agent("alice", "a1")
    requester = core.dashboard()
    watcher = core.dashboard(dashboard_id="watcher")
    queued = request(requester, "build")
    watcher.recv_type("command:status")
    requester.leave()
    execute = agent.recv_type("command:execute")
    finish(agent, execute["commandId"])
    final = watcher.recv()
    assert (final["commandId"], final["status"]) == (queued["commandId"], "completed")


# --------------------------------------------------------------------- CMD-20


def big_args(size: int) -> list[str]:
    """Arguments whose UTF-8 bytes add up to ``size`` (each at most 4096, the schema's bound)."""
    args = ["a" * 4096] * (size // 4096)
    if size % 4096:
        args.append("a" * (size % 4096))
    return args


def sized(dashboard: Conn, agent_id: str, size: int) -> dict[str, Any]:
    """A ``command:request`` whose command and args make ``size`` bytes (CMD-20); its answer."""
    dashboard.send(
        {"type": "command:request", "agentId": agent_id, "command": "x", "args": big_args(size - 1)}
    )
    answer = dashboard.recv()
    if answer["type"] == "command:queued":
        status = dashboard.recv_type("command:status")
        assert status["status"] == "queued"
    return answer


def test_agent_queue_bytes_are_bounded() -> None:
    """CMD-20: past ``max_queue_bytes`` of pending commands an agent's queue is full; within
    it, and within ``max_queue`` (CMD-6), nothing is refused; the running one does not count."""
    core = Core({"max_queue": 10, "max_queue_bytes": 100_000, "limits": NO_LIMITS})
    core.agent("alice", "a1")
    dashboard = core.dashboard()
    assert sized(dashboard, "a1", 90_000)["type"] == "command:queued"  # runs at once
    assert sized(dashboard, "a1", 60_000)["type"] == "command:queued"  # pending 60,000
    assert sized(dashboard, "a1", 40_000)["type"] == "command:queued"  # 100,000 exactly
    refused = sized(dashboard, "a1", 1)
    assert (refused["type"], refused["code"], refused["agentId"]) == (
        "command:error",
        "QUEUE_FULL",
        "a1",
    )
    assert "bytes" in refused["error"]
    dashboard.quiet()  # nothing was queued: no command:status


def test_owner_queue_bytes_are_bounded_across_agents() -> None:
    """CMD-20: the owner's agents together stay within ``max_owner_queue_bytes``; another owner
    has a budget of its own."""
    core = Core(
        {
            "max_queue": 10,
            "max_queue_bytes": 100_000,
            "max_owner_queue_bytes": 150_000,
            "limits": NO_LIMITS,
        }
    )
    for agent_id in ("a1", "a2"):
        core.agent("alice", agent_id)
    core.agent("bob", "a1")
    alice = core.dashboard("alice")
    bob = core.dashboard("bob", "bob-dash")
    for agent_id in ("a1", "a2"):
        assert sized(alice, agent_id, 10)["type"] == "command:queued"  # running
    assert sized(alice, "a1", 80_000)["type"] == "command:queued"
    assert sized(alice, "a2", 70_000)["type"] == "command:queued"  # 150,000 in all
    refused = sized(alice, "a2", 1)  # a2 alone holds 70,000 of its 100,000
    assert (refused["code"], refused["agentId"]) == ("QUEUE_FULL", "a2")
    assert "owner" in refused["error"]
    sized(bob, "a1", 10)
    assert sized(bob, "a1", 100_000)["type"] == "command:queued"


def test_queue_bytes_are_freed_by_start_interrupt_and_stop() -> None:
    """CMD-20 with CMD-11, CMD-13, CMD-16: a command leaving the queue frees its bytes."""
    core = Core({"max_queue": 10, "max_queue_bytes": 100_000, "limits": NO_LIMITS})
    agent = core.agent("alice", "a1")
    dashboard = core.dashboard()
    running = sized(dashboard, "a1", 10)
    pending = sized(dashboard, "a1", 100_000)
    assert sized(dashboard, "a1", 1)["code"] == "QUEUE_FULL"
    agent.send(
        {"type": "command:complete", "commandId": running["commandId"], "agentId": "a1",
         "exitCode": 0, "duration": 1}
    )  # fmt: skip
    dashboard.recv_type("command:complete")
    second = sized(dashboard, "a1", 100_000)  # the pending one started: room again
    assert second["type"] == "command:queued"
    dashboard.send({"type": "command:interrupt", "commandId": second["commandId"]})
    assert dashboard.recv_type("command:status")["status"] == "interrupted"
    assert sized(dashboard, "a1", 100_000)["type"] == "command:queued"
    dashboard.send({"type": "system:emergency-stop", "reason": "test"})
    assert dashboard.recv_type("command:status")["status"] == "interrupted"
    assert sized(dashboard, "a1", 100_000)["type"] == "command:queued"
    assert pending["commandId"] != second["commandId"]
