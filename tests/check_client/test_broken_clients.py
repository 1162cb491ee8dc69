"""Issue 13, part 4: every client check can fail. Each broken reference client of the
catalogue (``client_faults.py``) is caught with the right requirement ID, and every client
check is run against at least one of them."""

from __future__ import annotations

import concurrent.futures
from pathlib import Path

from check_client_support import Outcome, broken_command, check_client
from client_faults import CATALOGUE, FAULTS, Entry

from onsembl_conformance.engine import parse_selectors, select
from onsembl_conformance.registry import all_client_checks
from onsembl_spec.spec import requirement

WORKERS = 2


def selected(entry: Entry) -> set[str]:
    checks = all_client_checks()
    return {
        f"{entry.role}/{spec.name}"
        for spec in select(checks, only=parse_selectors(entry.checks, checks))
        if entry.role in spec.roles
    }


def test_catalogue_names_known_faults_and_requirements() -> None:
    assert len(CATALOGUE) >= 25
    for e in CATALOGUE:
        assert e.fault in FAULTS, e.fault
        assert selected(e), f"{e.fault}: {e.checks} selects no check for {e.role}s"
        for req_id in e.expected:
            assert requirement(req_id).subject == "client"
    assert set(FAULTS) == {e.fault for e in CATALOGUE}, "a fault no entry runs"


def test_every_client_check_can_be_failed() -> None:
    """Each check, for each role it applies to, runs against a broken client it must catch
    (a check of both roles is caught for at least one of them, the same code runs for both)."""
    covered: set[str] = set()
    for e in CATALOGUE:
        covered |= {name.split("/", 1)[1] for name in selected(e)}
    missing = {spec.name for spec in all_client_checks()} - covered
    assert not missing, f"client checks no broken client shows able to fail: {sorted(missing)}"


def run_entry(index: int, e: Entry, tmp: Path) -> tuple[Entry, Outcome]:
    strict = all(requirement(r).level != "MUST" for r in e.expected)
    args = ["--command", broken_command(e.fault, e.role), "--role", e.role, "--only", e.checks,
            "--seed", str(1000 + index), "--jobs", "1"]  # fmt: skip
    if strict:
        args.append("--strict")
    return e, check_client(tmp / f"{index}-{e.fault}-{e.role}", *args)


def test_every_broken_client_is_caught(tmp_path: Path) -> None:
    with concurrent.futures.ThreadPoolExecutor(WORKERS) as pool:
        futures = [pool.submit(run_entry, i, e, tmp_path) for i, e in enumerate(CATALOGUE)]
        outcomes = [f.result() for f in futures]
    missed = []
    for e, got in outcomes:
        if not (got.exit_code == 1 and e.expected & got.failed):
            missed.append(
                f"{e.fault} ({e.role}) [{e.checks}]: exit {got.exit_code}, failed "
                f"{sorted(got.failed)}, expected one of {sorted(e.expected)}\n"
                + got.output[-1500:]
            )
    print(f"\nclient catalogue score: {len(CATALOGUE) - len(missed)}/{len(CATALOGUE)} caught")
    assert not missed, "\n".join(missed)
