"""``docs/ci/onsembl-check.yml``: the CI example runs as written (issue 10, part 3).

The workflow's ``run:`` steps are executed in order by bash, in a fresh
directory holding a profile and a baseline, with the reference server as
"your server". Steps that only GitHub can run (``uses:`` actions) and the
install step (the kit is installed in this environment already) are left out.
"""

from __future__ import annotations

import contextlib
import json
import os
import secrets
import signal
import subprocess
import sys
import xml.etree.ElementTree as ET
from pathlib import Path

import yaml

from onsembl_conformance.bundled import FAST_PROFILE

WORKFLOW = Path(__file__).resolve().parents[2] / "docs" / "ci" / "onsembl-check.yml"


def test_workflow_shape() -> None:
    data = yaml.safe_load(WORKFLOW.read_text())
    steps = data["jobs"]["conformance"]["steps"]
    names = [s.get("name") or s["uses"] for s in steps]
    assert names[-1] == "Keep the reports" and steps[-1]["if"] == "always()"
    assert "ONSEMBL_JWT_SECRET" in data["jobs"]["conformance"]["env"]
    assert "--jwt-secret" not in WORKFLOW.read_text()  # the secret stays in the environment


def test_workflow_runs_as_written(tmp_path: Path) -> None:
    data = yaml.safe_load(WORKFLOW.read_text())
    steps = [
        s for s in data["jobs"]["conformance"]["steps"]
        if "run" in s and s["name"] != "Install the kit"
    ]  # fmt: skip
    assert [s["name"] for s in steps] == ["Start your server", "Check conformance"]
    (tmp_path / "onsembl-profile.yaml").write_text(yaml.safe_dump(FAST_PROFILE))
    (tmp_path / "onsembl-baseline.yaml").write_text("onsembl-baseline: 1\nexpected-failures: []\n")
    # each step runs in its own bash, as on GitHub; the server outlives its step
    script = "set -e\n" + "".join(f"bash -e <<'STEP'\n{s['run']}\nSTEP\n" for s in steps)
    env = {
        **os.environ,
        "PATH": f"{Path(sys.executable).parent}{os.pathsep}{os.environ.get('PATH', '')}",
        "ONSEMBL_JWT_SECRET": secrets.token_urlsafe(32),
        "GITHUB_RUN_NUMBER": "17",
    }
    process = subprocess.Popen(
        ["bash", "-c", script], cwd=tmp_path, env=env, text=True,
        stdout=subprocess.PIPE, stderr=subprocess.PIPE, start_new_session=True,
    )  # fmt: skip
    try:
        stdout, stderr = process.communicate(timeout=300)
    finally:
        with contextlib.suppress(ProcessLookupError):
            os.killpg(process.pid, signal.SIGTERM)  # the server started in the background
    done = subprocess.CompletedProcess(process.args, process.returncode, stdout, stderr)
    assert done.returncode == 0, done.stdout[-3000:] + done.stderr[-2000:]
    assert "CONFORMANT (exit 0)" in done.stdout
    report = json.loads((tmp_path / "onsembl-report.json").read_text())
    assert report["summary"]["seed"] == 17 and report["summary"]["exit_code"] == 0
    assert report["summary"]["baseline"] == {
        "expected": [], "unexpected": [], "stale": [], "unchecked": []
    }  # fmt: skip
    ET.parse(tmp_path / "onsembl-junit.xml")
    assert (tmp_path / "onsembl-report.html").read_text().startswith("<!DOCTYPE html>")
