"""``onsembl diff`` end to end: exit codes, the three formats, git revisions."""

from __future__ import annotations

import json
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pytest

from onsembl_spec.cli import main
from onsembl_spec.diff import RULES, rules_markdown

if TYPE_CHECKING:
    from conftest import TreePair

Json = dict[str, Any]
FINDING_KEYS = {"rule", "breaking", "type", "path", "before", "after", "message"}


def run(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str, str]:
    code = main(["diff", *args])
    out, err = capsys.readouterr()
    return code, out, err


def _tighten_and_loosen(trees: TreePair) -> None:
    """One breaking change (client-sent enum value removed), one safe (new optional field)."""
    trees.new.edit("common.json", lambda c: c["$defs"]["priority"]["enum"].remove("low"))
    trees.new.set_property("command:request", "note", {"type": "string", "maxLength": 8})


def test_no_change_exits_0(trees: TreePair, capsys: pytest.CaptureFixture[str]) -> None:
    code, out, err = run(capsys, str(trees.old.root), str(trees.new.root))
    assert (code, err) == (0, "")
    assert "no schema changes" in out


def test_safe_change_exits_0(trees: TreePair, capsys: pytest.CaptureFixture[str]) -> None:
    trees.new.set_property("command:request", "note", {"type": "string", "maxLength": 8})
    code, out, _ = run(capsys, str(trees.old.root), str(trees.new.root))
    assert code == 0
    assert "safe" in out and "FIELD_ADDED" in out and "BREAKING" not in out


def test_breaking_change_exits_1_text(trees: TreePair, capsys: pytest.CaptureFixture[str]) -> None:
    _tighten_and_loosen(trees)
    code, out, _ = run(capsys, str(trees.old.root), str(trees.new.root))
    assert code == 1
    lines = out.splitlines()
    assert lines[0].endswith("2 changes, 1 breaking")
    assert any(
        line.startswith("BREAKING ENUM_VALUE_REMOVED") and "command:request: priority" in line
        for line in lines
    )
    assert any(line.startswith("safe") and "FIELD_ADDED" in line for line in lines)


def test_json_format(trees: TreePair, capsys: pytest.CaptureFixture[str]) -> None:
    _tighten_and_loosen(trees)
    code, out, _ = run(capsys, str(trees.old.root), str(trees.new.root), "--format", "json")
    assert code == 1
    data = json.loads(out)
    assert set(data) == {"breaking", "findings", "documentation"}
    assert data["documentation"] == []
    assert data["breaking"] is True
    assert all(set(f) == FINDING_KEYS for f in data["findings"])
    removed = [f for f in data["findings"] if f["rule"] == "ENUM_VALUE_REMOVED"]
    assert removed == [
        {
            "rule": "ENUM_VALUE_REMOVED",
            "breaking": True,
            "type": "command:request",
            "path": "priority",
            "before": "low",
            "after": None,
            "message": removed[0]["message"],
        }
    ]


def test_markdown_format(trees: TreePair, capsys: pytest.CaptureFixture[str]) -> None:
    _tighten_and_loosen(trees)
    trees.new.set_property("command:request", "pipe", {"type": "string", "pattern": "^(a|b)$"})
    code, out, _ = run(capsys, str(trees.old.root), str(trees.new.root), "--format", "markdown")
    assert code == 1
    assert out.startswith("### :x: Breaking protocol changes (3 changes, 1 breaking)")
    rows = [line for line in out.splitlines() if line.startswith("| ")]
    header, *body = rows
    assert header == "| | type | path | rule | before | after | change |"
    assert len(body) == 3
    # Every row has exactly 8 unescaped pipes (7 cells), even with a `|` in a value.
    for row in body:
        assert row.replace("\\|", "").count("|") == 8, row


def test_markdown_no_change(trees: TreePair, capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(capsys, str(trees.old.root), str(trees.new.root), "--format", "markdown")
    assert code == 0
    assert out.startswith("### :white_check_mark: No protocol changes")


def test_git_revisions(repo_with_history: Path, capsys: pytest.CaptureFixture[str]) -> None:
    repo = str(repo_with_history)
    assert run(capsys, "HEAD~2", "HEAD~1", "--repo", repo)[0] == 0
    code, out, _ = run(capsys, "HEAD~1", "HEAD", "--repo", repo, "--format", "json")
    assert code == 1
    assert json.loads(out)["findings"][0]["rule"] == "ENUM_VALUE_REMOVED"


def test_git_revisions_of_the_current_directory(
    repo_with_history: Path,
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """The guide's form: ``onsembl diff HEAD~1 HEAD`` inside the repository."""
    monkeypatch.chdir(repo_with_history)
    assert run(capsys, "HEAD~1", "HEAD")[0] == 1
    assert run(capsys, "HEAD~2", "HEAD~1")[0] == 0


def test_a_revision_against_a_directory(
    repo_with_history: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    code, out, _ = run(
        capsys, "HEAD~2", str(repo_with_history / "schemas"), "--repo", str(repo_with_history)
    )
    assert code == 1
    assert "ENUM_VALUE_REMOVED" in out


@pytest.mark.parametrize(
    "args",
    [
        ("no-such-revision", "HEAD"),
        ("HEAD",),
        (),
        ("HEAD", "HEAD", "--format", "yaml"),
        ("HEAD", "HEAD", "--repo", "/nonexistent/onsembl"),
    ],
)
def test_usage_errors_exit_2_with_one_line(
    repo_with_history: Path,
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
    args: tuple[str, ...],
) -> None:
    monkeypatch.chdir(repo_with_history)
    code, out, err = run(capsys, *args)
    assert code == 2
    assert out == ""
    assert err.startswith("onsembl: error: ") and err.count("\n") == 1


def test_broken_schema_directory_exits_2(
    trees: TreePair, capsys: pytest.CaptureFixture[str]
) -> None:
    (trees.new.root / "common.json").write_text("{not json", encoding="utf-8")
    code, _, err = run(capsys, str(trees.old.root), str(trees.new.root))
    assert code == 2
    assert "common.json" in err and err.count("\n") == 1


def test_list_rules(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(capsys, "--list-rules")
    assert (code, out) == (0, rules_markdown())
    code, out, _ = run(capsys, "--list-rules", "--format", "json")
    assert code == 0
    assert [r["rule"] for r in json.loads(out)] == [r.id for r in RULES]


def test_console_entry_point(trees: TreePair, tmp_path: Path) -> None:
    """The real command in a subprocess, from an unrelated directory."""
    _tighten_and_loosen(trees)
    done = subprocess.run(
        [sys.executable, "-m", "onsembl_spec", "diff", str(trees.old.root), str(trees.new.root)],
        capture_output=True,
        text=True,
        cwd=tmp_path,
        timeout=120,
        check=False,
    )
    assert done.returncode == 1, done.stderr
    assert "ENUM_VALUE_REMOVED" in done.stdout


def test_malformed_schema_exits_2(trees: TreePair, capsys: pytest.CaptureFixture[str]) -> None:
    """A bound that is not a number is refused before comparing (meta-schema check)."""
    trees.new.set_property("command:request", "note", {"type": "string", "maxLength": "10"})
    code, out, err = run(capsys, str(trees.old.root), str(trees.new.root))
    assert (code, out) == (2, "")
    assert "command-request.json" in err and "properties/note/maxLength" in err
    assert err.count("\n") == 1


def test_malformed_schema_in_a_revision_exits_2(
    repo_with_history: Path,
    capsys: pytest.CaptureFixture[str],
    git: Callable[..., str],
) -> None:
    target = repo_with_history / "schemas" / "messages" / "command-request.json"
    target.write_text(
        target.read_text(encoding="utf-8").replace('"maxLength": 64', '"maxLength": -1')
    )
    git(repo_with_history, "commit", "--quiet", "-am", "negative bound")
    code, _, err = run(capsys, "HEAD~1", "HEAD", "--repo", str(repo_with_history))
    assert code == 2
    assert err.startswith("onsembl: error: revision 'HEAD': schemas/messages/command-request.json:")
    assert err.count("\n") == 1


def _document_only(trees: TreePair) -> None:
    """Three documentation changes: a description in common.json, one of a field, examples."""
    trees.new.edit(
        "common.json", lambda c: c["$defs"]["priority"].__setitem__("description", "How | urgent")
    )
    trees.new.edit_type(
        "heartbeat:ping",
        lambda s: s["properties"]["type"].__setitem__("description", "The message type."),
    )
    trees.new.edit_type("agent:status", lambda s: s["examples"][0].__setitem__("agentId", "a-2"))


def test_documentation_only_is_no_change_that_affects_validation(
    trees: TreePair, capsys: pytest.CaptureFixture[str]
) -> None:
    """Descriptions and examples changed: not "no schema changes", and never breaking."""
    _document_only(trees)
    code, out, err = run(capsys, str(trees.old.root), str(trees.new.root))
    assert (code, err) == (0, "")
    assert out.splitlines() == [
        f"onsembl diff {trees.old.root} {trees.new.root}: no changes that affect validation "
        "(3 documentation changes)",
        "doc      common.json: $defs.priority: description changed",
        "doc      agent:status: examples changed",
        "doc      heartbeat:ping: properties.type: description changed",
    ]
    code, out, _ = run(capsys, str(trees.old.root), str(trees.new.root), "--format", "json")
    data = json.loads(out)
    assert (code, data["breaking"], data["findings"]) == (0, False, [])
    assert [(d["document"], d["path"], d["keyword"]) for d in data["documentation"]] == [
        ("common.json", "$defs.priority", "description"),
        ("agent:status", "", "examples"),
        ("heartbeat:ping", "properties.type", "description"),
    ]
    assert data["documentation"][2]["after"] == "The message type."


def test_markdown_lists_documentation_changes(
    trees: TreePair, capsys: pytest.CaptureFixture[str]
) -> None:
    _document_only(trees)
    code, out, _ = run(capsys, str(trees.old.root), str(trees.new.root), "--format", "markdown")
    assert code == 0
    assert out.startswith(
        "### :white_check_mark: No changes that affect validation (3 documentation changes)"
    )
    rows = [line for line in out.splitlines() if line.startswith("| ")]
    header, *body = rows
    assert header == "| schema | path | change | before | after |"
    assert [row.split(" | ")[:3] for row in body] == [
        ["| `common.json`", "`$defs.priority`", "description changed"],
        ["| `agent:status`", "", "examples changed"],
        ["| `heartbeat:ping`", "`properties.type`", "description changed"],
    ]
    for row in body:  # five cells, a `|` in a value escaped
        assert row.replace("\\|", "").count("|") == 6, row


def test_documentation_changes_next_to_findings(
    trees: TreePair, capsys: pytest.CaptureFixture[str]
) -> None:
    """A new field's own description is part of the finding, not a documentation change."""
    _document_only(trees)
    trees.new.set_property(
        "command:request", "note", {"type": "string", "maxLength": 8, "description": "A note."}
    )
    code, out, _ = run(capsys, str(trees.old.root), str(trees.new.root))
    assert code == 0
    lines = out.splitlines()
    assert lines[0].endswith(": 1 change, 0 breaking; 3 documentation changes")
    assert sum(line.startswith("doc ") for line in lines) == 3
    code, out, _ = run(capsys, str(trees.old.root), str(trees.new.root), "--format", "markdown")
    assert "Compatible protocol changes (1 change, 0 breaking; 3 documentation changes)" in out
