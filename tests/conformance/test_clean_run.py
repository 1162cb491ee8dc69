"""Done-when: the default run passes the clean bundled server in time; reports validate."""

from __future__ import annotations

import json
import re
import xml.etree.ElementTree as ET
from pathlib import Path

import jsonschema
import pytest
from conformance_support import onsembl

REPORT_SCHEMA = {
    "type": "object",
    "required": ["summary", "results"],
    "properties": {
        "summary": {
            "type": "object",
            "required": ["requirements", "checks", "exit_code", "duration_s", "seed"],
        },
        "results": {
            "type": "array",
            "minItems": 1,
            "items": {
                "type": "object",
                "required": ["id", "level", "status", "message"],
                "properties": {
                    "id": {"type": "string", "pattern": "^[A-Z]+-[0-9]+$"},
                    "level": {"enum": ["MUST", "SHOULD", "MAY"]},
                    "status": {"enum": ["passed", "failed", "error", "not-checked"]},
                    "message": {"type": "string"},
                },
            },
        },
    },
}

DEFAULT_BUDGET_S = 180
QUICK_BUDGET_S = 60


@pytest.fixture(scope="module")
def full_run(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, str, int]:
    root = tmp_path_factory.mktemp("clean")
    result = onsembl(
        [
            "check",
            "--seed",
            "5",
            "--report",
            "report.json",
            "--junit",
            "junit.xml",
            "--html",
            "report.html",
        ],
        cwd=root,
    )
    return root, result.stdout + result.stderr, result.returncode


def test_default_run_passes_within_budget(full_run: tuple[Path, str, int]) -> None:
    root, output, code = full_run
    assert code == 0, output[-4000:]
    match = re.search(r"time taken ([0-9.]+)s", output)
    assert match, output[-500:]
    print(f"\ndefault run: {match.group(1)} s (budget {DEFAULT_BUDGET_S} s)")
    assert float(match.group(1)) < DEFAULT_BUDGET_S
    assert "CONFORMANT (exit 0)" in output
    assert not (root / "onsembl-transcripts").exists()  # nothing failed, nothing saved


def test_json_report_validates(full_run: tuple[Path, str, int]) -> None:
    root, _, _ = full_run
    data = json.loads((root / "report.json").read_text())
    jsonschema.validate(data, REPORT_SCHEMA)
    statuses = {r["id"]: r["status"] for r in data["results"]}
    assert statuses["AUTH-3"] == "passed"
    assert statuses["HB-5"] == "not-checked"  # a client requirement
    assert data["summary"]["requirements"]["failed"] == 0
    assert data["summary"]["requirements"]["error"] == 0
    assert data["summary"]["checks"]["error"] == 0
    assert data["summary"]["verdict"] == "conformant"
    assert data["summary"]["requirements"]["passed"] >= 100
    assert {c["status"] for c in data["checks"]} <= {"passed", "skipped"}
    print(f"\ndefault run sent {data['summary']['messages_sent']} messages")


def test_junit_names_requirements(full_run: tuple[Path, str, int]) -> None:
    root, _, _ = full_run
    tree = ET.parse(root / "junit.xml")
    cases = tree.getroot().findall(".//testcase")
    assert len(cases) >= 80
    for case in cases:
        assert re.match(r"^\[[A-Z]+-[0-9]+( [A-Z]+-[0-9]+)*\] \w+$", case.get("name", "")), (
            case.attrib
        )
        assert case.find("failure") is None and case.find("error") is None
    suite = tree.getroot().find("testsuite")
    assert suite is not None and suite.get("failures") == "0" and suite.get("errors") == "0"


def test_html_report_is_self_contained(full_run: tuple[Path, str, int]) -> None:
    root, _, _ = full_run
    html = (root / "report.html").read_text()
    assert html.startswith("<!DOCTYPE html>")
    assert 'id="AUTH-3"' in html and "<script" not in html and "http://" not in html
    assert html.count('class="passed"') >= 100


def test_quick_run_passes_within_budget(tmp_path: Path) -> None:
    result = onsembl(["check", "--quick", "--seed", "6"], cwd=tmp_path)
    assert result.returncode == 0, result.stdout[-4000:]
    match = re.search(r"time taken ([0-9.]+)s", result.stdout)
    assert match
    print(f"\nquick run: {match.group(1)} s (budget {QUICK_BUDGET_S} s)")
    assert float(match.group(1)) < QUICK_BUDGET_S
