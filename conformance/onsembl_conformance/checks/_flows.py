"""Small exchanges that many checks share: requesting, running and finishing commands."""

from __future__ import annotations

import asyncio
import weakref
from typing import Any

from onsembl_conformance.client import Connection, describe
from onsembl_conformance.context import message
from onsembl_conformance.errors import CheckFailure

PACE_MARGIN_S = 0.1
"""Room left between the checker's clock and the server's when a one-second window slides."""

_paced: weakref.WeakKeyDictionary[Connection, list[float]] = weakref.WeakKeyDictionary()
"""Send times of the messages :func:`pace` let through, per connection."""


async def pace(conn: Connection, message_type: str) -> None:
    """Wait until one more ``message_type`` fits the per-second window of its scope (RATE-5).

    The scope is the type's own limits when the profile gives it some
    (RATE-2), the connection's otherwise (RATE-3). A check about commands
    must not be refused for its own burst when a profile limits requests per
    second. Only messages sent through :func:`request` and :func:`refused`
    are counted.
    """
    profile = conn.ctx.profile
    windows = profile.type_windows(message_type) or profile.connection_windows()
    limit = min((w.limit for w in windows if w.seconds == 1), default=None)
    if limit is None:
        return
    loop = asyncio.get_running_loop()
    sent = _paced.setdefault(conn, [])
    now = loop.time()
    sent[:] = [t for t in sent if now - t < 1 + PACE_MARGIN_S]
    if len(sent) >= limit:
        await asyncio.sleep(sent[-limit] + 1 + PACE_MARGIN_S - now)
    sent.append(loop.time())


async def request(
    dash: Connection,
    agent_id: str,
    command: str,
    *,
    priority: str | None = None,
    requirement: str = "CMD-1",
    **fields: Any,
) -> dict[str, Any]:
    """Send ``command:request``; return the ``command:queued`` (CMD-1, CMD-2)."""
    extra = dict(fields)
    if priority is not None:
        extra["priority"] = priority
    await pace(dash, "command:request")
    await dash.send(message("command:request", agentId=agent_id, command=command, **extra))
    reply = await dash.expect_reply(("command:queued", "command:error"), requirement)
    if reply["type"] != "command:queued":
        raise CheckFailure(requirement, f"command:queued for {command!r}", describe(reply))
    return reply


async def refused(
    dash: Connection,
    sent: dict[str, Any],
    code: str,
    requirement: str,
    reply_type: str = "command:error",
) -> dict[str, Any]:
    """Send ``sent``; the direct reply must be ``reply_type`` with ``code``."""
    await pace(dash, sent["type"])
    await dash.send(sent)
    reply = await dash.expect_reply(reply_type, requirement)
    if reply.get("code") != code:
        raise CheckFailure(requirement, f"{reply_type} with code {code}", describe(reply))
    return reply


async def executes(agent: Connection, requirement: str = "CMD-8", **kwargs: Any) -> dict[str, Any]:
    """The next ``command:execute`` the agent receives."""
    return await agent.expect("command:execute", requirement, **kwargs)


async def finish(
    agent: Connection,
    agent_id: str,
    command_id: str,
    status: str = "completed",
    *,
    complete: bool = True,
) -> None:
    """The agent reports a final status and (with ``complete``) ``command:complete``."""
    await agent.send(
        message("command:status", commandId=command_id, agentId=agent_id, status=status)
    )
    if complete:
        await agent.send(
            message(
                "command:complete", commandId=command_id, agentId=agent_id, exitCode=0, duration=5
            )
        )


async def status_for(
    dash: Connection, command_id: str, status: str, requirement: str, within: float | None = None
) -> dict[str, Any]:
    """Wait for ``command:status`` ``status`` of ``command_id`` on a dashboard."""
    return await dash.expect(
        "command:status",
        requirement,
        within=within,
        where=lambda m: m["commandId"] == command_id and m["status"] == status,
        what=f"command:status {status} for {command_id}",
    )
