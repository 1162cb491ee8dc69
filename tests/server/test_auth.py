"""Authentication end to end over loopback with real JWTs: where the token comes from in the
HTTP request (AUTH-1, AUTH-9, AUTH-10), the close after the handshake (AUTH-3), the log (AUTH-11).
Token verification (AUTH-4..AUTH-8, AUTH-12..AUTH-14, with keys of every asymmetric family) is
driven through the core in ``test_core_auth.py``; a public-key server started by ``onsembl
serve``: ``test_cli_serve.py``."""

from __future__ import annotations

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


async def test_auth_failures_are_logged_without_the_token(server) -> None:
    """AUTH-11: one structured record with remote address; the token never appears."""
    bad = mint("another-secret-of-32-bytes-at-least!", "mallory")
    await assert_refused(await server.raw(token=bad, via="header"))
    records = [r for r in server.log.records if r["event"] == "auth_failure"]
    assert records and records[-1]["remote"].startswith("127.0.0.1:")
    assert records[-1]["reason"] == "bad signature"
    assert all(bad not in line for line in server.log.lines)
