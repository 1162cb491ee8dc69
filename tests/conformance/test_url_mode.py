"""Checking a server by URL: the user's secret and profile; private-server checks are skipped."""

from __future__ import annotations

import json
import secrets
from pathlib import Path

import yaml
from conformance_support import onsembl

from onsembl_conformance.bundled import DEFAULT_COMMAND, FAST_PROFILE, start_server


def test_check_a_running_server_by_url(tmp_path: Path) -> None:
    secret = "-" + secrets.token_urlsafe(32)  # a secret that looks like an option
    profile = tmp_path / "profile.yaml"
    profile.write_text(yaml.safe_dump(FAST_PROFILE))
    server = start_server(DEFAULT_COMMAND, secret, FAST_PROFILE)
    url = server.url
    try:
        assert url.startswith("ws://127.0.0.1:"), url
        result = onsembl(
            [
                "check",
                url,
                f"--jwt-secret={secret}",
                "--profile",
                str(profile),
                "--only",
                "AUTH,TRANS,CLOSE,CMD-9",
                "--seed",
                "9",
                "--report",
                "r.json",
            ],
            cwd=tmp_path,
        )
    finally:
        server.stop()
    assert result.returncode == 0, result.stdout[-3000:] + result.stderr
    assert f"against {url}" in result.stdout
    assert "SKIP shutdown_closes_1001" in result.stdout  # needs a server of its own
    data = json.loads((tmp_path / "r.json").read_text())
    assert data["summary"]["requirements"]["failed"] == 0


def test_hypothesis_files_stay_out_of_the_working_directory(tmp_path: Path) -> None:
    """Property checks leave no ``.hypothesis/`` where the user ran the suite (issue 10)."""
    import os
    import subprocess
    import sys

    cache = tmp_path / "cache"
    work = tmp_path / "work"
    work.mkdir()
    env = {k: v for k, v in os.environ.items() if k != "HYPOTHESIS_STORAGE_DIRECTORY"}
    result = subprocess.run(
        [sys.executable, "-m", "onsembl_spec", "check", "--only", "valid_messages_accepted",
         "--quick", "--seed", "3"],
        cwd=work, env={**env, "XDG_CACHE_HOME": str(cache)},
        capture_output=True, text=True, timeout=240, check=False,
    )  # fmt: skip
    assert result.returncode == 0, result.stdout[-2000:] + result.stderr
    assert not (work / ".hypothesis").exists()
    assert (cache / "onsembl" / "hypothesis").is_dir()
