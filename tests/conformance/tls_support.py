"""Test helpers for TLS and handshake headers (issue 10, part 2): certificates made at test
time with ``trustme``, and a tiny gateway that records every handshake's headers.

The gateway is a test-only asyncio TCP proxy on a thread of its own: it reads
each HTTP upgrade request's head, records its headers, answers ``401`` when a
required header is missing (as an API gateway would) and otherwise pipes the
connection to the server behind it byte for byte.
"""

from __future__ import annotations

import asyncio
import os
import subprocess
import sys
import threading
from collections.abc import Iterator, Sequence
from contextlib import contextmanager, suppress
from dataclasses import dataclass, field
from pathlib import Path

import trustme


@dataclass(frozen=True)
class TlsFiles:
    """A private CA and a server certificate it signed, as PEM files."""

    ca: Path
    cert: Path
    key: Path

    def serve_args(self) -> list[str]:
        return ["--tls-cert", str(self.cert), "--tls-key", str(self.key)]


def make_tls_files(directory: Path, *names: str) -> TlsFiles:
    """A fresh CA and a certificate for ``names`` (default ``127.0.0.1`` and ``localhost``)."""
    directory.mkdir(parents=True, exist_ok=True)
    ca = trustme.CA()
    issued = ca.issue_cert(*(names or ("127.0.0.1", "localhost")))
    files = TlsFiles(directory / "ca.pem", directory / "cert.pem", directory / "key.pem")
    ca.cert_pem.write_to_path(str(files.ca))
    issued.private_key_pem.write_to_path(str(files.key))
    with files.cert.open("wb") as out:
        for blob in issued.cert_chain_pems:
            out.write(blob.bytes())
    return files


def run_onsembl(
    args: Sequence[str], cwd: Path, env: dict[str, str] | None = None, timeout: float = 240
) -> subprocess.CompletedProcess[str]:
    """``python -m onsembl_spec ARGS`` with ``env`` added to a copy of the environment
    without ``ONSEMBL_JWT_SECRET`` (tests say where the secret comes from)."""
    base = {k: v for k, v in os.environ.items() if k != "ONSEMBL_JWT_SECRET"}
    return subprocess.run(
        [sys.executable, "-m", "onsembl_spec", *args],
        cwd=cwd, env={**base, **(env or {})},
        capture_output=True, text=True, timeout=timeout, check=False,
    )  # fmt: skip


@dataclass
class Gateway:
    """What the gateway saw: one list of ``(name, value)`` headers per upgrade request."""

    url: str = ""
    requests: list[list[tuple[str, str]]] = field(default_factory=list)
    refused: int = 0

    def values(self, name: str) -> list[list[str]]:
        """Per request, the values of header ``name`` (case-insensitive)."""
        return [[v for n, v in r if n.lower() == name.lower()] for r in self.requests]


async def _pipe(source: asyncio.StreamReader, sink: asyncio.StreamWriter) -> None:
    try:
        while data := await source.read(65536):
            sink.write(data)
            await sink.drain()
    except (ConnectionError, OSError):
        pass
    finally:
        sink.close()


@contextmanager
def gateway(upstream: str, required: dict[str, str]) -> Iterator[Gateway]:
    """A gateway in front of ``upstream`` (``ws://HOST:PORT/PATH``) that wants ``required``
    headers; yields a :class:`Gateway` whose ``url`` has the same path."""
    from urllib.parse import urlsplit

    parts = urlsplit(upstream)
    assert parts.hostname is not None and parts.port is not None
    host, port = parts.hostname, parts.port
    seen = Gateway()
    ready = threading.Event()
    control: dict[str, object] = {}

    async def handle(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        try:
            head = await reader.readuntil(b"\r\n\r\n")
        except (asyncio.IncompleteReadError, asyncio.LimitOverrunError, ConnectionError):
            writer.close()
            return
        lines = head.decode("latin-1").split("\r\n")[1:]
        headers = [(n.strip(), v.strip()) for n, _, v in (x.partition(":") for x in lines if x)]
        seen.requests.append(headers)
        given = {n.lower(): v for n, v in headers}
        if any(given.get(n.lower()) != v for n, v in required.items()):
            seen.refused += 1
            writer.write(
                b"HTTP/1.1 401 Unauthorized\r\nContent-Length: 0\r\nConnection: close\r\n\r\n"
            )
            with suppress(ConnectionError):
                await writer.drain()
            writer.close()
            return
        try:
            up_reader, up_writer = await asyncio.open_connection(host, port)
        except OSError:
            writer.close()
            return
        up_writer.write(head)
        await asyncio.gather(_pipe(reader, up_writer), _pipe(up_reader, writer))

    async def main() -> None:
        stop = asyncio.Event()
        control["loop"], control["stop"] = asyncio.get_running_loop(), stop
        server = await asyncio.start_server(handle, "127.0.0.1", 0)
        seen.url = f"ws://127.0.0.1:{server.sockets[0].getsockname()[1]}{parts.path}"
        ready.set()
        async with server:
            await stop.wait()

    thread = threading.Thread(target=asyncio.run, args=(main(),), daemon=True)
    thread.start()
    assert ready.wait(10)
    try:
        yield seen
    finally:
        loop = control["loop"]
        stop = control["stop"]
        assert isinstance(loop, asyncio.AbstractEventLoop) and isinstance(stop, asyncio.Event)
        loop.call_soon_threadsafe(stop.set)
        thread.join(10)
