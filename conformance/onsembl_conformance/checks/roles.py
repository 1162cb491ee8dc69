"""Role checks (ROLE-1..ROLE-4): each role may send its types and no other."""

from __future__ import annotations

from typing import Any

from onsembl_conformance.client import describe
from onsembl_conformance.context import CheckContext
from onsembl_conformance.errors import CheckFailure
from onsembl_conformance.registry import check
from onsembl_spec.protocol import CONNECT_TYPES, allowed_types
from onsembl_spec.schemas import bundled
from onsembl_spec.wire import now_timestamp


def example(message_type: str, **fields: Any) -> dict[str, Any]:
    """The first example of the type's schema, with a fresh timestamp and ``fields``."""
    base = dict(bundled().by_type[message_type]["examples"][0])
    base.pop("requestId", None)
    properties = bundled().by_type[message_type]["properties"]
    base.update({k: v for k, v in fields.items() if k in properties})
    base["timestamp"] = now_timestamp()
    return base


PER_CONNECTION = 5
"""Forbidden messages sent on one connection before the check opens another (RATE-3)."""


def forbidden_types(role: str) -> list[str]:
    """Types ``role`` may not send, apart from the connect messages (IDENT-4 decides those)."""
    return sorted(set(bundled().types) - allowed_types(role) - CONNECT_TYPES)


@check("ROLE-3", "ROLE-1", tags=("quick",))
async def check_dashboard_forbidden_types(ctx: CheckContext) -> None:
    """A dashboard sending any type outside ROLE-1 gets FORBIDDEN."""
    dash, _ = await ctx.dashboard()
    for n, message_type in enumerate(forbidden_types("dashboard")):
        if n and n % PER_CONNECTION == 0:  # stay inside the connection's per-second limit
            dash, _ = await ctx.dashboard()
        await dash.send(example(message_type, requestId="rid-role"))
        reply = await dash.expect_reply("connection:error", "ROLE-3")
        sent_rid = "requestId" in bundled().by_type[message_type]["properties"]
        if reply.get("code") != "FORBIDDEN" or (sent_rid and reply.get("requestId") != "rid-role"):
            raise CheckFailure(
                "ROLE-3", f"FORBIDDEN (requestId echoed) for {message_type}", describe(reply)
            )
    await dash.expect_open("ROLE-3")


@check("ROLE-3", "ROLE-2", tags=("quick",))
async def check_agent_forbidden_types(ctx: CheckContext) -> None:
    """An agent sending any type outside ROLE-2 gets FORBIDDEN."""
    agent, _ = await ctx.agent()
    for n, message_type in enumerate(forbidden_types("agent")):
        if n and n % PER_CONNECTION == 0:  # stay inside the connection's per-second limit
            agent, _ = await ctx.agent()
        await agent.send(example(message_type))
        reply = await agent.expect_reply("connection:error", "ROLE-3")
        if reply.get("code") != "FORBIDDEN":
            raise CheckFailure("ROLE-3", f"FORBIDDEN for {message_type}", describe(reply))
    await agent.expect_open("ROLE-3")


@check("ROLE-4")
async def check_validity_before_role(ctx: CheckContext) -> None:
    """An invalid message of a forbidden type gets validation:error, not FORBIDDEN."""
    dash, _ = await ctx.dashboard()
    await dash.send(example("agent:status", status="sleeping"))
    reply = await dash.expect_reply("validation:error", "ROLE-4")
    if reply.get("field") != "status":
        raise CheckFailure("ROLE-4", "validation:error with field status", describe(reply))
