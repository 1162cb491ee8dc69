"""Item 8: every check can fail. The catalogue of broken servers must all be caught.

Each entry starts the reference server with one fault injected (by
``broken_server.py``) and runs the suite restricted to the checks that can
see it; the run must end with exit code 1 and one of the entry's requirement
IDs failed. Entries run in a few worker processes (``catalogue_driver.py``).
The score is printed as ``catalogue score: N/M caught``.
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

from conformance_catalogue import CATALOGUE
from conformance_support import HERE, RUN_LIMIT_S

from onsembl_conformance.engine import parse_selectors, select
from onsembl_conformance.registry import all_checks

WORKERS = 4


def test_catalogue_has_enough_faults() -> None:
    faults = {e.fault for e in CATALOGUE}
    areas = {f.split("-")[0] for f in faults}
    assert len(faults) >= 25
    wanted = {"auth", "tenancy", "rate", "close", "queue", "refresh", "batch", "compressed"}
    assert wanted | {"validation"} <= areas


NOT_IN_THE_CATALOGUE = {
    "hour_limit_live": "runs only with --deep and waits out an hour window (up to 65 minutes)",
}
"""Checks no catalogue entry runs, each with the reason."""


def selected_checks(selectors: str) -> set[str]:
    """Names of the checks ``--only selectors`` runs (names, requirement IDs or areas)."""
    chosen = select(all_checks(), only=parse_selectors(selectors))
    return {spec.name for spec in chosen}


def test_every_check_can_be_failed() -> None:
    """Each check is run against at least one broken server that it must catch."""
    covered: set[str] = set()
    for e in CATALOGUE:
        covered |= selected_checks(e.checks)
    uncaught = {spec.name for spec in all_checks()} - covered - set(NOT_IN_THE_CATALOGUE)
    assert not uncaught, f"checks no broken server shows able to fail: {sorted(uncaught)}"
    assert not covered & set(NOT_IN_THE_CATALOGUE)


def test_every_broken_server_is_caught(tmp_path: Path) -> None:
    shares = [list(range(w, len(CATALOGUE), WORKERS)) for w in range(WORKERS)]
    workers = []
    for number, share in enumerate(shares):
        out = tmp_path / f"worker-{number}.json"
        argv = [sys.executable, str(HERE / "catalogue_driver.py"), str(out), str(tmp_path)]
        process = subprocess.Popen([*argv, *map(str, share)], cwd=tmp_path)
        workers.append((process, out))
    results: dict[int, dict[str, object]] = {}
    for process, out in workers:
        assert process.wait(timeout=RUN_LIMIT_S * 2) == 0
        results.update({r["index"]: r for r in json.loads(out.read_text())})
    missed = []
    for index, entry in enumerate(CATALOGUE):
        got = results[index]
        failed = set(got["failed"])  # type: ignore[call-overload]
        if not (got["exit_code"] == 1 and entry.expected & failed):
            missed.append(
                f"{entry.fault} [{entry.checks}]: exit {got['exit_code']}, failed {sorted(failed)},"
                f" expected one of {sorted(entry.expected)} {got['error']}"
            )
    print(f"\ncatalogue score: {len(CATALOGUE) - len(missed)}/{len(CATALOGUE)} caught")
    assert not missed, "\n".join(missed)
