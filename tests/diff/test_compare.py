"""Every rule of ``onsembl diff`` fires, breaking in the direction the table says.

Each case is one small edit. Field-level cases give a probe field one schema
in the old tree and another in the new tree, in a type only clients send
(``command:request``), a type only the server sends (``command:queued``) and
a type both send (``agent:status``): the finding must be breaking exactly
when its rule breaks in that direction (for the shared type: in either).
Message-level cases (types, ``$id``, senders, receivers) edit one annotation.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import pytest
from jsonschema import Draft202012Validator

from onsembl_spec.diff import RULES, rule
from onsembl_spec.diff.rules import BOUNDS, Direction
from onsembl_spec.schemas import bundled

if TYPE_CHECKING:
    from conftest import SchemaTree, TreePair

Json = dict[str, Any]

CLIENT_TYPE = "command:request"
SERVER_TYPE = "command:queued"
SHARED_TYPE = "agent:status"
PROBE = "probe"
ID_BASE = "https://onsembl.ai/schemas/ws/v1/"


@dataclass(frozen=True)
class FieldCase:
    """``probe`` has schema ``before`` in the old tree and ``after`` in the new one."""

    rule: str
    before: Json
    after: Json
    path: str = PROBE


def _object(props: Json, closed: bool = True, required: list[str] | None = None) -> Json:
    out: Json = {"type": "object", "properties": props}
    if closed:
        out["additionalProperties"] = False
    if required is not None:
        out["required"] = required
    return out


_S = {"type": "string", "maxLength": 8}
_N = {"type": "integer", "minimum": 0, "maximum": 9}

_BOUND_BASE: dict[str, Json] = {
    "maxLength": {"type": "string"},
    "minLength": {"type": "string"},
    "maximum": {"type": "number"},
    "minimum": {"type": "number"},
    "exclusiveMaximum": {"type": "number"},
    "exclusiveMinimum": {"type": "number"},
    "maxItems": {"type": "array"},
    "minItems": {"type": "array"},
    "maxProperties": {"type": "object"},
    "minProperties": {"type": "object"},
}


def _bound_cases() -> list[FieldCase]:
    cases: list[FieldCase] = []
    for bound in BOUNDS:
        base = _BOUND_BASE[bound.keyword]
        low, high = {**base, bound.keyword: 2}, {**base, bound.keyword: 5}
        tight, loose = (low, high) if bound.is_upper else (high, low)
        cases.append(FieldCase(bound.tightened, loose, tight))
        cases.append(FieldCase(bound.loosened, tight, loose))
    # Adding a bound tightens, removing one loosens.
    cases.append(FieldCase("MAX_LENGTH_DECREASED", {"type": "string"}, _S))
    cases.append(FieldCase("MINIMUM_DECREASED", _N, {"type": "integer", "maximum": 9}))
    return cases


FIELD_CASES: list[FieldCase] = [
    FieldCase("FIELD_REMOVED", _object({"a": _S, "b": _N}), _object({"a": _S}), "probe.b"),
    FieldCase("FIELD_ADDED", _object({"a": _S}), _object({"a": _S, "b": _N}), "probe.b"),
    FieldCase("FIELD_RENAMED", _object({"a": _S}), _object({"z": _S}), "probe.a"),
    FieldCase(
        "FIELD_UNCONSTRAINED",
        _object({"a": _S, "b": _N}, closed=False),
        _object({"a": _S}, closed=False),
        "probe.b",
    ),
    FieldCase(
        "FIELD_CONSTRAINED",
        _object({"a": _S}, closed=False),
        _object({"a": _S, "b": _N}, closed=False),
        "probe.b",
    ),
    FieldCase(
        "REQUIRED_ADDED",
        _object({"a": _S}, required=[]),
        _object({"a": _S}, required=["a"]),
        "probe.a",
    ),
    FieldCase(
        "REQUIRED_REMOVED",
        _object({"a": _S}, required=["a"]),
        _object({"a": _S}),
        "probe.a",
    ),
    FieldCase("ADDITIONAL_PROPERTIES_CLOSED", _object({}, closed=False), _object({})),
    FieldCase("ADDITIONAL_PROPERTIES_OPENED", _object({}), _object({}, closed=False)),
    FieldCase("JSON_TYPE_NARROWED", {"type": "number"}, {"type": "integer"}),
    FieldCase("JSON_TYPE_NARROWED", {"type": ["string", "null"]}, {"type": "string"}),
    FieldCase("JSON_TYPE_WIDENED", {"type": "integer"}, {"type": "number"}),
    FieldCase("JSON_TYPE_CHANGED", {"type": "string"}, {"type": "integer"}),
    FieldCase("ENUM_VALUE_REMOVED", {"enum": ["x", "y"]}, {"enum": ["x"]}),
    FieldCase("ENUM_VALUE_ADDED", {"enum": ["x"]}, {"enum": ["x", "y"]}),
    FieldCase("ENUM_ADDED", {"type": "string"}, {"type": "string", "enum": ["x"]}),
    FieldCase("ENUM_REMOVED", {"type": "string", "enum": ["x"]}, {"type": "string"}),
    FieldCase("CONST_CHANGED", {"const": "x"}, {"const": "y"}),
    FieldCase("CONST_ADDED", {"type": "string"}, {"type": "string", "const": "x"}),
    FieldCase("CONST_REMOVED", {"type": "string", "const": "x"}, {"type": "string"}),
    FieldCase(
        "PATTERN_CHANGED",
        {"type": "string", "pattern": "^a$"},
        {"type": "string", "pattern": "^b$"},
    ),
    FieldCase(
        "PATTERN_CHANGED",
        {"type": "string", "pattern": "^a|b$"},
        {"type": "string", "pattern": "^a$"},
    ),
    FieldCase(
        "PATTERN_TIGHTENED",
        {"type": "string", "pattern": "^[a-z]{1,8}$"},
        {"type": "string", "pattern": "^[a-z]{1,4}$"},
    ),
    FieldCase(
        "PATTERN_LOOSENED",
        {"type": "string", "pattern": "^[ab]+$"},
        {"type": "string", "pattern": "^[a-c]+$"},
    ),
    FieldCase(
        "PATTERN_REWRITTEN",
        {"type": "string", "pattern": "^[0-9]+$"},
        {"type": "string", "pattern": "^\\d+$"},
    ),
    FieldCase("PATTERN_ADDED", {"type": "string"}, {"type": "string", "pattern": "^a$"}),
    FieldCase("PATTERN_REMOVED", {"type": "string", "pattern": "^a$"}, {"type": "string"}),
    FieldCase(
        "FORMAT_CHANGED",
        {"type": "string", "format": "date-time"},
        {"type": "string", "format": "email"},
    ),
    FieldCase("FORMAT_ADDED", {"type": "string"}, {"type": "string", "format": "email"}),
    FieldCase("FORMAT_REMOVED", {"type": "string", "format": "email"}, {"type": "string"}),
    *_bound_cases(),
    FieldCase(
        "MESSAGE_REF_CHANGED",
        {"$ref": ID_BASE + "message.json"},
        {"$ref": ID_BASE + "messages/heartbeat-ping.json"},
    ),
    FieldCase(
        "KEYWORD_CHANGED",
        {"type": "array", "uniqueItems": False},
        {"type": "array", "uniqueItems": True},
    ),
    FieldCase(
        "KEYWORD_CHANGED",
        {"type": "string", "not": {"const": "a"}},
        {"type": "string", "not": {"const": "b"}},
    ),
]


def _expected(rule_id: str, message_type: str) -> bool:
    directions: dict[str, tuple[Direction, ...]] = {
        CLIENT_TYPE: ("client",),
        SERVER_TYPE: ("server",),
        SHARED_TYPE: ("client", "server"),
    }
    return rule(rule_id).breaks(directions[message_type])


@pytest.mark.parametrize("case", FIELD_CASES, ids=lambda c: f"{c.rule}")
def test_field_rule_fires_with_its_direction(trees: TreePair, case: FieldCase) -> None:
    """The same edit in a client-sent, a server-sent and a shared type."""
    message_types = (CLIENT_TYPE, SERVER_TYPE, SHARED_TYPE)
    for message_type in message_types:
        trees.old.set_property(message_type, PROBE, case.before)
        trees.new.set_property(message_type, PROBE, case.after)
    report = trees.compare()
    assert sorted((f.rule, f.type, f.path) for f in report.findings) == sorted(
        (case.rule, t, case.path) for t in message_types
    )
    for finding in report.findings:
        assert finding.type is not None
        assert finding.breaking is _expected(case.rule, finding.type), finding.type
        assert finding.message


@dataclass(frozen=True)
class TypeCase:
    """``edit(new_tree)``; the finding of ``rule`` for ``message_type`` must break iff expected."""

    rule: str
    direction: Direction
    message_type: str
    edit: Callable[[SchemaTree], None]
    path: str


def _roles(
    message_type: str, key: str, change: Callable[[list[str]], None]
) -> Callable[[SchemaTree], None]:
    def edit(tree: SchemaTree) -> None:
        tree.edit_type(message_type, lambda doc: change(doc[key]))

    return edit


def _remove_type(message_type: str) -> Callable[[SchemaTree], None]:
    def edit(tree: SchemaTree) -> None:
        tree.path_of(message_type).unlink()
        tree.edit("common.json", lambda c: c["$defs"]["messageType"]["enum"].remove(message_type))

        def drop_branch(union: Json) -> None:
            union["allOf"] = [
                b for b in union["allOf"] if b["if"]["properties"]["type"]["const"] != message_type
            ]

        tree.edit("message.json", drop_branch)

    return edit


def _add_type(sender: str) -> Callable[[SchemaTree], None]:
    def edit(tree: SchemaTree) -> None:
        schema = tree.read("messages/heartbeat-ping.json")
        schema["$id"] = ID_BASE + "messages/probe-ping.json"
        schema["properties"]["type"]["const"] = "probe:ping"
        schema["x-sender"] = [sender]
        schema["x-receiver"] = ["server"] if sender != "server" else ["dashboard"]
        tree.write("messages/probe-ping.json", schema)
        tree.edit("common.json", lambda c: c["$defs"]["messageType"]["enum"].append("probe:ping"))

    return edit


def _new_id(message_type: str) -> Callable[[SchemaTree], None]:
    def edit(tree: SchemaTree) -> None:
        tree.edit_type(message_type, lambda doc: doc.__setitem__("$id", ID_BASE + "v2/x.json"))

    return edit


TYPE_CASES: list[TypeCase] = [
    TypeCase(
        "MESSAGE_TYPE_REMOVED",
        "client",
        "dashboard:disconnect",
        _remove_type("dashboard:disconnect"),
        "",
    ),
    TypeCase(
        "MESSAGE_TYPE_REMOVED",
        "server",
        "auth:refresh-failed",
        _remove_type("auth:refresh-failed"),
        "",
    ),
    TypeCase("MESSAGE_TYPE_ADDED", "client", "probe:ping", _add_type("dashboard"), ""),
    TypeCase("MESSAGE_TYPE_ADDED", "server", "probe:ping", _add_type("server"), ""),
    TypeCase("ID_CHANGED", "client", CLIENT_TYPE, _new_id(CLIENT_TYPE), "$id"),
    TypeCase("ID_CHANGED", "server", SERVER_TYPE, _new_id(SERVER_TYPE), "$id"),
    # A client role gains the right to send: the server accepts more.
    TypeCase(
        "SENDER_ADDED",
        "client",
        CLIENT_TYPE,
        _roles(CLIENT_TYPE, "x-sender", lambda r: r.append("agent")),
        "x-sender",
    ),
    # The server starts sending a type clients never received from it.
    TypeCase(
        "SENDER_ADDED",
        "server",
        CLIENT_TYPE,
        _roles(CLIENT_TYPE, "x-sender", lambda r: r.append("server")),
        "x-sender",
    ),
    TypeCase(
        "SENDER_REMOVED",
        "client",
        "terminal:clear",
        _roles("terminal:clear", "x-sender", lambda r: r.remove("dashboard")),
        "x-sender",
    ),
    TypeCase(
        "SENDER_REMOVED",
        "server",
        "terminal:clear",
        _roles("terminal:clear", "x-sender", lambda r: r.remove("server")),
        "x-sender",
    ),
    TypeCase(
        "RECEIVER_ADDED",
        "client",
        SERVER_TYPE,
        _roles(SERVER_TYPE, "x-receiver", lambda r: r.append("server")),
        "x-receiver",
    ),
    TypeCase(
        "RECEIVER_ADDED",
        "server",
        CLIENT_TYPE,
        _roles(CLIENT_TYPE, "x-receiver", lambda r: r.append("agent")),
        "x-receiver",
    ),
    TypeCase(
        "RECEIVER_REMOVED",
        "client",
        SHARED_TYPE,
        _roles(SHARED_TYPE, "x-receiver", lambda r: r.remove("server")),
        "x-receiver",
    ),
    TypeCase(
        "RECEIVER_REMOVED",
        "server",
        SHARED_TYPE,
        _roles(SHARED_TYPE, "x-receiver", lambda r: r.remove("dashboard")),
        "x-receiver",
    ),
]


@pytest.mark.parametrize("case", TYPE_CASES, ids=lambda c: f"{c.rule}-{c.direction}")
def test_type_rule_fires_with_its_direction(trees: TreePair, case: TypeCase) -> None:
    new = trees.new
    case.edit(new)
    findings = trees.findings(case.rule, case.message_type)
    assert len(findings) == 1, findings
    assert findings[0].path == case.path
    assert findings[0].breaking is rule(case.rule).breaks((case.direction,))


def test_every_rule_has_cases_in_both_directions() -> None:
    """The done-criterion of the issue: no rule without a test in each direction."""
    covered: dict[str, set[str]] = {}
    for field_case in FIELD_CASES:
        covered.setdefault(field_case.rule, set()).update({"client", "server"})
    for type_case in TYPE_CASES:
        covered.setdefault(type_case.rule, set()).add(type_case.direction)
    assert {r.id: {"client", "server"} for r in RULES} == covered


def test_rules_that_break_one_way_are_safe_the_other_way() -> None:
    """The direction matters: a tightening is safe for server-sent types, and so on."""
    one_way = [r for r in RULES if r.breaks_client_sent != r.breaks_server_sent]
    assert {r.id for r in one_way} >= {"REQUIRED_ADDED", "ENUM_VALUE_ADDED", "FIELD_ADDED"}


def test_no_change_gives_no_findings(trees: TreePair) -> None:
    report = trees.compare()
    assert report.findings == ()
    assert report.breaking is False


def test_annotation_changes_are_not_findings(trees: TreePair) -> None:
    new = trees.new

    def reword(doc: Json) -> None:
        doc["description"] = "Reworded."
        doc["properties"]["agentId"]["description"] = "Reworded too."
        doc["examples"] = []

    new.edit_type(CLIENT_TYPE, reword)
    assert trees.compare().findings == ()


def test_common_change_is_reported_per_type_and_path(trees: TreePair) -> None:
    """A tighter ``identifier`` reaches every agentId, with each type's direction."""
    new = trees.new
    new.edit("common.json", lambda c: c["$defs"]["identifier"].__setitem__("maxLength", 64))
    report = trees.compare()
    findings = [f for f in report.findings if f.rule == "MAX_LENGTH_DECREASED"]
    where = {(f.type, f.path): f.breaking for f in findings}
    assert where[(CLIENT_TYPE, "agentId")] is True
    assert where[(SERVER_TYPE, "agentId")] is False
    assert where[("agent:list", "agents[].agentId")] is False
    assert where[(SHARED_TYPE, "agentId")] is True
    assert len(where) == len(findings), "one finding per type and path"
    assert {f.before for f in findings} == {128} and {f.after for f in findings} == {64}


def test_rename_does_not_also_report_required_changes(
    trees: TreePair,
) -> None:
    new = trees.new

    def rename(doc: Json) -> None:
        doc["properties"]["position2"] = doc["properties"].pop("position")
        doc["required"] = ["position2" if n == "position" else n for n in doc["required"]]

    new.edit_type(SERVER_TYPE, rename)
    report = trees.compare()
    assert [(f.rule, f.path, f.before, f.after) for f in report.findings] == [
        ("FIELD_RENAMED", "position", "position", "position2")
    ]
    assert report.breaking


def test_removed_required_field_breaks_both_ways(trees: TreePair) -> None:
    """Client-sent: FIELD_REMOVED (closed schema); server-sent: REQUIRED_REMOVED."""
    new = trees.new

    def drop_position(doc: Json) -> None:
        del doc["properties"]["position"]
        doc["required"].remove("position")

    new.edit_type(SERVER_TYPE, drop_position)
    rules: dict[str, Any] = {f.rule: f.breaking for f in trees.compare().findings}
    assert rules == {"FIELD_REMOVED": False, "REQUIRED_REMOVED": True}


def test_batch_items_are_not_walked_into_every_message(
    trees: TreePair,
) -> None:
    """A change inside one type is reported for that type, not again under ``batch``."""
    new = trees.new
    new.edit("common.json", lambda c: c["$defs"]["priority"]["enum"].remove("low"))
    types = {f.type for f in trees.compare().findings}
    assert types == {CLIENT_TYPE}


# The verdicts, written out independently of the rule table: "client" breaks
# only messages clients send (the server accepts less), "server" only
# messages the server sends (clients may receive more), "both", or "none".
EXPECTED_VERDICTS = {
    "MESSAGE_TYPE_REMOVED": "both",
    "MESSAGE_TYPE_ADDED": "server",
    "ID_CHANGED": "both",
    "SENDER_ADDED": "server",
    "SENDER_REMOVED": "client",
    "RECEIVER_ADDED": "server",
    "RECEIVER_REMOVED": "client",
    "FIELD_REMOVED": "client",
    "FIELD_ADDED": "server",
    "FIELD_RENAMED": "both",
    "FIELD_UNCONSTRAINED": "server",
    "FIELD_CONSTRAINED": "client",
    "REQUIRED_ADDED": "client",
    "REQUIRED_REMOVED": "server",
    "ADDITIONAL_PROPERTIES_CLOSED": "client",
    "ADDITIONAL_PROPERTIES_OPENED": "server",
    "JSON_TYPE_NARROWED": "client",
    "JSON_TYPE_WIDENED": "server",
    "JSON_TYPE_CHANGED": "both",
    "ENUM_VALUE_REMOVED": "client",
    "ENUM_VALUE_ADDED": "server",
    "ENUM_ADDED": "client",
    "ENUM_REMOVED": "server",
    "CONST_CHANGED": "both",
    "CONST_ADDED": "client",
    "CONST_REMOVED": "server",
    "PATTERN_CHANGED": "both",
    "PATTERN_TIGHTENED": "client",
    "PATTERN_LOOSENED": "server",
    "PATTERN_REWRITTEN": "none",
    "PATTERN_ADDED": "client",
    "PATTERN_REMOVED": "server",
    "FORMAT_CHANGED": "both",
    "FORMAT_ADDED": "client",
    "FORMAT_REMOVED": "server",
    "MAX_LENGTH_DECREASED": "client",
    "MAX_LENGTH_INCREASED": "server",
    "MIN_LENGTH_INCREASED": "client",
    "MIN_LENGTH_DECREASED": "server",
    "MAXIMUM_DECREASED": "client",
    "MAXIMUM_INCREASED": "server",
    "MINIMUM_INCREASED": "client",
    "MINIMUM_DECREASED": "server",
    "EXCLUSIVE_MAXIMUM_DECREASED": "client",
    "EXCLUSIVE_MAXIMUM_INCREASED": "server",
    "EXCLUSIVE_MINIMUM_INCREASED": "client",
    "EXCLUSIVE_MINIMUM_DECREASED": "server",
    "MAX_ITEMS_DECREASED": "client",
    "MAX_ITEMS_INCREASED": "server",
    "MIN_ITEMS_INCREASED": "client",
    "MIN_ITEMS_DECREASED": "server",
    "MAX_PROPERTIES_DECREASED": "client",
    "MAX_PROPERTIES_INCREASED": "server",
    "MIN_PROPERTIES_INCREASED": "client",
    "MIN_PROPERTIES_DECREASED": "server",
    "MESSAGE_REF_CHANGED": "both",
    "KEYWORD_CHANGED": "both",
}


def test_rule_table_verdicts_match_the_issue() -> None:
    """Client-sent: accepting less breaks; server-sent: sending more breaks."""
    verdicts = {
        (True, True): "both",
        (True, False): "client",
        (False, True): "server",
        (False, False): "none",
    }
    table = {r.id: verdicts[(r.breaks_client_sent, r.breaks_server_sent)] for r in RULES}
    assert table == EXPECTED_VERDICTS


def _reverse(verdict: str) -> str:
    return {"client": "server", "server": "client"}.get(verdict, verdict)


@pytest.mark.parametrize("case", FIELD_CASES, ids=lambda c: f"{c.rule}")
def test_undoing_a_change_breaks_the_other_direction(trees: TreePair, case: FieldCase) -> None:
    """What tightens a client-sent type loosens it when undone, and the reverse."""
    trees.old.set_property(SHARED_TYPE, PROBE, case.after)
    trees.new.set_property(SHARED_TYPE, PROBE, case.before)
    [finding] = trees.compare().findings
    assert EXPECTED_VERDICTS[finding.rule] == _reverse(EXPECTED_VERDICTS[case.rule])


def test_a_new_connection_error_code_is_reported(trees: TreePair) -> None:
    """TYPE-2: a new code of ``connection:error`` is a breaking protocol change."""

    def add_code(doc: Json) -> None:
        doc["properties"]["code"]["enum"].append("TOO_MANY_AGENTS")

    trees.new.edit_type("connection:error", add_code)
    findings = trees.findings("ENUM_VALUE_ADDED", "connection:error")
    assert [(f.path, f.after, f.breaking) for f in findings] == [("code", "TOO_MANY_AGENTS", True)]


def test_moving_common_json_reports_its_id_only(trees: TreePair) -> None:
    """Every $ref follows the new $id of common.json: the shapes are unchanged."""
    old_id = ID_BASE + "common.json"
    new_id = "https://onsembl.ai/schemas/ws/v2/common.json"
    for path in trees.new.root.rglob("*.json"):
        path.write_text(path.read_text(encoding="utf-8").replace(old_id, new_id), encoding="utf-8")
    report = trees.compare()
    assert [(f.rule, f.type, f.path, f.before, f.after, f.breaking) for f in report.findings] == [
        ("ID_CHANGED", None, "$id", old_id, new_id, True)
    ]


# -- The verdicts agree with a real validator --------------------------------
#
# For every field case, a pool of JSON values is validated (jsonschema,
# formats asserted) under the old and the new schema of the field. A rule
# that breaks client-sent messages must make the schema accept less (some
# value valid before is invalid after, nothing new is valid); one that breaks
# server-sent messages must make it accept more (the mirror image); one that
# breaks both ways must at least change the verdict on some value.

PING = {"type": "heartbeat:ping", "timestamp": "2024-01-01T12:00:00Z"}
STATUS = {
    "type": "agent:status",
    "agentId": "agent-1",
    "status": "online",
    "timestamp": "2024-01-01T12:00:00Z",
}

POOL: list[Any] = [
    None,
    True,
    *(-1, 0, 1, 1.5, 2, 3, 4, 5, 6, 10),
    *("", "a", "b", "x", "y", "ab", "abc", "abcd", "abcde", "abcdef", "abcdefghij"),
    "2024-01-01T12:00:00Z",
    "someone@example.com",
    *([], [1], [1, 2], [1, 1], [1, 2, 3], [1, 2, 3, 4, 5, 6]),
    {},
    {"a": "s"},
    {"a": 1},
    {"b": 1},
    {"b": "s"},
    {"z": "s"},
    {"a": "s", "b": 1},
    {"a": "s", "b": 1, "c": 2},
    {"a": "s", "b": 1, "c": 2, "d": 3, "e": 4, "f": 5},
    PING,
    STATUS,
]


def _accepted(schema: dict[str, Any]) -> set[int]:
    validator = Draft202012Validator(
        schema,
        registry=bundled().registry,
        format_checker=Draft202012Validator.FORMAT_CHECKER,
    )
    return {i for i, value in enumerate(POOL) if validator.is_valid(value)}


@pytest.mark.parametrize("case", FIELD_CASES, ids=lambda c: c.rule)
def test_verdict_matches_validation(case: FieldCase) -> None:
    before, after = _accepted(case.before), _accepted(case.after)
    verdict = EXPECTED_VERDICTS[case.rule]
    if verdict == "client":
        assert before - after, "the change should refuse something it accepted"
        assert not after - before, "a tightening must not accept anything new"
    elif verdict == "server":
        assert after - before, "the change should accept something it refused"
        assert not before - after, "a loosening must not refuse anything it accepted"
    elif verdict == "none":
        assert before == after, "a safe rewrite must not alter any verdict"
    else:
        assert verdict == "both"
        assert before != after, "the change should alter some verdict"


def test_a_new_client_type_still_breaks_through_compressed(trees: TreePair) -> None:
    """docs/diff.md: the new name widens ``compressed.originalType``, sent by the server."""
    _add_type("agent")(trees.new)
    report = trees.compare()
    verdicts = {(f.rule, f.type, f.path): f.breaking for f in report.findings}
    assert verdicts == {
        ("MESSAGE_TYPE_ADDED", "probe:ping", ""): False,
        ("ENUM_VALUE_ADDED", "compressed", "originalType"): True,
    }
