"""``onsembl dashboard [URL]``: a dashboard that prints every event it sees, one line each.

Server messages are printed as their JSON (unwrapped from ``batch`` and
``compressed``, CLIENT-7), connection events as ``-- ...`` lines. ``--request AGENT
COMMAND`` asks an agent to run a command once identified; with ``--until-done``
the command exits when every request has ended (0 when all completed with exit
code 0, else 1).
"""

from __future__ import annotations

import argparse
import shlex
from dataclasses import dataclass, field
from typing import Any

from onsembl_client.cli import _options
from onsembl_client.client import Client
from onsembl_client.events import ClientEvent, Message
from onsembl_spec.errors import UsageError
from onsembl_spec.protocol import FINAL_STATUSES

NAME = "dashboard"
HELP = "connect as a dashboard and print the events it sees (the reference client)"
ORDER = 62  # place in `onsembl --help`
EPILOG = """\
examples:
  onsembl dashboard --jwt-secret "$ONSEMBL_JWT_SECRET"
  onsembl dashboard --request demo-agent "echo hello" --until-done
  ONSEMBL_TOKEN=... onsembl dashboard ws://server.example/ws
"""


def add_arguments(parser: argparse.ArgumentParser) -> None:
    _options.add_common_arguments(parser)
    parser.add_argument(
        "--dashboard-id", default=None, metavar="ID",
        help="the dashboardId to identify with (default: dashboard-<random>)",
    )  # fmt: skip
    parser.add_argument(
        "--request", nargs=2, action="append", default=[], metavar=("AGENT", "COMMAND"),
        help="once identified, ask AGENT to run COMMAND (split like a shell line); repeatable",
    )  # fmt: skip
    parser.add_argument(
        "--until-done", action="store_true",
        help="exit when every --request has ended: 0 when all completed with exit code 0",
    )  # fmt: skip


@dataclass
class Requests:
    """The ``--request`` commands and how each ended (by ``requestId``, then ``commandId``)."""

    messages: list[dict[str, Any]]
    command_of: dict[str, str] = field(default_factory=dict)
    outcome: dict[str, bool] = field(default_factory=dict)

    def note(self, message: dict[str, Any]) -> None:
        kind = message.get("type")
        request_id = message.get("requestId")
        if kind == "command:queued" and isinstance(request_id, str):
            self.command_of[str(message["commandId"])] = request_id
        elif kind == "command:error" and isinstance(request_id, str):
            self.outcome.setdefault(request_id, False)
        elif kind in ("command:status", "command:complete"):
            request = self.command_of.get(str(message.get("commandId")))
            if request is None:
                return
            if kind == "command:complete":
                self.outcome.setdefault(request, message.get("exitCode") == 0)
            elif message.get("status") in FINAL_STATUSES:
                self.outcome.setdefault(
                    request,
                    message.get("status") == "completed" and message.get("exitCode", 0) == 0,
                )

    @property
    def done(self) -> bool:
        return len(self.outcome) == len(self.messages)


def requests_from(pairs: list[list[str]]) -> list[dict[str, Any]]:
    messages = []
    for number, (agent, line) in enumerate(pairs, start=1):
        try:
            words = shlex.split(line)
        except ValueError as err:
            raise UsageError(f"--request {agent} {line!r}: {err}") from None
        if not words:
            raise UsageError(f"--request {agent}: the command is empty")
        messages.append(
            {
                "type": "command:request",
                "agentId": agent,
                "command": words[0],
                "args": words[1:],
                "requestId": f"request-{number}",
            }
        )
    return messages


def run(args: argparse.Namespace) -> int:
    config = _options.settings(args, "dashboard")
    if args.until_done and not args.request:
        raise UsageError("--until-done needs at least one --request")
    requests = Requests(requests_from(args.request))
    show = _options.printer()

    async def work(client: Client) -> int:
        for message in requests.messages:
            await client.send(message)  # kept until identified (CLIENT-11), checked (CLIENT-4)
        event: ClientEvent
        async for event in client:
            show(event)
            if isinstance(event, Message):
                requests.note(event.message)
                if args.until_done and requests.done:
                    return 0 if all(requests.outcome.values()) else 1
        return 0

    return _options.run_client(
        _options.make_client("dashboard", dashboard_id=args.dashboard_id), work, config
    )
