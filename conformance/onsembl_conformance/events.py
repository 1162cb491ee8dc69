"""Events the engine emits and the results they carry; reporters handle them."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Protocol

from onsembl_conformance.registry import CheckSpec
from onsembl_spec.errors import CheckFailure
from onsembl_spec.spec import Requirement

STATUSES = ("passed", "failed", "skipped")
REQUIREMENT_STATUSES = ("passed", "failed", "not-checked")


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


@dataclass
class RequirementResult:
    """The status of one requirement over the run (passed / failed / not-checked)."""

    requirement: Requirement
    status: str
    checks: list[str]
    message: str = ""
    failures: list[CheckResult] = field(default_factory=list)


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
            "requirements": {s: self.count(s) for s in REQUIREMENT_STATUSES},
            "checks": {s: self.check_count(s) for s in STATUSES},
        }


@dataclass
class RunStarted:
    target: str
    checks: list[CheckSpec]
    seed: int


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
