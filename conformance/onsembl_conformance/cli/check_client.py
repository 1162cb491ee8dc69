"""``onsembl check-client``: play the server and check a client (issue 13).

Without ``--command`` or ``--listen`` it checks the bundled reference client, both roles.
Exit status as ``onsembl check`` (:data:`EPILOG`): 0 conformant, 1 a requirement failed,
2 the kit could not run, 3 incomplete.
"""

from __future__ import annotations

import argparse
from pathlib import Path

from onsembl_conformance.cli._report_options import add_report_arguments, configure_reports
from onsembl_spec.errors import UsageError
from onsembl_spec.profile import load_profile

NAME = "check-client"
HELP = "check a client by playing the server (the bundled reference client without --command)"
ORDER = 55  # after check, before replay
EPILOG = """\
the client under test:
  --command CMD       the kit starts CMD (through sh -c) once per check, with
                      ONSEMBL_URL, ONSEMBL_ROLE, ONSEMBL_TOKEN, ONSEMBL_TOKEN_FILE,
                      ONSEMBL_PROFILE (JSON) and ONSEMBL_SCENARIO in its environment,
                      and stops it with SIGTERM, then SIGKILL (docs/check-client.md)
  --listen HOST:PORT  the kit listens and prints the URL, a token, the token file and
                      the profile; start the client by hand (or open the dashboard)
  neither             the bundled reference client (onsembl agent, onsembl dashboard)

exit status:
  0  conformant: every MUST requirement checked passed (and every SHOULD with
     --strict), and no check ended in an error
  1  not conformant: a requirement failed (whatever else happened)
  2  the kit could not run: bad arguments or profile, a client that does not
     start, connect and identify
  3  incomplete: nothing failed, but a check ended in an error (the kit's own
     trouble, an inconclusive or nondeterministic outcome, a time limit,
     --max-time): no verdict on the requirements it verifies

--max-time defaults: 120 s with --quick, 600 s otherwise.
"""


def _address(text: str) -> tuple[str, int]:
    host, sep, port = text.rpartition(":")
    if not sep or not port.isdigit() or not 0 <= int(port) <= 65535:
        raise argparse.ArgumentTypeError(f"HOST:PORT expected, not {text!r}")
    return host.strip("[]") or "127.0.0.1", int(port)


def add_arguments(parser: argparse.ArgumentParser) -> None:
    target = parser.add_mutually_exclusive_group()
    target.add_argument(
        "--command", dest="client_command", metavar="CMD",
        help="start the client under test with CMD",
    )  # fmt: skip
    target.add_argument(
        "--listen", metavar="HOST:PORT", type=_address,
        help="wait for a client started by hand on HOST:PORT (port 0: any free port)",
    )  # fmt: skip
    parser.add_argument(
        "--role", choices=("agent", "dashboard"), action="append",
        help="the role of the client under test (required with --command and --listen; "
        "repeat it for a command that plays both; default for the bundled client: both)",
    )  # fmt: skip
    parser.add_argument(
        "--profile", metavar="FILE",
        help="the profile handed to the client (default: the kit's short timings)",
    )  # fmt: skip
    parser.add_argument(
        "--only", metavar="IDS", help="comma-separated requirement IDs, areas or check names"
    )
    parser.add_argument(
        "--exclude", metavar="IDS", help="comma-separated requirement IDs, areas or check names"
    )
    parser.add_argument("--strict", action="store_true", help="SHOULD requirements fail too")
    parser.add_argument("--quick", action="store_true", help="the quick subset (under a minute)")
    parser.add_argument(
        "--seed", metavar="N", type=int, default=None, help="seed of the random parts"
    )
    parser.add_argument("--junit", metavar="FILE", help="write a JUnit XML report")
    parser.add_argument("--report", metavar="FILE.json", help="write a JSON report")
    parser.add_argument("--html", metavar="FILE", help="write a self-contained HTML report")
    parser.add_argument(
        "--transcripts", metavar="DIR", default="onsembl-transcripts",
        help="where failed checks' transcripts go (default ./onsembl-transcripts)",
    )  # fmt: skip
    parser.add_argument(
        "--jobs", metavar="N", type=int, default=None,
        help="checks run at once with --command (default 3; --listen runs one at a time)",
    )  # fmt: skip
    parser.add_argument(
        "--max-time", metavar="SECONDS", type=float, default=None,
        help="wall-clock bound of the whole run (default 120 with --quick, 600)",
    )  # fmt: skip
    parser.add_argument(
        "--listen-wait", metavar="SECONDS", type=float, default=300.0,
        help="--listen: how long to wait for the client's first connection (default 300)",
    )  # fmt: skip
    add_report_arguments(parser)


def run(args: argparse.Namespace) -> int:
    import random

    from onsembl_conformance.clientcheck.runner import JOBS, ClientRunOptions, run_clients
    from onsembl_conformance.engine import parse_selectors
    from onsembl_conformance.registry import CLIENT_ROLES, all_client_checks
    from onsembl_conformance.reporters import (
        ConsoleReporter,
        HtmlReporter,
        JsonReporter,
        JunitReporter,
    )

    if (args.client_command is not None or args.listen is not None) and not args.role:
        raise UsageError("--role agent or --role dashboard: the role of the client under test")
    roles = tuple(dict.fromkeys(args.role)) if args.role else CLIENT_ROLES
    if args.listen is not None and len(roles) > 1:
        raise UsageError("--listen checks one role at a time")
    if args.jobs is not None and args.jobs < 1:
        raise UsageError("--jobs must be at least 1")
    if args.max_time is not None and args.max_time <= 0:
        raise UsageError("--max-time must be positive")
    if args.client_command is not None and not args.client_command.strip():
        raise UsageError("--command is empty")
    checks = all_client_checks()
    seed = args.seed if args.seed is not None else random.SystemRandom().randrange(2**31)
    listeners: list[object] = [ConsoleReporter()]
    for option, reporter in (
        (args.junit, JunitReporter),
        (args.report, JsonReporter),
        (args.html, HtmlReporter),
    ):
        if option:
            path = Path(option)
            if not path.parent.is_dir():
                raise UsageError(f"cannot write {option}: no directory {path.parent}")
            listeners.append(reporter(path))
    configure_reports(args, listeners)
    options = ClientRunOptions(
        command=args.client_command,
        listen=args.listen,
        roles=roles,
        profile=load_profile(args.profile) if args.profile else None,
        only=parse_selectors(args.only, checks),
        exclude=parse_selectors(args.exclude, checks),
        strict=args.strict,
        quick=args.quick,
        seed=seed,
        jobs=args.jobs or JOBS,
        transcripts_dir=Path(args.transcripts),
        listeners=listeners,  # type: ignore[arg-type]
        max_time=args.max_time,
        listen_wait=args.listen_wait,
    )
    return run_clients(options).exit_code
