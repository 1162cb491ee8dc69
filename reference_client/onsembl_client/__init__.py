"""``onsembl_client``: the reference client of the Onsembl WebSocket API (spec section 19).

A small asyncio library meeting every client requirement (CLIENT-1..CLIENT-17,
MSG-9, TERM-4, HB-5, REFRESH-8)::

    from onsembl_client import connect, token_file_provider

    async with connect(url, token_file_provider(path), role="dashboard") as client:
        await client.send({"type": "command:request", "agentId": "laptop", "command": "echo"})
        async for event in client:
            print(event.describe())

The protocol decisions live in the sans-I/O core (:mod:`onsembl_client.core`),
the sockets in :mod:`onsembl_client.client` (``websockets``), the demo agent in
:mod:`onsembl_client.agent`, and ``onsembl dashboard`` / ``onsembl agent`` in
:mod:`onsembl_client.cli`.
"""

from __future__ import annotations

from onsembl_client.agent import DemoAgent, run_demo_agent
from onsembl_client.client import Client, connect
from onsembl_client.core.phases import Phase
from onsembl_client.core.session import Delivery
from onsembl_client.errors import ClientClosedError, ClientError, InvalidMessageError
from onsembl_client.providers import (
    TokenProvider,
    environment_provider,
    secret_token_provider,
    static_token,
    token_file_provider,
)

__all__ = [
    "Client",
    "ClientClosedError",
    "ClientError",
    "Delivery",
    "DemoAgent",
    "InvalidMessageError",
    "Phase",
    "TokenProvider",
    "connect",
    "environment_provider",
    "run_demo_agent",
    "secret_token_provider",
    "static_token",
    "token_file_provider",
]
