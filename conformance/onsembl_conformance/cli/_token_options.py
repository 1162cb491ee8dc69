"""The token flags of ``onsembl check`` and ``onsembl replay`` (issue 10, part 2).

One of three ways to get tokens, mutually exclusive:

* ``--jwt-secret S`` (or ``$ONSEMBL_JWT_SECRET`` with a URL): HS256 with the server's
  secret (AUTH-2);
* ``--jwt-key FILE --jwt-alg ALG``: sign with a PEM private key whose public half the
  server trusts (RS256/384/512, PS256/384/512, ES256/384/512, EdDSA);
* ``--token-command CMD``: a command that prints one token for the subject and lifetime
  in ``$ONSEMBL_TOKEN_SUB`` and ``$ONSEMBL_TOKEN_TTL`` (URL mode only), see
  :mod:`onsembl_conformance.credentials`.

``--jwt-claim NAME=VALUE`` (repeatable) adds a claim to every token the kit signs (with
a secret or a key): VALUE is JSON when it parses as JSON, else the string as given.
Bad input is one line, exit 2 (:class:`UsageError`).
"""

from __future__ import annotations

import argparse
import os
from typing import TYPE_CHECKING

from onsembl_spec.errors import UsageError

if TYPE_CHECKING:
    from onsembl_conformance.credentials import TokenIssuer

SECRET_VARIABLE = "ONSEMBL_JWT_SECRET"

ALGORITHMS_HELP = "RS256, RS384, RS512, PS256, PS384, PS512, ES256, ES384, ES512 or EdDSA"


def add_token_arguments(parser: argparse.ArgumentParser) -> None:
    """``--jwt-secret`` | ``--jwt-key`` | ``--token-command``, ``--jwt-alg``, ``--jwt-claim``."""
    group = parser.add_argument_group(
        "tokens",
        "how the kit gets the server's tokens (one of --jwt-secret, --jwt-key, "
        "--token-command)",
    )
    source = group.add_mutually_exclusive_group()
    source.add_argument(
        "--jwt-secret", metavar="S",
        help=f"the server's HS256 secret (with URL; default: ${SECRET_VARIABLE})",
    )  # fmt: skip
    source.add_argument(
        "--jwt-key", metavar="FILE",
        help="sign tokens with this PEM private key, whose public half the server trusts "
        "(with --jwt-alg)",
    )  # fmt: skip
    source.add_argument(
        "--token-command", metavar="CMD",
        help="run CMD for each token: it gets $ONSEMBL_TOKEN_SUB, $ONSEMBL_TOKEN_TTL "
        "(seconds) and $ONSEMBL_TOKEN_EXP and prints one token (URL mode; checks needing "
        "forged tokens are skipped)",
    )  # fmt: skip
    group.add_argument(
        "--jwt-alg", metavar="ALG", help=f"the algorithm of --jwt-key: {ALGORITHMS_HELP}"
    )
    group.add_argument(
        "--jwt-claim", metavar="NAME=VALUE", action="append", default=[],
        help="add a claim to every token the kit signs (repeatable; e.g. aud=my-api); VALUE "
        "is JSON when it parses as JSON, else a string",
    )  # fmt: skip


def token_issuer(args: argparse.Namespace, *, url: str | None) -> TokenIssuer | None:
    """The run's token issuer from the flags (and ``$ONSEMBL_JWT_SECRET`` with a URL), or
    ``None`` when nothing was given (bundled mode then makes a secret of its own; with a
    URL the runner says what is missing). :class:`UsageError` for bad input."""
    from onsembl_conformance.bundled import new_secret
    from onsembl_conformance.credentials import (
        CommandIssuer,
        KeyIssuer,
        SecretIssuer,
        parse_claims,
    )
    from onsembl_spec.tokens import check_algorithm

    claims = parse_claims(args.jwt_claim or [])
    if args.jwt_alg not in (None, "HS256") and args.jwt_key is None:
        check_algorithm(args.jwt_alg)
        raise UsageError(f"--jwt-alg {args.jwt_alg} goes with --jwt-key FILE")
    if args.token_command is not None:
        if claims:
            raise UsageError(
                "--jwt-claim applies to tokens the kit signs; a --token-command issues its "
                "own claims"
            )
        if url is None:
            raise UsageError(
                "--token-command needs a URL: the kit can start a server only for a secret "
                "or a key it holds"
            )
        return CommandIssuer(args.token_command)
    if args.jwt_key is not None:
        if args.jwt_alg is None:
            raise UsageError(f"--jwt-key needs --jwt-alg ({ALGORITHMS_HELP})")
        return KeyIssuer(args.jwt_key, args.jwt_alg, claims)
    secret = args.jwt_secret
    if secret is None and url is not None:
        secret = os.environ.get(SECRET_VARIABLE)
    if secret is not None:
        return SecretIssuer(secret, claims)
    if claims:  # bundled mode: its own secret, the claims on every token
        return SecretIssuer(new_secret(), claims)
    return None


def token_replay_arguments(args: argparse.Namespace) -> tuple[list[str], list[str]]:
    """The token part of the replay hint: ``(arguments, notes)``, never a secret: the
    secret comes from ``$ONSEMBL_JWT_SECRET``; a key is named by its file; a token command
    is written ``CMD`` (it may hold credentials of its own)."""
    claims = [part for item in args.jwt_claim or [] for part in ("--jwt-claim", item)]
    if args.token_command is not None:
        return ["--token-command", "CMD"], ["CMD: the run's --token-command"]
    if args.jwt_key is not None:
        return ["--jwt-key", str(args.jwt_key), "--jwt-alg", str(args.jwt_alg), *claims], []
    return claims, [f"the secret from ${SECRET_VARIABLE}"]
