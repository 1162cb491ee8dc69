"""The wheel ships the generated validators and the templates; generation works installed.

An installed package has no checkout: ``onsembl generate`` then needs
``--output-dir`` and writes the same files as in the repository.
"""

from __future__ import annotations

import os
import subprocess
import sys
import zipfile
from pathlib import Path

from tests.conftest import REPO, unpack


def test_wheel_carries_generated_code_and_templates(wheel: Path) -> None:
    names = set(zipfile.ZipFile(wheel).namelist())
    assert "onsembl_spec/_generated/validators.py" in names
    assert "onsembl_spec/generator/templates/reference.html.j2" in names
    assert "onsembl_spec/strategies.py" in names


def test_installed_generate_writes_the_repository_files(wheel: Path, tmp_path: Path) -> None:
    site = unpack(wheel, tmp_path)
    out = tmp_path / "out"
    env = {**os.environ, "PYTHONPATH": str(site)}
    code = "import sys; from onsembl_spec.cli import main; sys.exit(main(sys.argv[1:]))"
    usage = subprocess.run(
        [sys.executable, "-c", code, "generate"], cwd=tmp_path, env=env,
        capture_output=True, text=True, timeout=300, check=False,
    )  # fmt: skip
    assert usage.returncode == 2 and "--output-dir" in usage.stderr
    result = subprocess.run(
        [sys.executable, "-c", code, "generate", "--output-dir", str(out)], cwd=tmp_path, env=env,
        capture_output=True, text=True, timeout=300, check=False,
    )  # fmt: skip
    assert result.returncode == 0, result.stderr
    for name in (
        "src/onsembl_spec/_generated/validators.py",
        "docs/asyncapi.yaml",
        "docs/reference/index.html",
        "docs/typescript/onsembl-messages.d.ts",
    ):
        assert (out / name).read_bytes() == (REPO / name).read_bytes(), name
