"""The reference client against the reference server, over loopback, with real JWTs.

Dashboards and the demo agent are ``onsembl_client`` clients; the server is
``ReferenceServer`` in this process (restarted on the same port where a test
needs the server to go away and come back).
"""

from __future__ import annotations

import asyncio
from typing import Any

import pytest
from client_harness import SECRET, Kit, Recorder, merged, provider

from onsembl_client import Client, Delivery, Phase, run_demo_agent
from onsembl_client.events import (
    Connected,
    Connecting,
    Disconnected,
    Identified,
    Message,
    Refreshing,
)
from onsembl_spec.protocol import FINAL_STATUSES
from onsembl_spec.tokens import mint

pytestmark = pytest.mark.asyncio

QUICK = {  # short waits for the tests that lose the server
    "identify_timeout_s": 5,
    "reconnect": {"base_s": 0.2, "factor": 2, "cap_s": 1, "reset_after_s": 5},
}


async def demo_agent(kit: Kit, agent_id: str = "laptop", **options: Any) -> tuple[Client, Recorder]:
    async def work(client: Client, recorder: Recorder) -> None:
        await run_demo_agent(client, on_event=recorder.note)

    return await kit.client("agent", agent_id=agent_id, agent_type="demo", run=work, **options)


async def request(
    dashboard: Client, recorder: Recorder, agent: str, command: str, *args: str
) -> str:
    """Ask ``agent`` to run ``command``; the commandId the server gave it."""
    request_id = f"r-{len(recorder.events)}"
    message = {"type": "command:request", "agentId": agent, "command": command, "args": list(args)}
    await dashboard.send({**message, "requestId": request_id})
    queued = await recorder.message("command:queued", requestId=request_id)
    return str(queued["commandId"])


async def agent_online(recorder: Recorder, agent_id: str = "laptop") -> None:
    """The dashboard knows ``agent_id`` is online: from its agent:list or an agent:status."""

    def online(event: object) -> bool:
        if not isinstance(event, Message):
            return False
        message = event.message
        if message["type"] == "agent:status":
            return bool(message["agentId"] == agent_id and message["status"] == "online")
        if message["type"] == "agent:list":
            return any(a["agentId"] == agent_id for a in message["agents"])
        return False

    await recorder.wait_for(online)


def of_command(recorder: Recorder, command_id: str) -> list[tuple[str, Any]]:
    """The messages about ``command_id`` the dashboard saw: (type, status or content)."""
    seen = []
    for message in recorder.messages():
        if message.get("commandId") != command_id or message["type"] == "command:queued":
            continue
        detail = message.get("status") or message.get("output", {}).get("content")
        if message["type"] == "command:complete":
            detail = message["exitCode"]
        seen.append((message["type"], detail))
    return seen


async def test_a_dashboard_sees_the_agent_list_and_agent_status(kit: Kit) -> None:
    """PRES-1, PRES-2, PRES-4 seen by the reference client; CLIENT-2 for both roles."""
    await kit.servers.start()
    dashboard, seen = await kit.client("dashboard")
    assert (await seen.message("agent:list"))["agents"] == []
    agent, _ = await demo_agent(kit)
    await seen.message("agent:status", agentId="laptop", status="online")
    listing = kit.client("dashboard")
    _, second = await listing
    (entry,) = (await second.message("agent:list"))["agents"]
    assert (entry["agentId"], entry["agentType"], entry["status"]) == ("laptop", "demo", "online")
    assert await agent.close() == 1000  # CLOSE-1: agent:disconnect, then the server's 1000
    await seen.message("agent:status", agentId="laptop", status="offline")
    assert dashboard.phase is Phase.IDENTIFIED


async def test_the_demo_agent_runs_a_requested_command_to_completion(kit: Kit) -> None:
    """CLIENT-14, CLIENT-15: running, the output, command:complete, in that order."""
    await kit.servers.start()
    await demo_agent(kit)
    dashboard, seen = await kit.client("dashboard")
    await agent_online(seen)
    command_id = await request(dashboard, seen, "laptop", "echo", "hello", "world")
    await seen.message("command:complete", commandId=command_id)
    assert of_command(seen, command_id) == [
        ("command:status", "queued"),
        ("command:status", "running"),
        ("terminal:output", "hello world\n"),
        ("command:complete", 0),
    ]
    later = await request(dashboard, seen, "laptop", "sleep", "0.2", "after", "the", "wait")
    await seen.message("command:complete", commandId=later)
    assert of_command(seen, later) == [
        ("command:status", "queued"),
        ("command:status", "running"),
        ("terminal:output", "after the wait\n"),
        ("command:complete", 0),
    ]
    other = await request(dashboard, seen, "laptop", "ls", "-la")  # anything else: echoed back
    await seen.message("command:complete", commandId=other)
    assert ("terminal:output", "ls -la\n") in of_command(seen, other)


async def test_an_interrupt_ends_a_running_command_interrupted(kit: Kit) -> None:
    """CLIENT-16: interrupted within 5 s, and nothing about the command after it."""
    await kit.servers.start()
    await demo_agent(kit)
    dashboard, seen = await kit.client("dashboard")
    await agent_online(seen)
    command_id = await request(dashboard, seen, "laptop", "sleep", "30")
    await seen.message("command:status", commandId=command_id, status="running")
    asked = asyncio.get_running_loop().time()
    await dashboard.send({"type": "command:interrupt", "commandId": command_id})
    await seen.message("command:status", commandId=command_id, status="interrupted", timeout=5)
    assert asyncio.get_running_loop().time() - asked < 5
    after = await request(dashboard, seen, "laptop", "echo", "next")  # the queue moves on
    await seen.message("command:complete", commandId=after)
    finals = [
        d for t, d in of_command(seen, command_id) if d in FINAL_STATUSES or t.endswith("complete")
    ]
    assert finals == ["interrupted"]


async def test_an_emergency_stop_interrupts_and_the_agent_stays(kit: Kit) -> None:
    """CLIENT-17: the running command ends interrupted; the agent keeps its connection."""
    await kit.servers.start()
    agent, agent_seen = await demo_agent(kit)
    dashboard, seen = await kit.client("dashboard")
    await agent_online(seen)
    command_id = await request(dashboard, seen, "laptop", "sleep", "30")
    await seen.message("command:status", commandId=command_id, status="running")
    await dashboard.send({"type": "system:emergency-stop", "reason": "test"})
    await seen.message("command:status", commandId=command_id, status="interrupted", timeout=5)
    await agent_seen.message("system:emergency-stop")
    assert agent.phase is Phase.IDENTIFIED and len(agent_seen.of(Connected)) == 1
    after = await request(dashboard, seen, "laptop", "echo", "still", "here")
    await seen.message("command:complete", commandId=after)


async def test_refresh_needed_refreshes_on_the_same_connection(kit: Kit) -> None:
    """CLIENT-6, REFRESH-8: tokens of 3 s, refresh window 2 s: the client refreshes through
    its provider and is still on its first connection after the first token expired."""
    await kit.servers.start(merged(QUICK, {"refresh_window_s": 2}))
    dashboard, seen = await kit.client("dashboard", tokens=provider(ttl=3.0))
    await seen.message("agent:list")
    await seen.message("auth:refresh-needed", timeout=5)
    await seen.message("auth:refresh-success", timeout=5)
    await asyncio.sleep(3.5)  # past the first token's exp (REFRESH-7 would close it 1008)
    assert len(seen.of(Connected)) == 1 and len(seen.of(Disconnected)) == 0
    assert len(seen.of(Refreshing)) >= 2  # each new token in turn comes within the window
    assert seen.messages("auth:refresh-failed") == []
    assert await dashboard.send({"type": "heartbeat:ping", "requestId": "alive"}) is Delivery.SENT
    await seen.message("heartbeat:pong", requestId="alive")


async def test_a_server_restart_makes_the_client_reconnect_with_backoff(kit: Kit) -> None:
    """CLIENT-8, CLIENT-9, CLIENT-2: after the 1001 of a shutdown the client retries with
    waits in [d(n)/2, d(n)] and identifies again once the server is back."""
    await kit.servers.start(QUICK)
    _, seen = await kit.client("dashboard")
    await seen.message("agent:list")
    await kit.servers.stop()
    lost = await seen.wait_for(lambda e: isinstance(e, Disconnected))
    assert isinstance(lost, Disconnected) and lost.code == 1001  # CLOSE-2
    await asyncio.sleep(1.5)  # several attempts fail while the server is away
    await kit.servers.start()
    await seen.wait_for(lambda e: isinstance(e, Identified) and e.connection > 1)
    await seen.wait_for(lambda e: isinstance(e, Message) and e.type == "agent:list", start=3)
    ends = [(t, e) for t, e in seen.events if isinstance(e, Disconnected)]
    starts = [t for t, e in seen.events if isinstance(e, Connecting)][1:]
    assert len(ends) >= 3, [e.describe() for _, e in ends]
    for n, ((ended, event), began) in enumerate(zip(ends, starts, strict=False)):
        longest = min(0.2 * 2**n, 1.0)
        assert event.reconnect_in is not None
        assert longest / 2 <= event.reconnect_in <= longest
        assert began - ended >= event.reconnect_in - 0.01  # never sooner than chosen
        assert began - ended <= event.reconnect_in + 1.0  # the usual second of slack


async def test_messages_produced_while_disconnected_arrive_in_order(kit: Kit) -> None:
    """CLIENT-11: outputs the agent produced while the server was away reach a dashboard
    after the agent identifies again, all of them and in order."""
    await kit.servers.start(QUICK)
    gate = asyncio.Event()
    gate.set()

    async def gated() -> str:  # holds the agent's reconnection until the dashboard is back
        await gate.wait()
        return mint(SECRET, "alice", ttl=3600)

    agent, agent_seen = await kit.client("agent", agent_id="laptop", tokens=gated)
    _dashboard, seen = await kit.client("dashboard")
    await agent_online(seen)
    gate.clear()
    await kit.servers.stop()
    await agent_seen.wait_for(lambda e: isinstance(e, Disconnected))
    for n in range(20):
        chunk = {"type": "stdout", "content": f"line {n}\n", "timestamp": "2024-01-01T12:00:00Z"}
        delivery = await agent.send(
            {"type": "terminal:output", "agentId": "laptop", "output": chunk}
        )
        assert delivery is Delivery.KEPT
    await kit.servers.start()
    mark = len(seen.events)
    await seen.wait_for(lambda e: isinstance(e, Identified), start=mark)
    gate.set()
    await agent_seen.wait_for(lambda e: isinstance(e, Identified) and e.flushed == 20)
    await seen.message("terminal:output", start=mark, output=chunk)
    contents = [m["output"]["content"] for m in seen.messages("terminal:output")]
    assert contents == [f"line {n}\n" for n in range(20)]


async def test_against_the_server_under_the_full_suite_profile(kit: Kit) -> None:
    """Issue 13 part 4: the reference client and server together under the profile the
    full server suite runs with (``onsembl_conformance.bundled.FAST_PROFILE``): commands,
    an interrupt, a refresh, and heartbeats through an idle spell longer than
    ``heartbeat.timeout_s``, with no error from the server and no reconnection."""
    from onsembl_conformance.bundled import FAST_PROFILE

    profile = FAST_PROFILE
    await kit.servers.start(profile)
    tokens = provider(ttl=4.0)  # refresh_window_s is 2: a refresh-needed after 2 s
    agent, agent_seen = await demo_agent(kit, tokens=tokens)
    dashboard, seen = await kit.client("dashboard", tokens=tokens)
    await agent_online(seen)
    echo = await request(dashboard, seen, "laptop", "echo", "fast")
    await seen.message("command:complete", commandId=echo)
    sleeping = await request(dashboard, seen, "laptop", "sleep", "20")
    await seen.message("command:status", commandId=sleeping, status="running")
    await dashboard.send({"type": "command:interrupt", "commandId": sleeping})
    await seen.message("command:status", commandId=sleeping, status="interrupted", timeout=5)
    await asyncio.sleep(profile["heartbeat"]["timeout_s"] + 1.5)  # idle: heartbeats only
    await seen.message("auth:refresh-success")
    await agent_seen.message("auth:refresh-success")
    for recorder in (seen, agent_seen):
        assert len(recorder.of(Connected)) == 1 and recorder.of(Disconnected) == []
        assert recorder.messages("connection:error") == []
        assert recorder.messages("validation:error") == []
        assert recorder.messages("heartbeat:ping")  # the server's pings were answered (HB-5)
    last = await request(dashboard, seen, "laptop", "echo", "done")
    await seen.message("command:complete", commandId=last)
    assert agent.phase is Phase.IDENTIFIED
