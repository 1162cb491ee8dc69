"""End to end: ``onsembl check URL`` with a private key or a token command, against
``onsembl serve --jwt-public-key`` started as a subprocess (issue 10, part 2).

Keys are made at test time; servers and the suite talk over real loopback sockets.
The default suite must pass the key-verifying server signed with the key (RS256), and
with a token command (the checks that need forged tokens skipped and counted); ES256
and EdDSA get through the preflight and a handshake check; every bad input is one line,
exit 2.
"""

from __future__ import annotations

import json
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
import yaml
from conformance_support import HERE, onsembl
from faults_tokens import write_private_key

from onsembl_conformance.bundled import DEFAULT_COMMAND, FAST_PROFILE, RunningServer, start_server

TOKEN_COMMAND = HERE / "token_command.py"
AUDIENCE = "onsembl-api"
ISSUER = "https://idp.example"


def public_key_file(private: Path) -> Path:
    from cryptography.hazmat.primitives.serialization import load_pem_private_key

    from onsembl_spec.tokens import public_pem

    public = private.with_suffix(".pub.pem")
    public.write_bytes(public_pem(load_pem_private_key(private.read_bytes(), None)))  # type: ignore[arg-type]
    return public


def key_server(private: Path, algorithm: str, *extra: str) -> RunningServer:
    """``onsembl serve --jwt-public-key PUB --jwt-alg ALG`` with the bundled fast profile."""
    auth = ["--jwt-public-key", str(public_key_file(private)), "--jwt-alg", algorithm, *extra]
    return start_server(DEFAULT_COMMAND, "", FAST_PROFILE, auth=auth)


@pytest.fixture(scope="module")
def workdir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    where = tmp_path_factory.mktemp("token-modes")
    (where / "profile.yaml").write_text(yaml.safe_dump(FAST_PROFILE), encoding="utf-8")
    return where


@pytest.fixture(scope="module")
def rsa_key(workdir: Path) -> Path:
    return write_private_key("RS256", workdir / "rsa.pem")


@pytest.fixture(scope="module")
def rs256_server(rsa_key: Path) -> Iterator[str]:
    """The reference server trusting the RSA key's public half, requiring an audience and
    an issuer (AUTH-14)."""
    server = key_server(rsa_key, "RS256", "--jwt-audience", AUDIENCE, "--jwt-issuer", ISSUER)
    try:
        yield server.url
    finally:
        server.stop()


def check(url: str, cwd: Path, *args: str, timeout: float = 600) -> tuple[int, str, dict]:  # type: ignore[type-arg]
    cwd.mkdir(exist_ok=True)
    result = onsembl(
        ["check", url, "--profile", str(cwd.parent / "profile.yaml"), "--seed", "21",
         "--report", "report.json", "--junit", "junit.xml", *args],
        cwd=cwd, timeout=timeout,
    )  # fmt: skip
    report_path = cwd / "report.json"
    report = json.loads(report_path.read_text()) if report_path.exists() else {}
    return result.returncode, result.stdout + result.stderr, report


def test_the_default_suite_passes_a_server_verifying_rs256(
    rs256_server: str, rsa_key: Path, workdir: Path
) -> None:
    """Done-when of issue 10: the kit signs with the private key, the server holds only the
    public half; every check passes or is skipped saying why; AUTH-12..AUTH-14 are checked
    (the audience and issuer from --jwt-claim), no token is left unmade."""
    began = time.monotonic()
    code, output, report = check(
        rs256_server, workdir / "rs256",
        "--jwt-key", str(rsa_key), "--jwt-alg", "RS256",
        "--jwt-claim", f"aud={AUDIENCE}", "--jwt-claim", f"iss={ISSUER}",
    )  # fmt: skip
    elapsed = time.monotonic() - began
    assert code == 0, output[-6000:]
    statuses = {c["name"]: c["status"] for c in report["checks"]}
    assert set(statuses.values()) <= {"passed", "skipped"}, output[-4000:]
    for name in (
        "numeric_dates", "public_key_as_hmac_secret", "audience_and_issuer", "wrong_signature",
        "expired_token", "malformed_tokens", "refresh_failures", "refresh_success",
    ):  # fmt: skip
        assert statuses[name] == "passed", (name, statuses[name])
    results = {r["id"]: r["status"] for r in report["results"]}
    assert {results[f"AUTH-{n}"] for n in range(2, 15) if n != 11} == {"passed"}
    tokens = report["summary"]["tokens"]
    assert tokens["issuer"].startswith("RS256 with an RSA 2048 key")
    assert tokens["skipped_checks"] == [] and tokens["unchecked_requirements"] == []
    assert "checks skipped for tokens" not in output
    print(f"\nRS256 default run: {statuses and len(statuses)} checks, {elapsed:.1f}s")


def test_the_default_suite_with_a_token_command(
    rs256_server: str, rsa_key: Path, workdir: Path
) -> None:
    """A token command that mints with the key for $ONSEMBL_TOKEN_SUB and $ONSEMBL_TOKEN_TTL:
    the suite passes; the checks needing tokens only a signer makes are skipped with the
    reason, and the summary says how many requirements that left unchecked."""
    cmd = f"{sys.executable} {TOKEN_COMMAND} {rsa_key} RS256 ok {AUDIENCE} {ISSUER}"
    code, output, report = check(rs256_server, workdir / "command", "--token-command", cmd)
    assert code == 0, output[-6000:]
    statuses = {c["name"]: c["status"] for c in report["checks"]}
    assert set(statuses.values()) <= {"passed", "skipped"}, output[-4000:]
    skipped_for_tokens = {
        "malformed_tokens", "expired_token", "nbf_in_future", "numeric_dates",
        "public_key_as_hmac_secret", "audience_and_issuer", "refresh_failures",
    }  # fmt: skip
    tokens = report["summary"]["tokens"]
    assert set(tokens["skipped_checks"]) == skipped_for_tokens
    unchecked = ["AUTH-4", "AUTH-6", "AUTH-8", "AUTH-12", "AUTH-13", "AUTH-14"]
    assert tokens["unchecked_requirements"] == unchecked
    assert f"Tokens (--token-command ({Path(sys.executable).name})): " in output
    assert (
        f"{len(skipped_for_tokens)} checks skipped for tokens the kit cannot make; "
        f"{len(unchecked)} requirements left unchecked: {', '.join(unchecked)}"
    ) in output
    for name in ("wrong_signature", "alg_none", "three_token_sources", "refresh_success"):
        assert statuses[name] == "passed", (name, statuses[name])
    by_name = {c["name"]: c for c in report["checks"]}
    assert "an expired token" in by_name["expired_token"]["message"]
    assert "not checked: expired" in by_name["refresh_failures"]["message"]
    junit = (workdir / "command" / "junit.xml").read_text()
    assert 'name="token_unchecked_requirements" value="AUTH-4 AUTH-6' in junit


@pytest.mark.parametrize("algorithm", ["ES256", "EdDSA"])
def test_es256_and_eddsa_handshake(workdir: Path, algorithm: str) -> None:
    """Through the preflight (a handshake with a signed token, agent:list) and the token
    sources check, with the key's own algorithm; AUTH-13 with that key's forms."""
    key = write_private_key(algorithm, workdir / f"{algorithm}.pem")
    server = key_server(key, algorithm)
    try:
        code, output, report = check(
            server.url, workdir / algorithm, "--jwt-key", str(key), "--jwt-alg", algorithm,
            "--only", "three_token_sources,public_key_as_hmac_secret,wrong_signature",
            timeout=120,
        )  # fmt: skip
    finally:
        server.stop()
    assert code == 0, output[-3000:]
    assert {c["status"] for c in report["checks"]} == {"passed"}, output[-3000:]


def test_a_key_the_server_does_not_trust_is_a_set_up_mistake(
    rs256_server: str, workdir: Path
) -> None:
    """Another key (or the right key without the audience the server requires): one line
    naming --jwt-key and --jwt-alg, exit 2, no transcripts."""
    other = write_private_key("RS256", workdir / "other.pem")
    cwd = workdir / "untrusted"
    code, output, _ = check(
        rs256_server, cwd, "--jwt-key", str(other), "--jwt-alg", "RS256",
        "--jwt-claim", f"aud={AUDIENCE}", "--jwt-claim", f"iss={ISSUER}", timeout=60,
    )  # fmt: skip
    assert code == 2, output
    lines = output.strip().splitlines()
    assert len(lines) == 1 and "refused the kit's token" in lines[0], output
    assert "--jwt-key" in lines[0] and "--jwt-alg RS256" in lines[0]
    assert not (cwd / "onsembl-transcripts").exists()


@pytest.mark.parametrize(
    ("mode", "fragment"),
    [
        ("fail", "--token-command exited with status 3: identity provider: invalid_client"),
        ("other-sub", "cannot make a token for subject 'onsembl-check-preflight'"),
        ("garbage", "not a JWT"),
    ],
)
def test_a_token_command_failing_in_the_preflight(
    rs256_server: str, rsa_key: Path, workdir: Path, mode: str, fragment: str
) -> None:
    cwd = workdir / f"command-{mode}"
    cmd = f"{sys.executable} {TOKEN_COMMAND} {rsa_key} RS256 {mode}"
    code, output, _ = check(rs256_server, cwd, "--token-command", cmd, timeout=60)
    assert code == 2, output
    lines = output.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("onsembl: error: no token to start with")
    assert fragment in lines[0] and "Traceback" not in output
    assert not (cwd / "onsembl-transcripts").exists()


def test_a_token_command_failing_during_a_check_is_an_error_not_a_fail(
    rs256_server: str, rsa_key: Path, workdir: Path
) -> None:
    """The command works for the preflight, then fails: the checks end in an error of kind
    token-command (exit 3), never a FAIL of the server."""
    cwd = workdir / "command-breaks"
    cwd.mkdir()
    breaker = cwd / "idp.sh"
    breaker.write_text(
        "#!/bin/sh\n"
        'if [ "$ONSEMBL_TOKEN_SUB" = onsembl-check-preflight ]; then\n'
        f'  exec {sys.executable} {TOKEN_COMMAND} {rsa_key} RS256 ok {AUDIENCE} {ISSUER}\n'
        "fi\n"
        "echo 'identity provider down' >&2; exit 1\n",
        encoding="utf-8",
    )
    breaker.chmod(0o755)
    code, output, report = check(
        rs256_server, cwd, "--token-command", str(breaker), "--only", "three_token_sources",
        timeout=120,
    )  # fmt: skip
    assert code == 3, output[-3000:]
    (entry,) = report["checks"]
    assert entry["status"] == "error" and entry["error"]["kind"] == "token-command"
    assert "identity provider down" in entry["error"]["message"]
    assert report["summary"]["requirements"]["failed"] == 0


BAD_INPUT = [
    (["--jwt-key", "{missing}", "--jwt-alg", "RS256"], "cannot read --jwt-key"),
    (["--jwt-key", "{public}", "--jwt-alg", "RS256"], "holds a public key"),
    (["--jwt-key", "{rsa}", "--jwt-alg", "ES256"], "--jwt-alg ES256 needs an EC P-256 key"),
    (["--jwt-key", "{rsa}", "--jwt-alg", "RS999"], "unknown --jwt-alg 'RS999'"),
    (["--jwt-key", "{rsa}"], "--jwt-key needs --jwt-alg"),
    (["--jwt-key", "{garbage}", "--jwt-alg", "RS256"], "is not a PEM private key"),
    (["--jwt-alg", "RS256", "--jwt-secret", "s"], "--jwt-alg RS256 goes with --jwt-key"),
    (["--jwt-key", "{rsa}", "--jwt-alg", "RS256", "--jwt-claim", "aud"], "expected NAME=VALUE"),
    (["--jwt-secret", "s", "--jwt-claim", "sub=x"], "the kit sets sub"),
    (["--jwt-secret", "s", "--jwt-key", "{rsa}"], "not allowed with argument --jwt-secret"),
    (["--token-command", "x", "--jwt-secret", "s"], "not allowed with argument"),
    (["--token-command", "idp", "--jwt-claim", "aud=a"], "a --token-command issues its own"),
    (["--token-command", "'unclosed"], "--token-command: No closing quotation"),
]


@pytest.mark.parametrize(("args", "fragment"), BAD_INPUT)
def test_bad_token_input_is_one_line_exit_2(
    rsa_key: Path, workdir: Path, args: list[str], fragment: str
) -> None:
    public = public_key_file(rsa_key)
    garbage = workdir / "garbage.pem"
    garbage.write_text("-----BEGIN PRIVATE KEY-----\nnot base64\n-----END PRIVATE KEY-----\n")
    files = {"missing": workdir / "missing.pem", "public": public, "rsa": rsa_key,
             "garbage": garbage}  # fmt: skip
    argv = [a.format(**files) for a in args]
    for command in (["check", "ws://127.0.0.1:9/ws"], ["replay", "t.json", "ws://127.0.0.1:9/ws"]):
        result = onsembl([*command, *argv], cwd=workdir, timeout=60)
        assert result.returncode == 2, (command, result.stdout, result.stderr)
        lines = result.stderr.strip().splitlines()
        assert len(lines) == 1 and lines[0].startswith("onsembl: error:"), result.stderr
        assert fragment in lines[0], lines[0]
        assert "Traceback" not in result.stderr + result.stdout


def test_a_token_command_needs_a_url(workdir: Path) -> None:
    result = onsembl(["check", "--token-command", "idp"], cwd=workdir, timeout=60)
    assert result.returncode == 2 and "--token-command needs a URL" in result.stderr


def test_help_and_readme_list_the_token_flags(workdir: Path) -> None:
    for command in ("check", "replay"):
        text = onsembl([command, "--help"], cwd=workdir, timeout=60).stdout
        for flag in ("--jwt-secret S", "--jwt-key FILE", "--jwt-alg ALG",
                     "--jwt-claim NAME=VALUE", "--token-command CMD"):  # fmt: skip
            assert flag in text, (command, flag)
        assert "ONSEMBL_TOKEN_SUB" in text and "ONSEMBL_TOKEN_TTL" in text
    serve = onsembl(["serve", "--help"], cwd=workdir, timeout=60).stdout
    for flag in ("--jwt-public-key FILE", "--jwt-alg ALG", "--jwt-audience AUD"):
        assert flag in serve, flag
    assert "--jwt-issuer ISS" in serve
    readme = (HERE.parents[1] / "README.md").read_text()
    for example in (
        "--jwt-key kit.pem --jwt-alg RS256",
        "--jwt-claim aud=onsembl-api",
        "onsembl serve --jwt-public-key kit.pub.pem --jwt-alg RS256",
        "--token-command ./idp-token.sh",
        "ONSEMBL_TOKEN_SUB",
        "ONSEMBL_TOKEN_TTL",
        "requirements left unchecked: AUTH-4, AUTH-6, AUTH-8, AUTH-12, AUTH-13, AUTH-14",
    ):
        assert example in readme, example


def test_bundled_mode_with_a_key_and_replay(rsa_key: Path, workdir: Path) -> None:
    """Without URL, --jwt-key starts the servers (a broken one here) trusting its public
    half; the failure's transcript replays FAILED against it and FIXED against the clean
    reference server, minting from the recipe with the same key."""
    from conformance_support import broken_command

    cwd = workdir / "bundled-key"
    cwd.mkdir()
    key = ["--jwt-key", str(rsa_key), "--jwt-alg", "RS256"]
    run = onsembl(
        ["check", "--server-command", broken_command("auth-key-confusion"), *key,
         "--only", "public_key_as_hmac_secret", "--seed", "4"],
        cwd=cwd, timeout=120,
    )  # fmt: skip
    assert run.returncode == 1, run.stdout[-3000:] + run.stderr
    assert "AUTH-13 (MUST)" in run.stdout
    (saved,) = (cwd / "onsembl-transcripts").glob("*.json")
    assert "eyJ" not in saved.read_text()
    still = onsembl(
        ["replay", str(saved), "--server-command", broken_command("auth-key-confusion"), *key],
        cwd=cwd, timeout=120,
    )  # fmt: skip
    assert still.returncode == 1, still.stdout + still.stderr
    fixed = onsembl(["replay", str(saved), *key], cwd=cwd, timeout=120)
    assert fixed.returncode == 0, fixed.stdout + fixed.stderr
    assert fixed.stdout.startswith("FIXED: public_key_as_hmac_secret (AUTH-13)")
