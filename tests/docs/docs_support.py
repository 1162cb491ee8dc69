"""Helpers of the browser tests of the docs (the fixtures are in ``conftest.py``)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parents[2]
SKIP_ENV = "ONSEMBL_SKIP_BROWSER"
ARTIFACTS_ENV = "ONSEMBL_TEST_ARTIFACTS"
CHROMIUM_ENV = "ONSEMBL_CHROMIUM"
WIDTHS = (375, 1280)
HEIGHT = 900


class PageLog:
    """What went wrong while a page loaded: console errors, uncaught errors, failed
    requests and HTTP errors."""

    def __init__(self) -> None:
        self.problems: list[str] = []

    def attach(self, page: Any) -> None:
        page.on("console", self._console)
        page.on("pageerror", lambda error: self.problems.append(f"page error: {error}"))
        page.on("requestfailed", lambda request: self.problems.append(
            f"request failed: {request.url} ({request.failure})"))
        page.on("response", self._response)

    def _console(self, message: Any) -> None:
        if message.type in ("error", "warning"):
            self.problems.append(f"console {message.type}: {message.text}")

    def _response(self, response: Any) -> None:
        if response.status >= 400:
            self.problems.append(f"HTTP {response.status}: {response.url}")

    def take(self) -> list[str]:
        taken, self.problems = self.problems, []
        return taken


def overflow(page: Any) -> dict[str, int]:
    """The page body's width against the viewport's (no horizontal scroll: scroll <= inner)."""
    result: dict[str, int] = page.evaluate(
        "({scroll: document.documentElement.scrollWidth, inner: window.innerWidth})"
    )
    return result


def shot_name(path: str, width: int) -> str:
    stem = path.replace("/", "_").replace("#", "_").removesuffix(".html") or "index"
    return f"{stem}-{width}.png"
