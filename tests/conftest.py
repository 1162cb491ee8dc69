"""Fixtures shared by the test packages: the project's wheel, built once per test run."""

from __future__ import annotations

import subprocess
import sys
import zipfile
from collections.abc import Iterator
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parent.parent


@pytest.fixture(scope="session")
def wheel(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The wheel ``pip wheel`` builds from this checkout (no isolation: hatchling is installed)."""
    out = tmp_path_factory.mktemp("wheel")
    result = subprocess.run(
        [sys.executable, "-m", "pip", "wheel", "--quiet", "--no-deps", "--no-build-isolation",
         "--wheel-dir", str(out), str(REPO)],
        capture_output=True, text=True, timeout=600, check=False,
    )  # fmt: skip
    assert result.returncode == 0, result.stderr[-3000:]
    (built,) = out.glob("onsembl_spec-*.whl")
    return built


def unpack(wheel: Path, where: Path) -> Path:
    """The wheel unpacked into ``where/site``: a directory to put on ``PYTHONPATH``."""
    site = where / "site"
    zipfile.ZipFile(wheel).extractall(site)
    return site


REPORT_SUFFIXES = frozenset({".json", ".xml", ".html", ".log", ".txt", ".jsonl", ".yaml"})
"""Files the kit writes as output: reports, transcripts, logs (issue 9: no JWT in any)."""


def tokens_in_outputs(base: Path) -> tuple[int, list[str]]:
    """How many output files under ``base`` were scanned, and each one holding a JWT."""
    from onsembl_conformance.sanitize import JWT_PATTERN

    leaks = []
    scanned = 0
    for path in sorted(base.rglob("*")):
        if not path.is_file() or path.suffix not in REPORT_SUFFIXES:
            continue
        scanned += 1
        with path.open(encoding="utf-8", errors="replace") as stream:
            while chunk := stream.read(1 << 20):
                found = JWT_PATTERN.search(chunk)
                if found:
                    leaks.append(f"{path.relative_to(base)}: {found.group()[:40]}...")
                    break
    return scanned, leaks


@pytest.fixture(scope="session", autouse=True)
def no_token_in_any_output(tmp_path_factory: pytest.TempPathFactory) -> Iterator[None]:
    """After the whole test run, grep every report, transcript and log the tests wrote
    (everything under the session's temporary directory) for a JWT (issue 9, part 3).

    A token found is reported as an error at the teardown of the last test, naming the file.
    """
    yield None
    scanned, leaks = tokens_in_outputs(tmp_path_factory.getbasetemp())
    print(f"\nno_token_in_any_output: {scanned} output files scanned, {len(leaks)} with a JWT")
    assert not leaks, "JWTs in outputs:\n" + "\n".join(leaks)
