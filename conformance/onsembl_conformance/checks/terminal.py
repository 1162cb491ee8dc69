"""Terminal checks (TERM-1, TERM-2, TERM-5, MSG-13)."""

from __future__ import annotations

from collections import Counter

from onsembl_conformance.client import Connection, describe
from onsembl_conformance.context import CheckContext, message
from onsembl_conformance.errors import CheckFailure
from onsembl_conformance.registry import check
from onsembl_spec.validation import parse_json


def chunk(n: int) -> dict[str, object]:
    return {"type": "stdout", "content": f"line {n}\n", "timestamp": "2024-01-01T00:00:00Z"}


@check("TERM-1", "MSG-13", tags=("quick",))
async def check_output_in_order(ctx: CheckContext) -> None:
    """terminal:output reaches every dashboard of the owner, unchanged and in order."""
    owner = ctx.owner()
    dashes = [(await ctx.dashboard(owner))[0] for _ in range(2)]
    agent, agent_id = await ctx.agent(owner)
    windows = ctx.profile.type_windows("terminal:output") or ()
    count = min([40] + [w.limit - 5 for w in windows])
    sent = [message("terminal:output", agentId=agent_id, output=chunk(n)) for n in range(count)]
    for m in sent:
        await agent.send(m)
    for dash in dashes:
        got = [await dash.expect("terminal:output", "TERM-1") for _ in sent]
        if got != sent:
            first = next(i for i, (a, b) in enumerate(zip(got, sent, strict=True)) if a != b)
            requirement = "TERM-1" if got[first]["output"] != sent[first]["output"] else "MSG-13"
            raise CheckFailure(requirement, describe(sent[first]), describe(got[first]))


def wrappers_received(ctx: CheckContext, conn: Connection) -> Counter[str]:
    """How many ``batch`` and ``compressed`` wrappers the server sent ``conn``, read from the
    frames of the check's transcript: a ``compressed`` inside a ``batch`` counts, and so does a
    ``batch`` inside a ``compressed`` (its ``originalType``)."""
    seen: Counter[str] = Counter()
    for event in ctx.transcript.events:
        if event["conn"] != conn.number or event["event"] != "recv" or event.get("kind") != "text":
            continue
        try:
            outer = parse_json(event["data"])
        except ValueError:
            continue  # not JSON (TRANS-3) or cut short in the transcript: not a wrapper seen
        if not isinstance(outer, dict):
            continue
        inner = outer.get("messages") if outer.get("type") == "batch" else None
        for m in [outer, *(inner if isinstance(inner, list) else [])]:
            if isinstance(m, dict) and m.get("type") in ("batch", "compressed"):
                seen[m["type"]] += 1
                if m.get("originalType") == "batch":
                    seen["batch"] += 1
    return seen


@check("TERM-5", tags=("quick",))
async def check_plain_messages(ctx: CheckContext) -> None:
    """The server sends plain messages unless its profile turns batching or compression on.

    ``output.batch`` allows ``batch``, ``output.compress`` allows
    ``compressed`` (PROF-1); whatever the profile leaves off must not be
    used. Ten outputs of 2 KB each, sent in one burst, give a server that
    batches or compresses every occasion to.
    """
    ctx.transcript.max_stored_text = max(ctx.transcript.max_stored_text, 256 * 1024)
    allowed: set[str] = set()
    if ctx.profile.output_batch:
        allowed.add("batch")
    if ctx.profile.output_compress:
        allowed.add("compressed")
    owner = ctx.owner()
    dash, _ = await ctx.dashboard(owner)
    agent, agent_id = await ctx.agent(owner)
    for n in range(10):
        await agent.send(
            message(
                "terminal:output",
                agentId=agent_id,
                output={
                    "type": "stdout",
                    "content": "x" * 2000 + str(n),
                    "timestamp": "2024-01-01T00:00:00Z",
                },
            )
        )
    for _ in range(10):
        await dash.expect("terminal:output", "TERM-1")
    if not allowed:
        if dash.wrapped_received:
            raise CheckFailure(
                "TERM-5", "plain messages", f"{dash.wrapped_received} batch/compressed wrappers"
            )
        return
    seen = wrappers_received(ctx, dash)
    forbidden = {kind: count for kind, count in seen.items() if kind not in allowed}
    if forbidden:
        profile = f"output.batch {str(ctx.profile.output_batch).lower()}, output.compress "
        profile += str(ctx.profile.output_compress).lower()
        shown = ", ".join(f"{count} {kind}" for kind, count in sorted(forbidden.items()))
        wanted = f"no {' or '.join(sorted(forbidden))} wrapper (the profile says {profile})"
        raise CheckFailure("TERM-5", wanted, f"{shown} wrappers")


@check("TERM-2", tags=("quick",))
async def check_terminal_clear(ctx: CheckContext) -> None:
    """terminal:clear from a dashboard reaches the agent and the other dashboards; from an agent,
    the dashboards."""
    owner = ctx.owner()
    dash, _ = await ctx.dashboard(owner)
    other, _ = await ctx.dashboard(owner)
    agent, agent_id = await ctx.agent(owner)
    await dash.send(message("terminal:clear", agentId=agent_id))
    await agent.expect("terminal:clear", "TERM-2")
    await other.expect("terminal:clear", "TERM-2")
    await agent.send(message("terminal:clear", agentId=agent_id))
    for viewer in (dash, other):
        await viewer.expect("terminal:clear", "TERM-2")
