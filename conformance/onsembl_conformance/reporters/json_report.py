"""The JSON report: ``{"summary": {...}, "results": [...], "checks": [...]}``.

``results`` has one entry per requirement of the spec, in document order, with
status ``passed``, ``failed``, ``error`` or ``not-checked``; ``checks`` one per
check run, with status ``passed``, ``failed``, ``skipped`` or ``error`` (and
for an error its ``error.kind``). Server-derived text is sanitised (JWTs
redacted, control characters escaped: :mod:`onsembl_conformance.sanitize`).
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from onsembl_conformance.events import CheckResult, Event, RunFinished, RunSummary
from onsembl_conformance.reporters.console import write_out
from onsembl_conformance.sanitize import clean


def check_data(result: CheckResult) -> dict[str, Any]:
    """One check's outcome."""
    entry: dict[str, Any] = {
        "name": result.spec.name,
        "requirements": list(result.spec.requirement_ids),
        "status": result.status,
        "duration_s": round(result.duration, 3),
        "message": clean(result.message),
        "messages_sent": result.messages_sent,
    }
    if result.failure is not None:
        entry["failure"] = {
            "requirement": result.failure.requirement_id,
            "expected": clean(result.failure.expected),
            "actual": clean(result.failure.actual),
        }
    if result.error is not None:
        entry["error"] = {"kind": result.error.kind, "message": clean(result.error.message)}
    if result.transcript_path is not None:
        entry["transcript"] = str(result.transcript_path)
    if result.replay_command is not None:
        entry["replay"] = clean(result.replay_command)
    return entry


def report_data(summary: RunSummary) -> dict[str, Any]:
    """The whole report (issue item 6; errors apart from failures, issue 9)."""
    results = []
    for r in summary.requirements:
        entry: dict[str, Any] = {
            "id": r.requirement.id,
            "level": r.requirement.level,
            "status": r.status,
            "message": clean(r.message),
            "checks": r.checks,
        }
        results.append(entry)
    return {
        "summary": summary.as_summary_dict(),
        "results": results,
        "checks": [check_data(c) for c in summary.checks],
    }


class JsonReporter:
    """Writes the report to ``path`` (``None``: stdout) when the run finishes."""

    def __init__(self, path: Path | None) -> None:
        self.path = path

    def handle(self, event: Event) -> None:
        if isinstance(event, RunFinished):
            data = report_data(event.summary)
            write_out(self.path, json.dumps(data, indent=2) + "\n")
