"""The AsyncAPI 3.0 document (``docs/asyncapi.yaml``): one channel, operations per role.

The channel ``/ws`` (TRANS-1) carries all 26 messages. The schemas are
embedded under ``components/schemas`` (generated from ``schemas/``, which stay
the single source of truth; ``x-schema-file`` names each one's file), with
their cross-file ``$ref``s rewritten to local ones: AsyncAPI tools resolve
``$ref``s by URL, and the schemas' ``$id``s are names, not addresses. A
``$ref`` with sibling keywords becomes ``allOf: [{$ref}]`` plus the siblings,
which means the same in Draft 2020-12 and in the Draft-07-based AsyncAPI
schema format. Each message's payload refers to its schema. For each role
there is a ``send`` operation (the types it may send, from ``x-sender``) and a
``receive`` operation (from ``x-receiver``), as ROLE-1 and ROLE-2 state.
"""

from __future__ import annotations

from typing import Any

import yaml

from onsembl_spec.errors import GeneratorError
from onsembl_spec.generator.model import slug
from onsembl_spec.schemas import ROLES, SchemaSet

ASYNCAPI_PATH = "docs/asyncapi.yaml"
PROTOCOL_VERSION = "1.4.0"
CHANNEL = "onsembl"


_DROPPED = ("$schema", "$id", "$defs")


def _local_ref(schemas: SchemaSet, ref: str) -> str:
    """The ``#/components/schemas/...`` pointer of a schema ``$id`` reference."""
    common = schemas.common["$id"] + "#/$defs/"
    if ref.startswith(common):
        return "#/components/schemas/" + ref[len(common) :]
    if ref == schemas.union["$id"]:
        return "#/components/schemas/message"
    for message_type, schema in schemas.by_type.items():
        if ref == schema["$id"]:
            return "#/components/schemas/" + slug(message_type)
    raise GeneratorError(f"cannot embed $ref {ref}")


def _embedded(schemas: SchemaSet, node: Any) -> Any:
    """A copy of ``node`` with local ``$ref``s and without ``$schema``/``$id``/``$defs``."""
    if isinstance(node, list):
        return [_embedded(schemas, item) for item in node]
    if not isinstance(node, dict):
        return node
    out: dict[str, Any] = {}
    for key, value in node.items():
        if key in _DROPPED:
            continue
        if key == "$ref":
            out[key] = _local_ref(schemas, value)
        elif key in ("examples", "const", "enum", "default") or key.startswith("x-"):
            out[key] = value
        elif key == "properties":
            out[key] = {name: _embedded(schemas, sub) for name, sub in value.items()}
        else:
            out[key] = _embedded(schemas, value)
    if "$ref" in out and len(out) > 1:
        ref = out.pop("$ref")
        out = {"allOf": [{"$ref": ref}], **out}
    return out


def component_schemas(schemas: SchemaSet) -> dict[str, Any]:
    """Every schema, embedded: shared definitions, the union, one per message type."""
    out: dict[str, Any] = {}
    for name, definition in schemas.common["$defs"].items():
        out[name] = {**_embedded(schemas, definition), "x-schema-file": "../schemas/common.json"}
    union = _embedded(schemas, schemas.union)
    out["message"] = {**union, "x-schema-file": "../schemas/message.json"}
    for message_type, schema in schemas.by_type.items():
        relative = schemas.files[message_type].relative_to(schemas.root).as_posix()
        key = slug(message_type)
        if key in out:
            raise GeneratorError(f"schema name {key} is used twice")
        out[key] = {**_embedded(schemas, schema), "x-schema-file": f"../schemas/{relative}"}
    return out


def asyncapi_document(schemas: SchemaSet) -> dict[str, Any]:
    """The AsyncAPI 3.0 document as data."""
    messages: dict[str, Any] = {}
    channel_messages: dict[str, Any] = {}
    for message_type, schema in schemas.by_type.items():
        key = slug(message_type)
        messages[key] = {
            "name": message_type,
            "title": message_type,
            "summary": schema.get("description", ""),
            "contentType": "application/json",
            "payload": {"$ref": f"#/components/schemas/{key}"},
            "x-sender": list(schemas.senders(message_type)),
            "x-receiver": list(schemas.receivers(message_type)),
            "examples": [
                {"name": f"example-{index + 1}", "payload": example}
                for index, example in enumerate(schema.get("examples", []))
            ],
        }
        channel_messages[key] = {"$ref": f"#/components/messages/{key}"}
    operations: dict[str, Any] = {}
    for role in ROLES:
        for action, pick in (("send", schemas.senders), ("receive", schemas.receivers)):
            keys = [slug(t) for t in schemas.types if role in pick(t)]
            operations[f"{role}-{action}"] = {
                "action": action,
                "channel": {"$ref": f"#/channels/{CHANNEL}"},
                "title": f"{role.capitalize()} {action}s",
                "summary": f"Messages a {role} {action}s on the connection.",
                "tags": [{"name": role}],
                "messages": [{"$ref": f"#/channels/{CHANNEL}/messages/{k}"} for k in keys],
            }
    return {
        "asyncapi": "3.0.0",
        "info": {
            "title": "Onsembl WebSocket API",
            "version": PROTOCOL_VERSION,
            "description": (
                "JSON over WebSocket between AI coding agents, web dashboards and a control "
                "server. Message payloads are the JSON Schemas (Draft 2020-12) under "
                "`schemas/`; behaviour is specified in `docs/spec.md`."
            ),
        },
        "defaultContentType": "application/json",
        "servers": {
            "reference": {
                "host": "localhost:3001",
                "protocol": "ws",
                "description": "The reference server (`onsembl serve`) on its default port.",
                "security": [
                    {"$ref": "#/components/securitySchemes/bearer"},
                    {"$ref": "#/components/securitySchemes/queryToken"},
                ],
            }
        },
        "channels": {
            CHANNEL: {
                "address": "/ws",
                "title": "The Onsembl WebSocket endpoint",
                "description": "One endpoint for every role (TRANS-1); one JSON object per text "
                "frame (TRANS-3).",
                "messages": channel_messages,
            }
        },
        "operations": operations,
        "components": {
            "schemas": component_schemas(schemas),
            "messages": messages,
            "securitySchemes": {
                "bearer": {
                    "type": "http",
                    "scheme": "bearer",
                    "bearerFormat": "JWT",
                    "description": "HS256 JWT in the Authorization header (AUTH-1, AUTH-2).",
                },
                "queryToken": {
                    "type": "httpApiKey",
                    "name": "token",
                    "in": "query",
                    "description": "The same JWT in the `token` query parameter (AUTH-1).",
                },
            },
        },
    }


def asyncapi_yaml(schemas: SchemaSet, header: str) -> str:
    """The document as YAML, after ``header`` (comment lines)."""
    body = yaml.safe_dump(
        asyncapi_document(schemas), sort_keys=False, allow_unicode=True, width=100
    )
    return header + body
