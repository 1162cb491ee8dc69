"""``onsembl token``: print an HS256 JWT for trying a server by hand (AUTH-2)."""

from __future__ import annotations

import argparse
import os

from onsembl_spec.errors import UsageError
from onsembl_spec.tokens import mint

NAME = "token"
HELP = "print an HS256 JWT for a subject"
ORDER = 40  # place in `onsembl --help`


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--secret", default=None, help="HS256 secret (default: $ONSEMBL_JWT_SECRET)"
    )
    parser.add_argument("--sub", required=True, help="the owner (the token's sub claim)")
    parser.add_argument(
        "--ttl", type=float, default=3600.0, help="seconds until it expires (default 3600)"
    )


def run(args: argparse.Namespace) -> int:
    secret = args.secret if args.secret is not None else os.environ.get("ONSEMBL_JWT_SECRET")
    if not secret:
        raise UsageError("no secret: pass --secret or set ONSEMBL_JWT_SECRET")
    if not args.sub:
        raise UsageError("--sub must not be empty")
    if not args.ttl > 0:
        raise UsageError(f"--ttl must be a positive number of seconds, not {args.ttl}")
    print(mint(secret, args.sub, ttl=args.ttl))
    return 0
