"""Loading the sides of a diff: schema directories and git revisions (real git)."""

from __future__ import annotations

import shutil
import subprocess
from collections.abc import Callable
from pathlib import Path

import pytest

from onsembl_spec import resources
from onsembl_spec.diff import diff_schema_sets, load_side
from onsembl_spec.errors import UsageError
from onsembl_spec.schemas import bundled

REPO_ROOT = Path(__file__).resolve().parents[2]
"""The checkout these tests live in."""


def test_a_schema_directory_or_a_folder_holding_one(tmp_path: Path) -> None:
    shutil.copytree(resources.schemas_dir(), tmp_path / "schemas")
    direct = load_side(str(tmp_path / "schemas"))
    parent = load_side(str(tmp_path))
    assert direct.types == parent.types == bundled().types


def test_a_directory_without_schemas_is_a_usage_error(tmp_path: Path) -> None:
    with pytest.raises(UsageError, match="not a schema directory"):
        load_side(str(tmp_path))


def test_revisions_of_a_repository(repo_with_history: Path) -> None:
    """Base -> safe change -> breaking change, read straight from git."""
    base = load_side("HEAD~2", repo_with_history)
    safe = load_side("HEAD~1", repo_with_history)
    head = load_side("HEAD", repo_with_history)
    first = diff_schema_sets(base, safe)
    assert [(f.rule, f.type, f.path, f.breaking) for f in first.findings] == [
        ("FIELD_ADDED", "command:request", "note", False)
    ]
    second = diff_schema_sets(safe, head)
    assert [(f.rule, f.type, f.path, f.before, f.breaking) for f in second.findings] == [
        ("ENUM_VALUE_REMOVED", "command:request", "priority", "low", True)
    ]


def test_revision_from_the_current_directory(
    repo_with_history: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(repo_with_history / "schemas" / "messages")
    assert load_side("main~1").types == load_side("HEAD~1", repo_with_history).types


@pytest.mark.parametrize("revision", ["no-such-branch", "HEAD~99", "-x", ""])
def test_unknown_revision_is_a_usage_error(repo_with_history: Path, revision: str) -> None:
    with pytest.raises(UsageError) as err:
        load_side(revision, repo_with_history)
    assert "\n" not in str(err.value)


def test_revision_without_schemas_is_a_usage_error(tmp_path: Path, git: Callable[..., str]) -> None:
    repo = tmp_path / "empty"
    repo.mkdir()
    git(repo, "init", "--quiet")
    (repo / "README").write_text("no schemas here\n", encoding="utf-8")
    git(repo, "add", "README")
    git(repo, "commit", "--quiet", "-m", "readme only")
    with pytest.raises(UsageError, match="has no schemas/ folder"):
        load_side("HEAD", repo)


def test_outside_a_repository_is_a_usage_error(tmp_path: Path) -> None:
    with pytest.raises(
        UsageError, match=r"neither a schema directory.*not inside a git repository"
    ):
        load_side("HEAD", tmp_path)


def test_the_projects_own_history_is_deterministic() -> None:
    """The first commit that has ``schemas/`` against HEAD: same findings twice."""
    done = subprocess.run(
        [
            "git",
            "-C",
            str(REPO_ROOT),
            "log",
            "--reverse",
            "--format=%H",
            "--",
            "schemas/message.json",
        ],
        capture_output=True,
        text=True,
        check=True,
        timeout=120,
    )
    first = done.stdout.split()[0]
    runs = [
        diff_schema_sets(load_side(first, REPO_ROOT), load_side("HEAD", REPO_ROOT)) for _ in (1, 2)
    ]
    assert runs[0] == runs[1]
    same = diff_schema_sets(load_side(first, REPO_ROOT), load_side(first, REPO_ROOT))
    assert same.findings == ()
