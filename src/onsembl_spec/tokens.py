"""JWTs: minting (``onsembl token``, the conformance suite) and verifying (servers).

Requirements AUTH-2, AUTH-4..AUTH-8, AUTH-12..AUTH-14 and REFRESH-3 decide what is
accepted. A server verifies with one :class:`Verifier`: an HS256 secret (AUTH-2) or a
public key and the one asymmetric algorithm it is used with (``--jwt-public-key``,
``--jwt-alg``; R3 lets a server accept other algorithms), optionally with the audience
and issuer it requires (AUTH-14).
"""

from __future__ import annotations

import math
import time
import warnings
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import jwt
from cryptography import x509
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import ec, ed448, ed25519, rsa
from jwt.types import Options
from jwt.warnings import InsecureKeyLengthWarning

from onsembl_spec.errors import OnsemblError, UsageError

ALGORITHM = "HS256"

KEY_ALGORITHMS = (
    "RS256", "RS384", "RS512", "PS256", "PS384", "PS512", "ES256", "ES384", "ES512", "EdDSA",
)  # fmt: skip
"""The asymmetric algorithms a key may sign or verify with (``--jwt-alg``)."""

_CURVES = {"ES256": "secp256r1", "ES384": "secp384r1", "ES512": "secp521r1"}
_CURVE_NAMES = {"secp256r1": "P-256", "secp384r1": "P-384", "secp521r1": "P-521"}

PrivateKey = (
    rsa.RSAPrivateKey | ec.EllipticCurvePrivateKey | ed25519.Ed25519PrivateKey
    | ed448.Ed448PrivateKey
)  # fmt: skip
PublicKey = (
    rsa.RSAPublicKey | ec.EllipticCurvePublicKey | ed25519.Ed25519PublicKey
    | ed448.Ed448PublicKey
)  # fmt: skip

# Short secrets are the operator's choice (tests use them); the server says so
# once at start-up instead of PyJWT warning on every token.
warnings.filterwarnings("ignore", category=InsecureKeyLengthWarning)


class TokenError(OnsemblError):
    """A token was refused; ``str(err)`` says why, without the token."""


@dataclass(frozen=True)
class Claims:
    """The claims of an accepted token that the protocol uses."""

    sub: str
    exp: float


def mint(
    secret: str,
    sub: str,
    *,
    ttl: float = 3600.0,
    now: float | None = None,
    extra: dict[str, Any] | None = None,
    algorithm: str = ALGORITHM,
) -> str:
    """An HS256 JWT for ``sub`` expiring ``ttl`` seconds from ``now``.

    ``exp`` is a number of seconds; a fractional ``ttl`` gives a fractional
    ``exp``, which RFC 7519 allows (NumericDate) and which lets tests use
    sub-second lifetimes.
    """
    issued = time.time() if now is None else now
    claims: dict[str, Any] = {"sub": sub, "iat": int(issued), "exp": issued + ttl}
    if extra:
        claims.update(extra)
    return jwt.encode(claims, secret, algorithm=algorithm)


# ----------------------------------------------------------------------- keys


def check_algorithm(algorithm: str) -> str:
    """``algorithm`` when it is one of :data:`KEY_ALGORITHMS`, else :class:`UsageError`."""
    if algorithm not in KEY_ALGORITHMS:
        raise UsageError(
            f"unknown --jwt-alg {algorithm!r}: one of {', '.join(KEY_ALGORITHMS)}"
            " (HS256 is --jwt-secret)"
        )
    return algorithm


def describe_key(key: PrivateKey | PublicKey) -> str:
    """What kind of key this is, e.g. ``an RSA 2048 key``, ``an EC P-256 key``."""
    if isinstance(key, (rsa.RSAPrivateKey, rsa.RSAPublicKey)):
        return f"an RSA {key.key_size} key"
    if isinstance(key, (ec.EllipticCurvePrivateKey, ec.EllipticCurvePublicKey)):
        return f"an EC {_CURVE_NAMES.get(key.curve.name, key.curve.name)} key"
    if isinstance(key, (ed25519.Ed25519PrivateKey, ed25519.Ed25519PublicKey)):
        return "an Ed25519 key"
    return "an Ed448 key"


def _needed(algorithm: str) -> str:
    if algorithm.startswith(("RS", "PS")):
        return "an RSA key"
    if algorithm in _CURVES:
        return f"an EC {_CURVE_NAMES[_CURVES[algorithm]]} key"
    return "an Ed25519 or Ed448 key"


def key_fits(key: PrivateKey | PublicKey, algorithm: str) -> bool:
    """Whether ``key`` is of the type ``algorithm`` signs with (the curve too for ES*)."""
    if algorithm.startswith(("RS", "PS")):
        return isinstance(key, (rsa.RSAPrivateKey, rsa.RSAPublicKey))
    if algorithm in _CURVES:
        return (
            isinstance(key, (ec.EllipticCurvePrivateKey, ec.EllipticCurvePublicKey))
            and key.curve.name == _CURVES[algorithm]
        )
    return isinstance(
        key,
        (
            ed25519.Ed25519PrivateKey, ed25519.Ed25519PublicKey,
            ed448.Ed448PrivateKey, ed448.Ed448PublicKey,
        ),
    )  # fmt: skip


def _read(path: str | Path, flag: str) -> bytes:
    try:
        data = Path(path).read_bytes()
    except OSError as err:
        raise UsageError(f"cannot read {flag} {path}: {err.strerror or err}") from None
    if not data.strip():
        raise UsageError(f"{flag} {path} is empty")
    return data


def _fit(key: PrivateKey | PublicKey, algorithm: str, flag: str, path: str | Path) -> None:
    if not key_fits(key, algorithm):
        raise UsageError(
            f"{flag} {path} holds {describe_key(key)}; --jwt-alg {algorithm} needs "
            f"{_needed(algorithm)}"
        )


def load_private_key(path: str | Path, algorithm: str, *, flag: str = "--jwt-key") -> PrivateKey:
    """The PEM private key in ``path`` for signing with ``algorithm``.

    :class:`UsageError` (one line) when the file is unreadable, not a PEM private key
    (a public key or certificate instead, an encrypted key), or a key of another type
    than ``algorithm`` needs.
    """
    check_algorithm(algorithm)
    data = _read(path, flag)
    if b"PUBLIC KEY-----" in data or b"BEGIN CERTIFICATE" in data:
        raise UsageError(
            f"{flag} {path} holds a public key or certificate: the kit signs with the "
            "private key (the server gets the public half)"
        )
    try:
        key = serialization.load_pem_private_key(data, password=None)
    except TypeError:
        raise UsageError(f"{flag} {path} is encrypted: give an unencrypted PEM key") from None
    except Exception:  # cryptography's messages name its internals
        raise UsageError(f"{flag} {path} is not a PEM private key") from None
    if not isinstance(
        key,
        (
            rsa.RSAPrivateKey, ec.EllipticCurvePrivateKey,
            ed25519.Ed25519PrivateKey, ed448.Ed448PrivateKey,
        ),
    ):  # fmt: skip
        raise UsageError(f"{flag} {path} holds a key type JWTs do not sign with")
    _fit(key, algorithm, flag, path)
    return key


def load_public_key(
    path: str | Path, algorithm: str, *, flag: str = "--jwt-public-key"
) -> PublicKey:
    """The public key in ``path`` (PEM ``PUBLIC KEY``, ``RSA PUBLIC KEY`` or an X.509
    ``CERTIFICATE``) for verifying ``algorithm``; :class:`UsageError` (one line) when the
    file is unreadable, holds a private key, or a key of another type."""
    check_algorithm(algorithm)
    data = _read(path, flag)
    if b"PRIVATE KEY-----" in data:
        raise UsageError(
            f"{flag} {path} holds a private key: give the server only the public half "
            "(openssl pkey -in KEY -pubout)"
        )
    key: object
    try:
        if b"BEGIN CERTIFICATE" in data:
            key = x509.load_pem_x509_certificate(data).public_key()
        else:
            key = serialization.load_pem_public_key(data)
    except Exception:  # any parse failure is the same one line
        raise UsageError(f"{flag} {path} is not a PEM public key or certificate") from None
    if not isinstance(
        key,
        (
            rsa.RSAPublicKey, ec.EllipticCurvePublicKey,
            ed25519.Ed25519PublicKey, ed448.Ed448PublicKey,
        ),
    ):  # fmt: skip
        raise UsageError(f"{flag} {path} holds a key type JWTs are not signed with")
    _fit(key, algorithm, flag, path)
    return key


def public_pem(key: PrivateKey | PublicKey) -> bytes:
    """The public key (of a private one) as PEM ``SubjectPublicKeyInfo``."""
    public: PublicKey
    if isinstance(
        key,
        (
            rsa.RSAPrivateKey, ec.EllipticCurvePrivateKey,
            ed25519.Ed25519PrivateKey, ed448.Ed448PrivateKey,
        ),
    ):  # fmt: skip
        public = key.public_key()
    else:
        public = key
    return public.public_bytes(
        serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo
    )


# -------------------------------------------------------------------- verifying


@dataclass(frozen=True)
class Verifier:
    """How a server verifies tokens: one algorithm and its key (AUTH-2, AUTH-13), and the
    audience and issuer it requires, if any (AUTH-14).

    ``key`` is the HS256 secret for ``algorithm`` ``HS256``, else a public key of the type
    ``algorithm`` needs (:func:`key_fits`).
    """

    algorithm: str
    key: str | PublicKey
    audience: str | None = None
    issuer: str | None = None

    def __post_init__(self) -> None:
        if self.algorithm == ALGORITHM:
            if not isinstance(self.key, str) or not self.key:
                raise UsageError("HS256 needs a non-empty secret")
        else:
            check_algorithm(self.algorithm)
            if isinstance(self.key, str) or not key_fits(self.key, self.algorithm):
                raise UsageError(f"--jwt-alg {self.algorithm} needs {_needed(self.algorithm)}")

    @classmethod
    def for_secret(
        cls, secret: str, *, audience: str | None = None, issuer: str | None = None
    ) -> Verifier:
        return cls(ALGORITHM, secret, audience, issuer)

    @classmethod
    def for_public_key_file(
        cls,
        path: str | Path,
        algorithm: str,
        *,
        audience: str | None = None,
        issuer: str | None = None,
    ) -> Verifier:
        return cls(algorithm, load_public_key(path, algorithm), audience, issuer)

    def describe(self) -> str:
        """One line for a start-up message: algorithm, key kind, audience and issuer."""
        what = (
            "HS256 secret"
            if isinstance(self.key, str)
            else f"{self.algorithm} with {describe_key(self.key)}"
        )
        if self.audience is not None:
            what += f", audience {self.audience!r}"
        if self.issuer is not None:
            what += f", issuer {self.issuer!r}"
        return what


def as_verifier(key: str | Verifier) -> Verifier:
    """A :class:`Verifier`; a plain string is an HS256 secret."""
    return key if isinstance(key, Verifier) else Verifier(ALGORITHM, key)


def numeric_date(value: object) -> float | None:
    """``value`` as seconds when it is a NumericDate the protocol accepts (AUTH-12): a JSON
    number, finite, within the range of an IEEE 754 double; else ``None`` (``NaN``,
    ``Infinity``, ``1e400``, ``10**400``, a string, a boolean)."""
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        return None
    try:
        number = float(value)
    except OverflowError:
        return None
    return number if math.isfinite(number) else None


def _known_algorithm(header: dict[str, Any]) -> str:
    alg = header.get("alg")
    return repr(alg) if alg in (*KEY_ALGORITHMS, "HS256", "HS384", "HS512") else "another"


def verify(token: str, key: str | Verifier, *, now: float | None = None) -> Claims:
    """Check a token (AUTH-2, AUTH-4..AUTH-8, AUTH-12..AUTH-14); raise :class:`TokenError`
    when refused.

    ``key`` is the server's :class:`Verifier`, or its HS256 secret. Only the verifier's
    algorithm is accepted, with its key (AUTH-13: an HMAC token "signed" with a public
    key is refused because HMAC is not the algorithm). ``exp`` and, when present,
    ``nbf`` must be NumericDates (AUTH-12).
    """
    verifier = as_verifier(key)
    try:
        header = jwt.get_unverified_header(token)
    except jwt.InvalidTokenError:
        raise TokenError("malformed token") from None
    if str(header.get("alg", "")).lower() == "none":
        raise TokenError("unsigned token")
    # exp and nbf are checked below against the caller's clock; iat is
    # informative (AUTH-2 does not let a client whose clock runs ahead be refused).
    options: Options = {
        "require": ["sub", "exp"],
        "verify_exp": False,
        "verify_nbf": False,
        "verify_iat": False,
    }
    try:
        claims = jwt.decode(
            token,
            verifier.key,
            algorithms=[verifier.algorithm],
            options=options,
            audience=verifier.audience,
            issuer=verifier.issuer,
        )
    except jwt.InvalidSignatureError:
        raise TokenError("bad signature") from None
    except jwt.InvalidAlgorithmError:
        raise TokenError(
            f"invalid token: algorithm {_known_algorithm(header)} is not the server's "
            f"({verifier.algorithm})"
        ) from None
    except jwt.InvalidAudienceError:
        raise TokenError("invalid token: wrong audience (aud)") from None
    except jwt.InvalidIssuerError:
        raise TokenError("invalid token: wrong issuer (iss)") from None
    except jwt.MissingRequiredClaimError as err:
        if err.claim in ("aud", "iss"):
            name = "audience" if err.claim == "aud" else "issuer"
            raise TokenError(f"invalid token: no {name} ({err.claim})") from None
        raise TokenError(f"invalid token: {type(err).__name__}") from None
    except jwt.InvalidTokenError as err:
        raise TokenError(f"invalid token: {type(err).__name__}") from None
    sub, exp = claims.get("sub"), claims.get("exp")
    if not isinstance(sub, str) or not sub:
        raise TokenError("token has no string sub")
    if isinstance(exp, bool) or not isinstance(exp, (int, float)):
        raise TokenError("token has no numeric exp")
    expires = numeric_date(exp)
    if expires is None:
        raise TokenError("token exp is not a finite NumericDate")
    current = time.time() if now is None else now
    if expires <= current:
        raise TokenError("token expired")
    if "nbf" in claims:
        not_before = numeric_date(claims["nbf"])
        if not_before is None:
            raise TokenError("token nbf is not a finite NumericDate")
        if not_before > current:
            raise TokenError("token not yet valid (nbf)")
    return Claims(sub=sub, exp=expires)
