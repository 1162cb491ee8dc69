"""The wheel carries the schemas and the spec, and works outside the checkout: every
subcommand found through its own entry points, a missing one a one-line error."""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
import sysconfig
import zipfile
from pathlib import Path

from tests.conftest import unpack
from tests.test_layering import SUBCOMMANDS, in_order, listed_commands


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


def run_installed(site: Path, *args: str) -> subprocess.CompletedProcess[str]:
    """``onsembl ARGS`` from the unpacked wheel alone: ``-S`` keeps the editable install's
    ``.pth`` (the checkout's source roots) off ``sys.path``, the dependencies come from
    site-packages; the subcommands' entry points are read from the wheel's own metadata."""
    purelib = sysconfig.get_paths()["purelib"]
    env = {**os.environ, "PYTHONPATH": os.pathsep.join([str(site), purelib]), "COLUMNS": "200"}
    code = (
        "import sys, importlib.metadata as m;"
        "where = m.distribution('onsembl-spec').locate_file('');"
        "assert str(where) == sys.argv[1], where;"
        "from onsembl_spec.cli import main; sys.exit(main(sys.argv[2:]))"
    )
    return subprocess.run(
        [sys.executable, "-S", "-c", code, str(site), *args],
        cwd=site.parent, env=env, capture_output=True, text=True, timeout=120, check=False,
    )  # fmt: skip


def test_installed_wheel_offers_every_subcommand(wheel: Path, tmp_path: Path) -> None:
    site = unpack(wheel, tmp_path)
    listing = run_installed(site, "--help")
    assert listing.returncode == 0, listing.stderr
    assert in_order(listed_commands(listing.stdout)) == SUBCOMMANDS
    serve = run_installed(site, "serve", "--help")
    assert serve.returncode == 0, serve.stderr
    assert serve.stdout.startswith("usage: onsembl serve ") and "--tls-cert" in serve.stdout
    check = run_installed(site, "check", "--help")
    assert check.returncode == 0, check.stderr
    assert "exit status:" in check.stdout and "--token-command" in check.stdout


def test_installed_wheel_without_the_server_package(wheel: Path, tmp_path: Path) -> None:
    """A plugin whose package is missing: one line when run, the rest unchanged."""
    site = unpack(wheel, tmp_path)
    shutil.rmtree(site / "onsembl_server")
    serve = run_installed(site, "serve", "--port", "0")
    assert serve.returncode == 2
    assert serve.stdout == ""
    assert serve.stderr.splitlines() == [
        "onsembl: error: cannot load onsembl_spec.commands entry point serve "
        "(onsembl_server.cli): ModuleNotFoundError: No module named 'onsembl_server'"
    ]
    listing = run_installed(site, "--help")
    assert listing.returncode == 0, listing.stderr
    # unavailable: after the others
    assert in_order(listed_commands(listing.stdout)) == [c for c in SUBCOMMANDS if c != "serve"] + [
        "serve"
    ]
    assert re.search(r"^ +serve +\(unavailable: cannot load ", listing.stdout, re.MULTILINE)
    token = run_installed(site, "token", "--secret", "s" * 32, "--sub", "user-1")
    assert token.returncode == 0, token.stderr
    assert token.stdout.count(".") == 2
