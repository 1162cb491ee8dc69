"""The byte budgets of the command queue (CMD-20).

A command's bytes are the UTF-8 lengths of its ``command`` and ``args``
added up. The check fills one agent's queue with commands of a size chosen
so that ``max_queue_bytes`` is reached before ``max_queue`` (CMD-6) could
explain a refusal, then, with a second agent of the same owner, passes
``max_owner_queue_bytes`` while that agent's own queue stays within its
budget. Every request within both budgets must be queued; the one past a
budget must be answered ``QUEUE_FULL``.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

from onsembl_conformance.checks._flows import executes, refused, request
from onsembl_conformance.client import Connection
from onsembl_conformance.context import CheckContext, message
from onsembl_conformance.errors import CheckSkipped
from onsembl_conformance.registry import check
from onsembl_spec.profile import Profile

ARG_BYTES = 4096
"""The longest argument the schema allows (``args`` items)."""
MAX_ARGS = 256
ENVELOPE_ALLOWANCE = 2048
"""Room left in ``max_message_bytes`` for the JSON around ``args``."""
MAX_DASHBOARDS = 4
"""Requests are spread over at most this many dashboards (each has its own request limits)."""


@dataclass(frozen=True)
class QueuePlan:
    """Sizes of the commands that reach the budgets."""

    agent_count: int
    """Commands of ``agent_size`` that fit the agent's budget; one more does not."""
    agent_size: int
    owner_count: int
    """Commands of ``owner_size`` for a second agent that fit the owner's budget (0: no owner
    part)."""
    owner_size: int
    dashboards: int

    @property
    def requests(self) -> int:
        owner = self.owner_count + 2 if self.owner_size else 0
        return self.agent_count + 2 + owner


def _split(budget: int, largest: int) -> tuple[int, int] | None:
    """``(count, size)``: ``count`` commands of ``size`` fit ``budget`` and one more does not."""
    count = max(1, math.ceil(budget / largest))
    size = budget // count
    if size < 2 or (count + 1) * size <= budget:
        return None
    return count, size


def queue_plan(profile: Profile) -> QueuePlan:
    """The commands that reach ``max_queue_bytes`` and ``max_owner_queue_bytes`` (CMD-20) within
    ``max_queue`` and the request limits; ``CheckSkipped`` when no such plan fits."""
    agent_budget, owner_budget = profile.max_queue_bytes, profile.max_owner_queue_bytes
    budgets = [b for b in (agent_budget, owner_budget) if b is not None]
    if not budgets:
        raise CheckSkipped("max_queue_bytes and max_owner_queue_bytes are both off")
    largest = min(profile.max_message_bytes - ENVELOPE_ALLOWANCE, ARG_BYTES * MAX_ARGS)
    first = _split(min(budgets), largest)
    if first is None or first[0] >= profile.max_queue:
        raise CheckSkipped(
            f"the byte budget {min(budgets)} needs more than max_queue {profile.max_queue}"
            " commands of the largest size a message carries"
        )
    agent_count, agent_size = first
    owner_count = owner_size = 0
    room = None if owner_budget is None else owner_budget - agent_count * agent_size
    if room is not None and room > 0 and owner_budget != min(budgets):
        own = largest if agent_budget is None else min(largest, agent_budget)
        second = _split(room, own)
        if second is not None and second[0] < profile.max_queue and (
            agent_budget is None or (second[0] + 1) * second[1] <= agent_budget
        ):
            owner_count, owner_size = second
    windows = profile.type_windows("command:request") or profile.connection_windows()
    per_dashboard = min([10**6] + [w.limit - 1 for w in windows if w.seconds > 1])
    plan = QueuePlan(agent_count, agent_size, owner_count, owner_size, 1)
    dashboards = max(1, math.ceil(plan.requests / max(1, per_dashboard)))
    if dashboards > MAX_DASHBOARDS:
        raise CheckSkipped(
            f"reaching the byte budgets takes {plan.requests} requests; the request limits let"
            f" {MAX_DASHBOARDS} dashboards send {MAX_DASHBOARDS * per_dashboard}"
        )
    return QueuePlan(agent_count, agent_size, owner_count, owner_size, dashboards)


def command_of(agent_id: str, size: int) -> dict[str, object]:
    """A ``command:request`` whose command and args make ``size`` bytes (CMD-20)."""
    rest = size - 1
    args = ["a" * ARG_BYTES] * (rest // ARG_BYTES)
    if rest % ARG_BYTES:
        args.append("a" * (rest % ARG_BYTES))
    return message("command:request", agentId=agent_id, command="x", args=args)


class _Turns:
    """Dashboards taking turns, so that each stays within its request limits."""

    def __init__(self, dashboards: list[Connection]) -> None:
        self.dashboards = dashboards
        self.sent = 0

    def next(self) -> Connection:
        dash = self.dashboards[self.sent % len(self.dashboards)]
        self.sent += 1
        return dash


async def _fill(
    turns: _Turns, agent: Connection, agent_id: str, count: int, size: int, what: str
) -> None:
    """One command that runs at once (not pending), then ``count`` pending of ``size``, then
    one more refused ``QUEUE_FULL``."""
    await request(turns.next(), agent_id, "runs", requirement="CMD-1")
    await executes(agent)
    for _ in range(count):
        command = command_of(agent_id, size)
        await request(
            turns.next(),
            agent_id,
            str(command["command"]),
            requirement="CMD-20",
            args=command["args"],
        )
    await refused(turns.next(), command_of(agent_id, size), "QUEUE_FULL", "CMD-20")
    turns.dashboards[0].ctx.transcript.note(
        f"{what}: {count} pending of {size} bytes queued, one more refused"
    )


@check("CMD-20")
async def check_queue_byte_budgets(ctx: CheckContext) -> None:
    """Pending commands within max_queue_bytes (per agent) and max_owner_queue_bytes (all the
    owner's agents) are queued; the request past either is refused QUEUE_FULL."""
    plan = queue_plan(ctx.profile)
    owner = ctx.owner()
    dashboards = [(await ctx.dashboard(owner))[0] for _ in range(plan.dashboards)]
    turns = _Turns(dashboards)
    agent, agent_id = await ctx.agent(owner)
    await _fill(turns, agent, agent_id, plan.agent_count, plan.agent_size, "one agent")
    if not plan.owner_size:
        ctx.transcript.note("the owner's budget cannot be reached with one more agent: not tried")
        return
    second, second_id = await ctx.agent(owner)
    await _fill(turns, second, second_id, plan.owner_count, plan.owner_size, "the owner")
