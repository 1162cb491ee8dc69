"""``docs/asyncapi.yaml`` is a valid AsyncAPI 3.0 document that matches the schemas.

Validated against the official AsyncAPI 3.0.0 JSON Schema from ``@asyncapi/specs``
(``data/``); payload ``$ref``s point at the schema files; operations per role
follow ``x-sender`` / ``x-receiver`` (ROLE-1, ROLE-2); the channel is ``/ws`` (TRANS-1).
"""

from __future__ import annotations

import copy
import json
from pathlib import Path
from typing import Any

import pytest
import yaml
from jsonschema import Draft7Validator

from onsembl_spec.generator.asyncapi import ASYNCAPI_PATH
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
        payload = (ROOT / "docs" / message["payload"]["$ref"]).resolve()
        assert payload.is_file(), message["payload"]
        schema = json.loads(payload.read_text(encoding="utf-8"))
        assert schema["properties"]["type"]["const"] == message["name"]
        assert [e["payload"] for e in message["examples"]] == schema["examples"]
    assert names == set(schemas.types)


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
