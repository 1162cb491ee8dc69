"""``action.yml``: the composite GitHub Action runs as GitHub would run it (issue 14, part 3).

As the CI example's test does (``test_ci_example.py``), the action's ``run:`` steps are
executed by bash: its inputs (defaults, then the workflow's ``with:``) are substituted
into each step's ``env:`` and ``if:`` (the only places they appear: the scripts read
the environment), ``GITHUB_OUTPUT``, ``GITHUB_STEP_SUMMARY``, ``GITHUB_ACTION_PATH``
(this checkout) and ``RUNNER_TEMP`` are set as on a runner, and each step runs as
``bash --noprofile --norc -eo pipefail``. ``onsembl check`` runs against the bundled
reference server, clean and broken; ``onsembl diff`` against schema directories and,
in a clone, against ``origin/main``. The install step is run for real once (a
virtual environment with the kit installed from the checkout).
"""

from __future__ import annotations

import json
import os
import re
import secrets
import shutil
import subprocess
import sys
import xml.etree.ElementTree as ET
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
import yaml
from conformance_support import LAUNCHER

from onsembl_conformance.bundled import DEFAULT_COMMAND, FAST_PROFILE, RunningServer, start_server

REPO = Path(__file__).resolve().parents[2]
ACTION = REPO / "action.yml"
EXPRESSION = re.compile(r"\$\{\{\s*(.+?)\s*\}\}")
CONDITION = re.compile(r"^inputs\.([a-z-]+) == '([^']*)'$")
SECRET = secrets.token_urlsafe(32)


def action() -> dict[str, Any]:
    data = yaml.safe_load(ACTION.read_text(encoding="utf-8"))
    assert isinstance(data, dict)
    return data


@dataclass
class Outcome:
    code: int
    output: str
    outputs: dict[str, str]
    summary: str


def run_action(with_: Mapping[str, str], cwd: Path) -> Outcome:
    """Run the action's steps with the workflow's ``with_`` in ``cwd`` (the job's workspace)."""
    data = action()
    inputs = {name: str(spec.get("default", "")) for name, spec in data["inputs"].items()}
    unknown = set(with_) - set(inputs)
    assert not unknown, f"not inputs of the action: {unknown}"
    inputs.update(with_)
    runner = cwd / "_runner"
    runner.mkdir(exist_ok=True)
    summary = runner / "summary.md"
    steps: dict[str, dict[str, str]] = {}  # id -> outputs

    def expand(text: str) -> str:
        def value(match: re.Match[str]) -> str:
            name = match.group(1)
            if name.startswith("inputs."):
                return inputs[name.removeprefix("inputs.")]
            step = re.fullmatch(r"steps\.([a-z-]+)\.outputs\.([a-z-]+)", name)
            assert step, f"an expression the test does not know: {name}"
            return steps.get(step.group(1), {}).get(step.group(2), "")

        return EXPRESSION.sub(value, text)

    base_env = {k: v for k, v in os.environ.items() if not k.startswith(("ONSEMBL_", "GITHUB_"))}
    base_env.update(
        PATH=f"{Path(sys.executable).parent}{os.pathsep}{os.environ.get('PATH', '')}",
        GITHUB_ACTION_PATH=str(REPO),
        GITHUB_STEP_SUMMARY=str(summary),
        GITHUB_RUN_NUMBER="17",
        RUNNER_TEMP=str(runner),
    )
    printed, code = "", 0
    for n, step in enumerate(data["runs"]["steps"]):
        condition = step.get("if")
        if condition is not None:
            match = CONDITION.match(condition)
            assert match, f"a condition the test does not know: {condition}"
            if inputs[match.group(1)] != match.group(2):
                continue
        output = runner / f"output-{n}"
        output.write_text("")
        env = {**base_env, "GITHUB_OUTPUT": str(output)}
        env.update({k: expand(str(v)) for k, v in step.get("env", {}).items()})
        script = runner / f"step-{n}.sh"
        script.write_text(step["run"])
        done = subprocess.run(
            ["bash", "--noprofile", "--norc", "-eo", "pipefail", str(script)],
            cwd=cwd, env=env, capture_output=True, text=True, timeout=300, check=False,
        )  # fmt: skip
        printed += done.stdout + done.stderr
        lines = [line for line in output.read_text().splitlines() if "=" in line]
        if "id" in step:
            steps[step["id"]] = dict(line.split("=", 1) for line in lines)
        code = done.returncode
        if code != 0:
            break
    outputs = {name: expand(spec["value"]) for name, spec in data["outputs"].items()}
    return Outcome(code, printed, outputs, summary.read_text() if summary.exists() else "")


@pytest.fixture(scope="module")
def clean_server() -> Iterator[RunningServer]:
    server = start_server(DEFAULT_COMMAND, SECRET, FAST_PROFILE)
    yield server
    server.stop()


@pytest.fixture(scope="module")
def broken_server() -> Iterator[RunningServer]:
    server = start_server([sys.executable, str(LAUNCHER), "auth-closes-1011"], SECRET, FAST_PROFILE)
    yield server
    server.stop()


@pytest.fixture
def workspace(tmp_path: Path) -> Path:
    (tmp_path / "onsembl-profile.yaml").write_text(yaml.safe_dump(FAST_PROFILE))
    return tmp_path


def check_inputs(server: RunningServer, **more: str) -> dict[str, str]:
    return {
        "url": server.url,
        "jwt-secret": SECRET,
        "profile": "onsembl-profile.yaml",
        "only": "no_token,agent_list_on_connect",
        "install": "false",  # this environment has the kit; test_install_step installs it
        **more,
    }


def test_the_action_s_shape() -> None:
    data = action()
    assert data["runs"]["using"] == "composite"
    steps = data["runs"]["steps"]
    assert [s["name"] for s in steps] == ["Install the kit", "Run onsembl"]
    used = ""
    for step in steps:
        assert step["shell"] == "bash"
        assert "${{" not in step["run"], "inputs reach scripts through the environment only"
        used += json.dumps(step.get("env", {})) + str(step.get("if", ""))
    for name in data["inputs"]:
        assert f"inputs.{name} " in used.replace("}}", " }}") or f"inputs.{name}'" in used, name
    assert '"$venv/bin/python" -m pip install --quiet "$GITHUB_ACTION_PATH"' in steps[0]["run"]
    assert set(data["outputs"]) == {"exit-code"}


def test_check_a_clean_server(workspace: Path, clean_server: RunningServer) -> None:
    done = run_action(check_inputs(clean_server, badge="badge.json"), workspace)
    assert done.code == 0, done.output[-3000:]
    assert done.outputs == {"exit-code": "0"}
    assert "CONFORMANT (exit 0)" in done.summary and "(seed 17)" in done.output
    assert SECRET not in done.output
    report = json.loads((workspace / "onsembl-report.json").read_text())
    assert report["summary"]["exit_code"] == 0 and report["summary"]["seed"] == 17
    ET.parse(workspace / "onsembl-junit.xml")
    assert (workspace / "onsembl-report.html").read_text().startswith("<!DOCTYPE html>")
    assert json.loads((workspace / "badge.json").read_text())["color"] == "brightgreen"


def test_check_a_broken_server(workspace: Path, broken_server: RunningServer) -> None:
    done = run_action(check_inputs(broken_server, junit="", html=""), workspace)
    assert done.code == 1, done.output[-3000:]
    assert done.outputs == {"exit-code": "1"}
    assert "FAIL no_token [AUTH-3,CLOSE-6]" in done.output
    assert "NOT CONFORMANT (exit 1)" in done.summary
    assert (workspace / "onsembl-report.json").exists()
    assert not (workspace / "onsembl-junit.xml").exists()  # an empty input writes none
    # the failure in a baseline: expected, the step passes
    (workspace / "baseline.yaml").write_text(
        "onsembl-baseline: 1\nexpected-failures:\n  - id: AUTH-3\n    reason: known\n"
    )
    excused = run_action(
        check_inputs(broken_server, baseline="baseline.yaml", args="--timeout 4"), workspace
    )
    assert excused.code == 0, excused.output[-3000:]
    assert "Baseline: 1 expected failure," in excused.output


def _schemas(where: Path) -> Path:
    shutil.copytree(REPO / "schemas", where)
    return where


def test_diff_of_two_schema_directories(workspace: Path) -> None:
    old, new = _schemas(workspace / "old"), _schemas(workspace / "new")
    diff = {"command": "diff", "old": "old", "new": "new", "install": "false"}
    same = run_action(diff, workspace)
    assert same.code == 0, same.output[-3000:]
    assert "No protocol changes" in (workspace / "protocol-diff.md").read_text()
    common = new / "common.json"
    common.write_text(common.read_text().replace('"low"', '"lowest"'))
    assert old.is_dir()
    done = run_action({**diff, "diff-report": "d.md"}, workspace)
    assert done.code == 1 and done.outputs == {"exit-code": "1"}
    report = (workspace / "d.md").read_text()
    assert report.startswith("### :x: Breaking protocol changes") and "ENUM_VALUE_REMOVED" in report
    assert report in done.summary and report in done.output


def _git(cwd: Path, *args: str) -> None:
    subprocess.run(["git", *args], cwd=cwd, check=True, capture_output=True, timeout=120)


def test_diff_against_origin_main_in_a_clone(tmp_path: Path) -> None:
    """The default ``old`` (``origin/main``) is fetched first, as a shallow CI clone needs."""
    upstream, clone = tmp_path / "upstream", tmp_path / "clone"
    _git(tmp_path, "clone", "--quiet", str(REPO), str(upstream))
    _git(upstream, "checkout", "--quiet", "-B", "main")
    _git(tmp_path, "clone", "--quiet", "--depth", "1", upstream.as_uri(), str(clone))
    done = run_action({"command": "diff", "install": "false"}, clone)
    assert done.code == 0, done.output[-3000:]
    assert "No protocol changes" in (clone / "protocol-diff.md").read_text()


def test_an_unknown_command_fails(workspace: Path) -> None:
    done = run_action({"command": "deploy", "install": "false"}, workspace)
    assert done.code == 2 and "::error::the command input is check or diff" in done.output


@pytest.mark.slow
def test_install_step(workspace: Path, clean_server: RunningServer) -> None:
    """The real install: a virtual environment under RUNNER_TEMP, the kit from the action's
    checkout; the run step then uses that onsembl."""
    done = run_action(check_inputs(clean_server, install="true", only="no_token"), workspace)
    assert done.code == 0, done.output[-3000:]
    kit = workspace / "_runner" / "onsembl-kit" / "bin" / "onsembl"
    assert kit.is_file()
    assert "[1/1] PASS no_token" in done.output
