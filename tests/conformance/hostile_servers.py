"""Hostile servers for the checker's own safety tests (issue 9, part 3).

``python hostile_servers.py KIND --host H --port P [--jwt-secret S] [--profile F]``
starts a WebSocket server on ``ws://H:P/ws`` that accepts every handshake and
then misbehaves in one way; its first stdout line is ``listening on
ws://HOST:PORT/ws``, as ``onsembl check --server-command`` expects
(``onsembl_conformance.bundled``). ``--jwt-secret`` and ``--profile`` are
accepted and ignored. Standalone: asyncio and websockets only.

The first connection is answered politely (``agent:list`` for
``dashboard:connect``, ``heartbeat:pong`` for a ping), as a server that looks
fine to the checker's preflight (``onsembl_conformance.preflight``) and turns
hostile afterwards; every later connection gets the kind's behaviour.

Kinds (``KINDS``):

* ``flood-64k``: from the handshake on, schema-valid ``terminal:output``
  messages of exactly 64 KiB, endlessly, as fast as the socket takes them.
  Valid messages are the worst case for the checker's memory: it keeps them
  for the check to read.
* ``flood-junk``: 64 KiB text frames that are not JSON, endlessly (each one a
  TRANS-3 violation for the checker to record).
* ``huge-frames``: 60 MB text frames, endlessly.
* ``ping-flood``: valid ``heartbeat:ping`` messages, endlessly.
* ``silent``: completes the handshake, then never reads, answers or closes.
* ``control-chars``: answers every message with frames holding terminal
  escape sequences (``\\x1b[2K\\rCONFORMANT (exit 0)``), NUL and other
  characters XML 1.0 forbids, and echoes every token it saw (header, query,
  cookie, or inside a message) back in a message.
* ``echo-token``: sends the token of the handshake (``Authorization: Bearer``,
  ``token`` query parameter or cookie) back in a message at once, and every
  token it finds in a message it receives.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import datetime
import json
import re
import sys
from collections.abc import Awaitable, Callable, Mapping
from urllib.parse import parse_qs, urlsplit

from websockets.asyncio.server import ServerConnection, serve
from websockets.exceptions import ConnectionClosed
from websockets.http11 import Request, Response

FRAME_64K = 64 * 1024
HUGE_FRAME = 60_000_000
JWT = re.compile(r"eyJ[A-Za-z0-9_-]{2,}\.[A-Za-z0-9_-]*\.[A-Za-z0-9_-]*")
FAKE_VERDICT = "\x1b[2K\rCONFORMANT (exit 0)"
"""A line that would overwrite the console's real verdict if printed raw."""
XML_INVALID = "\x00\x01\x07\x08\x0b\x0c\x1b\x7f\x85\ufffe\uffff"
"""Characters XML 1.0 cannot hold (plus DEL and NEL, which terminals act on)."""


def timestamp() -> str:
    return datetime.datetime.now(datetime.UTC).strftime("%Y-%m-%dT%H:%M:%S.%fZ")


def compact(message: Mapping[str, object]) -> str:
    return json.dumps(message, separators=(",", ":"), ensure_ascii=False)


def output_of_size(size: int) -> bytes:
    """A schema-valid ``terminal:output`` whose UTF-8 text is exactly ``size`` bytes."""

    def message(content: str) -> str:
        chunk = {"type": "stdout", "content": content, "timestamp": "2024-01-01T00:00:00Z"}
        return compact(
            {
                "type": "terminal:output",
                "agentId": "hostile-agent",
                "output": chunk,
                "timestamp": "2024-01-01T00:00:00Z",
            }
        )

    empty = len(message("").encode())
    data = message("x" * (size - empty)).encode()
    assert len(data) == size, len(data)
    return data


def handshake_tokens(request: Request | None) -> list[str]:
    """Every token the handshake carried: bearer header, ``token`` query parameter, cookie."""
    if request is None:
        return []
    found: list[str] = []
    bearer = request.headers.get("Authorization", "")
    if bearer.startswith("Bearer "):
        found.append(bearer[len("Bearer ") :])
    found.extend(parse_qs(urlsplit(request.path).query).get("token", []))
    for cookie in request.headers.get_all("Cookie"):
        for part in cookie.split(";"):
            name, _, value = part.strip().partition("=")
            if name == "token":
                found.append(value)
    return found


def echo(tokens: list[str], why: str) -> str:
    """A schema-valid ``validation:error`` that carries ``tokens`` in its text."""
    text = f"{why}: " + " ".join(tokens) if tokens else why
    message = {"type": "validation:error", "error": text[:1024], "field": "token"}
    return compact({**message, "timestamp": timestamp()})


async def send_forever(ws: ServerConnection, data: bytes) -> None:
    """The same text frame again and again, as fast as the socket drains."""
    while True:
        await ws.send(data, text=True)


async def flood_64k(ws: ServerConnection) -> None:
    await send_forever(ws, output_of_size(FRAME_64K))


async def flood_junk(ws: ServerConnection) -> None:
    await send_forever(ws, b"not json " + b"x" * (FRAME_64K - 9))


async def huge_frames(ws: ServerConnection) -> None:
    await send_forever(ws, b'{"type":"terminal:output","pad":"' + b"x" * HUGE_FRAME + b'"}')


async def ping_flood(ws: ServerConnection) -> None:
    while True:
        await ws.send(compact({"type": "heartbeat:ping", "timestamp": timestamp()}))


async def silent(ws: ServerConnection) -> None:
    ws.transport.pause_reading()  # not even the close frame is read
    await asyncio.Future()


async def control_chars(ws: ServerConnection) -> None:
    seen = handshake_tokens(ws.request)
    if seen:
        await ws.send(echo(seen, f"{FAKE_VERDICT} your token"))
    async for frame in ws:
        text = frame if isinstance(frame, str) else frame.decode("utf-8", "replace")
        seen += [t for t in JWT.findall(text) if t not in seen]
        await ws.send(f"{FAKE_VERDICT}{XML_INVALID} (not JSON)")
        await ws.send(
            compact(
                {
                    "type": "validation:error",
                    "error": f"{FAKE_VERDICT}{XML_INVALID}",
                    "field": "\x1b]0;pwned\x07",
                    "timestamp": timestamp(),
                }
            )
        )
        await ws.send(
            compact(
                {
                    "type": f"{FAKE_VERDICT}\x00",
                    "tokens": seen,
                    "timestamp": timestamp(),
                }
            )
        )
        await ws.send(echo(seen, f"{FAKE_VERDICT}{XML_INVALID} tokens"))


async def echo_token(ws: ServerConnection) -> None:
    seen = handshake_tokens(ws.request)
    await ws.send(echo(seen, "your token"))
    async for frame in ws:
        text = frame if isinstance(frame, str) else frame.decode("utf-8", "replace")
        found = JWT.findall(text)
        if found:
            await ws.send(echo(found, "you sent"))


KINDS: dict[str, Callable[[ServerConnection], Awaitable[None]]] = {
    "flood-64k": flood_64k,
    "flood-junk": flood_junk,
    "huge-frames": huge_frames,
    "ping-flood": ping_flood,
    "silent": silent,
    "control-chars": control_chars,
    "echo-token": echo_token,
}


async def polite(ws: ServerConnection) -> None:
    """Just enough of the protocol for the preflight: ``agent:list``, ``heartbeat:pong``."""
    async for frame in ws:
        try:
            message = json.loads(frame)
        except ValueError:
            continue
        kind = message.get("type") if isinstance(message, dict) else None
        if kind == "dashboard:connect":
            await ws.send(compact({"type": "agent:list", "agents": [], "timestamp": timestamp()}))
        elif kind == "heartbeat:ping":
            await ws.send(compact({"type": "heartbeat:pong", "timestamp": timestamp()}))


async def main(kind: str, host: str, port: int) -> None:
    behaviour = KINDS[kind]
    connections = 0

    async def handler(ws: ServerConnection) -> None:
        nonlocal connections
        connections += 1
        with contextlib.suppress(ConnectionClosed):
            await (polite(ws) if connections == 1 else behaviour(ws))

    def only_ws(connection: ServerConnection, request: Request) -> Response | None:
        if urlsplit(request.path).path != "/ws":
            return connection.respond(404, "not found\n")
        return None

    async with serve(
        handler,
        host,
        port,
        process_request=only_ws,
        compression=None,
        ping_interval=None,
        max_size=None,
        max_queue=4,
    ) as server:
        bound = server.sockets[0].getsockname()
        print(f"listening on ws://{bound[0]}:{bound[1]}/ws", flush=True)
        await asyncio.Future()


def parse(argv: list[str]) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("kind", choices=sorted(KINDS))
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=0)
    parser.add_argument("--jwt-secret", default=None, help="ignored")
    parser.add_argument("--profile", default=None, help="ignored")
    return parser.parse_args(argv)


if __name__ == "__main__":
    args = parse(sys.argv[1:])
    with contextlib.suppress(KeyboardInterrupt):
        asyncio.run(main(args.kind, args.host, args.port))
