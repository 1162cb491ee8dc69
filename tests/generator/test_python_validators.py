"""The validator compiler refuses what it cannot compile, rather than validating less."""

from __future__ import annotations

import ast
import json
import shutil
from pathlib import Path

import pytest

from onsembl_spec._generated import validators as generated
from onsembl_spec.errors import GeneratorError
from onsembl_spec.generator.python_validators import KEYWORD_EMITTERS, generate_validators
from onsembl_spec.generator.writer import LineWriter
from onsembl_spec.oracle import oracle
from onsembl_spec.resources import schemas_dir
from onsembl_spec.schemas import is_annotation, load_schemas


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


def test_the_generated_module_holds_only_what_the_schemas_determine() -> None:
    """Run-time code lives in ``_validator_runtime`` (checked by ruff and mypy), not in a string:
    every function the generated module defines is a compiled schema (``_c_*`` / ``_a_*``)."""
    source = Path(generated.__file__).read_text(encoding="utf-8")
    defined = [
        node.name for node in ast.parse(source).body if isinstance(node, ast.FunctionDef)
    ]
    assert defined and all(name.startswith(("_c_", "_a_")) for name in defined), [
        name for name in defined if not name.startswith(("_c_", "_a_"))
    ]
    assert generated.check.__module__ == "onsembl_spec._validator_runtime"


def test_every_schema_keyword_has_an_emitter_or_is_structure() -> None:
    """The keyword table covers what the message schemas and common.json use."""
    used: set[str] = set()

    def visit(schema: dict[str, object]) -> None:
        for keyword, value in schema.items():
            if is_annotation(keyword) and keyword != "$defs":
                continue
            used.add(keyword)
            if keyword in ("properties", "$defs") and isinstance(value, dict):
                for sub in value.values():
                    visit(sub)
            elif keyword in ("items", "not") and isinstance(value, dict):
                visit(value)

    schemas = load_schemas()
    for schema in [schemas.common, *schemas.by_type.values()]:
        visit(schema)
    structure = {"properties", "required", "items", "$ref", "$defs"}
    assert {"type", "pattern", "format", "enum", "const", "not"} <= used
    assert used - structure <= set(KEYWORD_EMITTERS)


def test_generated_code_and_oracle_word_an_unprintable_value_alike() -> None:
    """One wording for both: a ``type`` json cannot show is "a value" in either."""
    circular: list[object] = []
    circular.append(circular)  # json.dumps refuses it whatever the recursion limit
    message = {"type": circular}
    assert generated.check(message) == ("type", "unknown message type a value")
    assert [(i.field, i.message) for i in oracle().validate(message)] == [generated.check(message)]
