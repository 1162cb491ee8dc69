"""``--header`` and ``--origin`` on every connection the kit opens (issue 10, part 2).

A test-only gateway (``tls_support.gateway``) in front of the reference server
wants an API key header and records every upgrade request: the suite run
through it must pass, with the key and the extra header on every handshake
(the preflight's included) and the ``--origin`` on every one except those of
the AUTH-9/AUTH-10 checks, which keep their own. Header values never reach an
output; bad or kit-controlled headers are one line, exit 2.
"""

from __future__ import annotations

import json
import secrets
from collections.abc import Iterator
from pathlib import Path

import pytest
import yaml
from test_preflight import assert_set_up_mistake, no_transcripts
from tls_support import gateway, run_onsembl

from onsembl_conformance.bundled import DEFAULT_COMMAND, FAST_PROFILE, RunningServer, start_server
from onsembl_conformance.checks.auth import FOREIGN_ORIGIN
from onsembl_conformance.connection import (
    NO_ORIGIN,
    ConnectionSettings,
    connection_settings,
    parse_header,
)
from onsembl_spec.errors import UsageError

SECRET = "hdr-" + secrets.token_urlsafe(32)
API_KEY = "gw-" + secrets.token_hex(12)
ORIGIN = FAST_PROFILE["allowed_origins"][0]


@pytest.fixture(scope="module")
def server() -> Iterator[RunningServer]:
    running = start_server(DEFAULT_COMMAND, SECRET, FAST_PROFILE)
    try:
        yield running
    finally:
        running.stop()


@pytest.fixture(scope="module")
def profile_file(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("profile") / "fast.yaml"
    path.write_text(yaml.safe_dump(FAST_PROFILE), encoding="utf-8")
    return path


def test_headers_and_origin_reach_every_connection(
    tmp_path: Path, server: RunningServer, profile_file: Path
) -> None:
    with gateway(server.url, {"X-Api-Key": API_KEY}) as seen:
        result = run_onsembl(
            ["check", seen.url, "--profile", str(profile_file), "--only", "AUTH,TRANS,PRES-1",
             "--header", f"X-Api-Key: {API_KEY}", "--header", "X-Tenant:  team-7 ",
             "--origin", ORIGIN, "--seed", "5",
             "--report", "r.json", "--junit", "j.xml", "--html", "h.html"],
            tmp_path, env={"ONSEMBL_JWT_SECRET": SECRET},
        )  # fmt: skip
    assert result.returncode == 0, result.stdout[-4000:] + result.stderr
    assert seen.refused == 0
    assert len(seen.requests) >= 20  # the preflight and every check's connections
    assert all(keys == [API_KEY] for keys in seen.values("X-Api-Key"))
    assert all(tenant == ["team-7"] for tenant in seen.values("X-Tenant"))
    agents = [a[0] for a in seen.values("User-Agent")]
    assert any(a.endswith("(preflight)") for a in agents)
    origins = [o[0] if o else None for o in seen.values("Origin")]
    assert set(origins) == {ORIGIN, FOREIGN_ORIGIN, None}  # AUTH-9/10 keep their own
    assert origins.count(ORIGIN) > len(origins) // 2
    outputs = [result.stdout, result.stderr] + [
        (tmp_path / name).read_text() for name in ("r.json", "j.xml", "h.html")
    ]
    assert not any(API_KEY in text for text in outputs)
    summary = json.loads((tmp_path / "r.json").read_text())["summary"]
    assert summary["connection"]["headers"] == ["X-Api-Key: [redacted]", "X-Tenant: [redacted]"]
    assert summary["connection"]["origin"] == ORIGIN


def test_a_gateway_that_wants_a_header_is_a_set_up_mistake(
    tmp_path: Path, server: RunningServer
) -> None:
    with gateway(server.url, {"X-Api-Key": API_KEY}) as seen:
        result = run_onsembl(
            ["check", seen.url], tmp_path, env={"ONSEMBL_JWT_SECRET": SECRET}, timeout=60
        )
    assert_set_up_mistake(result, "HTTP 401", "--header")
    assert no_transcripts(tmp_path)


@pytest.mark.parametrize(
    ("flags", "fragment"),
    [
        (["--header", "X-Api-Key=VALUE"], "expected 'Name: value'"),
        (["--header", ": VALUE"], "no name before"),
        (["--header", "X Api Key: VALUE"], "not a header name"),
        (["--header", "X-Api-Key: VAL\x01UE"], "control character"),
        (["--header", "Authorization: Bearer VALUE"], "bearer token"),
        (["--header", "host: VALUE"], "controls this header"),
        (["--header", "Sec-WebSocket-Protocol: VALUE"], "controls this header"),
        (["--header", "Connection: VALUE"], "controls this header"),
        (["--header", "Origin: https://VALUE"], "use --origin"),
        (["--header", "Cookie: a=1; token=VALUE"], "named 'token'"),
        (["--origin", "https://VALUE/path"], "expected an origin"),
        (["--origin", "https://elsewhere.example"], "not in the profile's allowed_origins"),
    ],
)
def test_bad_headers_and_origins(tmp_path: Path, flags: list[str], fragment: str) -> None:
    result = run_onsembl(
        ["check", "ws://127.0.0.1:1/ws", *flags], tmp_path, env={"ONSEMBL_JWT_SECRET": "s"},
        timeout=60,
    )  # fmt: skip
    line = assert_set_up_mistake(result, fragment)
    if not flags[1].startswith("https://VALUE"):
        assert "VALUE" not in line  # a header's value is never echoed: it may be a secret
    assert no_transcripts(tmp_path)


def test_replay_refuses_the_same_bad_header(tmp_path: Path) -> None:
    transcript = tmp_path / "t.json"
    transcript.write_text("{}")
    result = run_onsembl(
        ["replay", str(transcript), "ws://127.0.0.1:1/ws", "--header", "Upgrade: x"], tmp_path
    )
    assert_set_up_mistake(result, "--header Upgrade: the kit controls this header")


def test_check_help_and_readme_list_the_connection_flags(tmp_path: Path) -> None:
    for command in ("check", "replay"):
        text = run_onsembl([command, "--help"], tmp_path, timeout=60).stdout
        for flag in ("--ca-file FILE", "--insecure", "--header 'NAME: VALUE'", "--origin URL"):
            assert flag in text, (command, flag)
    readme = (Path(__file__).resolve().parents[2] / "README.md").read_text()
    for example in (
        "onsembl check wss://staging.example/ws --ca-file corp-ca.pem",
        "--insecure --only",
        '--header "X-Api-Key: $GATEWAY_KEY"',
        "--origin https://app.example",
        "onsembl serve --tls-cert server.pem --tls-key server-key.pem",
        "Replay: onsembl replay onsembl-transcripts/",
    ):
        assert example in readme, example


# -- the settings object -------------------------------------------------------------------


def test_handshake_headers_merge_cookies_and_keep_user_agent_apart() -> None:
    settings = connection_settings(
        headers=["Cookie: session=abc", "X-One: 1", "User-Agent: my-gateway-probe/1"],
        origin="https://app.example/",
    )
    kit = [("Authorization", "Bearer t"), ("Cookie", "token=t")]
    assert settings.handshake_headers(kit) == [
        ("Authorization", "Bearer t"),
        ("X-One", "1"),
        ("Cookie", "token=t; session=abc"),
    ]
    assert settings.handshake_headers([]) == [("X-One", "1"), ("Cookie", "session=abc")]
    assert settings.user_agent() == "my-gateway-probe/1"
    assert ConnectionSettings().user_agent() == "onsembl-conformance"
    assert settings.origin == "https://app.example"
    assert settings.origin_for(None) == "https://app.example"
    assert settings.origin_for(NO_ORIGIN) is None
    assert settings.origin_for("https://evil.example") == "https://evil.example"
    assert settings.redacted_headers() == [
        "Cookie: [redacted]", "X-One: [redacted]", "User-Agent: [redacted]"
    ]  # fmt: skip


def test_tls_only_for_wss_urls(tmp_path: Path) -> None:
    settings = ConnectionSettings(insecure=True)
    assert settings.tls_for("ws://127.0.0.1:1/ws") is None  # a private server stays plain
    assert settings.tls_for("wss://127.0.0.1:1/ws") is settings.tls_context()
    options = settings.connect_options("wss://h.example:1/ws")
    assert options["server_hostname"] == "h.example" and options["origin"] is None
    assert "ssl" not in ConnectionSettings().connect_options("ws://h.example:1/ws")


def test_header_values_keep_inner_colons() -> None:
    assert parse_header("X-Url: https://a.example:8443/x") == ("X-Url", "https://a.example:8443/x")
    assert parse_header("X-Empty:") == ("X-Empty", "")
    with pytest.raises(UsageError):
        parse_header("Transfer-Encoding: chunked")
