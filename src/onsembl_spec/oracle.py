"""The jsonschema-based validator: the oracle the generated validators are tested against.

Run-time validation uses the generated code (``onsembl_spec._generated``);
this module validates with jsonschema (format checking on, VAL-1, VAL-5) and
derives the R14 ``field`` paths (VAL-2) and their VAL-4 order from the
jsonschema errors. It reports every issue, not only the first. Messages are
worded by the functions the generated code's messages come from
(:mod:`onsembl_spec._validator_runtime`), so the two cannot word one issue
two ways.
"""

from __future__ import annotations

import copy
from collections.abc import Callable, Sequence
from functools import cache
from typing import Any

from jsonschema import Draft202012Validator
from jsonschema.exceptions import ValidationError

from onsembl_spec import _validator_runtime as rt
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
            return [Issue(None, rt.NOT_AN_OBJECT + rt.kind(message))]
        message_type = message.get("type")
        if "type" not in message:
            return [Issue("type", rt.MISSING_FIELD)]
        if not isinstance(message_type, str) or message_type not in self._by_type:
            return [Issue("type", rt.UNKNOWN_TYPE + rt.short(message_type))]
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
            return [Issue(None, rt.NESTED_TOO_DEEPLY)]
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


def _explain(error: ValidationError) -> list[tuple[list[str | int], str]]:
    """The (path, message) pairs that one jsonschema error stands for (R14 wording)."""
    path: list[str | int] = list(error.absolute_path)
    keyword = error.validator
    value: Any = error.validator_value
    instance = error.instance
    if keyword == "required" and isinstance(instance, dict):
        return [([*path, name], rt.MISSING_FIELD) for name in value if name not in instance]
    if keyword == "additionalProperties" and isinstance(instance, dict):
        known = error.schema.get("properties", {}) if isinstance(error.schema, dict) else {}
        return [([*path, name], rt.UNDOCUMENTED_FIELD) for name in instance if name not in known]
    if keyword == "not" and isinstance(instance, dict):
        return [([*path, "type"], rt.BATCH_IN_BATCH)]
    if keyword == "not":
        return [(path, rt.must_not_be(instance))]
    messages: dict[str, Callable[[], str]] = {
        "type": lambda: rt.wrong_type(value, instance),
        "enum": lambda: rt.not_in_enum(value, instance),
        "const": lambda: rt.must_be(value),
        "maxLength": lambda: rt.longer_than(value),
        "minLength": lambda: rt.shorter_than(value),
        "pattern": lambda: rt.bad_pattern(value),
        "format": lambda: rt.bad_format(value),
        "minimum": lambda: rt.less_than(value),
        "maximum": lambda: rt.greater_than(value),
        "minItems": lambda: rt.fewer_items(value),
        "maxItems": lambda: rt.more_items(value),
        "minProperties": lambda: rt.fewer_fields(value),
    }
    make = messages.get(str(keyword))
    text = make() if make else error.message[:200]
    return [(path, text)]


@cache
def oracle() -> MessageValidator:
    """The jsonschema validator of the bundled schemas (built once)."""
    return MessageValidator(bundled())


__all__ = ["MessageValidator", "oracle"]
