"""The ``onsembl`` command: one module per subcommand, dispatched here.

Each subcommand module defines ``NAME``, ``HELP``, ``add_arguments(parser)``
and ``run(args) -> int``. Errors derived from :class:`OnsemblError` become a
one-line message on stderr and exit code 2 (or the error's own code).
"""

from __future__ import annotations

import argparse
import importlib
import sys
from collections.abc import Sequence
from typing import NoReturn, Protocol

from onsembl_spec import __version__
from onsembl_spec.errors import OnsemblError, UsageError

SUBCOMMANDS = ("validate", "diff", "serve", "token", "check", "replay", "generate")
"""Modules of ``onsembl_spec.cli`` that provide a subcommand, in help order."""


class Subcommand(Protocol):
    NAME: str
    HELP: str

    def add_arguments(self, parser: argparse.ArgumentParser) -> None: ...

    def run(self, args: argparse.Namespace) -> int: ...


class _Parser(argparse.ArgumentParser):
    """An argument parser whose errors are one line, raised as :class:`UsageError`."""

    def error(self, message: str) -> NoReturn:
        raise UsageError(f"{self.prog}: {message}")


def build_parser() -> tuple[argparse.ArgumentParser, dict[str, Subcommand]]:
    parser = _Parser(prog="onsembl", description="The Onsembl WebSocket API kit.")
    parser.add_argument("--version", action="version", version=f"onsembl-spec {__version__}")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND", parser_class=_Parser)
    commands: dict[str, Subcommand] = {}
    for module_name in SUBCOMMANDS:
        module: Subcommand = importlib.import_module(f"onsembl_spec.cli.{module_name}")
        epilog = getattr(module, "EPILOG", None)
        command_parser = sub.add_parser(
            module.NAME,
            help=module.HELP,
            description=module.HELP,
            epilog=epilog,
            formatter_class=argparse.RawDescriptionHelpFormatter
            if epilog
            else argparse.HelpFormatter,
        )
        module.add_arguments(command_parser)
        commands[module.NAME] = module
    return parser, commands


def main(argv: Sequence[str] | None = None) -> int:
    """Entry point of the ``onsembl`` console script."""
    parser, commands = build_parser()
    try:
        args = parser.parse_args(argv)
        if args.command is None:
            parser.print_help(sys.stderr)
            return 2
        return commands[args.command].run(args)
    except OnsemblError as err:
        print(f"onsembl: error: {err}", file=sys.stderr)
        return getattr(err, "exit_code", 2)
    except KeyboardInterrupt:
        print("onsembl: interrupted", file=sys.stderr)
        return 130
    except BrokenPipeError:
        return 1
