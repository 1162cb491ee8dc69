"""Message flows (connect, command lifecycle, token refresh) as data, drawn by generation.

Each flow is a list of steps ``(sender, receiver, message type, note)``. Steps
are checked against the schemas' ``x-sender`` / ``x-receiver`` roles, so a
schema change that makes a flow impossible stops generation. From the steps
come Mermaid sequence diagrams (Markdown) and inline SVG (HTML).
"""

from __future__ import annotations

from dataclasses import dataclass
from html import escape

from onsembl_spec.errors import GeneratorError
from onsembl_spec.schemas import SchemaSet


@dataclass(frozen=True)
class Step:
    """One message of a flow."""

    sender: str
    receiver: str
    message_type: str
    note: str = ""


@dataclass(frozen=True)
class Flow:
    """A named sequence of messages between roles, with the requirements it illustrates."""

    key: str
    title: str
    summary: str
    requirements: tuple[str, ...]
    steps: tuple[Step, ...]

    @property
    def participants(self) -> tuple[str, ...]:
        order = ("dashboard", "server", "agent")
        seen = {s.sender for s in self.steps} | {s.receiver for s in self.steps}
        return tuple(role for role in order if role in seen)


FLOWS = (
    Flow(
        key="connect",
        title="Connect and identify",
        summary="Each client opens the WebSocket with its token, then identifies itself; "
        "dashboards get the agent list, and see agents come online.",
        requirements=("IDENT-1", "PRES-1", "PRES-2"),
        steps=(
            Step("dashboard", "server", "dashboard:connect", "first message after the upgrade"),
            Step("server", "dashboard", "agent:list", "the owner's connected agents"),
            Step("agent", "server", "agent:connect", "agentId, agentType"),
            Step("server", "dashboard", "agent:status", "the agent is online"),
            Step("dashboard", "server", "heartbeat:ping"),
            Step("server", "dashboard", "heartbeat:pong"),
        ),
    ),
    Flow(
        key="command-lifecycle",
        title="Command lifecycle",
        summary="A dashboard asks for a command; the server queues it, hands it to the agent, "
        "and forwards its output and status to the owner's dashboards.",
        requirements=("CMD-1", "CMD-2", "CMD-8", "CMD-10", "CMD-11", "TERM-1"),
        steps=(
            Step("dashboard", "server", "command:request", "agentId, command, priority"),
            Step("server", "dashboard", "command:queued", "commandId assigned"),
            Step("server", "agent", "command:execute"),
            Step("agent", "server", "command:status", "running"),
            Step("server", "dashboard", "command:status", "running"),
            Step("agent", "server", "terminal:output", "stdout chunk"),
            Step("server", "dashboard", "terminal:output", "forwarded in order"),
            Step("agent", "server", "command:complete", "exitCode, duration"),
            Step("server", "dashboard", "command:complete", "forwarded; next command may start"),
        ),
    ),
    Flow(
        key="refresh",
        title="Token refresh",
        summary="Before the token expires the server asks for a new one; the client sends it "
        "on the same connection and the server accepts or refuses it.",
        requirements=("REFRESH-1", "REFRESH-3", "REFRESH-4"),
        steps=(
            Step("server", "agent", "auth:refresh-needed", "token expires soon"),
            Step("agent", "server", "auth:refresh-token", "a new JWT"),
            Step("server", "agent", "auth:refresh-success", "connection continues"),
            Step("agent", "server", "auth:refresh-token", "an invalid JWT"),
            Step("server", "agent", "auth:refresh-failed", "owner and expiry unchanged"),
        ),
    ),
)


def check_flows(schemas: SchemaSet, flows: tuple[Flow, ...] = FLOWS) -> None:
    """Every step is allowed by the schemas' roles; raises :class:`GeneratorError` if not."""
    for flow in flows:
        for step in flow.steps:
            if step.message_type not in schemas.by_type:
                raise GeneratorError(f"flow {flow.key}: unknown type {step.message_type}")
            if step.sender not in schemas.senders(step.message_type):
                raise GeneratorError(
                    f"flow {flow.key}: {step.sender} may not send {step.message_type}"
                )
            if step.receiver not in schemas.receivers(step.message_type):
                raise GeneratorError(
                    f"flow {flow.key}: {step.receiver} does not receive {step.message_type}"
                )


def mermaid(flow: Flow) -> str:
    """A Mermaid ``sequenceDiagram`` of the flow."""
    lines = ["sequenceDiagram"]
    for role in flow.participants:
        lines.append(f"    participant {role.capitalize()}")
    for step in flow.steps:
        label = step.message_type + (f" ({step.note})" if step.note else "")
        label = label.replace(";", ",").replace("#", "")
        lines.append(f"    {step.sender.capitalize()}->>{step.receiver.capitalize()}: {label}")
    return "\n".join(lines)


COLUMN = 230
ROW = 46
TOP = 60
MARGIN = 130


def svg(flow: Flow) -> str:
    """An inline SVG sequence diagram of the flow (no external assets)."""
    roles = flow.participants
    x = {role: MARGIN + index * COLUMN for index, role in enumerate(roles)}
    width = MARGIN * 2 + COLUMN * (len(roles) - 1)
    height = TOP + ROW * len(flow.steps) + 40
    marker = f"arrow-{flow.key}"
    out = [
        f'<svg xmlns="http://www.w3.org/2000/svg" class="flow" role="img" '
        f'aria-label="{escape(flow.title)}" viewBox="0 0 {width} {height}" '
        f'width="{width}" height="{height}">',
        f'<defs><marker id="{marker}" viewBox="0 0 10 10" refX="10" refY="5" '
        'markerWidth="8" markerHeight="8" orient="auto-start-reverse">'
        '<path d="M 0 0 L 10 5 L 0 10 z" class="head"/></marker></defs>',
    ]
    for role in roles:
        cx = x[role]
        out.append(
            f'<rect x="{cx - 60}" y="10" width="120" height="30" rx="6" class="actor"/>'
            f'<text x="{cx}" y="30" text-anchor="middle" class="actor-label">'
            f"{escape(role)}</text>"
            f'<line x1="{cx}" y1="40" x2="{cx}" y2="{height - 10}" class="lifeline"/>'
        )
    for index, step in enumerate(flow.steps):
        y = TOP + ROW * index + 20
        x1, x2 = x[step.sender], x[step.receiver]
        middle = (x1 + x2) // 2
        label = escape(step.message_type)
        out.append(
            f'<line x1="{x1}" y1="{y}" x2="{x2}" y2="{y}" class="message" '
            f'marker-end="url(#{marker})"/>'
            f'<text x="{middle}" y="{y - 6}" text-anchor="middle" class="message-label">'
            f"{label}</text>"
        )
        if step.note:
            out.append(
                f'<text x="{middle}" y="{y + 14}" text-anchor="middle" class="note">'
                f"{escape(step.note)}</text>"
            )
    out.append("</svg>")
    return "\n".join(out)
