"""The suite never punishes a server for a choice the specification permits (issue 9, part 4).

The alternative server is the reference server making every choice the
reference leaves off by default: TLS (``wss://``, a private CA made at test
time, trusted with ``--ca-file``; issue 10), another path (``--path``) on another port,
permessage-deflate accepted (TRANS-9), a profile whose every value differs
from the bundled one, and forwarded messages batched and compressed
(``output``, TERM-3 and TERM-5). The whole default suite must pass it: a
check that fails here is over-fitted to the reference server's defaults.
Real sockets on loopback, real gzip.
"""

from __future__ import annotations

import asyncio
import json
import shlex
import ssl
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import yaml
from conformance_support import HERE, broken_command, onsembl
from tls_support import TlsFiles, make_tls_files
from websockets.asyncio.client import connect
from websockets.exceptions import InvalidStatus
from websockets.extensions.permessage_deflate import PerMessageDeflate

from onsembl_conformance.bundled import FAST_PROFILE, RunningServer, new_secret, start_server
from onsembl_spec.profile import load_profile
from onsembl_spec.tokens import mint
from onsembl_spec.wire import decode_compressed

PROFILE = HERE / "alternative_profile.yaml"
PATH = "/other/endpoint"
ALTERNATIVE_COMMAND = [
    sys.executable, "-m", "onsembl_spec", "serve", "--path", PATH, "--permessage-deflate",
]  # fmt: skip
SEED = 11
TS = "2024-01-01T00:00:00Z"


def alternative_profile() -> dict[str, Any]:
    data = yaml.safe_load(PROFILE.read_text(encoding="utf-8"))
    assert isinstance(data, dict)
    return data


def test_the_profile_differs_from_the_bundled_one_everywhere() -> None:
    """Every key the bundled profile sets has another value here, and ``output`` is on."""
    alternative = load_profile(PROFILE).as_dict()
    for key in (
        "max_message_bytes",
        "identify_timeout_s",
        "refresh_window_s",
        "max_queue",
        "max_queue_bytes",
        "max_owner_queue_bytes",
    ):
        assert alternative[key] != FAST_PROFILE[key], key
    for key, value in FAST_PROFILE["outbound"].items():
        assert alternative["outbound"][key] != value, key
    assert alternative["allowed_origins"] != FAST_PROFILE["allowed_origins"]
    assert alternative["heartbeat"] != FAST_PROFILE["heartbeat"]
    for scope in ("global", "connection"):
        assert alternative["limits"][scope] != FAST_PROFILE["limits"][scope], scope
    for kind, windows in FAST_PROFILE["limits"]["types"].items():
        assert alternative["limits"]["types"][kind] != windows, kind
    assert alternative["output"] == {"batch": True, "compress": True}


@pytest.fixture(scope="module")
def tls(tmp_path_factory: pytest.TempPathFactory) -> TlsFiles:
    return make_tls_files(tmp_path_factory.mktemp("tls"))


def tls_command(tls: TlsFiles) -> list[str]:
    """The alternative server serving ``wss://`` (issue 10)."""
    return [*ALTERNATIVE_COMMAND, *tls.serve_args()]


@pytest.fixture(scope="module")
def alternative_server(tls: TlsFiles) -> Iterator[tuple[RunningServer, str]]:
    secret = new_secret()
    server = start_server(tls_command(tls), secret, load_profile(PROFILE).as_dict())
    try:
        yield server, secret
    finally:
        server.stop()


def _output(agent_id: str, n: int, size: int) -> dict[str, Any]:
    chunk = {"type": "stdout", "content": f"{n}:" + "x" * size, "timestamp": TS}
    return {"type": "terminal:output", "agentId": agent_id, "output": chunk, "timestamp": TS}


async def _exercise(url: str, secret: str, context: ssl.SSLContext) -> dict[str, Any]:
    """Dashboard and agent offering deflate; a burst of small and large outputs.

    Returns what was seen: extensions negotiated, outer frame types, inner
    types of batches, and the unwrapped outputs in order.
    """
    headers = {"Authorization": f"Bearer {mint(secret, 'alt-owner', ttl=600)}"}
    seen: dict[str, Any] = {"outer": [], "inner": [], "contents": []}
    async with (
        connect(url, additional_headers=headers, compression="deflate", ssl=context) as dash,
        connect(url, additional_headers=headers, compression="deflate", ssl=context) as agent,
    ):
        seen["deflate"] = [
            any(isinstance(e, PerMessageDeflate) for e in ws.protocol.extensions)
            for ws in (dash, agent)
        ]
        await dash.send(
            json.dumps({"type": "dashboard:connect", "dashboardId": "d", "timestamp": TS})
        )
        assert json.loads(await asyncio.wait_for(dash.recv(), 10))["type"] == "agent:list"
        await agent.send(
            json.dumps(
                {"type": "agent:connect", "agentId": "a", "agentType": "claude", "timestamp": TS}
            )
        )
        assert json.loads(await asyncio.wait_for(dash.recv(), 10))["type"] == "agent:status"
        sent = [_output("a", n, 3000 if n % 2 else 10) for n in range(10)]
        batch = {"type": "batch", "messages": sent, "count": len(sent), "timestamp": TS}
        await agent.send(json.dumps(batch))
        while len(seen["contents"]) < len(sent):
            frame = json.loads(await asyncio.wait_for(dash.recv(), 10))
            seen["outer"].append(frame["type"])
            inner = frame["messages"] if frame["type"] == "batch" else [frame]
            for message in inner:
                seen["inner"].append(message["type"])
                if message["type"] == "compressed":
                    message = decode_compressed(message, 1 << 20)
                if message["type"] == "terminal:output":
                    seen["contents"].append(message["output"]["content"])
        seen["expected"] = [m["output"]["content"] for m in sent]
    return seen


def test_the_alternative_configuration_is_in_effect(
    alternative_server: tuple[RunningServer, str], tls: TlsFiles
) -> None:
    """What the suite will face: TLS, the other path (the default one is 404), deflate
    negotiated, forwarded output in batches with the large outputs compressed, nothing lost
    or reordered."""
    server, secret = alternative_server
    assert server.url.startswith("wss://") and server.url.endswith(PATH)
    assert ":3001/" not in server.url
    context = ssl.create_default_context(cafile=str(tls.ca))
    seen = asyncio.run(_exercise(server.url, secret, context))
    assert seen["deflate"] == [True, True]
    assert seen["contents"] == seen["expected"]
    assert set(seen["outer"]) == {"batch"}
    assert "compressed" in seen["inner"] and "terminal:output" in seen["inner"]

    async def default_path() -> int:
        try:
            async with connect(server.url.replace(PATH, "/ws"), ssl=context):
                return 101
        except InvalidStatus as err:
            return err.response.status_code

    assert asyncio.run(default_path()) == 404


def _check(args: list[str], cwd: Path, command: str) -> tuple[int, str, dict[str, Any]]:
    result = onsembl(
        ["check", "--server-command", command, "--report", "report.json", *args], cwd=cwd
    )
    report = json.loads((cwd / "report.json").read_text()) if (cwd / "report.json").exists() else {}
    return result.returncode, result.stdout + result.stderr, report


def test_the_whole_default_suite_passes_the_alternative_server(
    tmp_path: Path, tls: TlsFiles
) -> None:
    """Zero failures and zero errors: every check passed, or was skipped saying why; every
    connection over TLS (the private servers' too: the same command starts them)."""
    command = shlex.join(tls_command(tls))
    code, output, report = _check(
        ["--profile", str(PROFILE), "--seed", str(SEED), "--ca-file", str(tls.ca)],
        tmp_path,
        command,
    )
    assert code == 0, output[-6000:]
    assert report["summary"]["target"].startswith("wss://")
    assert report["summary"]["target"].endswith(PATH)
    statuses = {c["name"]: c["status"] for c in report["checks"]}
    assert set(statuses.values()) <= {"passed", "skipped"}, {
        n: s for n, s in statuses.items() if s not in ("passed", "skipped")
    }
    for check in report["checks"]:
        if check["status"] == "skipped":
            assert check["message"].strip(), check
    for name in (
        "plain_messages",
        "slow_consumer_closed",
        "deflate_offer_works",
        "deflated_size_limit",
        "wrapper_not_counted",
        "queue_full",
    ):
        assert statuses[name] == "passed", (name, statuses.get(name))
    assert report["summary"]["requirements"]["failed"] == 0
    assert report["summary"]["requirements"]["error"] == 0
    assert len(statuses) >= 90


def test_term_5_allows_only_what_the_profile_turns_on(tmp_path: Path) -> None:
    """Compression on, batching off: the clean server passes TERM-5, and one that batches
    anyway fails it (the check tells the two wrappers apart)."""
    profile = alternative_profile()
    profile["output"] = {"batch": False, "compress": True}
    path = tmp_path / "compress-only.yaml"
    path.write_text(yaml.safe_dump(profile), encoding="utf-8")
    args = ["--profile", str(path), "--only", "plain_messages", "--strict", "--seed", "3"]
    clean = tmp_path / "clean"
    clean.mkdir()
    code, output, report = _check(args, clean, " ".join(ALTERNATIVE_COMMAND))
    assert code == 0, output[-3000:]
    broken = tmp_path / "broken"
    broken.mkdir()
    code, output, report = _check(args, broken, broken_command("term-batches-by-default"))
    assert code == 1, output[-3000:]
    failed = {r["id"] for r in report["results"] if r["status"] == "failed"}
    assert failed == {"TERM-5"}
    assert "batch" in output and "output.batch false" in output


def test_the_slow_consumer_check_reports_only_close_7(tmp_path: Path) -> None:
    """A server whose only deviation is re-stamping forwarded messages (MSG-13) passes the
    CLOSE-7 check, and the MSG-13 check run with it still fails it."""
    args = ["--only", "slow_consumer_closed,output_in_order", "--seed", "4"]
    code, output, report = _check(args, tmp_path, broken_command("forward-rewrites"))
    assert code == 1, output[-3000:]
    statuses = {c["name"]: c["status"] for c in report["checks"]}
    assert statuses == {"slow_consumer_closed": "passed", "output_in_order": "failed"}
    failed = {r["id"] for r in report["results"] if r["status"] == "failed"}
    assert failed == {"MSG-13"}
