"""``onsembl diff OLD NEW [--format text|json|markdown]``: classify schema changes.

OLD and NEW are schema directories or git revisions of the repository holding
the current directory (or ``--repo``); for a revision, its ``schemas/`` folder
is compared. Exit status: 1 when a change breaks existing clients or the
server (rules in ``docs/diff.md``), 0 otherwise, 2 for a usage error.
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

from onsembl_spec.diff import FORMATS, RULES, diff_schema_sets, load_side, render, rules_markdown
from onsembl_spec.errors import UsageError

NAME = "diff"
HELP = "compare two schema sets (directories or git revisions); exit 1 on a breaking change"
ORDER = 20  # place in `onsembl --help`


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("old", metavar="OLD", nargs="?", help="schema directory or git revision")
    parser.add_argument("new", metavar="NEW", nargs="?", help="schema directory or git revision")
    parser.add_argument(
        "--format", choices=FORMATS, default="text", help="output format (default: text)"
    )
    parser.add_argument(
        "--repo",
        metavar="PATH",
        type=Path,
        help="git repository for revisions (default: the one holding the current directory)",
    )
    parser.add_argument(
        "--list-rules",
        action="store_true",
        help="print the rule table (Markdown, or JSON with --format json) and exit",
    )


def _list_rules(fmt: str) -> str:
    if fmt == "json":
        rows = [
            {
                "rule": r.id,
                "breaks_client_sent": r.breaks_client_sent,
                "breaks_server_sent": r.breaks_server_sent,
                "summary": r.summary,
            }
            for r in RULES
        ]
        return json.dumps(rows, ensure_ascii=False) + "\n"
    return rules_markdown()


def run(args: argparse.Namespace) -> int:
    if args.list_rules:
        sys.stdout.write(_list_rules(args.format))
        return 0
    if args.old is None or args.new is None:
        raise UsageError("give OLD and NEW (schema directories or git revisions)")
    old = load_side(args.old, args.repo)
    new = load_side(args.new, args.repo)
    report = diff_schema_sets(old, new, args.old, args.new)
    sys.stdout.write(render(report, args.format))
    return 1 if report.breaking else 0
