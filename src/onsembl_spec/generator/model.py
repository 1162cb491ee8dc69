"""A documentation model of the schemas: per message type, its roles, fields and requirements.

The Markdown pages, the HTML page and the TypeScript comments are all
rendered from this one model, so they cannot disagree. Requirement IDs that
concern a type are those whose sentence names the type in backticks, plus
the IDs of its row in the message catalogue of ``docs/spec.md`` (section 17,
TYPE).
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from typing import Any

from onsembl_spec._validator_runtime import shown_pattern
from onsembl_spec.generator.source import Sources
from onsembl_spec.schemas import Schema, SchemaSet
from onsembl_spec.spec import Requirement


@dataclass(frozen=True)
class Field:
    """One row of a fields table: a top-level or nested field of a message."""

    path: str
    depth: int
    type: str
    required: bool
    bounds: tuple[str, ...]
    description: str


@dataclass(frozen=True)
class MessageDoc:
    """Everything the reference says about one message type."""

    type: str
    slug: str
    description: str
    senders: tuple[str, ...]
    receivers: tuple[str, ...]
    fields: tuple[Field, ...]
    examples: tuple[str, ...]
    requirements: tuple[Requirement, ...]
    schema_file: str


def slug(message_type: str) -> str:
    """File-name form of a type: ``agent:connect`` -> ``agent-connect``."""
    return message_type.replace(":", "-")


class _Resolver:
    def __init__(self, schemas: SchemaSet) -> None:
        self.schemas = schemas

    def resolve(self, node: Schema) -> tuple[Schema, str | None]:
        """``node``'s effective schema (:meth:`SchemaSet.resolve`) and its definition name.

        A reference to the union schema is marked ``x-union`` and named ``message``.
        """
        resolved = self.schemas.resolve(node)
        if resolved.union:
            return {"x-union": True, **resolved.schema}, "message"
        return resolved.schema, resolved.definition


def type_label(node: Schema, name: str | None = None) -> str:
    """A short, language-neutral label of a node's type."""
    if node.get("x-union"):
        return "message (any type but `batch`)" if "not" in node else "message"
    if "const" in node:
        return json.dumps(node["const"])
    if "enum" in node:
        if len(node["enum"]) <= 8:
            return " | ".join(json.dumps(v) for v in node["enum"])
        return f"string ({len(node['enum'])} values: {name or 'enumeration'})"
    kind = node.get("type", "any")
    if kind == "array":
        return f"array of {type_label(node.get('items', {}))}"
    if kind in ("object", "string") and name:
        return f"{kind} ({name})"
    return str(kind)


def bounds(node: Schema) -> tuple[str, ...]:
    """Human-readable constraints of a node (length, range, pattern, format, items)."""
    out: list[str] = []
    if node.get("format"):
        out.append(f"format {node['format']}")
    low, high = node.get("minLength"), node.get("maxLength")
    if low is not None and high is not None:
        out.append(f"{low} to {high} characters")
    elif high is not None:
        out.append(f"at most {high} characters")
    elif low is not None:
        out.append(f"at least {low} characters")
    if "pattern" in node:
        out.append(f"pattern `{shown_pattern(node['pattern'])}`")
    minimum, maximum = node.get("minimum"), node.get("maximum")
    if minimum is not None and maximum is not None:
        out.append(f"{minimum} to {maximum}")
    elif minimum is not None:
        out.append(f"at least {minimum}")
    elif maximum is not None:
        out.append(f"at most {maximum}")
    low_items, high_items = node.get("minItems"), node.get("maxItems")
    if low_items is not None and high_items is not None:
        out.append(f"{low_items} to {high_items} items")
    elif high_items is not None:
        out.append(f"at most {high_items} items")
    if "minProperties" in node:
        out.append(f"at least {node['minProperties']} field(s)")
    forbidden = node.get("not")
    if isinstance(forbidden, dict) and "const" in forbidden:
        out.append(f"not {json.dumps(forbidden['const'])}")
    return tuple(out)


def _fields(
    resolver: _Resolver, schema: Schema, prefix: str = "", depth: int = 0
) -> list[Field]:
    rows: list[Field] = []
    required = set(schema.get("required", []))
    for name, sub in schema.get("properties", {}).items():
        node, definition = resolver.resolve(sub)
        path = f"{prefix}{name}"
        label = type_label(node, definition)
        if node.get("type") == "array":
            item, item_name = resolver.resolve(node.get("items", {}))
            label = f"array of {type_label(item, item_name)}"
        rows.append(
            Field(
                path=path,
                depth=depth,
                type=label,
                required=name in required,
                bounds=bounds(node),
                description=str(sub.get("description") or node.get("description", "")),
            )
        )
        if depth < 3 and node.get("type") == "object" and "properties" in node:
            rows += _fields(resolver, node, f"{path}.", depth + 1)
        elif depth < 3 and node.get("type") == "array":
            item, _ = resolver.resolve(node.get("items", {}))
            if item.get("type") == "object" and "properties" in item:
                rows += _fields(resolver, item, f"{path}[].", depth + 1)
            elif not item.get("x-union") and item:
                rows.append(
                    Field(
                        path=f"{path}[]",
                        depth=depth + 1,
                        type=type_label(item),
                        required=False,
                        bounds=bounds(item),
                        description=str(item.get("description", "")),
                    )
                )
    return rows


_CATALOGUE_ROW = re.compile(r"^\| `(?P<type>[^`]+)` \|.*\| (?P<ids>[^|]*) \|\s*$")
_RANGE = re.compile(r"^(?P<area>[A-Z]+)-(?P<low>\d+) to (?P=area)-(?P<high>\d+)$")


def catalogue_ids(spec_text: str) -> dict[str, list[str]]:
    """IDs in the "governed by" column of the message catalogue, ranges expanded."""
    out: dict[str, list[str]] = {}
    for line in spec_text.splitlines():
        match = _CATALOGUE_ROW.match(line.strip())
        if match is None:
            continue
        ids: list[str] = []
        for part in match["ids"].split(","):
            part = part.strip()
            ranged = _RANGE.match(part)
            if ranged:
                area, low, high = ranged["area"], int(ranged["low"]), int(ranged["high"])
                ids += [f"{area}-{n}" for n in range(low, high + 1)]
            elif re.fullmatch(r"[A-Z]+-\d+", part):
                ids.append(part)
        out[match["type"]] = ids
    return out


def requirements_for(
    message_type: str, requirements: tuple[Requirement, ...], catalogue: dict[str, list[str]]
) -> tuple[Requirement, ...]:
    """Requirements naming ``message_type`` in backticks, or listed in its catalogue row."""
    wanted = set(catalogue.get(message_type, []))
    needle = f"`{message_type}`"
    return tuple(r for r in requirements if r.id in wanted or needle in r.text)


def message_docs(sources: Sources) -> list[MessageDoc]:
    """The model of every message type, in the order of ``common.json#/$defs/messageType``."""
    schemas = sources.schemas
    resolver = _Resolver(schemas)
    catalogue = catalogue_ids(sources.spec_text)
    docs = []
    for message_type, schema in schemas.by_type.items():
        examples = tuple(json.dumps(e, indent=2, ensure_ascii=False) for e in schema["examples"])
        docs.append(
            MessageDoc(
                type=message_type,
                slug=slug(message_type),
                description=schema.get("description", ""),
                senders=schemas.senders(message_type),
                receivers=schemas.receivers(message_type),
                fields=tuple(_fields(resolver, schema)),
                examples=examples,
                requirements=requirements_for(message_type, sources.requirements, catalogue),
                schema_file=f"schemas/{schemas.files[message_type].relative_to(schemas.root).as_posix()}",
            )
        )
    return docs


def json_value(value: Any) -> str:
    """Compact JSON of a value, for inline code."""
    return json.dumps(value, ensure_ascii=False)
