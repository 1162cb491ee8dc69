"""The effective schema of a message type: ``$ref``s resolved, annotations dropped.

:func:`effective_schema` turns one message schema into a tree holding only
validation keywords, with every ``$ref`` followed through the schema set's own
``referencing`` registry, so that a change in ``common.json`` shows up in every
message type (and at every field) that uses it. A ``$ref`` next to other
keywords applies both (Draft 2020-12): the two are merged keyword by keyword,
keeping the tighter bound.

A reference to a whole message schema (``message.json`` or
``messages/<type>.json``, as ``batch`` items use) is kept as a marker
``{"$message": <type or "message.json">}``: changes inside it are reported
under its own type, not repeated under every container.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any
from urllib.parse import urljoin

from referencing._core import Resolver
from referencing.exceptions import Unresolvable

from onsembl_spec.diff.rules import BOUNDS
from onsembl_spec.errors import SchemaError
from onsembl_spec.schemas import SchemaSet

Node = Any
"""An effective schema: a dict of validation keywords, or a boolean schema."""

MESSAGE_MARKER = "$message"
"""Key of the marker that stands for a reference to a whole message schema."""

RECURSION_MARKER = "$recursive"
"""Key of the marker that stands for a reference back to an enclosing schema."""

_ANNOTATIONS = frozenset(
    {
        "$schema",
        "$id",
        "$anchor",
        "$dynamicAnchor",
        "$defs",
        "$comment",
        "$vocabulary",
        "title",
        "description",
        "examples",
        "default",
        "deprecated",
        "readOnly",
        "writeOnly",
        "contentMediaType",
        "contentEncoding",
    }
)
"""Keywords that do not change which messages are valid."""

_ONE_SCHEMA = frozenset(
    {
        "additionalProperties",
        "items",
        "contains",
        "not",
        "if",
        "then",
        "else",
        "propertyNames",
        "unevaluatedItems",
        "unevaluatedProperties",
    }
)
_SCHEMA_LIST = frozenset({"allOf", "anyOf", "oneOf", "prefixItems"})
_SCHEMA_MAP = frozenset({"properties", "patternProperties", "dependentSchemas"})

_UPPER = frozenset(b.keyword for b in BOUNDS if b.is_upper)
_LOWER = frozenset(b.keyword for b in BOUNDS if not b.is_upper)

MAX_DEPTH = 64
"""Deepest nesting followed; deeper schemas are refused rather than recursed into."""


def is_annotation(keyword: str) -> bool:
    """Whether ``keyword`` only annotates (``description``, ``x-sender``, ...)."""
    return keyword in _ANNOTATIONS or keyword.startswith("x-")


class _Walker:
    def __init__(self, schemas: SchemaSet) -> None:
        self._registry = schemas.registry
        self._messages: dict[str, str] = {
            str(schema["$id"]): message_type for message_type, schema in schemas.by_type.items()
        }
        union_id = schemas.union.get("$id")
        if isinstance(union_id, str):
            self._messages[union_id] = "message.json"
        self._base = ""

    def message(self, schema: Mapping[str, Any]) -> Node:
        self._base = str(schema.get("$id", ""))
        resolver = self._registry.resolver(base_uri=self._base)
        return self._node(schema, resolver, (), 0)

    def _node(
        self, schema: Any, resolver: Resolver[Any], refs: tuple[str, ...], depth: int
    ) -> Node:
        if isinstance(schema, bool):
            return schema
        if not isinstance(schema, Mapping):
            raise SchemaError(f"not a schema: {schema!r}")
        if depth > MAX_DEPTH:
            raise SchemaError(f"schema nested deeper than {MAX_DEPTH} levels")
        out: Node = {}
        ref = schema.get("$ref")
        if isinstance(ref, str):
            out = self._reference(ref, resolver, refs, depth)
        for keyword, value in schema.items():
            if keyword == "$ref" or is_annotation(keyword):
                continue
            own = self._keyword(keyword, value, resolver, refs, depth)
            out = merge(out, {keyword: own})
        return out

    def _reference(
        self, ref: str, resolver: Resolver[Any], refs: tuple[str, ...], depth: int
    ) -> Node:
        try:
            resolved = resolver.lookup(ref)
        except Unresolvable as err:
            raise SchemaError(f"cannot resolve $ref {ref!r}: {err}") from None
        absolute = urljoin(refs[-1] if refs else self._base, ref)
        document, _, fragment = absolute.partition("#")
        if fragment in ("", "/") and document in self._messages:
            return {MESSAGE_MARKER: self._messages[document]}
        if absolute in refs:
            return {RECURSION_MARKER: absolute}
        return self._node(resolved.contents, resolved.resolver, (*refs, absolute), depth + 1)

    def _keyword(
        self, keyword: str, value: Any, resolver: Resolver[Any], refs: tuple[str, ...], depth: int
    ) -> Any:
        def sub(schema: Any) -> Node:
            return self._node(schema, resolver, refs, depth + 1)

        if keyword in _ONE_SCHEMA:
            return sub(value)
        if keyword in _SCHEMA_LIST and isinstance(value, list):
            return [sub(v) for v in value]
        if keyword in _SCHEMA_MAP and isinstance(value, Mapping):
            return {name: sub(v) for name, v in value.items()}
        return value


def effective_schema(schemas: SchemaSet, message_type: str) -> Node:
    """The effective schema of ``message_type`` in ``schemas`` (see the module doc)."""
    return _Walker(schemas).message(schemas.by_type[message_type])


def effective_schemas(schemas: SchemaSet) -> dict[str, Node]:
    """The effective schema of every message type of ``schemas``."""
    walker = _Walker(schemas)
    return {t: walker.message(schema) for t, schema in schemas.by_type.items()}


def _json_types(value: Any) -> list[str]:
    return [value] if isinstance(value, str) else list(value)


def _merge_value(keyword: str, a: Any, b: Any) -> Any | None:
    """Both ``a`` and ``b`` apply to one value: the combined keyword, or ``None``."""
    combine: dict[str, Callable[[Any, Any], Any]] = {
        "required": lambda x, y: [*x, *(n for n in y if n not in x)],
        "enum": lambda x, y: [v for v in x if v in y],
        "type": lambda x, y: [t for t in _json_types(x) if t in _json_types(y)],
        "properties": lambda x, y: {
            **x,
            **y,
            **{name: merge(x[name], y[name]) for name in x.keys() & y.keys()},
        },
    }
    if keyword in _UPPER and _is_number(a) and _is_number(b):
        return min(a, b)
    if keyword in _LOWER and _is_number(a) and _is_number(b):
        return max(a, b)
    if keyword in combine and type(a) is type(b):
        return combine[keyword](a, b)
    return None


def _is_number(value: Any) -> bool:
    return isinstance(value, int | float) and not isinstance(value, bool)


def merge(a: Node, b: Node) -> Node:
    """One effective schema meaning "valid under both ``a`` and ``b``"."""
    if a is True or a == {}:
        return b
    if b is True or b == {}:
        return a
    if a is False or b is False:
        return False
    out = dict(a)
    rest: list[Node] = []
    for keyword, value in b.items():
        if keyword not in out or out[keyword] == value:
            out[keyword] = value
            continue
        combined = _merge_value(keyword, out[keyword], value)
        if combined is None:
            rest.append({keyword: value})
        else:
            out[keyword] = combined
    if rest:
        out["allOf"] = [*out.get("allOf", []), *rest]
    return out
