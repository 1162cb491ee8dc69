"""Token issuers (issue 10, part 2): what each makes, what it cannot, and a token command's
contract, with keys made at test time and the server's own ``tokens.verify`` as judge."""

from __future__ import annotations

import asyncio
import json
import sys
import time
from pathlib import Path

import pytest
from faults_tokens import write_private_key

from onsembl_conformance.context import CheckContext, SuiteConfig
from onsembl_conformance.credentials import (
    EXP_TOLERANCE_S,
    CommandIssuer,
    KeyIssuer,
    SecretIssuer,
    parse_claims,
)
from onsembl_conformance.errors import TokenCommandError, TokenUnavailable
from onsembl_conformance.recipes import (
    CLAIM_KINDS,
    KINDS,
    NUMERIC_DATE_KINDS,
    PUBLIC_KEY_KINDS,
    TokenRecipe,
)
from onsembl_spec.errors import UsageError
from onsembl_spec.profile import Profile
from onsembl_spec.tokens import TokenError, Verifier, load_public_key, public_pem, verify

HERE = Path(__file__).resolve().parent
TOKEN_COMMAND = HERE / "token_command.py"
SECRET = "a-credentials-test-secret-of-32-bytes-or-more"
ALGORITHMS = ["RS256", "RS384", "RS512", "PS256", "PS384", "PS512", "ES256", "ES384", "EdDSA"]
CLAIMS = {"aud": "onsembl-api", "iss": "https://idp.example"}


@pytest.fixture(scope="module")
def keys(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    """One private key per algorithm family, made now (RSA once for RS* and PS*)."""
    where = tmp_path_factory.mktemp("keys")
    rsa = write_private_key("RS256", where / "rsa.pem")
    found = {alg: rsa for alg in ALGORITHMS if alg.startswith(("RS", "PS"))}
    found["ES256"] = write_private_key("ES256", where / "p256.pem")
    found["ES384"] = write_private_key("ES384", where / "p384.pem")
    found["EdDSA"] = write_private_key("EdDSA", where / "ed25519.pem")
    return found


def verifier_for(kit: KeyIssuer, **claims: str) -> Verifier:
    """The server's side of the kit's issuer: its public half, its algorithm."""
    return Verifier(kit.algorithm, kit.key.public_key(), **claims)


@pytest.mark.parametrize("algorithm", ALGORITHMS)
def test_each_algorithm_signs_what_the_server_verifies(
    keys: dict[str, Path], algorithm: str
) -> None:
    """AUTH-2 (R3: other algorithms), AUTH-13: the kit's token verifies with the public half
    and that algorithm only; under another algorithm of the family it is refused."""
    issuer = KeyIssuer(keys[algorithm], algorithm)
    token = issuer.mint(TokenRecipe("alice", ttl=60))
    assert verify(token, verifier_for(issuer)).sub == "alice"
    sibling = {"RS256": "RS512", "PS256": "RS256", "ES256": "ES384"}.get(algorithm)
    if sibling is not None:
        other_key = keys[sibling] if sibling.startswith("ES") else keys[algorithm]
        other = KeyIssuer(other_key, sibling)
        with pytest.raises(TokenError, match="is not the server's"):
            verify(token, verifier_for(other))
    with pytest.raises(TokenError, match="is not the server's"):
        verify(token, Verifier.for_secret(SECRET))


@pytest.mark.parametrize("algorithm", ["RS256", "ES256", "EdDSA"])
def test_a_key_makes_every_kind_and_the_server_refuses_each_bad_one(
    keys: dict[str, Path], algorithm: str
) -> None:
    """A key issuer makes every kind (AUTH-13 kinds: the public key's forms it has), with the
    run's claims on each; the reference server's verify refuses every one but ``valid``."""
    issuer = KeyIssuer(keys[algorithm], algorithm, CLAIMS)
    server = verifier_for(issuer, audience=CLAIMS["aud"], issuer=CLAIMS["iss"])
    made = 0
    for kind in KINDS:
        recipe = TokenRecipe("alice", ttl=60, kind=kind)
        if kind in PUBLIC_KEY_KINDS and kind not in issuer.public_key_kinds():
            assert issuer.unavailable(recipe) is not None
            continue
        token = issuer.mint(recipe)
        made += 1
        if kind == "valid":
            assert verify(token, server).sub == "alice"
            continue
        with pytest.raises(TokenError):
            verify(token, server)
    assert made >= len(KINDS) - 1
    assert ("public-key-hs256-pkcs1" in issuer.public_key_kinds()) == (algorithm == "RS256")


def test_a_bad_signature_is_a_key_of_the_same_type(keys: dict[str, Path]) -> None:
    """AUTH-5 with a key: the header names the same algorithm, the signature does not verify."""
    issuer = KeyIssuer(keys["ES256"], "ES256")
    token = issuer.mint(TokenRecipe("alice", kind="bad-signature"))
    head = json.loads(__import__("base64").urlsafe_b64decode(token.split(".")[0] + "=="))
    assert head["alg"] == "ES256"
    with pytest.raises(TokenError, match="bad signature"):
        verify(token, verifier_for(issuer))


def test_public_key_kinds_are_hmac_keyed_with_the_public_pem(keys: dict[str, Path]) -> None:
    """AUTH-13: the kind is HS256 over the PEM a server's file holds: verifying with the
    public PEM as an HMAC secret (what a confused server does) accepts it."""
    import hashlib
    import hmac

    issuer = KeyIssuer(keys["RS256"], "RS256")
    token = issuer.mint(TokenRecipe("alice", kind="public-key-hs256"))
    head, body, signature = token.split(".")
    pem = public_pem(issuer.key)
    expected = hmac.new(pem, f"{head}.{body}".encode(), hashlib.sha256).digest()
    import base64

    assert base64.urlsafe_b64encode(expected).rstrip(b"=").decode() == signature


def test_a_secret_issuer_keeps_hs256_and_has_no_public_key() -> None:
    issuer = SecretIssuer(SECRET, {"aud": "onsembl-api"})
    token = issuer.mint(TokenRecipe("alice"))
    assert verify(token, Verifier.for_secret(SECRET, audience="onsembl-api")).sub == "alice"
    assert issuer.public_key_kinds() == ()
    with pytest.raises(TokenUnavailable, match="public key"):
        issuer.mint(TokenRecipe("alice", kind="public-key-hs256"))
    with pytest.raises(TokenUnavailable, match="--jwt-claim iss"):
        issuer.mint(TokenRecipe("alice", kind="iss-other"))
    assert issuer.server_arguments(Path("/nonexistent")) == [
        f"--jwt-secret={SECRET}",
        "--jwt-audience",
        "onsembl-api",
    ]


def test_a_key_issuer_starts_servers_with_its_public_half(
    keys: dict[str, Path], tmp_path: Path
) -> None:
    issuer = KeyIssuer(keys["EdDSA"], "EdDSA", CLAIMS)
    arguments = issuer.server_arguments(tmp_path)
    assert arguments[:1] == ["--jwt-public-key"] and arguments[2:4] == ["--jwt-alg", "EdDSA"]
    assert arguments[4:] == ["--jwt-audience", "onsembl-api", "--jwt-issuer", CLAIMS["iss"]]
    assert b"PRIVATE" not in Path(arguments[1]).read_bytes()
    assert load_public_key(arguments[1], "EdDSA") is not None


@pytest.mark.parametrize(
    ("items", "expected"),
    [
        (["aud=my-api"], {"aud": "my-api"}),
        (['aud=["a","b"]'], {"aud": ["a", "b"]}),
        (["n=5", 'x="5"', "flag=true", "empty="], {"n": 5, "x": "5", "flag": True, "empty": ""}),
        (["url=https://idp.example/a=b"], {"url": "https://idp.example/a=b"}),
    ],
)
def test_claim_values_are_json_if_they_parse(items: list[str], expected: object) -> None:
    assert parse_claims(items) == expected


@pytest.mark.parametrize(
    ("items", "fragment"),
    [
        (["aud"], "expected NAME=VALUE"),
        (["=x"], "expected NAME=VALUE"),
        (["sub=alice"], "the kit sets sub, exp, nbf, iat itself"),
        (["exp=1"], "the kit sets"),
        (["aud=a", "aud=b"], "given twice"),
        (["n=NaN"], "not a JSON value"),
    ],
)
def test_bad_claims_are_one_line(items: list[str], fragment: str) -> None:
    with pytest.raises(UsageError, match=fragment) as info:
        parse_claims(items)
    assert "\n" not in str(info.value)


# ------------------------------------------------------------------- token command


def command(keys: dict[str, Path], mode: str = "ok", algorithm: str = "RS256") -> str:
    return f"{sys.executable} {TOKEN_COMMAND} {keys[algorithm]} {algorithm} {mode}"


def issue(issuer: CommandIssuer, recipe: TokenRecipe) -> tuple[str, float | None]:
    issued = asyncio.run(issuer.issue(recipe))
    return issued.text, issued.exp


def test_the_command_gets_sub_and_lifetime_and_its_token_is_checked(
    keys: dict[str, Path], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """$ONSEMBL_TOKEN_SUB and $ONSEMBL_TOKEN_TTL reach the command; the token it prints is
    returned with its own exp (the one the server will read)."""
    log = tmp_path / "runs.log"
    monkeypatch.setenv("TOKEN_COMMAND_LOG", str(log))
    issuer = CommandIssuer(command(keys))
    server = Verifier("RS256", load_public_key_of(keys["RS256"]))
    asked = time.time()
    token, exp = issue(issuer, TokenRecipe("owner-7", ttl=2.5))
    assert log.read_text().split() == ["owner-7", "2.5"]
    assert verify(token, server).sub == "owner-7"
    assert exp is not None and abs(exp - (asked + 2.5)) < 1.0
    assert issuer.runs == 1


def load_public_key_of(path: Path) -> object:
    from cryptography.hazmat.primitives.serialization import load_pem_private_key

    return load_pem_private_key(path.read_bytes(), password=None).public_key()


def test_what_a_command_makes_without_a_key(keys: dict[str, Path]) -> None:
    """valid, not-a-jwt, alg-none (its claims, no signature) and bad-signature (its signature
    altered) are made honestly and refused by the server for the intended reason; the
    forged kinds, an expired token and AUTH-13 kinds are not made, saying why."""
    issuer = CommandIssuer(command(keys))
    server = Verifier("RS256", load_public_key_of(keys["RS256"]))
    reasons = {
        "bad-signature": "bad signature",
        "alg-none": "unsigned token",
        "not-a-jwt": "malformed token",
    }
    for kind, reason in reasons.items():
        token, _ = issue(issuer, TokenRecipe("alice", ttl=60, kind=kind))
        with pytest.raises(TokenError, match=reason):
            verify(token, server)
    forged = [k for k in KINDS if k not in ("valid", *reasons)]
    assert set(NUMERIC_DATE_KINDS + CLAIM_KINDS + PUBLIC_KEY_KINDS) <= set(forged)
    for kind in forged:
        with pytest.raises(TokenUnavailable, match="--token-command cannot make"):
            issue(issuer, TokenRecipe("alice", ttl=60, kind=kind))
    with pytest.raises(TokenUnavailable, match="an expired token"):
        issue(issuer, TokenRecipe("alice", ttl=-10))
    assert issuer.runs == 2  # only bad-signature and alg-none ran the command


@pytest.mark.parametrize(
    ("mode", "error", "fragment"),
    [
        ("fail", TokenCommandError, "exited with status 3: identity provider: invalid_client"),
        ("garbage", TokenCommandError, "not a JWT"),
        ("two", TokenCommandError, "printed 2 lines"),
        ("flood", TokenCommandError, "more than 65536 bytes"),
        ("other-sub", TokenUnavailable, "issued one for 'someone-else'"),
        ("long-lived", TokenUnavailable, "cannot make a token living 3s"),
    ],
)
def test_a_misbehaving_command(
    keys: dict[str, Path], mode: str, error: type[Exception], fragment: str
) -> None:
    """A failure (exit status, output that is not one token) is the environment's trouble
    (TokenCommandError); a token for another subject or lifetime is a token the kit cannot
    make (TokenUnavailable). One line each, no token in it."""
    issuer = CommandIssuer(command(keys, mode))
    with pytest.raises(error, match=fragment) as info:
        issue(issuer, TokenRecipe("alice", ttl=3))
    assert "\n" not in str(info.value) and "eyJ" not in str(info.value)


def test_a_command_is_bounded_in_time(keys: dict[str, Path]) -> None:
    issuer = CommandIssuer(command(keys, "slow"), timeout=1.0)
    began = time.monotonic()
    with pytest.raises(TokenCommandError, match="did not finish within 1s"):
        issue(issuer, TokenRecipe("alice", ttl=60))
    assert time.monotonic() - began < 5


def test_whole_second_exp_is_within_tolerance(keys: dict[str, Path]) -> None:
    """Providers write whole seconds: an exp up to 1 s early is still the token asked for."""
    _, exp = issue(CommandIssuer(command(keys, "whole-seconds")), TokenRecipe("a", ttl=3.5))
    assert exp is not None and exp == int(exp) and EXP_TOLERANCE_S == 1.0


def test_a_command_that_cannot_run_and_bad_syntax() -> None:
    with pytest.raises(TokenCommandError, match="cannot run '/nonexistent/idp'"):
        asyncio.run(CommandIssuer("/nonexistent/idp --flag").issue(TokenRecipe("alice")))
    with pytest.raises(UsageError, match="--token-command"):
        CommandIssuer("'unclosed")
    with pytest.raises(UsageError, match="must not be empty"):
        CommandIssuer("  ")


def test_tokens_of_a_command_are_remembered_as_recipes(keys: dict[str, Path]) -> None:
    """The transcript stores the recipe wherever a command's token appears (issue 9, 10)."""
    config = SuiteConfig(
        url="ws://127.0.0.1:1/ws", secret="", profile=Profile(), issuer=CommandIssuer(command(keys))
    )
    ctx = CheckContext(config, "tokens")
    recipe = TokenRecipe("alice", ttl=60)
    token = asyncio.run(ctx.issue(recipe))
    ctx.transcript.record_frame(1, "send", json.dumps({"token": token}))
    stored = json.dumps(list(ctx.transcript.events))
    assert token not in stored and "[token valid(sub=alice, ttl=60)]" in stored
    assert ctx.expiry(token) is not None
