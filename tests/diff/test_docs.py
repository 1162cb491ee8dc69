"""``docs/diff.md``: its rule table is current and its CI example works on this repository."""

from __future__ import annotations

import os
import re
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from onsembl_spec.diff import RULES, rule, rules_markdown
from onsembl_spec.diff.rules import BOUNDS, RuleId
from onsembl_spec.schemas import LOWER_BOUNDS, UPPER_BOUNDS

REPO_ROOT = Path(__file__).resolve().parents[2]
DOC = REPO_ROOT / "docs" / "diff.md"


def _between(text: str, name: str) -> str:
    match = re.search(rf"<!-- {name}:start -->\n(.*?)<!-- {name}:end -->", text, re.DOTALL)
    assert match, f"docs/diff.md has no {name} markers"
    return match.group(1)


def test_rule_table_is_current() -> None:
    """Regenerate with ``onsembl generate`` when this fails."""
    assert _between(DOC.read_text(encoding="utf-8"), "rules") == rules_markdown()


def test_every_rule_has_an_id_and_one_line_explanation() -> None:
    ids = [r.id for r in RULES]
    assert len(ids) == len(set(ids))
    for r in RULES:
        assert re.fullmatch(r"[A-Z][A-Z_]+[A-Z]", r.id), r.id
        assert r.summary and "\n" not in r.summary and r.summary.endswith(".")


def _ci_script() -> str:
    block = _between(DOC.read_text(encoding="utf-8"), "ci-example")
    match = re.fullmatch(r"```sh\n(.*)```\n", block, re.DOTALL)
    assert match, "the CI example is one ```sh block"
    return match.group(1)


def test_ci_example_gates_a_breaking_change(tmp_path: Path, git: Callable[..., str]) -> None:
    """The guide's script, run as written in a clone of this repository.

    On the clone's own HEAD (equal to origin/main) it passes; after a commit
    with a safe change it passes; after a breaking commit it fails with a
    Markdown report naming the rule.
    """
    # An "origin" whose main is this checkout's HEAD (whatever branch CI is on).
    upstream, clone = tmp_path / "upstream", tmp_path / "clone"
    git(tmp_path, "clone", "--quiet", str(REPO_ROOT), str(upstream))
    git(upstream, "checkout", "--quiet", "-B", "main")
    git(tmp_path, "clone", "--quiet", str(upstream), str(clone))
    script = tmp_path / "protocol-diff"
    script.write_text(_ci_script(), encoding="utf-8")
    env: dict[str, Any] = {
        **os.environ,
        "PATH": f"{Path(sys.executable).parent}{os.pathsep}{os.environ.get('PATH', '')}",
    }

    def run_ci() -> tuple[int, str]:
        done = subprocess.run(
            ["bash", str(script)], cwd=clone, env=env, capture_output=True, text=True, timeout=300
        )
        report = (clone / "protocol-diff.md").read_text(encoding="utf-8")
        assert done.stdout == report
        return done.returncode, report

    code, report = run_ci()
    assert code == 0
    assert "No protocol changes" in report

    messages = clone / "schemas" / "messages" / "command-request.json"
    original = messages.read_text(encoding="utf-8")
    messages.write_text(
        original.replace('"properties": {', '"properties": {\n    "note": {"type": "string"},', 1),
        encoding="utf-8",
    )
    git(clone, "commit", "--quiet", "-am", "optional note on command:request")
    code, report = run_ci()
    assert code == 0
    assert "Compatible protocol changes" in report and "FIELD_ADDED" in report

    common = clone / "schemas" / "common.json"
    text = common.read_text(encoding="utf-8")
    assert text.count('"low"') == 1
    common.write_text(text.replace('"low"', '"lowest"'), encoding="utf-8")
    git(clone, "commit", "--quiet", "-am", "rename the low priority")
    code, report = run_ci()
    assert code == 1
    assert report.startswith("### :x: Breaking protocol changes")
    assert "ENUM_VALUE_REMOVED" in report and "`command:request`" in report


def test_rule_ids_are_names_one_rule_each() -> None:
    """``RuleId`` lists every rule once, in the table's order; each ID is its own name."""
    assert [r.id for r in RULES] == list(RuleId)
    for member in RuleId:
        assert member.value == member.name and member == member.name


def test_bound_rules_cover_the_resolver_bound_keywords() -> None:
    assert {b.keyword for b in BOUNDS} == UPPER_BOUNDS | LOWER_BOUNDS
    for b in BOUNDS:
        assert b.is_upper == (b.keyword in UPPER_BOUNDS)
        assert rule(b.tightened).breaks_client_sent and rule(b.loosened).breaks_server_sent


def test_a_misspelt_rule_id_is_a_type_error(tmp_path: Path) -> None:
    """mypy (strict, as CI runs it) refuses a misspelt member and a bare string."""
    api = pytest.importorskip("mypy.api")
    snippet = tmp_path / "typo.py"
    snippet.write_text(
        "from onsembl_spec.diff.rules import RuleId, rule\n"
        "rule(RuleId.FIELD_ADDED)\n"
        "rule(RuleId.FIELD_ADDD)\n"
        'rule("FIELD_ADDED")\n',
        encoding="utf-8",
    )
    out, _, status = api.run(
        ["--strict", "--no-incremental", "--follow-imports=silent", str(snippet)]
    )
    assert status == 1
    errors = [line for line in out.splitlines() if ": error:" in line]
    assert [line.split(":")[1] for line in errors] == ["3", "4"], out
    assert '"FIELD_ADDD"' in errors[0] and '"str"' in errors[1], out
