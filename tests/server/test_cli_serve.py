"""``onsembl serve`` and ``onsembl token`` as processes: the interface others rely on.

CLOSE-2 (SIGTERM/SIGINT close with 1001, exit 0), AUTH-11 (JSON lines, no token),
PROF-1/PROF-2 (profile file), TRANS-1 (prints its URL).
"""

from __future__ import annotations

import asyncio
import json
import os
import signal
import subprocess
import sys
from pathlib import Path

import pytest
from websockets.asyncio.client import connect
from websockets.exceptions import ConnectionClosed

from onsembl_spec.tokens import verify

SECRET = "cli-test-secret-0123456789abcdefghij"


def onsembl(*args: str, env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "onsembl_spec", *args],
        capture_output=True,
        text=True,
        timeout=60,
        env={**os.environ, **(env or {})},
    )


def spawn(*args: str) -> tuple[subprocess.Popen[str], str]:
    process = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "onsembl_spec",
            "serve",
            "--host",
            "127.0.0.1",
            "--port",
            "0",
            *args,
        ],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    assert process.stdout is not None
    line = process.stdout.readline()
    assert line.startswith("listening on ws://127.0.0.1:"), line
    return process, line.split()[-1]


def test_token_prints_a_verifiable_jwt() -> None:
    """AUTH-2: ``onsembl token`` mints an HS256 JWT for ``sub``."""
    result = onsembl("token", "--secret", SECRET, "--sub", "alice", "--ttl", "120")
    assert result.returncode == 0, result.stderr
    claims = verify(result.stdout.strip(), SECRET)
    assert claims.sub == "alice"


@pytest.mark.parametrize(
    "args",
    [["token", "--sub", "alice"], ["token", "--secret", SECRET, "--sub", "a", "--ttl", "-1"]],
)
def test_token_usage_errors_are_one_line(args: list[str]) -> None:
    result = onsembl(*args, env={"ONSEMBL_JWT_SECRET": ""})
    assert result.returncode == 2
    assert result.stderr.count("\n") == 1 and "Traceback" not in result.stderr


@pytest.mark.parametrize("ttl", ["inf", "nan", "-1", "=-inf", "=-5.5", "0", "1e400", "soon"])
def test_token_ttl_must_be_a_finite_positive_number(ttl: str) -> None:
    """``--ttl inf`` used to mint a token whose exp is Infinity (not a NumericDate)."""
    ttl_args = [f"--ttl{ttl}"] if ttl.startswith("=") else ["--ttl", ttl]
    result = onsembl("token", "--secret", SECRET, "--sub", "a", *ttl_args)
    assert (result.returncode, result.stdout) == (2, "")
    (line,) = result.stderr.splitlines()
    assert line.startswith("onsembl: error: argument --ttl: must be a positive number of seconds")


def test_token_numeric_dates_are_integers() -> None:
    """RFC 7519 NumericDates in whole seconds (many libraries reject fractions); exp is --ttl
    seconds after iat, rounded up; no nbf (a verifier whose clock is behind would refuse)."""
    import base64

    result = onsembl("token", "--secret", SECRET, "--sub", "alice", "--ttl", "90.2")
    assert result.returncode == 0, result.stderr
    token = result.stdout.strip()
    payload = token.split(".")[1]
    claims = json.loads(base64.urlsafe_b64decode(payload + "=" * (-len(payload) % 4)))
    dates = {name: claims[name] for name in ("iat", "exp", "nbf") if name in claims}
    assert set(dates) == {"iat", "exp"}
    assert all(type(value) is int for value in dates.values()), claims
    assert claims["exp"] - claims["iat"] == 91
    assert verify(token, SECRET).sub == "alice"


def test_serve_without_secret_refuses_to_start() -> None:
    result = onsembl("serve", "--port", "0", env={"ONSEMBL_JWT_SECRET": ""})
    assert result.returncode == 2
    assert result.stderr.startswith("onsembl: error: no JWT secret")
    assert result.stderr.count("\n") == 1


def test_serve_with_bad_profile_names_the_key(tmp_path: Path) -> None:
    """PROF-2."""
    profile = tmp_path / "p.yaml"
    profile.write_text("heartbeat:\n  interval_z: 3\n")
    result = onsembl("serve", "--port", "0", "--jwt-secret", SECRET, "--profile", str(profile))
    assert result.returncode == 2
    assert "heartbeat.interval_z" in result.stderr and "Traceback" not in result.stderr


def test_serve_on_busy_port_is_one_line() -> None:
    process, url = spawn("--jwt-secret", SECRET)
    try:
        port = url.split(":")[2].split("/")[0]
        result = onsembl("serve", "--port", port, "--jwt-secret", SECRET)
        assert result.returncode == 2
        assert result.stderr.startswith("onsembl: error: cannot listen")
    finally:
        process.terminate()
        process.wait(timeout=30)


@pytest.mark.parametrize("signum", [signal.SIGTERM, signal.SIGINT])
def test_serve_end_to_end_and_signal_closes_1001(tmp_path: Path, signum: int) -> None:
    """TRANS-1, CLOSE-2, PROF-1, AUTH-11: a session, then a signal: 1001 and exit 0."""
    profile = tmp_path / "profile.yaml"
    profile.write_text("identify_timeout_s: 30\n")
    env_token = onsembl("token", "--sub", "alice", env={"ONSEMBL_JWT_SECRET": SECRET})
    token = env_token.stdout.strip()
    process, url = spawn("--jwt-secret", SECRET, "--profile", str(profile))

    async def session() -> tuple[int | None, str]:
        async with connect(f"{url}?token=bad.token.value") as refused:
            with pytest.raises(ConnectionClosed):
                await asyncio.wait_for(refused.recv(), 10)
        async with connect(url, additional_headers={"Authorization": f"Bearer {token}"}) as ws:
            await ws.send(
                json.dumps(
                    {
                        "type": "dashboard:connect",
                        "dashboardId": "d",
                        "timestamp": "2024-01-01T00:00:00Z",
                    }
                )
            )
            listing = json.loads(await asyncio.wait_for(ws.recv(), 10))
            assert listing["type"] == "agent:list"
            process.send_signal(signum)
            try:
                await asyncio.wait_for(ws.recv(), 10)
            except ConnectionClosed as closed:
                assert closed.rcvd is not None
                return closed.rcvd.code, closed.rcvd.reason
        return None, ""

    code, _ = asyncio.run(session())
    assert code == 1001
    assert process.wait(timeout=30) == 0
    assert process.stderr is not None
    log_lines = [line for line in process.stderr.read().splitlines() if line.strip()]
    records = [json.loads(line) for line in log_lines]  # every line is one JSON object
    failures = [r for r in records if r["event"] == "auth_failure"]
    assert failures and failures[0]["remote"].startswith("127.0.0.1:")
    assert {"ts", "event", "owner", "remote", "reason"} <= set(failures[0])
    assert all("bad.token.value" not in line and token not in line for line in log_lines)


def _key_files(tmp_path: Path) -> dict[str, Path]:
    """An RSA and an EC private key with their public halves, made now."""
    from cryptography.hazmat.primitives import serialization
    from cryptography.hazmat.primitives.asymmetric import ec, rsa

    files: dict[str, Path] = {}
    for name, key in (
        ("rsa", rsa.generate_private_key(public_exponent=65537, key_size=2048)),
        ("ec", ec.generate_private_key(ec.SECP256R1())),
    ):
        files[name] = tmp_path / f"{name}.pem"
        files[name].write_bytes(
            key.private_bytes(
                serialization.Encoding.PEM,
                serialization.PrivateFormat.PKCS8,
                serialization.NoEncryption(),
            )
        )
        files[f"{name}.pub"] = tmp_path / f"{name}.pub.pem"
        files[f"{name}.pub"].write_bytes(
            key.public_key().public_bytes(
                serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo
            )
        )
    (tmp_path / "junk.pem").write_text("not a key\n")
    files["junk"] = tmp_path / "junk.pem"
    return files


@pytest.mark.parametrize(
    ("args", "fragment"),
    [
        (["--jwt-public-key", "{rsa.pub}"], "--jwt-public-key needs --jwt-alg"),
        (["--jwt-public-key", "{rsa.pub}", "--jwt-alg", "ES256"], "needs an EC P-256 key"),
        (["--jwt-public-key", "{ec.pub}", "--jwt-alg", "RS256"], "needs an RSA key"),
        (["--jwt-public-key", "{rsa}", "--jwt-alg", "RS256"], "holds a private key"),
        (["--jwt-public-key", "{junk}", "--jwt-alg", "RS256"], "is not a PEM public key"),
        (["--jwt-public-key", "{missing}", "--jwt-alg", "RS256"], "cannot read --jwt-public-key"),
        (["--jwt-public-key", "{rsa.pub}", "--jwt-alg", "HS256"], "unknown --jwt-alg 'HS256'"),
        (["--jwt-secret", SECRET, "--jwt-alg", "RS256"], "needs --jwt-public-key"),
        (["--jwt-secret", SECRET, "--jwt-public-key", "{rsa.pub}"], "not allowed with"),
        (["--jwt-secret", SECRET, "--jwt-audience", " "], "--jwt-audience must not be empty"),
    ],
)
def test_serve_key_options_are_checked_in_one_line(
    tmp_path: Path, args: list[str], fragment: str
) -> None:
    """AUTH-13: the server's key and its one algorithm; bad input is exit 2, one line."""
    files = {name: str(path) for name, path in _key_files(tmp_path).items()}
    files["missing"] = str(tmp_path / "missing.pem")
    argv = [a.replace("{", "").replace("}", "") if a.startswith("{") else a for a in args]
    argv = [files.get(a, a) for a in argv]
    result = onsembl("serve", "--port", "0", *argv, env={"ONSEMBL_JWT_SECRET": ""})
    assert result.returncode == 2, result.stderr
    assert result.stderr.count("\n") == 1 and "Traceback" not in result.stderr
    assert fragment in result.stderr, result.stderr


def test_serve_verifies_with_a_public_key_audience_and_issuer(tmp_path: Path) -> None:
    """AUTH-2 (R3: other algorithms), AUTH-13, AUTH-14 through the command line: the
    server trusts the EC key's public half for ES256 only, with its audience and issuer;
    the secret in the environment is not used."""
    import jwt
    from cryptography.hazmat.primitives.serialization import load_pem_private_key

    files = _key_files(tmp_path)
    key = load_pem_private_key(files["ec"].read_bytes(), password=None)
    process, url = spawn(
        "--jwt-public-key", str(files["ec.pub"]), "--jwt-alg", "ES256",
        "--jwt-audience", "onsembl-api", "--jwt-issuer", "https://idp.example",
    )  # fmt: skip

    def token(**claims: object) -> str:
        payload = {"sub": "alice", "exp": 4e9, "aud": "onsembl-api", "iss": "https://idp.example"}
        payload.update(claims)
        return jwt.encode(payload, key, algorithm="ES256")  # type: ignore[arg-type]

    async def answer(bearer: str) -> str:
        async with connect(url, additional_headers={"Authorization": f"Bearer {bearer}"}) as ws:
            ping = {"type": "heartbeat:ping", "timestamp": "2024-01-01T00:00:00Z"}
            try:  # the server closes a refused connection at once: the send may see it first
                await ws.send(json.dumps(ping))
                return str(json.loads(await asyncio.wait_for(ws.recv(), 10))["type"])
            except ConnectionClosed:
                return f"closed {ws.protocol.close_rcvd.code if ws.protocol.close_rcvd else None}"

    try:
        assert asyncio.run(answer(token())) == "heartbeat:pong"
        assert asyncio.run(answer(token(aud="other-api"))) == "closed 1008"
        assert asyncio.run(answer(token(iss="https://evil.example"))) == "closed 1008"
        secret_token = jwt.encode({"sub": "alice", "exp": 4e9}, SECRET, algorithm="HS256")
        assert asyncio.run(answer(secret_token)) == "closed 1008"
    finally:
        process.send_signal(signal.SIGTERM)
        _, stderr = process.communicate(timeout=30)
    assert process.returncode == 0
    records = [json.loads(line) for line in stderr.splitlines() if line.startswith("{")]
    reasons = [r["reason"] for r in records if r["event"] == "auth_failure"]
    assert any("audience" in r for r in reasons) and any("issuer" in r for r in reasons)


def test_serve_help_shows_the_outbound_default() -> None:
    from onsembl_spec.profile import Profile

    help_text = " ".join(onsembl("serve", "--help").stdout.split())
    default = Profile().outbound_connection_bytes
    assert f"outbound.connection_bytes, {default} unless --profile sets it" in help_text
    assert "--log-traffic" in help_text


def test_serve_log_traffic_prints_one_line_per_message() -> None:
    """``--log-traffic``: direction, connection, type and size of every message, a peer's
    odd type escaped; the server as usual otherwise (and not a line more without it)."""
    token = onsembl("token", "--secret", SECRET, "--sub", "alice").stdout.strip()
    connect_text = json.dumps(
        {"type": "dashboard:connect", "dashboardId": "d", "timestamp": "2024-01-01T00:00:00Z"}
    )
    odd_text = json.dumps({"type": "\x1b[31mred", "timestamp": "2024-01-01T00:00:00Z"})

    async def session(url: str) -> list[str]:
        async with connect(url, additional_headers={"Authorization": f"Bearer {token}"}) as ws:
            await ws.send(connect_text)
            listing = json.loads(await asyncio.wait_for(ws.recv(), 10))
            await ws.send(odd_text)
            error = json.loads(await asyncio.wait_for(ws.recv(), 10))
        return [listing["type"], error["type"]]

    def run_session(*flags: str) -> str:
        process, url = spawn("--jwt-secret", SECRET, *flags)
        try:
            assert asyncio.run(session(url)) == ["agent:list", "validation:error"]
        finally:
            process.send_signal(signal.SIGTERM)
        assert process.wait(timeout=30) == 0
        assert process.stdout is not None
        return process.stdout.read()

    lines = run_session("--log-traffic").splitlines()
    assert "\x1b" not in "".join(lines)
    assert lines[0].startswith("open #1 127.0.0.1:")
    assert lines[1:4] == [
        f"in  #1 dashboard:connect ({len(connect_text)} bytes)",
        lines[2],
        f'in  #1 "\\u001b[31mred" ({len(odd_text)} bytes)',
    ]
    assert lines[2].startswith("out #1 agent:list (") and lines[2].endswith(" bytes)")
    assert lines[4].startswith("out #1 validation:error (")
    assert lines[5] == "end #1 (1000)"
    assert run_session() == ""  # off: stdout holds the `listening on` line only


def test_traffic_log_costs_nothing_when_off() -> None:
    """Without a traffic log the server runs the plain outbox and the core's own receive."""
    from onsembl_server.app import ReferenceServer, ServerConfig, _Outbox, _TracedOutbox

    plain = ReferenceServer(ServerConfig(jwt_secret=SECRET))
    assert type(plain.outbox) is _Outbox and plain.traffic is None
    traced = ReferenceServer(ServerConfig(jwt_secret=SECRET, traffic_log=sys.stdout))
    assert isinstance(traced.outbox, _TracedOutbox)
