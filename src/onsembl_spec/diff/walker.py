"""The effective schema of a message type: ``$ref``s resolved, annotations dropped.

:func:`effective_schema` turns one message schema into a tree holding only
validation keywords, with every ``$ref`` followed by the schema set's own
resolver (:meth:`SchemaSet.resolve`, through that side's registry), so that a
change in ``common.json`` shows up in every message type (and at every field)
that uses it. A ``$ref`` next to other keywords applies both (Draft 2020-12):
the two are merged keyword by keyword by :func:`onsembl_spec.schemas.merge`,
keeping the tighter bound. Each schema of a chain is walked at its own base
URI, so relative references inside it resolve in its own document.

A reference to a whole message schema (``message.json`` or
``messages/<type>.json``, as ``batch`` items use) is kept as a marker
``{"$message": <type or "message.json">}``: changes inside it are reported
under its own type, not repeated under every container.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from onsembl_spec.errors import SchemaError
from onsembl_spec.schemas import Hop, Resolved, SchemaSet, is_annotation, merge

__all__ = [
    "MAX_DEPTH",
    "MESSAGE_MARKER",
    "RECURSION_MARKER",
    "Node",
    "effective_schema",
    "effective_schemas",
    "is_annotation",
    "merge",
]

Node = Any
"""An effective schema: a dict of validation keywords, or a boolean schema."""

MESSAGE_MARKER = "$message"
"""Key of the marker that stands for a reference to a whole message schema."""

RECURSION_MARKER = "$recursive"
"""Key of the marker that stands for a reference back to an enclosing schema."""

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

MAX_DEPTH = 64
"""Deepest nesting followed; deeper schemas are refused rather than recursed into."""


class _Walker:
    def __init__(self, schemas: SchemaSet) -> None:
        self._schemas = schemas
        self._messages: dict[str, str] = {
            str(schema["$id"]): message_type for message_type, schema in schemas.by_type.items()
        }
        union_id = schemas.union.get("$id")
        if isinstance(union_id, str):
            self._messages[union_id] = "message.json"

    def message(self, schema: Mapping[str, Any]) -> Node:
        return self._node(schema, str(schema.get("$id", "")), (), 0)

    def _node(self, schema: Any, base: str, refs: tuple[str, ...], depth: int) -> Node:
        if isinstance(schema, bool):
            return schema
        if not isinstance(schema, Mapping):
            raise SchemaError(f"not a schema: {schema!r}")
        if depth > MAX_DEPTH:
            raise SchemaError(f"schema nested deeper than {MAX_DEPTH} levels")
        out: Node = {}
        if "$ref" in schema:
            out = self._chain(self._schemas.resolve(schema, base), refs, depth)
        for keyword, value in schema.items():
            if keyword == "$ref" or is_annotation(keyword):
                continue
            own = self._keyword(keyword, value, base, refs, depth)
            out = merge(out, {keyword: own})
        return out

    def _chain(self, resolved: Resolved, refs: tuple[str, ...], depth: int) -> Node:
        """The effective schema of the chain's targets, innermost merged first.

        A hop to a whole message schema ends the chain as a marker, and so does
        a hop back to a schema being walked (recursion through nesting).
        """
        walked: list[tuple[Hop, tuple[str, ...]]] = []
        out: Node = {}
        for hop in resolved.chain:
            document, _, fragment = hop.uri.partition("#")
            if fragment in ("", "/") and document in self._messages:
                out = {MESSAGE_MARKER: self._messages[document]}
                break
            if hop.uri in refs:
                out = {RECURSION_MARKER: hop.uri}
                break
            refs = (*refs, hop.uri)
            walked.append((hop, refs))
        for index, (hop, inner_refs) in reversed(list(enumerate(walked))):
            own = hop.schema
            if isinstance(own, Mapping):  # its own $ref is the next hop, merged already
                own = {k: v for k, v in own.items() if k != "$ref"}
            out = merge(out, self._node(own, hop.base_uri, inner_refs, depth + 1 + index))
        return out

    def _keyword(
        self, keyword: str, value: Any, base: str, refs: tuple[str, ...], depth: int
    ) -> Any:
        def sub(schema: Any) -> Node:
            return self._node(schema, base, refs, depth + 1)

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
