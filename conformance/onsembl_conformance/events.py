"""Events the engine emits and the results they carry; reporters handle them."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Protocol

from onsembl_conformance.baseline import BaselineOutcome
from onsembl_conformance.errors import CheckFailure
from onsembl_conformance.registry import CheckSpec
from onsembl_spec.spec import Requirement

STATUSES = ("passed", "failed", "skipped", "error")
"""A check's outcome. ``failed``: the server broke the named requirement. ``error``: no
verdict, for a reason that is not the server breaking a requirement (issue 9, part 2):
the kit's own trouble, the environment, an inconclusive or nondeterministic outcome."""

REQUIREMENT_STATUSES = ("passed", "failed", "error", "not-checked")
"""A requirement's status over a run: ``failed`` when a check reported it failed, else
``error`` when a check verifying it ended in an error, else ``passed`` when a check
verifying it passed, else ``not-checked``."""

ERROR_KINDS = {
    "kit-error": "an exception in the kit, not an observable misbehaviour of the server",
    "inconclusive": "the check could not reach a verdict (not a failure of the server)",
    "nondeterministic": "the server answered the same example differently when it was re-run",
    "time-limit": "the check did not finish within its time limit",
    "max-time": "the run's --max-time passed before the check finished",
    "token-command": "--token-command failed to issue a token (the environment's trouble)",
}
"""The kinds of ``error`` result, with what each means (shown by the reporters)."""


@dataclass
class CheckError:
    """Why a check ended in ``error``: a kind of :data:`ERROR_KINDS` and a one-line message."""

    kind: str
    message: str
    detail: str = ""
    """A longer explanation or a traceback (kit errors), for reports."""


@dataclass
class CheckResult:
    """The outcome of one check."""

    spec: CheckSpec
    status: str
    duration: float
    failure: CheckFailure | None = None
    message: str = ""
    exchange: list[str] = field(default_factory=list)
    transcript_path: Path | None = None
    error: CheckError | None = None
    messages_sent: int = 0
    """Messages the check sent to the server (inner messages of wrappers included)."""
    replay_command: str | None = None
    """URL mode: the ``onsembl replay`` command for the saved transcript, against the same
    server with the same connection flags, no secret in it (issue 10)."""
    token_unavailable: bool = False
    """Skipped because the kit cannot make a token the check needs with the credentials it
    was given (``TokenUnavailable``: a token command cannot forge an expired token)."""


@dataclass
class RequirementResult:
    """The status of one requirement over the run (passed / failed / not-checked)."""

    requirement: Requirement
    status: str
    checks: list[str]
    message: str = ""
    failures: list[CheckResult] = field(default_factory=list)
    errors: list[CheckResult] = field(default_factory=list)


@dataclass
class RunSummary:
    """Everything a report needs at the end of a run."""

    target: str
    seed: int
    duration: float
    checks: list[CheckResult]
    requirements: list[RequirementResult]
    exit_code: int
    strict: bool
    max_time: float | None = None
    baseline: BaselineOutcome | None = None
    """How the failures compare with ``--baseline`` (``None``: no baseline given)."""
    timed_out: bool = False
    """The run's ``--max-time`` passed before every check finished."""
    rate_waited: float = 0.0
    """Seconds the suite's paced sends waited for the server's rate limits (issue 9)."""
    rate_external: int = 0
    """Messages of other clients the run's budget assumed from global refusals."""
    connection: dict[str, object] = field(default_factory=dict)
    """The run's connection settings (``ConnectionSettings.described``: header names only)."""
    warnings: list[str] = field(default_factory=list)
    """What every report must say loudly (``--insecure``, issue 10)."""
    tokens: str = ""
    """How the kit made its tokens (``TokenIssuer.describe``; issue 10)."""
    tool: str = "onsembl check"
    """The command whose run this is (``onsembl check-client`` checks clients)."""

    def token_skipped(self) -> list[CheckResult]:
        """Checks skipped because the kit could not make a token they need (issue 10)."""
        return [c for c in self.checks if c.token_unavailable]

    def token_unchecked(self) -> list[str]:
        """IDs of the requirements those checks left unchecked: verified by one of them and
        by no check that reached a verdict (status ``not-checked``)."""
        names = {c.spec.name for c in self.token_skipped()}
        return [
            r.requirement.id
            for r in self.requirements
            if r.status == "not-checked" and names.intersection(r.checks)
        ]

    @property
    def messages_sent(self) -> int:
        return sum(r.messages_sent for r in self.checks)

    def count(self, status: str) -> int:
        return sum(1 for r in self.requirements if r.status == status)

    def check_count(self, status: str) -> int:
        return sum(1 for r in self.checks if r.status == status)

    def as_summary_dict(self) -> dict[str, object]:
        return {
            "target": self.target,
            "seed": self.seed,
            "duration_s": round(self.duration, 2),
            "strict": self.strict,
            "exit_code": self.exit_code,
            "verdict": VERDICTS[self.exit_code],
            "requirements": {s: self.count(s) for s in REQUIREMENT_STATUSES},
            "checks": {s: self.check_count(s) for s in STATUSES},
            "messages_sent": self.messages_sent,
            "max_time_s": self.max_time,
            "timed_out": self.timed_out,
            "rate_waited_s": round(self.rate_waited, 2),
            "rate_external": self.rate_external,
            "baseline": self.baseline.as_dict() if self.baseline is not None else None,
            "connection": self.connection,
            "warnings": self.warnings,
            "tokens": {
                "issuer": self.tokens,
                "skipped_checks": [c.spec.name for c in self.token_skipped()],
                "unchecked_requirements": self.token_unchecked(),
            },
        }


EXIT_CONFORMANT = 0
EXIT_FAILED = 1
EXIT_CANNOT_RUN = 2
EXIT_INCOMPLETE = 3

VERDICTS = {
    EXIT_CONFORMANT: "conformant",
    EXIT_FAILED: "not conformant",
    EXIT_INCOMPLETE: "incomplete",
}
"""The verdict of a finished run by exit code (2 is a run that could not start); the
exit-code table is ``onsembl_conformance.cli.check.EPILOG`` (``onsembl check --help``, README)."""


@dataclass
class RunStarted:
    target: str
    checks: list[CheckSpec]
    seed: int
    warnings: list[str] = field(default_factory=list)
    """Printed before any check (``--insecure``, issue 10)."""
    tool: str = "onsembl check"
    """The command whose run this is (``onsembl check-client`` checks clients)."""


@dataclass
class CheckStarted:
    spec: CheckSpec


@dataclass
class CheckFinished:
    result: CheckResult


@dataclass
class RunFinished:
    summary: RunSummary


Event = RunStarted | CheckStarted | CheckFinished | RunFinished


class Listener(Protocol):
    """A reporter: receives every event of a run."""

    def handle(self, event: Event) -> None: ...
