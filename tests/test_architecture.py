"""ARCHITECTURE.md's tables name code that exists, so they cannot drift from it.

* "Where each rule lives" (``| requirements | function |``): every requirement
  ID is one of ``docs/spec.md``, and every code name of the function column
  exists. A bare name is a ``ServerCore`` method (or, capitalised, a class of
  ``onsembl_server``); a dotted name starts with a module (``app.``,
  ``auth.``, ``tokens.``, ``wire.``: ``onsembl_server.core``, then
  ``onsembl_server``, then ``onsembl_spec``) or a class (``Session.``,
  ``AgentQueue.``). Bare names in parentheses are prose (option names such as
  ``max_size``) and are not checked; dotted ones always are.
* The conformance bounds table (``| what | bound | where |``): every code name
  of the "where" column exists in ``onsembl_conformance`` (dotted: a module or
  class of the package; bare: a module-level name or a class member there).
* Every module table (``| module | job |``): each file or directory of the
  first column exists under the package its section heading names.

A failure names the line of ARCHITECTURE.md, the row and the missing name.
"""

from __future__ import annotations

import dataclasses
import importlib
import inspect
import pkgutil
import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from types import ModuleType
from typing import Any

import pytest

from onsembl_spec.spec import requirements

ROOT = Path(__file__).resolve().parents[1]
ARCHITECTURE = ROOT / "ARCHITECTURE.md"

_NAME = re.compile(r"[A-Za-z_]\w*(?:\.[A-Za-z_]\w*)*")
_REQUIREMENT = re.compile(r"\b([A-Z]+)-(\d+)(?:\.\.(?:\1-)?(\d+))?")


@dataclass(frozen=True)
class Row:
    line: int
    heading: str
    cells: tuple[str, ...]


@dataclass(frozen=True)
class Table:
    line: int
    heading: str
    header: tuple[str, ...]
    rows: tuple[Row, ...]


def _cells(line: str) -> tuple[str, ...]:
    return tuple(cell.strip() for cell in line.strip().strip("|").split("|"))


def tables(text: str) -> list[Table]:
    """Every Markdown table of ``text`` with the ``##`` heading it sits under."""
    found: list[Table] = []
    heading = ""
    lines = text.splitlines()
    index = 0
    while index < len(lines):
        line = lines[index]
        if line.startswith("#"):
            heading = line.lstrip("#").strip()
        if line.startswith("|") and index + 1 < len(lines) and lines[index + 1].startswith("|-"):
            start = index
            header = _cells(line)
            rows: list[Row] = []
            index += 2
            while index < len(lines) and lines[index].startswith("|"):
                rows.append(Row(index + 1, heading, _cells(lines[index])))
                index += 1
            found.append(Table(start + 1, heading, header, tuple(rows)))
            continue
        index += 1
    return found


def code_names(cell: str) -> Iterator[tuple[str, bool]]:
    """Backticked names of a cell: ``(name, inside parentheses)``; other code is skipped."""
    depth = 0
    for match in re.finditer(r"`([^`]*)`|\(|\)", cell):
        token = match.group(0)
        if token == "(":
            depth += 1
        elif token == ")":
            depth = max(0, depth - 1)
        elif _NAME.fullmatch(match.group(1)):
            yield match.group(1), depth > 0


def _checked(cell: str) -> list[str]:
    return [name for name, in_parens in code_names(cell) if "." in name or not in_parens]


# -- resolving names ----------------------------------------------------------------


def _modules(package: str) -> list[ModuleType]:
    root = importlib.import_module(package)
    found = [root]
    for info in pkgutil.walk_packages(root.__path__, prefix=f"{package}."):
        found.append(importlib.import_module(info.name))
    return found


def _has_member(owner: Any, name: str) -> bool:
    """A method, property, class attribute, dataclass field or annotated instance attribute."""
    if hasattr(owner, name):
        return True
    if inspect.isclass(owner):
        if dataclasses.is_dataclass(owner) and name in {f.name for f in dataclasses.fields(owner)}:
            return True
        return any(name in getattr(k, "__annotations__", {}) for k in owner.__mro__)
    return False


def _walk(owner: Any, parts: list[str], shown: str) -> str | None:
    """``None`` when ``owner.parts...`` exists; else why not."""
    for part in parts:
        if not _has_member(owner, part):
            return f"{shown} has no {part!r}"
        shown = f"{shown}.{part}"
        owner = getattr(owner, part, None)
        if owner is None:  # an annotated attribute without a class-level value: a leaf
            return None
    return None


def _classes(modules: list[ModuleType], name: str) -> list[type]:
    found: list[type] = []
    for module in modules:
        candidate = vars(module).get(name)
        if inspect.isclass(candidate) and candidate not in found:
            found.append(candidate)
    return found


def _import(name: str) -> ModuleType | None:
    try:
        return importlib.import_module(name)
    except ModuleNotFoundError:
        return None


def _resolver(
    packages: tuple[str, ...], bare: Callable[[str], str | None], prefixes: tuple[str, ...]
) -> Callable[[str], str | None]:
    modules = [m for package in packages for m in _modules(package)]

    def resolve(name: str) -> str | None:
        parts = name.split(".")
        if len(parts) == 1:
            return bare(name)
        for prefix in prefixes:
            module = _import(prefix + parts[0])
            if module is not None:
                return _walk(module, parts[1:], module.__name__)
        classes = _classes(modules, parts[0])
        if not classes:
            return f"{parts[0]!r} is neither a module ({', '.join(prefixes)}) nor a class"
        errors = [_walk(cls, parts[1:], cls.__qualname__) for cls in classes]
        return None if None in errors else errors[0]

    return resolve


@pytest.fixture(scope="module")
def text() -> str:
    return ARCHITECTURE.read_text(encoding="utf-8")


def _table(text: str, header: tuple[str, ...]) -> Table:
    matching = [t for t in tables(text) if t.header == header]
    assert len(matching) == 1, f"ARCHITECTURE.md must have one table | {' | '.join(header)} |"
    return matching[0]


def _failures(
    rows: tuple[Row, ...], column: int, resolve: Callable[[str], str | None]
) -> list[str]:
    failures = []
    for row in rows:
        for name in _checked(row.cells[column]):
            why = resolve(name)
            if why is not None:
                where = f"ARCHITECTURE.md:{row.line} (row {row.cells[0]!r})"
                failures.append(f"{where}: `{name}`: {why}")
    return failures


# -- the tables -------------------------------------------------------------------------


def test_where_each_rule_lives_names_existing_requirements_and_code(text: str) -> None:
    from onsembl_server import core
    from onsembl_server.core.server import ServerCore

    def bare(name: str) -> str | None:
        if name[0].isupper():
            modules = _modules("onsembl_server")
            return None if _classes(modules, name) else f"no class {name} in onsembl_server"
        return None if _has_member(ServerCore, name) else "not a method of ServerCore"

    assert core.__name__ == "onsembl_server.core"
    resolve = _resolver(
        ("onsembl_server",), bare, ("onsembl_server.core.", "onsembl_server.", "onsembl_spec.")
    )
    table = _table(text, ("requirements", "function"))
    assert len(table.rows) > 40
    failures = _failures(table.rows, 1, resolve) + _unknown_requirements(table.rows)
    assert not failures, "\n".join(failures)


def _row_requirements(row: Row) -> list[str]:
    return [
        f"{area}-{number}"
        for area, low, high in _REQUIREMENT.findall(row.cells[0])
        for number in range(int(low), int(high or low) + 1)
    ]


def _unknown_requirements(rows: tuple[Row, ...]) -> list[str]:
    known = requirements()
    return [
        f"ARCHITECTURE.md:{row.line} (row {row.cells[0]!r}): requirement {rid} is not in"
        " docs/spec.md"
        for row in rows
        for rid in _row_requirements(row)
        if rid not in known
    ]


def test_reference_client_table_names_every_client_requirement_and_existing_code(
    text: str,
) -> None:
    """The client's table: bare names are ``ClientCore`` members (capitalised: a class of
    ``onsembl_client``), dotted ones a module of ``onsembl_client.core``, of
    ``onsembl_client`` or ``onsembl_spec``, or a class; every client requirement has a row."""
    from onsembl_client.core.session import ClientCore

    def bare(name: str) -> str | None:
        if name[0].isupper() and not name.isupper():
            modules = _modules("onsembl_client")
            return None if _classes(modules, name) else f"no class {name} in onsembl_client"
        return None if _has_member(ClientCore, name) else "not a member of ClientCore"

    resolve = _resolver(
        ("onsembl_client",), bare, ("onsembl_client.core.", "onsembl_client.", "onsembl_spec.")
    )
    table = _table(text, ("client requirements", "function"))
    failures = _failures(table.rows, 1, resolve) + _unknown_requirements(table.rows)
    listed = {rid for row in table.rows for rid in _row_requirements(row)}
    client_rules = {r.id for r in requirements().values() if r.subject == "client"}
    failures += [f"no row for {rid}" for rid in sorted(client_rules - listed)]
    assert not failures, "\n".join(failures)


def test_conformance_bounds_table_names_existing_code(text: str) -> None:
    modules = _modules("onsembl_conformance")

    def bare(name: str) -> str | None:
        for module in modules:
            if name in vars(module):
                return None
            for value in vars(module).values():
                own_class = inspect.isclass(value) and value.__module__ == module.__name__
                if own_class and _has_member(value, name):
                    return None
        return "no module-level name or class member of onsembl_conformance"

    resolve = _resolver(("onsembl_conformance",), bare, ("onsembl_conformance.",))
    table = _table(text, ("what", "bound", "where"))
    failures = _failures(table.rows, 2, resolve)
    assert not failures, "\n".join(failures)


_PACKAGE_DIR = re.compile(r"`((?:src|reference_server|reference_client|conformance)/[\w/]+/)`")


def test_module_tables_name_existing_files(text: str) -> None:
    failures = []
    module_tables = [t for t in tables(text) if t.header == ("module", "job")]
    assert len(module_tables) >= 4
    for table in module_tables:
        directory = _PACKAGE_DIR.search(table.heading)
        assert directory, f"ARCHITECTURE.md:{table.line}: heading names no package directory"
        base = ROOT / directory.group(1)
        for row in table.rows:
            for match in re.finditer(r"`([^`]+)`", row.cells[0]):
                pattern = match.group(1)
                if not list(base.glob(pattern.rstrip("/"))):
                    failures.append(
                        f"ARCHITECTURE.md:{row.line}: `{pattern}` is not under {directory.group(1)}"
                    )
    assert not failures, "\n".join(failures)


# -- the parser itself --------------------------------------------------------------------


def test_names_in_parentheses_are_prose_unless_dotted() -> None:
    cell = "`a.B.c` (serve options: `max_size` (`None` unless `C.d`), `x=1`), `e`; `x-sender`"
    assert _checked(cell) == ["a.B.c", "C.d", "e"]


def test_a_missing_name_is_reported_with_its_line_and_row() -> None:
    from onsembl_server.core.server import ServerCore

    def bare(name: str) -> str | None:
        return None if _has_member(ServerCore, name) else "not a method of ServerCore"

    resolve = _resolver(("onsembl_server",), bare, ("onsembl_server.core.", "onsembl_spec."))
    text = (
        "## x\n\n| requirements | function |\n|---|---|\n"
        "| TRANS-4 | `binary_frame`, `no_such_method`, `Session.nope`, `wire.nothing` |\n"
    )
    (table,) = tables(text)
    assert _failures(table.rows, 1, resolve) == [
        "ARCHITECTURE.md:5 (row 'TRANS-4'): `no_such_method`: not a method of ServerCore",
        "ARCHITECTURE.md:5 (row 'TRANS-4'): `Session.nope`: Session has no 'nope'",
        "ARCHITECTURE.md:5 (row 'TRANS-4'): `wire.nothing`: onsembl_spec.wire has no 'nothing'",
    ]
