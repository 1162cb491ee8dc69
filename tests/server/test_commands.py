"""The command queue end to end: CMD-1..CMD-19."""

from __future__ import annotations

import pytest

pytestmark = pytest.mark.asyncio


async def request(dashboard, command: str, agent_id: str = "a1", **extra) -> dict:
    """Send a command:request; return its command:queued (the queued status consumed)."""
    await dashboard.send(
        {"type": "command:request", "agentId": agent_id, "command": command, **extra}
    )
    queued = await dashboard.recv_type("command:queued")
    status = await dashboard.recv_type("command:status")
    assert (status["commandId"], status["status"]) == (queued["commandId"], "queued")
    return queued


async def finish(agent, command_id: str, status: str = "completed") -> None:
    await agent.send(
        {"type": "command:status", "commandId": command_id, "agentId": "a1", "status": status}
    )


async def test_request_is_queued_with_server_id_and_executed(server) -> None:
    """CMD-1, CMD-2, CMD-4, CMD-7, CMD-8, MSG-10: queued (requester first), then executed."""
    agent = await server.agent("alice", "a1")
    other = await server.dashboard(dashboard_id="other")
    dashboard = await server.dashboard()
    await dashboard.send(
        {"type": "command:request", "agentId": "a1", "command": "ls", "requestId": "r-1"}
    )
    queued = await dashboard.recv()
    assert queued["type"] == "command:queued"
    assert (queued["agentId"], queued["position"], queued["estimatedWait"]) == ("a1", 1, 0)
    assert queued["requestId"] == "r-1"
    status = await dashboard.recv()
    assert (status["type"], status["status"]) == ("command:status", "queued")
    assert (await other.recv())["status"] == "queued"
    execute = await agent.recv()
    assert execute == {
        "type": "command:execute",
        "commandId": queued["commandId"],
        "command": "ls",
        "args": [],
        "timestamp": execute["timestamp"],
    }


async def test_command_ids_are_unique(server) -> None:
    """CMD-2."""
    await server.agent("alice", "a1")
    dashboard = await server.dashboard()
    ids = {(await request(dashboard, f"c{i}"))["commandId"] for i in range(10)}
    assert len(ids) == 10  # the default limit is 10 per minute


async def test_positions_and_waits_follow_execution_order(server) -> None:
    """CMD-3, CMD-4, CMD-9: position among pending commands in priority order."""
    await server.agent("alice", "a1")
    dashboard = await server.dashboard()
    first = await request(dashboard, "running-now")
    assert (first["position"], first["estimatedWait"]) == (1, 0)
    low = await request(dashboard, "low", priority="low")
    normal = await request(dashboard, "normal")
    high = await request(dashboard, "high", priority="high")
    assert (low["position"], normal["position"], high["position"]) == (1, 1, 1)
    high2 = await request(dashboard, "high2", priority="high")
    assert high2["position"] == 2
    assert all(q["estimatedWait"] > 0 for q in (low, normal, high, high2))


async def test_unknown_agent_is_agent_not_found(server) -> None:
    """CMD-5."""
    dashboard = await server.dashboard()
    await dashboard.send(
        {"type": "command:request", "agentId": "ghost", "command": "ls", "requestId": "q"}
    )
    reply = await dashboard.recv()
    assert (reply["type"], reply["code"], reply["requestId"]) == (
        "command:error",
        "AGENT_NOT_FOUND",
        "q",
    )


async def test_queue_full_counts_pending_only(harness) -> None:
    """CMD-6: ``max_queue`` pending; the running command does not count."""
    await harness.start({"max_queue": 2})
    await harness.agent("alice", "a1")
    dashboard = await harness.dashboard()
    for name in ("running", "p1", "p2"):
        await request(dashboard, name)
    await dashboard.send({"type": "command:request", "agentId": "a1", "command": "p3"})
    reply = await dashboard.recv()
    assert (reply["type"], reply["code"], reply["agentId"]) == ("command:error", "QUEUE_FULL", "a1")


async def test_one_command_at_a_time_in_priority_order(server) -> None:
    """CMD-8, CMD-9, CMD-10, CMD-11: next one only after a final status or complete."""
    agent = await server.agent("alice", "a1")
    dashboard = await server.dashboard()
    first = await request(dashboard, "first")
    await request(dashboard, "low", priority="low")
    await request(dashboard, "normal")
    await request(dashboard, "high", priority="high")
    assert (await agent.recv_type("command:execute"))["command"] == "first"
    await agent.send(
        {
            "type": "command:status",
            "commandId": first["commandId"],
            "agentId": "a1",
            "status": "running",
        }
    )
    await agent.quiet(0.3)  # still running: nothing new
    assert (await dashboard.recv())["status"] == "running"  # CMD-10
    await agent.send(
        {
            "type": "command:complete",
            "commandId": first["commandId"],
            "agentId": "a1",
            "exitCode": 0,
            "duration": 12,
        }
    )
    forwarded = await dashboard.recv()
    assert (forwarded["type"], forwarded["exitCode"]) == ("command:complete", 0)
    order = []
    for _ in range(3):
        execute = await agent.recv_type("command:execute")
        order.append(execute["command"])
        await finish(agent, execute["commandId"])
    assert order == ["high", "normal", "low"]


async def test_reports_on_foreign_commands_are_forbidden(server) -> None:
    """CMD-12: never sent to this agent, or status queued: FORBIDDEN; complete after final is ok."""
    agent = await server.agent("alice", "a1")
    dashboard = await server.dashboard()
    queued = await request(dashboard, "ls")
    await agent.recv_type("command:execute")
    await agent.send(
        {"type": "command:status", "commandId": "cmd-999", "agentId": "a1", "status": "running"}
    )
    assert (await agent.recv())["code"] == "FORBIDDEN"
    await agent.send(
        {
            "type": "command:status",
            "commandId": queued["commandId"],
            "agentId": "a1",
            "status": "queued",
        }
    )
    assert (await agent.recv())["code"] == "FORBIDDEN"
    await dashboard.quiet(0.2)
    await finish(agent, queued["commandId"])
    assert (await dashboard.recv())["status"] == "completed"
    await agent.send(
        {
            "type": "command:complete",
            "commandId": queued["commandId"],
            "agentId": "a1",
            "exitCode": 0,
            "duration": 5,
        }
    )
    assert (await dashboard.recv())["type"] == "command:complete"


async def test_interrupt_pending_removes_it(server) -> None:
    """CMD-13: interrupted status to dashboards; never executed."""
    agent = await server.agent("alice", "a1")
    dashboard = await server.dashboard()
    running = await request(dashboard, "running")
    pending = await request(dashboard, "pending")
    await dashboard.send({"type": "command:interrupt", "commandId": pending["commandId"]})
    status = await dashboard.recv()
    assert (status["commandId"], status["status"]) == (pending["commandId"], "interrupted")
    await agent.recv_type("command:execute")
    await finish(agent, running["commandId"])
    await agent.quiet(0.3)


async def test_interrupt_running_is_forwarded_to_agent(server) -> None:
    """CMD-14: forwarded; the command stays running until the agent reports."""
    agent = await server.agent("alice", "a1")
    dashboard = await server.dashboard()
    running = await request(dashboard, "sleep 100")
    await agent.recv_type("command:execute")
    await dashboard.send(
        {"type": "command:interrupt", "commandId": running["commandId"], "requestId": "x"}
    )
    interrupt = await agent.recv()
    assert (interrupt["type"], interrupt["commandId"]) == (
        "command:interrupt",
        running["commandId"],
    )
    assert "requestId" not in interrupt
    await dashboard.send({"type": "command:interrupt", "commandId": running["commandId"]})
    assert (await agent.recv())["type"] == "command:interrupt"  # still running
    await finish(agent, running["commandId"], "interrupted")
    assert (await dashboard.recv())["status"] == "interrupted"


async def test_interrupt_finished_or_unknown_is_command_not_found(server) -> None:
    """CMD-15."""
    agent = await server.agent("alice", "a1")
    dashboard = await server.dashboard()
    done = await request(dashboard, "true")
    await agent.recv_type("command:execute")
    await finish(agent, done["commandId"])
    await dashboard.recv_type("command:status")
    for command_id in (done["commandId"], "never"):
        await dashboard.send(
            {"type": "command:interrupt", "commandId": command_id, "requestId": "i"}
        )
        reply = await dashboard.recv()
        assert (reply["type"], reply["code"], reply["requestId"]) == (
            "command:error",
            "COMMAND_NOT_FOUND",
            "i",
        )


async def test_emergency_stop(server) -> None:
    """CMD-16: pending interrupted; forwarded to the owner's agents and other dashboards only."""
    agent = await server.agent("alice", "a1")
    agent2 = await server.agent("alice", "a2")
    dashboard = await server.dashboard()
    other = await server.dashboard(dashboard_id="other")
    running = await request(dashboard, "running")
    pending = await request(dashboard, "pending")
    for _ in range(2):
        await other.recv_type("command:status")
    await agent.recv_type("command:execute")
    await dashboard.send({"type": "system:emergency-stop", "reason": "halt", "requestId": "e"})
    status = await dashboard.recv()
    assert (status["commandId"], status["status"]) == (pending["commandId"], "interrupted")
    assert (await other.recv())["status"] == "interrupted"
    forwarded = await other.recv()
    assert (forwarded["type"], forwarded["reason"]) == ("system:emergency-stop", "halt")
    assert (await agent.recv())["type"] == "system:emergency-stop"
    assert (await agent2.recv())["type"] == "system:emergency-stop"
    await dashboard.quiet(0.2)  # not echoed to the sender
    await finish(agent, running["commandId"], "interrupted")


async def test_departed_agent_fails_its_commands(server) -> None:
    """CMD-17, CMD-18: running and pending get failed; every accepted command ends finally."""
    agent = await server.agent("alice", "a1")
    dashboard = await server.dashboard()
    ids = {(await request(dashboard, name))["commandId"] for name in ("a", "b", "c")}
    await agent.recv_type("command:execute")
    await agent.close()
    failed = set()
    while len(failed) < 3:
        message = await dashboard.recv(timeout=5)
        if message["type"] == "command:status":
            assert message["status"] == "failed"
            failed.add(message["commandId"])
    assert failed == ids
    assert (await dashboard.recv())["status"] == "offline"


async def test_dashboard_leaving_does_not_cancel_commands(server) -> None:
    """CMD-19."""
    agent = await server.agent("alice", "a1")
    requester = await server.dashboard()
    watcher = await server.dashboard(dashboard_id="watcher")
    queued = await request(requester, "build")
    await watcher.recv_type("command:status")
    await requester.close()
    execute = await agent.recv_type("command:execute")
    await finish(agent, execute["commandId"])
    final = await watcher.recv()
    assert (final["commandId"], final["status"]) == (queued["commandId"], "completed")
