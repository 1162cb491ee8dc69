"""``onsembl serve``: run the reference server (issue #4; TRANS-1, CLOSE-2).

The first line on stdout is ``listening on ws://HOST:PORT/PATH`` (``wss://`` with
``--tls-cert`` and ``--tls-key``); SIGINT or SIGTERM closes every connection with
1001 and exits 0. ``--path`` and
``--permessage-deflate`` (TRANS-9) and the profile's ``output`` keys (TERM-5)
make the choices the specification permits but the defaults do not take.
"""

from __future__ import annotations

import argparse
import asyncio
import gc
import os
import signal
import sys
from pathlib import Path
from typing import TYPE_CHECKING, TextIO

from onsembl_spec.errors import ServerConfigError, UsageError
from onsembl_spec.profile import Profile, load_profile

if TYPE_CHECKING:
    from onsembl_spec.tokens import Verifier

NAME = "serve"
HELP = "run the reference server"
ORDER = 30  # place in `onsembl --help`

SECRET_VARIABLE = "ONSEMBL_JWT_SECRET"


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--host", default="127.0.0.1", help="address to listen on (default 127.0.0.1)"
    )
    parser.add_argument(
        "--port", type=int, default=3001, help="port; 0 picks a free one (default 3001)"
    )
    parser.add_argument("--path", default="/ws", help="WebSocket path (default /ws)")
    keys = parser.add_mutually_exclusive_group()
    keys.add_argument(
        "--jwt-secret",
        default=None,
        help=f"HS256 secret of accepted tokens (default: ${SECRET_VARIABLE})",
    )
    keys.add_argument(
        "--jwt-public-key", type=Path, default=None, metavar="FILE",
        help="verify tokens with this PEM public key (or certificate) instead of a secret; "
        "needs --jwt-alg",
    )  # fmt: skip
    parser.add_argument(
        "--jwt-alg", default=None, metavar="ALG",
        help="the one algorithm --jwt-public-key verifies: RS256, RS384, RS512, PS256, PS384, "
        "PS512, ES256, ES384, ES512 or EdDSA (AUTH-13)",
    )  # fmt: skip
    parser.add_argument(
        "--jwt-audience", default=None, metavar="AUD",
        help="accept only tokens whose aud names AUD (AUTH-14)",
    )  # fmt: skip
    parser.add_argument(
        "--jwt-issuer", default=None, metavar="ISS",
        help="accept only tokens whose iss is ISS (AUTH-14)",
    )  # fmt: skip
    parser.add_argument("--profile", type=Path, default=None, help="YAML profile of limits (R16)")
    parser.add_argument(
        "--log-file",
        type=Path,
        default=None,
        help="write security events (JSON lines) here instead of stderr",
    )
    default_bound = Profile().outbound_connection_bytes
    parser.add_argument(
        "--max-outbound-bytes",
        type=int,
        default=None,
        metavar="N",
        help="unsent bytes held per connection before it is closed as a slow consumer, "
        "reading or not (default: the profile's outbound.connection_bytes, "
        f"{default_bound} unless --profile sets it; CLOSE-7)",
    )
    parser.add_argument(
        "--log-traffic",
        action="store_true",
        help="print one line per message on stdout, for debugging: direction, connection, "
        "type and size ('out #3 agent:list (90 bytes)')",
    )
    parser.add_argument(
        "--permessage-deflate",
        action="store_true",
        help="accept the permessage-deflate extension when a client offers it (TRANS-9; "
        "declined by default)",
    )
    parser.add_argument(
        "--tls-cert", type=Path, default=None, metavar="FILE",
        help="serve wss://: PEM certificate (chain after it), with --tls-key",
    )  # fmt: skip
    parser.add_argument(
        "--tls-key", type=Path, default=None, metavar="FILE",
        help="the certificate's unencrypted PEM private key, with --tls-cert",
    )  # fmt: skip


def run(args: argparse.Namespace) -> int:
    # Imported here so that other subcommands do not pay for the server's imports.
    from onsembl_server.app import ReferenceServer, ServerConfig
    from onsembl_server.seclog import SecurityLog

    verifier = token_verifier(args)
    if not 0 <= args.port <= 65535:
        raise UsageError(f"--port must be 0 to 65535, not {args.port}")
    if not args.path.startswith("/"):
        raise UsageError(f"--path must start with '/', not {args.path!r}")
    if args.max_outbound_bytes is not None and args.max_outbound_bytes <= 0:
        raise UsageError("--max-outbound-bytes must be positive")
    if (args.tls_cert is None) != (args.tls_key is None):
        raise UsageError("--tls-cert and --tls-key go together: give both to serve wss://")
    tls = None
    if args.tls_cert is not None:
        from onsembl_server.tls import server_context

        tls = server_context(args.tls_cert, args.tls_key)
    profile = load_profile(args.profile)
    log_stream: TextIO = sys.stderr
    if args.log_file is not None:
        try:
            log_stream = args.log_file.open("a", encoding="utf-8")
        except OSError as err:
            raise UsageError(f"cannot open log file {args.log_file}: {err.strerror}") from None
    config = ServerConfig(
        host=args.host,
        port=args.port,
        path=args.path,
        jwt_verifier=verifier,
        profile=profile,
        max_outbound_bytes=args.max_outbound_bytes,
        security_log=SecurityLog(log_stream),
        permessage_deflate=args.permessage_deflate,
        tls=tls,
        traffic_log=sys.stdout if args.log_traffic else None,
    )
    try:
        asyncio.run(_serve(ReferenceServer(config)))
    finally:
        if log_stream is not sys.stderr:
            log_stream.close()
    return 0


def token_verifier(args: argparse.Namespace) -> Verifier:
    """How the server verifies tokens (AUTH-2, AUTH-13, AUTH-14): ``--jwt-public-key`` with
    ``--jwt-alg``, else the HS256 secret (``--jwt-secret`` or ``$ONSEMBL_JWT_SECRET``), each
    with ``--jwt-audience`` and ``--jwt-issuer`` when given. One-line errors (exit 2)."""
    from onsembl_spec.tokens import Verifier, check_algorithm

    for flag, value in (("--jwt-audience", args.jwt_audience), ("--jwt-issuer", args.jwt_issuer)):
        if value is not None and not value.strip():
            raise UsageError(f"{flag} must not be empty")
    claims = {"audience": args.jwt_audience, "issuer": args.jwt_issuer}
    if args.jwt_public_key is not None:
        if args.jwt_alg is None:
            raise UsageError("--jwt-public-key needs --jwt-alg (RS256, ES256, EdDSA, ...)")
        return Verifier.for_public_key_file(args.jwt_public_key, args.jwt_alg, **claims)
    if args.jwt_alg is not None and args.jwt_alg != "HS256":
        check_algorithm(args.jwt_alg)
        raise UsageError(
            f"--jwt-alg {args.jwt_alg} needs --jwt-public-key FILE (a --jwt-secret is HS256)"
        )
    secret = args.jwt_secret if args.jwt_secret is not None else os.environ.get(SECRET_VARIABLE)
    if not secret:
        raise ServerConfigError(
            f"no JWT secret: pass --jwt-secret, set {SECRET_VARIABLE}, or give --jwt-public-key"
        )
    return Verifier.for_secret(secret, **claims)


async def _serve(server: object) -> None:
    from onsembl_server.app import ReferenceServer

    assert isinstance(server, ReferenceServer)
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for signum in (signal.SIGINT, signal.SIGTERM):
        loop.add_signal_handler(signum, stop.set)
    await server.start()
    # Everything loaded so far (schemas, validators, modules) lives as long as
    # the process: keep it out of the collector's full passes (tail latency).
    gc.freeze()
    print(f"listening on {server.url}", flush=True)
    try:
        await stop.wait()
    finally:
        await server.stop()
