"""TLS end to end (issue 10, part 2): ``onsembl serve --tls-cert --tls-key`` and ``onsembl
check wss://`` with ``--ca-file`` or ``--insecure``.

Certificates are made at test time by ``trustme``; servers are real subprocesses
on loopback. The default suite must pass over ``wss://`` with a private CA, and
every TLS set-up mistake is one line, exit 2, no transcripts.
"""

from __future__ import annotations

import json
import secrets
import xml.etree.ElementTree as ET
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import yaml
from cryptography.hazmat.primitives import serialization
from test_preflight import assert_set_up_mistake, free_port, no_transcripts
from tls_support import TlsFiles, make_tls_files, run_onsembl

from onsembl_conformance.bundled import DEFAULT_COMMAND, FAST_PROFILE, RunningServer, start_server

SECRET = "tls-" + secrets.token_urlsafe(32)


@pytest.fixture(scope="module")
def tls(tmp_path_factory: pytest.TempPathFactory) -> TlsFiles:
    return make_tls_files(tmp_path_factory.mktemp("tls"))


@pytest.fixture(scope="module")
def profile_file(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("profile") / "fast.yaml"
    path.write_text(yaml.safe_dump(FAST_PROFILE), encoding="utf-8")
    return path


@pytest.fixture(scope="module")
def tls_server(tls: TlsFiles) -> Iterator[RunningServer]:
    server = start_server([*DEFAULT_COMMAND, *tls.serve_args()], SECRET, FAST_PROFILE)
    try:
        yield server
    finally:
        server.stop()


@pytest.fixture(scope="module")
def plain_server() -> Iterator[RunningServer]:
    server = start_server(DEFAULT_COMMAND, SECRET, FAST_PROFILE)
    try:
        yield server
    finally:
        server.stop()


def check(args: list[str], cwd: Path, **kwargs: Any) -> Any:
    return run_onsembl(["check", *args], cwd, env={"ONSEMBL_JWT_SECRET": SECRET}, **kwargs)


# -- onsembl serve --------------------------------------------------------------------------


def test_serve_prints_a_wss_url(tls_server: RunningServer) -> None:
    assert tls_server.url.startswith("wss://127.0.0.1:") and tls_server.url.endswith("/ws")


def _encrypted_key(tls: TlsFiles, path: Path) -> Path:
    key = serialization.load_pem_private_key(tls.key.read_bytes(), password=None)
    path.write_bytes(
        key.private_bytes(
            serialization.Encoding.PEM,
            serialization.PrivateFormat.PKCS8,
            serialization.BestAvailableEncryption(b"passphrase"),
        )
    )
    return path


@pytest.mark.parametrize(
    "case", ["cert-only", "missing-cert", "missing-key", "mismatched", "not-pem", "encrypted"]
)
def test_serve_tls_file_mistakes_are_one_line(tmp_path: Path, tls: TlsFiles, case: str) -> None:
    other = make_tls_files(tmp_path / "other")
    args, fragment = {
        "cert-only": (["--tls-cert", str(tls.cert)], "--tls-cert and --tls-key go together"),
        "missing-cert": (
            ["--tls-cert", str(tmp_path / "nope.pem"), "--tls-key", str(tls.key)],
            "no such file",
        ),
        "missing-key": (
            ["--tls-cert", str(tls.cert), "--tls-key", str(tmp_path / "nope.pem")],
            "no such file",
        ),
        "mismatched": (
            ["--tls-cert", str(tls.cert), "--tls-key", str(other.key)],
            "does not match the certificate",
        ),
        "not-pem": (["--tls-cert", str(tls.key), "--tls-key", str(tls.key)], "no PEM certificate"),
        "encrypted": (
            ["--tls-cert", str(tls.cert), "--tls-key", str(_encrypted_key(tls, tmp_path / "k"))],
            "encrypted",
        ),
    }[case]
    result = run_onsembl(
        ["serve", "--port", "0", *args], tmp_path, env={"ONSEMBL_JWT_SECRET": SECRET}, timeout=30
    )
    assert result.returncode == 2, (result.stdout, result.stderr)
    assert result.stdout == ""
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("onsembl: error:"), result.stderr
    assert fragment in lines[0]


# -- onsembl check wss:// -------------------------------------------------------------------


def test_default_suite_passes_over_wss_with_a_private_ca(
    tmp_path: Path, tls: TlsFiles, tls_server: RunningServer, profile_file: Path
) -> None:
    """The whole default suite, every connection over TLS (the CLOSE-7 check's socket with a
    fixed receive buffer too), trusting the private CA with --ca-file: exit 0."""
    result = run_onsembl(
        ["check", tls_server.url, "--ca-file", str(tls.ca), f"--jwt-secret={SECRET}",
         "--profile", str(profile_file), "--seed", "21", "--report", "r.json"],
        tmp_path,
    )  # fmt: skip
    assert result.returncode == 0, result.stdout[-6000:] + result.stderr
    report = json.loads((tmp_path / "r.json").read_text())
    assert report["summary"]["target"] == tls_server.url
    assert report["summary"]["requirements"]["failed"] == 0
    assert report["summary"]["warnings"] == []
    assert report["summary"]["connection"]["ca_file"] == str(tls.ca)
    statuses = {c["name"]: c["status"] for c in report["checks"]}
    assert statuses["slow_consumer_closed"] == "passed"
    assert statuses["deflate_offer_works"] == "passed"
    assert len(statuses) >= 90
    assert "WARNING" not in result.stdout


def test_untrusted_certificate_names_the_flags(tmp_path: Path, tls_server: RunningServer) -> None:
    result = check([tls_server.url, "--report", "r.json"], tmp_path, timeout=60)
    assert_set_up_mistake(result, "certificate is not trusted", "--ca-file FILE", "--insecure")
    assert no_transcripts(tmp_path) and not (tmp_path / "r.json").exists()


def test_a_ca_file_of_another_ca_is_not_enough(tmp_path: Path, tls_server: RunningServer) -> None:
    other = make_tls_files(tmp_path / "other")
    result = check([tls_server.url, "--ca-file", str(other.ca)], tmp_path, timeout=60)
    assert_set_up_mistake(result, f"neither --ca-file {other.ca}", "not trusted")
    assert no_transcripts(tmp_path)


def test_a_certificate_for_another_host(tmp_path: Path, tls: TlsFiles) -> None:
    """A certificate that names another host: the message says so (not 'untrusted')."""
    elsewhere = make_tls_files(tmp_path / "elsewhere", "elsewhere.example")
    server = start_server([*DEFAULT_COMMAND, *elsewhere.serve_args()], SECRET, FAST_PROFILE)
    try:
        result = check([server.url, "--ca-file", str(elsewhere.ca)], tmp_path, timeout=60)
    finally:
        server.stop()
    assert_set_up_mistake(result, "does not match the URL's host", "--insecure")
    assert no_transcripts(tmp_path)


def test_insecure_passes_and_says_so_everywhere(
    tmp_path: Path, tls_server: RunningServer, profile_file: Path
) -> None:
    result = check(
        [tls_server.url, "--insecure", "--profile", str(profile_file), "--only", "TRANS-1,AUTH-3",
         "--report", "r.json", "--junit", "j.xml", "--html", "h.html"],
        tmp_path, timeout=120,
    )  # fmt: skip
    assert result.returncode == 0, result.stdout[-3000:] + result.stderr
    lines = result.stdout.splitlines()
    assert lines[1].startswith("WARNING: --insecure: the server's TLS certificate was NOT verified")
    assert lines[-2] == lines[1] and lines[-1].startswith("CONFORMANT")
    report = json.loads((tmp_path / "r.json").read_text())
    assert report["summary"]["connection"]["insecure"] is True
    assert any("NOT verified" in w for w in report["summary"]["warnings"])
    props = {p.get("name"): p.get("value") for p in ET.parse(tmp_path / "j.xml").iter("property")}
    assert "NOT verified" in str(props["warning"]) and props["connection.insecure"] == "True"
    assert "WARNING: --insecure" in (tmp_path / "h.html").read_text()


def test_ws_url_of_a_tls_server(tmp_path: Path, tls_server: RunningServer) -> None:
    url = tls_server.url.replace("wss://", "ws://")
    result = check([url], tmp_path, timeout=60)
    assert_set_up_mistake(result, "speaks TLS: use a wss:// URL")
    assert no_transcripts(tmp_path)


def test_wss_url_of_a_plain_server(
    tmp_path: Path, tls: TlsFiles, plain_server: RunningServer
) -> None:
    url = plain_server.url.replace("ws://", "wss://")
    result = check([url, "--ca-file", str(tls.ca)], tmp_path, timeout=60)
    assert_set_up_mistake(result, "does not speak TLS: use a ws:// URL")
    assert no_transcripts(tmp_path)


@pytest.mark.parametrize(
    ("args", "fragment"),
    [
        (["ws://127.0.0.1:1/ws", "--ca-file", "CA"], "--ca-file is for wss:// URLs"),
        (["ws://127.0.0.1:1/ws", "--insecure"], "--insecure is for wss:// URLs"),
        (["--insecure"], "the bundled server serves plain ws://"),
        (["wss://127.0.0.1:1/ws", "--ca-file", "CA", "--insecure"], "contradict"),
        (["wss://127.0.0.1:1/ws", "--ca-file", "missing.pem"], "--ca-file missing.pem: no such"),
        (["wss://127.0.0.1:1/ws", "--ca-file", "KEY"], "no PEM certificate"),
    ],
)
def test_tls_flag_mistakes(tmp_path: Path, tls: TlsFiles, args: list[str], fragment: str) -> None:
    args = [{"CA": str(tls.ca), "KEY": str(tls.key)}.get(a, a) for a in args]
    result = check(args, tmp_path, timeout=60)
    assert_set_up_mistake(result, fragment)
    assert no_transcripts(tmp_path)


def test_nothing_listening_on_a_wss_url(tmp_path: Path, tls: TlsFiles) -> None:
    url = f"wss://127.0.0.1:{free_port()}/ws"
    result = check([url, "--ca-file", str(tls.ca)], tmp_path, timeout=60)
    assert_set_up_mistake(result, "nothing is listening")
