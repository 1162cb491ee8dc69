"""Authentication checks (AUTH-1..AUTH-10, CLOSE-6)."""

from __future__ import annotations

from onsembl_conformance.client import describe
from onsembl_conformance.connection import NO_ORIGIN
from onsembl_conformance.context import CheckContext, message
from onsembl_conformance.recipes import TokenRecipe
from onsembl_conformance.registry import check
from onsembl_spec.errors import CheckFailure, CheckSkipped

FOREIGN_ORIGIN = "https://evil.example"


async def expect_refused(
    ctx: CheckContext,
    recipe: TokenRecipe | None,
    requirement: str,
    *,
    via: str = "header",
    origin: str | None = None,
    headers: dict[str, str] | None = None,
) -> None:
    """AUTH-3's answer: handshake completed, no message (not even a pong), close 1008.

    The ping tells a refused connection from an accepted one that the
    identification timeout (also 1008) closes later.
    """
    conn = await ctx.connect(
        recipe, via=via, origin=origin, headers=headers, requirement=requirement, auto_pong=False
    )
    await conn.send(message("heartbeat:ping"))
    await conn.expect_close(1008, requirement)
    if conn.received:
        raise CheckFailure(requirement, "no message before the close", describe(conn.received[0]))


async def expect_accepted(
    ctx: CheckContext,
    recipe: TokenRecipe,
    requirement: str,
    *,
    via: str = "header",
    origin: str | None = None,
    headers: dict[str, str] | None = None,
) -> None:
    """The connection is authenticated: it can identify and gets its agent list."""
    conn = await ctx.connect(
        recipe, via=via, origin=origin, headers=headers, requirement=requirement
    )
    await conn.send(message("dashboard:connect", dashboardId=ctx.ident("dash")))
    await conn.expect_reply("agent:list", requirement)
    await conn.close()


@check("AUTH-3", "CLOSE-6", tags=("quick",))
async def check_no_token(ctx: CheckContext) -> None:
    """Without a token: handshake completed, no message, close 1008."""
    await expect_refused(ctx, None, "AUTH-3")


@check("AUTH-4", tags=("quick",))
async def check_malformed_tokens(ctx: CheckContext) -> None:
    """Malformed tokens (not a JWT; no, or numeric, sub; no, or string, exp) are refused."""
    for kind in ("not-a-jwt", "no-sub", "number-sub", "no-exp", "string-exp"):
        ctx.transcript.note(f"token kind {kind}")
        await expect_refused(ctx, ctx.recipe(kind=kind), "AUTH-4")


@check("AUTH-5", tags=("quick",))
async def check_wrong_signature(ctx: CheckContext) -> None:
    """A token signed with another secret is refused like no token."""
    await expect_refused(ctx, ctx.recipe(kind="bad-signature"), "AUTH-5")


@check("AUTH-6", tags=("quick",))
async def check_expired_token(ctx: CheckContext) -> None:
    """An expired token is refused like no token."""
    await expect_refused(ctx, ctx.recipe(ttl=-30), "AUTH-6")


@check("AUTH-7", tags=("quick",))
async def check_alg_none(ctx: CheckContext) -> None:
    """An unsigned (alg none) token is refused like no token."""
    await expect_refused(ctx, ctx.recipe(kind="alg-none"), "AUTH-7")


@check("AUTH-8")
async def check_nbf_in_future(ctx: CheckContext) -> None:
    """A token whose nbf is in the future is refused like no token."""
    await expect_refused(ctx, ctx.recipe(kind="nbf-future"), "AUTH-8")


@check("AUTH-1", "AUTH-2", tags=("quick",))
async def check_three_token_sources(ctx: CheckContext) -> None:
    """A valid token is accepted from the header, the query parameter and the cookie."""
    for via in ("header", "query", "cookie"):
        ctx.transcript.note(f"token via {via}")
        await expect_accepted(ctx, ctx.recipe(), "AUTH-1", via=via)


@check("AUTH-1")
async def check_token_source_precedence(ctx: CheckContext) -> None:
    """The first source present wins: header over query over cookie, even when the winner is bad."""
    good = ctx.recipe()
    bad = ctx.recipe(kind="bad-signature")
    good_token, bad_token = ctx.token(good), ctx.token(bad)
    bearer = "Authorization"
    await _precedence(
        ctx,
        "header good, query bad",
        {bearer: f"Bearer {good_token}"},
        {"token": bad_token},
        None,
        True,
    )
    await _precedence(
        ctx,
        "header bad, query good",
        {bearer: f"Bearer {bad_token}"},
        {"token": good_token},
        None,
        False,
    )
    await _precedence(ctx, "query good, cookie bad", {}, {"token": good_token}, bad_token, True)
    await _precedence(ctx, "query bad, cookie good", {}, {"token": bad_token}, good_token, False)


async def _precedence(
    ctx: CheckContext,
    case: str,
    headers: dict[str, str],
    query: dict[str, str],
    cookie: str | None,
    accepted: bool,
) -> None:
    extra = dict(headers)
    if cookie is not None:
        extra["Cookie"] = f"token={cookie}"
    ctx.transcript.note(f"tokens: {case}; expected {'accepted' if accepted else 'refused'}")
    conn = await ctx.connect(
        None, headers=extra, query=query, requirement="AUTH-1", auto_pong=False
    )
    if accepted:
        await conn.send(message("dashboard:connect", dashboardId=ctx.ident("dash")))
        await conn.expect_reply("agent:list", "AUTH-1")
        await conn.close()
    else:
        await conn.expect_close(1008, "AUTH-1")


@check("AUTH-9", tags=("quick",))
async def check_cookie_ignored_for_foreign_origin(ctx: CheckContext) -> None:
    """With a foreign Origin the token cookie is ignored: close 1008."""
    await expect_refused(ctx, ctx.recipe(), "AUTH-9", via="cookie", origin=FOREIGN_ORIGIN)


@check("AUTH-9", "AUTH-10")
async def check_cookie_with_allowed_origin(ctx: CheckContext) -> None:
    """The cookie counts with an allowed Origin and without Origin (``NO_ORIGIN``: none even
    when ``--origin`` is given)."""
    origins = ctx.profile.allowed_origins
    if not origins:
        await expect_accepted(ctx, ctx.recipe(), "AUTH-10", via="cookie", origin=NO_ORIGIN)
        raise CheckSkipped("the profile allows no origin")
    await expect_accepted(ctx, ctx.recipe(), "AUTH-9", via="cookie", origin=origins[0])
    await expect_accepted(ctx, ctx.recipe(), "AUTH-10", via="cookie", origin=NO_ORIGIN)


@check("AUTH-10", tags=("quick",))
async def check_header_and_query_ignore_origin(ctx: CheckContext) -> None:
    """Header and query tokens are accepted whatever the Origin."""
    await expect_accepted(ctx, ctx.recipe(), "AUTH-10", via="header", origin=FOREIGN_ORIGIN)
    await expect_accepted(ctx, ctx.recipe(), "AUTH-10", via="query", origin=FOREIGN_ORIGIN)
