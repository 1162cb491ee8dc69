"""``onsembl agent [URL]``: the demo agent (it never runs anything), printing its events.

It answers ``command:execute`` as docs/check-client.md says: ``echo`` prints its
arguments, ``sleep N [TEXT...]`` waits N seconds (interruptible), then prints TEXT,
anything else is echoed back; ``running`` at once, one final status, interrupts and emergency stops
honoured (CLIENT-14..CLIENT-17).
"""

from __future__ import annotations

import argparse

from onsembl_client.agent import run_demo_agent
from onsembl_client.cli import _options
from onsembl_client.client import Client

NAME = "agent"
HELP = "connect as the demo agent, which answers commands without running anything"
ORDER = 63  # place in `onsembl --help`
EPILOG = """\
examples:
  onsembl agent --jwt-secret "$ONSEMBL_JWT_SECRET" --agent-id laptop
  onsembl check-client --command "onsembl agent" --role agent
"""

DEFAULT_AGENT_ID = "demo-agent"
DEFAULT_AGENT_TYPE = "demo"


def add_arguments(parser: argparse.ArgumentParser) -> None:
    _options.add_common_arguments(parser)
    parser.add_argument(
        "--agent-id", default=DEFAULT_AGENT_ID, metavar="ID",
        help=f"the agentId, the same on every connection (default {DEFAULT_AGENT_ID})",
    )  # fmt: skip
    parser.add_argument(
        "--agent-type", default=DEFAULT_AGENT_TYPE, metavar="TYPE",
        help=f"the agentType (default {DEFAULT_AGENT_TYPE})",
    )  # fmt: skip
    parser.add_argument("--quiet", action="store_true", help="print nothing")


def run(args: argparse.Namespace) -> int:
    config = _options.settings(args, "agent")
    show = None if args.quiet else _options.printer()

    async def work(client: Client) -> int:
        await run_demo_agent(client, on_event=show)
        return 0

    build = _options.make_client("agent", agent_id=args.agent_id, agent_type=args.agent_type)
    return _options.run_client(build, work, config)
