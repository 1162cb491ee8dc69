"""Validating messages against the schemas, with R14 field paths.

``validate(message)`` returns a list of :class:`Issue`; the first names the
offending field a server puts in ``validation:error.field`` (VAL-2, VAL-3).
Order is deterministic (VAL-4): ``type`` first, then fields in the order their
schema declares them, nested objects depth-first at their field's place, and
undocumented fields last in message order.

The checks are plain Python generated from the schemas by ``onsembl generate``
(``onsembl_spec._generated.validators``); jsonschema is not used at run time.
:mod:`onsembl_spec.oracle` holds the jsonschema validator the tests compare
them with.
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from onsembl_spec._generated import validators as _generated


@dataclass(frozen=True)
class Issue:
    """One problem of a message.

    ``field`` is the dotted path from the message root (``output.type``,
    ``messages.2.type``), ``type`` for a missing or unknown type, and ``None``
    when the message is not a JSON object.
    """

    field: str | None
    message: str

    def as_dict(self) -> dict[str, str]:
        """The JSON form used by ``onsembl validate --format json``."""
        out = {"message": self.message}
        if self.field is not None:
            out = {"field": self.field, **out}
        return out


def dotted(path: Iterable[str | int]) -> str:
    """Join a JSON path as R14 writes it: ``messages.2.type``."""
    return ".".join(str(p) for p in path)


def check(message: Any) -> Issue | None:
    """The first issue of one decoded message (R14's ``field``, VAL-4 order), or ``None``.

    This is the call to make on a hot path: generated plain-Python code that
    stops at the first problem (VAL-1, VAL-2, VAL-4, VAL-5).
    """
    found = _generated.check(message)
    return None if found is None else Issue(found[0], found[1])


def check_batch_wrapper(message: Any) -> Issue | None:
    """First issue of a ``batch`` message's own fields (BATCH-2); inner messages not examined."""
    found = _generated.check_batch_wrapper(message)
    return None if found is None else Issue(found[0], found[1])


def validate(message: Any) -> list[Issue]:
    """Validate one decoded message against the schemas (generated code, VAL-1).

    Returns ``[]`` when it is valid; otherwise its issues in VAL-4 order, at
    most one per location, the first being the one R14 reports
    (``Issue.field`` is ``None`` when ``message`` is not an object, or nested
    too deeply to examine). Several defects at one location give one issue.
    """
    return [Issue(field, text) for field, text in _generated.issues(message)]


def stale_validators() -> str | None:
    """Why the generated validators may not match the schemas, or ``None``.

    In a checkout, ``schemas/`` can change after ``onsembl generate`` wrote
    ``_generated/validators.py``: its ``SOURCE_SHA256`` then differs from the hash of
    the schema files (:func:`onsembl_spec.resources.hash_files`), and validation follows
    the old schemas. An installed package carries the schemas its validators were
    generated from, so this is ``None`` there without reading a file.
    """
    from onsembl_spec import resources

    root = resources.repo_root()
    if root is None or resources.schemas_dir() != root / "schemas":
        return None
    try:
        current = resources.hash_files(root / "schemas")
    except OSError:
        return None
    if current == getattr(_generated, "SOURCE_SHA256", None):
        return None
    return (
        f"the generated validators are stale: {root / 'schemas'} changed since "
        "`onsembl generate` wrote them, so messages are checked against the old schemas "
        "(run `onsembl generate`)"
    )


class _NotJSON(ValueError):
    pass


def _reject_constant(name: str) -> Any:
    raise _NotJSON(f"{name} is not JSON")


BOM = "\ufeff"
BOM_TEXT = "a UTF-8 byte-order mark (BOM, bytes EF BB BF)"
"""How an issue names a byte-order mark: JSON text has none (RFC 8259, section 8.1)."""

_DECODER = json.JSONDecoder(parse_constant=_reject_constant)
"""One strict decoder, built once: ``json.loads`` with arguments builds one per call."""


def parse_json(text: str) -> Any:
    """Decode one message's text as strict JSON (RFC 8259: no NaN or Infinity).

    Raises :class:`ValueError` with a one-line reason when ``text`` is not JSON.
    Duplicate member names are accepted, the last one winning (MSG-14).
    """
    try:
        return _DECODER.decode(text)
    except _NotJSON as err:
        raise ValueError(str(err)) from None
    except json.JSONDecodeError as err:
        if text.startswith(BOM):
            raise ValueError(f"not JSON: {BOM_TEXT} before the value") from None
        raise ValueError(f"not JSON: {err.msg} at line {err.lineno} column {err.colno}") from None
    except RecursionError:
        raise ValueError("not JSON this parser accepts: nested too deeply") from None


def validate_text(text: str) -> tuple[Any, list[Issue]]:
    """Parse and validate the text of one frame: ``(message or None, issues)``."""
    try:
        message = parse_json(text)
    except ValueError as err:
        return None, [Issue(None, str(err))]
    return message, validate(message)


__all__ = [
    "Issue",
    "check",
    "check_batch_wrapper",
    "dotted",
    "parse_json",
    "stale_validators",
    "validate",
    "validate_text",
]
