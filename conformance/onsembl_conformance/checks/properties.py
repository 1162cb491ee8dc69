"""Property checks driven by hypothesis: valid messages of every client type, and mutations.

The strategies come from ``onsembl_spec.strategies`` (built from the schemas).
"""

from __future__ import annotations

import asyncio
from typing import Any

from hypothesis import assume, given, seed
from hypothesis import strategies as st

from onsembl_conformance.checks.validation import (
    expected_request_id,
    field_is_offending,
    wire_defects,
)
from onsembl_conformance.client import describe
from onsembl_conformance.context import CheckContext, message
from onsembl_conformance.errors import CheckFailure
from onsembl_conformance.hypo import Bridge, property_settings, run_property
from onsembl_conformance.registry import check
from onsembl_spec.strategies import Mutation, client_message, mutation
from onsembl_spec.wire import encode_compressed, message_text


@check("VAL-1", "VAL-2", "VAL-3", "VAL-4", tags=("hypothesis", "quick"))
async def check_mutations_get_validation_error(ctx: CheckContext) -> None:
    """Messages with one defect get validation:error naming an offending field; no close."""
    bridge = Bridge(ctx, asyncio.get_running_loop())

    async def one(case: Mutation) -> None:
        conn, _ = await ctx.dashboard(requirement="VAL-1")
        await conn.send(case.message)
        reply = await conn.expect(
            "validation:error", "VAL-1", what=f"validation:error for a {case.kind} defect"
        )
        sent = case.message
        if not field_is_offending(sent, reply.get("field")):
            raise CheckFailure(
                "VAL-2", f"field {case.field!r} (or another invalid location)", describe(reply)
            )
        if reply.get("field") != case.field and not wire_defects(sent):
            raise CheckFailure("VAL-4", f"field {case.field!r}, the one defect", describe(reply))
        rid = expected_request_id(sent, reply.get("field"))
        if reply.get("requestId") != rid:
            wanted = "no requestId" if rid is None else f"requestId {rid!r} echoed"
            raise CheckFailure("VAL-3", wanted, describe(reply))
        await conn.expect_open("VAL-1")

    @seed(ctx.seed)
    @property_settings(ctx)
    @given(mutation())
    def test(case: Mutation) -> None:
        text = message_text(case.message) if isinstance(case.message, dict) else None
        assume(text is None or len(text.encode()) <= ctx.profile.max_message_bytes)
        assume(case.kind != "unknown-type" or isinstance(case.message, dict))
        bridge.new_example()
        try:
            bridge.run(one(case))
        finally:
            bridge.finish_example()

    await run_property(ctx, test, bridge)


def well_formed_wrappers(sent: dict[str, Any]) -> dict[str, Any]:
    """Schema-valid wrappers whose content also decodes (BATCH-1, COMP-2 judge more than shape)."""
    if sent["type"] == "compressed":
        return encode_compressed(message("heartbeat:ping"))
    if sent["type"] == "batch":
        inner = [well_formed_wrappers(m) if isinstance(m, dict) else m for m in sent["messages"]]
        return {**sent, "messages": inner, "count": len(inner)}
    return sent


DISCONNECTS = frozenset({"agent:disconnect", "dashboard:disconnect"})


@check("ROLE-1", "ROLE-2", "MSG-8", "MSG-11", tags=("hypothesis", "quick"))
async def check_valid_messages_accepted(ctx: CheckContext) -> None:
    """Valid messages of every type a role may send are never answered with validation:error."""
    bridge = Bridge(ctx, asyncio.get_running_loop())

    async def one(role: str, sent: dict[str, Any]) -> None:
        own = ctx.ident(role)
        conn = await ctx.connect(ctx.recipe(), requirement="MSG-8")
        if role == "agent":
            await conn.send(message("agent:connect", agentId=own, agentType="claude"))
        else:
            await conn.send(message("dashboard:connect", dashboardId=own))
            await conn.expect_reply("agent:list", "PRES-1")
        if sent["type"] not in DISCONNECTS and role == "agent" and "agentId" in sent:
            sent["agentId"] = own
        await conn.send(sent)
        await conn.sync("HB-1")
        for got in conn.received:
            if got["type"] == "validation:error":
                requirement = "ROLE-1" if role == "dashboard" else "ROLE-2"
                if str(got.get("field", "")).split(".")[-1] == "timestamp":
                    requirement = "MSG-11"  # a valid timestamp refused for its value
                raise CheckFailure(
                    requirement, f"no validation:error for a valid {sent['type']}", describe(got)
                )
            if (
                got["type"] == "connection:error"
                and got.get("code") == "FORBIDDEN"
                and sent["type"]
                not in (
                    "agent:status",
                    "terminal:output",
                    "command:status",
                    "command:complete",
                    "dashboard:disconnect",
                    "agent:disconnect",
                    "batch",
                    "compressed",
                    "terminal:clear",
                )
            ):
                requirement = "ROLE-1" if role == "dashboard" else "ROLE-2"
                raise CheckFailure(
                    requirement, f"{sent['type']} allowed for a {role}", describe(got)
                )

    @seed(ctx.seed)
    @property_settings(ctx)
    @given(
        st.sampled_from(("dashboard", "agent")).flatmap(
            lambda role: st.tuples(st.just(role), client_message(role))
        )
    )
    def test(case: tuple[str, dict[str, Any]]) -> None:
        role, drawn = case
        sent = well_formed_wrappers(drawn)
        assume(len(message_text(sent).encode()) <= ctx.profile.max_message_bytes)
        assume(sent["type"] not in DISCONNECTS)
        bridge.new_example()
        try:
            bridge.run(one(role, dict(sent)))
        finally:
            bridge.finish_example()

    await run_property(ctx, test, bridge)
