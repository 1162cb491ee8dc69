"""Generate the plain-Python validators (``onsembl_spec/_generated/validators.py``).

The generated module imports :mod:`onsembl_spec._validator_runtime` (the
``date-time`` check, kind tests, the dispatchers on ``type`` and the R14
wording, all ordinary checked code) and holds only what the schemas
determine. For every message type it has two functions compiled from the
type's schema:

* ``_c_<type>(m)`` returns the first issue ``(field, message)`` or ``None``;
  the order is VAL-4's: properties in schema order (a missing required field
  at its place), nested objects and array items depth-first at their field's
  place, undocumented fields last in message order;
* ``_a_<type>(m, prefix, out)`` appends every issue, one per location, in
  the same order.

``check``, ``check_batch_wrapper`` and ``issues`` dispatch on ``type``
(VAL-1, VAL-2; R14). ``date-time`` is checked semantically, as jsonschema's
format checker does (VAL-5). Each value keyword the schemas use has an
emitter in :data:`KEYWORD_EMITTERS`; any other keyword stops generation with
:class:`GeneratorError`, so a schema change cannot silently loosen validation.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from typing import Any

from onsembl_spec import _validator_runtime as rt
from onsembl_spec.errors import GeneratorError
from onsembl_spec.generator.writer import LineWriter
from onsembl_spec.schemas import Schema, SchemaSet, is_annotation

OUTPUT_PATH = "src/onsembl_spec/_generated/validators.py"

_STRUCTURE = frozenset({"properties", "required", "items"})
"""Keywords compiled by the object and array writers, not by a value check."""

_TYPE_TESTS = {
    "string": "(v.__class__ is not str and not isinstance(v, str))",
    "integer": "(v.__class__ is not int and not _is_integer(v))",
    "number": "(v.__class__ is not float and v.__class__ is not int and not _is_number(v))",
    "object": "(v.__class__ is not dict and not isinstance(v, dict))",
    "array": "(v.__class__ is not list and not isinstance(v, list))",
    "boolean": "(v.__class__ is not bool)",
    "null": "(v is not None)",
}


def _lit(value: Any) -> str:
    """A Python literal for a JSON value (strings, numbers, booleans, null)."""
    if isinstance(value, str):
        return json.dumps(value)
    if value is None:
        return "None"
    if isinstance(value, bool):
        return "True" if value else "False"
    if isinstance(value, (int, float)):
        return repr(value)
    raise GeneratorError(f"cannot use {value!r} as a constant in generated code")


@dataclass
class _Check:
    """One ``elif`` of a value's chain: a failing condition and the message expression."""

    condition: str
    message: str


@dataclass
class _Module:
    """State of one generation: patterns, sets and object functions already emitted."""

    schemas: SchemaSet
    patterns: dict[str, str] = field(default_factory=dict)
    sets: dict[tuple[str, ...], str] = field(default_factory=dict)
    objects: dict[str, str] = field(default_factory=dict)
    pending: list[tuple[str, Schema, str | None]] = field(default_factory=list)

    def pattern(self, regex: str) -> str:
        try:
            re.compile(regex)
        except re.error as err:
            raise GeneratorError(f"pattern {regex!r} does not compile: {err}") from None
        if regex not in self.patterns:
            self.patterns[regex] = f"_P{len(self.patterns)}"
        return self.patterns[regex]

    def string_set(self, values: list[Any]) -> str:
        if not all(isinstance(v, str) for v in values):
            raise GeneratorError(f"only string enums are supported, not {values!r}")
        key = tuple(values)
        if key not in self.sets:
            self.sets[key] = f"_E{len(self.sets)}"
        return self.sets[key]

    def object_function(self, key: str, schema: Schema, skip_const: str | None = None) -> str:
        """The name stem of the functions validating the object schema known as ``key``."""
        if key not in self.objects:
            if "#/$defs/" in key:
                stem = "d_" + key.rsplit("/", 1)[1]
            elif skip_const is not None:
                stem = _message_stem(skip_const)
            else:
                stem = "o_" + re.sub(r"[^A-Za-z0-9]+", "_", key).strip("_")
            stem = re.sub(r"[^A-Za-z0-9_]+", "_", stem)
            if stem in self.objects.values():
                raise GeneratorError(f"two object schemas would share the name {stem}")
            self.objects[key] = stem
            self.pending.append((stem, schema, skip_const))
        return self.objects[key]


@dataclass
class _Value:
    """What a keyword's emitter knows of the node it checks."""

    module: _Module
    declared: Any
    """The node's ``type`` keyword (``None`` when absent)."""
    typed: bool = False
    """Whether the ``type`` check came earlier in the chain (later checks need no guard)."""

    def guard(self, kind: str) -> str:
        """Condition prefix making a check apply only to values of JSON type ``kind``."""
        return "" if self.typed and self.declared == kind else f"not {_TYPE_TESTS[kind]} and "


_Emit = Callable[[_Value, Any], _Check | None]
"""An emitter: the ``elif`` of one keyword, or ``None`` when the keyword adds none."""


def _type(node: _Value, value: Any) -> _Check:
    if isinstance(value, list):
        raise GeneratorError(f"type lists are not supported: {value!r}")
    if value not in _TYPE_TESTS:
        raise GeneratorError(f"unknown type {value!r}")
    node.typed = True
    return _Check(_TYPE_TESTS[value], f"{_lit(rt.wrong_type_prefix(value))} + _kind(v)")


def _const(node: _Value, value: Any) -> _Check:
    if not isinstance(value, str):
        raise GeneratorError(f"only string constants are supported, not {value!r}")
    return _Check(f"v != {_lit(value)}", _lit(rt.must_be(value)))


def _enum(node: _Value, value: Any) -> _Check:
    name = node.module.string_set(value)
    listed = rt.enum_listing(value)
    message = (
        _lit(listed)
        if listed is not None
        else f"_short(v) + {_lit(rt.not_allowed_suffix(len(value)))}"
    )
    return _Check(f"(not isinstance(v, str) or v not in {name})", message)


def _length(op: str, wording: Callable[[int], str]) -> _Emit:
    def emit(node: _Value, value: Any) -> _Check:
        return _Check(f"{node.guard('string')}len(v) {op} {value}", _lit(wording(value)))

    return emit


def _pattern(node: _Value, value: Any) -> _Check:
    name = node.module.pattern(value)
    return _Check(f"{node.guard('string')}{name}(v) is None", _lit(rt.bad_pattern(value)))


def _format(node: _Value, value: Any) -> _Check:
    if value != "date-time":
        raise GeneratorError(f"format {value!r} is not supported")
    return _Check(f"{node.guard('string')}not _date_time(v)", _lit(rt.bad_format(value)))


def _bound(op: str, wording: Callable[[Any], str]) -> _Emit:
    def emit(node: _Value, value: Any) -> _Check:
        kind = node.declared if node.declared in ("integer", "number") else "number"
        return _Check(f"{node.guard(kind)}v {op} {_lit(value)}", _lit(wording(value)))

    return emit


def _count(kind: str, op: str, wording: Callable[[int], str]) -> _Emit:
    def emit(node: _Value, value: Any) -> _Check:
        return _Check(f"{node.guard(kind)}len(v) {op} {value}", _lit(wording(value)))

    return emit


def _not(node: _Value, value: Any) -> _Check:
    if not (isinstance(value, dict) and set(value) == {"const"}):
        raise GeneratorError("only `not: {const: ...}` is supported on values")
    forbidden = value["const"]
    return _Check(f"v == {_lit(forbidden)}", _lit(rt.must_not_be(forbidden)))


def _additional_properties(node: _Value, value: Any) -> None:
    """Compiled by the object writer; only ``false`` is supported."""
    if value is not False:
        raise GeneratorError("only additionalProperties: false is supported")


KEYWORD_EMITTERS: dict[str, _Emit] = {
    "type": _type,
    "const": _const,
    "enum": _enum,
    "minLength": _length("<", rt.shorter_than),
    "maxLength": _length(">", rt.longer_than),
    "pattern": _pattern,
    "format": _format,
    "minimum": _bound("<", rt.less_than),
    "maximum": _bound(">", rt.greater_than),
    "minItems": _count("array", "<", rt.fewer_items),
    "maxItems": _count("array", ">", rt.more_items),
    "minProperties": _count("object", "<", rt.fewer_fields),
    "not": _not,
    "additionalProperties": _additional_properties,
}
"""Every value keyword the generator compiles, to the function emitting its check."""


def _value_checks(module: _Module, node: Schema) -> list[_Check]:
    """The chain of checks of one resolved, non-union schema node, in keyword order."""
    value = _Value(module, node.get("type"))
    if isinstance(value.declared, list):
        raise GeneratorError(f"type lists are not supported: {value.declared!r}")
    checks: list[_Check] = []
    for keyword, argument in node.items():
        if is_annotation(keyword) or keyword in _STRUCTURE:
            continue
        emit = KEYWORD_EMITTERS.get(keyword)
        if emit is None:
            raise GeneratorError(f"schema keyword {keyword!r} is not supported by the generator")
        check = emit(value, argument)
        if check is not None:
            checks.append(check)
    return checks


class _Emitter:
    """Writes the body that validates the local ``v`` against one schema node.

    ``first`` mode returns the first issue; the other mode appends to ``out``.
    ``here`` is the Python expression of the location's field name in first
    mode (relative to the object function), and of its full path in all mode.
    """

    def __init__(self, module: _Module, w: LineWriter, first: bool) -> None:
        self.module = module
        self.w = w
        self.first = first

    def fail(self, path: str, message: str) -> str:
        return f"return ({path}, {message})" if self.first else f"out.append(({path}, {message}))"

    def nested(self, call: str, here: str, prefix_all: str) -> None:
        """Call a nested validator (object or union item) on ``v`` and pass its issue up."""
        if self.first:
            self.w.line(f"r = {call}(v)")
            with self.w.block("if r is not None:"):
                self.w.line(f"return (_j({here}, r[0]), r[1])")
        else:
            self.w.line(f"{call}(v, {prefix_all}, out)")

    def value(self, node: Schema, here: str, prefix_all: str, depth: int) -> None:
        """Checks of ``v`` against ``node``; ``prefix_all`` is ``here + "."`` in all mode."""
        found = self.module.schemas.resolve(node)
        resolved, ref = found.schema, found.ref
        if found.union:
            self.nested(self._union_item(resolved.get("not")), here, prefix_all)
            return
        checks = _value_checks(self.module, resolved)
        structure = self._structure(resolved, ref, depth)
        for index, check in enumerate(checks):
            keyword = "if" if index == 0 else "elif"
            with self.w.block(f"{keyword} {check.condition}:"):
                self.w.line(self.fail(here, check.message))
        if structure is None:
            return
        if checks:
            with self.w.block("else:"):
                structure(here, prefix_all)
        else:
            structure(here, prefix_all)

    def _structure(self, node: Schema, ref: str | None, depth: int) -> Any:
        """A writer of the object or array part of ``node``, or ``None`` for scalars."""
        if "properties" in node or node.get("type") == "object":
            key = ref or f"inline-{len(self.module.objects)}"
            stem = self.module.object_function(key, node)

            def write_object(here: str, prefix_all: str) -> None:
                self.nested(f"_c_{stem}" if self.first else f"_a_{stem}", here, prefix_all)

            return write_object
        if "items" in node:
            items = node["items"]
            var = f"i{depth}"

            def write_items(here: str, prefix_all: str) -> None:
                outer = f"_v{depth}"
                self.w.line(f"{outer} = v")
                with self.w.block(f"for {var}, v in enumerate({outer}):"):
                    item_here = (
                        f'{here} + "." + str({var})'
                        if self.first
                        else f'{prefix_all} + str({var})'
                    )
                    self.value(items, item_here, f'{item_here} + "."', depth + 1)

            return write_items
        return None

    def _union_item(self, forbidden: Any) -> str:
        """Name of the union-item validator (the ``message.json`` items of ``batch``)."""
        if forbidden is not None:
            wanted = {"properties": {"type": {"const": "batch"}}, "required": ["type"]}
            if forbidden != wanted:
                raise GeneratorError("union items support only `not` a batch")
        return "_c_union_item" if self.first else "_a_union_item"


def _object_body(
    module: _Module, w: LineWriter, schema: Schema, first: bool, skip: str | None
) -> None:
    """Body of an object function: ``m`` is known to be a dict."""
    emitter = _Emitter(module, w, first)
    properties: dict[str, Schema] = schema.get("properties", {})
    required = schema.get("required", [])
    for name in required:
        if name not in properties:
            raise GeneratorError(f"required field {name!r} has no schema")
    for name, sub in properties.items():
        if name == "type" and skip is not None and sub.get("const") == skip:
            continue  # the dispatcher chose this function by this very value
        here = _lit(name) if first else f"p + {_lit(name)}"
        prefix_all = f"p + {_lit(name + '.')}"
        w.line(f"v = m.get({_lit(name)}, _MISSING)")
        if name in required:
            with w.block("if v is _MISSING:"):
                w.line(emitter.fail(here, '"missing required field"'))
            with w.block("else:"):
                emitter.value(sub, here, prefix_all, 0)
        else:
            with w.block("if v is not _MISSING:"):
                emitter.value(sub, here, prefix_all, 0)
    known = module.string_set(sorted(properties)) if properties else "frozenset()"
    if schema.get("additionalProperties") is False:
        path = "str(k)" if first else "p + str(k)"  # str(): a Python caller may use other keys
        with (
            w.block(f"if not {known}.issuperset(m):"),
            w.block("for k in m:"),
            w.block(f"if k not in {known}:"),
        ):
            w.line(emitter.fail(path, '"undocumented field"'))
    elif "additionalProperties" in schema:
        raise GeneratorError("only additionalProperties: false is supported")
    if first:
        w.line("return None")


def _function_pair(
    module: _Module, w: LineWriter, stem: str, schema: Schema, skip: str | None
) -> None:
    w.line()
    w.line()
    with w.block(f"def _c_{stem}(m: dict[str, Any]) -> tuple[str, str] | None:"):
        _object_body(module, w, schema, True, skip)
    w.line()
    w.line()
    with w.block(f"def _a_{stem}(m: dict[str, Any], p: str, out: list[Issue]) -> None:"):
        _object_body(module, w, schema, False, skip)


_PRELUDE = """
from __future__ import annotations

import re
from typing import Any

from onsembl_spec._validator_runtime import (
    MISSING as _MISSING,
    AllIssues,
    FirstIssue,
    Issue,
    date_time as _date_time,
    dispatchers as _dispatchers,
    is_integer as _is_integer,
    is_number as _is_number,
    join as _j,
    kind as _kind,
    short as _short,
)
""".lstrip("\n")
"""The generated module's imports: everything it runs besides its own functions."""


@dataclass(frozen=True)
class GeneratedModule:
    """The text of the generated validators module."""

    path: str
    text: str


def _message_stem(message_type: str) -> str:
    return "t_" + re.sub(r"[^A-Za-z0-9]+", "_", message_type)


def _drain(module: _Module, w: LineWriter) -> None:
    while module.pending:
        stem, schema, skip = module.pending.pop(0)
        _function_pair(module, w, stem, schema, skip)


def generate_validators(
    schemas: SchemaSet, header: str, source_hash: str | None = None
) -> GeneratedModule:
    """The validators module for ``schemas``; ``header`` is its first (comment) lines.

    With ``source_hash`` (the schema files' :func:`onsembl_spec.resources.hash_files`), the
    module names it as ``SOURCE_SHA256``: ``onsembl validate`` warns when a checkout's
    schemas no longer hash to it (:func:`onsembl_spec.validation.stale_validators`).
    """
    _check_union(schemas)
    module = _Module(schemas)
    body = LineWriter()
    stems: dict[str, str] = {}
    for message_type, schema in schemas.by_type.items():
        stem = module.object_function(schema["$id"], schema, skip_const=message_type)
        stems[message_type] = stem
        _drain(module, body)
    wrapper = dict(schemas.by_type["batch"])
    wrapper_properties = dict(wrapper["properties"])
    wrapper_messages = dict(wrapper_properties["messages"])
    wrapper_messages.pop("items", None)
    wrapper_properties["messages"] = wrapper_messages
    wrapper["properties"] = wrapper_properties
    module.objects["batch-wrapper"] = "batch_wrapper"
    module.pending.append(("batch_wrapper", wrapper, None))
    _drain(module, body)

    w = LineWriter()
    w.lines(header)
    w.line('"""Validators generated from the JSON Schemas: plain Python, no jsonschema at run.')
    w.line()
    w.line("Use through :mod:`onsembl_spec.validation`. Requirements: VAL-1, VAL-2, VAL-4, VAL-5.")
    w.line('"""')
    w.line()
    w.lines(_PRELUDE)
    w.line()
    if source_hash is not None:
        w.line(f'SOURCE_SHA256 = "{source_hash}"')
        w.line('"""sha256 of the schema files this module was generated from."""')
        w.line()
    for regex, name in module.patterns.items():
        w.line(f"{name} = re.compile({regex!r}).search")
    for values, name in module.sets.items():
        w.line(f"{name} = frozenset({{{', '.join(_lit(v) for v in values)}}})")
    w.lines(body.text())
    w.line()
    w.line()
    w.line("_CHECKS: dict[str, FirstIssue] = {")
    with w.block():
        for message_type, stem in stems.items():
            w.line(f"{_lit(message_type)}: _c_{stem},")
    w.line("}")
    w.line()
    w.line("_ALL: dict[str, AllIssues] = {")
    with w.block():
        for message_type, stem in stems.items():
            w.line(f"{_lit(message_type)}: _a_{stem},")
    w.line("}")
    w.line()
    w.line("# The entry points, and the union-item validators the batch functions call.")
    w.line("check, issues, check_batch_wrapper, _c_union_item, _a_union_item = _dispatchers(")
    with w.block():
        w.line("_CHECKS, _ALL, _c_batch_wrapper")
    w.line(")")
    w.line()
    w.line(f"MESSAGE_TYPES = ({', '.join(_lit(t) for t in schemas.types)},)")
    w.line()
    w.line('__all__ = ["MESSAGE_TYPES", "Issue", "check", "check_batch_wrapper", "issues"]')
    return GeneratedModule(OUTPUT_PATH, w.text())


def _check_union(schemas: SchemaSet) -> None:
    """The union must be the plain dispatch on ``type`` this generator compiles."""
    union = schemas.union
    branches = union.get("allOf", [])
    dispatched = {}
    for branch in branches:
        try:
            message_type = branch["if"]["properties"]["type"]["const"]
            target = branch["then"]["$ref"]
        except (KeyError, TypeError):
            raise GeneratorError(
                "message.json: every allOf branch must be if type/then $ref"
            ) from None
        dispatched[message_type] = target
    expected = {t: s["$id"] for t, s in schemas.by_type.items()}
    if dispatched != expected:
        raise GeneratorError("message.json does not dispatch each type to its own schema")


def object_stems(schemas: SchemaSet) -> Iterator[str]:
    """Names of the message functions (for tests and docs)."""
    for message_type in schemas.by_type:
        yield _message_stem(message_type)
