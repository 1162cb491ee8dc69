"""The ``onsembl`` command as a whole: ``python -m onsembl_spec`` is the same command, and a
usage error of any subcommand is one line that names the program once (issue 14)."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from onsembl_spec import cli

PING = '{"type":"heartbeat:ping","timestamp":"2024-01-01T12:00:00Z"}'


def _run(command: list[str], tmp_path: Path, stdin: str = "") -> tuple[int, str, str]:
    result = subprocess.run(
        command, cwd=tmp_path, input=stdin, capture_output=True, text=True, timeout=120
    )
    return result.returncode, result.stdout, result.stderr


@pytest.mark.parametrize(
    "args",
    [["--help"], ["--version"], ["validate", "-"], ["check", "--jobs", "x"], []],
    ids=["help", "version", "validate", "usage-error", "no-command"],
)
def test_python_m_works_like_the_console_script(tmp_path: Path, args: list[str]) -> None:
    script = Path(sys.executable).with_name("onsembl")
    if not script.exists():
        pytest.skip("no onsembl console script next to this interpreter")
    as_module = _run([sys.executable, "-m", "onsembl_spec", *args], tmp_path, PING + "\n")
    as_script = _run([str(script), *args], tmp_path, PING + "\n")
    assert as_module == as_script


@pytest.mark.parametrize(
    "argv",
    [
        ["bogus"],
        ["validate"],
        ["validate", "--format", "xml", "f"],
        ["diff"],
        ["diff", "--format", "yaml", "a", "b"],
        ["token", "--ttl", "x", "--sub", "a"],
        ["generate", "--bogus"],
        ["serve", "--port", "x"],
        ["check", "--jobs", "x"],
        ["replay"],
    ],
    ids=lambda argv: "-".join(argv),
)
def test_usage_errors_name_the_program_once(
    capsys: pytest.CaptureFixture[str], argv: list[str]
) -> None:
    assert cli.main(argv) == 2
    captured = capsys.readouterr()
    (line,) = captured.err.splitlines()
    assert line.startswith("onsembl: error: ")
    assert line.count("onsembl:") == 1 and "error: onsembl " not in line, line
    if argv != ["diff"]:  # argparse's own errors say where to read more
        command = " ".join(["onsembl", *argv[:1]]) if argv != ["bogus"] else "onsembl"
        assert line.endswith(f"(see {command} --help)"), line
