"""``SchemaSet.resolve``: the one place ``$ref`` chains are followed and merged.

Edge cases on small schema sets made here (chains, cycles, the hop limit,
siblings overriding and merging, references to the union, across files,
relative, unknown), the bundled set, and a guard that no other module of the
package follows ``$ref``s by itself.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import pytest

import onsembl_spec
from onsembl_spec.errors import SchemaError
from onsembl_spec.schemas import MAX_REF_HOPS, SchemaSet, bundled, merge

BASE = "https://example.test/ws/"
COMMON = BASE + "common.json"
UNION = BASE + "message.json"
MESSAGE = BASE + "messages/thing.json"


def _def(name: str) -> str:
    return f"{COMMON}#/$defs/{name}"


def schema_set(defs: dict[str, Any], properties: dict[str, Any] | None = None) -> SchemaSet:
    """A one-type schema set: ``common.json`` holding ``defs``, ``thing`` holding ``properties``."""
    common = {"$id": COMMON, "$defs": {"messageType": {"enum": ["thing"]}, **defs}}
    message = {
        "$id": MESSAGE,
        "x-sender": ["agent"],
        "x-receiver": ["server"],
        "type": "object",
        "properties": {"type": {"const": "thing"}, **(properties or {})},
    }
    union = {
        "$id": UNION,
        "type": "object",
        "required": ["type"],
        "allOf": [{"if": {"properties": {"type": {"const": "thing"}}}, "then": {"$ref": MESSAGE}}],
    }
    return SchemaSet(
        root=Path("."),
        union=union,
        common=common,
        by_type={"thing": message},
        files={"thing": Path("messages/thing.json")},
    )


# -- chains ---------------------------------------------------------------------


def test_a_node_without_ref_is_its_own_effective_schema() -> None:
    resolved = schema_set({}).resolve({"type": "string", "description": "d"})
    assert resolved.schema == {"type": "string", "description": "d"}
    assert resolved.chain == () and resolved.ref is None and resolved.definition is None
    assert not resolved.union


def test_a_chain_is_followed_to_the_end_and_recorded_outermost_first() -> None:
    schemas = schema_set(
        {
            "identifier": {"type": "string", "maxLength": 128, "description": "any id"},
            "agentId": {"$ref": _def("identifier"), "description": "an agent"},
        }
    )
    resolved = schemas.resolve({"$ref": _def("agentId"), "description": "who runs it"})
    assert resolved.schema == {"type": "string", "maxLength": 128, "description": "who runs it"}
    assert [hop.uri for hop in resolved.chain] == [_def("agentId"), _def("identifier")]
    assert resolved.chain[1].schema == schemas.common["$defs"]["identifier"]
    assert resolved.ref == _def("identifier")
    assert resolved.definition == "agentId"  # the name the field refers to


def test_the_bundled_chain_agent_id_to_identifier() -> None:
    schemas = bundled()
    field = schemas.by_type["command:request"]["properties"]["agentId"]
    resolved = schemas.resolve(field)
    identifier = schemas.common["$defs"]["identifier"]
    assert resolved.definition == "agentId"
    assert resolved.schema["pattern"] == identifier["pattern"]
    assert resolved.schema["maxLength"] == identifier["maxLength"]
    assert resolved.schema["description"] == field["description"]
    assert "$ref" not in resolved.schema


def test_every_ref_of_the_bundled_set_resolves() -> None:
    schemas = bundled()
    count = 0

    def visit(node: Any) -> None:
        nonlocal count
        if isinstance(node, dict):
            if "$ref" in node:
                count += 1
                assert "$ref" not in schemas.resolve(node).schema
            for value in node.values():
                visit(value)
        elif isinstance(node, list):
            for value in node:
                visit(value)

    for document in schemas.all_documents():
        visit(document)
    assert count > 100


# -- cycles and the hop limit ---------------------------------------------------


def test_a_cycle_is_a_schema_error_naming_the_chain() -> None:
    schemas = schema_set({"a": {"$ref": _def("b")}, "b": {"$ref": _def("a")}})
    with pytest.raises(SchemaError, match="cycle") as caught:
        schemas.resolve({"$ref": _def("a")})
    assert str(caught.value) == (f"$ref cycle: {_def('a')} -> {_def('b')} -> {_def('a')}")


def test_a_schema_referring_to_itself_is_a_cycle() -> None:
    schemas = schema_set({"self": {"$ref": _def("self"), "type": "string"}})
    with pytest.raises(SchemaError, match=re.escape(f"$ref cycle: {_def('self')} -> ")):
        schemas.resolve({"$ref": _def("self")})


def _chain_of(hops: int) -> SchemaSet:
    """``d0`` -> ``d1`` -> ... -> ``d{hops-1}`` (a string): ``hops`` hops from a ref to d0."""
    defs: dict[str, Any] = {f"d{i}": {"$ref": _def(f"d{i + 1}")} for i in range(hops - 1)}
    defs[f"d{hops - 1}"] = {"type": "string"}
    return schema_set(defs)


def test_a_chain_of_the_hop_limit_resolves() -> None:
    resolved = _chain_of(MAX_REF_HOPS).resolve({"$ref": _def("d0")})
    assert resolved.schema == {"type": "string"}
    assert len(resolved.chain) == MAX_REF_HOPS


def test_a_chain_over_the_hop_limit_is_a_schema_error() -> None:
    with pytest.raises(SchemaError, match=f"longer than {MAX_REF_HOPS} hops"):
        _chain_of(MAX_REF_HOPS + 1).resolve({"$ref": _def("d0")})


# -- siblings ---------------------------------------------------------------------


def test_annotations_of_the_referring_schema_override() -> None:
    schemas = schema_set({"x": {"type": "string", "description": "def", "examples": ["a"]}})
    resolved = schemas.resolve(
        {"$ref": _def("x"), "description": "use", "examples": ["b"], "x-note": 1}
    )
    assert resolved.schema == {
        "type": "string",
        "description": "use",
        "examples": ["b"],
        "x-note": 1,
    }
    assert list(resolved.schema) == ["type", "description", "examples", "x-note"]


@pytest.mark.parametrize(
    ("definition", "sibling", "effective"),
    [
        # a bound: the tighter one, whichever side it is on (both apply)
        ({"maxLength": 128}, {"maxLength": 10}, {"maxLength": 10}),
        ({"maxLength": 10}, {"maxLength": 128}, {"maxLength": 10}),
        ({"minimum": 0}, {"minimum": 5}, {"minimum": 5}),
        ({"minItems": 3}, {"minItems": 1}, {"minItems": 3}),
        # value sets: what both allow
        ({"enum": ["a", "b", "c"]}, {"enum": ["c", "b", "z"]}, {"enum": ["b", "c"]}),
        ({"required": ["a"]}, {"required": ["b", "a"]}, {"required": ["a", "b"]}),
        # the same assertion twice: kept once
        ({"type": "string"}, {"type": "string"}, {"type": "string"}),
        # two assertions that do not combine: both kept, the sibling under allOf
        ({"pattern": "^a"}, {"pattern": "^b"}, {"pattern": "^a", "allOf": [{"pattern": "^b"}]}),
        ({"const": "a"}, {"const": "b"}, {"const": "a", "allOf": [{"const": "b"}]}),
        # siblings the definition lacks are added after its keywords
        ({"type": "string"}, {"not": {"const": "x"}}, {"type": "string", "not": {"const": "x"}}),
    ],
)
def test_sibling_assertions_apply_together_with_the_definition(
    definition: dict[str, Any], sibling: dict[str, Any], effective: dict[str, Any]
) -> None:
    schemas = schema_set({"x": definition})
    assert schemas.resolve({"$ref": _def("x"), **sibling}).schema == effective


def test_siblings_along_a_chain_merge_at_every_hop() -> None:
    schemas = schema_set(
        {
            "inner": {"type": "string", "maxLength": 100, "description": "inner"},
            "middle": {"$ref": _def("inner"), "minLength": 1, "maxLength": 50},
        }
    )
    resolved = schemas.resolve({"$ref": _def("middle"), "maxLength": 70, "description": "outer"})
    assert resolved.schema == {
        "type": "string",
        "maxLength": 50,
        "description": "outer",
        "minLength": 1,
    }


def test_boolean_targets() -> None:
    schemas = schema_set({"anything": True, "nothing": False})
    assert schemas.resolve({"$ref": _def("anything"), "type": "string"}).schema == {
        "type": "string"
    }
    assert schemas.resolve({"$ref": _def("nothing")}).schema == {"not": {}}
    assert schemas.resolve(True).schema == {}
    assert schemas.resolve(False).schema == {"not": {}}


def test_merge_properties_of_both_sides() -> None:
    merged = merge(
        {"properties": {"a": {"type": "string"}}},
        {"properties": {"a": {"maxLength": 3}, "b": {"type": "integer"}}},
    )
    assert merged == {
        "properties": {"a": {"type": "string", "maxLength": 3}, "b": {"type": "integer"}}
    }


# -- the union ----------------------------------------------------------------------


def test_a_ref_to_the_union_stops_there_unmerged() -> None:
    schemas = schema_set({})
    forbidden = {"properties": {"type": {"const": "batch"}}, "required": ["type"]}
    resolved = schemas.resolve({"$ref": UNION, "not": forbidden, "description": "items"})
    assert resolved.union
    assert resolved.schema == {"not": forbidden, "description": "items"}  # no union keyword
    assert [hop.uri for hop in resolved.chain] == [UNION]


def test_a_chain_reaching_the_union_is_flagged() -> None:
    schemas = schema_set({"anyMessage": {"$ref": UNION, "description": "any"}})
    resolved = schemas.resolve({"$ref": _def("anyMessage"), "description": "an item"})
    assert resolved.union
    assert resolved.schema == {"description": "an item"}
    assert resolved.definition == "anyMessage"


def test_the_union_itself_is_flagged() -> None:
    schemas = schema_set({})
    assert schemas.resolve(schemas.union).union
    assert not schemas.resolve(schemas.by_type["thing"]).union


def test_the_bundled_batch_items_reach_the_union() -> None:
    schemas = bundled()
    items = schemas.by_type["batch"]["properties"]["messages"]["items"]
    resolved = schemas.resolve(items)
    assert resolved.union
    assert resolved.schema["not"]["properties"]["type"] == {"const": "batch"}
    assert "allOf" not in resolved.schema


def test_a_ref_to_a_whole_message_schema_is_merged() -> None:
    schemas = schema_set({})
    resolved = schemas.resolve({"$ref": MESSAGE, "description": "one thing"})
    assert not resolved.union
    assert resolved.schema["properties"]["type"] == {"const": "thing"}
    assert resolved.schema["description"] == "one thing"
    assert resolved.ref == MESSAGE


# -- across files, relative, unknown -------------------------------------------------


def test_a_ref_from_a_message_into_common() -> None:
    schemas = schema_set({"when": {"type": "string", "format": "date-time"}})
    field = {"$ref": _def("when")}
    resolved = schemas.resolve(field, base_uri=MESSAGE)
    assert resolved.schema == {"type": "string", "format": "date-time"}
    assert resolved.chain[0].base_uri == COMMON


def test_a_relative_ref_resolves_in_the_document_that_holds_it() -> None:
    """``#/$defs/inner`` inside ``common.json`` names common's ``inner``, not the message's."""
    schemas = schema_set(
        {
            "outer": {"$ref": "#/$defs/inner", "description": "outer"},
            "inner": {"type": "integer", "minimum": 0},
        }
    )
    schemas.by_type["thing"]["$defs"] = {"inner": {"type": "string"}}  # a decoy
    resolved = schemas.resolve({"$ref": "../common.json#/$defs/outer"}, base_uri=MESSAGE)
    assert resolved.schema == {"type": "integer", "minimum": 0, "description": "outer"}
    assert [hop.uri for hop in resolved.chain] == [_def("outer"), _def("inner")]


def test_a_relative_ref_without_a_base_is_unknown() -> None:
    with pytest.raises(SchemaError, match="cannot resolve \\$ref '#/\\$defs/inner'"):
        schema_set({"inner": {}}).resolve({"$ref": "#/$defs/inner"})


@pytest.mark.parametrize(
    "ref",
    [_def("missing"), BASE + "messages/missing.json", "https://elsewhere.test/x.json"],
)
def test_an_unknown_ref_is_a_schema_error_naming_it(ref: str) -> None:
    with pytest.raises(SchemaError, match=re.escape(f"cannot resolve $ref {ref!r}")):
        schema_set({}).resolve({"$ref": ref})


def test_an_unknown_ref_deep_in_a_chain_names_the_way_there() -> None:
    schemas = schema_set({"a": {"$ref": _def("gone")}})
    with pytest.raises(SchemaError, match=re.escape(f"(via {_def('a')})")):
        schemas.resolve({"$ref": _def("a")})


def test_a_ref_that_is_not_a_string_is_a_schema_error() -> None:
    with pytest.raises(SchemaError, match="is not a string"):
        schema_set({}).resolve({"$ref": 42})


def test_each_set_resolves_through_its_own_registry() -> None:
    """``onsembl diff`` resolves old and new sides apart: same URIs, other contents."""
    old = schema_set({"id": {"type": "string", "maxLength": 10}})
    new = schema_set({"id": {"type": "string", "maxLength": 20}})
    field = {"$ref": _def("id")}
    assert old.resolve(field).schema["maxLength"] == 10
    assert new.resolve(field).schema["maxLength"] == 20


# -- one resolver --------------------------------------------------------------------


def test_no_other_module_follows_refs_itself() -> None:
    """``$ref`` lookups happen in ``schemas.py`` only (the resolver), nowhere else."""
    package = Path(onsembl_spec.__file__).parent
    lookups = [
        path.relative_to(package).as_posix()
        for path in sorted(package.rglob("*.py"))
        if ".lookup(" in path.read_text(encoding="utf-8")
    ]
    assert lookups == ["schemas.py"]
