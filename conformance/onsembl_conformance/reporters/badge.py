"""``--badge FILE``: a shields.io endpoint badge of a run (issue 14, part 2).

The file is the JSON a shields.io *endpoint* badge reads
(``https://img.shields.io/endpoint?url=URL-OF-THE-FILE``)::

    {"schemaVersion": 1, "label": "onsembl 1.4.0", "message": "116/122 MUST",
     "color": "brightgreen"}

What counts: the MUST requirements whose subject the run checks (``server`` for
``onsembl check``, ``client`` for ``onsembl check-client``). The message is how many
of them passed over how many the specification has, checked or not: a run that checked
less (``--quick``, ``--only``, checks skipped for want of tokens), or a requirement no
check can verify, never shows as more than the run saw. The colour is the verdict on
what was checked:

* ``red``: a MUST requirement failed (the message ends ``, N failed``), whatever a
  ``--baseline`` excuses: the badge is the project's public claim, not its CI gate;
* ``orange``: nothing failed, but a check verifying a MUST requirement ended in an
  error (no verdict on it: ``incomplete``);
* ``brightgreen``: every MUST requirement checked passed;
* ``lightgrey``: no MUST requirement was checked.

SHOULD and MAY requirements do not move the badge (``--strict`` fails a run for a
SHOULD; the reports show it).
"""

from __future__ import annotations

import json
import re
from functools import cache
from pathlib import Path
from typing import Any

from onsembl_conformance.events import Event, RequirementResult, RunFinished, RunSummary
from onsembl_spec import resources

COLOURS = {
    "failed": "red",
    "incomplete": "orange",
    "passed": "brightgreen",
    "unchecked": "lightgrey",
}

_VERSION = re.compile(r"^Protocol version (\S+?)\.?\s", re.MULTILINE)


@cache
def protocol_version() -> str:
    """The protocol version ``docs/spec.md`` states (``Protocol version 1.4.0.``)."""
    match = _VERSION.search(resources.spec_path().read_text(encoding="utf-8"))
    return match.group(1) if match else "unknown"


def run_subject(summary: RunSummary) -> str:
    """Whose conformance the run is about: the subject of its checks (``server``,
    ``client``), else of the requirements it reports on; ``server`` when unknown."""
    subjects = {c.spec.subject for c in summary.checks}
    if len(subjects) != 1:
        subjects = {r.requirement.subject for r in summary.requirements}
    return subjects.pop() if len(subjects) == 1 else "server"


def counted(summary: RunSummary) -> list[RequirementResult]:
    """The requirements the badge counts: the MUSTs of the run's subject."""
    subject = run_subject(summary)
    return [
        r
        for r in summary.requirements
        if r.requirement.level == "MUST" and r.requirement.subject == subject
    ]


def badge_data(summary: RunSummary) -> dict[str, Any]:
    """The shields.io endpoint JSON of ``summary`` (see the module's docstring)."""
    musts = counted(summary)
    passed = sum(1 for r in musts if r.status == "passed")
    failed = sum(1 for r in musts if r.status == "failed")
    errors = sum(1 for r in musts if r.status == "error")
    verdict = (
        "failed" if failed else "incomplete" if errors else "passed" if passed else "unchecked"
    )
    label = f"onsembl {protocol_version()}"
    if run_subject(summary) == "client":
        label += " client"
    message = f"{passed}/{len(musts)} MUST"
    if failed:
        message += f", {failed} failed"
    return {
        "schemaVersion": 1,
        "label": label,
        "message": message,
        "color": COLOURS[verdict],
    }


class BadgeReporter:
    """Writes the badge's JSON to ``path`` when the run finishes."""

    def __init__(self, path: Path) -> None:
        self.path = path

    def handle(self, event: Event) -> None:
        if isinstance(event, RunFinished):
            text = json.dumps(badge_data(event.summary), indent=2) + "\n"
            self.path.write_text(text, encoding="utf-8")
