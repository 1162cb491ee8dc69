"""HS256 tokens (AUTH-2, AUTH-4..AUTH-8): what verify() accepts and refuses, with real JWTs."""

from __future__ import annotations

import time

import jwt
import pytest

from onsembl_spec.tokens import TokenError, mint, verify

SECRET = "test-secret-long-enough-for-hs512-" + "0123456789abcdef" * 2


def test_a_minted_token_verifies_with_its_owner_and_expiry() -> None:
    now = time.time()
    claims = verify(mint(SECRET, "alice", ttl=120, now=now), SECRET, now=now)
    assert claims.sub == "alice"
    assert claims.exp == pytest.approx(now + 120)


def test_fractional_lifetimes_are_kept() -> None:
    now = 1_000_000.0
    token = mint(SECRET, "alice", ttl=0.25, now=now)
    assert verify(token, SECRET, now=now + 0.2).exp == pytest.approx(now + 0.25)
    with pytest.raises(TokenError, match="expired"):
        verify(token, SECRET, now=now + 0.3)


def test_an_issue_time_in_the_future_is_not_a_reason_to_refuse() -> None:
    token = mint(SECRET, "alice", extra={"iat": int(time.time()) + 3600})
    assert verify(token, SECRET).sub == "alice"


@pytest.mark.parametrize(
    ("token", "reason"),
    [
        (lambda: mint("another-secret-of-a-decent-length-000", "alice"), "bad signature"),
        (lambda: "not-a-jwt", "malformed"),
        (lambda: mint(SECRET, "alice", ttl=-1), "expired"),
        (lambda: jwt.encode({"sub": "alice"}, SECRET, algorithm="HS256"), "invalid token"),
        (lambda: jwt.encode({"exp": time.time() + 60}, SECRET, algorithm="HS256"),
         "invalid token"),
        (lambda: jwt.encode({"sub": 7, "exp": time.time() + 60}, SECRET, algorithm="HS256"),
         "invalid token"),
        (lambda: jwt.encode({"sub": "a", "exp": time.time() + 60}, None, algorithm="none"),
         "unsigned"),
        (lambda: mint(SECRET, "alice", extra={"nbf": time.time() + 100}), "nbf"),
        (lambda: mint(SECRET, "alice", algorithm="HS512"), "invalid token"),
    ],
    ids=["wrong-secret", "not-jwt", "expired", "no-exp", "no-sub", "int-sub", "alg-none",
         "nbf-future", "hs512"],
)
def test_refused_tokens_say_why_without_the_token(token: object, reason: str) -> None:
    text = token()  # type: ignore[operator]
    with pytest.raises(TokenError, match=reason) as info:
        verify(text, SECRET)
    assert text not in str(info.value)


# ------------------------------------------------ NumericDates, keys, verifiers


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        (1_700_000_000, 1_700_000_000.0),
        (1.5, 1.5),
        (10**300, 1e300),
        (float("nan"), None),
        (float("inf"), None),
        (float("-inf"), None),
        (10**400, None),
        ("1700000000", None),
        (True, None),
        (None, None),
    ],
)
def test_numeric_date(value: object, expected: float | None) -> None:
    """AUTH-12: a finite number within a double's range, nothing else."""
    from onsembl_spec.tokens import numeric_date

    assert numeric_date(value) == expected


def _write_key(tmp_path, key, name: str = "key.pem", public: bool = False):  # type: ignore[no-untyped-def]
    from cryptography.hazmat.primitives import serialization

    path = tmp_path / name
    if public:
        path.write_bytes(
            key.public_key().public_bytes(
                serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo
            )
        )
    else:
        path.write_bytes(
            key.private_bytes(
                serialization.Encoding.PEM,
                serialization.PrivateFormat.PKCS8,
                serialization.NoEncryption(),
            )
        )
    return path


def test_key_files_are_checked_in_one_line(tmp_path) -> None:  # type: ignore[no-untyped-def]
    """Unreadable, empty, public-for-private and private-for-public, wrong type or curve,
    encrypted, unknown algorithm: each a one-line UsageError naming the flag and file."""
    from cryptography.hazmat.primitives import serialization
    from cryptography.hazmat.primitives.asymmetric import ec, ed25519

    from onsembl_spec.errors import UsageError
    from onsembl_spec.tokens import load_private_key, load_public_key

    ec_key = ec.generate_private_key(ec.SECP256R1())
    private = _write_key(tmp_path, ec_key)
    public = _write_key(tmp_path, ec_key, "pub.pem", public=True)
    empty = tmp_path / "empty.pem"
    empty.write_text("")
    encrypted = tmp_path / "enc.pem"
    encrypted.write_bytes(
        ed25519.Ed25519PrivateKey.generate().private_bytes(
            serialization.Encoding.PEM,
            serialization.PrivateFormat.PKCS8,
            serialization.BestAvailableEncryption(b"pw"),
        )
    )
    cases = [
        (lambda: load_private_key(tmp_path / "missing.pem", "ES256"), "cannot read"),
        (lambda: load_private_key(empty, "ES256"), "is empty"),
        (lambda: load_private_key(public, "ES256"), "holds a public key"),
        (lambda: load_private_key(encrypted, "EdDSA"), "is encrypted"),
        (lambda: load_private_key(private, "ES384"), "EC P-256 key; --jwt-alg ES384 needs"),
        (lambda: load_private_key(private, "RS256"), "needs an RSA key"),
        (lambda: load_private_key(private, "HS256"), "unknown --jwt-alg"),
        (lambda: load_public_key(private, "ES256"), "holds a private key"),
        (lambda: load_public_key(public, "EdDSA"), "needs an Ed25519 or Ed448 key"),
        (lambda: load_public_key(empty.parent / "x", "ES256"), "cannot read"),
    ]
    for call, fragment in cases:
        with pytest.raises(UsageError, match=fragment) as info:
            call()
        assert "\n" not in str(info.value)
    assert load_private_key(private, "ES256").curve.name == "secp256r1"  # type: ignore[union-attr]
    assert load_public_key(public, "ES256").curve.name == "secp256r1"  # type: ignore[union-attr]


def test_a_certificate_is_a_public_key(tmp_path) -> None:  # type: ignore[no-untyped-def]
    """``--jwt-public-key`` takes an X.509 certificate, as identity providers publish them."""
    import trustme
    from cryptography.hazmat.primitives.serialization import load_pem_private_key

    from onsembl_spec.tokens import Verifier

    cert = trustme.CA(key_type=trustme.KeyType.RSA).issue_cert(
        "idp.example", key_type=trustme.KeyType.RSA
    )
    path = tmp_path / "cert.pem"
    path.write_bytes(cert.cert_chain_pems[0].bytes())
    private = load_pem_private_key(cert.private_key_pem.bytes(), password=None)
    verifier = Verifier.for_public_key_file(path, "RS256")
    token = jwt.encode({"sub": "alice", "exp": time.time() + 60}, private, algorithm="RS256")  # type: ignore[arg-type]
    assert verify(token, verifier).sub == "alice"


def test_hs256_path_unchanged_with_a_verifier() -> None:
    """A secret and ``Verifier.for_secret`` judge alike (the HS256 path keeps its behaviour)."""
    from onsembl_spec.tokens import Verifier

    token = mint(SECRET, "alice", ttl=60)
    assert verify(token, SECRET) == verify(token, Verifier.for_secret(SECRET))
    with pytest.raises(TokenError, match="bad signature"):
        verify(mint(SECRET + "x", "alice"), Verifier.for_secret(SECRET))
