"""``onsembl check-client`` on the bundled reference client: exit 0, both roles, reports in
every format, within the issue's time budgets (default under 3 minutes, ``--quick`` under
60 s; issue 13, part 2)."""

from __future__ import annotations

import sys
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest
from check_client_support import check_client

from onsembl_conformance.registry import all_client_checks

DEFAULT_BUDGET_S = 180.0
QUICK_BUDGET_S = 60.0


def expected_runs(*, quick: bool) -> int:
    return sum(len(c.roles) for c in all_client_checks() if not quick or "quick" in c.tags)


@pytest.mark.slow
def test_default_run_passes_with_every_report(tmp_path: Path) -> None:
    junit, html = tmp_path / "junit.xml", tmp_path / "report.html"
    got = check_client(tmp_path, "--seed", "11", "--junit", str(junit), "--html", str(html))
    assert got.exit_code == 0, got.output[-4000:]
    assert got.duration < DEFAULT_BUDGET_S, f"{got.duration:.1f}s"
    print(f"\ncheck-client, bundled client, both roles: {got.duration:.1f}s")
    summary = got.report["summary"]
    assert summary["verdict"] == "conformant"
    assert summary["checks"]["passed"] == expected_runs(quick=False)
    ids = {r["id"] for r in got.report["results"]}
    assert "CLIENT-1" in ids and "AUTH-3" not in ids  # client requirements only
    assert all(r["status"] == "passed" for r in got.report["results"])
    suites = ET.parse(junit).getroot()
    assert suites.get("name") == "onsembl check-client"
    assert len(suites.findall(".//testcase")) == expected_runs(quick=False)
    page = html.read_text()
    assert "<title>onsembl check-client: conformant</title>" in page
    assert "agent/command_lifecycle" in got.output and "dashboard/close_codes" in got.output


@pytest.mark.slow
@pytest.mark.parametrize("role", ["agent", "dashboard"])
def test_quick_run_per_role(tmp_path: Path, role: str) -> None:
    got = check_client(
        tmp_path, "--quick", "--seed", "12", "--role", role,
        "--command", f"{sys.executable} -m onsembl_spec {role}",
    )  # fmt: skip
    assert got.exit_code == 0, got.output[-4000:]
    assert got.duration < QUICK_BUDGET_S, f"{got.duration:.1f}s"
    print(f"\ncheck-client --quick, {role}: {got.duration:.1f}s")


@pytest.mark.slow
def test_quick_run_both_roles(tmp_path: Path) -> None:
    got = check_client(tmp_path, "--quick", "--seed", "13")
    assert got.exit_code == 0, got.output[-4000:]
    assert got.duration < QUICK_BUDGET_S, f"{got.duration:.1f}s"
    assert got.report["summary"]["checks"]["passed"] == expected_runs(quick=True)
    print(f"\ncheck-client --quick, both roles: {got.duration:.1f}s")
