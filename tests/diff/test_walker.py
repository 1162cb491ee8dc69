"""The effective schema of a message type: ``$ref``s followed, annotations dropped."""

from __future__ import annotations

import pytest

from onsembl_spec.diff.walker import MESSAGE_MARKER, effective_schema, effective_schemas, merge
from onsembl_spec.schemas import bundled


def test_refs_into_common_are_resolved() -> None:
    agent_id = effective_schema(bundled(), "command:request")["properties"]["agentId"]
    assert agent_id == {
        "type": "string",
        "minLength": 1,
        "maxLength": 128,
        "pattern": bundled().common["$defs"]["identifier"]["pattern"],
    }


def test_annotations_are_dropped_everywhere() -> None:
    def keys(node: object) -> set[str]:
        if isinstance(node, dict):
            return set(node) | {k for v in node.values() for k in keys(v)}
        if isinstance(node, list):
            return {k for v in node for k in keys(v)}
        return set()

    every_key: set[str] = set()
    for schema in effective_schemas(bundled()).values():
        every_key |= keys(schema)
    assert not every_key & {"description", "examples", "title", "$id", "x-sender", "default"}


def test_batch_items_refer_to_the_union_by_marker() -> None:
    items = effective_schema(bundled(), "batch")["properties"]["messages"]["items"]
    assert items[MESSAGE_MARKER] == "message.json"
    assert items["not"]["properties"]["type"] == {"const": "batch"}


def test_sibling_keywords_of_a_ref_apply_too() -> None:
    """``compressed.originalType`` is the ``messageType`` enum plus ``not``."""
    original = effective_schema(bundled(), "compressed")["properties"]["originalType"]
    assert original["enum"] == list(bundled().types)
    assert original["not"] == {"const": "compressed"}


@pytest.mark.parametrize(
    ("a", "b", "merged"),
    [
        ({"maxLength": 10}, {"maxLength": 5}, {"maxLength": 5}),
        ({"minimum": 1}, {"minimum": 3}, {"minimum": 3}),
        ({"enum": ["a", "b"]}, {"enum": ["b", "c"]}, {"enum": ["b"]}),
        ({"required": ["a"]}, {"required": ["b", "a"]}, {"required": ["a", "b"]}),
        ({"pattern": "^a"}, {"pattern": "^b"}, {"pattern": "^a", "allOf": [{"pattern": "^b"}]}),
        (True, {"type": "string"}, {"type": "string"}),
        ({"type": "string"}, False, False),
    ],
)
def test_merge_keeps_the_tighter_constraint(a: object, b: object, merged: object) -> None:
    assert merge(a, b) == merged
