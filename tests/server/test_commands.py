"""The command queue end to end over loopback: a request queued and executed, an agent whose
socket ends failing its commands. The queue's rules (order, priorities, interrupts, emergency
stop, sizes: CMD-1..CMD-20) are driven through the core in ``test_core_commands.py``."""

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
