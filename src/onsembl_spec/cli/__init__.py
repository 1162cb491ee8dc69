"""The ``onsembl`` command: one module per subcommand, dispatched here.

Each subcommand module defines ``NAME``, ``HELP``, ``add_arguments(parser)``
and ``run(args) -> int``; optionally ``EPILOG`` (shown under its ``--help``) and
``ORDER`` (its place in ``onsembl --help``: ascending, then by name; without one
it comes after those that have one). Errors derived from :class:`OnsemblError`
become a one-line message on stderr and exit code 2 (or the error's own code).

The base package's own subcommands are :data:`BUILT_IN`. Packages built on it add
theirs through the entry-point group :data:`ENTRY_POINT_GROUP` (the reference
server ``serve``, the conformance suite ``check`` and ``replay``; see
``pyproject.toml``): the entry point's name is the subcommand's name, its value the
module. The base package never imports them by name. A plugin that does not load,
lacks part of the interface, names another subcommand or whose ``add_arguments``
fails is listed as unavailable, and running it is a one-line error (exit 2); the
other subcommands work as usual. A plugin cannot replace a built-in subcommand.
"""

from __future__ import annotations

import argparse
import importlib
import os
import sys
from collections.abc import Sequence
from dataclasses import dataclass, field
from importlib.metadata import entry_points
from typing import NoReturn, Protocol, cast

from onsembl_spec import __version__
from onsembl_spec.errors import OnsemblError, UsageError

BUILT_IN = ("validate", "diff", "token", "generate")
"""Modules of ``onsembl_spec.cli`` that provide a subcommand."""

ENTRY_POINT_GROUP = "onsembl_spec.commands"
"""Entry-point group of the subcommands other packages provide."""

LAST = 1_000_000
"""The place of a subcommand without ``ORDER`` (and of an unavailable plugin)."""


class Subcommand(Protocol):
    NAME: str
    HELP: str

    def add_arguments(self, parser: argparse.ArgumentParser) -> None: ...

    def run(self, args: argparse.Namespace) -> int: ...


@dataclass
class Commands:
    """What :func:`discover` found: usable subcommands and unavailable plugins (name: why)."""

    available: list[Subcommand] = field(default_factory=list)
    unavailable: dict[str, str] = field(default_factory=dict)


class _Parser(argparse.ArgumentParser):
    """An argument parser whose errors are one line, raised as :class:`UsageError`: argparse's
    message and where to read more (``onsembl: error: argument --jobs: invalid int value:
    'x' (see onsembl check --help)``), the program's name said once, by :func:`main`."""

    def error(self, message: str) -> NoReturn:
        raise UsageError(f"{message} (see {self.prog} --help)")


def _one_line(err: BaseException) -> str:
    text = " ".join(str(err).split())
    return f"{type(err).__name__}: {text}" if text else type(err).__name__


def _interface_problem(module: object, name: str) -> str | None:
    """Why ``module`` cannot be the subcommand ``name``, or ``None``."""
    for attribute in ("NAME", "HELP"):
        if not isinstance(getattr(module, attribute, None), str):
            return f"no string {attribute}"
    for function in ("add_arguments", "run"):
        if not callable(getattr(module, function, None)):
            return f"no function {function}"
    order = getattr(module, "ORDER", 0)
    if not isinstance(order, int) or isinstance(order, bool):
        return "ORDER is not an integer"
    command = cast(Subcommand, module)
    if name != command.NAME:
        return f"its NAME is {command.NAME!r}"
    try:  # on a scratch parser: a failure leaves no half-built subcommand behind
        command.add_arguments(_Parser(prog=f"onsembl {name}"))
    except Exception as err:
        return f"add_arguments failed: {_one_line(err)}"
    return None


def discover() -> Commands:
    """The built-in subcommands and those registered under :data:`ENTRY_POINT_GROUP`."""
    found = Commands()
    for module_name in BUILT_IN:
        found.available.append(importlib.import_module(f"onsembl_spec.cli.{module_name}"))
    taken = set(BUILT_IN)
    points = sorted(entry_points(group=ENTRY_POINT_GROUP), key=lambda p: (p.name, p.value))
    values: dict[str, set[str]] = {}
    for point in points:
        values.setdefault(point.name, set()).add(point.value)
    for point in points:
        name = point.name
        if name in taken:
            continue  # a built-in, or a second registration already judged below
        taken.add(name)
        where = f"{ENTRY_POINT_GROUP} entry point {name} ({point.value})"
        if len(values[name]) > 1:
            found.unavailable[name] = (
                f"subcommand {name} is registered more than once in {ENTRY_POINT_GROUP}: "
                + ", ".join(sorted(values[name]))
            )
            continue
        try:
            module = point.load()
        except Exception as err:  # a broken plugin is named, not a traceback
            found.unavailable[name] = f"cannot load {where}: {_one_line(err)}"
            continue
        problem = _interface_problem(module, name)
        if problem is not None:
            found.unavailable[name] = f"{where} is not a subcommand: {problem}"
            continue
        found.available.append(module)
    return found


def build_parser(
    found: Commands | None = None,
) -> tuple[argparse.ArgumentParser, dict[str, Subcommand]]:
    """The ``onsembl`` parser and its subcommands by name (``found``: :func:`discover`'s)."""
    if found is None:
        found = discover()
    parser = _Parser(prog="onsembl", description="The Onsembl WebSocket API kit.")
    parser.add_argument("--version", action="version", version=f"onsembl-spec {__version__}")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND", parser_class=_Parser)
    listed: list[tuple[int, str, Subcommand | None]] = [
        (getattr(module, "ORDER", LAST), module.NAME, module) for module in found.available
    ]
    listed += [(LAST, name, None) for name in found.unavailable]
    commands: dict[str, Subcommand] = {}
    for _, name, module in sorted(listed, key=lambda item: (item[0], item[1])):
        if module is None:
            sub.add_parser(name, help=f"(unavailable: {found.unavailable[name]})")
            continue
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


def _command_word(argv: Sequence[str]) -> str | None:
    """The subcommand ``argv`` names: its first word not an option (``onsembl`` itself
    takes only ``-h`` and ``--version``, neither with a value)."""
    return next((word for word in argv if not word.startswith("-")), None)


def main(argv: Sequence[str] | None = None) -> int:
    """Entry point of the ``onsembl`` console script."""
    arguments = list(sys.argv[1:] if argv is None else argv)
    try:
        found = discover()
        word = _command_word(arguments)
        if word in found.unavailable:
            raise UsageError(found.unavailable[word])
        parser, commands = build_parser(found)
        args, extra = parser.parse_known_args(arguments)
        if args.command is None:
            if extra:
                parser.error(f"unrecognized arguments: {' '.join(extra)}")
            parser.print_help(sys.stderr)
            return 2
        if extra:  # argparse would send the reader to `onsembl --help`: the wrong page
            raise UsageError(
                f"unrecognized arguments: {' '.join(extra)} (see onsembl {args.command} --help)"
            )
        return commands[args.command].run(args)
    except OnsemblError as err:
        print(f"onsembl: error: {str(err).removeprefix('onsembl: ')}", file=sys.stderr)
        return getattr(err, "exit_code", 2)
    except KeyboardInterrupt:
        print("onsembl: interrupted", file=sys.stderr)
        return 130
    except BrokenPipeError:  # stdout closed early (`onsembl validate FILE | head -1`)
        _drop_stdout()
        return 1


def _drop_stdout() -> None:
    """Point stdout at the null device, so that the interpreter's last flush of what is
    still buffered for a closed pipe reports nothing: the reader left, nothing is wrong."""
    try:
        null = os.open(os.devnull, os.O_WRONLY)
        os.dup2(null, sys.stdout.fileno())
        os.close(null)
    except (OSError, ValueError):  # no real stdout (a test's capture): nothing to flush
        pass
