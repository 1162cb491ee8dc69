"""Replay against the real target (issue 10, part 2).

In URL mode the hint under a saved failure is an ``onsembl replay`` command
against the same URL with the same connection flags, and no secret: the JWT
secret comes from ``$ONSEMBL_JWT_SECRET``, header values are not printed.
Run as printed (with the ``--header`` repeated), it reports FAILED against the
broken server and FIXED against a clean one. A malformed or unreachable URL,
or an untrusted certificate, is exit 2 with one line, as for ``check``.
"""

from __future__ import annotations

import json
import secrets
import shlex
from collections.abc import Iterator
from pathlib import Path

import pytest
import yaml
from conformance_support import broken_command
from test_preflight import assert_set_up_mistake, free_port
from tls_support import TlsFiles, make_tls_files, run_onsembl

from onsembl_conformance.bundled import DEFAULT_COMMAND, FAST_PROFILE, RunningServer, start_server

SECRET = "replay-" + secrets.token_urlsafe(32)
HEADER_VALUE = "hv-" + secrets.token_hex(12)
ORIGIN = FAST_PROFILE["allowed_origins"][0]


@pytest.fixture(scope="module")
def tls(tmp_path_factory: pytest.TempPathFactory) -> TlsFiles:
    return make_tls_files(tmp_path_factory.mktemp("tls"))


@pytest.fixture(scope="module")
def servers(tls: TlsFiles) -> Iterator[tuple[RunningServer, RunningServer]]:
    """A broken (priorities ignored, CMD-9) and a clean reference server, both over TLS."""
    broken = start_server(
        [*shlex.split(broken_command("queue-ignores-priority")), *tls.serve_args()],
        SECRET,
        FAST_PROFILE,
    )
    try:
        clean = start_server([*DEFAULT_COMMAND, *tls.serve_args()], SECRET, FAST_PROFILE)
        try:
            yield broken, clean
        finally:
            clean.stop()
    finally:
        broken.stop()


@pytest.fixture(scope="module")
def failed_run(
    tmp_path_factory: pytest.TempPathFactory, tls: TlsFiles, servers: tuple[RunningServer, ...]
) -> tuple[Path, str, str]:
    """``onsembl check wss://broken`` with every connection flag; (cwd, stdout, stderr)."""
    broken, _ = servers
    cwd = tmp_path_factory.mktemp("run")
    (cwd / "fast.yaml").write_text(yaml.safe_dump(FAST_PROFILE), encoding="utf-8")
    result = run_onsembl(
        ["check", broken.url, "--profile", "fast.yaml", "--ca-file", str(tls.ca),
         "--header", f"X-Api-Key: {HEADER_VALUE}", "--origin", ORIGIN,
         "--only", "priority_order", "--seed", "3", "--report", "r.json"],
        cwd, env={"ONSEMBL_JWT_SECRET": SECRET},
    )  # fmt: skip
    assert result.returncode == 1, result.stdout[-3000:] + result.stderr
    return cwd, result.stdout, result.stderr


def _hint(stdout: str) -> str:
    lines = [line.strip() for line in stdout.splitlines() if line.strip().startswith("Replay: ")]
    assert len(lines) == 1, stdout
    return lines[0].removeprefix("Replay: ")


def test_the_hint_replays_against_the_url_with_the_same_flags(
    failed_run: tuple[Path, str, str], tls: TlsFiles, servers: tuple[RunningServer, ...]
) -> None:
    cwd, stdout, stderr = failed_run
    broken, _ = servers
    hint = _hint(stdout)
    command, _, notes = hint.partition(" (")
    assert shlex.split(command) == [
        "onsembl", "replay", "onsembl-transcripts/priority_order-3.json", broken.url,
        "--profile", "fast.yaml", "--ca-file", str(tls.ca), "--origin", ORIGIN,
    ]  # fmt: skip
    assert "$ONSEMBL_JWT_SECRET" in notes and "repeat your --header flags (X-Api-Key)" in notes
    saved = (cwd / "onsembl-transcripts" / "priority_order-3.json").read_text()
    report = (cwd / "r.json").read_text()
    for text in (stdout, stderr, saved, report):
        assert SECRET not in text and HEADER_VALUE not in text
    assert json.loads(saved)["connection"]["headers"] == ["X-Api-Key: [redacted]"]
    assert json.loads(report)["checks"][0]["replay"] == hint


def test_the_hint_run_as_printed_says_failed_then_fixed(
    failed_run: tuple[Path, str, str], servers: tuple[RunningServer, ...]
) -> None:
    cwd, stdout, _ = failed_run
    broken, clean = servers
    argv = shlex.split(_hint(stdout).partition(" (")[0])[1:]
    argv += ["--header", f"X-Api-Key: {HEADER_VALUE}"]  # "repeat your --header flags"
    env = {"ONSEMBL_JWT_SECRET": SECRET}
    still = run_onsembl(argv, cwd, env=env)
    assert still.returncode == 1, still.stdout + still.stderr
    assert still.stdout.startswith("FAILED: priority_order")
    fixed = run_onsembl([clean.url if a == broken.url else a for a in argv], cwd, env=env)
    assert fixed.returncode == 0, fixed.stdout + fixed.stderr
    assert fixed.stdout.strip() == "FIXED: priority_order (CMD-9) now passes"


def _transcript(failed_run: tuple[Path, str, str]) -> str:
    return str(failed_run[0] / "onsembl-transcripts" / "priority_order-3.json")


@pytest.mark.parametrize(
    ("url", "fragment"),
    [
        ("ws://127.0.0.1:abc/ws", "malformed URL"),
        ("wss://[::1", "IPv6"),
        ("UNREACHABLE", "nothing is listening"),
    ],
)
def test_replay_against_a_bad_url_is_one_line(
    failed_run: tuple[Path, str, str], tls: TlsFiles, url: str, fragment: str
) -> None:
    if url == "UNREACHABLE":
        url = f"wss://127.0.0.1:{free_port()}/ws"
    result = run_onsembl(
        ["replay", _transcript(failed_run), url, "--ca-file", str(tls.ca)],
        failed_run[0], env={"ONSEMBL_JWT_SECRET": SECRET}, timeout=60,
    )  # fmt: skip
    assert_set_up_mistake(result, fragment)


def test_replay_against_an_untrusted_certificate_is_one_line(
    failed_run: tuple[Path, str, str], servers: tuple[RunningServer, ...]
) -> None:
    result = run_onsembl(
        ["replay", _transcript(failed_run), servers[1].url],
        failed_run[0], env={"ONSEMBL_JWT_SECRET": SECRET}, timeout=60,
    )  # fmt: skip
    assert_set_up_mistake(result, "not trusted", "--ca-file FILE", "--insecure")


def test_replay_against_a_url_needs_the_secret(
    failed_run: tuple[Path, str, str], tls: TlsFiles, servers: tuple[RunningServer, ...]
) -> None:
    result = run_onsembl(
        ["replay", _transcript(failed_run), servers[1].url, "--ca-file", str(tls.ca)],
        failed_run[0], timeout=60,
    )  # fmt: skip
    assert_set_up_mistake(result, "ONSEMBL_JWT_SECRET")


def test_replay_with_a_wrong_secret_is_a_set_up_mistake(
    failed_run: tuple[Path, str, str], tls: TlsFiles, servers: tuple[RunningServer, ...]
) -> None:
    """Not a FAILED: the preflight sees the token refused."""
    result = run_onsembl(
        ["replay", _transcript(failed_run), servers[1].url, "--ca-file", str(tls.ca),
         "--origin", ORIGIN],
        failed_run[0], env={"ONSEMBL_JWT_SECRET": "not-the-secret"}, timeout=60,
    )  # fmt: skip
    assert_set_up_mistake(result, "refused the kit's token")
