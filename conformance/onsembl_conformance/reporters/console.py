"""Live progress on a terminal: one line per check, failures in full, a summary (item 6)."""

from __future__ import annotations

import sys
from typing import TextIO

from onsembl_conformance.events import (
    CheckFinished,
    CheckResult,
    Event,
    RunFinished,
    RunStarted,
)
from onsembl_spec.spec import requirement

LABELS = {"passed": "PASS", "failed": "FAIL", "skipped": "SKIP"}


def failure_lines(result: CheckResult, *, exchange_lines: int = 40) -> list[str]:
    """ID, requirement sentence, Expected, Actual and the exchange of a failed check."""
    failure = result.failure
    if failure is None:
        return []
    req = requirement(failure.requirement_id)
    out = [
        f"    {req.id} ({req.level}): {req.text}",
        f"    Expected: {failure.expected}",
        f"    Actual:   {failure.actual}",
    ]
    if result.exchange:
        out.append("    Exchange:")
        out.extend(f"      {line}" for line in result.exchange[-exchange_lines:])
    if result.transcript_path is not None:
        out.append(
            f"    Transcript: {result.transcript_path} (onsembl replay {result.transcript_path})"
        )
    return out


class ConsoleReporter:
    """Prints to ``stream`` (stdout by default); ``verbose`` also prints passed checks' titles."""

    def __init__(self, stream: TextIO | None = None, *, verbose: bool = False) -> None:
        self.stream = stream or sys.stdout
        self.verbose = verbose
        self.total = 0
        self.done = 0

    def write(self, line: str) -> None:
        self.stream.write(line + "\n")
        self.stream.flush()

    def handle(self, event: Event) -> None:
        if isinstance(event, RunStarted):
            self.total = len(event.checks)
            self.write(
                f"onsembl check: {self.total} checks against {event.target} (seed {event.seed})"
            )
        elif isinstance(event, CheckFinished):
            self.done += 1
            result = event.result
            ids = ",".join(result.spec.requirement_ids)
            label = LABELS[result.status]
            tail = f" ({result.message})" if result.status == "skipped" else ""
            width = len(str(self.total))
            self.write(
                f"[{self.done:>{width}}/{self.total}] {label} {result.spec.name} [{ids}] "
                f"{result.duration:.2f}s{tail}"
            )
            for line in failure_lines(result):
                self.write(line)
        elif isinstance(event, RunFinished):
            summary = event.summary
            failed = [r for r in summary.requirements if r.status == "failed"]
            self.write("")
            if failed:
                self.write("Failed requirements:")
                for r in failed:
                    self.write(f"  {r.requirement.id} ({r.requirement.level}): {r.message}")
            checks = ", ".join(
                f"{summary.check_count(s)} {s}" for s in ("passed", "failed", "skipped")
            )
            reqs = ", ".join(
                f"{summary.count(s)} {s.replace('-', ' ')}"
                for s in ("passed", "failed", "not-checked")
            )
            self.write(f"checks: {checks}; requirements: {reqs}")
            verdict = "CONFORMANT" if summary.exit_code == 0 else "NOT CONFORMANT"
            self.write(f"{verdict} (exit {summary.exit_code}); time taken {summary.duration:.1f}s")
