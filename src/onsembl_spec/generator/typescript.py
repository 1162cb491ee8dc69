"""TypeScript declarations (``docs/typescript/onsembl-messages.d.ts``).

One interface per message type (``AgentConnectMessage``), a type alias or
interface per shared definition of ``common.json`` (``Timestamp``,
``AgentStatus``, ``TerminalChunk``), string-literal unions for enumerations,
and the discriminated union ``OnsemblMessage`` on ``type``. Doc comments carry
the schemas' descriptions and bounds, which TypeScript cannot express.
"""

from __future__ import annotations

import json
import re
from typing import Any

from onsembl_spec.errors import GeneratorError
from onsembl_spec.generator.model import bounds
from onsembl_spec.generator.writer import LineWriter
from onsembl_spec.schemas import Schema, SchemaSet

TYPESCRIPT_PATH = "docs/typescript/onsembl-messages.d.ts"
_DEFS_PREFIX = "#/$defs/"


def pascal(name: str) -> str:
    """``agent:refresh-token`` / ``agentId`` -> ``AgentRefreshToken`` / ``AgentId``."""
    parts = re.split(r"[^A-Za-z0-9]+", name)
    return "".join(p[:1].upper() + p[1:] for p in parts if p)


def message_interface(message_type: str) -> str:
    """The interface name of a message type: ``agent:connect`` -> ``AgentConnectMessage``."""
    return pascal(message_type) + "Message"


def _comment(w: LineWriter, lines: list[str]) -> None:
    text = [line.replace("*/", "*\\/") for line in lines if line]
    if not text:
        return
    if len(text) == 1:
        w.line(f"/** {text[0]} */")
        return
    w.line("/**")
    for line in text:
        w.line(f" * {line}")
    w.line(" */")


class _Types:
    def __init__(self, schemas: SchemaSet) -> None:
        self.schemas = schemas
        self.common_id = schemas.common["$id"]

    def expression(self, node: Schema) -> str:
        """The TypeScript type of a schema node (``$ref`` to a definition by its name)."""
        ref = node.get("$ref")
        if isinstance(ref, str):
            if self.schemas.is_union(ref):
                forbidden = node.get("not", {}).get("properties", {}).get("type", {}).get("const")
                if forbidden:
                    return f"Exclude<OnsemblMessage, {message_interface(forbidden)}>"
                return "OnsemblMessage"
            if ref.startswith(self.common_id + _DEFS_PREFIX):
                name = pascal(ref[len(self.common_id + _DEFS_PREFIX) :])
                forbidden = node.get("not", {})
                if isinstance(forbidden, dict) and "const" in forbidden:
                    return f"Exclude<{name}, {json.dumps(forbidden['const'])}>"
                return name
            raise GeneratorError(f"cannot name $ref {ref} in TypeScript")
        if "const" in node:
            return json.dumps(node["const"])
        if "enum" in node:
            return " | ".join(json.dumps(v) for v in node["enum"])
        kind = node.get("type")
        if kind == "string":
            return "string"
        if kind in ("integer", "number"):
            return "number"
        if kind == "boolean":
            return "boolean"
        if kind == "array":
            item = self.expression(node.get("items", {}))
            return f"Array<{item}>" if " " in item or "<" in item else f"{item}[]"
        if kind == "object":
            return self.inline_object(node)
        if not node:
            return "unknown"
        raise GeneratorError(f"cannot express schema {sorted(node)} in TypeScript")

    def inline_object(self, node: Schema) -> str:
        required = set(node.get("required", []))
        members = [
            f"{name}{'' if name in required else '?'}: {self.expression(sub)}"
            for name, sub in node.get("properties", {}).items()
        ]
        return "{ " + "; ".join(members) + " }"

    def resolved_bounds(self, node: Schema) -> tuple[str, ...]:
        """Bounds of a node's effective schema (:meth:`SchemaSet.resolve`)."""
        return bounds(self.schemas.resolve(node).schema)

    def members(self, w: LineWriter, schema: Schema) -> None:
        required = set(schema.get("required", []))
        for name, sub in schema.get("properties", {}).items():
            notes = [str(sub.get("description", ""))]
            limits = self.resolved_bounds(sub)
            if limits:
                notes.append("Bounds: " + "; ".join(limits) + ".")
            if "default" in sub:
                notes.append(f"Default: {json.dumps(sub['default'])}.")
            _comment(w, notes)
            optional = "" if name in required else "?"
            w.line(f"{name}{optional}: {self.expression(sub)};")


def _definition(w: LineWriter, types: _Types, name: str, node: Schema) -> None:
    notes = [str(node.get("description", ""))]
    if node.get("type") == "object" and "properties" in node:
        _comment(w, notes)
        with w.block(f"export interface {pascal(name)} {{"):
            types.members(w, node)
        w.line("}")
        return
    limits = types.resolved_bounds(node)
    if limits:
        notes.append("Bounds: " + "; ".join(limits) + ".")
    examples: list[Any] = node.get("examples", [])
    if examples and not isinstance(examples[0], (dict, list)):
        notes.append("Examples: " + ", ".join(json.dumps(e) for e in examples) + ".")
    _comment(w, notes)
    w.line(f"export type {pascal(name)} = {types.expression(node)};")


def typescript_declarations(schemas: SchemaSet, header: str) -> str:
    """The ``.d.ts`` text for ``schemas``."""
    types = _Types(schemas)
    w = LineWriter(indent="  ")
    w.lines(header)
    _comment(
        w,
        [
            "Onsembl WebSocket API message types, generated from the JSON Schemas.",
            "Validate at run time with the schemas; these types describe valid messages.",
        ],
    )
    w.line()
    for name, node in schemas.common["$defs"].items():
        _definition(w, types, name, node)
        w.line()
    for message_type, schema in schemas.by_type.items():
        senders = ", ".join(schemas.senders(message_type))
        receivers = ", ".join(schemas.receivers(message_type))
        _comment(
            w,
            [
                str(schema.get("description", "")),
                f"Sent by: {senders}. Received by: {receivers}.",
            ],
        )
        with w.block(f"export interface {message_interface(message_type)} {{"):
            types.members(w, schema)
        w.line("}")
        w.line()
    _comment(w, ["Any message of the protocol, discriminated by `type`."])
    w.line("export type OnsemblMessage =")
    names = [message_interface(t) for t in schemas.types]
    for index, name in enumerate(names):
        w.line(f"  | {name}{';' if index == len(names) - 1 else ''}")
    w.line()
    _comment(w, ["Maps each `type` to its message interface."])
    with w.block("export interface OnsemblMessageByType {"):
        for message_type in schemas.types:
            w.line(f"{json.dumps(message_type)}: {message_interface(message_type)};")
    w.line("}")
    w.line()
    _comment(w, ["Types a dashboard may send (ROLE-1)."])
    w.line("export type DashboardMessageType = " + _role_union(schemas, "dashboard") + ";")
    _comment(w, ["Types an agent may send (ROLE-2)."])
    w.line("export type AgentMessageType = " + _role_union(schemas, "agent") + ";")
    _comment(w, ["Types the server may send."])
    w.line("export type ServerMessageType = " + _role_union(schemas, "server") + ";")
    return w.text()


def _role_union(schemas: SchemaSet, role: str) -> str:
    return " | ".join(json.dumps(t) for t in schemas.types if role in schemas.senders(t))
