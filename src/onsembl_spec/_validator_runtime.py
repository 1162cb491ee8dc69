"""What the generated validators run on, and the R14 wording they share with the oracle.

``onsembl_spec/_generated/validators.py`` holds only what the schemas
determine: one pair of functions per object schema, compiled patterns and
sets, and the dispatch tables. Everything else it runs is here, as ordinary
code that ruff and mypy check: the ``date-time`` check (VAL-5), JSON kind
tests, the dispatchers on ``type`` (:func:`dispatchers`: VAL-1, VAL-2, VAL-4,
BATCH-1, BATCH-2) and the wording of every issue message (R14).

The wording functions are called twice: by the generator, which writes the
fixed messages into the generated code as literals (so the hot path builds no
string it can avoid), and by :mod:`onsembl_spec.oracle`, which words the
jsonschema errors the same way at run time. One text per message, in one place.

Nothing here imports jsonschema: validating at run time needs the standard
library only.
"""

from __future__ import annotations

import calendar
import json
import re
from collections.abc import Callable, Iterable, Mapping
from typing import Any, NamedTuple

Issue = tuple[str | None, str]
"""One problem: ``(field, message)``; ``field`` is the dotted R14 path (VAL-2)."""

FirstIssue = Callable[[dict[str, Any]], tuple[str, str] | None]
"""A generated ``_c_*`` function: the first issue of an object, field relative to it."""

AllIssues = Callable[[dict[str, Any], str, list[Issue]], None]
"""A generated ``_a_*`` function: appends every issue, fields prefixed with ``p``."""

MISSING: Any = object()
"""``dict.get`` default marking an absent field."""

# --------------------------------------------------------------------------
# Wording (R14): every issue message, for the generator and the oracle
# --------------------------------------------------------------------------

TYPE_NAMES = {
    "string": "a string",
    "integer": "an integer",
    "number": "a number",
    "object": "an object",
    "array": "an array",
    "boolean": "a boolean",
    "null": "null",
}
"""JSON Schema type names as the messages say them."""

MISSING_FIELD = "missing required field"
UNDOCUMENTED_FIELD = "undocumented field"
BATCH_IN_BATCH = "a batch cannot contain a batch"
NESTED_TOO_DEEPLY = "nested too deeply to validate"
NOT_AN_OBJECT = "message must be a JSON object, not "
"""Prefix of the issue of a message that is not an object (followed by :func:`kind`)."""
UNKNOWN_TYPE = "unknown message type "
"""Prefix of the issue of an unknown ``type`` (followed by :func:`short`)."""


def plural(count: int, word: str) -> str:
    """``1 character``, ``2 characters``."""
    return f"{count} {word}{'s' if count != 1 else ''}"


def kind(value: Any) -> str:
    """What a JSON value is, as the messages say it (``a string``, ``null``)."""
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


def short(value: Any, limit: int = 60) -> str:
    """A value shown in a message: ``repr`` of a string, JSON otherwise, cut to ``limit``."""
    try:
        text = json.dumps(value, ensure_ascii=False) if not isinstance(value, str) else repr(value)
    except (RecursionError, TypeError, ValueError):
        text = "a value"
    return text if len(text) <= limit else text[: limit - 3] + "..."


def type_name(expected: str | Iterable[str]) -> str:
    """``a string``; ``a string or null`` for a list of types."""
    if isinstance(expected, str):
        return TYPE_NAMES.get(expected, expected)
    return " or ".join(TYPE_NAMES.get(str(t), str(t)) for t in expected)


def wrong_type_prefix(expected: str | Iterable[str]) -> str:
    """``must be a string, not `` (followed by :func:`kind` of the value)."""
    return f"must be {type_name(expected)}, not "


def wrong_type(expected: str | Iterable[str], value: Any) -> str:
    return wrong_type_prefix(expected) + kind(value)


def must_be(constant: Any) -> str:
    return f"must be {short(constant)}"


def must_not_be(constant: Any) -> str:
    return f"must not be {short(constant)}"


ENUM_LISTED = 8
"""Enumerations of at most this many values are listed in full in the message."""


def enum_listing(values: list[Any]) -> str | None:
    """``must be one of a, b, c`` for a short enumeration; ``None`` for a long one."""
    if len(values) <= ENUM_LISTED:
        return "must be one of " + ", ".join(map(str, values))
    return None


def not_allowed_suffix(count: int) -> str:
    """`` is not one of the 26 allowed values`` (after :func:`short` of the value)."""
    return f" is not one of the {count} allowed values"


def not_in_enum(values: list[Any], value: Any) -> str:
    listed = enum_listing(values)
    return listed if listed is not None else short(value) + not_allowed_suffix(len(values))


def shorter_than(count: int) -> str:
    return f"shorter than {plural(count, 'character')}"


def longer_than(count: int) -> str:
    return f"longer than {count} characters"


def less_than(bound: Any) -> str:
    return f"less than {bound}"


def greater_than(bound: Any) -> str:
    return f"greater than {bound}"


def fewer_items(count: int) -> str:
    return f"fewer than {plural(count, 'item')}"


def more_items(count: int) -> str:
    return f"more than {count} items"


def fewer_fields(count: int) -> str:
    return f"fewer than {plural(count, 'field')}"


PATTERN_SUFFIX = "(?!\\n)"
"""What the schemas' patterns end with after ``$`` (so that Python's ``re`` agrees with
ECMA-262 about a final newline); left out where a pattern is shown to people."""


def shown_pattern(regex: str) -> str:
    """A schema pattern as people read it: ``^[a-z]+$`` (without :data:`PATTERN_SUFFIX`)."""
    return regex.removesuffix(PATTERN_SUFFIX)


def bad_pattern(regex: str) -> str:
    """``must match the pattern ^[a-z]+$``: the pattern the field allows."""
    return f"must match the pattern {shown_pattern(regex)}"


def bad_format(name: str) -> str:
    return f"not a valid {name} (RFC 3339, with Z or an offset)"


# --------------------------------------------------------------------------
# Value tests
# --------------------------------------------------------------------------

_RFC3339 = re.compile(
    r"([0-9]{4})-(0[1-9]|1[0-2])-([0-9]{2})[Tt](?:[01][0-9]|2[0-3]):[0-5][0-9]:[0-5][0-9]"
    r"(?:\.[0-9]+)?(?:[Zz]|[+-](?:[01][0-9]|2[0-3]):[0-5][0-9])\n?\Z",
    re.ASCII,
).match
_DAYS = (0, 31, 29, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31)


def date_time(value: str) -> bool:
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


def is_integer(value: Any) -> bool:
    """JSON Schema ``integer``: an int (not a bool) or a float with no fraction."""
    if isinstance(value, bool):
        return False
    if isinstance(value, int):
        return True
    return isinstance(value, float) and value.is_integer()


def is_number(value: Any) -> bool:
    return isinstance(value, (int, float)) and not isinstance(value, bool)


def join(here: str, rest: str | None) -> str:
    """A nested issue's field under ``here``: ``output`` + ``type`` -> ``output.type``."""
    return f"{here}.{rest}" if rest else here


# --------------------------------------------------------------------------
# Dispatch on ``type``
# --------------------------------------------------------------------------


class Dispatchers(NamedTuple):
    """The entry points of the generated module, built by :func:`dispatchers`."""

    check: Callable[[Any], Issue | None]
    issues: Callable[[Any], list[Issue]]
    check_batch_wrapper: Callable[[Any], Issue | None]
    union_item_first: Callable[[Any], tuple[str, str] | None]
    union_item_all: Callable[[Any, str, list[Issue]], None]


def dispatchers(
    first: Mapping[str, FirstIssue], every: Mapping[str, AllIssues], batch_wrapper: FirstIssue
) -> Dispatchers:
    """The dispatch on ``type`` over the generated per-type functions.

    ``first`` and ``every`` map each message type to its ``_c_``/``_a_``
    function; ``batch_wrapper`` checks a ``batch``'s own fields. The union of
    ``message.json`` dispatches to exactly these types.
    """
    first_get, every_get = first.get, every.get
    not_allowed = not_allowed_suffix(len(first))

    def union_item_first(v: Any) -> tuple[str, str] | None:
        """A message inside a ``batch``: any type but ``batch`` (BATCH-1)."""
        if v.__class__ is not dict and not isinstance(v, dict):
            return ("", "must be an object, not " + kind(v))
        t = v.get("type", MISSING)
        if t is MISSING:
            return ("type", MISSING_FIELD)
        f = first_get(t) if isinstance(t, str) else None
        if f is None:
            return ("type", short(t) + not_allowed)
        if t == "batch":
            return ("type", BATCH_IN_BATCH)
        return f(v)

    def union_item_all(v: Any, p: str, out: list[Issue]) -> None:
        if v.__class__ is not dict and not isinstance(v, dict):
            out.append((p[:-1], "must be an object, not " + kind(v)))
            return
        t = v.get("type", MISSING)
        if t is MISSING:
            out.append((p + "type", MISSING_FIELD))
            return
        f = every_get(t) if isinstance(t, str) else None
        if f is None:
            out.append((p + "type", short(t) + not_allowed))
            return
        if t == "batch":
            out.append((p + "type", BATCH_IN_BATCH))
        f(v, p, out)

    def check(message: Any) -> Issue | None:
        """The first issue of a decoded message in VAL-4 order, or ``None`` when it is valid."""
        if message.__class__ is not dict and not isinstance(message, dict):
            return (None, NOT_AN_OBJECT + kind(message))
        t = message.get("type", MISSING)
        if t is MISSING:
            return ("type", MISSING_FIELD)
        f = first_get(t) if isinstance(t, str) else None
        if f is None:
            return ("type", UNKNOWN_TYPE + short(t))
        return f(message)

    def issues(message: Any) -> list[Issue]:
        """Every issue of a decoded message, one per location, in VAL-4 order."""
        if message.__class__ is not dict and not isinstance(message, dict):
            return [(None, NOT_AN_OBJECT + kind(message))]
        t = message.get("type", MISSING)
        if t is MISSING:
            return [("type", MISSING_FIELD)]
        f = every_get(t) if isinstance(t, str) else None
        if f is None:
            return [("type", UNKNOWN_TYPE + short(t))]
        out: list[Issue] = []
        try:
            f(message, "", out)
        except RecursionError:
            return [(None, NESTED_TOO_DEEPLY)]
        return out

    def check_batch_wrapper(message: Any) -> Issue | None:
        """First issue of a ``batch``'s own fields; inner messages not examined (BATCH-2)."""
        if message.__class__ is not dict and not isinstance(message, dict):
            return (None, NOT_AN_OBJECT + kind(message))
        return batch_wrapper(message)

    return Dispatchers(check, issues, check_batch_wrapper, union_item_first, union_item_all)
