"""``--badge FILE`` and ``--docs-url URL`` of ``onsembl check`` and ``onsembl check-client``.

``add_report_arguments`` adds them; ``configure_reports`` applies them to the run's
listeners once the command has made its reporters: the badge is one more listener,
the docs URL is the site the HTML report links requirement IDs into.
"""

from __future__ import annotations

import argparse
from pathlib import Path

from onsembl_spec.errors import UsageError


def add_report_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--badge", metavar="FILE",
        help="write a shields.io endpoint badge (JSON): MUST requirements passed of all, "
        "coloured red when one failed",
    )  # fmt: skip
    parser.add_argument(
        "--docs-url", metavar="URL", default=None,
        help="the published docs site the HTML report links requirement IDs into "
        "(URL/spec.html#AUTH-3; default $ONSEMBL_DOCS_URL, else relative links); "
        "a URL holding {id} is a pattern (https://example.org/spec#{id})",
    )  # fmt: skip


def configure_reports(args: argparse.Namespace, listeners: list[object]) -> None:
    """Add the badge listener; give the HTML reporters the docs URL."""
    from onsembl_conformance.reporters.badge import BadgeReporter
    from onsembl_conformance.reporters.html import HtmlReporter

    if args.docs_url is not None:
        if not args.docs_url.strip():
            raise UsageError("--docs-url is empty")
        for listener in listeners:
            if isinstance(listener, HtmlReporter):
                listener.docs_url = args.docs_url
    if args.badge:
        path = Path(args.badge)
        if not path.parent.is_dir():
            raise UsageError(f"cannot write {args.badge}: no directory {path.parent}")
        listeners.append(BadgeReporter(path))
