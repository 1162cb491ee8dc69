"""Hypothesis strategies for Onsembl messages, built from the schemas by construction.

Valid messages are assembled by walking each type's schema (``const``,
``enum``, ``pattern``, bounds, ``items``, required and optional properties,
``$ref`` through the registry), never by filtering random JSON. Invalid
messages are valid ones with exactly one defect (:class:`Mutation`), whose
``field`` is the R14 path of the defect (VAL-2, VAL-4).

Public API::

    message("agent:status", agentId="agent-1")   # valid agent:status messages
    any_message()                                # valid messages of any type
    client_message("dashboard")                  # what a dashboard may send (ROLE-1)
    mutation("command:request")                  # Mutation(message, kind, field)

Sizes are kept small (strings of a few dozen characters, at most three batch
items or array items) so that draws are fast.
"""

from __future__ import annotations

import copy
import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from functools import cache
from typing import Any

from hypothesis import strategies as st
from hypothesis.strategies import SearchStrategy

from onsembl_spec.protocol import allowed_types
from onsembl_spec.schemas import Resolved, Schema, bundled
from onsembl_spec.wire import encode_compressed

MAX_TEXT = 24
"""Longest string drawn for a field whose own bounds allow more."""

MAX_ITEMS = 3
"""Most items drawn for an array (batch messages included)."""

MUTATION_KINDS = (
    "missing-required",
    "wrong-type",
    "out-of-enum",
    "too-long",
    "out-of-range",
    "extra-field",
    "bad-timestamp",
    "unknown-type",
)
"""Every kind of defect :func:`mutation` makes."""

_LOOKAHEAD_SUFFIX = "(?!\\n)"


@dataclass(frozen=True)
class Mutation:
    """An invalid message made from a valid one by one defect.

    ``kind`` is one of :data:`MUTATION_KINDS`; ``field`` is the dotted R14 path
    of the location made invalid (VAL-2), ``type`` for an unknown type.
    """

    message: Any
    kind: str
    field: str | None


# --------------------------------------------------------------------------
# Resolving schema nodes
# --------------------------------------------------------------------------


def _resolve(node: Schema) -> Resolved:
    """``node``'s ``$ref`` chain followed (:meth:`SchemaSet.resolve`).

    A node reaching the union schema (``message.json``) is flagged, not
    merged: callers dispatch on the instance's ``type``.
    """
    return bundled().resolve(node)


# --------------------------------------------------------------------------
# Valid values
# --------------------------------------------------------------------------


def timestamps() -> SearchStrategy[str]:
    """RFC 3339 date-times as the schemas accept them: ``Z``/``z`` or a numeric offset."""
    two = st.integers(0, 23).map(lambda n: f"{n:02d}")
    sixty = st.integers(0, 59).map(lambda n: f"{n:02d}")
    fraction = st.one_of(st.just(""), st.from_regex(r"\.[0-9]{1,9}", fullmatch=True))
    offset = st.one_of(
        st.sampled_from(["Z", "z"]),
        st.builds(lambda s, h, m: f"{s}{h}:{m}", st.sampled_from("+-"), two, sixty),
    )
    return st.builds(
        lambda d, sep, h, mi, s, f, o: f"{d.isoformat()}{sep}{h}:{mi}:{s}{f}{o}",
        st.dates(),
        st.sampled_from("Tt"),
        two,
        sixty,
        sixty,
        fraction,
        offset,
    )


def _string(node: Schema) -> SearchStrategy[str]:
    low = int(node.get("minLength", 0))
    high = min(int(node.get("maxLength", MAX_TEXT)), max(low, MAX_TEXT))
    if node.get("format") == "date-time":
        return timestamps()
    pattern = node.get("pattern")
    if isinstance(pattern, str):
        if pattern.endswith(_LOOKAHEAD_SUFFIX):
            pattern = pattern[: -len(_LOOKAHEAD_SUFFIX)]
        simple = _class_sequence(pattern, low, high)
        if simple is not None:
            return simple
        regex = _bounded_regex(pattern, high)
        return st.from_regex(regex, fullmatch=True).filter(lambda s: low <= len(s) <= high)
    return st.text(min_size=low, max_size=high)


_CLASS_ATOM = re.compile(r"\[((?:\\.|[^\]\\])+)\](?:\{(\d+),(\d+)\})?")


def _class_chars(body: str) -> str | None:
    """The characters of a regex class body like ``A-Za-z0-9._:-`` (``None`` if negated)."""
    if body.startswith("^"):
        return None
    chars: list[str] = []
    index = 0
    while index < len(body):
        char = body[index]
        if char == "\\" and index + 1 < len(body):
            char = body[index + 1]
            index += 1
        if index + 2 < len(body) and body[index + 1] == "-":
            chars += [chr(c) for c in range(ord(char), ord(body[index + 2]) + 1)]
            index += 3
            continue
        chars.append(char)
        index += 1
    return "".join(sorted(set(chars)))


def _class_sequence(pattern: str, low: int, high: int) -> SearchStrategy[str] | None:
    """A fast strategy for ``^[class]{m,n}[class]{m,n}...$`` patterns; ``None`` otherwise.

    Drawing characters from the classes directly is several times faster than
    ``st.from_regex`` and still builds every string by construction.
    """
    if not (pattern.startswith("^") and pattern.endswith("$")):
        return None
    body = pattern[1:-1]
    parts: list[SearchStrategy[str]] = []
    position = 0
    shortest = longest = 0
    while position < len(body):
        match = _CLASS_ATOM.match(body, position)
        if match is None:
            return None
        chars = _class_chars(match.group(1))
        if chars is None:
            return None
        least = int(match.group(2)) if match.group(2) else 1
        most = int(match.group(3)) if match.group(3) else 1
        most = max(least, min(most, high))
        shortest += least
        longest += most
        parts.append(st.text(alphabet=chars, min_size=least, max_size=most))
        position = match.end()
    if not parts:
        return None
    joined = st.tuples(*parts).map("".join)
    if shortest >= low and longest <= high:
        return joined
    return joined.filter(lambda s: low <= len(s) <= high)


def _bounded_regex(pattern: str, high: int) -> str:
    """Cap the upper bound of ``{m,n}`` quantifiers at ``high`` to keep draws short."""

    def cap(match: re.Match[str]) -> str:
        low, top = int(match.group(1)), int(match.group(2))
        return f"{{{low},{max(low, min(top, high))}}}"

    return re.sub(r"\{(\d+),(\d+)\}", cap, pattern)


def _number(node: Schema, integer: bool) -> SearchStrategy[Any]:
    low = node.get("minimum")
    high = node.get("maximum")
    ints = st.integers(min_value=low, max_value=high)
    if integer:
        return ints
    floats = st.floats(min_value=low, max_value=high, allow_nan=False, allow_infinity=False)
    return st.one_of(ints, floats)


def _not_filter(node: Schema) -> Callable[[Any], bool] | None:
    forbidden = node.get("not")
    if not isinstance(forbidden, dict):
        return None
    if "const" in forbidden:
        value = forbidden["const"]
        return lambda v: bool(v != value)
    return None


def strategy_for(node: Schema) -> SearchStrategy[Any]:
    """Valid instances of one schema node (``$ref``s resolved through the registry)."""
    resolved = _resolve(node)
    node = resolved.schema
    if resolved.union:
        forbidden_type = _forbidden_inner_type(node)
        types = [t for t in bundled().types if t != forbidden_type]
        return st.sampled_from(types).flatmap(_inner_message)
    base = _strategy_for_resolved(node)
    keep = _not_filter(node)
    return base.filter(keep) if keep else base


def _forbidden_inner_type(node: Schema) -> str | None:
    forbidden = node.get("not", {})
    value = forbidden.get("properties", {}).get("type", {}).get("const")
    return value if isinstance(value, str) else None


@cache
def _inner_message(message_type: str) -> SearchStrategy[dict[str, Any]]:
    return message(message_type)


def _strategy_for_resolved(node: Schema) -> SearchStrategy[Any]:
    if "const" in node:
        return st.just(node["const"])
    if "enum" in node:
        return st.sampled_from(node["enum"])
    kind = node.get("type")
    if kind == "string":
        return _string(node)
    if kind == "integer":
        return _number(node, integer=True)
    if kind == "number":
        return _number(node, integer=False)
    if kind == "boolean":
        return st.booleans()
    if kind == "array":
        low = int(node.get("minItems", 0))
        high = min(int(node.get("maxItems", MAX_ITEMS)), max(low, MAX_ITEMS))
        return st.lists(strategy_for(node.get("items", {})), min_size=low, max_size=high)
    if kind == "object":
        return _object(node, {})
    raise ValueError(f"no strategy for schema node {sorted(node)}")


def _object(node: Schema, fixed: dict[str, Any]) -> SearchStrategy[dict[str, Any]]:
    properties: dict[str, Schema] = node.get("properties", {})
    required = set(node.get("required", []))

    def field(name: str) -> SearchStrategy[Any]:
        if name in fixed:
            value = fixed[name]
            return value if isinstance(value, SearchStrategy) else st.just(value)
        return strategy_for(properties[name])

    mandatory = {n: field(n) for n in properties if n in required or n in fixed}
    optional = {n: field(n) for n in properties if n not in mandatory}
    extra = {n: field(n) for n in fixed if n not in properties}
    strategy = st.fixed_dictionaries({**mandatory, **extra}, optional=optional)
    minimum = int(node.get("minProperties", 0))
    if minimum:
        # By construction: when too few optional fields were drawn, add the first ones.
        names = list(properties)

        @st.composite
        def topped_up(draw: st.DrawFn) -> dict[str, Any]:
            value = draw(strategy)
            for name in names:
                if len(value) >= minimum:
                    break
                if name not in value:
                    value[name] = draw(field(name))
            return value

        return topped_up()
    return strategy


def message(message_type: str, **fixed: Any) -> SearchStrategy[dict[str, Any]]:
    """Valid messages of ``message_type``; keyword arguments fix top-level fields.

    A fixed value may be a plain value or a strategy. Values are not checked:
    fixing a field to an invalid value gives invalid messages.
    """
    schemas = bundled()
    if message_type not in schemas.by_type:
        raise ValueError(f"unknown message type {message_type!r}")
    if not fixed:
        return _message_cached(message_type)
    return _consistent(message_type, _object(schemas.by_type[message_type], fixed), fixed)


@cache
def _message_cached(message_type: str) -> SearchStrategy[dict[str, Any]]:
    return _consistent(message_type, _object(bundled().by_type[message_type], {}), {})


_COMPRESSED_CONTENT = ("originalType", "originalSize", "compressedSize", "data")


def _consistent(
    message_type: str, strategy: SearchStrategy[dict[str, Any]], fixed: dict[str, Any]
) -> SearchStrategy[dict[str, Any]]:
    """Make wrappers valid beyond their schema, unless a test fixed those fields.

    A ``batch`` gets the ``count`` of its messages (BATCH-1); a ``compressed``
    gets real gzip data of a drawn message, with matching sizes and type (COMP-1).
    """
    if message_type == "batch" and "count" not in fixed:
        return strategy.map(lambda batch: {**batch, "count": len(batch["messages"])})
    if message_type == "compressed" and not set(_COMPRESSED_CONTENT) & set(fixed):
        inner_types = [t for t in bundled().types if t not in ("compressed", "batch")]
        return st.tuples(strategy, any_message(inner_types)).map(_with_content)
    return strategy


def _with_content(pair: tuple[dict[str, Any], dict[str, Any]]) -> dict[str, Any]:
    wrapper, inner = pair
    encoded = encode_compressed(inner)
    return {**wrapper, **{key: encoded[key] for key in _COMPRESSED_CONTENT}}


def any_message(types: Iterable[str] | None = None) -> SearchStrategy[dict[str, Any]]:
    """Valid messages whose type is drawn from ``types`` (all 26 by default)."""
    chosen = tuple(bundled().types if types is None else types)
    if not chosen:
        raise ValueError("any_message() needs at least one type")
    return st.sampled_from(chosen).flatmap(message)


def client_message(role: str | None = None) -> SearchStrategy[dict[str, Any]]:
    """Valid messages of the types ``role`` may send (ROLE-1, ROLE-2).

    Without a role: the types a dashboard or an agent may send.
    """
    if role is None:
        return any_message(sorted(allowed_types("dashboard") | allowed_types("agent")))
    types = allowed_types(role)
    if not types:
        raise ValueError(f"role {role!r} sends no message type")
    return any_message(sorted(t for t in bundled().types if t in types))


# --------------------------------------------------------------------------
# Mutations
# --------------------------------------------------------------------------

Path = tuple[str | int, ...]


@dataclass(frozen=True)
class _Location:
    """A value of a valid message and the (resolved) schema it satisfies."""

    path: Path
    schema: Schema
    value: Any


def _locations(value: Any, node: Schema, path: Path = ()) -> list[_Location]:
    """Every location of a valid ``value`` with its schema, depth-first."""
    resolved = _resolve(node)
    node = resolved.schema
    if resolved.union and isinstance(value, dict):
        node = bundled().by_type[value["type"]]
    found = [_Location(path, node, value)]
    if isinstance(value, dict):
        for name, sub in node.get("properties", {}).items():
            if name in value:
                found += _locations(value[name], sub, (*path, name))
    elif isinstance(value, list) and "items" in node:
        for index, item in enumerate(value):
            found += _locations(item, node["items"], (*path, index))
    return found


def _dotted(path: Path) -> str:
    return ".".join(str(p) for p in path)


def _replace(message: Any, path: Path, make: Callable[[Any], Any]) -> Any:
    """A deep copy of ``message`` where the value at ``path`` becomes ``make(old)``."""
    result = copy.deepcopy(message)
    if not path:
        return make(result)
    parent = result
    for step in path[:-1]:
        parent = parent[step]
    parent[path[-1]] = make(parent[path[-1]])
    return result


_WRONG_TYPE_VALUES: dict[str, list[Any]] = {
    "string": [7, None, True, ["x"], {"x": 1}],
    "integer": ["1", 1.5, True, None, [1]],
    "number": ["1", True, None, {}],
    "array": ["x", 1, {"0": "x"}, None],
    "object": ["x", 1, ["x"], None],
    "boolean": [1, "true", None],
}

_BAD_TIMESTAMPS = (
    "2024-02-30T12:00:00Z",  # no such day
    "2023-02-29T12:00:00Z",  # not a leap year
    "2024-13-01T12:00:00Z",  # no such month
    "2024-01-01T24:00:00Z",  # hour out of range
    "2024-01-01T12:60:00Z",  # minute out of range
    "2024-01-01T12:00:61Z",  # second out of range
    "0000-01-01T00:00:00Z",  # year zero
    "2024-01-01 12:00:00Z",  # space instead of T
    "2024-01-01T12:00:00",  # no offset
    "2024-01-01T12:00:00Z\n",  # trailing newline
    "2024-01-01T12:00:00+25:00",  # offset hour out of range
    "2024-01-01T12:00:00.Z",  # empty fraction
    "2024-1-01T12:00:00Z",  # one-digit month
    "yesterday",
)

UNDOCUMENTED_FIELD = "xUndocumented"
"""The name :func:`mutation` gives an extra field (no schema declares it)."""


Change = Callable[[Any], Any]


def _constant(value: Any) -> Change:
    """A change that puts (a copy of) ``value`` in place of the old value."""
    return lambda _old: copy.deepcopy(value)


def _without(name: str) -> Change:
    """A change that drops member ``name`` of an object."""
    return lambda old: {k: v for k, v in old.items() if k != name}


def _with_extra(old: dict[str, Any]) -> dict[str, Any]:
    return {**old, UNDOCUMENTED_FIELD: 1}


def _repeat_first(count: int) -> Change:
    """A change that makes an array of ``count`` copies of its first item."""
    return lambda old: [copy.deepcopy(old[0]) for _ in range(count)]


def _defects(location: _Location) -> list[tuple[str, Path, Callable[[Any], Any]]]:
    """(kind, path of the defect, change to apply at the location) for one location."""
    node, value, path = location.schema, location.value, location.path
    out: list[tuple[str, Path, Callable[[Any], Any]]] = []
    if isinstance(value, dict):
        for name in node.get("required", []):
            if name in value:
                out.append(("missing-required", (*path, name), _without(name)))
        out.append(("extra-field", (*path, UNDOCUMENTED_FIELD), _with_extra))
    if not path:
        return out
    is_type_field = path[-1] == "type" and "const" in node
    if is_type_field:
        out.append(("unknown-type", path, _constant("no:such-type")))
        out.append(("wrong-type", path, _constant(7)))
        return out
    kind = node.get("type")
    if kind in _WRONG_TYPE_VALUES and "const" not in node and "enum" not in node:
        for bad in _WRONG_TYPE_VALUES[kind]:
            if kind == "number" and isinstance(bad, float):
                continue
            out.append(("wrong-type", path, _constant(bad)))
    if "enum" in node or "const" in node:
        out.append(("out-of-enum", path, _constant("not-an-allowed-value")))
        out.append(("wrong-type", path, _constant(7)))
    if kind == "string" and "maxLength" in node and node["maxLength"] <= 10_000:
        out.append(("too-long", path, _constant("a" * (int(node["maxLength"]) + 1))))
    if kind == "array" and "maxItems" in node and node["maxItems"] <= 300 and value:
        out.append(("too-long", path, _repeat_first(int(node["maxItems"]) + 1)))
    if kind in ("integer", "number"):
        if "maximum" in node:
            out.append(("out-of-range", path, _constant(node["maximum"] + 1)))
        if "minimum" in node:
            out.append(("out-of-range", path, _constant(node["minimum"] - 1)))
    if node.get("format") == "date-time":
        for bad in _BAD_TIMESTAMPS:
            out.append(("bad-timestamp", path, _constant(bad)))
    return out


@st.composite
def _mutations(
    draw: st.DrawFn, types: tuple[str, ...], wanted: frozenset[str] | None
) -> Mutation:
    message_type = draw(st.sampled_from(types))
    valid = draw(message(message_type))
    schema = bundled().by_type[message_type]
    candidates = [
        (kind, defect_path, location.path, change)
        for location in _locations(valid, schema)
        for kind, defect_path, change in _defects(location)
    ]
    if wanted is not None:
        candidates = [c for c in candidates if c[0] in wanted]
    kinds = sorted({c[0] for c in candidates})
    if not kinds:
        raise ValueError(f"no mutation of kinds {sorted(wanted or ())} applies to {message_type}")
    kind = draw(st.sampled_from(kinds))
    chosen = draw(st.sampled_from([c for c in candidates if c[0] == kind]))
    _, defect_path, location_path, change = chosen
    mutated = _replace(valid, location_path, change)
    return Mutation(mutated, kind, _dotted(defect_path))


def mutation(
    message_type: str | None = None, kinds: Iterable[str] | None = None
) -> SearchStrategy[Mutation]:
    """Invalid messages, each a valid one with exactly one defect of :data:`MUTATION_KINDS`.

    With ``message_type``, the valid message drawn is of that type (the defect
    may still be in a nested message of a ``batch``). With ``kinds``, only
    those kinds of defect are made (the type must offer one of them).
    """
    wanted = None if kinds is None else frozenset(kinds)
    if wanted is not None and not wanted <= set(MUTATION_KINDS):
        raise ValueError(f"unknown mutation kinds {sorted(wanted - set(MUTATION_KINDS))}")
    types = bundled().types if message_type is None else (message_type,)
    for t in types:
        if t not in bundled().by_type:
            raise ValueError(f"unknown message type {t!r}")
    return _mutations(tuple(types), wanted)


__all__ = [
    "MAX_ITEMS",
    "MAX_TEXT",
    "MUTATION_KINDS",
    "UNDOCUMENTED_FIELD",
    "Mutation",
    "any_message",
    "client_message",
    "message",
    "mutation",
    "strategy_for",
    "timestamps",
]
