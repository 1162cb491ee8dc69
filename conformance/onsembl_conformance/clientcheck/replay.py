"""Replaying a client check's saved failure: the same check, seed, role and command.

``onsembl replay FILE`` reads the transcript's ``subject``; for ``client`` it comes here
(:func:`onsembl_conformance.replay.replay`). The client is started again with the saved
command (the bundled client's current command when the run checked the bundled one) and
the check runs with the saved seed and profile: FIXED when it now passes.
"""

from __future__ import annotations

import asyncio
import secrets
from pathlib import Path
from typing import TYPE_CHECKING, Any

from onsembl_conformance.errors import TranscriptError
from onsembl_conformance.registry import get_client_check
from onsembl_spec.errors import UsageError
from onsembl_spec.profile import Profile, profile_from_mapping

if TYPE_CHECKING:
    from onsembl_conformance.replay import ReplayOutcome


def replay_client(
    path: Path,
    data: dict[str, Any],
    *,
    url: str | None = None,
    profile: Profile | None = None,
    command: str | None = None,
) -> ReplayOutcome:
    """Re-run the client check of ``data`` (a loaded transcript)."""
    from onsembl_conformance.clientcheck.context import CLIENT_PROFILE, ClientConfig
    from onsembl_conformance.clientcheck.runner import BUNDLED_COMMANDS, ClientEngine
    from onsembl_conformance.replay import ReplayOutcome

    if url is not None:
        raise UsageError(f"{path} is a client check's transcript: replay it without a URL")
    try:
        spec = get_client_check(str(data["check"]))
    except KeyError:
        raise TranscriptError(f"{path}: unknown client check {data['check']!r}") from None
    role = spec.role
    if role is None:
        raise TranscriptError(f"{path}: the check's role is missing")
    bundled = bool(data.get("bundled"))
    saved = data.get("command")
    if command is None:
        command = BUNDLED_COMMANDS[role] if bundled else saved if isinstance(saved, str) else None
    if command is None:
        raise UsageError(
            f"{path} is of a client started by hand (--listen): run onsembl check-client "
            f"--listen again with --only {spec.name.split('/', 1)[1]} --seed {data['seed']}"
        )
    if profile is None:
        saved_profile = data.get("profile")
        profile = profile_from_mapping(
            saved_profile if isinstance(saved_profile, dict) else CLIENT_PROFILE,
            source=str(path),
        )
    config = ClientConfig(
        url=f"{command} ({role})",
        secret=secrets.token_urlsafe(32),
        profile=profile,
        seed=int(str(data["seed"])),
        command=command,
        roles=(role,),
    )
    from onsembl_conformance.runner import use_hypothesis_home

    use_hypothesis_home()
    result = asyncio.run(ClientEngine(config, []).run_check(spec))
    return ReplayOutcome(result.status in ("passed", "skipped"), result, data)
