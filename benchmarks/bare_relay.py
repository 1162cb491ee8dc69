"""The baseline of ``bench_server.py``: a bare websockets relay.

No authentication, no validation, no protocol: every text frame received on
one connection is passed to every other connection with ``broadcast()``.
Same library options as the reference server (no compression, no keepalive).
Prints ``listening on ws://HOST:PORT/ws`` like ``onsembl serve``.
"""

from __future__ import annotations

import asyncio
import signal

from websockets.asyncio.server import ServerConnection, broadcast, serve
from websockets.exceptions import ConnectionClosed

CONNECTIONS: set[ServerConnection] = set()


async def relay(connection: ServerConnection) -> None:
    CONNECTIONS.add(connection)
    try:
        async for message in connection:
            broadcast([c for c in CONNECTIONS if c is not connection], message)
    except ConnectionClosed:
        pass  # a client that went away without a close frame
    finally:
        CONNECTIONS.discard(connection)


async def main() -> None:
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for signum in (signal.SIGINT, signal.SIGTERM):
        loop.add_signal_handler(signum, stop.set)
    async with serve(
        relay, "127.0.0.1", 0, ping_interval=None, compression=None, max_size=1 << 20
    ) as server:
        port = server.sockets[0].getsockname()[1]
        print(f"listening on ws://127.0.0.1:{port}/ws", flush=True)
        await stop.wait()


if __name__ == "__main__":
    asyncio.run(main())
