"""Where the kit's tokens come from: one :class:`TokenIssuer` per run (issue 10, part 2).

Three modes, chosen by ``onsembl check`` / ``onsembl replay`` flags
(``onsembl_conformance.cli._token_options``):

* :class:`SecretIssuer` (``--jwt-secret``, ``$ONSEMBL_JWT_SECRET``): HS256 with the
  server's secret (AUTH-2). It makes every kind of :data:`recipes.KINDS` except the
  public-key ones (AUTH-13: a secret has no public half).
* :class:`KeyIssuer` (``--jwt-key FILE --jwt-alg ALG``): signs with a private key whose
  public half the server trusts. It makes every kind: a bad signature is signed by a
  key of the same type generated for the run (AUTH-5); the AUTH-13 kinds are HMAC
  tokens keyed with the public half.
* :class:`CommandIssuer` (``--token-command CMD``): an identity provider issues the
  tokens. The command gets the subject and lifetime in ``ONSEMBL_TOKEN_SUB``,
  ``ONSEMBL_TOKEN_TTL`` (seconds, maybe fractional) and ``ONSEMBL_TOKEN_EXP`` (the
  ``exp`` that lifetime gives, Unix seconds) and prints one token on stdout, within
  :data:`COMMAND_TIMEOUT_S` and :data:`MAX_OUTPUT_BYTES`. What it prints is decoded
  (unverified): a token for another subject, or whose ``exp`` is more than
  :data:`EXP_TOLERANCE_S` off what was asked, is a token the kit cannot make. It makes
  honestly, without a key: ``valid`` tokens; ``not-a-jwt``; ``alg-none`` (the issued
  token's header and claims, ``alg`` set to ``none``, no signature); ``bad-signature``
  (the issued token with its signature's first byte changed: what the server gets is
  the provider's header and claims under a signature that does not verify, AUTH-5).
  It cannot make what only a signer can: an expired token (providers issue only live
  ones, and waiting for one to expire would depend on the provider honouring second
  lifetimes), a future ``nbf``, or a token that is signed but malformed (AUTH-4,
  AUTH-8, AUTH-12, AUTH-14, AUTH-13).

:meth:`TokenIssuer.issue` raises :class:`~onsembl_conformance.errors.TokenUnavailable` (a
:class:`CheckSkipped`: the check is skipped with the reason, and the report counts the
requirements left unchecked) for a token the issuer cannot make, and
:class:`~onsembl_conformance.errors.TokenCommandError` when the command fails (the check ends
in an ``error``, never a FAIL; in the preflight, exit 2).
"""

from __future__ import annotations

import asyncio
import base64
import binascii
import json
import math
import os
import re
import shlex
import signal
import time
from abc import ABC, abstractmethod
from collections.abc import Mapping, Sequence
from contextlib import suppress
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from onsembl_conformance.errors import TokenCommandError, TokenUnavailable
from onsembl_conformance.recipes import PUBLIC_KEY_KINDS, Signer, TokenRecipe, hs256
from onsembl_conformance.sanitize import clean
from onsembl_spec.errors import UsageError
from onsembl_spec.tokens import (
    PrivateKey,
    describe_key,
    load_private_key,
    numeric_date,
    public_pem,
)

RESERVED_CLAIMS = ("sub", "exp", "nbf", "iat")
"""Claims the kit sets itself per token; ``--jwt-claim`` may not name them."""

COMMAND_TIMEOUT_S = 10.0
"""Longest one run of ``--token-command`` may take."""

MAX_OUTPUT_BYTES = 64 * 1024
"""Most a token command may print on stdout (a token is a few KiB at most)."""

MAX_STDERR_BYTES = 4 * 1024
"""What is kept of a token command's stderr, for the one-line error."""

COMMAND_CONCURRENCY = 4
"""Token commands running at once (the checks run 4 at a time)."""

EXP_TOLERANCE_S = 1.0
"""How far the ``exp`` of a token the command printed may be from what was asked: a
provider writing whole seconds is off by up to 1 s. Checks that time expiry read the
token's own ``exp`` (:attr:`IssuedToken.exp`), so the rounding is never a FAIL."""

_COMPACT_JWS = re.compile(r"^[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]*$")

FORGE_NOTE = (
    "a token command issues only valid, live tokens; a signed but malformed, expired or "
    "not-yet-valid one needs a signer (--jwt-key or --jwt-secret)"
)
"""Why a token command cannot make the kinds only a signer makes."""


@dataclass(frozen=True)
class IssuedToken:
    """A token and its ``exp`` as the server will read it (``None``: none, or not a JWT)."""

    text: str
    exp: float | None


def parse_claims(items: Sequence[str]) -> dict[str, Any]:
    """``--jwt-claim NAME=VALUE`` items as claims. VALUE is JSON when it parses as JSON
    (``n=5`` is the number 5, ``aud=["a","b"]`` a list, ``x="5"`` the string "5"), else
    the string as given (``aud=my-api``). :class:`UsageError` for a missing ``=``, an
    empty or reserved name (:data:`RESERVED_CLAIMS`), or a name given twice."""
    claims: dict[str, Any] = {}
    for item in items:
        name, sep, text = item.partition("=")
        name = name.strip()
        if not sep or not name:
            raise UsageError(f"--jwt-claim {clean(item)!r}: expected NAME=VALUE (e.g. aud=my-api)")
        if name in RESERVED_CLAIMS:
            raise UsageError(
                f"--jwt-claim {name}: the kit sets {', '.join(RESERVED_CLAIMS)} itself "
                "for each token"
            )
        if name in claims:
            raise UsageError(f"--jwt-claim {name} given twice")
        try:
            value: Any = json.loads(text)
        except ValueError:
            value = text
        if isinstance(value, float) and not math.isfinite(value):
            raise UsageError(f"--jwt-claim {name}: {clean(text)!r} is not a JSON value")
        claims[name] = value
    return claims


class TokenIssuer(ABC):
    """Makes the tokens of a run from :class:`TokenRecipe` s (see the module docstring)."""

    flag = ""
    """The flag that chose this mode, for messages (``--jwt-secret``, ...)."""

    def __init__(self, claims: Mapping[str, Any] | None = None) -> None:
        self.claims: dict[str, Any] = dict(claims or {})

    @abstractmethod
    def describe(self) -> str:
        """One line: how tokens are made (no secret)."""

    @abstractmethod
    def refusal_hint(self) -> str:
        """What to check when the server refuses a token the kit believes valid (preflight)."""

    @abstractmethod
    def unavailable(self, recipe: TokenRecipe) -> str | None:
        """Why this issuer cannot make ``recipe``'s token, or ``None`` (nothing is run)."""

    @abstractmethod
    async def _issue(self, recipe: TokenRecipe, now: float | None) -> IssuedToken: ...

    async def issue(self, recipe: TokenRecipe, *, now: float | None = None) -> IssuedToken:
        """The token of ``recipe``; :class:`TokenUnavailable` when this issuer cannot make it,
        :class:`TokenCommandError` when the token command fails."""
        why = self.unavailable(recipe)
        if why is not None:
            raise TokenUnavailable(f"{self.flag} cannot make {why}")
        return await self._issue(recipe, now)

    def public_key_kinds(self) -> tuple[str, ...]:
        """The AUTH-13 kinds this issuer makes (a key: those of its public key's forms)."""
        return ()

    def server_arguments(self, directory: Path) -> list[str]:
        """``onsembl serve`` arguments of a server that accepts this issuer's tokens (bundled
        mode; files go in ``directory``). :class:`UsageError` when there is none."""
        raise UsageError(f"{self.flag} needs a URL: the kit can only start a server for a key")

    def replay_arguments(self) -> tuple[list[str], list[str]]:
        """The flags that make ``onsembl replay`` mint tokens the same way, and notes about
        them (never a secret value)."""
        return [], []

    def _claim_arguments(self) -> list[str]:
        found: list[str] = []
        for name, value in self.claims.items():
            text = value if isinstance(value, str) else json.dumps(value)
            found += ["--jwt-claim", f"{name}={text}"]
        return found

    def _audience_arguments(self) -> list[str]:
        """``--jwt-audience`` / ``--jwt-issuer`` for the bundled server from the claims."""
        found: list[str] = []
        aud = self.claims.get("aud")
        if isinstance(aud, list) and aud and all(isinstance(a, str) for a in aud):
            aud = aud[0]
        if aud is not None:
            if not isinstance(aud, str):
                raise UsageError("--jwt-claim aud must be a string or a list of strings")
            found += ["--jwt-audience", aud]
        iss = self.claims.get("iss")
        if iss is not None:
            if not isinstance(iss, str):
                raise UsageError("--jwt-claim iss must be a string")
            found += ["--jwt-issuer", iss]
        return found


class _SignerIssuer(TokenIssuer):
    """An issuer holding what signs: an HS256 secret or a private key."""

    def __init__(self, signer: Signer, claims: Mapping[str, Any] | None) -> None:
        super().__init__(claims)
        self.signer = signer

    @abstractmethod
    async def wrong_signer(self) -> Signer:
        """The signer of bad signatures (AUTH-5): same algorithm, another secret or key."""

    def unavailable(self, recipe: TokenRecipe) -> str | None:
        if recipe.kind in PUBLIC_KEY_KINDS and recipe.kind not in self.public_key_kinds():
            return f"a {recipe.kind} token (an HMAC token keyed with the server's public key)"
        if recipe.kind.startswith(("aud-", "iss-")):
            name = recipe.kind.split("-")[0]
            if name not in self.claims and name not in recipe.extra:
                return f"a {recipe.kind} token without --jwt-claim {name}=..."
        return None

    async def _issue(self, recipe: TokenRecipe, now: float | None) -> IssuedToken:
        wrong = await self.wrong_signer() if recipe.kind == "bad-signature" else self.signer
        issued = time.time() if now is None else now
        text = recipe.sign(self.signer, wrong=wrong, claims=self.claims, now=issued)
        payload = recipe.claims(issued, self.claims)
        exp = numeric_date(payload.get("exp")) if payload is not None else None
        return IssuedToken(text, exp)

    def mint(self, recipe: TokenRecipe, *, now: float | None = None) -> str:
        """:meth:`issue` without an event loop (tests, ``onsembl token``-like uses)."""
        return asyncio.run(self.issue(recipe, now=now)).text


class SecretIssuer(_SignerIssuer):
    """HS256 tokens from the server's secret (``--jwt-secret``, ``$ONSEMBL_JWT_SECRET``)."""

    flag = "--jwt-secret"

    def __init__(self, secret: str, claims: Mapping[str, Any] | None = None) -> None:
        if not secret:
            raise UsageError("--jwt-secret must not be empty")
        super().__init__(hs256(secret), claims)
        self.secret = secret

    async def wrong_signer(self) -> Signer:
        return hs256(self.secret + "-not-the-secret")

    def describe(self) -> str:
        return "HS256 with the server's secret" + _claims_note(self.claims)

    def refusal_hint(self) -> str:
        extra = " (and --jwt-claim its aud/iss)" if self.claims else ""
        return f"is --jwt-secret the server's HS256 secret{extra}?"

    def server_arguments(self, directory: Path) -> list[str]:
        return [f"--jwt-secret={self.secret}", *self._audience_arguments()]

    def replay_arguments(self) -> tuple[list[str], list[str]]:
        return self._claim_arguments(), []


class KeyIssuer(_SignerIssuer):
    """Tokens signed with a private key (``--jwt-key FILE --jwt-alg ALG``)."""

    flag = "--jwt-key"

    def __init__(
        self, path: str | Path, algorithm: str, claims: Mapping[str, Any] | None = None
    ) -> None:
        self.path = Path(path)
        self.algorithm = algorithm
        self.key: PrivateKey = load_private_key(path, algorithm)
        super().__init__(Signer(algorithm, self.key), claims)
        self._wrong: Signer | None = None

    async def wrong_signer(self) -> Signer:
        if self._wrong is None:  # RSA key generation takes a while: off the event loop
            other = await asyncio.to_thread(_key_like, self.key)
            self._wrong = Signer(self.algorithm, other)
        return self._wrong

    def public_key_kinds(self) -> tuple[str, ...]:
        forms = self.signer.public_key_secrets()
        return tuple(
            kind
            for kind in PUBLIC_KEY_KINDS
            if not kind.startswith("public-key-hs256-") or kind.rsplit("-", 1)[-1] in forms
        )

    def describe(self) -> str:
        return (
            f"{self.algorithm} with {describe_key(self.key)} ({clean(self.path)})"
            + _claims_note(self.claims)
        )

    def refusal_hint(self) -> str:
        extra = " (and --jwt-claim the aud/iss it requires)" if not self.claims else ""
        return (
            f"does the server trust the public half of --jwt-key {clean(self.path)} for "
            f"--jwt-alg {self.algorithm}{extra}?"
        )

    def server_arguments(self, directory: Path) -> list[str]:
        public = directory / "jwt-public-key.pem"
        public.write_bytes(public_pem(self.key))
        return [
            "--jwt-public-key", str(public), "--jwt-alg", self.algorithm,
            *self._audience_arguments(),
        ]  # fmt: skip

    def replay_arguments(self) -> tuple[list[str], list[str]]:
        return [
            "--jwt-key", str(self.path), "--jwt-alg", self.algorithm, *self._claim_arguments()
        ], []  # fmt: skip


class CommandIssuer(TokenIssuer):
    """Tokens printed by ``--token-command`` (see the module docstring for its contract)."""

    flag = "--token-command"

    def __init__(self, command: str, *, timeout: float = COMMAND_TIMEOUT_S) -> None:
        super().__init__()
        try:
            self.argv = shlex.split(command)
        except ValueError as err:
            raise UsageError(f"--token-command: {err}") from None
        if not self.argv:
            raise UsageError("--token-command must not be empty")
        self.command = command
        self.timeout = timeout
        self._gates: dict[asyncio.AbstractEventLoop, asyncio.Semaphore] = {}
        """One semaphore per event loop (the preflight and the checks run in different ones)."""
        self.runs = 0
        """How many times the command ran (tests, the summary)."""

    def describe(self) -> str:
        return f"--token-command ({clean(Path(self.argv[0]).name)})"

    def refusal_hint(self) -> str:
        return "does --token-command issue tokens this server accepts (its audience, issuer, key)?"

    def replay_arguments(self) -> tuple[list[str], list[str]]:
        return ["--token-command", "CMD"], ["CMD: the run's --token-command"]

    def unavailable(self, recipe: TokenRecipe) -> str | None:
        if recipe.kind == "not-a-jwt":
            return None
        if recipe.kind in PUBLIC_KEY_KINDS:
            return (
                f"a token of kind {recipe.kind}: an HMAC token keyed with the server's public "
                "key needs --jwt-key, whose public half the kit derives"
            )
        if recipe.kind not in ("valid", "bad-signature", "alg-none"):
            return f"a token of kind {recipe.kind}: {FORGE_NOTE}"
        if recipe.extra:
            return f"a token with claims of the kit's choice: {FORGE_NOTE}"
        if recipe.ttl <= 0:
            return f"an expired token: {FORGE_NOTE}"
        return None

    async def _issue(self, recipe: TokenRecipe, now: float | None) -> IssuedToken:
        if recipe.kind == "not-a-jwt":
            return IssuedToken("not-a-jwt", None)
        issued = await self.run(recipe.sub, recipe.ttl)
        if recipe.kind == "bad-signature":
            return IssuedToken(_altered_signature(issued.text), issued.exp)
        if recipe.kind == "alg-none":
            return IssuedToken(_unsigned_copy(issued.text), issued.exp)
        return issued

    async def run(self, sub: str, ttl: float) -> IssuedToken:
        """Run the command for ``sub`` and ``ttl`` and check what it printed: one JWT for
        ``sub`` expiring within :data:`EXP_TOLERANCE_S` of ``ttl`` from now."""
        loop = asyncio.get_running_loop()
        gate = self._gates.get(loop)
        if gate is None:
            self._gates = {loop: asyncio.Semaphore(COMMAND_CONCURRENCY)}  # older loops are gone
            gate = self._gates[loop]
        async with gate:
            began = time.time()
            output = await self._execute(sub, ttl, began + ttl)
            ended = time.time()
        self.runs += 1
        token = _one_token(output)
        header, claims = _decode(token)
        if str(header.get("alg", "")).lower() == "none":
            raise TokenCommandError("--token-command printed an unsigned token (alg none)")
        got = claims.get("sub")
        if got != sub:
            shown = clean(got)[:60] if isinstance(got, str) else type(got).__name__
            raise TokenUnavailable(
                f"--token-command cannot make a token for subject {sub!r}: it issued one "
                f"for {shown!r} (the suite needs tokens for the subjects it names)"
            )
        exp = numeric_date(claims.get("exp"))
        if exp is None:
            raise TokenUnavailable(
                "--token-command cannot make a token the kit can time: it issued one without "
                "a numeric exp"
            )
        if not began + ttl - EXP_TOLERANCE_S <= exp <= ended + ttl + EXP_TOLERANCE_S:
            raise TokenUnavailable(
                f"--token-command cannot make a token living {ttl:g}s: it issued one "
                f"living {exp - ended:.1f}s (the suite allows {EXP_TOLERANCE_S:g}s either way)"
            )
        return IssuedToken(token, exp)

    async def _execute(self, sub: str, ttl: float, exp: float) -> bytes:
        env = {
            **os.environ,
            "ONSEMBL_TOKEN_SUB": sub,
            "ONSEMBL_TOKEN_TTL": _number(ttl),
            "ONSEMBL_TOKEN_EXP": _number(exp),
        }
        try:
            process = await asyncio.create_subprocess_exec(
                *self.argv,
                stdin=asyncio.subprocess.DEVNULL,
                stdout=asyncio.subprocess.PIPE,
                stderr=asyncio.subprocess.PIPE,
                env=env,
                start_new_session=True,
            )
        except OSError as err:
            raise TokenCommandError(
                f"--token-command cannot run {clean(self.argv[0])!r}: {err.strerror or err}"
            ) from None
        assert process.stdout is not None and process.stderr is not None
        errors = asyncio.ensure_future(_read_bounded(process.stderr, MAX_STDERR_BYTES, drain=True))
        loop = asyncio.get_running_loop()
        deadline = loop.time() + self.timeout
        try:
            stdout, too_much = await asyncio.wait_for(
                _read_bounded(process.stdout, MAX_OUTPUT_BYTES), self.timeout
            )
            if too_much:
                raise TokenCommandError(
                    f"--token-command printed more than {MAX_OUTPUT_BYTES} bytes: "
                    "it must print one token"
                )
            status = await asyncio.wait_for(process.wait(), max(0.0, deadline - loop.time()))
            stderr, _ = await asyncio.wait_for(errors, max(0.1, deadline - loop.time()))
        except TimeoutError:
            raise TokenCommandError(
                f"--token-command did not finish within {self.timeout:g}s"
            ) from None
        finally:
            if process.returncode is None:
                _kill(process)
                with suppress(TimeoutError):
                    await asyncio.wait_for(process.wait(), 5.0)
            # What is left in the pipe is read and dropped, so the transport closes now,
            # within this event loop, not when it is collected after the loop ends.
            with suppress(TimeoutError, Exception):
                await asyncio.wait_for(_read_bounded(process.stdout, 0, drain=True), 1.0)
            if not errors.done():
                errors.cancel()
                with suppress(asyncio.CancelledError, Exception):
                    await errors
        if status != 0:
            lines = stderr.decode("utf-8", "replace").strip().splitlines()
            said = f": {clean(lines[-1])[:200]}" if lines else ""
            raise TokenCommandError(f"--token-command exited with status {status}{said}")
        return stdout


def _claims_note(claims: Mapping[str, Any]) -> str:
    return f" and the claims {', '.join(sorted(claims))}" if claims else ""


def _number(value: float) -> str:
    """A number for an environment variable: ``3600``, ``3.5``, ``1700000000.25``."""
    return f"{value:.3f}".rstrip("0").rstrip(".") if value != int(value) else str(int(value))


def _key_like(key: PrivateKey) -> PrivateKey:
    """A fresh private key of the same type and size as ``key`` (AUTH-5's other key)."""
    from cryptography.hazmat.primitives.asymmetric import ec, ed448, ed25519, rsa

    if isinstance(key, rsa.RSAPrivateKey):
        return rsa.generate_private_key(public_exponent=65537, key_size=key.key_size)
    if isinstance(key, ec.EllipticCurvePrivateKey):
        return ec.generate_private_key(key.curve)
    if isinstance(key, ed25519.Ed25519PrivateKey):
        return ed25519.Ed25519PrivateKey.generate()
    return ed448.Ed448PrivateKey.generate()


async def _read_bounded(
    stream: asyncio.StreamReader, limit: int, *, drain: bool = False
) -> tuple[bytes, bool]:
    """Up to ``limit`` bytes of ``stream`` until EOF, and whether there was more. With
    ``drain`` the rest is read and dropped (a chatty stderr must not block the command)."""
    kept = bytearray()
    more = False
    while chunk := await stream.read(65536):
        room = limit - len(kept)
        kept += chunk[:room]
        if len(chunk) > room:
            more = True
            if not drain:
                break
    return bytes(kept), more


def _kill(process: asyncio.subprocess.Process) -> None:
    """End the command and what it started (its own session), if still running."""
    if process.returncode is None:
        with suppress(ProcessLookupError, PermissionError):
            os.killpg(process.pid, signal.SIGKILL)


def _one_token(output: bytes) -> str:
    """The one JWT a token command printed, or :class:`TokenCommandError` (never showing it)."""
    try:
        text = output.decode("utf-8").strip()
    except UnicodeDecodeError:
        raise TokenCommandError("--token-command printed bytes that are not UTF-8") from None
    if not text:
        raise TokenCommandError("--token-command printed nothing: it must print one token")
    lines = text.splitlines()
    if len(lines) > 1:
        raise TokenCommandError(
            f"--token-command printed {len(lines)} lines: it must print one token"
        )
    if not _COMPACT_JWS.match(text):
        raise TokenCommandError(
            f"--token-command printed {len(text)} characters that are not a JWT "
            "(three base64url parts separated by dots)"
        )
    return text


def _b64decode(part: str) -> bytes:
    return base64.urlsafe_b64decode(part + "=" * (-len(part) % 4))


def _decode(token: str) -> tuple[dict[str, Any], dict[str, Any]]:
    """The header and claims of ``token``, unverified; :class:`TokenCommandError` when they
    are not JSON objects."""
    head, body, _ = token.split(".")
    try:
        header, claims = json.loads(_b64decode(head)), json.loads(_b64decode(body))
    except (ValueError, binascii.Error):
        raise TokenCommandError(
            "--token-command printed a token whose header or claims are not JSON"
        ) from None
    if not isinstance(header, dict) or not isinstance(claims, dict):
        raise TokenCommandError(
            "--token-command printed a token whose header or claims are not JSON objects"
        )
    return header, claims


def _b64(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode("ascii")


def _altered_signature(token: str) -> str:
    """``token`` with the first byte of its signature inverted (AUTH-5 without a key)."""
    head, body, signature = token.split(".")
    raw = _b64decode(signature)
    if not raw:
        raise TokenUnavailable(
            "--token-command cannot make a token with a bad signature: its tokens have no "
            "signature to alter"
        )
    return f"{head}.{body}.{_b64(bytes([raw[0] ^ 0xFF]) + raw[1:])}"


def _unsigned_copy(token: str) -> str:
    """``token``'s claims under a header naming the ``none`` algorithm, unsigned (AUTH-7)."""
    head, body, _ = token.split(".")
    header = json.loads(_b64decode(head))
    header["alg"] = "none"
    return f"{_b64(json.dumps(header, separators=(',', ':')).encode())}.{body}."
