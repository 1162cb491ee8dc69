"""Loading the JSON Schemas (the single source of truth) into one registry.

``schemas/`` holds ``common.json`` (shared definitions), ``message.json`` (the
union that dispatches on ``type``) and ``messages/*.json`` (one schema per
message type). Every cross-file ``$ref`` is an absolute ``$id``, so the files
load in any Draft 2020-12 validator given the same set of resources.

``$ref`` chains are followed in one place, :meth:`SchemaSet.resolve`, which
the validator generator, the documentation model, the TypeScript generator,
the hypothesis strategies, the oracle and ``onsembl diff`` all use:

* **Siblings.** In Draft 2020-12 ``$ref`` is an applicator like any other:
  a schema ``{"$ref": R, K: V}`` holds when both the schema at ``R`` and
  ``K: V`` hold. The effective schema is therefore the *conjunction* of the
  referenced schema and the referring one, merged keyword by keyword by
  :func:`merge`: the referenced schema's keywords first (in its order), then
  the referring schema's; a keyword both carry with equal values is kept once;
  a numeric bound keeps the tighter value, ``required`` the union, ``enum``
  and ``type`` the intersection; any other assertion both carry (a second
  ``pattern``, ``const``, ``properties`` with the same field, ...) is kept
  from the referenced schema and the referring one is added under ``allOf``,
  so that both still apply. Annotations (``description``, ``examples``,
  ``x-...``) are not assertions: the referring schema's value wins, since it
  describes this use of the definition.
* **Chains** are followed to the end (``agentId`` -> ``identifier``), at most
  :data:`MAX_REF_HOPS` hops; a longer chain, a cycle (``a`` -> ``b`` ->
  ``a``), a ``$ref`` that names no schema of the set or a non-string ``$ref``
  raise :class:`SchemaError` naming the references. Each ``$ref`` is resolved
  against the base URI of the document holding it, so a relative reference in
  ``common.json`` resolves inside ``common.json``.
* **The union** (``message.json``) is a dispatch on ``type``, not a shape to
  merge into a field: a chain reaching it stops there, its keywords are *not*
  merged, and :attr:`Resolved.union` is true (the effective schema holds the
  referring schemas' keywords only, such as ``batch``'s ``not``). Each caller
  dispatches on the instance's ``type`` its own way.
* References to a whole message schema (``messages/<type>.json``) are merged
  like any other; ``onsembl diff`` marks them from :attr:`Resolved.chain`.

The resolver works on any :class:`SchemaSet` (``onsembl diff`` resolves each
side through its own registry), never on a global one.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path
from typing import Any
from urllib.parse import urljoin

from referencing import Registry, Resource
from referencing.exceptions import Unresolvable
from referencing.jsonschema import DRAFT202012

from onsembl_spec import resources
from onsembl_spec.errors import SchemaError

ROLES = ("dashboard", "agent", "server")
"""The three roles of the protocol; schemas name them in ``x-sender``/``x-receiver``."""

Schema = dict[str, Any]

MAX_REF_HOPS = 32
"""Most ``$ref`` hops one chain may take (:meth:`SchemaSet.resolve`); the schemas use two."""

ANNOTATIONS = frozenset(
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
"""Keywords that do not change which instances are valid (with every ``x-...`` keyword)."""

UPPER_BOUNDS = frozenset({"maxLength", "maximum", "exclusiveMaximum", "maxItems", "maxProperties"})
"""Numeric bounds where the smaller value is the tighter one."""

LOWER_BOUNDS = frozenset({"minLength", "minimum", "exclusiveMinimum", "minItems", "minProperties"})
"""Numeric bounds where the larger value is the tighter one."""


def is_annotation(keyword: str) -> bool:
    """Whether ``keyword`` only annotates (``description``, ``x-sender``, ...)."""
    return keyword in ANNOTATIONS or keyword.startswith("x-")


def _json_types(value: Any) -> list[str]:
    return [value] if isinstance(value, str) else list(value)


def _is_number(value: Any) -> bool:
    return isinstance(value, int | float) and not isinstance(value, bool)


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
    if keyword in UPPER_BOUNDS and _is_number(a) and _is_number(b):
        return min(a, b)
    if keyword in LOWER_BOUNDS and _is_number(a) and _is_number(b):
        return max(a, b)
    if keyword in combine and type(a) is type(b):
        return combine[keyword](a, b)
    return None


def merge(a: Any, b: Any) -> Any:
    """One schema meaning "valid under both ``a`` and ``b``" (see the module doc).

    ``a`` and ``b`` are schemas (objects or booleans). Keywords of ``a`` come
    first, then those only ``b`` has; for an annotation both carry, ``b``'s
    value wins.
    """
    if a is True or a == {}:
        return b
    if b is True or b == {}:
        return a
    if a is False or b is False:
        return False
    out = dict(a)
    rest: list[Any] = []
    for keyword, value in b.items():
        if keyword not in out or out[keyword] == value or is_annotation(keyword):
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


@dataclass(frozen=True)
class Hop:
    """One ``$ref`` followed: where it led and what was found there."""

    uri: str
    """The absolute URI the ``$ref`` names (fragment included)."""
    schema: Any
    """The schema found there, as written (an object, or a boolean schema)."""
    base_uri: str
    """Base URI of that schema: relative ``$ref``s inside it resolve against it."""


@dataclass(frozen=True)
class Resolved:
    """A schema node with its ``$ref`` chain followed (:meth:`SchemaSet.resolve`)."""

    schema: Schema
    """The effective schema: no ``$ref`` left at its top level (sub-schemas untouched)."""
    chain: tuple[Hop, ...] = ()
    """The hops followed, outermost first; empty when the node had no ``$ref``."""
    union: bool = False
    """Whether the node is, or its chain reached, the union schema (not merged in)."""

    @property
    def ref(self) -> str | None:
        """URI of the last hop (the definition finally reached), or ``None``."""
        return self.chain[-1].uri if self.chain else None

    @property
    def definition(self) -> str | None:
        """Name of the first ``$defs`` entry of the chain (``agentId``), or ``None``."""
        for hop in self.chain:
            if "#/$defs/" in hop.uri:
                return hop.uri.rsplit("/", 1)[1]
        return None


def _as_object(schema: Any, where: str) -> Schema:
    """A schema as an object: ``true`` is ``{}``, ``false`` is ``{"not": {}}``."""
    if schema is True:
        return {}
    if schema is False:
        return {"not": {}}
    if not isinstance(schema, Mapping):
        raise SchemaError(f"{where} is not a schema: {schema!r}"[:200])
    return dict(schema)


@dataclass(frozen=True, eq=False)
class SchemaSet:
    """All schemas of one schema directory, checked for consistency."""

    root: Path
    union: Schema
    common: Schema
    by_type: Mapping[str, Schema]
    files: Mapping[str, Path] = field(repr=False)

    @property
    def types(self) -> tuple[str, ...]:
        """Message types in the order of ``common.json#/$defs/messageType``."""
        return tuple(self.common["$defs"]["messageType"]["enum"])

    @property
    def registry(self) -> Registry[Any]:
        """A ``referencing`` registry holding every schema under its ``$id``."""
        return _registry(self)

    def senders(self, message_type: str) -> tuple[str, ...]:
        """Roles that may send ``message_type`` (its ``x-sender`` annotation)."""
        return tuple(self.by_type[message_type]["x-sender"])

    def receivers(self, message_type: str) -> tuple[str, ...]:
        """Roles that receive ``message_type`` (its ``x-receiver`` annotation)."""
        return tuple(self.by_type[message_type]["x-receiver"])

    def client_types(self) -> tuple[str, ...]:
        """Types that a dashboard or an agent may send."""
        return tuple(t for t in self.types if set(self.senders(t)) - {"server"})

    def server_types(self) -> tuple[str, ...]:
        """Types that the server may send."""
        return tuple(t for t in self.types if "server" in self.senders(t))

    def all_documents(self) -> list[Schema]:
        """Every schema document: common, union, then one per type."""
        return [self.common, self.union, *self.by_type.values()]

    def is_union(self, uri_or_schema: str | Mapping[str, Any]) -> bool:
        """Whether a URI (without fragment) or a schema names the union, ``message.json``."""
        union_id = self.union.get("$id")
        if isinstance(uri_or_schema, str):
            document, _, fragment = uri_or_schema.partition("#")
            return document == union_id and fragment in ("", "/")
        return uri_or_schema is self.union or (
            union_id is not None and uri_or_schema.get("$id") == union_id
        )

    def resolve(self, schema: Mapping[str, Any] | bool, base_uri: str = "") -> Resolved:
        """Follow ``schema``'s ``$ref`` chain and merge it (semantics in the module doc).

        ``base_uri`` is the base for a relative ``$ref`` in ``schema`` (the
        ``$id`` of the document holding it); absolute ``$ref``s need none.
        Raises :class:`SchemaError` for an unknown reference, a cycle or a
        chain longer than :data:`MAX_REF_HOPS`.
        """
        node = _as_object(schema, "$ref target")
        if self.is_union(node):
            return Resolved(node, (), union=True)
        merged = {k: v for k, v in node.items() if k != "$ref"}
        ref = node.get("$ref")
        hops: list[Hop] = []
        base = base_uri
        while ref is not None:
            via = f" (via {' -> '.join(h.uri for h in hops)})" if hops else ""
            if not isinstance(ref, str):
                raise SchemaError(f"$ref {ref!r} is not a string{via}")
            uri = urljoin(base, ref) if base else ref
            if any(h.uri == uri for h in hops):
                raise SchemaError(f"$ref cycle: {' -> '.join(h.uri for h in hops)} -> {uri}")
            if len(hops) == MAX_REF_HOPS:
                raise SchemaError(
                    f"$ref chain longer than {MAX_REF_HOPS} hops: {hops[0].uri} -> ... -> {uri}"
                )
            try:
                target = self.registry.resolver(base_uri=base).lookup(ref).contents
            except Unresolvable as err:
                raise SchemaError(f"cannot resolve $ref {ref!r}{via}: {err}") from None
            document = uri.partition("#")[0]
            own_id = target.get("$id") if isinstance(target, Mapping) else None
            base = urljoin(document, own_id) if isinstance(own_id, str) else document
            hops.append(Hop(uri, target, base))
            if self.is_union(uri) or (isinstance(target, Mapping) and self.is_union(target)):
                return Resolved(merged, tuple(hops), union=True)
            found = _as_object(target, f"$ref {uri}")
            ref = found.pop("$ref", None)
            merged = merge(found, merged)
        return Resolved(merged, tuple(hops))


def _read_json(path: Path) -> Schema:
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, json.JSONDecodeError) as err:
        raise SchemaError(f"cannot read schema {path}: {err}") from None
    if not isinstance(data, dict):
        raise SchemaError(f"schema {path} is not a JSON object")
    return data


def load_schemas(root: Path | None = None) -> SchemaSet:
    """Load and check the schemas under ``root`` (the bundled ones by default)."""
    root = resources.schemas_dir() if root is None else root
    if not (root / "message.json").is_file():
        raise SchemaError(f"{root} is not a schema directory (no message.json)")
    union = _read_json(root / "message.json")
    common = _read_json(root / "common.json")
    by_type: dict[str, Schema] = {}
    files: dict[str, Path] = {}
    for path in sorted((root / "messages").glob("*.json")):
        schema = _read_json(path)
        try:
            message_type = schema["properties"]["type"]["const"]
        except (KeyError, TypeError):
            raise SchemaError(f"{path} has no properties.type.const") from None
        if message_type in by_type:
            raise SchemaError(f"{path} repeats message type {message_type!r}")
        for key in ("$id", "x-sender", "x-receiver"):
            if key not in schema:
                raise SchemaError(f"{path} has no {key}")
        by_type[message_type] = schema
        files[message_type] = path
    declared = common.get("$defs", {}).get("messageType", {}).get("enum")
    if not isinstance(declared, list) or sorted(declared) != sorted(by_type):
        raise SchemaError(
            "common.json#/$defs/messageType does not list exactly the types of messages/*.json"
        )
    ordered = {t: by_type[t] for t in declared}
    return SchemaSet(root=root, union=union, common=common, by_type=ordered, files=files)


@cache
def _registry(schemas: SchemaSet) -> Registry[Any]:
    resources_ = [DRAFT202012.create_resource(doc) for doc in schemas.all_documents()]
    return Registry().with_resources((r.id() or "", r) for r in resources_)


@cache
def bundled() -> SchemaSet:
    """The schemas that ship with the package (loaded once)."""
    return load_schemas()


def resource(document: Schema) -> Resource[Any]:
    """Wrap one schema document as a Draft 2020-12 ``referencing`` resource."""
    return DRAFT202012.create_resource(document)


MESSAGE_TYPES: tuple[str, ...] = bundled().types
"""The 26 message types of the protocol (rulings R2), in document order."""
