"""Loading the JSON Schemas (the single source of truth) into one registry.

``schemas/`` holds ``common.json`` (shared definitions), ``message.json`` (the
union that dispatches on ``type``) and ``messages/*.json`` (one schema per
message type). Every cross-file ``$ref`` is an absolute ``$id``, so the files
load in any Draft 2020-12 validator given the same set of resources.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path
from typing import Any

from referencing import Registry, Resource
from referencing.jsonschema import DRAFT202012

from onsembl_spec import resources
from onsembl_spec.errors import SchemaError

ROLES = ("dashboard", "agent", "server")
"""The three roles of the protocol; schemas name them in ``x-sender``/``x-receiver``."""

Schema = dict[str, Any]


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
