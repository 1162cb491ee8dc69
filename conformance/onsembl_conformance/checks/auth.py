"""Authentication checks (AUTH-1..AUTH-10, AUTH-12..AUTH-14, CLOSE-6).

Tokens come from the run's issuer (issue 10): a check needing a kind the kit cannot make
with its credentials is skipped saying why (``TokenUnavailable``)."""

from __future__ import annotations

from onsembl_conformance.client import describe
from onsembl_conformance.connection import NO_ORIGIN
from onsembl_conformance.context import CheckContext, message
from onsembl_conformance.errors import CheckFailure, CheckSkipped, TokenUnavailable
from onsembl_conformance.recipes import NUMERIC_DATE_KINDS, TokenRecipe
from onsembl_conformance.registry import check

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


async def expect_each_refused(ctx: CheckContext, kinds: tuple[str, ...], requirement: str) -> None:
    """:func:`expect_refused` for a token of each kind; the kinds the kit cannot make with
    its credentials (a token command forges nothing signed) are left out, and the check is
    then skipped naming them (issue 10): the requirement is not fully checked."""
    missing: list[str] = []
    reason = ""
    for kind in kinds:
        ctx.transcript.note(f"token kind {kind}")
        try:
            await expect_refused(ctx, ctx.recipe(kind=kind), requirement)
        except TokenUnavailable as err:
            missing.append(kind)
            reason = reason or str(err)
    if missing:
        checked = len(kinds) - len(missing)
        raise TokenUnavailable(
            f"{checked} of {len(kinds)} token kinds checked; not made: {', '.join(missing)} "
            f"({reason})"
        )


@check("AUTH-4", tags=("quick",))
async def check_malformed_tokens(ctx: CheckContext) -> None:
    """Malformed tokens (not a JWT; no, or numeric, sub; no, or string, exp) are refused."""
    await expect_each_refused(
        ctx, ("not-a-jwt", "no-sub", "number-sub", "no-exp", "string-exp"), "AUTH-4"
    )


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
    good_token, bad_token = await ctx.issue(good), await ctx.issue(bad)
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


@check("AUTH-12", tags=("quick",))
async def check_numeric_dates(ctx: CheckContext) -> None:
    """Tokens whose exp or nbf is NaN, Infinity or 10**400 (Python's json reads all three)
    are refused like no token, and refused in auth:refresh-token (AUTH-12, issue 11)."""
    await expect_each_refused(ctx, NUMERIC_DATE_KINDS, "AUTH-12")
    owner = ctx.owner()
    conn, _ = await ctx.dashboard(owner)
    for kind in ("exp-nan", "exp-infinity", "exp-overflow"):
        ctx.transcript.note(f"refresh with token kind {kind}")
        token = await ctx.issue(ctx.recipe(owner, ttl=7200, kind=kind))
        await conn.send(message("auth:refresh-token", token=token))
        reply = await conn.expect_reply(("auth:refresh-failed", "auth:refresh-success"), "AUTH-12")
        if reply["type"] != "auth:refresh-failed":
            raise CheckFailure(
                "AUTH-12", f"auth:refresh-failed for a token of kind {kind}", describe(reply)
            )
    await conn.expect_open("AUTH-12")


@check("AUTH-13", tags=("quick",))
async def check_public_key_as_hmac_secret(ctx: CheckContext) -> None:
    """HMAC tokens (HS256/384/512) keyed with the server's public key in its PEM, DER and
    PKCS#1 forms are refused like no token: algorithm confusion (AUTH-13). Needs
    ``--jwt-key``: the kit derives the public half from the private key."""
    issuer = ctx.config.token_issuer
    kinds = issuer.public_key_kinds()
    if not kinds:
        if issuer.flag == "--jwt-secret":
            raise CheckSkipped(
                "the server verifies with a shared secret (--jwt-secret); AUTH-13 is about "
                "servers that verify with a public key (--jwt-key checks it)"
            )
        raise TokenUnavailable(
            f"{issuer.flag} cannot make HMAC tokens keyed with the server's public key: "
            "that needs --jwt-key, whose public half the kit derives"
        )
    await expect_each_refused(ctx, kinds, "AUTH-13")


@check("AUTH-14", tags=("quick",))
async def check_audience_and_issuer(ctx: CheckContext) -> None:
    """With ``--jwt-claim aud=...`` / ``iss=...`` (the audience and issuer the server
    requires), a token for another audience or issuer, or without them, is refused like no
    token, and refused in auth:refresh-token (AUTH-14)."""
    issuer = ctx.config.token_issuer
    named = [name for name in ("aud", "iss") if name in issuer.claims]
    if not named:
        if issuer.flag == "--token-command":
            raise TokenUnavailable(
                "--token-command cannot make tokens for another audience or issuer (a "
                "signer can: --jwt-key or --jwt-secret, with --jwt-claim aud=... / iss=...)"
            )
        raise CheckSkipped(
            "the audience and issuer the server requires are not known: --jwt-claim "
            "aud=... or iss=... names them"
        )
    kinds = tuple(f"{name}-{change}" for name in named for change in ("other", "missing"))
    await expect_each_refused(ctx, kinds, "AUTH-14")
    owner = ctx.owner()
    conn, _ = await ctx.dashboard(owner)
    for name in named:
        ctx.transcript.note(f"refresh with token kind {name}-other")
        token = await ctx.issue(ctx.recipe(owner, ttl=7200, kind=f"{name}-other"))
        await conn.send(message("auth:refresh-token", token=token))
        reply = await conn.expect_reply(("auth:refresh-failed", "auth:refresh-success"), "AUTH-14")
        if reply["type"] != "auth:refresh-failed":
            raise CheckFailure(
                "AUTH-14", f"auth:refresh-failed for a token of kind {name}-other", describe(reply)
            )
