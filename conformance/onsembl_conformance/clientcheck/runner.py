"""Running ``onsembl check-client``: checks per role, the engine, the preflight.

Selection (``--only``, ``--exclude``, ``--quick``) works on the checks' names and
requirement IDs as for ``onsembl check``; each selected check then runs once per role it
applies to among the run's roles, named ``ROLE/NAME``. The engine, its events, reporters,
transcripts and exit codes (0, 1, 2, 3) are those of ``onsembl check``
(:class:`ClientEngine` is :class:`~onsembl_conformance.engine.Engine` with the client
context and the client requirements).

Without ``--command`` or ``--listen`` the kit checks the bundled reference client
(``onsembl agent`` / ``onsembl dashboard``, :data:`BUNDLED_COMMANDS`).
"""

from __future__ import annotations

import asyncio
import secrets
import shlex
import sys
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from onsembl_conformance.clientcheck.context import (
    CLIENT_PROFILE,
    CONNECT_WAIT_S,
    ClientCheckContext,
    ClientConfig,
)
from onsembl_conformance.engine import Engine, RunContext, select
from onsembl_conformance.errors import CheckFailure, CheckInconclusive, SuiteError
from onsembl_conformance.events import Listener, RunStarted, RunSummary
from onsembl_conformance.registry import (
    CLIENT_ROLES,
    CheckSpec,
    all_client_checks,
    for_role,
)
from onsembl_conformance.runner import use_hypothesis_home
from onsembl_spec.errors import UsageError
from onsembl_spec.profile import Profile, profile_from_mapping
from onsembl_spec.spec import Requirement, requirements

BUNDLED_COMMANDS = {
    role: shlex.join([sys.executable, "-m", "onsembl_spec", role]) for role in CLIENT_ROLES
}
"""The bundled reference client's commands (``onsembl agent``, ``onsembl dashboard``)."""

MAX_TIME_DEFAULTS = {"quick": 120.0, "default": 600.0}
"""``--max-time`` when not given."""

JOBS = 3
"""Checks run at once by default (each starts a client process; two cores)."""


def client_requirements() -> list[Requirement]:
    """The requirements ``onsembl check-client`` reports on: those whose subject is
    ``client`` (CLIENT-*, MSG-9, TERM-4, HB-5, REFRESH-8)."""
    return [r for r in requirements().values() if r.subject == "client"]


class ClientEngine(Engine):
    """The engine of ``onsembl check-client``."""

    TOOL = "onsembl check-client"
    config: ClientConfig

    def __init__(self, config: ClientConfig, *args: Any, **kwargs: Any) -> None:
        super().__init__(config, *args, **kwargs)
        self.config = config

    def run_started(self, checks: Sequence[CheckSpec]) -> RunStarted:
        return RunStarted(self.config.url, list(checks), self.config.seed, tool=self.TOOL)

    def runs_alone(self, spec: CheckSpec) -> bool:
        """Client checks share nothing but the CPU: properties run with the others."""
        return "last" in spec.tags

    def new_context(self, spec: CheckSpec) -> RunContext:
        return ClientCheckContext(self.config, spec)

    def requirement_scope(self) -> list[Requirement]:
        return client_requirements()

    def transcript_extra(self, spec: CheckSpec, result: Any) -> dict[str, object]:
        extra = super().transcript_extra(spec, result)
        extra["subject"] = "client"
        extra["role"] = spec.role
        extra["command"] = self.config.command_for(spec.role or "")
        extra["bundled"] = bool(self.config.commands)
        extra.pop("connection", None)
        return extra


def expand(checks: Sequence[CheckSpec], roles: Sequence[str]) -> list[CheckSpec]:
    """Each check once per role of ``roles`` it applies to: the roles in turn, each role's
    checks in registration order (``last``-tagged ones after the others)."""
    out: list[CheckSpec] = []
    for role in roles:
        out += [for_role(spec, role) for spec in checks if role in spec.roles]
    return [c for c in out if "last" not in c.tags] + [c for c in out if "last" in c.tags]


@dataclass
class ClientRunOptions:
    """What ``onsembl check-client`` was asked to do."""

    command: str | None = None
    listen: tuple[str, int] | None = None
    roles: tuple[str, ...] = CLIENT_ROLES
    profile: Profile | None = None
    only: Sequence[str] = ()
    exclude: Sequence[str] = ()
    strict: bool = False
    quick: bool = False
    seed: int = 0
    timeout: float = 5.0
    jobs: int = JOBS
    transcripts_dir: Path | None = None
    listeners: list[Listener] = field(default_factory=list)
    max_time: float | None = None
    checks: list[CheckSpec] | None = None
    listen_wait: float = 300.0
    """``--listen``: how long the kit waits for the client's first connection."""


def target_text(options: ClientRunOptions) -> str:
    if options.listen is not None:
        host, port = options.listen
        return f"a client started by hand on ws://{host}:{port}/ws ({', '.join(options.roles)})"
    if options.command is not None:
        return f"{options.command} ({', '.join(options.roles)})"
    return f"the bundled reference client ({', '.join(options.roles)})"


def client_config(options: ClientRunOptions, secret: str) -> ClientConfig:
    profile = options.profile or profile_from_mapping(CLIENT_PROFILE, source="check-client")
    return ClientConfig(
        url=target_text(options),
        secret=secret,
        profile=profile,
        timeout=options.timeout,
        seed=options.seed,
        strict=options.strict,
        quick=options.quick,
        transcripts_dir=options.transcripts_dir,
        max_examples=8 if options.quick else 25,
        command=options.command,
        commands=dict(BUNDLED_COMMANDS)
        if options.command is None and options.listen is None
        else {},
        roles=options.roles,
    )


def selected(options: ClientRunOptions) -> list[CheckSpec]:
    base = select(
        options.checks if options.checks is not None else all_client_checks(),
        only=options.only,
        exclude=options.exclude,
        quick=options.quick,
    )
    return expand(base, options.roles)


async def preflight(config: ClientConfig, role: str) -> None:
    """Before any check: the client starts, connects and identifies (else exit 2)."""
    from onsembl_conformance.clientcheck.checks.identify import preflight_spec

    ctx = ClientCheckContext(config, for_role(preflight_spec(), role))
    try:
        await ctx.start()
        try:
            await ctx.identified(CONNECT_WAIT_S)
        except CheckFailure as err:
            raise SuiteError(
                f"the {role} under test did not connect and identify: {err.actual}"
            ) from None
        except CheckInconclusive as err:
            raise SuiteError(f"the {role} under test did not connect: {err}") from None
    finally:
        await asyncio.wait_for(ctx.cleanup(), 15)


def run_clients(options: ClientRunOptions) -> RunSummary:
    """Run the selected client checks; the summary's ``exit_code`` is 0, 1 or 3."""
    use_hypothesis_home()
    checks = selected(options)
    if not checks:
        raise UsageError("no check selected (see --only, --exclude, --quick, --role)")
    secret = secrets.token_urlsafe(32)
    config = client_config(options, secret)
    max_time = options.max_time or MAX_TIME_DEFAULTS["quick" if options.quick else "default"]
    if options.listen is not None:
        from onsembl_conformance.clientcheck.listen import ListenTarget

        host, port = options.listen
        target = ListenTarget(config, host, port, wait=options.listen_wait)
        config.listen = target
        jobs = 1

        async def listened() -> RunSummary:
            await target.open()
            try:
                engine = ClientEngine(config, options.listeners, jobs=jobs, max_time=max_time)
                return await engine.run(checks)
            finally:
                await target.close()

        return asyncio.run(listened())
    for role in dict.fromkeys(c.role for c in checks):
        assert role is not None
        asyncio.run(preflight(config, role))
    engine = ClientEngine(config, options.listeners, jobs=options.jobs, max_time=max_time)
    return asyncio.run(engine.run(checks))
