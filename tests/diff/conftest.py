"""Shared helpers of the ``onsembl diff`` tests: schema trees in temporary folders.

A :class:`SchemaTree` is a copy of the project's ``schemas/`` that a test edits
as JSON (one small edit function per case), then compares with another tree.
Git repositories built by the tests get a fixed identity from :data:`GIT_ENV`.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

from onsembl_spec import resources
from onsembl_spec.diff import DiffReport, Finding, diff_schema_sets
from onsembl_spec.schemas import load_schemas

GIT_ENV = {
    "GIT_AUTHOR_NAME": "diff tests",
    "GIT_AUTHOR_EMAIL": "diff-tests@example.invalid",
    "GIT_COMMITTER_NAME": "diff tests",
    "GIT_COMMITTER_EMAIL": "diff-tests@example.invalid",
    "GIT_CONFIG_NOSYSTEM": "1",
}

Json = dict[str, Any]


class SchemaTree:
    """A writable copy of ``schemas/`` with helpers to edit one schema."""

    def __init__(self, root: Path) -> None:
        shutil.copytree(resources.schemas_dir(), root)
        self.root = root

    def path_of(self, message_type: str) -> Path:
        """The file of ``message_type`` (``command:request`` -> ``command-request.json``)."""
        return self.root / "messages" / (message_type.replace(":", "-") + ".json")

    def read(self, relative: str) -> Json:
        data: Json = json.loads((self.root / relative).read_text(encoding="utf-8"))
        return data

    def write(self, relative: str, data: Json) -> None:
        (self.root / relative).write_text(json.dumps(data, indent=2) + "\n", encoding="utf-8")

    def edit(self, relative: str, change: Callable[[Json], None]) -> None:
        """Apply ``change`` to the JSON document at ``relative`` and save it."""
        data = self.read(relative)
        change(data)
        self.write(relative, data)

    def edit_type(self, message_type: str, change: Callable[[Json], None]) -> None:
        """Apply ``change`` to the schema of ``message_type``."""
        self.edit(str(self.path_of(message_type).relative_to(self.root)), change)

    def set_property(self, message_type: str, name: str, schema: Json) -> None:
        """Give ``message_type`` a field ``name`` with ``schema`` (replacing any)."""
        self.edit_type(message_type, lambda doc: doc["properties"].__setitem__(name, schema))


@dataclass
class TreePair:
    """Two schema trees, identical until a test edits one of them."""

    old: SchemaTree
    new: SchemaTree

    def compare(self) -> DiffReport:
        """Diff the trees, loading each the way ``onsembl diff`` does."""
        return diff_schema_sets(
            load_schemas(self.old.root), load_schemas(self.new.root), "old", "new"
        )

    def findings(self, rule_id: str, message_type: str | None = None) -> list[Finding]:
        """The findings of ``rule_id`` (for ``message_type`` when given)."""
        return [
            f
            for f in self.compare().findings
            if f.rule == rule_id and (message_type is None or f.type == message_type)
        ]


@pytest.fixture
def trees(tmp_path: Path) -> TreePair:
    """Two identical copies of the project's schemas."""
    return TreePair(SchemaTree(tmp_path / "old"), SchemaTree(tmp_path / "new"))


def run_git(repo: Path, *args: str) -> str:
    """Run git in ``repo`` with a fixed identity; its stdout."""
    done = subprocess.run(
        ["git", "-C", str(repo), *args],
        capture_output=True,
        text=True,
        env={**os.environ, **GIT_ENV},
        timeout=120,
        check=True,
    )
    return done.stdout


@pytest.fixture
def repo_with_history(tmp_path: Path) -> Iterator[Path]:
    """A git repository whose ``schemas/`` has three commits: base, safe change, breaking change.

    The safe change adds an optional field to a client-sent type
    (``command:request``); the breaking one removes a value from the
    ``priority`` enum that ``command:request`` uses.
    """
    repo = tmp_path / "repo"
    repo.mkdir()
    run_git(repo, "init", "--quiet", "--initial-branch=main")
    tree = SchemaTree(repo / "schemas")
    run_git(repo, "add", "schemas")
    run_git(repo, "commit", "--quiet", "-m", "base")
    tree.set_property("command:request", "note", {"type": "string", "maxLength": 64})
    run_git(repo, "commit", "--quiet", "-am", "safe: optional note on command:request")

    def drop_low(common: Json) -> None:
        common["$defs"]["priority"]["enum"].remove("low")

    tree.edit("common.json", drop_low)
    run_git(repo, "commit", "--quiet", "-am", "breaking: no low priority")
    yield repo


@pytest.fixture
def git() -> Callable[..., str]:
    """``git(repo, *args)``: run git with a fixed identity, return its stdout."""
    return run_git
