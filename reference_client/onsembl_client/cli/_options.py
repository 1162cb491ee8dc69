"""What ``onsembl dashboard`` and ``onsembl agent`` share: the URL, the token, the profile,
running until Ctrl-C.

Flags win; without them the environment of docs/check-client.md is read
(``ONSEMBL_URL``, ``ONSEMBL_ROLE``, ``ONSEMBL_TOKEN``, ``ONSEMBL_TOKEN_FILE``,
``ONSEMBL_PROFILE``), so ``onsembl check-client --command "onsembl agent"`` works;
``--jwt-secret`` (or ``$ONSEMBL_JWT_SECRET``, used only when no token is given)
mints tokens for the bundled server as ``onsembl token`` does.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import signal
import sys
from collections.abc import Awaitable, Callable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import TextIO

from onsembl_client.client import Client, check_url, connect
from onsembl_client.errors import ClientError
from onsembl_client.events import ClientEvent
from onsembl_client.providers import (
    TokenProvider,
    environment_provider,
    secret_token_provider,
    static_token,
    token_file_provider,
)
from onsembl_spec.errors import ProfileError, UsageError
from onsembl_spec.profile import Profile, load_profile, profile_from_mapping

DEFAULT_URL = "ws://127.0.0.1:3001/ws"
"""Where ``onsembl serve`` listens by default."""

DEFAULT_SUB = "demo"
"""The owner of the tokens ``--jwt-secret`` mints, unless ``--sub`` says otherwise."""

CLOSE_WAIT_S = 3.0
"""After Ctrl-C: how long the disconnect may take before the command exits anyway."""

EXIT_INTERRUPTED = 130
"""Ctrl-C (SIGINT), as shells report it."""

EXIT_TERMINATED = 143
"""SIGTERM (how ``onsembl check-client`` stops a client it started)."""


def add_common_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "url", nargs="?", default=None, metavar="URL",
        help=f"the server (default: $ONSEMBL_URL, else {DEFAULT_URL})",
    )  # fmt: skip
    token = parser.add_mutually_exclusive_group()
    token.add_argument(
        "--token", default=None,
        help="the token (default: $ONSEMBL_TOKEN_FILE, $ONSEMBL_TOKEN, else one minted with "
        "$ONSEMBL_JWT_SECRET)",
    )  # fmt: skip
    token.add_argument(
        "--token-file", type=Path, default=None, metavar="FILE",
        help="a file holding the current token on one line, read before every connection "
        "and refresh",
    )  # fmt: skip
    token.add_argument(
        "--jwt-secret", default=None, metavar="SECRET",
        help="mint HS256 tokens with this secret, a fresh one for every connection and "
        "refresh (as `onsembl token`)",
    )  # fmt: skip
    parser.add_argument(
        "--sub", default=DEFAULT_SUB,
        help=f"owner of the tokens --jwt-secret mints (default {DEFAULT_SUB})",
    )  # fmt: skip
    parser.add_argument(
        "--ttl", type=float, default=3600.0,
        help="lifetime in seconds of the tokens --jwt-secret mints (default 3600)",
    )  # fmt: skip
    parser.add_argument(
        "--profile", type=Path, default=None, metavar="FILE",
        help="profile (YAML or JSON) for the heartbeat, reconnect and send-buffer keys "
        "(default: $ONSEMBL_PROFILE, else the document's defaults)",
    )  # fmt: skip


@dataclass(frozen=True)
class Settings:
    url: str
    provider: TokenProvider
    profile: Profile


def _url(args: argparse.Namespace, env: Mapping[str, str]) -> str:
    url = args.url or env.get("ONSEMBL_URL", "").strip() or DEFAULT_URL
    try:
        return check_url(url)
    except ClientError as err:
        raise UsageError(str(err)) from None


def _provider(args: argparse.Namespace, env: Mapping[str, str]) -> TokenProvider:
    try:
        if args.token is not None:
            return static_token(args.token)
        if args.token_file is not None:
            from_file = token_file_provider(args.token_file)
            from_file()  # a missing or empty file is a mistake to report now, not a retry loop
            return from_file
        if args.jwt_secret is not None:
            return secret_token_provider(args.jwt_secret, args.sub, ttl=args.ttl)
        from_env = environment_provider(env)
        if from_env is not None:
            return from_env
        secret = env.get("ONSEMBL_JWT_SECRET", "")
        if secret:
            return secret_token_provider(secret, args.sub, ttl=args.ttl)
    except ClientError as err:
        raise UsageError(str(err)) from None
    raise UsageError(
        "no token: pass --token, --token-file or --jwt-secret, or set ONSEMBL_TOKEN_FILE, "
        "ONSEMBL_TOKEN or ONSEMBL_JWT_SECRET"
    )


def _profile(args: argparse.Namespace, env: Mapping[str, str]) -> Profile:
    if args.profile is not None:
        return load_profile(args.profile)
    value = env.get("ONSEMBL_PROFILE", "").strip()
    if not value:
        return Profile()
    if value.startswith("{"):  # the profile itself rather than a file's name
        try:
            data = json.loads(value)
        except ValueError as err:
            raise ProfileError(f"ONSEMBL_PROFILE is not JSON: {err}") from None
        return profile_from_mapping(data, source="ONSEMBL_PROFILE")
    return load_profile(value)


def settings(args: argparse.Namespace, role: str, env: Mapping[str, str] | None = None) -> Settings:
    """The URL, token provider and profile from the flags, else the environment; a mistake
    is one :class:`UsageError` (or :class:`ProfileError`) line."""
    environ = os.environ if env is None else env
    wanted = environ.get("ONSEMBL_ROLE", "").strip()
    if wanted and wanted != role:
        raise UsageError(
            f"ONSEMBL_ROLE is {wanted!r} but this is `onsembl {role}`"
            + (f": run `onsembl {wanted}`" if wanted in ("agent", "dashboard") else "")
        )
    if not args.ttl > 0:
        raise UsageError(f"--ttl must be a positive number of seconds, not {args.ttl}")
    return Settings(_url(args, environ), _provider(args, environ), _profile(args, environ))


def printer(stream: TextIO | None = None) -> Callable[[ClientEvent], None]:
    """Print each event as one line, at once."""

    def show(event: ClientEvent) -> None:
        out = sys.stdout if stream is None else stream
        out.write(event.describe().replace("\n", "\\n") + "\n")
        out.flush()

    return show


def run_client(
    client_of: Callable[[Settings], Client],
    work: Callable[[Client], Awaitable[int]],
    config: Settings,
) -> int:
    """Run ``work`` on a started client until it returns, or until Ctrl-C (exit 130) or
    SIGTERM (exit 143); then close the client (disconnect message, CLOSE-1) quietly."""
    try:
        return asyncio.run(_run(client_of(config), work))
    except KeyboardInterrupt:  # a second Ctrl-C while closing
        return EXIT_INTERRUPTED


async def _run(client: Client, work: Callable[[Client], Awaitable[int]]) -> int:
    loop = asyncio.get_running_loop()
    stop = asyncio.Event()
    caught: list[int] = []

    def on_signal(number: int) -> None:
        caught.append(number)
        stop.set()
        loop.remove_signal_handler(number)  # a second one ends the command at once

    for number in (signal.SIGINT, signal.SIGTERM):
        loop.add_signal_handler(number, on_signal, number)
    await client.start()
    job = asyncio.ensure_future(work(client))
    stopper = asyncio.ensure_future(stop.wait())
    try:
        await asyncio.wait({job, stopper}, return_when=asyncio.FIRST_COMPLETED)
    finally:
        stopper.cancel()
        await client.close(timeout=CLOSE_WAIT_S)
        if not job.done():
            job.cancel()
        await asyncio.gather(job, stopper, return_exceptions=True)
    if caught:
        return EXIT_INTERRUPTED if caught[0] == signal.SIGINT else EXIT_TERMINATED
    return job.result()


def make_client(
    role: str,
    *,
    agent_id: str | None = None,
    agent_type: str = "claude",
    dashboard_id: str | None = None,
) -> Callable[[Settings], Client]:
    """How ``run_client`` builds the client (a bad agent id is a one-line usage error)."""

    def build(config: Settings) -> Client:
        try:
            return connect(
                config.url,
                config.provider,
                role,
                agent_id=agent_id,
                agent_type=agent_type,
                dashboard_id=dashboard_id,
                profile=config.profile,
            )
        except ClientError as err:
            raise UsageError(str(err)) from None

    return build
