"""``onsembl generate`` end to end: up-to-date check, stale files named, exit codes."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from onsembl_spec.generator import files_under, generate_all
from onsembl_spec.generator.artifacts import NOTICE
from onsembl_spec.generator.output import OWNED_DIRS
from onsembl_spec.generator.source import hash_files, load_sources
from onsembl_spec.resources import schemas_dir

ROOT = Path(__file__).resolve().parents[2]


def onsembl(*args: str, cwd: Path = ROOT) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "onsembl_spec", "generate", *args],
        cwd=cwd,
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )


@pytest.fixture(scope="module")
def files() -> dict[str, str]:
    return generate_all(load_sources())


def test_committed_files_are_up_to_date() -> None:
    """The repository's generated files are what the schemas produce now (CI runs this)."""
    result = onsembl("--check")
    assert result.returncode == 0, result.stderr
    assert "up to date" in result.stdout


def test_generation_is_deterministic(files: dict[str, str]) -> None:
    assert generate_all(load_sources()) == files


def test_every_file_has_the_header_with_the_source_hash(files: dict[str, str]) -> None:
    schema_hash = hash_files(schemas_dir())
    for path, text in files.items():
        head = "\n".join(text.splitlines()[:3])
        assert NOTICE in head, path
        assert "sha256" in head, path
        hashes = [word for word in head.replace("-->", " ").split() if len(word) == 64]
        assert hashes, path
        if path.endswith((".py", ".ts", ".yaml")):
            assert hashes[0] == schema_hash, path


def test_write_then_check_in_an_empty_directory(tmp_path: Path) -> None:
    # What an empty root gets: the artifacts (the HTML page with the contributed coverage
    # table), the contributed files and the site (without the pages whose inputs it lacks).
    expected = files_under(tmp_path, load_sources())
    assert set(generate_all(load_sources())) < set(expected)
    first = onsembl("--output-dir", str(tmp_path))
    assert first.returncode == 0, first.stderr
    for path, text in expected.items():
        assert (tmp_path / path).read_text(encoding="utf-8") == text
    assert onsembl("--check", "--output-dir", str(tmp_path)).returncode == 0


def test_check_names_changed_missing_and_left_over_files(
    tmp_path: Path, files: dict[str, str]
) -> None:
    assert onsembl("--output-dir", str(tmp_path)).returncode == 0
    changed, missing = sorted(files)[0], sorted(files)[-1]
    (tmp_path / changed).write_text("edited by hand\n", encoding="utf-8")
    (tmp_path / missing).unlink()
    left_over = tmp_path / OWNED_DIRS[0] / "old-type.md"
    left_over.parent.mkdir(parents=True, exist_ok=True)
    left_over.write_text("gone\n", encoding="utf-8")
    result = onsembl("--check", "--output-dir", str(tmp_path))
    assert result.returncode == 1
    named = {line.removeprefix("stale: ") for line in result.stderr.splitlines()}
    assert {changed, missing, f"{OWNED_DIRS[0]}/old-type.md"} <= named
    assert "Traceback" not in result.stderr
    # Writing repairs all three.
    assert onsembl("--output-dir", str(tmp_path)).returncode == 0
    assert not left_over.exists()
    assert onsembl("--check", "--output-dir", str(tmp_path)).returncode == 0


def test_output_dir_that_is_a_file_is_a_usage_error(tmp_path: Path) -> None:
    target = tmp_path / "file"
    target.write_text("x", encoding="utf-8")
    result = onsembl("--output-dir", str(target))
    assert result.returncode == 2
    assert result.stderr.count("\n") == 1 and "not a directory" in result.stderr


def test_unknown_option_is_a_usage_error() -> None:
    result = onsembl("--frobnicate")
    assert result.returncode == 2
    assert "Traceback" not in result.stderr
