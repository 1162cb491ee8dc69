"""Replaying a saved failure (issue item 5): re-run the same check, same seed, and compare.

Identifiers come from the seed and tokens from their recipes, so the check
sends the same messages with the same pacing; its expectation is evaluated
again. FIXED when it now passes, FAILED when it still fails.
"""

from __future__ import annotations

import asyncio
import tempfile
from dataclasses import dataclass
from pathlib import Path

from onsembl_conformance import transcript as transcripts
from onsembl_conformance.bundled import DEFAULT_COMMAND, new_secret, start_server
from onsembl_conformance.connection import ConnectionSettings
from onsembl_conformance.context import SuiteConfig
from onsembl_conformance.credentials import SecretIssuer, TokenIssuer
from onsembl_conformance.engine import Engine
from onsembl_conformance.errors import TranscriptError
from onsembl_conformance.events import CheckResult
from onsembl_conformance.preflight import parse_url, preflight
from onsembl_conformance.registry import get_check
from onsembl_conformance.runner import _global_per_minute, use_hypothesis_home
from onsembl_spec.errors import UsageError
from onsembl_spec.profile import Profile, profile_from_mapping


@dataclass
class ReplayOutcome:
    fixed: bool
    result: CheckResult
    original: dict[str, object]


def replay(
    path: Path,
    url: str | None = None,
    secret: str | None = None,
    profile: Profile | None = None,
    timeout: float = 5.0,
    server_command: list[str] | None = None,
    *,
    connection: ConnectionSettings | None = None,
    issuer: TokenIssuer | None = None,
) -> ReplayOutcome:
    """Re-run the transcript's check against ``url`` (or a fresh bundled server).

    Against a URL, ``connection`` (``--ca-file``, ``--insecure``, ``--header``, ``--origin``)
    applies to every connection, and the preflight runs first, as for ``onsembl check``: a
    malformed or unreachable URL, an untrusted certificate or a refused token is one
    :class:`SuiteError` line (exit 2), not a FAILED (issue 10). ``issuer`` mints the tokens
    (``--jwt-key``, ``--token-command``; an HS256 one of ``secret`` when not given): the
    transcript holds recipes, never tokens."""
    connection = connection or ConnectionSettings()
    if url is not None:
        parse_url(url)  # a malformed URL is exit 2 before anything else
    data = transcripts.load(path)
    if data.get("subject") == "client":  # onsembl check-client's (issue 13)
        from onsembl_conformance.clientcheck.replay import replay_client

        return replay_client(path, data, url=url, profile=profile)
    use_hypothesis_home()
    try:
        spec = get_check(str(data["check"]))
    except KeyError:
        raise TranscriptError(f"{path}: unknown check {data['check']!r}") from None
    if issuer is None and secret:
        issuer = SecretIssuer(secret)
    if url is not None and issuer is None:
        raise UsageError(
            "replaying against a URL needs the server's tokens: --jwt-secret S or the "
            "environment variable ONSEMBL_JWT_SECRET, --jwt-key FILE --jwt-alg ALG, or "
            "--token-command CMD"
        )
    saved_profile = data.get("profile")
    if profile is None:
        if isinstance(saved_profile, dict):
            profile = profile_from_mapping(saved_profile, source=str(path))
        else:
            profile = Profile()
    connection.check_fit(url, profile, server_command=server_command is not None)
    server = None
    keys = None
    auth: list[str] | None = None
    if url is None:
        secret = secret or new_secret()
        if issuer is None:
            issuer = SecretIssuer(secret)
        keys = tempfile.TemporaryDirectory(prefix="onsembl-replay-keys-")
        command = server_command or DEFAULT_COMMAND
        try:
            auth = issuer.server_arguments(Path(keys.name))
            server = start_server(command, secret, profile.as_dict(), auth=auth)
        except BaseException:
            keys.cleanup()
            raise
        url = server.url
        server_command = command
    assert issuer is not None
    try:
        if server is None:
            asyncio.run(
                preflight(
                    url,
                    issuer,
                    timeout=max(timeout, 5.0),
                    global_per_minute=_global_per_minute(profile),
                    connection=connection,
                )
            )
        config = SuiteConfig(
            url=url,
            secret=str(secret),
            profile=profile,
            timeout=timeout,
            seed=int(str(data["seed"])),
            server_command=server_command,
            connection=connection,
            issuer=issuer,
            server_auth=auth,
        )
        result = asyncio.run(Engine(config, []).run_check(spec))
    finally:
        if server is not None:
            server.stop()
        if keys is not None:
            keys.cleanup()
    return ReplayOutcome(result.status in ("passed", "skipped"), result, data)
