"""``onsembl replay FILE [URL]``: re-run a saved failure and say FIXED or FAILED (issue #5).

Exit status: 0 FIXED, 1 FAILED, 2 the replay could not run, 3 ERROR (the re-run
ended in an error of the kit or the environment: no verdict).
"""

from __future__ import annotations

import argparse
import shlex
from pathlib import Path

from onsembl_conformance.cli._connection_options import (
    add_connection_arguments,
    connection_from_args,
)
from onsembl_conformance.cli._token_options import add_token_arguments, token_issuer
from onsembl_spec.errors import UsageError
from onsembl_spec.profile import load_profile

NAME = "replay"
HELP = "re-run a failure transcript saved by 'onsembl check'; prints FIXED or FAILED"
ORDER = 60  # place in `onsembl --help`


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("file", metavar="FILE", help="a transcript from onsembl-transcripts/")
    parser.add_argument("url", metavar="URL", nargs="?", help="server to replay against")
    parser.add_argument("--profile", metavar="FILE", help="the server's profile (default: saved)")
    parser.add_argument("--timeout", metavar="SECONDS", type=float, default=5.0)
    parser.add_argument("--server-command", metavar="CMD", help="without URL: server to start")
    add_token_arguments(parser)
    add_connection_arguments(parser)


def run(args: argparse.Namespace) -> int:
    from onsembl_conformance.replay import replay
    from onsembl_conformance.reporters.console import failure_lines
    from onsembl_conformance.sanitize import clean

    if args.timeout <= 0:
        raise UsageError("--timeout must be positive")
    if args.server_command and args.url:
        raise UsageError("--server-command is for replays without URL")
    connection = connection_from_args(args)
    issuer = token_issuer(args, url=args.url)
    for warning in connection.warnings():
        print(f"WARNING: {warning}")
    outcome = replay(
        Path(args.file),
        args.url,
        None,
        load_profile(args.profile) if args.profile else None,
        args.timeout,
        shlex.split(args.server_command) if args.server_command else None,
        connection=connection,
        issuer=issuer,
    )
    failure = outcome.original.get("failure")
    req = failure.get("requirement", "?") if isinstance(failure, dict) else "?"
    name = outcome.result.spec.name
    if outcome.fixed:
        print(f"FIXED: {name} ({req}) now passes")
        return 0
    label, code = ("ERROR", 3) if outcome.result.status == "error" else ("FAILED", 1)
    print(f"{label}: {name}: {clean(outcome.result.message)}")
    for line in failure_lines(outcome.result):
        print(line)
    return code
