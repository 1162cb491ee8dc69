"""Issue 13, part 4: the environment contract works across languages. A client written in
JavaScript for Node.js with the ``ws`` package (``node_client/client.js``) is checked by
``onsembl check-client --command``: it passes every check of both roles, and with one
deliberate fault switched on (``ONSEMBL_NODE_FAULT``) it fails with the right ID.

``ws`` is found as Node finds it (``NODE_PATH``, the global ``node_modules``); when it is
not there it is installed once per machine under the temporary directory, as the
AsyncAPI test installs ``@asyncapi/parser`` (tests/generator/test_asyncapi.py).
"""

from __future__ import annotations

import os
import shutil
import subprocess
import tempfile
from pathlib import Path

import pytest
from check_client_support import HERE, check_client

CLIENT = HERE / "node_client" / "client.js"

pytestmark = pytest.mark.skipif(shutil.which("node") is None, reason="Node.js is not installed")


def _resolves(env: dict[str, str]) -> bool:
    done = subprocess.run(
        ["node", "-e", "require.resolve('ws')"], env=env, capture_output=True, timeout=60,
        check=False,
    )  # fmt: skip
    return done.returncode == 0


@pytest.fixture(scope="module")
def node_env() -> dict[str, str]:
    """The environment in which ``node`` finds ``ws`` (its directory on ``NODE_PATH``)."""
    env = dict(os.environ)
    if _resolves(env):
        return {}
    paths = [p for p in env.get("NODE_PATH", "").split(os.pathsep) if p]
    if shutil.which("npm") is not None:
        root = subprocess.run(
            ["npm", "root", "-g"], capture_output=True, text=True, timeout=60, check=False
        ).stdout.strip()
        if root:
            paths.append(root)
    extra = {"NODE_PATH": os.pathsep.join(paths)}
    if paths and _resolves({**env, **extra}):
        return extra
    if shutil.which("npm") is None:
        pytest.skip("the ws package is not installed and npm is not there to install it")
    base = Path(tempfile.gettempdir()) / "onsembl-spec-node-ws-8"
    if not (base / "node_modules" / "ws").is_dir():
        base.mkdir(parents=True, exist_ok=True)
        result = subprocess.run(
            ["npm", "install", "--silent", "--no-audit", "--no-fund", "--prefix", str(base),
             "ws@8"],
            capture_output=True, text=True, timeout=600, check=False,
        )  # fmt: skip
        assert result.returncode == 0, result.stderr[-2000:]
    extra = {"NODE_PATH": os.pathsep.join([str(base / "node_modules"), *paths])}
    assert _resolves({**env, **extra})
    return extra


@pytest.mark.slow
def test_node_client_passes(node_env: dict[str, str], tmp_path: Path) -> None:
    """Both roles, every check, one command: exit 0."""
    got = check_client(
        tmp_path, "--command", f"node {CLIENT}", "--role", "agent", "--role", "dashboard",
        "--seed", "7", env=node_env,
    )  # fmt: skip
    assert got.exit_code == 0, got.output[-3000:]
    assert set(got.statuses.values()) == {"passed"}, got.statuses
    assert len(got.statuses) == 33
    print(f"\nnode client, both roles: {got.duration:.1f}s")


@pytest.mark.parametrize(
    ("fault", "role", "only", "expected"),
    [
        ("ignore-interrupt", "agent", "CLIENT-16", "CLIENT-16"),
        ("no-backoff", "dashboard", "reconnects_after_going_away", "CLIENT-9"),
    ],
)
def test_node_client_fault_caught(
    node_env: dict[str, str], tmp_path: Path, fault: str, role: str, only: str, expected: str
) -> None:
    """One deliberate fault: exit 1, the right requirement failed and nothing else."""
    got = check_client(
        tmp_path, "--command", f"node {CLIENT}", "--role", role, "--only", only,
        "--seed", "7", env={**node_env, "ONSEMBL_NODE_FAULT": fault},
    )  # fmt: skip
    assert got.exit_code == 1, got.output[-3000:]
    assert got.failed == {expected}, got.output[-3000:]
