"""``docs/asyncapi.yaml`` is a valid AsyncAPI 3.0 document that matches the schemas.

Validated against the official AsyncAPI 3.0.0 JSON Schema from ``@asyncapi/specs``
(``data/``) and parsed by the official parser ``@asyncapi/parser`` (Node); the
embedded payload schemas give the same verdicts as ``schemas/``; operations per role
follow ``x-sender`` / ``x-receiver`` (ROLE-1, ROLE-2); the channel is ``/ws`` (TRANS-1).
"""

from __future__ import annotations

import copy
import json
import shutil
import subprocess
import tempfile
from pathlib import Path
from typing import Any

import pytest
import yaml
from jsonschema import Draft7Validator, Draft202012Validator
from referencing import Registry
from referencing.jsonschema import DRAFT7, DRAFT202012

from onsembl_spec.generator.asyncapi import ASYNCAPI_PATH
from onsembl_spec.oracle import oracle
from onsembl_spec.schemas import ROLES, bundled

ROOT = Path(__file__).resolve().parents[2]
DATA = Path(__file__).resolve().parent / "data"


@pytest.fixture(scope="module")
def document() -> dict[str, Any]:
    loaded: dict[str, Any] = yaml.safe_load((ROOT / ASYNCAPI_PATH).read_text(encoding="utf-8"))
    return loaded


@pytest.fixture(scope="module")
def official() -> Draft7Validator:
    schema = json.loads((DATA / "asyncapi-3.0.0-without-id.json").read_text(encoding="utf-8"))
    Draft7Validator.check_schema(schema)
    return Draft7Validator(schema)


def test_document_is_valid_asyncapi_3(document: dict[str, Any], official: Draft7Validator) -> None:
    errors = [f"{list(e.absolute_path)}: {e.message[:200]}" for e in official.iter_errors(document)]
    assert errors == []
    assert document["asyncapi"] == "3.0.0"


@pytest.mark.parametrize(
    "breakage",
    ["no info", "bad action", "operation without channel", "unknown top-level key"],
)
def test_the_official_schema_catches_breakage(
    document: dict[str, Any], official: Draft7Validator, breakage: str
) -> None:
    """The validator really checks: a broken copy of the document is rejected."""
    broken = copy.deepcopy(document)
    operation = next(iter(broken["operations"].values()))
    if breakage == "no info":
        del broken["info"]
    elif breakage == "bad action":
        operation["action"] = "publish"
    elif breakage == "operation without channel":
        del operation["channel"]
    else:
        broken["paths"] = {}
    assert not official.is_valid(broken)


def _resolve_local(document: dict[str, Any], ref: str) -> Any:
    assert ref.startswith("#/"), ref
    node: Any = document
    for token in ref[2:].split("/"):
        node = node[token.replace("~1", "/").replace("~0", "~")]
    return node


def test_channel_carries_every_type_with_its_schema(document: dict[str, Any]) -> None:
    schemas = bundled()
    channels = document["channels"]
    assert [c["address"] for c in channels.values()] == ["/ws"]
    channel = next(iter(channels.values()))
    names = set()
    for reference in channel["messages"].values():
        message = _resolve_local(document, reference["$ref"])
        names.add(message["name"])
        embedded = _resolve_local(document, message["payload"]["$ref"])
        source = (ROOT / "docs" / embedded["x-schema-file"]).resolve()
        schema = json.loads(source.read_text(encoding="utf-8"))
        assert schema["properties"]["type"]["const"] == message["name"]
        assert embedded["properties"]["type"]["const"] == message["name"]
        assert embedded["required"] == schema["required"]
        assert [e["payload"] for e in message["examples"]] == schema["examples"]
    assert names == set(schemas.types)


def test_no_reference_leaves_the_document(document: dict[str, Any]) -> None:
    """AsyncAPI tools fetch $refs by URL: every one must be local (and resolve)."""

    def refs(node: Any) -> list[str]:
        if isinstance(node, dict):
            found = [node["$ref"]] if isinstance(node.get("$ref"), str) else []
            return found + [r for key, v in node.items() if key != "examples" for r in refs(v)]
        if isinstance(node, list):
            return [r for item in node for r in refs(item)]
        return []

    every = refs(document)
    assert len(every) > 100
    for ref in every:
        _resolve_local(document, ref)


@pytest.mark.parametrize("draft", [Draft202012Validator, Draft7Validator])
def test_embedded_schemas_give_the_verdicts_of_the_schemas(
    document: dict[str, Any], draft: Any, vector: tuple[str, Any]
) -> None:
    """The embedded copy means what ``schemas/`` means, read as 2020-12 or as Draft-07."""
    specification = DRAFT202012 if draft is Draft202012Validator else DRAFT7
    registry = Registry().with_resource(
        "urn:onsembl:asyncapi", specification.create_resource(document)
    )
    validator = draft(
        {"$ref": "urn:onsembl:asyncapi#/components/schemas/message"},
        registry=registry,
        format_checker=draft.FORMAT_CHECKER,
    )
    name, message = vector
    assert validator.is_valid(message) == (oracle().validate(message) == []), name


@pytest.mark.parametrize("role", sorted(ROLES))
def test_operations_per_role_follow_the_schema_roles(document: dict[str, Any], role: str) -> None:
    schemas = bundled()
    for action, pick in (("send", schemas.senders), ("receive", schemas.receivers)):
        operation = document["operations"][f"{role}-{action}"]
        assert operation["action"] == action
        assert _resolve_local(document, operation["channel"]["$ref"])["address"] == "/ws"
        listed = {
            _resolve_local(document, _resolve_local(document, m["$ref"])["$ref"])["name"]
            for m in operation["messages"]
        }
        assert listed == {t for t in schemas.types if role in pick(t)}


PARSER_SCRIPT = """
import { Parser, fromFile } from '@asyncapi/parser';
const { document, diagnostics } = await fromFile(new Parser(), process.argv[2]).parse();
for (const d of diagnostics.filter(d => d.severity === 0)) console.log('error', d.code, d.message);
if (document) {
  console.log('messages', document.allMessages().length);
  console.log('operations', document.operations().length);
}
"""


@pytest.fixture(scope="module")
def asyncapi_parser() -> Path:
    """``@asyncapi/parser`` 3, installed once per machine under the temporary directory."""
    base = Path(tempfile.gettempdir()) / "onsembl-spec-asyncapi-parser-3"
    if not (base / "node_modules" / "@asyncapi" / "parser").is_dir():
        base.mkdir(parents=True, exist_ok=True)
        result = subprocess.run(
            ["npm", "install", "--silent", "--no-audit", "--no-fund", "--prefix", str(base),
             "@asyncapi/parser@3"],
            capture_output=True, text=True, timeout=600, check=False,
        )  # fmt: skip
        assert result.returncode == 0, result.stderr[-2000:]
    script = base / "check.mjs"
    script.write_text(PARSER_SCRIPT, encoding="utf-8")
    return script


@pytest.mark.skipif(
    shutil.which("node") is None or shutil.which("npm") is None, reason="Node.js is not installed"
)
def test_official_parser_reads_the_document(asyncapi_parser: Path) -> None:
    """The AsyncAPI tooling reads the protocol: no error, 26 messages, 6 operations."""
    result = subprocess.run(
        ["node", str(asyncapi_parser), str(ROOT / ASYNCAPI_PATH)],
        capture_output=True, text=True, timeout=300, check=False,
    )  # fmt: skip
    assert result.returncode == 0, result.stderr[-2000:]
    lines = result.stdout.splitlines()
    assert [line for line in lines if line.startswith("error")] == []
    assert "messages 26" in lines and "operations 6" in lines
