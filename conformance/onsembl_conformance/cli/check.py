"""``onsembl check [URL]``: run the conformance suite against a server (issue #5).

Without a URL it starts the bundled reference server on a free loopback port
with a fast profile and checks it. Exit status (``EPILOG``): 0 conformant, 1 a
requirement failed, 2 the suite could not run, 3 incomplete (a check ended in
an error of the kit or the environment, nothing failed).
"""

from __future__ import annotations

import argparse
import shlex
import sys
from pathlib import Path

from onsembl_conformance.cli._connection_options import (
    add_connection_arguments,
    connection_from_args,
    replay_hint,
)
from onsembl_conformance.cli._report_options import add_report_arguments, configure_reports
from onsembl_conformance.cli._token_options import add_token_arguments, token_issuer
from onsembl_spec.errors import UsageError
from onsembl_spec.profile import load_profile

NAME = "check"
HELP = "run the conformance suite against a server (the bundled one without URL)"
ORDER = 50  # place in `onsembl --help`
EPILOG = """\
exit status:
  0  conformant: every MUST requirement checked passed (and every SHOULD with
     --strict), and no check ended in an error
  1  not conformant: a requirement failed (whatever else happened)
  2  the suite could not run: bad arguments, profile or URL, a server that
     does not start or cannot be reached
  3  incomplete: nothing failed, but a check ended in an error (the kit's own
     trouble, an inconclusive or nondeterministic outcome, a time limit,
     --max-time): no verdict on the requirements it verifies

  With --baseline FILE, 1 also means an unexpected failure or a stale entry
  (a listed item that now passes); expected failures alone give 0.

--max-time defaults: 120 s with --quick, 600 s by default, 14400 s with --deep.
"""


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "url", metavar="URL", nargs="?", help="ws://HOST:PORT/PATH (wss:// for TLS) of the server"
    )
    parser.add_argument("--profile", metavar="FILE", help="the server's limits and timings (R16)")
    parser.add_argument(
        "--only", metavar="IDS",
        help="comma-separated requirement IDs, areas or check names to check (any case: auth-3)",
    )  # fmt: skip
    parser.add_argument(
        "--exclude", metavar="IDS",
        help="comma-separated requirement IDs, areas or check names to skip (any case: rate)",
    )  # fmt: skip
    parser.add_argument(
        "--strict", action="store_true", help="SHOULD requirements fail the run too"
    )
    pace = parser.add_mutually_exclusive_group()
    pace.add_argument("--quick", action="store_true", help="the quick subset (under a minute)")
    pace.add_argument("--deep", action="store_true", help="also hour windows and long timeouts")
    parser.add_argument(
        "--seed", metavar="N", type=int, default=None, help="seed of the random parts"
    )
    parser.add_argument("--junit", metavar="FILE", help="write a JUnit XML report ('-': to stdout)")
    parser.add_argument(
        "--report", metavar="FILE.json",
        help="write a JSON report ('-': to stdout, the progress then going to stderr)",
    )  # fmt: skip
    parser.add_argument(
        "--html", metavar="FILE", help="write a self-contained HTML report ('-': to stdout)"
    )
    parser.add_argument(
        "--timeout", metavar="SECONDS", type=float, default=5.0,
        help="how long to wait for a reply that has no time bound of its own (default 5)",
    )  # fmt: skip
    parser.add_argument(
        "--transcripts", metavar="DIR", default="onsembl-transcripts",
        help="where failed checks' transcripts go (default ./onsembl-transcripts)",
    )  # fmt: skip
    parser.add_argument(
        "--jobs", metavar="N", type=int, default=4, help="checks run at once (default 4)"
    )
    parser.add_argument(
        "--baseline", metavar="FILE",
        help="YAML of requirement IDs or check names expected to fail, each with a reason: "
        "the run passes when exactly those fail (a listed item that passes is stale)",
    )  # fmt: skip
    parser.add_argument(
        "--write-baseline", metavar="FILE", help="write the baseline of this run's failures"
    )
    parser.add_argument(
        "--max-time", metavar="SECONDS", type=float, default=None,
        help="wall-clock bound of the whole run: checks unfinished then are reported as "
        "errors and the reports are still written (default 120 with --quick, 600, "
        "14400 with --deep)",
    )  # fmt: skip
    parser.add_argument(
        "--server-command", metavar="CMD",
        help="without URL: start this command instead of the bundled server "
        "(it gets --host --port --jwt-secret --profile appended; --jwt-public-key FILE "
        "--jwt-alg ALG instead of --jwt-secret with --jwt-key)",
    )  # fmt: skip
    add_token_arguments(parser)
    add_connection_arguments(parser)
    add_report_arguments(parser)


def run(args: argparse.Namespace) -> int:
    import random

    from onsembl_conformance.baseline import baseline_text, load_baseline
    from onsembl_conformance.engine import parse_selectors
    from onsembl_conformance.reporters import (
        ConsoleReporter,
        HtmlReporter,
        JsonReporter,
        JunitReporter,
    )
    from onsembl_conformance.runner import RunOptions
    from onsembl_conformance.runner import run as run_suite

    if args.timeout <= 0:
        raise UsageError("--timeout must be positive")
    if args.jobs < 1:
        raise UsageError("--jobs must be at least 1")
    if args.max_time is not None and args.max_time <= 0:
        raise UsageError("--max-time must be positive")
    if args.server_command and args.url:
        raise UsageError("--server-command is for runs without URL")
    connection = connection_from_args(args)
    issuer = token_issuer(args, url=args.url)
    profile = load_profile(args.profile) if args.profile else None
    seed = args.seed if args.seed is not None else random.SystemRandom().randrange(2**31)
    to_stdout = [option for option in (args.junit, args.report, args.html) if option == "-"]
    if len(to_stdout) > 1:
        raise UsageError("one report at most on stdout: --junit -, --report - or --html -")
    # A report on stdout keeps it to itself: the progress goes to stderr then.
    listeners: list[object] = [ConsoleReporter(sys.stderr if to_stdout else None)]
    for option, reporter in (
        (args.junit, JunitReporter),
        (args.report, JsonReporter),
        (args.html, HtmlReporter),
    ):
        if option == "-":
            listeners.append(reporter(None))
        elif option:
            path = Path(option)
            if not path.parent.is_dir():
                raise UsageError(f"cannot write {option}: no directory {path.parent}")
            listeners.append(reporter(path))
    configure_reports(args, listeners)
    baseline = load_baseline(args.baseline) if args.baseline else None
    if args.write_baseline and not Path(args.write_baseline).parent.is_dir():
        raise UsageError(f"cannot write {args.write_baseline}: no such directory")
    options = RunOptions(
        url=args.url,
        issuer=issuer,
        profile=profile,
        only=parse_selectors(args.only, option="--only"),
        exclude=parse_selectors(args.exclude, option="--exclude"),
        strict=args.strict,
        quick=args.quick,
        deep=args.deep,
        seed=seed,
        timeout=args.timeout,
        jobs=args.jobs,
        transcripts_dir=Path(args.transcripts),
        server_command=shlex.split(args.server_command) if args.server_command else None,
        listeners=listeners,  # type: ignore[arg-type]
        max_time=args.max_time,
        baseline=baseline,
        connection=connection,
        replay=replay_hint(args, connection) if args.url else None,
    )
    try:
        summary = run_suite(options)
    except KeyboardInterrupt:  # Ctrl-C: stop now, not after the checks' clean-ups
        from onsembl_conformance.runner import exit_interrupted

        exit_interrupted()
    if args.write_baseline:
        Path(args.write_baseline).write_text(baseline_text(summary), encoding="utf-8")
    return summary.exit_code
