"""The three renderings of a report, on hand-made findings."""

from __future__ import annotations

import json

from onsembl_spec.diff.findings import DiffReport, Finding
from onsembl_spec.diff.formats import MAX_SHOWN, group_findings, render

SHARED = [
    Finding("MAX_LENGTH_DECREASED", True, t, "agentId", 128, 64, "`maxLength` tightened")
    for t in ("command:request", "agent:status", "terminal:clear", "heartbeat:ping")
]
SAFE = Finding("FIELD_ADDED", False, "command:request", "note", None, "note", "field added")
LONG = Finding("PATTERN_CHANGED", True, "agent:list", "x", "a" * 500, "b|c", "pattern changed")
REPORT = DiffReport("base", "head", (SAFE, *SHARED, LONG))


def test_groups_fold_types_and_put_breaking_first() -> None:
    groups = group_findings(REPORT.findings)
    assert [g.first.rule for g in groups] == [
        "MAX_LENGTH_DECREASED",
        "PATTERN_CHANGED",
        "FIELD_ADDED",
    ]
    assert groups[0].types == tuple(f.type for f in SHARED)
    assert groups[0].subject == "4 types (command:request, agent:status, terminal:clear, ...)"


def test_text_is_one_line_per_group_with_long_values_cut() -> None:
    lines = render(REPORT, "text").splitlines()
    assert lines[0] == "onsembl diff base head: 6 changes, 5 breaking"
    assert len(lines) == 4
    assert lines[1].startswith("BREAKING MAX_LENGTH_DECREASED  4 types")
    assert lines[1].endswith("[128 -> 64]")
    assert lines[3].startswith("safe     FIELD_ADDED  command:request: note")
    assert all(len(line) < 3 * MAX_SHOWN for line in lines)


def test_json_keeps_one_finding_per_type() -> None:
    data = json.loads(render(REPORT, "json"))
    assert data["breaking"] is True
    assert len(data["findings"]) == 6
    assert data["findings"][-1]["before"] == "a" * 500


def test_markdown_escapes_pipes_and_lists_every_type() -> None:
    out = render(REPORT, "markdown")
    rows = [line for line in out.splitlines() if line.startswith("| ")][1:]
    assert len(rows) == 3
    assert "`command:request`, `agent:status`, `terminal:clear`, `heartbeat:ping`" in rows[0]
    assert '`"b\\|c"`' in rows[1]
    for row in rows:
        assert row.replace("\\|", "").count("|") == 8


def test_empty_report() -> None:
    empty = DiffReport("a", "b")
    assert render(empty, "text") == "onsembl diff a b: no schema changes\n"
    assert json.loads(render(empty, "json")) == {
        "breaking": False,
        "findings": [],
        "documentation": [],
    }
    assert "| " not in render(empty, "markdown")
