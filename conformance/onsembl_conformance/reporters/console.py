"""Live progress on a terminal: one line per check, failures and errors in full, a summary.

Everything that can hold text from the server under test (Expected/Actual, the
exchange, error messages) goes through :func:`sanitize.clean`: a hostile
server cannot move the cursor, print a fake verdict or leak a token (issue 9).
"""

from __future__ import annotations

import sys
from pathlib import Path
from typing import TextIO

from onsembl_conformance.events import (
    ERROR_KINDS,
    VERDICTS,
    CheckFinished,
    CheckResult,
    Event,
    RunFinished,
    RunStarted,
    RunSummary,
)
from onsembl_conformance.sanitize import clean
from onsembl_spec.spec import requirement

LABELS = {"passed": "PASS", "failed": "FAIL", "skipped": "SKIP", "error": "ERROR"}


def write_out(path: Path | None, text: str) -> None:
    """A report's text to ``path``, or to stdout when ``None`` (``--report -``)."""
    if path is None:
        sys.stdout.write(text)
        sys.stdout.flush()
    else:
        path.write_text(text, encoding="utf-8")


def plural(count: int, word: str, many: str | None = None) -> str:
    """``1 check``, ``2 checks`` (``many``: the plural when it is not ``word + "s"``)."""
    return f"{count} {word if count == 1 else many or word + 's'}"


def failure_lines(result: CheckResult, *, exchange_lines: int = 40) -> list[str]:
    """ID, requirement sentence, Expected, Actual and the exchange of a failed check;
    kind, message and the exchange of a check that ended in an error."""
    out: list[str] = []
    if result.failure is not None:
        failure = result.failure
        req = requirement(failure.requirement_id)
        out += [
            f"    {req.id} ({req.level}): {req.text}",
            f"    Expected: {clean(failure.expected)}",
            f"    Actual:   {clean(failure.actual)}",
        ]
        own = result.spec.requirement_ids
        if req.id not in own:  # e.g. selected with --only for one of its own
            peer = "client" if result.spec.subject == "client" else "server"
            out.append(
                f"    Why {req.id}: this check verifies {', '.join(own)}; on the way the {peer} "
                f"broke {req.id}, a failure whichever check sees it (every message is checked)"
            )
    elif result.error is not None:
        error = result.error
        out += [
            f"    Error ({error.kind}: {ERROR_KINDS.get(error.kind, '')}):",
            f"      {clean(error.message)}",
            "    This is no verdict on " + ", ".join(result.spec.requirement_ids) + ".",
        ]
    else:
        return []
    if result.exchange:
        out.append("    Exchange:")
        out.extend(f"      {clean(line)}" for line in result.exchange[-exchange_lines:])
    if result.transcript_path is not None:
        path = clean(result.transcript_path)
        if result.replay_command is not None:  # URL mode: the same server, same flags
            out.append(f"    Transcript: {path}")
            out.append(f"    Replay: {clean(result.replay_command)}")
        else:
            out.append(f"    Transcript: {path} (onsembl replay {path})")
    return out


def token_lines(summary: RunSummary) -> list[str]:
    """The checks skipped because the kit could not make their tokens, and the requirements
    that left unchecked (issue 10); nothing when every token could be made."""
    skipped = summary.token_skipped()
    if not skipped:
        return []
    unchecked = summary.token_unchecked()
    ids = f": {', '.join(unchecked)}" if unchecked else ""
    return [
        f"Tokens ({clean(summary.tokens)}): {plural(len(skipped), 'check')} skipped for tokens "
        f"the kit cannot make; {plural(len(unchecked), 'requirement')} left unchecked{ids}",
        *(f"  {c.spec.name}: {clean(c.message)}" for c in skipped),
    ]


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
                f"{event.tool}: {plural(self.total, 'check')} against {clean(event.target)} "
                f"(seed {event.seed})"
            )
            for warning in event.warnings:
                self.write(f"WARNING: {clean(warning)}")
        elif isinstance(event, CheckFinished):
            self.done += 1
            result = event.result
            ids = ",".join(result.spec.requirement_ids)
            label = LABELS[result.status]
            tail = f" ({clean(result.message)})" if result.status == "skipped" else ""
            width = len(str(self.total))
            self.write(
                f"[{self.done:>{width}}/{self.total}] {label} {result.spec.name} [{ids}] "
                f"{result.duration:.2f}s{tail}"
            )
            for line in failure_lines(result):
                self.write(line)
        elif isinstance(event, RunFinished):
            self.finish(event)

    def finish(self, event: RunFinished) -> None:
        summary = event.summary
        failed = [r for r in summary.requirements if r.status == "failed"]
        errors = [r for r in summary.checks if r.status == "error"]
        self.write("")
        if failed:
            self.write("Failed requirements:")
            for r in failed:
                self.write(f"  {r.requirement.id} ({r.requirement.level}): {clean(r.message)}")
        if errors:
            self.write("Errors (no verdict; not failures of the server):")
            for c in errors:
                ids = ",".join(c.spec.requirement_ids)
                self.write(f"  {c.spec.name} [{ids}]: {clean(c.message)}")
        if summary.baseline is not None:
            b = summary.baseline
            self.write(
                f"Baseline: {plural(len(b.expected), 'expected failure')}, {len(b.unexpected)} "
                f"unexpected, {len(b.stale)} stale, {len(b.unchecked)} not checked"
            )
            for item in b.unexpected:
                self.write(f"  unexpected failure: {item} (not in the baseline)")
            for item in b.stale:
                self.write(f"  stale entry: {item} now passes: delete it from the baseline")
        if summary.timed_out:
            self.write(f"The run's --max-time of {summary.max_time:g}s passed.")
        for line in token_lines(summary):
            self.write(line)
        checks = ", ".join(
            f"{summary.check_count(s)} {s}" for s in ("passed", "failed", "skipped", "error")
        )
        reqs = ", ".join(
            f"{summary.count(s)} {s.replace('-', ' ')}"
            for s in ("passed", "failed", "error", "not-checked")
        )
        self.write(f"checks: {checks}; requirements: {reqs}")
        self.write(f"messages sent: {summary.messages_sent}")
        if summary.rate_waited >= 1 or summary.rate_external:
            self.write(
                f"rate budget: sends waited {summary.rate_waited:.1f}s for the server's limits; "
                f"{plural(summary.rate_external, 'message')} of other clients seen in its "
                "global window"
            )
        for warning in summary.warnings:
            self.write(f"WARNING: {clean(warning)}")
        verdict = VERDICTS[summary.exit_code].upper()
        self.write(f"{verdict} (exit {summary.exit_code}); time taken {summary.duration:.1f}s")
