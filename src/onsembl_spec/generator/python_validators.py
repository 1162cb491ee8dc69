"""Generate the plain-Python validators (``onsembl_spec/_generated/validators.py``).

The generated module needs nothing but the standard library. For every
message type it has two functions compiled from the type's schema:

* ``_c_<type>(m)`` returns the first issue ``(field, message)`` or ``None``;
  the order is VAL-4's: properties in schema order (a missing required field
  at its place), nested objects and array items depth-first at their field's
  place, undocumented fields last in message order;
* ``_a_<type>(m, prefix, out)`` appends every issue, one per location, in
  the same order.

``check``, ``check_batch_wrapper`` and ``issues`` dispatch on ``type``
(VAL-1, VAL-2; R14). ``date-time`` is checked semantically, as jsonschema's
format checker does (VAL-5). The keywords the schemas use are supported; any
other keyword stops generation with :class:`GeneratorError`, so a schema
change cannot silently loosen validation.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

from onsembl_spec.errors import GeneratorError
from onsembl_spec.generator.writer import LineWriter
from onsembl_spec.schemas import Schema, SchemaSet

OUTPUT_PATH = "src/onsembl_spec/_generated/validators.py"

_ANNOTATIONS = frozenset(
    {"description", "examples", "default", "title", "$schema", "$id", "$comment", "x-sender",
     "x-receiver", "$defs"}
)  # fmt: skip
_ASSERTIONS = frozenset(
    {"type", "const", "enum", "minLength", "maxLength", "pattern", "format", "minimum", "maximum",
     "minItems", "maxItems", "minProperties", "not", "items", "properties", "required",
     "additionalProperties"}
)  # fmt: skip
_TYPE_NAMES = {
    "string": "a string",
    "integer": "an integer",
    "number": "a number",
    "object": "an object",
    "array": "an array",
    "boolean": "a boolean",
    "null": "null",
}
_TYPE_TESTS = {
    "string": "(v.__class__ is not str and not isinstance(v, str))",
    "integer": "(v.__class__ is not int and not _is_integer(v))",
    "number": "(v.__class__ is not float and v.__class__ is not int and not _is_number(v))",
    "object": "(v.__class__ is not dict and not isinstance(v, dict))",
    "array": "(v.__class__ is not list and not isinstance(v, list))",
    "boolean": "(v.__class__ is not bool)",
    "null": "(v is not None)",
}


def _plural(count: int, word: str) -> str:
    return f"{count} {word}{'s' if count != 1 else ''}"


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


def _short_literal(value: Any, limit: int = 60) -> str:
    """What the oracle's ``_short`` prints for a constant (a ``repr`` for strings)."""
    text = repr(value) if isinstance(value, str) else json.dumps(value, ensure_ascii=False)
    return text if len(text) <= limit else text[: limit - 3] + "..."


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


def _value_checks(module: _Module, node: Schema) -> list[_Check]:
    """The chain of checks of one resolved, non-union schema node, in keyword order."""
    checks: list[_Check] = []
    declared = node.get("type")
    if isinstance(declared, list):
        raise GeneratorError(f"type lists are not supported: {declared!r}")
    typed = False

    def guard(kind: str) -> str:
        return "" if typed and declared == kind else f"not {_TYPE_TESTS[kind]} and "

    for keyword, value in node.items():
        if keyword in _ANNOTATIONS or keyword in ("properties", "required", "items"):
            continue
        if keyword == "additionalProperties":
            if value is not False:
                raise GeneratorError("only additionalProperties: false is supported")
            continue
        if keyword not in _ASSERTIONS:
            raise GeneratorError(f"schema keyword {keyword!r} is not supported by the generator")
        if keyword == "type":
            if value not in _TYPE_TESTS:
                raise GeneratorError(f"unknown type {value!r}")
            checks.append(
                _Check(_TYPE_TESTS[value], f'"must be {_TYPE_NAMES[value]}, not " + _kind(v)')
            )
            typed = True
        elif keyword == "const":
            if not isinstance(value, str):
                raise GeneratorError(f"only string constants are supported, not {value!r}")
            checks.append(_Check(f"v != {_lit(value)}", _lit(f"must be {_short_literal(value)}")))
        elif keyword == "enum":
            name = module.string_set(value)
            condition = f"(not isinstance(v, str) or v not in {name})"
            if len(value) <= 8:
                message = _lit("must be one of " + ", ".join(map(str, value)))
            else:
                message = f'_short(v) + " is not one of the {len(value)} allowed values"'
            checks.append(_Check(condition, message))
        elif keyword == "minLength":
            checks.append(
                _Check(
                    f"{guard('string')}len(v) < {value}",
                    _lit(f"shorter than {_plural(value, 'character')}"),
                )
            )
        elif keyword == "maxLength":
            checks.append(
                _Check(
                    f"{guard('string')}len(v) > {value}", _lit(f"longer than {value} characters")
                )
            )
        elif keyword == "pattern":
            name = module.pattern(value)
            checks.append(
                _Check(
                    f"{guard('string')}{name}(v) is None",
                    _lit("has characters or a shape the field does not allow"),
                )
            )
        elif keyword == "format":
            if value != "date-time":
                raise GeneratorError(f"format {value!r} is not supported")
            checks.append(
                _Check(
                    f"{guard('string')}not _date_time(v)",
                    _lit("not a valid date-time (RFC 3339, with Z or an offset)"),
                )
            )
        elif keyword in ("minimum", "maximum"):
            kind = declared if declared in ("integer", "number") else "number"
            op = "<" if keyword == "minimum" else ">"
            word = "less" if keyword == "minimum" else "greater"
            checks.append(
                _Check(f"{guard(kind)}v {op} {_lit(value)}", _lit(f"{word} than {value}"))
            )
        elif keyword == "minItems":
            checks.append(
                _Check(
                    f"{guard('array')}len(v) < {value}",
                    _lit(f"fewer than {_plural(value, 'item')}"),
                )
            )
        elif keyword == "maxItems":
            checks.append(
                _Check(f"{guard('array')}len(v) > {value}", _lit(f"more than {value} items"))
            )
        elif keyword == "minProperties":
            checks.append(
                _Check(
                    f"{guard('object')}len(v) < {value}",
                    _lit(f"fewer than {_plural(value, 'field')}"),
                )
            )
        elif keyword == "not":
            if not (isinstance(value, dict) and set(value) == {"const"}):
                raise GeneratorError("only `not: {const: ...}` is supported on values")
            forbidden = value["const"]
            checks.append(
                _Check(f"v == {_lit(forbidden)}", _lit(f"must not be {_short_literal(forbidden)}"))
            )
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


_PRELUDE = '''
from __future__ import annotations

import calendar
import json
import re
from collections.abc import Callable
from typing import Any

Issue = tuple[str | None, str]
"""One problem: ``(field, message)``; ``field`` is the dotted R14 path (VAL-2)."""

_MISSING: Any = object()

_RFC3339 = re.compile(
    r"([0-9]{4})-(0[1-9]|1[0-2])-([0-9]{2})[Tt](?:[01][0-9]|2[0-3]):[0-5][0-9]:[0-5][0-9]"
    r"(?:\\.[0-9]+)?(?:[Zz]|[+-](?:[01][0-9]|2[0-3]):[0-5][0-9])\\n?\\Z",
    re.ASCII,
).match
_DAYS = (0, 31, 29, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31)


def _date_time(value: str) -> bool:
    """RFC 3339 ``date-time`` as jsonschema's format checker (rfc3339-validator) decides it.

    That checker matches ``value.upper()`` against its expression with ``$``
    (so a final newline passes) and rejects year 0 and days past the month's
    end; case-insensitive ``T`` and ``Z`` and an optional final newline say the
    same here without copying ``value``.
    """
    if _RFC3339(value) is None:
        return False
    day_text = value[8:10]  # the expression fixes where year, month and day are
    if "01" <= day_text <= "28":
        return value[:4] != "0000"
    year, month, day = int(value[:4]), int(value[5:7]), int(day_text)
    if not year or day < 1 or day > _DAYS[month]:
        return False
    return month != 2 or day < 29 or calendar.isleap(year)


def _is_integer(value: Any) -> bool:
    """JSON Schema ``integer``: an int (not a bool) or a float with no fraction."""
    if isinstance(value, bool):
        return False
    if isinstance(value, int):
        return True
    return isinstance(value, float) and value.is_integer()


def _is_number(value: Any) -> bool:
    return isinstance(value, (int, float)) and not isinstance(value, bool)


def _kind(value: Any) -> str:
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "a boolean"
    if isinstance(value, (int, float)):
        return "a number"
    if isinstance(value, str):
        return "a string"
    if isinstance(value, list):
        return "an array"
    return "an object"


def _short(value: Any, limit: int = 60) -> str:
    try:
        text = json.dumps(value, ensure_ascii=False) if not isinstance(value, str) else repr(value)
    except (RecursionError, TypeError, ValueError):
        text = "a value"
    return text if len(text) <= limit else text[: limit - 3] + "..."


def _j(here: str, rest: str | None) -> str:
    return f"{here}.{rest}" if rest else here
'''.lstrip("\n")


def _top_functions(module: _Module, w: LineWriter, union_types: int) -> None:
    enum_message = f'_short(t) + " is not one of the {union_types} allowed values"'
    w.lines(
        f'''


def _c_union_item(v: Any) -> tuple[str, str] | None:
    """A message inside a ``batch``: any type but ``batch`` (BATCH-1)."""
    if v.__class__ is not dict and not isinstance(v, dict):
        return ("", "must be an object, not " + _kind(v))
    t = v.get("type", _MISSING)
    if t is _MISSING:
        return ("type", "missing required field")
    f = _CHECKS.get(t) if isinstance(t, str) else None
    if f is None:
        return ("type", {enum_message})
    if t == "batch":
        return ("type", "a batch cannot contain a batch")
    return f(v)


def _a_union_item(v: Any, p: str, out: list[Issue]) -> None:
    if v.__class__ is not dict and not isinstance(v, dict):
        out.append((p[:-1], "must be an object, not " + _kind(v)))
        return
    t = v.get("type", _MISSING)
    if t is _MISSING:
        out.append((p + "type", "missing required field"))
        return
    f = _ALL.get(t) if isinstance(t, str) else None
    if f is None:
        out.append((p + "type", {enum_message}))
        return
    if t == "batch":
        out.append((p + "type", "a batch cannot contain a batch"))
    f(v, p, out)


def _not_object(message: Any) -> Issue | None:
    if message.__class__ is dict or isinstance(message, dict):
        return None
    return (None, "message must be a JSON object, not " + _kind(message))


def check(message: Any) -> Issue | None:
    """The first issue of a decoded message in VAL-4 order, or ``None`` when it is valid."""
    if message.__class__ is not dict and not isinstance(message, dict):
        return (None, "message must be a JSON object, not " + _kind(message))
    t = message.get("type", _MISSING)
    if t is _MISSING:
        return ("type", "missing required field")
    f = _CHECKS.get(t) if isinstance(t, str) else None
    if f is None:
        return ("type", "unknown message type " + _short(t))
    return f(message)


def issues(message: Any) -> list[Issue]:
    """Every issue of a decoded message, one per location, in VAL-4 order."""
    first = _not_object(message)
    if first is not None:
        return [first]
    t = message.get("type", _MISSING)
    if t is _MISSING:
        return [("type", "missing required field")]
    f = _ALL.get(t) if isinstance(t, str) else None
    if f is None:
        return [("type", "unknown message type " + _short(t))]
    out: list[Issue] = []
    try:
        f(message, "", out)
    except RecursionError:
        return [(None, "nested too deeply to validate")]
    return out


def check_batch_wrapper(message: Any) -> Issue | None:
    """First issue of a ``batch``'s own fields; its inner messages are not examined (BATCH-2)."""
    first = _not_object(message)
    if first is not None:
        return first
    return _c_batch_wrapper(message)
'''
    )


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


def generate_validators(schemas: SchemaSet, header: str) -> GeneratedModule:
    """The validators module for ``schemas``; ``header`` is its first (comment) lines."""
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
    for regex, name in module.patterns.items():
        w.line(f"{name} = re.compile({regex!r}).search")
    for values, name in module.sets.items():
        w.line(f"{name} = frozenset({{{', '.join(_lit(v) for v in values)}}})")
    w.lines(body.text())
    _top_functions(module, w, len(schemas.types))
    w.line()
    w.line()
    w.line("_CHECKS: dict[str, Callable[[dict[str, Any]], tuple[str, str] | None]] = {")
    with w.block():
        for message_type, stem in stems.items():
            w.line(f"{_lit(message_type)}: _c_{stem},")
    w.line("}")
    w.line()
    w.line("_ALL: dict[str, Callable[[dict[str, Any], str, list[Issue]], None]] = {")
    with w.block():
        for message_type, stem in stems.items():
            w.line(f"{_lit(message_type)}: _a_{stem},")
    w.line("}")
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
