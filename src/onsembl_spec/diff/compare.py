"""Comparing two schema sets message type by message type.

:func:`diff_schema_sets` walks the effective schema of every message type on
both sides (:mod:`onsembl_spec.diff.walker`) and reports each difference as a
:class:`~onsembl_spec.diff.findings.Finding` of one rule of
:mod:`onsembl_spec.diff.rules`, classified by the directions the type travels
(its ``x-sender`` roles on either side; the catalogue of section 17 of
``docs/spec.md``). Schemas are compared, not behaviour: MSG-2 makes each
type's schema the definition of a valid message.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any, NamedTuple

from onsembl_spec.diff.documentation import documentation_changes
from onsembl_spec.diff.findings import DiffReport, Finding, classify, directions_of
from onsembl_spec.diff.regex import Relation, compare_patterns
from onsembl_spec.diff.rules import BOUNDS, Direction, RuleId
from onsembl_spec.diff.walker import MESSAGE_MARKER, Node, effective_schemas
from onsembl_spec.schemas import SchemaSet

_JSON_TYPES = ("null", "boolean", "object", "array", "number", "integer", "string")

_COMPARED = frozenset(
    {
        "type",
        "const",
        "enum",
        "pattern",
        "format",
        "properties",
        "required",
        "additionalProperties",
        "items",
        MESSAGE_MARKER,
        *(b.keyword for b in BOUNDS),
    }
)
"""Keywords with rules of their own; any other keyword is ``KEYWORD_CHANGED``."""


_PATTERN_RULES: Mapping[Relation, tuple[RuleId, str]] = {
    "equivalent": (RuleId.PATTERN_REWRITTEN, "rewritten, accepting the same strings"),
    "tightened": (RuleId.PATTERN_TIGHTENED, "now accepts fewer strings"),
    "loosened": (RuleId.PATTERN_LOOSENED, "now accepts more strings"),
    "changed": (RuleId.PATTERN_CHANGED, "changed, accepting other strings"),
    "unknown": (RuleId.PATTERN_CHANGED, "changed (the regexes cannot be compared)"),
}


class _ChangedAddedRemoved(NamedTuple):
    """The three rules of a keyword compared only by presence and equality."""

    changed: RuleId
    added: RuleId
    removed: RuleId


_FORMAT_RULES = _ChangedAddedRemoved(
    RuleId.FORMAT_CHANGED, RuleId.FORMAT_ADDED, RuleId.FORMAT_REMOVED
)
_PATTERN_PRESENCE = _ChangedAddedRemoved(
    RuleId.PATTERN_CHANGED, RuleId.PATTERN_ADDED, RuleId.PATTERN_REMOVED
)

_ROLE_RULES: Mapping[tuple[str, bool], RuleId] = {
    ("x-sender", True): RuleId.SENDER_ADDED,
    ("x-sender", False): RuleId.SENDER_REMOVED,
    ("x-receiver", True): RuleId.RECEIVER_ADDED,
    ("x-receiver", False): RuleId.RECEIVER_REMOVED,
}
"""``x-sender``/``x-receiver`` changes: (annotation, role gained) to the rule."""


def _show(value: Any) -> str:
    return json.dumps(value, ensure_ascii=False, sort_keys=True)


def _field(path: str) -> str:
    return f"`{path}`" if path else "the message"


def _join(path: str, name: str) -> str:
    return f"{path}.{name}" if path else name


@dataclass
class _TypeComparison:
    """Collects the findings of one message type."""

    message_type: str | None
    directions: frozenset[Direction]
    findings: list[Finding] = field(default_factory=list)

    def add(
        self,
        rule_id: RuleId,
        path: str,
        before: Any,
        after: Any,
        message: str,
        directions: Iterable[Direction] | None = None,
    ) -> None:
        breaking = classify(rule_id, self.directions if directions is None else directions)
        self.findings.append(
            Finding(rule_id, breaking, self.message_type, path, before, after, message)
        )

    # -- one node -----------------------------------------------------------

    def node(self, old: Node, new: Node, path: str) -> None:
        if old == new:
            return
        old, new = _as_dict(old), _as_dict(new)
        if MESSAGE_MARKER in old or MESSAGE_MARKER in new:
            before, after = old.get(MESSAGE_MARKER), new.get(MESSAGE_MARKER)
            if before != after:
                self.add(
                    RuleId.MESSAGE_REF_CHANGED,
                    path,
                    before,
                    after,
                    f"{_field(path)} refers to another message schema",
                )
        self._json_type(old.get("type"), new.get("type"), path)
        self._const(old, new, path)
        self._enum(old, new, path)
        self._pattern(old, new, path)
        self._changed_added_removed("format", _FORMAT_RULES, old, new, path)
        self._bounds(old, new, path)
        self._object(old, new, path)
        if "items" in old or "items" in new:
            self.node(old.get("items", True), new.get("items", True), f"{path}[]")
        for keyword in sorted((old.keys() | new.keys()) - _COMPARED):
            before, after = old.get(keyword), new.get(keyword)
            if before != after:
                self.add(
                    RuleId.KEYWORD_CHANGED,
                    path,
                    before,
                    after,
                    f"`{keyword}` of {_field(path)} changed",
                )

    def _json_type(self, before: Any, after: Any, path: str) -> None:
        if before == after:
            return
        old_types, new_types = _type_set(before), _type_set(after)
        if old_types == new_types:
            return
        if new_types <= old_types:
            rule_id, verb = RuleId.JSON_TYPE_NARROWED, "narrowed"
        elif old_types <= new_types:
            rule_id, verb = RuleId.JSON_TYPE_WIDENED, "widened"
        else:
            rule_id, verb = RuleId.JSON_TYPE_CHANGED, "changed"
        self.add(
            rule_id,
            path,
            before,
            after,
            f"JSON type of {_field(path)} {verb}",
        )

    def _const(self, old: Mapping[str, Any], new: Mapping[str, Any], path: str) -> None:
        if "const" not in old and "const" not in new:
            return
        before, after = old.get("const"), new.get("const")
        if "const" in old and "const" in new:
            if before != after:
                self.add(
                    RuleId.CONST_CHANGED,
                    path,
                    before,
                    after,
                    f"fixed value of {_field(path)} changed",
                )
        elif "const" in new:
            self.add(RuleId.CONST_ADDED, path, None, after, f"{_field(path)} now has a fixed value")
        else:
            self.add(
                RuleId.CONST_REMOVED,
                path,
                before,
                None,
                f"{_field(path)} no longer has a fixed value",
            )

    def _enum(self, old: Mapping[str, Any], new: Mapping[str, Any], path: str) -> None:
        before, after = old.get("enum"), new.get("enum")
        if before == after:
            return
        if isinstance(before, list) and isinstance(after, list):
            for value in before:
                if value not in after:
                    self.add(
                        RuleId.ENUM_VALUE_REMOVED,
                        path,
                        value,
                        None,
                        f"{_field(path)} no longer allows this value",
                    )
            for value in after:
                if value not in before:
                    self.add(
                        RuleId.ENUM_VALUE_ADDED,
                        path,
                        None,
                        value,
                        f"{_field(path)} now allows this value",
                    )
        elif after is not None:
            self.add(
                RuleId.ENUM_ADDED, path, None, after, f"{_field(path)} is now restricted to a list"
            )
        else:
            self.add(
                RuleId.ENUM_REMOVED,
                path,
                before,
                None,
                f"{_field(path)} is no longer restricted to a list",
            )

    def _pattern(self, old: Mapping[str, Any], new: Mapping[str, Any], path: str) -> None:
        """A changed regex is judged by the strings each side accepts (:mod:`.regex`)."""
        before, after = old.get("pattern"), new.get("pattern")
        if not (isinstance(before, str) and isinstance(after, str)) or before == after:
            self._changed_added_removed("pattern", _PATTERN_PRESENCE, old, new, path)
            return
        relation = compare_patterns(before, after)
        rule_id, text = _PATTERN_RULES[relation]
        self.add(rule_id, path, before, after, f"`pattern` of {_field(path)} {text}")

    def _changed_added_removed(
        self,
        keyword: str,
        rules: _ChangedAddedRemoved,
        old: Mapping[str, Any],
        new: Mapping[str, Any],
        path: str,
    ) -> None:
        before, after = old.get(keyword), new.get(keyword)
        if before == after:
            return
        if before is not None and after is not None:
            rule_id, text = rules.changed, "changed"
        elif after is not None:
            rule_id, text = rules.added, "added"
        else:
            rule_id, text = rules.removed, "removed"
        self.add(rule_id, path, before, after, f"`{keyword}` of {_field(path)} {text}")

    def _bounds(self, old: Mapping[str, Any], new: Mapping[str, Any], path: str) -> None:
        for bound in BOUNDS:
            before, after = old.get(bound.keyword), new.get(bound.keyword)
            if before == after:
                continue
            neutral = float("inf") if bound.is_upper else _lowest(bound.keyword)
            old_value = neutral if before is None else before
            new_value = neutral if after is None else after
            if old_value == new_value:
                continue
            tighter = new_value < old_value if bound.is_upper else new_value > old_value
            rule_id = bound.tightened if tighter else bound.loosened
            self.add(
                rule_id,
                path,
                before,
                after,
                f"`{bound.keyword}` of {_field(path)} {'tightened' if tighter else 'loosened'}",
            )

    # -- objects ------------------------------------------------------------

    def _object(self, old: Mapping[str, Any], new: Mapping[str, Any], path: str) -> None:
        old_props: Mapping[str, Node] = old.get("properties", {})
        new_props: Mapping[str, Node] = new.get("properties", {})
        old_closed = old.get("additionalProperties", True) is False
        new_closed = new.get("additionalProperties", True) is False
        if old_closed != new_closed:
            rule_id = (
                RuleId.ADDITIONAL_PROPERTIES_CLOSED
                if new_closed
                else RuleId.ADDITIONAL_PROPERTIES_OPENED
            )
            self.add(
                rule_id,
                path,
                old.get("additionalProperties"),
                new.get("additionalProperties"),
                f"{_field(path)} {'no longer allows' if new_closed else 'now allows'}"
                " undocumented fields",
            )
        elif not old_closed and ("additionalProperties" in old or "additionalProperties" in new):
            self.node(
                old.get("additionalProperties", True),
                new.get("additionalProperties", True),
                _join(path, "*"),
            )
        removed = [n for n in old_props if n not in new_props]
        added = [n for n in new_props if n not in old_props]
        renamed = _renames(removed, added, old_props, new_props)
        for before, after in renamed.items():
            self.add(
                RuleId.FIELD_RENAMED,
                _join(path, before),
                before,
                after,
                f"field `{_join(path, before)}` renamed to `{_join(path, after)}`",
            )
        for name in removed:
            if name in renamed:
                continue
            rule_id = RuleId.FIELD_REMOVED if new_closed else RuleId.FIELD_UNCONSTRAINED
            self.add(rule_id, _join(path, name), name, None, f"field `{_join(path, name)}` removed")
        renamed_to = set(renamed.values())
        for name in added:
            if name in renamed_to:
                continue
            rule_id = RuleId.FIELD_ADDED if old_closed else RuleId.FIELD_CONSTRAINED
            self.add(rule_id, _join(path, name), None, name, f"field `{_join(path, name)}` added")
        for name in old_props:
            if name in new_props:
                self.node(old_props[name], new_props[name], _join(path, name))
        self._required(old, new, path, set(renamed) | renamed_to)

    def _required(
        self, old: Mapping[str, Any], new: Mapping[str, Any], path: str, renamed: set[str]
    ) -> None:
        old_required: list[str] = list(old.get("required", []))
        new_required: list[str] = list(new.get("required", []))
        for name in new_required:
            if name not in old_required and name not in renamed:
                self.add(
                    RuleId.REQUIRED_ADDED,
                    _join(path, name),
                    False,
                    True,
                    f"field `{_join(path, name)}` is now required",
                )
        for name in old_required:
            if name not in new_required and name not in renamed:
                self.add(
                    RuleId.REQUIRED_REMOVED,
                    _join(path, name),
                    True,
                    False,
                    f"field `{_join(path, name)}` is no longer required",
                )


def _as_dict(node: Node) -> dict[str, Any]:
    if node is True:
        return {}
    if node is False:
        return {"not": {}}
    return dict(node)


def _type_set(value: Any) -> frozenset[str]:
    """JSON types a ``type`` keyword allows (all when absent); integers are numbers."""
    if value is None:
        return frozenset(_JSON_TYPES)
    types = {value} if isinstance(value, str) else set(value)
    if "number" in types:
        types.add("integer")
    return frozenset(types)


def _lowest(keyword: str) -> float:
    """The value of an absent lower bound: 0 for counts, -inf for numbers."""
    return float("-inf") if keyword in ("minimum", "exclusiveMinimum") else 0


def _renames(
    removed: list[str],
    added: list[str],
    old_props: Mapping[str, Node],
    new_props: Mapping[str, Node],
) -> dict[str, str]:
    """Pairs (old name -> new name) of a removed and an added field with equal schemas."""
    pairs: dict[str, str] = {}
    taken: set[str] = set()
    for old_name in removed:
        for new_name in added:
            if new_name not in taken and old_props[old_name] == new_props[new_name]:
                pairs[old_name] = new_name
                taken.add(new_name)
                break
    return pairs


def _dedupe(findings: Iterable[Finding]) -> list[Finding]:
    seen: set[tuple[RuleId, str | None, str, str, str]] = set()
    out: list[Finding] = []
    for f in findings:
        key = (f.rule, f.type, f.path, _show(f.before), _show(f.after))
        if key not in seen:
            seen.add(key)
            out.append(f)
    return out


def _roles(
    compare: _TypeComparison,
    annotation: str,
    before: Iterable[str],
    after: Iterable[str],
) -> None:
    """``x-sender``/``x-receiver`` changes; each judged in the direction of its role."""
    old_roles, new_roles = list(before), list(after)
    sender = annotation == "x-sender"
    verb = "send" if sender else "receive"
    for role in [*new_roles, *old_roles]:
        if (role in old_roles) == (role in new_roles):
            continue
        gained = role in new_roles
        if sender:
            direction: Direction = "server" if role == "server" else "client"
        else:  # a message received by the server travels from a client
            direction = "client" if role == "server" else "server"
        compare.add(
            _ROLE_RULES[annotation, gained],
            annotation,
            None if gained else role,
            role if gained else None,
            f"`{role}` {'may now' if gained else 'may no longer'} {verb} it",
            directions=(direction,),
        )


def _document_ids(old: SchemaSet, new: SchemaSet) -> list[Finding]:
    out = _TypeComparison(None, frozenset({"client", "server"}))
    for name, before, after in (
        ("common.json", old.common.get("$id"), new.common.get("$id")),
        ("message.json", old.union.get("$id"), new.union.get("$id")),
    ):
        if before != after:
            out.add(RuleId.ID_CHANGED, "$id", before, after, f"$id of {name} changed")
    return out.findings


def diff_schema_sets(
    old: SchemaSet, new: SchemaSet, old_label: str = "old", new_label: str = "new"
) -> DiffReport:
    """Every difference between ``old`` and ``new``, classified (see :mod:`.rules`)."""
    findings = _document_ids(old, new)
    old_effective, new_effective = effective_schemas(old), effective_schemas(new)
    order = [*new.types, *(t for t in old.types if t not in new.by_type)]
    for message_type in order:
        if message_type not in new.by_type:
            gone = _TypeComparison(message_type, directions_of(old.senders(message_type)))
            gone.add(RuleId.MESSAGE_TYPE_REMOVED, "", message_type, None, "message type removed")
            findings.extend(gone.findings)
            continue
        if message_type not in old.by_type:
            added = _TypeComparison(message_type, directions_of(new.senders(message_type)))
            added.add(RuleId.MESSAGE_TYPE_ADDED, "", None, message_type, "new message type")
            findings.extend(added.findings)
            continue
        senders = {*old.senders(message_type), *new.senders(message_type)}
        compare = _TypeComparison(message_type, directions_of(senders))
        before_id = old.by_type[message_type].get("$id")
        after_id = new.by_type[message_type].get("$id")
        if before_id != after_id:
            compare.add(RuleId.ID_CHANGED, "$id", before_id, after_id, "schema $id changed")
        _roles(compare, "x-sender", old.senders(message_type), new.senders(message_type))
        _roles(compare, "x-receiver", old.receivers(message_type), new.receivers(message_type))
        compare.node(old_effective[message_type], new_effective[message_type], "")
        findings.extend(compare.findings)
    return DiffReport(
        old_label, new_label, tuple(_dedupe(findings)), documentation_changes(old, new)
    )
