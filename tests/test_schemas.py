"""The JSON Schemas and the test vectors.

(a) Every schema file is a well-formed, closed, bounded, documented Draft 2020-12
    schema whose ``$ref``s all resolve inside the set, and the message types are
    exactly the 26 of rulings R2 (hard-coded below as the independent check).
(b) Each schema's own ``examples`` are valid.
(c) Each example of ``websocket-api.md`` (``vectors/document_examples.json``) is
    valid, as R2 requires.
(d) Each hand-written invalid message (``vectors/invalid.json``) is invalid and
    ``validate()`` reports the expected R14 field first.
(e) Portability: jsonschema-rs, a second and independent implementation, gives
    the same verdict as ``onsembl_spec.validate`` for every vector.

The schemas are read from the files in ``schemas/`` and assembled here into
our own registries, independently of ``onsembl_spec.schemas``.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import jsonschema_rs
import pytest
from jsonschema import Draft202012Validator
from referencing import Registry
from referencing.jsonschema import DRAFT202012

import onsembl_spec
from onsembl_spec import validate

ROOT = Path(__file__).resolve().parent.parent
SCHEMA_DIR = ROOT / "schemas"
VECTOR_DIR = Path(__file__).resolve().parent / "vectors"
DRAFT_2020_12 = "https://json-schema.org/draft/2020-12/schema"

R2_TYPES = (
    "dashboard:connect",
    "dashboard:disconnect",
    "agent:connect",
    "agent:disconnect",
    "agent:status",
    "agent:list",
    "command:request",
    "command:queued",
    "command:execute",
    "command:status",
    "command:interrupt",
    "command:complete",
    "command:error",
    "terminal:output",
    "terminal:clear",
    "heartbeat:ping",
    "heartbeat:pong",
    "system:emergency-stop",
    "auth:refresh-needed",
    "auth:refresh-token",
    "auth:refresh-success",
    "auth:refresh-failed",
    "connection:error",
    "validation:error",
    "batch",
    "compressed",
)
"""The 26 message types of rulings R2, in the order R2 lists them."""

ROLES = {"dashboard", "agent", "server"}

# --------------------------------------------------------------------------
# Loading
# --------------------------------------------------------------------------


def _load(path: Path) -> Any:
    return json.loads(path.read_text(encoding="utf-8"))


SCHEMA_FILES = sorted(SCHEMA_DIR.rglob("*.json"))
MESSAGE_FILES = sorted((SCHEMA_DIR / "messages").glob("*.json"))
DOCS: dict[str, Any] = {str(p.relative_to(SCHEMA_DIR)): _load(p) for p in SCHEMA_FILES}
MESSAGE_DOCS: dict[str, Any] = {p.name: DOCS[f"messages/{p.name}"] for p in MESSAGE_FILES}
COMMON = DOCS["common.json"]
UNION = DOCS["message.json"]

DOCUMENT_EXAMPLES: list[dict[str, Any]] = _load(VECTOR_DIR / "document_examples.json")
INVALID: list[dict[str, Any]] = _load(VECTOR_DIR / "invalid.json")
VALID_EDGES: list[dict[str, Any]] = _load(VECTOR_DIR / "valid.json")

SCHEMA_EXAMPLES: list[tuple[str, Any]] = [
    (f"{name}#{index}", example)
    for name, doc in MESSAGE_DOCS.items()
    for index, example in enumerate(doc.get("examples", []))
]


def _python_registry() -> Registry[Any]:
    return Registry().with_resources(
        (doc["$id"], DRAFT202012.create_resource(doc)) for doc in DOCS.values()
    )


REGISTRY = _python_registry()
UNION_VALIDATOR = Draft202012Validator(
    UNION, registry=REGISTRY, format_checker=Draft202012Validator.FORMAT_CHECKER
)
RS_REGISTRY = jsonschema_rs.Registry([(doc["$id"], doc) for doc in DOCS.values()])
RS_UNION = jsonschema_rs.validator_for(UNION, registry=RS_REGISTRY, validate_formats=True)


# --------------------------------------------------------------------------
# Vectors too large to keep as literal data: the one defect is a size limit.
# --------------------------------------------------------------------------

T = "2024-01-01T12:00:00Z"


def _terminal_output(content: str) -> dict[str, Any]:
    return {
        "type": "terminal:output",
        "agentId": "agent-123",
        "output": {"type": "stdout", "content": content, "timestamp": T},
        "timestamp": T,
    }


def _compressed(data: str) -> dict[str, Any]:
    return {
        "type": "compressed",
        "algorithm": "gzip",
        "originalType": "terminal:output",
        "originalSize": 10240,
        "compressedSize": 1024,
        "data": data,
        "timestamp": T,
    }


def _agent_list(count: int) -> dict[str, Any]:
    agent = {"agentId": "agent-123", "agentType": "claude", "status": "online", "connectedAt": T}
    return {"type": "agent:list", "agents": [dict(agent) for _ in range(count)], "timestamp": T}


def huge_vectors() -> tuple[list[tuple[str, Any]], list[tuple[str, Any, str]]]:
    """(valid, invalid) vectors at and just past the largest limits.

    Returns ``(name, message)`` pairs that sit exactly at a limit and
    ``(name, message, field)`` triples one past it.
    """
    valid = [
        ("output.content 262144 characters", _terminal_output("x" * 262144)),
        ("data 1398104 characters", _compressed("A" * 1398104)),
        ("agents 10000 items", _agent_list(10000)),
    ]
    invalid = [
        ("output.content 262145 characters", _terminal_output("x" * 262145), "output.content"),
        ("data 1398105 characters", _compressed("A" * 1398105), "data"),
        ("agents 10001 items", _agent_list(10001), "agents"),
    ]
    return valid, invalid


HUGE_VALID, HUGE_INVALID = huge_vectors()


# --------------------------------------------------------------------------
# Walking schemas
# --------------------------------------------------------------------------

_SCHEMA_MAPS = ("properties", "patternProperties", "$defs", "definitions", "dependentSchemas")
_SCHEMA_VALUES = (
    "items",
    "additionalProperties",
    "additionalItems",
    "unevaluatedItems",
    "unevaluatedProperties",
    "contains",
    "propertyNames",
    "not",
    "if",
    "then",
    "else",
)
_SCHEMA_LISTS = ("allOf", "anyOf", "oneOf", "prefixItems")


def walk(
    schema: Any, pointer: str = "", skip: frozenset[str] = frozenset()
) -> Iterator[tuple[str, dict[str, Any]]]:
    """Every subschema (and ``schema`` itself) with its JSON pointer.

    Only keywords whose values are schemas are followed (never ``examples``,
    ``const``, ``enum`` or ``default``); keywords in ``skip`` are not entered.
    """
    if not isinstance(schema, dict):
        return
    yield pointer, schema
    for keyword in _SCHEMA_MAPS:
        if keyword in skip:
            continue
        for name, sub in schema.get(keyword, {}).items():
            yield from walk(sub, f"{pointer}/{keyword}/{name}", skip)
    for keyword in _SCHEMA_VALUES:
        if keyword in schema and keyword not in skip:
            yield from walk(schema[keyword], f"{pointer}/{keyword}", skip)
    for keyword in _SCHEMA_LISTS:
        if keyword in skip:
            continue
        for index, sub in enumerate(schema.get(keyword, [])):
            yield from walk(sub, f"{pointer}/{keyword}/{index}", skip)


def _types(schema: dict[str, Any]) -> set[str]:
    declared = schema.get("type", [])
    return {declared} if isinstance(declared, str) else set(declared)


def _resolve_pointer(document: Any, fragment: str) -> Any:
    node = document
    if fragment in ("", "/"):
        return node if fragment == "" else node[""]
    for token in fragment.lstrip("/").split("/"):
        token = token.replace("~1", "/").replace("~0", "~")
        node = node[int(token)] if isinstance(node, list) else node[token]
    return node


# Documents whose every object schema must be closed, every string bounded and
# every property described: the message schemas and the shared definitions.
# The union (message.json) only dispatches on `type`; the message schema it
# dispatches to is the closed one, so the union itself cannot be closed.
CLOSED_DOCS = {"common.json": COMMON, **{f"messages/{n}": d for n, d in MESSAGE_DOCS.items()}}


# --------------------------------------------------------------------------
# (a) The schema files
# --------------------------------------------------------------------------


def test_schema_set_is_complete() -> None:
    assert "common.json" in DOCS
    assert "message.json" in DOCS
    assert len(MESSAGE_FILES) == 26


@pytest.mark.parametrize("name", sorted(DOCS))
def test_schema_is_valid_draft_2020_12(name: str) -> None:
    doc = DOCS[name]
    Draft202012Validator.check_schema(doc)
    assert doc.get("$schema") == DRAFT_2020_12


@pytest.mark.parametrize("name", sorted(DOCS))
def test_schema_has_absolute_id(name: str) -> None:
    parts = urlsplit(DOCS[name].get("$id", ""))
    assert parts.scheme == "https", DOCS[name].get("$id")
    assert parts.netloc
    assert not parts.fragment
    assert parts.path.endswith("/" + name)


def test_schema_ids_are_unique() -> None:
    ids = [doc["$id"] for doc in DOCS.values()]
    assert len(set(ids)) == len(ids)


def _refs(doc: Any) -> Iterator[tuple[str, str]]:
    for pointer, sub in walk(doc):
        if "$ref" in sub:
            yield pointer, sub["$ref"]


@pytest.mark.parametrize("name", sorted(DOCS))
def test_every_ref_is_absolute_and_resolves(name: str) -> None:
    by_id = {doc["$id"]: doc for doc in DOCS.values()}
    resolver = REGISTRY.resolver()
    for pointer, ref in _refs(DOCS[name]):
        parts = urlsplit(ref)
        assert parts.scheme == "https" and parts.netloc, f"{name}{pointer}: relative $ref {ref}"
        base = ref.split("#", 1)[0]
        assert base in by_id, f"{name}{pointer}: $ref {ref} names no schema of the set"
        target = _resolve_pointer(by_id[base], parts.fragment)
        assert isinstance(target, dict), f"{name}{pointer}: $ref {ref} is not a schema"
        assert resolver.lookup(ref).contents == target


def test_refs_are_used() -> None:
    """Every message schema is reachable from the union, and common is referenced."""
    targets = {ref.split("#", 1)[0] for doc in DOCS.values() for _, ref in _refs(doc)}
    for name, doc in MESSAGE_DOCS.items():
        assert doc["$id"] in targets, name
    assert COMMON["$id"] in targets


@pytest.mark.parametrize("name", sorted(MESSAGE_DOCS))
def test_message_schema_shape(name: str) -> None:
    doc = MESSAGE_DOCS[name]
    message_type = doc["properties"]["type"]["const"]
    assert message_type in R2_TYPES
    assert name == message_type.replace(":", "-") + ".json"
    assert doc.get("title") == message_type
    assert doc.get("description")
    assert doc.get("type") == "object"
    assert doc.get("additionalProperties") is False
    # R2: every message has `type` and `timestamp`.
    assert {"type", "timestamp"} <= set(doc["required"])
    assert set(doc["required"]) <= set(doc["properties"])
    assert doc["properties"]["timestamp"]["$ref"] == COMMON["$id"] + "#/$defs/timestamp"


@pytest.mark.parametrize("name", sorted(CLOSED_DOCS))
def test_every_object_schema_is_closed(name: str) -> None:
    for pointer, sub in walk(CLOSED_DOCS[name]):
        if "object" in _types(sub):
            assert sub.get("additionalProperties") is False, f"{name}#{pointer} is open"
    # A schema declaring fields is an object schema (so the check above saw it),
    # except inside `not` and `if`, which test a message rather than declare one.
    for pointer, sub in walk(CLOSED_DOCS[name], skip=frozenset({"not", "if"})):
        if "properties" in sub:
            assert "object" in _types(sub), f"{name}#{pointer} declares fields without type"


@pytest.mark.parametrize("name", sorted(DOCS))
def test_every_string_has_max_length(name: str) -> None:
    for pointer, sub in walk(DOCS[name]):
        if "string" in _types(sub) and "const" not in sub and "enum" not in sub:
            assert isinstance(sub.get("maxLength"), int), f"{name}#{pointer} has no maxLength"


@pytest.mark.parametrize("name", sorted(DOCS))
def test_every_array_has_max_items(name: str) -> None:
    for pointer, sub in walk(DOCS[name]):
        if "array" in _types(sub):
            assert isinstance(sub.get("maxItems"), int), f"{name}#{pointer} has no maxItems"


@pytest.mark.parametrize("name", sorted(MESSAGE_DOCS))
def test_sender_and_receiver_roles(name: str) -> None:
    doc = MESSAGE_DOCS[name]
    for key in ("x-sender", "x-receiver"):
        roles = doc.get(key)
        assert isinstance(roles, list) and roles, f"{name}: {key} must be a non-empty list"
        assert set(roles) <= ROLES, f"{name}: {key} has unknown roles {set(roles) - ROLES}"
        assert len(set(roles)) == len(roles), f"{name}: {key} repeats a role"


def test_roles_follow_rulings_r7() -> None:
    """R7: what a dashboard and an agent may send."""
    dashboard = {
        "dashboard:connect", "dashboard:disconnect", "command:request", "command:interrupt",
        "terminal:clear", "system:emergency-stop", "heartbeat:ping", "heartbeat:pong",
        "auth:refresh-token", "batch", "compressed",
    }  # fmt: skip
    agent = {
        "agent:connect", "agent:disconnect", "agent:status", "command:status",
        "command:complete", "terminal:output", "terminal:clear", "heartbeat:ping",
        "heartbeat:pong", "auth:refresh-token", "batch", "compressed",
    }  # fmt: skip
    senders = {d["properties"]["type"]["const"]: set(d["x-sender"]) for d in MESSAGE_DOCS.values()}
    assert {t for t, s in senders.items() if "dashboard" in s} == dashboard
    assert {t for t, s in senders.items() if "agent" in s} == agent


@pytest.mark.parametrize("name", sorted(CLOSED_DOCS))
def test_every_property_has_description(name: str) -> None:
    # `not` and `if` hold assertions about a message, not field declarations.
    for pointer, sub in walk(CLOSED_DOCS[name], skip=frozenset({"not", "if"})):
        for prop, prop_schema in sub.get("properties", {}).items():
            assert isinstance(prop_schema, dict) and prop_schema.get("description"), (
                f"{name}#{pointer}/properties/{prop} has no description"
            )


@pytest.mark.parametrize("name", sorted(MESSAGE_DOCS))
def test_message_schema_has_examples(name: str) -> None:
    examples = MESSAGE_DOCS[name].get("examples")
    assert isinstance(examples, list) and examples


def test_types_are_the_26_of_rulings_r2() -> None:
    assert len(R2_TYPES) == len(set(R2_TYPES)) == 26
    consts = [doc["properties"]["type"]["const"] for doc in MESSAGE_DOCS.values()]
    assert sorted(consts) == sorted(R2_TYPES)
    assert COMMON["$defs"]["messageType"]["enum"] == list(R2_TYPES)
    assert set(onsembl_spec.MESSAGE_TYPES) == set(R2_TYPES)
    assert len(onsembl_spec.MESSAGE_TYPES) == 26


def test_union_dispatches_each_type_to_its_schema() -> None:
    by_id = {doc["$id"]: doc for doc in MESSAGE_DOCS.values()}
    dispatched = {}
    for branch in UNION["allOf"]:
        message_type = branch["if"]["properties"]["type"]["const"]
        assert branch["if"]["required"] == ["type"]
        target = by_id[branch["then"]["$ref"]]
        assert target["properties"]["type"]["const"] == message_type
        dispatched[message_type] = target
    assert sorted(dispatched) == sorted(R2_TYPES)
    assert len(UNION["allOf"]) == 26
    assert UNION["properties"]["type"]["$ref"] == COMMON["$id"] + "#/$defs/messageType"


@pytest.mark.parametrize(
    "definition", sorted(k for k, v in COMMON["$defs"].items() if "examples" in v)
)
def test_common_definition_examples_are_valid(definition: str) -> None:
    schema = {"$ref": f"{COMMON['$id']}#/$defs/{definition}"}
    checker = Draft202012Validator(
        schema, registry=REGISTRY, format_checker=Draft202012Validator.FORMAT_CHECKER
    )
    for example in COMMON["$defs"][definition]["examples"]:
        assert not list(checker.iter_errors(example)), example
        assert jsonschema_rs.validator_for(
            schema, registry=RS_REGISTRY, validate_formats=True
        ).is_valid(example)


# --------------------------------------------------------------------------
# (b) The schemas' own examples, (c) the document's examples, and more valid edges
# --------------------------------------------------------------------------


def _assert_valid(message: Any) -> None:
    issues = validate(message)
    assert issues == [], [(i.field, i.message) for i in issues]
    errors = [e.message for e in UNION_VALIDATOR.iter_errors(message)]
    assert errors == [], errors


@pytest.mark.parametrize(("name", "example"), SCHEMA_EXAMPLES, ids=[n for n, _ in SCHEMA_EXAMPLES])
def test_schema_example_is_valid(name: str, example: Any) -> None:
    assert example["type"] == MESSAGE_DOCS[name.split("#")[0]]["properties"]["type"]["const"]
    _assert_valid(example)


@pytest.mark.parametrize("vector", DOCUMENT_EXAMPLES, ids=[v["name"] for v in DOCUMENT_EXAMPLES])
def test_document_example_is_valid(vector: dict[str, Any]) -> None:
    _assert_valid(vector["message"])


def test_document_examples_cover_the_document() -> None:
    names = [v["name"] for v in DOCUMENT_EXAMPLES]
    assert len(names) == len(set(names))
    assert all(set(v) <= {"name", "note", "message"} for v in DOCUMENT_EXAMPLES)
    types = {v["message"]["type"] for v in DOCUMENT_EXAMPLES}
    # Every type but command:error, which the document names and never shows.
    assert types == set(R2_TYPES) - {"command:error"}
    by_name = {v["name"]: v["message"] for v in DOCUMENT_EXAMPLES}
    for prefix, key, alternatives in [
        ("agent:status", "status", "online|busy|error|offline"),
        ("command:request", "priority", "high|normal|low"),
        ("command:status", "status", "queued|running|completed|failed|interrupted"),
    ]:
        for alternative in alternatives.split("|"):
            assert by_name[f"{prefix}/{alternative}"][key] == alternative
    for alternative in ["stdout", "stderr", "system", "command"]:
        assert by_name[f"terminal:output/{alternative}"]["output"]["type"] == alternative
    errors = [m for m in by_name.values() if m["type"] == "connection:error"]
    assert sorted("limits" in m for m in errors) == [False, True]
    batch = by_name["batch"]
    assert [m["type"] for m in batch["messages"]] == ["terminal:output"] * 2
    assert batch["count"] == 2
    assert "note" in next(v for v in DOCUMENT_EXAMPLES if v["name"] == "batch")
    assert sum(m["type"] == "dashboard:connect" for m in by_name.values()) == 2  # + wscat
    assert len(DOCUMENT_EXAMPLES) == 39


@pytest.mark.parametrize("vector", VALID_EDGES, ids=[v["name"] for v in VALID_EDGES])
def test_valid_edge_vector_is_valid(vector: dict[str, Any]) -> None:
    _assert_valid(vector["message"])


@pytest.mark.parametrize(("name", "message"), HUGE_VALID, ids=[n for n, _ in HUGE_VALID])
def test_message_at_a_size_limit_is_valid(name: str, message: Any) -> None:
    assert validate(message) == []


# --------------------------------------------------------------------------
# (d) Invalid vectors and the R14 field
# --------------------------------------------------------------------------


def test_invalid_vector_count() -> None:
    assert len(INVALID) >= 100
    names = [v["name"] for v in INVALID]
    assert len(names) == len(set(names))
    assert all(set(v) == {"name", "message", "field"} for v in INVALID)


def test_invalid_vectors_miss_a_required_field_of_every_type() -> None:
    required = {
        d["properties"]["type"]["const"]: set(d["required"]) - {"type"}
        for d in MESSAGE_DOCS.values()
    }
    covered = {
        v["message"]["type"]
        for v in INVALID
        if isinstance(v["message"], dict)
        and isinstance(v["message"].get("type"), str)
        and v["message"]["type"] in required
        and v["field"] in required[v["message"]["type"]]
        and v["field"] not in v["message"]
    }
    assert covered == set(R2_TYPES)


def test_invalid_vectors_touch_every_type() -> None:
    types = {
        v["message"]["type"]
        for v in INVALID
        if isinstance(v["message"], dict) and isinstance(v["message"].get("type"), str)
    }
    assert set(R2_TYPES) <= types


@pytest.mark.parametrize("vector", INVALID, ids=[v["name"] for v in INVALID])
def test_invalid_vector_reports_its_field_first(vector: dict[str, Any]) -> None:
    message = vector["message"]
    issues = validate(message)
    assert issues, "expected the message to be invalid"
    assert issues[0].field == vector["field"], [(i.field, i.message) for i in issues]
    assert all(isinstance(i.message, str) and i.message for i in issues)
    assert not UNION_VALIDATOR.is_valid(message)


@pytest.mark.parametrize(
    ("name", "message", "field"), HUGE_INVALID, ids=[n for n, _, _ in HUGE_INVALID]
)
def test_message_past_a_size_limit_reports_its_field(name: str, message: Any, field: str) -> None:
    issues = validate(message)
    assert issues and issues[0].field == field


ORDER_CASES: list[tuple[str, dict[str, Any], list[str]]] = [
    (
        "missing required at its place, undocumented last",
        {"type": "agent:connect", "agentType": "X", "extra": 1, "timestamp": "bad"},
        ["agentId", "agentType", "timestamp", "extra"],
    ),
    (
        "nested object depth-first at its field's place",
        {"type": "terminal:output", "agentId": "a b", "output": {"type": "x"}, "timestamp": T},
        ["agentId", "output.type", "output.content", "output.timestamp"],
    ),
    (
        "schema order, not message order",
        {
            "zzz": 1,
            "type": "terminal:output",
            "agentId": "a",
            "output": {"content": 1, "type": "x", "timestamp": T},
            "timestamp": "bad",
            "commandId": "",
        },
        ["commandId", "output.type", "output.content", "timestamp", "zzz"],
    ),
    (
        "batch items in index order before count",
        {
            "type": "batch",
            "messages": [{"type": "heartbeat:ping", "timestamp": "bad"}, {"type": "nope"}],
            "count": 0,
            "timestamp": T,
        },
        ["messages.0.timestamp", "messages.1.type", "count"],
    ),
    (
        "undocumented fields in message order",
        {"b": 1, "type": "heartbeat:ping", "a": 2, "timestamp": T},
        ["b", "a"],
    ),
    (
        "array items in order, each depth-first",
        {
            "type": "agent:list",
            "agents": [
                {"agentId": "a", "agentType": "claude", "status": "x", "connectedAt": T, "q": 1},
                {"agentId": ""},
            ],
            "timestamp": "x",
        },
        [
            "agents.0.status",
            "agents.0.q",
            "agents.1.agentId",
            "agents.1.agentType",
            "agents.1.status",
            "agents.1.connectedAt",
            "timestamp",
        ],
    ),
    (
        "an unknown type hides every other defect",
        {"type": "agent:reboot", "agentId": "", "extra": 1},
        ["type"],
    ),
]


@pytest.mark.parametrize(
    ("name", "message", "fields"), ORDER_CASES, ids=[n for n, _, _ in ORDER_CASES]
)
def test_issue_order_follows_val_4(name: str, message: Any, fields: list[str]) -> None:
    """docs/spec.md VAL-4: with several defects, the order of the reported fields."""
    seen: list[str | None] = []
    for issue in validate(message):
        if issue.field not in seen:
            seen.append(issue.field)
    assert seen == fields


# --------------------------------------------------------------------------
# (e) Portability: jsonschema-rs gives the same verdicts
# --------------------------------------------------------------------------


def _all_vectors() -> list[tuple[str, Any, bool]]:
    """(name, message, expected valid?) for every vector of this module."""
    out: list[tuple[str, Any, bool]] = []
    out += [(f"schema example {n}", m, True) for n, m in SCHEMA_EXAMPLES]
    out += [(f"document {v['name']}", v["message"], True) for v in DOCUMENT_EXAMPLES]
    out += [(f"valid {v['name']}", v["message"], True) for v in VALID_EDGES]
    out += [(f"huge valid {n}", m, True) for n, m in HUGE_VALID]
    out += [(f"invalid {v['name']}", v["message"], False) for v in INVALID]
    out += [(f"huge invalid {n}", m, False) for n, m, _ in HUGE_INVALID]
    return out


def test_jsonschema_rs_agrees_on_every_vector() -> None:
    checked = 0
    disagreements = []
    for name, message, expected in _all_vectors():
        ours = not validate(message)
        theirs = RS_UNION.is_valid(message)
        checked += 1
        if ours != expected or theirs != expected:
            disagreements.append(
                f"{name}: expected {expected}, ours {ours}, jsonschema-rs {theirs}"
            )
    expected_count = (
        len(SCHEMA_EXAMPLES)
        + len(DOCUMENT_EXAMPLES)
        + len(VALID_EDGES)
        + len(HUGE_VALID)
        + len(INVALID)
        + len(HUGE_INVALID)
    )
    assert checked == expected_count
    assert checked >= 39 + 100 + 26
    assert disagreements == []


@pytest.mark.parametrize(
    "timestamp",
    [
        "2016-12-31T23:59:60Z",  # a real leap second; RFC 3339 time-second allows 60
        "0000-01-01T00:00:00Z",  # RFC 3339 date-fullyear is any 4DIGIT
    ],
)
def test_jsonschema_rs_agrees_on_timestamp_edges(timestamp: str) -> None:
    """The schema must decide these itself: the two format checkers disagree."""
    message = {"type": "heartbeat:ping", "timestamp": timestamp}
    assert (not validate(message)) == RS_UNION.is_valid(message)
