"""Authentication end to end: AUTH-1..AUTH-14 with real JWTs: HS256, and keys of every
asymmetric family made at test time (RSA, EC, Ed25519)."""

from __future__ import annotations

import time
from typing import Any

import jwt
import pytest

from onsembl_spec.tokens import mint

pytestmark = pytest.mark.asyncio

SECRET_OF = "reference-server-test-secret-0123456789"


async def assert_refused(client) -> None:
    """AUTH-3: handshake completed, no message, close 1008."""
    code, _ = await client.closed()
    assert code == 1008
    assert client.received == []


async def assert_accepted(client) -> None:
    await client.send({"type": "heartbeat:ping"})
    assert (await client.recv())["type"] == "heartbeat:pong"


@pytest.mark.parametrize("via", ["header", "query", "cookie"])
async def test_each_token_source_authenticates(server, via: str) -> None:
    """AUTH-1, AUTH-2, AUTH-10: header, query parameter, cookie (no Origin)."""
    client = await server.raw(token=server.token(), via=via)
    await assert_accepted(client)


async def test_header_wins_over_query_and_cookie(server) -> None:
    """AUTH-1: the first source present is the one used (a bad query token is not looked at)."""
    client = await server.raw(
        token="not-a-jwt",
        via="query",
        headers={"Authorization": f"Bearer {server.token()}", "Cookie": "token=bad"},
    )
    await assert_accepted(client)
    refused = await server.raw(
        token=server.token(),
        via="query",
        headers={"Authorization": "Bearer not-a-jwt"},
    )
    await assert_refused(refused)


async def test_owner_is_sub(server) -> None:
    """AUTH-2, TEN-1: the token's ``sub`` is the owner: bob does not see alice's agent."""
    await server.agent("alice", "shared-id")
    bob = await server.dashboard("bob")
    await bob.send({"type": "dashboard:connect", "dashboardId": "x"})
    assert (await bob.recv())["code"] == "ALREADY_IDENTIFIED"
    other = await server.client("bob")
    await other.send({"type": "dashboard:connect", "dashboardId": "d2"})
    listing = await other.recv_type("agent:list")
    assert listing["agents"] == []


async def test_missing_token_is_refused_after_handshake(server) -> None:
    """AUTH-3."""
    await assert_refused(await server.raw())


@pytest.mark.parametrize(
    "token",
    [
        "not-a-jwt",
        jwt.encode({"exp": time.time() + 60}, SECRET_OF, algorithm="HS256"),
        jwt.encode({"sub": "alice"}, SECRET_OF, algorithm="HS256"),
        jwt.encode({"sub": 7, "exp": time.time() + 60}, SECRET_OF, algorithm="HS256"),
        jwt.encode({"sub": "alice", "exp": "soon"}, SECRET_OF, algorithm="HS256"),
    ],
    ids=["garbage", "no-sub", "no-exp", "numeric-sub", "string-exp"],
)
async def test_malformed_token_is_refused(server, token: str) -> None:
    """AUTH-4."""
    await assert_refused(await server.raw(token=token, via="header"))


async def test_wrong_signature_is_refused(server) -> None:
    """AUTH-5."""
    await assert_refused(
        await server.raw(token=mint("another-secret-of-32-bytes-at-least!", "alice"))
    )


async def test_expired_token_is_refused(server) -> None:
    """AUTH-6."""
    await assert_refused(await server.raw(token=mint(SECRET_OF, "alice", ttl=-5)))


async def test_none_algorithm_is_refused(server) -> None:
    """AUTH-7."""
    unsigned = jwt.encode({"sub": "alice", "exp": time.time() + 60}, None, algorithm="none")
    await assert_refused(await server.raw(token=unsigned, via="header"))


async def test_future_nbf_is_refused(server) -> None:
    """AUTH-8."""
    token = mint(SECRET_OF, "alice", extra={"nbf": time.time() + 600})
    await assert_refused(await server.raw(token=token))


async def test_cookie_ignored_from_foreign_origin(harness) -> None:
    """AUTH-9: a cookie from an Origin not in ``allowed_origins`` does not count."""
    await harness.start({"allowed_origins": ["https://good.example"]})
    token = harness.token()
    foreign = await harness.raw(
        token=token, via="cookie", headers={"Origin": "https://evil.example"}
    )
    await assert_refused(foreign)
    allowed = await harness.raw(
        token=token, via="cookie", headers={"Origin": "https://good.example"}
    )
    await assert_accepted(allowed)


async def test_header_and_query_accepted_whatever_the_origin(server) -> None:
    """AUTH-10."""
    for via in ("header", "query"):
        client = await server.raw(
            token=server.token(), via=via, headers={"Origin": "https://evil.example"}
        )
        await assert_accepted(client)


async def test_auth_failures_are_logged_without_the_token(server) -> None:
    """AUTH-11: one structured record with remote address; the token never appears."""
    bad = mint("another-secret-of-32-bytes-at-least!", "mallory")
    await assert_refused(await server.raw(token=bad, via="header"))
    records = [r for r in server.log.records if r["event"] == "auth_failure"]
    assert records and records[-1]["remote"].startswith("127.0.0.1:")
    assert records[-1]["reason"] == "bad signature"
    assert all(bad not in line for line in server.log.lines)


# ------------------------------------------------------- NumericDates (AUTH-12)


def _hs256_raw(claims_json: str) -> str:
    """An HS256 token over claims written as given (``NaN``, ``Infinity``, 401 digits)."""
    import base64
    import hashlib
    import hmac

    def b64(data: bytes) -> str:
        return base64.urlsafe_b64encode(data).rstrip(b"=").decode()

    head = b64(b'{"alg":"HS256","typ":"JWT"}')
    signing_input = f"{head}.{b64(claims_json.encode())}"
    signature = hmac.new(SECRET_OF.encode(), signing_input.encode(), hashlib.sha256).digest()
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
async def test_non_finite_or_huge_dates_are_invalid_tokens(server, case: str) -> None:
    """AUTH-12, AUTH-11: exp or nbf NaN, Infinity, beyond a double or not a number: close
    1008 with no message, logged as an authentication failure, never a server error (1011;
    10**400 was one before) and never accepted (NaN and Infinity were)."""
    token = _bad_date_token(case)
    await assert_refused(await server.raw(token=token, via="header"))
    events = [r["event"] for r in server.log.records]
    assert "server_error" not in events
    failures = [r for r in server.log.records if r["event"] == "auth_failure"]
    assert failures and "NumericDate" in failures[-1]["reason"], failures
    assert all(token not in line for line in server.log.lines)


@pytest.mark.parametrize("case", ["exp-nan", "exp-infinity", "exp-10**400", "nbf-nan"])
async def test_non_finite_dates_refused_in_refresh(harness, case: str) -> None:
    """AUTH-12, REFRESH-4: a refresh with such a token is refused and the old expiry holds
    (a NaN exp adopted would never expire)."""
    await harness.start({"refresh_window_s": 0.1})
    client = await harness.raw(token=harness.token(ttl=1.5))
    await client.send({"type": "auth:refresh-token", "token": _bad_date_token(case)})
    reply = await client.recv_type("auth:refresh-failed")
    assert reply["error"]
    code, _ = await client.closed()
    assert code == 1008
    assert "server_error" not in [r["event"] for r in harness.log.records]
    refused = [r for r in harness.log.records if r["event"] == "auth_failure"]
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
    import base64
    import hashlib
    import hmac
    import json

    def b64(data: bytes) -> str:
        return base64.urlsafe_b64encode(data).rstrip(b"=").decode()

    head = b64(json.dumps({"alg": algorithm, "typ": "JWT"}).encode())
    body = b64(json.dumps({"sub": sub, "exp": time.time() + 600}).encode())
    digest = {"HS256": hashlib.sha256, "HS384": hashlib.sha384, "HS512": hashlib.sha512}
    signature = hmac.new(secret, f"{head}.{body}".encode(), digest[algorithm]).digest()
    return f"{head}.{body}.{b64(signature)}"


@pytest.mark.parametrize("algorithm", ["RS256", "PS256", "ES256", "ES384", "EdDSA"])
async def test_a_public_key_server_accepts_its_algorithm_only(harness, algorithm: str) -> None:
    """AUTH-2 (as R3 allows other algorithms), AUTH-13: a server given a public key accepts
    tokens signed with the private half and that algorithm, and refuses the same key's
    tokens under another algorithm of its family, and HS256 tokens of any secret."""
    from onsembl_spec.tokens import Verifier

    key = _private_key(algorithm)
    await harness.start(jwt_verifier=Verifier(algorithm, key.public_key()))
    good = jwt.encode({"sub": "alice", "exp": time.time() + 600}, key, algorithm=algorithm)
    await assert_accepted(await harness.raw(token=good, via="header"))
    sibling = {"RS256": "RS512", "PS256": "RS256", "ES256": "ES384", "ES384": "ES256"}
    if algorithm in sibling:
        other = sibling[algorithm]
        if other.startswith("ES"):
            key2 = _private_key(other)
            forged = jwt.encode({"sub": "alice", "exp": time.time() + 600}, key2, algorithm=other)
        else:
            forged = jwt.encode({"sub": "alice", "exp": time.time() + 600}, key, algorithm=other)
        await assert_refused(await harness.raw(token=forged, via="header"))
    await assert_refused(await harness.raw(token=harness.token(), via="header"))
    failures = [r for r in harness.log.records if r["event"] == "auth_failure"]
    assert failures and "is not the server's" in failures[-1]["reason"]


@pytest.mark.parametrize("encoding", ["pem", "pem-trimmed", "der", "pkcs1", "hs384", "hs512"])
async def test_hmac_keyed_with_the_public_key_is_refused(harness, encoding: str) -> None:
    """AUTH-13: the algorithm-confusion attack: HMAC tokens whose secret is the server's
    public key, as PEM (with and without its last newline), DER or PKCS#1, are refused."""
    from cryptography.hazmat.primitives import serialization

    from onsembl_spec.tokens import Verifier, public_pem

    key = _private_key("RS256")
    await harness.start(jwt_verifier=Verifier("RS256", key.public_key()))
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
    await assert_refused(await harness.raw(token=_hmac_token(secret, algorithm), via="header"))
    failures = [r for r in harness.log.records if r["event"] == "auth_failure"]
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
async def test_audience_and_issuer_when_configured(
    harness, claims: dict[str, Any], accepted: bool
) -> None:
    """AUTH-14, AUTH-11: with an audience and an issuer configured, a token for another
    audience or from another issuer, or without them, is an invalid token: close 1008,
    logged like any other; the right ones are accepted."""
    from onsembl_spec.tokens import Verifier

    key = _private_key("ES256")
    verifier = Verifier(
        "ES256", key.public_key(), audience="onsembl-api", issuer="https://idp.example"
    )
    await harness.start(jwt_verifier=verifier)
    client = await harness.raw(token=_aud_iss_token(key, **claims), via="header")
    if accepted:
        await assert_accepted(client)
        return
    await assert_refused(client)
    failures = [r for r in harness.log.records if r["event"] == "auth_failure"]
    assert failures and ("audience" in failures[-1]["reason"] or "issuer" in failures[-1]["reason"])


async def test_audience_with_a_secret_and_in_refresh(harness) -> None:
    """AUTH-14 with an HS256 secret (``--jwt-audience`` applies to it too), REFRESH-4: a
    refresh with a token for another audience is refused; the right audience refreshes."""
    from onsembl_spec.tokens import Verifier

    await harness.start(jwt_verifier=Verifier.for_secret(SECRET_OF, audience="onsembl-api"))
    await assert_refused(await harness.raw(token=harness.token(), via="header"))
    client = await harness.raw(token=harness.token(aud="onsembl-api"), via="header")
    await client.send({"type": "auth:refresh-token", "token": harness.token(aud="other-api")})
    reply = await client.recv_type("auth:refresh-failed")
    assert "audience" in reply["error"]
    renewed = harness.token(ttl=7200, aud=["onsembl-api"])
    await client.send({"type": "auth:refresh-token", "token": renewed})
    assert (await client.recv_type("auth:refresh-success"))["type"] == "auth:refresh-success"


async def test_no_audience_configured_refuses_a_token_that_names_one(server) -> None:
    """AUTH-14 (its decision, RFC 7519 section 4.1.3): a server configured with no audience
    refuses a token carrying ``aud``."""
    await assert_refused(await server.raw(token=server.token(aud="some-api"), via="header"))
