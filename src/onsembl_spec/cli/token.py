"""``onsembl token``: print an HS256 JWT for trying a server by hand (AUTH-2).

Its NumericDates (``iat``, ``exp``) are whole seconds (RFC 7519 allows fractions, but many
libraries reject them): ``exp`` is ``--ttl`` seconds from now, rounded up.
"""

from __future__ import annotations

import argparse
import math
import os
import time

from onsembl_spec.errors import UsageError
from onsembl_spec.tokens import mint

NAME = "token"
HELP = "print an HS256 JWT for a subject"
ORDER = 40  # place in `onsembl --help`


def seconds(text: str) -> float:
    """``--ttl``: a finite number of seconds above zero (not ``inf``, ``nan`` or ``-5``)."""
    try:
        value = float(text)
    except ValueError:
        value = math.nan
    if not math.isfinite(value) or value <= 0:
        raise argparse.ArgumentTypeError(f"must be a positive number of seconds, not {text!r}")
    return value


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--secret", default=None, help="HS256 secret (default: $ONSEMBL_JWT_SECRET)"
    )
    parser.add_argument("--sub", required=True, help="the owner (the token's sub claim)")
    parser.add_argument(
        "--ttl",
        type=seconds,
        default=3600.0,
        metavar="SECONDS",
        help="seconds until it expires, rounded up to whole seconds (default 3600)",
    )


def run(args: argparse.Namespace) -> int:
    secret = args.secret if args.secret is not None else os.environ.get("ONSEMBL_JWT_SECRET")
    if not secret:
        raise UsageError("no secret: pass --secret or set ONSEMBL_JWT_SECRET")
    if not args.sub:
        raise UsageError("--sub must not be empty")
    now = int(time.time())  # whole seconds in, whole seconds out: iat and exp are integers
    print(mint(secret, args.sub, ttl=math.ceil(args.ttl), now=now))
    return 0
