"""``onsembl generate [--check] [--output-dir DIR]``: regenerate everything from ``schemas/``.

Writes the plain-Python validators, the reference docs (Markdown and one HTML
page), the AsyncAPI document and the TypeScript declarations, and keeps
current the rule table of ``docs/diff.md`` and the files other packages
contribute (``docs/coverage.md``; :mod:`onsembl_spec.generator.hooks`). With
``--check`` nothing is written: exit 1 naming each stale file when anything
differs from what the schemas produce now. Exit 0 when up to date, 2 for a
usage error.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from onsembl_spec import resources
from onsembl_spec.errors import UsageError
from onsembl_spec.generator import files_under
from onsembl_spec.generator.output import stale_files, write_files
from onsembl_spec.generator.source import load_sources

NAME = "generate"
HELP = (
    "regenerate validators, docs, AsyncAPI, TypeScript, the diff rule table and the coverage"
    " table (--check: verify)"
)
ORDER = 70  # place in `onsembl --help`


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--check",
        action="store_true",
        help="write nothing; exit 1 and name the stale files when any generated file is stale",
    )
    parser.add_argument(
        "--output-dir",
        type=Path,
        default=None,
        metavar="DIR",
        help="root to write under (default: the repository checkout)",
    )


def _root(args: argparse.Namespace) -> Path:
    if args.output_dir is not None:
        root: Path = args.output_dir
        if root.exists() and not root.is_dir():
            raise UsageError(f"--output-dir {root} is not a directory")
        return root
    checkout = resources.repo_root()
    if checkout is None:
        raise UsageError("not running from a checkout: give --output-dir")
    return checkout


def run(args: argparse.Namespace) -> int:
    root = _root(args)
    files = files_under(root, load_sources())
    if args.check:
        stale = stale_files(root, files)
        for path in stale:
            print(f"stale: {path}", file=sys.stderr)
        if stale:
            print(
                f"onsembl generate: {len(stale)} generated file(s) differ from the schemas; "
                "run `onsembl generate`",
                file=sys.stderr,
            )
            return 1
        print(f"{len(files)} generated files are up to date")
        return 0
    changed = write_files(root, files)
    for path in changed:
        print(f"wrote {path}" if path in files else f"removed {path}")
    print(f"{len(files)} generated files, {len(changed)} changed")
    return 0
