"""The coverage table of ``docs/coverage.md``, read back as data for the docs.

The conformance package renders ``docs/coverage.md`` (its entry point in the
group ``onsembl_spec.generate``); the base package never imports it, so the
docs read what it produced: a Markdown table with the columns
``requirement``, ``level``, ``subject`` and ``checks`` (found by their header,
in any order, among others), one row per requirement. A ``checks`` cell lists
check names in backticks, each optionally followed by the roles it applies to
in parentheses (``\\`agent_messages_valid\\` (agents)``); anything else (``not
checked``, ``(schema)``) is shown as it is. A requirement whose subject is
``client`` is verified by ``onsembl check-client``, the others by ``onsembl
check``.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from onsembl_spec.errors import GeneratorError

COVERAGE_DOC = "docs/coverage.md"

_COLUMNS = ("requirement", "level", "subject", "checks")
_CHECK = re.compile(r"`(?P<name>[^`]+)`(?:\s*\((?P<roles>[^)]*)\))?")


@dataclass(frozen=True)
class CheckRef:
    """One check named in a row: its name, the roles it is limited to, its tool."""

    name: str
    roles: str
    client: bool

    @property
    def tool(self) -> str:
        return "onsembl check-client" if self.client else "onsembl check"


@dataclass(frozen=True)
class CoverageRow:
    """One requirement's row: its checks, or the cell's text when no check verifies it."""

    req_id: str
    level: str
    subject: str
    checks: tuple[CheckRef, ...]
    cell: str


@dataclass(frozen=True)
class Coverage:
    """The page's text and its rows by requirement ID (in the page's order)."""

    text: str
    rows: dict[str, CoverageRow]
    columns: tuple[str, ...]
    """The table's header cells, lower-cased."""
    table_lines: tuple[int, int]
    """Indexes (0-based, end exclusive) of the table's data rows among the text's lines."""

    def column(self, name: str) -> int:
        return self.columns.index(name)

    def checks(self) -> list[tuple[CheckRef, list[str]]]:
        """Every check once (server checks first, then client checks, each by name), with
        the requirements it verifies in the table's order."""
        found: dict[tuple[bool, str], tuple[CheckRef, list[str]]] = {}
        for row in self.rows.values():
            for check in row.checks:
                key = (check.client, check.name)
                if key not in found:
                    found[key] = (CheckRef(check.name, "", check.client), [])
                if row.req_id not in found[key][1]:
                    found[key][1].append(row.req_id)
        return [found[key] for key in sorted(found)]


def cells(line: str) -> list[str]:
    """The cells of a Markdown table row, stripped (escaped pipes stay in their cell)."""
    return [cell.strip() for cell in re.split(r"(?<!\\)\|", line.strip())[1:-1]]


def parse_coverage(text: str) -> Coverage:
    """Read the coverage table out of the page's text; :class:`GeneratorError` if absent."""
    lines = text.splitlines()
    headers = [
        (index, [cell.lower() for cell in cells(line)])
        for index, line in enumerate(lines)
        if line.startswith("|")
    ]
    found = [(index, cells_) for index, cells_ in headers if set(_COLUMNS) <= set(cells_)]
    if not found:
        raise GeneratorError(
            f"{COVERAGE_DOC} has no table with the columns {', '.join(_COLUMNS)}"
        )
    index, header = found[0]
    where = {column: header.index(column) for column in _COLUMNS}
    rows: dict[str, CoverageRow] = {}
    end = index + 2
    for line in lines[index + 2 :]:
        if not line.startswith("|"):
            break
        end += 1
        row = cells(line)
        if len(row) != len(header):
            raise GeneratorError(f"{COVERAGE_DOC}: a row has {len(row)} cells: {line}")
        req_id, subject = row[where["requirement"]], row[where["subject"]]
        cell = row[where["checks"]]
        checks = tuple(
            CheckRef(match["name"], match["roles"] or "", subject == "client")
            for match in _CHECK.finditer(cell)
        )
        rows[req_id] = CoverageRow(req_id, row[where["level"]], subject, checks, cell)
    return Coverage(text, rows, tuple(header), (index + 2, end))
