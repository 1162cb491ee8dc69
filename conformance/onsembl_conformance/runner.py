"""Running the suite end to end: start or reach the server, run the engine, stop the server.

Exit codes (``onsembl check --help``): 0 conformant, 1 a
requirement failed, 2 the suite could not run (raised as :class:`SuiteError` /
:class:`UsageError`), 3 incomplete (a check ended in an error, nothing failed).
"""

from __future__ import annotations

import asyncio
import contextlib
import os
import signal
import sys
import tempfile
import threading
from collections.abc import Coroutine, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, NoReturn, TypeVar

from onsembl_conformance.baseline import Baseline
from onsembl_conformance.bundled import (
    DEFAULT_COMMAND,
    FAST_PROFILE,
    kill_all,
    new_secret,
    start_server,
)
from onsembl_conformance.connection import ConnectionSettings, ReplayHint
from onsembl_conformance.context import SuiteConfig
from onsembl_conformance.credentials import SecretIssuer, TokenIssuer
from onsembl_conformance.engine import Engine, default_max_time, select
from onsembl_conformance.events import Listener, RunSummary
from onsembl_conformance.preflight import parse_url, preflight
from onsembl_conformance.registry import CheckSpec, all_checks
from onsembl_spec.errors import UsageError
from onsembl_spec.profile import Profile, profile_from_mapping


@dataclass
class RunOptions:
    """What ``onsembl check`` was asked to do."""

    url: str | None = None
    secret: str | None = None
    profile: Profile | None = None
    only: Sequence[str] = ()
    exclude: Sequence[str] = ()
    strict: bool = False
    quick: bool = False
    deep: bool = False
    seed: int = 0
    timeout: float = 5.0
    jobs: int = 4
    transcripts_dir: Path | None = None
    server_command: list[str] | None = None
    listeners: list[Listener] = field(default_factory=list)
    checks: list[CheckSpec] | None = None
    max_time: float | None = None
    """Wall-clock bound of the whole run (``--max-time``); ``None``: the mode's default."""
    baseline: Baseline | None = None
    connection: ConnectionSettings = field(default_factory=ConnectionSettings)
    """TLS trust, ``--header``s and ``--origin`` of every connection (issue 10)."""
    replay: ReplayHint | None = None
    """URL mode: the replay command printed under each saved failure (issue 10)."""
    issuer: TokenIssuer | None = None
    """How the kit makes tokens (issue 10: ``--jwt-key``, ``--token-command``, or
    ``--jwt-secret`` with ``--jwt-claim``); ``None``: HS256 with ``secret``."""


def suite_config(options: RunOptions, url: str, secret: str, profile: Profile) -> SuiteConfig:
    return SuiteConfig(
        url=url,
        secret=secret,
        profile=profile,
        timeout=options.timeout,
        seed=options.seed,
        deep=options.deep,
        strict=options.strict,
        quick=options.quick,
        server_command=options.server_command,
        transcripts_dir=options.transcripts_dir,
        max_examples=15 if options.quick else (200 if options.deep else 50),
        connection=options.connection,
        replay=options.replay if options.url is not None else None,
    )


def hypothesis_home() -> Path:
    """Where hypothesis keeps its files during a run (its constants cache; the example
    database is off): ``$HYPOTHESIS_STORAGE_DIRECTORY`` when set, else
    ``$XDG_CACHE_HOME/onsembl/hypothesis`` (``~/.cache/onsembl/hypothesis``), never a
    ``.hypothesis/`` in the directory the user ran from (issue 10)."""
    explicit = os.environ.get("HYPOTHESIS_STORAGE_DIRECTORY")
    if explicit:
        return Path(explicit)
    cache = os.environ.get("XDG_CACHE_HOME") or str(Path.home() / ".cache")
    return Path(cache) / "onsembl" / "hypothesis"


def use_hypothesis_home() -> None:
    """Point hypothesis at :func:`hypothesis_home` (a temporary one if it is not writable)."""
    from hypothesis.configuration import set_hypothesis_home_dir

    home = hypothesis_home()
    try:
        home.mkdir(parents=True, exist_ok=True)
    except OSError:
        home = Path(tempfile.gettempdir()) / "onsembl-hypothesis"
        home.mkdir(parents=True, exist_ok=True)
    set_hypothesis_home_dir(home)


T = TypeVar("T")


def _interrupt() -> None:
    raise KeyboardInterrupt  # out of the loop: asyncio lets it through a callback


def run_interruptibly(main: Coroutine[Any, Any, T]) -> T:
    """``asyncio.run(main)``, except that Ctrl-C (SIGINT) ends it at once.

    ``asyncio.run`` answers SIGINT by cancelling the run and awaiting every task's
    clean-up (closing handshakes, private servers stopping, property threads): seconds.
    Here SIGINT raises :class:`KeyboardInterrupt` out of the loop at its next iteration,
    and the loop is left as it is: the run is abandoned. The signal goes through the
    loop's wake-up pipe (``add_signal_handler``), so the loop wakes even when another
    thread (a private server's start, a property's hypothesis thread) received it. The
    caller kills the servers the suite started (:func:`~onsembl_conformance.bundled.
    kill_all`, done by :func:`run`) and ends the process (:func:`exit_interrupted`).
    Outside the main thread, or under a SIGINT handler of someone else's, this is
    ``asyncio.run``.
    """
    if (
        threading.current_thread() is not threading.main_thread()
        or signal.getsignal(signal.SIGINT) is not signal.default_int_handler
    ):
        return asyncio.run(main)
    runner = asyncio.Runner()
    loop = runner.get_loop()
    loop.add_signal_handler(signal.SIGINT, _interrupt)  # Runner leaves SIGINT alone then
    interrupted = False
    try:
        return runner.run(main)
    except KeyboardInterrupt:
        interrupted = True  # no runner.close(): nothing of the abandoned run is awaited
        raise
    finally:
        loop.remove_signal_handler(signal.SIGINT)  # the default handler again
        if not interrupted:
            runner.close()


def exit_interrupted() -> NoReturn:
    """End the process after Ctrl-C: ``onsembl: interrupted``, exit 130, now.

    ``os._exit``: the abandoned run's threads (a property's hypothesis thread waiting
    for the loop, a private server's stop) would otherwise hold the interpreter's exit.
    """
    kill_all()
    for stream in (sys.stdout, sys.stderr):
        with contextlib.suppress(OSError, ValueError):
            stream.flush()
    with contextlib.suppress(OSError):
        os.write(2, b"onsembl: interrupted\n")
    os._exit(130)


def _global_per_minute(profile: Profile) -> int | None:
    for window in profile.global_windows():
        if window.seconds == 60:
            return window.limit
    return None


def run(options: RunOptions) -> RunSummary:
    """Run the selected checks; returns the summary (its ``exit_code`` is 0, 1 or 3)."""
    if options.url is not None:
        parse_url(options.url)  # a malformed URL is exit 2 before anything else
    use_hypothesis_home()
    issuer = options.issuer
    if issuer is None and options.secret:
        issuer = SecretIssuer(options.secret)
    if options.url is not None and issuer is None:
        raise UsageError(
            "checking a URL needs the server's tokens: its HS256 secret (--jwt-secret S or "
            "the environment variable ONSEMBL_JWT_SECRET), a private key it trusts "
            "(--jwt-key FILE --jwt-alg ALG) or --token-command CMD"
        )
    checks = select(
        options.checks if options.checks is not None else all_checks(),
        only=options.only,
        exclude=options.exclude,
        quick=options.quick,
        deep=options.deep,
    )
    if not checks:
        raise UsageError("no check selected (see --only, --exclude, --quick)")
    server = None
    keys = None
    auth: list[str] | None = None
    if options.url is None:
        secret = options.secret or new_secret()
        if issuer is None:
            issuer = SecretIssuer(secret)
        keys = tempfile.TemporaryDirectory(prefix="onsembl-check-keys-")
        try:  # the bundled server trusts the run's key (issue 10): its public half
            auth = issuer.server_arguments(Path(keys.name))
        except BaseException:
            keys.cleanup()
            raise
        command = options.server_command or DEFAULT_COMMAND
        base = options.profile.as_dict() if options.profile is not None else FAST_PROFILE
        profile = profile_from_mapping(base, source="bundled")
        options.connection.check_fit(
            None, profile, server_command=options.server_command is not None
        )
        try:
            server = start_server(command, secret, profile.as_dict(), auth=auth)
        except BaseException:
            keys.cleanup()
            raise
        url = server.url
        options.server_command = command
    else:
        url, secret = options.url, options.secret or ""
        profile = options.profile or Profile()
        options.connection.check_fit(url, profile, server_command=False)
    try:
        config = suite_config(options, url, secret, profile)
        config.issuer, config.server_auth = issuer, auth
        run_interruptibly(
            preflight(
                url,
                config.token_issuer,
                timeout=max(options.timeout, 5.0),
                global_per_minute=_global_per_minute(profile),
                connection=options.connection,
            )
        )
        max_time = options.max_time or default_max_time(quick=options.quick, deep=options.deep)
        engine = Engine(
            config,
            options.listeners,
            jobs=options.jobs,
            max_time=max_time,
            baseline=options.baseline,
        )
        return run_interruptibly(engine.run(checks))
    except KeyboardInterrupt:
        kill_all()  # the bundled server and the checks' private ones, without waiting
        raise
    finally:
        if server is not None:
            server.stop()
        if keys is not None:
            keys.cleanup()
