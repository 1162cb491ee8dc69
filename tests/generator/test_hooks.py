"""One regeneration command: ``onsembl generate`` also keeps docs/diff.md's rule table and
docs/coverage.md current, the latter contributed by the conformance package through an
entry point the base package never imports."""

from __future__ import annotations

import subprocess
import sys
from importlib.metadata import entry_points
from pathlib import Path

import pytest

from onsembl_spec.diff import rules_markdown
from onsembl_spec.errors import GeneratorError
from onsembl_spec.generator.hooks import (
    DIFF_DOC,
    ENTRY_POINT_GROUP,
    kept_files,
    registered,
    splice,
)

ROOT = Path(__file__).resolve().parents[2]


def onsembl(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "onsembl_spec", "generate", *args],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )


def test_splice_replaces_only_the_region() -> None:
    text = "intro\n<!-- t:start -->\nold\n<!-- t:end -->\noutro\n"
    assert splice(text, "t", "new\n", "x.md") == (
        "intro\n<!-- t:start -->\nnew\n<!-- t:end -->\noutro\n"
    )


@pytest.mark.parametrize(
    "text",
    ["no markers\n", "<!-- t:start -->\na<!-- t:end -->\n<!-- t:start -->\nb<!-- t:end -->\n"],
)
def test_splice_needs_exactly_one_region(text: str) -> None:
    with pytest.raises(GeneratorError, match=r"x\.md must hold one region <!-- t:start -->"):
        splice(text, "t", "new\n", "x.md")


def test_the_diff_rule_table_is_kept_in_the_page_under_the_root(tmp_path: Path) -> None:
    page = (ROOT / DIFF_DOC).read_text(encoding="utf-8")
    stale = page.replace(rules_markdown(), "| rule |\n|---|\n| `GONE` |\n")
    assert stale != page
    (tmp_path / "docs").mkdir()
    (tmp_path / DIFF_DOC).write_text(stale, encoding="utf-8")
    assert kept_files(tmp_path)[DIFF_DOC] == page


def test_a_root_without_the_page_keeps_no_rule_table(tmp_path: Path) -> None:
    assert DIFF_DOC not in kept_files(tmp_path)


def test_the_coverage_table_is_contributed_through_the_entry_point(tmp_path: Path) -> None:
    from onsembl_conformance.coverage import render_coverage

    points = {p.name: p.value for p in entry_points(group=ENTRY_POINT_GROUP)}
    assert points.get("coverage") == "onsembl_conformance.coverage:generated_files", (
        "reinstall the package (pip install -e .) so its entry points are registered"
    )
    assert [name for name, _ in registered()] == ["coverage"]
    assert kept_files(tmp_path)["docs/coverage.md"] == render_coverage()


def test_the_base_package_generates_without_importing_the_packages_above_it() -> None:
    code = (
        "import sys\n"
        "from onsembl_spec.generator import generate_all\n"
        "from onsembl_spec.generator.source import load_sources\n"
        "generate_all(load_sources())\n"
        "print(sorted({m.split('.')[0] for m in sys.modules} & "
        "{'onsembl_conformance', 'onsembl_server'}))\n"
    )
    result = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, timeout=120, check=False
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "[]"


def test_check_names_a_stale_rule_table_and_coverage_and_write_repairs_them(
    tmp_path: Path,
) -> None:
    """In a copy of the checkout's kept pages: --check names both, writing repairs both."""
    (tmp_path / "docs").mkdir()
    page = (ROOT / DIFF_DOC).read_text(encoding="utf-8")
    (tmp_path / DIFF_DOC).write_text(page.replace("`FIELD_ADDED`", "`FIELD_ADDD`"), "utf-8")
    (tmp_path / "docs" / "coverage.md").write_text("edited by hand\n", encoding="utf-8")
    result = onsembl("--check", "--output-dir", str(tmp_path))
    assert result.returncode == 1
    named = {line.removeprefix("stale: ") for line in result.stderr.splitlines()}
    assert {DIFF_DOC, "docs/coverage.md"} <= named
    assert onsembl("--output-dir", str(tmp_path)).returncode == 0
    assert (tmp_path / DIFF_DOC).read_text(encoding="utf-8") == page
    assert onsembl("--check", "--output-dir", str(tmp_path)).returncode == 0
