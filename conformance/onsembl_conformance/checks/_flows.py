"""Small exchanges that many checks share: requesting, running and finishing commands."""

from __future__ import annotations

from typing import Any

from onsembl_conformance.client import Connection, describe
from onsembl_conformance.context import message
from onsembl_spec.errors import CheckFailure


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
