"""Fixtures shared by the test packages: the project's wheel, built once per test run."""

from __future__ import annotations

import subprocess
import sys
import zipfile
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
