"""Unit tests of the kit's own pieces (no client process): what a handshake's token is
judged as, where it is read from."""

from __future__ import annotations

import time
from types import SimpleNamespace
from typing import Any

import pytest

from onsembl_conformance.clientcheck.context import ClientCheckContext
from onsembl_conformance.clientcheck.runner import ClientRunOptions, client_config
from onsembl_conformance.clientcheck.scripted import cookie, token_of
from onsembl_conformance.errors import CheckFailure, CheckInconclusive
from onsembl_conformance.registry import get_client_check


def context() -> ClientCheckContext:
    config = client_config(ClientRunOptions(), "secret-for-the-unit-tests-of-the-kit-0123456789")
    return ClientCheckContext(config, get_client_check("agent/refreshes_in_place"))


def handshake(ctx: ClientCheckContext, token: str | None) -> tuple[str | None, list[Any]]:
    found: list[Any] = []

    def violation(requirement_id: str, expected: str, actual: str) -> None:
        found.append(requirement_id)
        ctx.violation(CheckFailure(requirement_id, expected, actual))

    peer: Any = SimpleNamespace(token=token, number=1, exp=None, violation=violation)
    return ctx.judge_token(peer), found


def test_expired_handed_token_on_first_handshake_is_inconclusive() -> None:
    ctx = context()
    try:
        token = ctx.tokens.issue(1.0)
        ctx.tokens.issued[token].exp = time.time() - 1  # expired before it was presented
        ctx.tokens.write(token)
        ctx.fresh_token = token
        refusal, found = handshake(ctx, token)
        assert refusal == "expired token" and found == []
        with pytest.raises(CheckInconclusive):
            ctx.raise_violation()
    finally:
        ctx._workdir.cleanup()


def test_expired_token_presented_again_is_client_1() -> None:
    ctx = context()
    try:
        token = ctx.tokens.issue(3600.0)
        ctx.fresh_token = token
        assert handshake(ctx, token) == (None, [])
        ctx.tokens.issued[token].exp = time.time() - 1
        assert handshake(ctx, token) == ("expired token", ["CLIENT-1"])
        assert ctx.inconclusive is None
    finally:
        ctx._workdir.cleanup()


def test_unknown_expired_token_is_not_excused() -> None:
    ctx = context()
    try:
        old = ctx.tokens.issue(1.0)
        ctx.tokens.issued[old].exp = time.time() - 1
        ctx.fresh_token = ctx.tokens.issue(3600.0)
        assert handshake(ctx, old) == ("expired token", ["CLIENT-1"])
        with pytest.raises(CheckFailure):
            ctx.raise_violation()
    finally:
        ctx._workdir.cleanup()


@pytest.mark.parametrize(
    ("header", "expected"),
    [
        ("token=abc.def.ghi", "abc.def.ghi"),
        ("a=1; token=abc.def.ghi; b=2", "abc.def.ghi"),
        ("bad cookie=x; token=abc.def.ghi", "abc.def.ghi"),  # SimpleCookie drops the rest
        ('weird="unterminated; token=abc.def.ghi', "abc.def.ghi"),
        ("x=[1,2]; token=abc.def.ghi", "abc.def.ghi"),
        ('token="abc.def.ghi"', "abc.def.ghi"),
        ("  token = abc=padded== ", "abc=padded=="),
        ("mytoken=nope; tokens=nope", None),
        ("token", None),
        ("", None),
    ],
)
def test_cookie_parsed_by_hand(header: str, expected: str | None) -> None:
    assert cookie(header, "token") == expected


def test_token_from_a_cookie_after_an_invalid_one() -> None:
    from websockets.datastructures import Headers
    from websockets.http11 import Request

    request = Request("/ws", Headers([("Cookie", "bad cookie=x; token=abc.def.ghi")]))
    assert token_of(request) == ("abc.def.ghi", "cookie")


@pytest.mark.parametrize(
    ("ends", "required"),
    [
        ([], False),  # the process never connected: a slow start or a crash, not CLIENT-8
        ([("kit", 1001)], True),
        ([("kit", 1011), None, None], True),  # attempts refused with 503 continue the chain
        ([("dropped", 1006)], True),
        ([("kit", 1008)], False),
        ([("client", 1000)], False),
        ([("", None)], False),  # still open
    ],
)
def test_reconnection_required_only_after_the_kit_ended_it(
    ends: list[tuple[str, int | None] | None], required: bool
) -> None:
    from onsembl_conformance.clientcheck.scripted import Attempt

    ctx = context()
    try:
        attempts = [
            Attempt(0.0, None if end is None else SimpleNamespace(end=end[0], close_code=end[1]))  # type: ignore[arg-type]
            for end in ends
        ]
        ctx.server = SimpleNamespace(attempts=attempts)  # type: ignore[assignment]
        assert ctx.reconnection_required() is required
    finally:
        ctx._workdir.cleanup()
