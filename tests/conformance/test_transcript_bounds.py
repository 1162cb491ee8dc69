"""The checker's bounds against a hostile server, piece by piece (issue 9, part 3).

Transcripts keep their first and last events within a byte cap while they are
recorded, and store tokens as recipes; the client refuses frames over its
bound (TRANS-6, not CLOSE-6), keeps a bounded number of pings and answers few
of them, caps what a check holds (then the check is inconclusive) and the
violations it records. Client tests use real websockets servers on loopback.
"""

from __future__ import annotations

import asyncio
import base64
import json
from collections.abc import AsyncIterator, Awaitable, Callable
from contextlib import asynccontextmanager
from pathlib import Path

import jwt
import pytest
from websockets.asyncio.server import ServerConnection, serve
from websockets.exceptions import ConnectionClosed

from onsembl_conformance import client
from onsembl_conformance import transcript as transcripts
from onsembl_conformance.context import CheckContext, SuiteConfig
from onsembl_conformance.errors import CheckInconclusive, TranscriptError
from onsembl_conformance.recipes import TokenRecipe
from onsembl_conformance.sanitize import JWT_PATTERN, REDACTED
from onsembl_conformance.transcript import (
    HEAD_EVENTS,
    MAX_TRANSCRIPT_BYTES,
    TAIL_EVENTS,
    EventLog,
    Transcript,
    event_size,
)
from onsembl_spec.profile import profile_from_mapping

SECRET = "s" * 32
FOREIGN = jwt.encode({"sub": "mallory", "exp": 4102444800}, "k" * 32, algorithm="HS256")


def note(n: int, text: str = "") -> dict[str, object]:
    return {"t": float(n), "conn": 1, "event": "note", "text": text or f"event {n}"}


# -- transcripts ----------------------------------------------------------------


def test_event_log_keeps_first_and_last_events_and_counts_the_rest() -> None:
    log = EventLog()
    for n in range(10_000):
        log.append(note(n))
        assert len(log) <= HEAD_EVENTS + TAIL_EVENTS + 1  # bounded while recording
    events = list(log)
    assert [e["text"] for e in events[:HEAD_EVENTS]] == [f"event {n}" for n in range(200)]
    assert [e["text"] for e in events[-TAIL_EVENTS:]] == [
        f"event {n}" for n in range(10_000 - 800, 10_000)
    ]
    gap = events[HEAD_EVENTS]
    assert gap["dropped_events"] == log.dropped_events == 10_000 - 1000
    assert "9000 events" in str(gap["text"])
    assert log.dropped_bytes == sum(event_size(note(n)) for n in range(200, 9200))


def test_event_log_byte_cap_holds_while_recording() -> None:
    log = EventLog()
    big = "x" * 60_000
    for n in range(500):
        log.append(note(n, big))
        assert log.stored_bytes <= MAX_TRANSCRIPT_BYTES
    assert log.dropped_events > 400
    assert len(log) < 80
    events = list(log)
    assert events[0]["t"] == 0.0 and events[-1]["t"] == 499.0  # first and last kept


def test_event_log_behaves_as_a_list_for_the_engine() -> None:
    log = EventLog([note(n) for n in range(5)])
    assert log[1]["text"] == "event 1" and len(log[1:3]) == 2
    log[:] = [note(9), *list(log)]
    assert [e["t"] for e in log] == [9.0, 0.0, 1.0, 2.0, 3.0, 4.0]
    del log[0]
    log.insert(0, note(7))
    assert log[0]["t"] == 7.0
    for n in range(2000):
        log.append(note(n))
    assert log.dropped_events
    log.clear()
    assert len(log) == 0 and log.dropped_events == 0 and log.dropped_bytes == 0


def test_saved_transcript_says_what_was_dropped_and_loads(tmp_path: Path) -> None:
    t = Transcript("flooded", 3)
    for n in range(3000):
        t.record_frame(1, "recv", f'{{"n":{n}}}')
    path = transcripts.save(t, tmp_path, {"status": "failed"})
    data = transcripts.load(path)
    assert data["dropped_events"] == 2000 and data["dropped_bytes"] > 0
    assert len(data["events"]) == 1001
    assert any("2000 events" in str(e.get("text", "")) for e in data["events"])
    assert "2000 dropped" in t.lines()[0]


def test_old_transcripts_still_load(tmp_path: Path) -> None:
    old = tmp_path / "old.json"
    before = {"format": transcripts.FORMAT, "check": "c", "seed": 1, "events": []}
    old.write_text(json.dumps(before))  # written before the bounds: no dropped_* fields
    assert transcripts.load(old)["check"] == "c"
    old.write_text(json.dumps({**before, "dropped_events": -1}))
    with pytest.raises(TranscriptError):
        transcripts.load(old)


def test_tokens_are_stored_as_recipes_or_redacted(tmp_path: Path) -> None:
    recipe = TokenRecipe("alice", ttl=60)
    ctx = CheckContext(config("ws://127.0.0.1:1/ws"), "tokens")
    token = asyncio.run(ctx.issue(recipe))
    t = ctx.transcript
    t.record_frame(1, "send", json.dumps({"type": "auth:refresh-token", "token": token}))
    t.record_frame(1, "recv", f"echo {token} and {FOREIGN}" + "x" * 100_000)
    t.record_frame(1, "recv", f"binary {token}".encode())
    t.note(f"actual: {FOREIGN}")
    t.max_stored_text = len("echo ") + 20  # a cut inside the token leaves none of it
    t.record_frame(1, "recv", f"echo {token}")
    stored = json.dumps(list(t.events))
    assert token not in stored and FOREIGN not in stored
    assert token[:20] not in stored[stored.index("echo") :]
    assert "[token valid(sub=alice, ttl=60)]" in stored and REDACTED in stored
    binary = next(e for e in t.events if e.get("kind") == "binary")
    assert base64.b64decode(binary["data"]) == b"binary [token valid(sub=alice, ttl=60)]"
    path = transcripts.save(t, tmp_path, {"failure": {"actual": f"got {FOREIGN}"}})
    assert not JWT_PATTERN.search(path.read_text())


def test_control_characters_are_stored_faithfully() -> None:
    t = Transcript("c", 1)
    text = "\x1b[2K\rCONFORMANT (exit 0)\x00\x0b"
    t.record_frame(1, "recv", text)
    assert t.events[0]["data"] == text  # the JSON escapes it; reporters sanitise what they print


# -- the client, against servers on loopback ----------------------------------------------


def config(url: str, **profile: object) -> SuiteConfig:
    return SuiteConfig(url=url, secret=SECRET, profile=profile_from_mapping(profile), seed=1)


Behaviour = Callable[[ServerConnection], Awaitable[None]]


@asynccontextmanager
async def server(behaviour: Behaviour) -> AsyncIterator[str]:
    async def handler(ws: ServerConnection) -> None:
        try:
            await behaviour(ws)
            await ws.wait_closed()
        except ConnectionClosed:
            pass

    async with serve(handler, "127.0.0.1", 0, compression=None, max_size=None) as s:
        port = s.sockets[0].getsockname()[1]
        yield f"ws://127.0.0.1:{port}/ws"


def ping() -> str:
    return '{"type":"heartbeat:ping","timestamp":"2024-01-01T00:00:00Z"}'


def output(size: int) -> str:
    pad = "x" * (size - 130)
    return (
        '{"type":"terminal:output","agentId":"a","output":{"type":"stdout","content":"'
        + pad
        + '","timestamp":"2024-01-01T00:00:00Z"},"timestamp":"2024-01-01T00:00:00Z"}'
    )


@pytest.mark.asyncio
async def test_ping_flood_keeps_few_pings_and_answers_few() -> None:
    pongs: list[float] = []
    flood = 5000

    async def behaviour(ws: ServerConnection) -> None:
        async def count() -> None:
            async for frame in ws:
                if "heartbeat:pong" in str(frame):
                    pongs.append(asyncio.get_running_loop().time())

        reader = asyncio.create_task(count())
        for _ in range(flood):
            await ws.send(ping())
        await ws.send('{"type":"agent:list","agents":[],"timestamp":"2024-01-01T00:00:00Z"}')
        await reader

    async with server(behaviour) as url:
        ctx = CheckContext(config(url), "ping_flood")
        began = asyncio.get_running_loop().time()
        conn = await ctx.connect()
        await conn.expect("agent:list", "PRES-1")
        took = asyncio.get_running_loop().time() - began
        await asyncio.sleep(0.1)
        kept = [m for m in conn.received if m["type"] == "heartbeat:ping"]
        assert len(kept) <= client.MAX_BACKGROUND
        assert conn.dropped_background + len(kept) == flood
        assert len(pongs) <= 2 + took / client.MIN_PONG_INTERVAL_S, (len(pongs), took)
        assert conn.pongs_skipped == flood - len(pongs)
        assert any("oldest background" in str(e.get("text")) for e in ctx.transcript.events)
        assert ctx.violations == []
        await ctx.cleanup()


@pytest.mark.asyncio
async def test_frame_over_the_bound_is_trans6_not_close6() -> None:
    bound = client.frame_bound(1024)  # 3 * 1024 + 64 KiB

    async def behaviour(ws: ServerConnection) -> None:
        await ws.send(output(3 * 1024 + 2000))  # over max_message_bytes, within the slack
        await ws.send(output(bound + 10))

    async with server(behaviour) as url:
        ctx = CheckContext(config(url, max_message_bytes=1024), "oversize")
        conn = await ctx.connect()
        await asyncio.wait_for(conn.closed.wait(), 10)
        assert [m["type"] for m in conn.received] == ["terminal:output"]
        assert [v.requirement_id for v in ctx.violations] == ["TRANS-6"]
        assert f"over {bound} bytes" in ctx.violations[0].actual
        notes = [str(e.get("text")) for e in ctx.transcript.events]
        assert f"#1 the server sent a frame over {bound} bytes" in notes
        await ctx.cleanup()


@pytest.mark.asyncio
async def test_flood_past_what_a_check_holds_is_inconclusive(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr(client, "HELD_BYTES_PER_CHECK", 2 * 1024 * 1024)

    async def behaviour(ws: ServerConnection) -> None:
        frame = output(60_000)
        while True:
            await ws.send(frame)

    async with server(behaviour) as url:
        ctx = CheckContext(config(url), "flood")
        conn = await ctx.connect()
        await asyncio.wait_for(conn.closed.wait(), 10)
        assert conn.overflowed and conn.held_bytes <= 2 * 1024 * 1024
        assert ctx.violations == []  # no CLOSE-6: the client dropped it
        assert isinstance(ctx.inconclusive, CheckInconclusive)
        with pytest.raises(CheckInconclusive):
            await conn.expect("agent:list", "PRES-1")
        await ctx.cleanup()


@pytest.mark.asyncio
async def test_violations_recorded_are_capped() -> None:
    async def behaviour(ws: ServerConnection) -> None:
        for _ in range(100):
            await ws.send("not json")
        await ws.close()

    async with server(behaviour) as url:
        ctx = CheckContext(config(url), "junk")
        conn = await ctx.connect()
        await asyncio.wait_for(conn.closed.wait(), 10)
        assert conn.violations_seen == 100
        assert len(ctx.violations) == client.MAX_RECORDED_VIOLATIONS
        assert {v.requirement_id for v in ctx.violations} == {"TRANS-3"}


@pytest.mark.asyncio
async def test_an_echoed_token_is_stored_as_its_recipe() -> None:
    async def behaviour(ws: ServerConnection) -> None:
        assert ws.request is not None
        token = ws.request.headers["Authorization"].removeprefix("Bearer ")
        await ws.send(
            json.dumps(
                {"type": "validation:error", "error": f"{token} {FOREIGN}", "field": "token",
                 "timestamp": "2024-01-01T00:00:00Z"}
            )
        )  # fmt: skip

    async with server(behaviour) as url:
        ctx = CheckContext(config(url), "echo")
        conn = await ctx.connect(TokenRecipe("bob", ttl=30))
        echoed = await conn.expect("validation:error", "VAL-1")
        stored = json.dumps(list(ctx.transcript.events))
        assert not JWT_PATTERN.search(stored)
        assert f"[token valid(sub=bob, ttl=30)] {REDACTED}" in stored
        assert JWT_PATTERN.search(echoed["error"])  # the check itself still sees what came
        await ctx.cleanup()
