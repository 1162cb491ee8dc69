"""The wheel carries the schemas and the spec, and works outside the checkout."""

from __future__ import annotations

import os
import subprocess
import sys
import zipfile
from pathlib import Path

from tests.conftest import unpack


def test_wheel_contains_schemas_and_spec(wheel: Path) -> None:
    names = set(zipfile.ZipFile(wheel).namelist())
    assert "onsembl_spec/_data/schemas/message.json" in names
    assert "onsembl_spec/_data/schemas/common.json" in names
    assert len([n for n in names if n.startswith("onsembl_spec/_data/schemas/messages/")]) == 26
    assert "onsembl_spec/_data/spec.md" in names


def test_installed_wheel_validates_from_another_directory(wheel: Path, tmp_path: Path) -> None:
    site = unpack(wheel, tmp_path)
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    sample = elsewhere / "m.jsonl"
    sample.write_text(
        '{"type":"heartbeat:ping","timestamp":"2024-01-01T12:00:00Z"}\n{"type":"x"}\n'
    )
    env = {**os.environ, "PYTHONPATH": str(site)}
    code = (
        "import onsembl_spec, onsembl_spec.resources as r, sys;"
        "assert str(r.schemas_dir()).startswith(sys.argv[1]), r.schemas_dir();"
        "from onsembl_spec.cli import main; sys.exit(main(['validate', 'm.jsonl']))"
    )
    result = subprocess.run(
        [sys.executable, "-c", code, str(site)],
        cwd=elsewhere,
        env=env,
        capture_output=True,
        text=True,
    )
    assert result.returncode == 1, result.stderr
    assert result.stdout.splitlines() == [
        "line 1 (heartbeat:ping): ok",
        "line 2 (x): invalid: type: unknown message type 'x'",
    ]
