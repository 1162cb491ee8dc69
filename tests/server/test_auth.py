"""Authentication end to end: AUTH-1..AUTH-11 with real HS256 JWTs."""

from __future__ import annotations

import time

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
