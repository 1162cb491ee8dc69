"""Close codes and bounded outbound queues end to end: CLOSE-1..CLOSE-7."""

from __future__ import annotations

import asyncio

import pytest

pytestmark = pytest.mark.asyncio

TS = "2024-01-01T00:00:00Z"


async def test_disconnect_closes_1000(server) -> None:
    """CLOSE-1, CLOSE-6: a close frame with 1000."""
    dashboard = await server.dashboard(dashboard_id="d1")
    await dashboard.send({"type": "dashboard:disconnect", "dashboardId": "d1"})
    assert (await dashboard.closed())[0] == 1000


async def test_shutdown_closes_everyone_1001(harness) -> None:
    """CLOSE-2."""
    server = await harness.start()
    clients = [await harness.dashboard(dashboard_id=f"d{i}") for i in range(3)]
    clients.append(await harness.client())
    await server.stop()
    for client in clients:
        assert (await client.closed())[0] == 1001


async def test_protocol_error_closes_1002(server) -> None:
    """CLOSE-3: a frame with a reserved opcode."""
    client = await server.client()
    client.ws.transport.write(bytes([0x83, 0x80, 0, 0, 0, 0]))
    assert (await client.closed())[0] == 1002


async def test_unexpected_error_closes_1011(server) -> None:
    """CLOSE-5, CLOSE-6: a failure inside the server closes with 1011 and a close frame."""
    assert server.server is not None
    core = server.server.core

    def broken(*args: object) -> None:
        raise RuntimeError("injected failure")

    core._handlers["heartbeat:ping"] = broken
    client = await server.client()
    await client.send({"type": "heartbeat:ping"})
    assert (await client.closed())[0] == 1011
    assert any(r["event"] == "server_error" for r in server.log.records)


async def test_close_codes_are_from_r15_and_never_1010(harness) -> None:
    """CLOSE-4, CLOSE-6: each way of being closed gives a close frame with an R15 code."""
    await harness.start({"identify_timeout_s": 0.3, "max_message_bytes": 128})
    codes = []
    for trigger in ("binary", "big", "identify", "auth"):
        client = await harness.raw() if trigger == "auth" else await harness.client()
        if trigger == "binary":
            await client.send_text(b"x")
        elif trigger == "big":
            await client.send_text("x" * 129)
        codes.append((await client.closed())[0])
    assert codes == [1003, 1009, 1008, 1008]
    assert 1010 not in codes


async def test_slow_consumer_is_closed_and_blocks_no_one(harness) -> None:
    """CLOSE-7: a dashboard that stops reading is closed with 1001 ``slow consumer``.

    The agent and a reading dashboard lose nothing; the server's buffer for the
    slow one stays within its bound plus one message.
    """
    bound = 64 * 1024
    await harness.start(
        {
            "limits": {
                "types": {"terminal:output": None},
                "connection": {"burst_per_second": None, "per_minute": None, "per_hour": None},
            }
        },
        max_outbound_bytes=bound,
        close_timeout_s=60,
    )
    agent = await harness.agent("alice", "a1")
    reader = await harness.dashboard(dashboard_id="reader")
    stalled_ws = await harness.raw(token=harness.token(), max_queue=1)
    await stalled_ws.send({"type": "dashboard:connect", "dashboardId": "stalled"})
    await stalled_ws.recv_type("agent:list")
    assert harness.server is not None
    outbox = harness.server.outbox
    chunk = "x" * 12_000
    total = 3000  # 36 MB: far more than loopback socket buffers hold
    in_flight = 4  # the reading dashboard keeps up: at most 4 messages (48 KB) ahead
    progress = asyncio.Condition()
    seen: list[int] = []

    async def read_all() -> None:
        while len(seen) < total:
            message = await reader.recv()
            async with progress:
                seen.append(int(message["commandId"][1:]))
                progress.notify_all()

    reading = asyncio.create_task(read_all())
    for n in range(total):
        async with progress:
            await progress.wait_for(lambda n=n: n - len(seen) < in_flight)
        await agent.send(
            {
                "type": "terminal:output",
                "agentId": "a1",
                "commandId": f"c{n}",
                "output": {"type": "stdout", "content": chunk, "timestamp": TS},
            }
        )
    await asyncio.wait_for(reading, 60)
    assert seen == list(range(total))  # the reading dashboard lost nothing, in order
    assert outbox.slow_consumers == 1
    assert outbox.max_buffered_at_close <= bound + 13_000
    assert any(r["event"] == "slow_consumer" for r in harness.log.records)
    code, reason = await stalled_ws.closed(timeout=60)
    assert (code, reason) == (1001, "slow consumer")
    assert len(stalled_ws.received) < total


async def test_client_that_floods_but_never_reads_is_closed(harness) -> None:
    """CLOSE-7: direct replies are bounded too; a ping flood without reading ends in 1001."""
    bound = 32 * 1024
    await harness.start(
        {
            "limits": {
                "types": {"heartbeat:ping": None},
                "connection": {"burst_per_second": None, "per_minute": None, "per_hour": None},
            }
        },
        max_outbound_bytes=bound,
        close_timeout_s=60,
    )
    flooder = await harness.raw(token=harness.token(), max_queue=1)
    ping = '{"type":"heartbeat:ping","requestId":"' + "p" * 100 + '","timestamp":"' + TS + '"}'
    assert harness.server is not None
    outbox = harness.server.outbox
    sent = 0
    while outbox.slow_consumers == 0 and sent < 200_000:
        await flooder.send_text(ping)
        sent += 1
        if sent % 100 == 0:
            await asyncio.sleep(0)
    assert outbox.slow_consumers == 1
    assert outbox.max_buffered_at_close <= bound + 1024
    code, reason = await flooder.closed(timeout=60)
    assert (code, reason) == (1001, "slow consumer")
