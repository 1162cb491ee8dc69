"""The connection flags shared by ``onsembl check`` and ``onsembl replay`` (issue 10, part 2).

``--ca-file FILE``, ``--insecure``, ``--header 'Name: value'`` (repeatable) and
``--origin URL`` apply to every connection the kit opens (the preflight
included); :func:`connection_from_args` turns them into the conformance
package's ``ConnectionSettings`` (checked: bad syntax, a header the kit
controls, both TLS flags, an unreadable CA file are one-line errors, exit 2).
:func:`replay_hint` builds the ``onsembl replay`` command printed under a
saved failure in URL mode: same URL, same flags, no secret.
"""

from __future__ import annotations

import argparse
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from onsembl_conformance.connection import ConnectionSettings, ReplayHint


def add_connection_arguments(parser: argparse.ArgumentParser) -> None:
    """Add ``--ca-file``, ``--insecure``, ``--header`` and ``--origin`` to ``parser``."""
    group = parser.add_argument_group(
        "connection (every connection the kit opens, the preflight included)"
    )
    group.add_argument(
        "--ca-file", metavar="FILE",
        help="PEM file of CA certificates trusted for wss:// in addition to the system's "
        "(a private CA)",
    )  # fmt: skip
    group.add_argument(
        "--insecure", action="store_true",
        help="wss:// without certificate verification (every report says so)",
    )  # fmt: skip
    group.add_argument(
        "--header", metavar="'NAME: VALUE'", action="append", default=[],
        help="an extra handshake header, e.g. a gateway's API key (repeatable; values are "
        "never shown). Not: Host, Connection, Upgrade, Sec-WebSocket-*, Authorization, "
        "Origin, framing headers; a Cookie is merged with the kit's token cookie",
    )  # fmt: skip
    group.add_argument(
        "--origin", metavar="URL",
        help="the Origin header of every handshake (checks of AUTH-9/AUTH-10 set their own); "
        "must be in the profile's allowed_origins",
    )  # fmt: skip


def connection_from_args(args: argparse.Namespace) -> ConnectionSettings:
    """The checked ``ConnectionSettings`` of the parsed flags (:class:`UsageError`, exit 2)."""
    from onsembl_conformance.connection import connection_settings

    return connection_settings(
        ca_file=args.ca_file,
        insecure=args.insecure,
        headers=list(args.header),
        origin=args.origin,
    )


def token_replay_arguments(args: argparse.Namespace) -> tuple[list[str], list[str]]:
    """The token part of the replay hint: ``(arguments, notes)``, never a secret
    (``_token_options.token_replay_arguments``: ``--jwt-key FILE --jwt-alg ALG``,
    ``--jwt-claim``, ``--token-command CMD``, or the secret from ``$ONSEMBL_JWT_SECRET``)."""
    from onsembl_conformance.cli._token_options import token_replay_arguments as token_flags

    return token_flags(args)


def replay_hint(args: argparse.Namespace, connection: ConnectionSettings) -> ReplayHint:
    """The replay command of URL mode: ``onsembl replay FILE URL`` with ``--profile``,
    ``--timeout`` (when not the default), the connection flags and the token flags; notes
    say where the secret comes from and which ``--header`` flags to repeat (their values
    are never printed)."""
    from onsembl_conformance.connection import ReplayHint

    arguments: list[str] = []
    if args.profile:
        arguments += ["--profile", str(args.profile)]
    if args.timeout != 5.0:
        arguments += ["--timeout", f"{args.timeout:g}"]
    token_args, token_notes = token_replay_arguments(args)
    connection_args, connection_notes = connection.replay_arguments()
    return ReplayHint(
        url=str(args.url),
        arguments=tuple(arguments + token_args + connection_args),
        notes=tuple(token_notes + connection_notes),
    )
