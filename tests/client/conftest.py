"""Fixtures of the reference client's tests (helpers in ``client_harness.py``)."""

from __future__ import annotations

import asyncio
import os
import sys
from collections.abc import AsyncIterator

import pytest_asyncio

HERE = os.path.dirname(__file__)
if HERE not in sys.path:  # client_harness.py, shared by the test modules
    sys.path.insert(0, HERE)

from client_harness import Kit, Servers  # noqa: E402


@pytest_asyncio.fixture
async def kit() -> AsyncIterator[Kit]:
    kit = Kit(Servers())
    try:
        yield kit
    finally:
        for client in kit.started:
            await client.close(timeout=3.0)
        for task in kit.tasks:
            task.cancel()
        await asyncio.gather(*kit.tasks, return_exceptions=True)
        await kit.servers.stop()
