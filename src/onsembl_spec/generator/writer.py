"""A small line writer: indented lines, joined with ``\\n`` and ending in one newline."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager


class LineWriter:
    """Collects lines of text at an indentation level (``indent`` spaces per level)."""

    def __init__(self, indent: str = "    ") -> None:
        self._lines: list[str] = []
        self._level = 0
        self._indent = indent

    def line(self, text: str = "") -> None:
        """Add one line at the current level (an empty line has no indentation)."""
        self._lines.append(self._indent * self._level + text if text else "")

    def lines(self, text: str) -> None:
        """Add each line of ``text`` (a block written at level 0) at the current level."""
        for part in text.splitlines():
            self.line(part)

    @contextmanager
    def block(self, header: str | None = None) -> Iterator[None]:
        """Write ``header`` (if any) and indent what is written inside the ``with``."""
        if header is not None:
            self.line(header)
        self._level += 1
        try:
            yield
        finally:
            self._level -= 1

    def text(self) -> str:
        """Everything written, with exactly one final newline."""
        return "\n".join(self._lines).rstrip("\n") + "\n"
