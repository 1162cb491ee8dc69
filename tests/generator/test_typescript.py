"""``docs/typescript/onsembl-messages.d.ts``: compiles, and every schema example type-checks.

The compiler is TypeScript 5 run through ``npx`` (Node is part of the CI
machine); the test is skipped only when ``npx`` is not installed. A probe file
assigns every schema example to ``OnsemblMessage`` and to its own interface,
and marks invalid assignments ``@ts-expect-error`` so that they must fail.
"""

from __future__ import annotations

import json
import shutil
import subprocess
from pathlib import Path

import pytest

from onsembl_spec.generator.typescript import TYPESCRIPT_PATH, message_interface, pascal
from onsembl_spec.schemas import bundled

ROOT = Path(__file__).resolve().parents[2]
DECLARATIONS = ROOT / TYPESCRIPT_PATH


def test_names() -> None:
    assert pascal("agent:refresh-token") == "AgentRefreshToken"
    assert message_interface("agent:status") == "AgentStatusMessage"


def test_declarations_cover_every_type() -> None:
    text = DECLARATIONS.read_text(encoding="utf-8")
    for message_type in bundled().types:
        interface = message_interface(message_type)
        assert f"export interface {interface} {{" in text
        assert f"  | {interface}" in text
        assert f'  type: "{message_type}";' in text
    assert "messages: Array<Exclude<OnsemblMessage, BatchMessage>>;" in text
    assert 'export type AgentStatus = "online" | "busy" | "error" | "offline";' in text


def _probe() -> str:
    lines = [
        'import type * as O from "./onsembl-messages";',
        "",
    ]
    index = 0
    for message_type, schema in bundled().by_type.items():
        for example in schema["examples"]:
            literal = json.dumps(example)
            lines.append(f"export const any{index}: O.OnsemblMessage = {literal};")
            lines.append(
                f"export const own{index}: O.{message_interface(message_type)} = {literal};"
            )
            index += 1
    lines += [
        "export function kind(m: O.OnsemblMessage): string {",
        "  switch (m.type) {",
        '    case "terminal:output": return m.output.content;',
        '    case "agent:list": return String(m.agents.length);',
        "    default: return m.timestamp;",
        "  }",
        "}",
        "// @ts-expect-error: an unknown type is not a message",
        'export const bad0: O.OnsemblMessage = {"type": "agent:reboot", "timestamp": "x"};',
        "// @ts-expect-error: a required field is missing",
        'export const bad1: O.AgentConnectMessage = {"type": "agent:connect", "timestamp": "x"};',
        "// @ts-expect-error: out of the enumeration",
        'export const bad2: O.AgentStatus = "sleeping";',
        "// @ts-expect-error: a batch cannot hold a batch",
        'export const bad3: O.BatchMessage["messages"][number] = {} as O.BatchMessage;',
        "// @ts-expect-error: an undocumented field",
        'export const bad4: O.HeartbeatPingMessage = {"type": "heartbeat:ping", "timestamp": "x", "x": 1};',  # noqa: E501
        "",
    ]
    return "\n".join(lines)


@pytest.mark.skipif(shutil.which("npx") is None, reason="npx (Node.js) is not installed")
def test_declarations_compile_and_examples_type_check(tmp_path: Path) -> None:
    shutil.copy(DECLARATIONS, tmp_path / "onsembl-messages.d.ts")
    (tmp_path / "probe.ts").write_text(_probe(), encoding="utf-8")
    result = subprocess.run(
        ["npx", "-y", "-p", "typescript@5", "tsc", "--noEmit", "--strict", "--target", "es2020",
         "--module", "es2020", "--moduleResolution", "node", "onsembl-messages.d.ts", "probe.ts"],
        cwd=tmp_path,
        capture_output=True,
        text=True,
        timeout=600,
        check=False,
    )  # fmt: skip
    assert result.returncode == 0, result.stdout + result.stderr
