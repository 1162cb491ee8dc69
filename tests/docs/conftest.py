"""Fixtures of the browser tests of the docs: the site built by MkDocs, a loopback HTTP
server, headless Chromium driven by Playwright, and the directory screenshots go to.

These tests need the ``docs`` extra (``pip install -e '.[test,docs]'``: MkDocs, the
Material theme, Playwright) and Chromium from the system packages (``apt-get install
chromium``; Playwright is pointed at it, it downloads no browser). When one is missing
the tests *fail*, saying what to install: CI must not pass without running them. Only
``ONSEMBL_SKIP_BROWSER=1``, set on purpose, skips them.

Screenshots go to ``$ONSEMBL_TEST_ARTIFACTS/docs/`` (default: ``test-artifacts/docs/``
in the checkout, git-ignored), for CI to keep as artifacts.
"""

from __future__ import annotations

import functools
import http.server
import importlib.util
import os
import shutil
import subprocess
import sys
import threading
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from tests.docs.docs_support import ARTIFACTS_ENV, CHROMIUM_ENV, REPO, SKIP_ENV


def missing(what: str, fix: str) -> None:
    """Fail (skip only when ``ONSEMBL_SKIP_BROWSER=1``) because ``what`` is not installed."""
    message = f"{what} is needed by the browser tests of the docs: {fix}"
    if os.environ.get(SKIP_ENV) == "1":
        pytest.skip(f"{SKIP_ENV}=1: {message}")
    pytest.fail(f"{message} (or set {SKIP_ENV}=1 to skip these tests on purpose)", pytrace=False)


@pytest.fixture(scope="session")
def chromium() -> str:
    """The system Chromium: ``$ONSEMBL_CHROMIUM``, else ``chromium`` on the ``PATH``."""
    found = os.environ.get(CHROMIUM_ENV) or shutil.which("chromium") or shutil.which(
        "chromium-browser"
    )
    if not found or not Path(found).exists():
        missing("Chromium", "apt-get install -y chromium (or set ONSEMBL_CHROMIUM=/path)")
    assert found is not None
    return found


@pytest.fixture(scope="session")
def artifacts() -> Path:
    """Where screenshots go (emptied of old screenshots first)."""
    base = Path(os.environ.get(ARTIFACTS_ENV) or REPO / "test-artifacts") / "docs"
    base.mkdir(parents=True, exist_ok=True)
    for old in base.glob("*.png"):
        old.unlink()
    return base


@pytest.fixture(scope="session")
def built_site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The site as ``mkdocs build --strict`` makes it from the committed sources."""
    for module, package in (("mkdocs", "mkdocs"), ("material", "mkdocs-material")):
        if importlib.util.find_spec(module) is None:
            missing(package, "pip install -e '.[docs]'")
    out = tmp_path_factory.mktemp("site") / "site"
    result = subprocess.run(
        [sys.executable, "-m", "mkdocs", "build", "--strict",
         "--config-file", str(REPO / "mkdocs.yml"), "--site-dir", str(out)],
        cwd=REPO, capture_output=True, text=True, timeout=300, check=False,
        env={**os.environ, "NO_MKDOCS_2_WARNING": "1"},
    )  # fmt: skip
    if result.returncode != 0:
        pytest.fail("mkdocs build --strict failed:\n" + result.stdout + result.stderr)
    return out


class _QuietHandler(http.server.SimpleHTTPRequestHandler):
    def log_message(self, format: str, *args: Any) -> None:
        pass


@pytest.fixture(scope="session")
def serve() -> Iterator[Callable[[Path], str]]:
    """``serve(directory)``: the base URL of a loopback HTTP server of that directory."""
    servers: list[http.server.ThreadingHTTPServer] = []

    def start(directory: Path) -> str:
        handler = functools.partial(_QuietHandler, directory=str(directory))
        server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
        threading.Thread(target=server.serve_forever, daemon=True).start()
        servers.append(server)
        return f"http://127.0.0.1:{server.server_address[1]}/"

    yield start
    for server in servers:
        server.shutdown()
        server.server_close()


@pytest.fixture(scope="module")
def browser(chromium: str) -> Iterator[Any]:
    """Headless system Chromium through Playwright, one per test module: Playwright's sync
    API runs an event loop in the main thread while it is open, so kept for the session it
    would make every later test's ``asyncio.run`` fail ("cannot be called from a running
    event loop")."""
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        missing("playwright (the Python package)", "pip install -e '.[docs]'")
    with sync_playwright() as playwright:
        launched = playwright.chromium.launch(executable_path=chromium, headless=True)
        yield launched
        launched.close()
