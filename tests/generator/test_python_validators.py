"""The validator compiler refuses what it cannot compile, rather than validating less."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

from onsembl_spec.errors import GeneratorError
from onsembl_spec.generator.python_validators import generate_validators
from onsembl_spec.generator.writer import LineWriter
from onsembl_spec.resources import schemas_dir
from onsembl_spec.schemas import load_schemas


def _edited_schemas(tmp_path: Path, definition: str, key: str, value: object) -> Path:
    root = tmp_path / "schemas"
    shutil.copytree(schemas_dir(), root)
    common = json.loads((root / "common.json").read_text(encoding="utf-8"))
    common["$defs"][definition][key] = value
    (root / "common.json").write_text(json.dumps(common), encoding="utf-8")
    return root


@pytest.mark.parametrize(
    ("definition", "key", "value", "complaint"),
    [
        ("args", "uniqueItems", True, "uniqueItems"),
        ("identifier", "format", "email", "format 'email'"),
        ("metrics", "additionalProperties", True, "additionalProperties"),
        ("priority", "type", ["string", "null"], "type lists"),
    ],
)
def test_unsupported_schema_stops_generation(
    tmp_path: Path, definition: str, key: str, value: object, complaint: str
) -> None:
    schemas = load_schemas(_edited_schemas(tmp_path, definition, key, value))
    with pytest.raises(GeneratorError, match=complaint):
        generate_validators(schemas, "# header\n")


def test_changed_bound_changes_the_code(tmp_path: Path) -> None:
    schemas = load_schemas(_edited_schemas(tmp_path, "commandText", "maxLength", 77))
    text = generate_validators(schemas, "# header\n").text
    assert "len(v) > 77" in text
    namespace: dict[str, object] = {}
    exec(compile(text, "validators.py", "exec"), namespace)
    check = namespace["check"]
    message = {"type": "command:request", "agentId": "a", "command": "x" * 78,
               "timestamp": "2024-01-01T12:00:00Z"}  # fmt: skip
    assert callable(check)
    assert check(message) == ("command", "longer than 77 characters")


def test_line_writer_indents_blocks() -> None:
    w = LineWriter()
    with w.block("def f():"):
        w.line("return 1")
    w.line()
    assert w.text() == "def f():\n    return 1\n"
