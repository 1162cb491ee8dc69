"""Dependencies run one way (issue 12, part 2): ``onsembl_spec`` imports neither the
reference server, the reference client nor the conformance suite, the server and the client
import neither each other nor the suite; the
``onsembl`` command still offers every subcommand, those of the packages above it found
through the entry-point group ``onsembl_spec.commands``, and a plugin that does not load
is one line, never a traceback."""

from __future__ import annotations

import ast
import os
import subprocess
import sys
from collections.abc import Iterator
from importlib.metadata import EntryPoint, entry_points
from pathlib import Path

import pytest
from tests.conftest import REPO

from onsembl_spec import cli

LAYERS = {
    # package root: the packages it must never import
    REPO / "src" / "onsembl_spec": ("onsembl_server", "onsembl_client", "onsembl_conformance"),
    REPO / "reference_server" / "onsembl_server": ("onsembl_client", "onsembl_conformance"),
    REPO / "reference_client" / "onsembl_client": ("onsembl_server", "onsembl_conformance"),
}

SUBCOMMANDS = ["validate", "diff", "serve", "token", "check", "replay", "generate"]
"""The subcommands of this distribution's three packages, in the order of ``onsembl --help``
(others registered in the group may come between or after them)."""


def in_order(listed: list[str]) -> list[str]:
    """``listed`` without the subcommands not in :data:`SUBCOMMANDS`."""
    return [name for name in listed if name in SUBCOMMANDS]


def imported_modules(tree: ast.AST) -> Iterator[tuple[int, str]]:
    """``(line, module)`` of every import, and of every ``import_module("...")`` or
    ``__import__("...")`` with a literal name."""
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            for alias in node.names:
                yield node.lineno, alias.name
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            yield node.lineno, node.module
        elif isinstance(node, ast.Call) and node.args:
            function = node.func
            name = function.attr if isinstance(function, ast.Attribute) else getattr(
                function, "id", None
            )
            first = node.args[0]
            literal = isinstance(first, ast.Constant) and isinstance(first.value, str)
            if name in ("import_module", "__import__") and literal:
                yield node.lineno, first.value  # type: ignore[attr-defined]


@pytest.mark.parametrize("root", list(LAYERS), ids=lambda root: root.name)
def test_a_package_imports_nothing_above_it(root: Path) -> None:
    forbidden = LAYERS[root]
    modules = sorted(root.rglob("*.py"))
    assert len(modules) > 5, f"no modules under {root}"
    found = []
    for path in modules:
        tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
        for line, module in imported_modules(tree):
            if module.split(".")[0] in forbidden:
                found.append(f"{path.relative_to(REPO)}:{line}: {module}")
    assert not found, "imports against the layering:\n" + "\n".join(found)


def test_the_scan_sees_every_kind_of_import() -> None:
    tree = ast.parse(
        "import onsembl_server.app\n"
        "from onsembl_conformance import engine\n"
        "def f():\n"
        "    import importlib\n"
        "    importlib.import_module('onsembl_conformance.cli.check')\n"
        "    __import__('onsembl_server')\n"
    )
    assert [module for _, module in imported_modules(tree)] == [
        "onsembl_server.app",
        "onsembl_conformance",
        "importlib",
        "onsembl_conformance.cli.check",
        "onsembl_server",
    ]


def run_onsembl(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "onsembl_spec", *args],
        capture_output=True, text=True, timeout=120, check=False,
        env={**os.environ, "COLUMNS": "200"},
    )  # fmt: skip


def listed_commands(help_text: str) -> list[str]:
    """The subcommands of ``onsembl --help``, in order (one per line at a 200-column width;
    argparse puts the help of a name as long as ``dashboard`` on a further-indented line)."""
    lines = help_text.splitlines()
    start = lines.index("positional arguments:") + 2  # the COMMAND line, then the commands
    names = []
    for line in lines[start:]:
        if not line.startswith("    "):
            break
        if not line.startswith("     "):  # a help text wrapped under its name is indented more
            names.append(line.split()[0])
    return names


def test_onsembl_help_lists_every_subcommand_in_order() -> None:
    result = run_onsembl("--help")
    assert result.returncode == 0, result.stderr
    listed = listed_commands(result.stdout)
    assert in_order(listed) == SUBCOMMANDS
    registered = {point.name for point in entry_points(group=cli.ENTRY_POINT_GROUP)}
    assert sorted(listed) == sorted(set(cli.BUILT_IN) | registered)
    assert "unavailable" not in result.stdout


def test_python_m_onsembl_spec_serve_help() -> None:
    result = run_onsembl("serve", "--help")
    assert result.returncode == 0, result.stderr
    assert result.stdout.startswith("usage: onsembl serve ")
    assert "--tls-cert" in result.stdout and "--jwt-public-key" in result.stdout


def test_plugins_come_from_the_entry_point_group() -> None:
    found = cli.discover()
    assert not found.unavailable
    modules = {command.NAME: command.__name__ for command in found.available}  # type: ignore[attr-defined]
    registered = {point.name for point in entry_points(group=cli.ENTRY_POINT_GROUP)}
    assert set(modules) == set(cli.BUILT_IN) | registered
    assert {name: modules[name] for name in SUBCOMMANDS} == {
        "validate": "onsembl_spec.cli.validate",
        "diff": "onsembl_spec.cli.diff",
        "token": "onsembl_spec.cli.token",
        "generate": "onsembl_spec.cli.generate",
        "serve": "onsembl_server.cli",
        "check": "onsembl_conformance.cli.check",
        "replay": "onsembl_conformance.cli.replay",
    }


# A plugin that does not load: the others work, it is listed as unavailable, running it
# is one line (exit 2).


def with_plugins(monkeypatch: pytest.MonkeyPatch, **points: str) -> None:
    """Make ``onsembl_spec.commands`` hold exactly ``points`` (name: module)."""
    fake = [EntryPoint(name, value, cli.ENTRY_POINT_GROUP) for name, value in points.items()]

    def entry_points(*, group: str) -> list[EntryPoint]:
        assert group == cli.ENTRY_POINT_GROUP
        return fake

    monkeypatch.setattr(cli, "entry_points", entry_points)


def one_line_error(
    capsys: pytest.CaptureFixture[str], argv: list[str]
) -> str:
    assert cli.main(argv) == 2
    captured = capsys.readouterr()
    assert captured.out == ""
    lines = captured.err.splitlines()
    assert len(lines) == 1, captured.err
    assert "Traceback" not in captured.err
    return lines[0]


@pytest.mark.parametrize(
    ("value", "reason"),
    [
        (
            "no_such_module_for_onsembl",
            "cannot load onsembl_spec.commands entry point serve (no_such_module_for_onsembl): "
            "ModuleNotFoundError: No module named 'no_such_module_for_onsembl'",
        ),
        (
            "onsembl_server.cli:no_such_attribute",
            "cannot load onsembl_spec.commands entry point serve "
            "(onsembl_server.cli:no_such_attribute): AttributeError: module "
            "'onsembl_server.cli' has no attribute 'no_such_attribute'",
        ),
        (
            "json",
            "onsembl_spec.commands entry point serve (json) is not a subcommand: no string NAME",
        ),
        (
            "onsembl_conformance.cli.check",
            "onsembl_spec.commands entry point serve (onsembl_conformance.cli.check) is not a "
            "subcommand: its NAME is 'check'",
        ),
    ],
    ids=["missing-module", "missing-attribute", "no-interface", "wrong-name"],
)
def test_a_broken_plugin_is_one_line(
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
    tmp_path: Path,
    value: str,
    reason: str,
) -> None:
    with_plugins(monkeypatch, serve=value, check="onsembl_conformance.cli.check")
    assert one_line_error(capsys, ["serve", "--port", "0"]) == f"onsembl: error: {reason}"
    assert one_line_error(capsys, ["serve", "--help"]) == f"onsembl: error: {reason}"
    # the other subcommands work as before
    sample = tmp_path / "m.jsonl"
    sample.write_text('{"type":"heartbeat:ping","timestamp":"2024-01-01T12:00:00Z"}\n')
    assert cli.main(["validate", str(sample)]) == 0
    assert capsys.readouterr().err == ""
    # and the help says it is unavailable, in its place among the others
    with pytest.raises(SystemExit) as exit_:
        cli.main(["--help"])
    assert exit_.value.code == 0
    out = capsys.readouterr().out
    assert f"(unavailable: {reason[:30]}" in " ".join(out.split())
    assert " check " in out


def test_a_plugin_whose_arguments_fail_is_one_line(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    import onsembl_server.cli

    def broken(parser: object) -> None:
        raise RuntimeError("conflicting option string: --port\nsecond line")

    monkeypatch.setattr(onsembl_server.cli, "add_arguments", broken)
    with_plugins(monkeypatch, serve="onsembl_server.cli")
    assert one_line_error(capsys, ["serve"]) == (
        "onsembl: error: onsembl_spec.commands entry point serve (onsembl_server.cli) is not a "
        "subcommand: add_arguments failed: RuntimeError: conflicting option string: --port "
        "second line"
    )


def test_a_subcommand_registered_twice_is_one_line(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    fake = [
        EntryPoint("serve", "onsembl_server.cli", cli.ENTRY_POINT_GROUP),
        EntryPoint("serve", "other_server.cli", cli.ENTRY_POINT_GROUP),
    ]
    monkeypatch.setattr(cli, "entry_points", lambda *, group: fake)
    assert one_line_error(capsys, ["serve"]) == (
        "onsembl: error: subcommand serve is registered more than once in "
        "onsembl_spec.commands: onsembl_server.cli, other_server.cli"
    )


def test_a_plugin_cannot_replace_a_built_in(monkeypatch: pytest.MonkeyPatch) -> None:
    with_plugins(monkeypatch, validate="onsembl_server.cli")
    _, commands = cli.build_parser()
    assert commands["validate"].__name__ == "onsembl_spec.cli.validate"  # type: ignore[attr-defined]
    assert sorted(commands) == ["diff", "generate", "token", "validate"]


def test_an_unknown_subcommand_is_one_line(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    with_plugins(monkeypatch)  # nothing installed above the base package
    line = one_line_error(capsys, ["serve"])
    assert line.startswith("onsembl: error: argument COMMAND: invalid choice: 'serve'")
