"""The jsonschema-based validator: the oracle the generated validators are tested against.

Run-time validation uses the generated code (``onsembl_spec._generated``);
this module validates with jsonschema (format checking on, VAL-1, VAL-5) and
derives the R14 ``field`` paths (VAL-2) and their VAL-4 order from the
jsonschema errors. It reports every issue, not only the first.
"""

from __future__ import annotations

import copy
import json
from collections.abc import Callable, Sequence
from functools import cache
from typing import Any

from jsonschema import Draft202012Validator
from jsonschema.exceptions import ValidationError

from onsembl_spec.schemas import Schema, SchemaSet, bundled
from onsembl_spec.validation import Issue, dotted

_FORMAT_CHECKER = Draft202012Validator.FORMAT_CHECKER
_UNKNOWN = 1 << 30


class MessageValidator:
    """Validates messages against one :class:`SchemaSet` with jsonschema.

    ``format`` is asserted (``date-time`` is checked), as VAL-1 requires.
    """

    def __init__(self, schemas: SchemaSet) -> None:
        self.schemas = schemas
        registry = schemas.registry
        self._by_type = {
            t: Draft202012Validator(s, registry=registry, format_checker=_FORMAT_CHECKER)
            for t, s in schemas.by_type.items()
        }
        wrapper = copy.deepcopy(schemas.by_type["batch"])
        wrapper.pop("$id", None)
        wrapper["properties"]["messages"]["items"] = {"description": "any JSON value"}
        self._batch_wrapper = Draft202012Validator(
            wrapper, registry=registry, format_checker=_FORMAT_CHECKER
        )

    def check(self, message: Any) -> Issue | None:
        """The first issue of ``message`` (the one R14 reports), or ``None`` when valid."""
        issues = self.validate(message)
        return issues[0] if issues else None

    def check_batch_wrapper(self, message: dict[str, Any]) -> Issue | None:
        """First issue of a ``batch``'s own fields, its inner messages not examined (BATCH-2)."""
        errors = [
            (
                self._order_key(self.schemas.by_type["batch"], message, path),
                Issue(dotted(path), text),
            )
            for error in self._batch_wrapper.iter_errors(message)
            for path, text in _explain(error)
        ]
        return min(errors, key=lambda pair: pair[0])[1] if errors else None

    def validate(self, message: Any) -> list[Issue]:
        """All problems of ``message``, the R14 ``field`` first; ``[]`` when valid."""
        if not isinstance(message, dict):
            return [Issue(None, f"message must be a JSON object, not {_json_kind(message)}")]
        message_type = message.get("type")
        if "type" not in message:
            return [Issue("type", "missing required field")]
        if not isinstance(message_type, str) or message_type not in self._by_type:
            return [Issue("type", f"unknown message type {_short(message_type)}")]
        validator = self._by_type[message_type]
        issues: list[tuple[tuple[int, ...], Issue]] = []
        try:
            for error in validator.iter_errors(message):
                for path, text in _explain(error):
                    key = self._order_key(self.schemas.by_type[message_type], message, path)
                    issues.append((key, Issue(dotted(path), text)))
        except RecursionError:
            # jsonschema describes offending values with repr(); a value nested
            # near the parser's limit exhausts the stack there.
            return [Issue(None, "nested too deeply to validate")]
        issues.sort(key=lambda pair: pair[0])
        unique: list[Issue] = []
        for _, issue in issues:
            if issue not in unique:
                unique.append(issue)
        return unique

    def _order_key(
        self, schema: Schema, instance: Any, path: Sequence[str | int]
    ) -> tuple[int, ...]:
        key: list[int] = []
        node: Schema | None = schema
        for segment in path:
            node = self._resolve(node, instance)
            if isinstance(segment, int):
                key.append(segment)
                node = node.get("items") if node else None
                instance = (
                    instance[segment]
                    if isinstance(instance, list) and segment < len(instance)
                    else None
                )
                continue
            properties = list((node or {}).get("properties", {}))
            if segment in properties:
                key.append(properties.index(segment))
            elif isinstance(instance, dict) and segment in instance:
                key.append(len(properties) + list(instance).index(segment))
            else:
                key.append(_UNKNOWN)
            node = (node or {}).get("properties", {}).get(segment)
            instance = instance.get(segment) if isinstance(instance, dict) else None
        return tuple(key)

    def _resolve(self, node: Schema | None, instance: Any) -> Schema | None:
        """``node``'s effective schema; the union schema dispatched on the instance's type."""
        if node is None:
            return None
        resolved = self.schemas.resolve(node)
        if not resolved.union:
            return resolved.schema
        message_type = instance.get("type") if isinstance(instance, dict) else None
        chosen = self.schemas.by_type.get(message_type) if isinstance(message_type, str) else None
        return None if chosen is None else self.schemas.resolve(chosen).schema


def _json_kind(value: Any) -> str:
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
    except RecursionError:
        return "a deeply nested value"
    return text if len(text) <= limit else text[: limit - 3] + "..."


def _explain(error: ValidationError) -> list[tuple[list[str | int], str]]:
    """The (path, message) pairs that one jsonschema error stands for."""
    path: list[str | int] = list(error.absolute_path)
    keyword = error.validator
    value: Any = error.validator_value
    instance = error.instance
    if keyword == "required" and isinstance(instance, dict):
        return [([*path, name], "missing required field") for name in value if name not in instance]
    if keyword == "additionalProperties" and isinstance(instance, dict):
        known = error.schema.get("properties", {}) if isinstance(error.schema, dict) else {}
        return [([*path, name], "undocumented field") for name in instance if name not in known]
    if keyword == "not" and isinstance(instance, dict):
        return [([*path, "type"], "a batch cannot contain a batch")]
    if keyword == "not":
        return [(path, f"must not be {_short(instance)}")]
    messages = {
        "type": lambda: f"must be {_type_name(value)}, not {_json_kind(instance)}",
        "enum": lambda: (
            "must be one of " + ", ".join(map(str, value))
            if len(value) <= 8
            else f"{_short(instance)} is not one of the {len(value)} allowed values"
        ),
        "const": lambda: f"must be {_short(value)}",
        "maxLength": lambda: f"longer than {value} characters",
        "minLength": lambda: f"shorter than {value} character{'s' if value != 1 else ''}",
        "pattern": lambda: "has characters or a shape the field does not allow",
        "format": lambda: f"not a valid {value} (RFC 3339, with Z or an offset)",
        "minimum": lambda: f"less than {value}",
        "maximum": lambda: f"greater than {value}",
        "minItems": lambda: f"fewer than {value} item{'s' if value != 1 else ''}",
        "maxItems": lambda: f"more than {value} items",
        "minProperties": lambda: f"fewer than {value} field{'s' if value != 1 else ''}",
    }
    make: Callable[[], str] | None = messages.get(str(keyword))
    text = make() if make else error.message[:200]
    return [(path, text)]


def _type_name(value: Any) -> str:
    names = {
        "string": "a string",
        "integer": "an integer",
        "number": "a number",
        "object": "an object",
        "array": "an array",
        "boolean": "a boolean",
        "null": "null",
    }
    if isinstance(value, list):
        return " or ".join(names.get(str(v), str(v)) for v in value)
    return names.get(value, str(value))


@cache
def oracle() -> MessageValidator:
    """The jsonschema validator of the bundled schemas (built once)."""
    return MessageValidator(bundled())


__all__ = ["MessageValidator", "oracle"]
