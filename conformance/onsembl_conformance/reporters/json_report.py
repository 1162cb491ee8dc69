"""The JSON report: ``{"summary": {...}, "results": [{"id", "level", "status", "message"}]}``."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from onsembl_conformance.events import Event, RunFinished, RunSummary


def report_data(summary: RunSummary) -> dict[str, Any]:
    """One result per requirement of the spec, in document order (item 6)."""
    results = []
    for r in summary.requirements:
        entry: dict[str, Any] = {
            "id": r.requirement.id,
            "level": r.requirement.level,
            "status": r.status,
            "message": r.message,
            "checks": r.checks,
        }
        results.append(entry)
    return {"summary": summary.as_summary_dict(), "results": results}


class JsonReporter:
    def __init__(self, path: Path) -> None:
        self.path = path

    def handle(self, event: Event) -> None:
        if isinstance(event, RunFinished):
            data = report_data(event.summary)
            self.path.write_text(json.dumps(data, indent=2) + "\n", encoding="utf-8")
