"""Token verification in memory: AUTH-3..AUTH-14 with real JWTs (HS256, and keys of every
asymmetric family made at test time: RSA, EC, Ed25519), driven through the core's ``open``
and refreshes (``core_harness.py``).

End to end over loopback (where the token comes from in the HTTP request, the close after
the handshake, the remote address logged): ``test_auth.py``.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import time
from typing import Any

import jwt
import pytest
from core_harness import SECRET, Conn, Core

from onsembl_server.core.auth import Handshake
from onsembl_spec.tokens import Verifier, mint, public_pem


def assert_refused(conn: Conn) -> None:
    """AUTH-3: no session, no message, close 1008."""
    assert conn.closed() == (1008, "authentication failed")
    assert conn.received == []


def assert_accepted(conn: Conn) -> None:
    assert conn.open
    conn.send({"type": "heartbeat:ping"})
    assert conn.recv()["type"] == "heartbeat:pong"


@pytest.mark.parametrize(
    "token",
    [
        "not-a-jwt",
        jwt.encode({"exp": time.time() + 60}, SECRET, algorithm="HS256"),
        jwt.encode({"sub": "alice"}, SECRET, algorithm="HS256"),
        jwt.encode({"sub": 7, "exp": time.time() + 60}, SECRET, algorithm="HS256"),
        jwt.encode({"sub": "alice", "exp": "soon"}, SECRET, algorithm="HS256"),
    ],
    ids=["garbage", "no-sub", "no-exp", "numeric-sub", "string-exp"],
)
def test_malformed_token_is_refused(token: str) -> None:
    """AUTH-4."""
    core = Core()
    assert_refused(core.raw(token=token, via="header"))
    assert [r["event"] for r in core.log.records] == ["auth_failure"]


def test_wrong_signature_is_refused() -> None:
    """AUTH-5."""
    core = Core()
    assert_refused(core.raw(token=mint("another-secret-of-32-bytes-at-least!", "alice")))
    assert core.events("auth_failure")[0]["reason"] == "bad signature"


def test_expired_token_is_refused() -> None:
    """AUTH-6: expired by the server's clock."""
    core = Core()
    assert_refused(core.raw(token=mint(SECRET, "alice", ttl=-5, now=core.clock.wall())))
    almost = mint(SECRET, "alice", ttl=5, now=core.clock.wall())
    core.advance(5.0)
    assert_refused(core.raw(token=almost))  # exp is now: expired
    assert len(core.events("auth_failure")) == 2


def test_none_algorithm_is_refused() -> None:
    """AUTH-7."""
    core = Core()
    unsigned = jwt.encode({"sub": "alice", "exp": time.time() + 60}, None, algorithm="none")
    assert_refused(core.raw(token=unsigned, via="header"))


def test_future_nbf_is_refused_until_it_passes() -> None:
    """AUTH-8: refused before ``nbf`` by the server's clock, accepted after it."""
    core = Core()
    token = mint(SECRET, "alice", now=core.clock.wall(), extra={"nbf": core.clock.wall() + 600})
    assert_refused(core.raw(token=token))
    core.advance(601)
    assert_accepted(core.raw(token=token))


def test_auth_failures_are_logged_without_the_token() -> None:
    """AUTH-11: one structured record with the remote address; the token never appears."""
    core = Core()
    bad = mint("another-secret-of-32-bytes-at-least!", "mallory")
    assert_refused(core.raw(token=bad, via="header", remote="10.1.2.3:4567"))
    [record] = core.log.records
    assert (record["event"], record["remote"], record["reason"]) == (
        "auth_failure",
        "10.1.2.3:4567",
        "bad signature",
    )
    assert all(bad not in line for line in core.log.lines)


def test_token_sources_and_origin_in_the_core() -> None:
    """AUTH-1, AUTH-9, AUTH-10: the header first (a bad query token is not looked at); a
    cookie only without ``Origin`` or from an allowed one; header and query whatever the
    origin."""
    core = Core({"allowed_origins": ["https://good.example"]})
    good = core.token()
    header_first = Handshake(
        path="/ws?token=not-a-jwt", authorization=(f"Bearer {good}",), cookies=("token=bad",)
    )
    assert_accepted(core.raw(handshake=header_first))
    assert_refused(
        core.raw(handshake=Handshake(path=f"/ws?token={good}", authorization=("Bearer x",)))
    )
    cookie = (f"token={good}",)
    assert_accepted(core.raw(handshake=Handshake(path="/ws", cookies=cookie)))
    assert_accepted(
        core.raw(handshake=Handshake(path="/ws", cookies=cookie, origin="https://good.example"))
    )
    assert_refused(
        core.raw(handshake=Handshake(path="/ws", cookies=cookie, origin="https://evil.example"))
    )
    for handshake in (
        Handshake(path="/ws", authorization=(f"Bearer {good}",), origin="https://evil.example"),
        Handshake(path=f"/ws?token={good}", origin="https://evil.example"),
    ):
        assert_accepted(core.raw(handshake=handshake))


# ------------------------------------------------------- NumericDates (AUTH-12)


def _hs256_raw(claims_json: str) -> str:
    """An HS256 token over claims written as given (``NaN``, ``Infinity``, 401 digits)."""

    def b64(data: bytes) -> str:
        return base64.urlsafe_b64encode(data).rstrip(b"=").decode()

    head = b64(b'{"alg":"HS256","typ":"JWT"}')
    signing_input = f"{head}.{b64(claims_json.encode())}"
    signature = hmac.new(SECRET.encode(), signing_input.encode(), hashlib.sha256).digest()
    return f"{signing_input}.{b64(signature)}"


BAD_DATES = {
    "exp-nan": '"exp":NaN',
    "exp-infinity": '"exp":Infinity',
    "exp-minus-infinity": '"exp":-Infinity',
    "exp-1e400": '"exp":1e400',
    "exp-10**400": '"exp":1' + "0" * 400,
    "nbf-nan": '"exp":EXP,"nbf":NaN',
    "nbf-infinity": '"exp":EXP,"nbf":Infinity',
    "nbf-10**400": '"exp":EXP,"nbf":1' + "0" * 400,
    "nbf-string": '"exp":EXP,"nbf":"yesterday"',
}


def _bad_date_token(case: str, sub: str = "alice") -> str:
    claims = BAD_DATES[case].replace("EXP", str(int(time.time()) + 3600))
    return _hs256_raw(f'{{"sub":"{sub}",{claims}}}')


@pytest.mark.parametrize("case", sorted(BAD_DATES))
def test_non_finite_or_huge_dates_are_invalid_tokens(case: str) -> None:
    """AUTH-12, AUTH-11: exp or nbf NaN, Infinity, beyond a double or not a number: close
    1008 with no message, logged as an authentication failure, never a server error (1011;
    10**400 was one before) and never accepted (NaN and Infinity were)."""
    core = Core()
    token = _bad_date_token(case)
    assert_refused(core.raw(token=token, via="header"))
    assert "server_error" not in [r["event"] for r in core.log.records]
    failures = core.events("auth_failure")
    assert failures and "NumericDate" in failures[-1]["reason"], failures
    assert all(token not in line for line in core.log.lines)


@pytest.mark.parametrize("case", ["exp-nan", "exp-infinity", "exp-10**400", "nbf-nan"])
def test_non_finite_dates_refused_in_refresh(case: str) -> None:
    """AUTH-12, REFRESH-4: a refresh with such a token is refused and the old expiry holds
    (a NaN exp adopted would never expire)."""
    core = Core({"refresh_window_s": 0.1})
    opened = core.now
    client = core.client(ttl=1.5)
    client.send({"type": "auth:refresh-token", "token": _bad_date_token(case)})
    reply = client.recv_type("auth:refresh-failed")
    assert reply["error"]
    core.advance_to(opened + 1.499)
    assert client.open
    core.advance_to(opened + 2.5)
    assert client.closed() == (1008, "token expired")
    assert "server_error" not in [r["event"] for r in core.log.records]
    refused = core.events("auth_failure")
    assert refused and "NumericDate" in refused[0]["reason"]


# --------------------------------------------- public keys, audience, issuer (AUTH-13, AUTH-14)


def _private_key(algorithm: str) -> Any:
    from cryptography.hazmat.primitives.asymmetric import ec, ed25519, rsa

    if algorithm.startswith(("RS", "PS")):
        return rsa.generate_private_key(public_exponent=65537, key_size=2048)
    if algorithm == "ES256":
        return ec.generate_private_key(ec.SECP256R1())
    if algorithm == "ES384":
        return ec.generate_private_key(ec.SECP384R1())
    return ed25519.Ed25519PrivateKey.generate()


def _hmac_token(secret: bytes, algorithm: str = "HS256", sub: str = "alice") -> str:
    """An HMAC token keyed with ``secret`` (PyJWT refuses a PEM as an HMAC key)."""

    def b64(data: bytes) -> str:
        return base64.urlsafe_b64encode(data).rstrip(b"=").decode()

    head = b64(json.dumps({"alg": algorithm, "typ": "JWT"}).encode())
    body = b64(json.dumps({"sub": sub, "exp": time.time() + 600}).encode())
    digest = {"HS256": hashlib.sha256, "HS384": hashlib.sha384, "HS512": hashlib.sha512}
    signature = hmac.new(secret, f"{head}.{body}".encode(), digest[algorithm]).digest()
    return f"{head}.{body}.{b64(signature)}"


@pytest.mark.parametrize("algorithm", ["RS256", "PS256", "ES256", "ES384", "EdDSA"])
def test_a_public_key_server_accepts_its_algorithm_only(algorithm: str) -> None:
    """AUTH-2 (as R3 allows other algorithms), AUTH-13: a server given a public key accepts
    tokens signed with the private half and that algorithm, and refuses the same key's
    tokens under another algorithm of its family, and HS256 tokens of any secret."""
    key = _private_key(algorithm)
    core = Core(jwt_verifier=Verifier(algorithm, key.public_key()))
    good = jwt.encode({"sub": "alice", "exp": time.time() + 600}, key, algorithm=algorithm)
    assert_accepted(core.raw(token=good, via="header"))
    sibling = {"RS256": "RS512", "PS256": "RS256", "ES256": "ES384", "ES384": "ES256"}
    if algorithm in sibling:
        other = sibling[algorithm]
        if other.startswith("ES"):
            key2 = _private_key(other)
            forged = jwt.encode({"sub": "alice", "exp": time.time() + 600}, key2, algorithm=other)
        else:
            forged = jwt.encode({"sub": "alice", "exp": time.time() + 600}, key, algorithm=other)
        assert_refused(core.raw(token=forged, via="header"))
    assert_refused(core.raw(token=core.token(), via="header"))
    failures = core.events("auth_failure")
    assert failures and "is not the server's" in failures[-1]["reason"]


@pytest.mark.parametrize("encoding", ["pem", "pem-trimmed", "der", "pkcs1", "hs384", "hs512"])
def test_hmac_keyed_with_the_public_key_is_refused(encoding: str) -> None:
    """AUTH-13: the algorithm-confusion attack: HMAC tokens whose secret is the server's
    public key, as PEM (with and without its last newline), DER or PKCS#1, are refused."""
    from cryptography.hazmat.primitives import serialization

    key = _private_key("RS256")
    core = Core(jwt_verifier=Verifier("RS256", key.public_key()))
    pem = public_pem(key)
    secret = {
        "pem": pem,
        "pem-trimmed": pem.rstrip(b"\n"),
        "der": key.public_key().public_bytes(
            serialization.Encoding.DER, serialization.PublicFormat.SubjectPublicKeyInfo
        ),
        "pkcs1": key.public_key().public_bytes(
            serialization.Encoding.PEM, serialization.PublicFormat.PKCS1
        ),
        "hs384": pem,
        "hs512": pem,
    }[encoding]
    algorithm = encoding.upper() if encoding.startswith("hs") else "HS256"
    assert_refused(core.raw(token=_hmac_token(secret, algorithm), via="header"))
    failures = core.events("auth_failure")
    assert failures and failures[-1]["reason"].startswith("invalid token: algorithm")


def _aud_iss_token(key: Any, **claims: Any) -> str:
    payload = {"sub": "alice", "exp": time.time() + 600, **claims}
    return jwt.encode({k: v for k, v in payload.items() if v is not None}, key, algorithm="ES256")


@pytest.mark.parametrize(
    ("claims", "accepted"),
    [
        ({"aud": "onsembl-api", "iss": "https://idp.example"}, True),
        ({"aud": ["other-api", "onsembl-api"], "iss": "https://idp.example"}, True),
        ({"aud": "other-api", "iss": "https://idp.example"}, False),
        ({"aud": None, "iss": "https://idp.example"}, False),
        ({"aud": "onsembl-api", "iss": "https://evil.example"}, False),
        ({"aud": "onsembl-api", "iss": None}, False),
    ],
    ids=["both-right", "aud-in-list", "aud-other", "aud-missing", "iss-other", "iss-missing"],
)
def test_audience_and_issuer_when_configured(claims: dict[str, Any], accepted: bool) -> None:
    """AUTH-14, AUTH-11: with an audience and an issuer configured, a token for another
    audience or from another issuer, or without them, is an invalid token: close 1008,
    logged like any other; the right ones are accepted."""
    key = _private_key("ES256")
    verifier = Verifier(
        "ES256", key.public_key(), audience="onsembl-api", issuer="https://idp.example"
    )
    core = Core(jwt_verifier=verifier)
    conn = core.raw(token=_aud_iss_token(key, **claims), via="header")
    if accepted:
        assert_accepted(conn)
        assert core.log.records == []
        return
    assert_refused(conn)
    failures = core.events("auth_failure")
    assert failures and ("audience" in failures[-1]["reason"] or "issuer" in failures[-1]["reason"])


def test_audience_with_a_secret_and_in_refresh() -> None:
    """AUTH-14 with an HS256 secret (``--jwt-audience`` applies to it too), REFRESH-4: a
    refresh with a token for another audience is refused; the right audience refreshes."""
    core = Core(jwt_verifier=Verifier.for_secret(SECRET, audience="onsembl-api"))
    assert_refused(core.raw(token=core.token(), via="header"))
    client = core.raw(token=core.token(aud="onsembl-api"), via="header")
    assert client.open
    client.send({"type": "auth:refresh-token", "token": core.token(aud="other-api")})
    reply = client.recv_type("auth:refresh-failed")
    assert "audience" in reply["error"]
    renewed = core.token(ttl=7200, aud=["onsembl-api"])
    client.send({"type": "auth:refresh-token", "token": renewed})
    assert client.recv_type("auth:refresh-success")["type"] == "auth:refresh-success"


def test_no_audience_configured_refuses_a_token_that_names_one() -> None:
    """AUTH-14 (its decision, RFC 7519 section 4.1.3): a server configured with no audience
    refuses a token carrying ``aud``."""
    core = Core()
    assert_refused(core.raw(token=core.token(aud="some-api"), via="header"))
    assert_accepted(core.raw(token=core.token(), via="header"))
