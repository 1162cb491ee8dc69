"""``onsembl_conformance.cli._token_options``: the token flags shared by ``check`` and ``replay``
(issue 10, part 2): which issuer they make, and the replay hint's token part."""

from __future__ import annotations

import argparse
from pathlib import Path

import pytest

from onsembl_conformance.cli._token_options import (
    add_token_arguments,
    token_issuer,
    token_replay_arguments,
)
from onsembl_conformance.credentials import CommandIssuer, KeyIssuer, SecretIssuer
from onsembl_spec.errors import UsageError

URL = "ws://127.0.0.1:3001/ws"


def parse(*argv: str) -> argparse.Namespace:
    parser = argparse.ArgumentParser()
    add_token_arguments(parser)
    return parser.parse_args(list(argv))


@pytest.fixture
def ec_key(tmp_path: Path) -> Path:
    from cryptography.hazmat.primitives import serialization
    from cryptography.hazmat.primitives.asymmetric import ec

    path = tmp_path / "ec.pem"
    path.write_bytes(
        ec.generate_private_key(ec.SECP256R1()).private_bytes(
            serialization.Encoding.PEM,
            serialization.PrivateFormat.PKCS8,
            serialization.NoEncryption(),
        )
    )
    return path


def test_the_secret_comes_from_the_environment_only_with_a_url(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("ONSEMBL_JWT_SECRET", "from-the-environment")
    issuer = token_issuer(parse(), url=URL)
    assert isinstance(issuer, SecretIssuer) and issuer.secret == "from-the-environment"
    assert token_issuer(parse(), url=None) is None  # bundled: a secret of its own
    flag = token_issuer(parse("--jwt-secret", "given"), url=URL)
    assert isinstance(flag, SecretIssuer) and flag.secret == "given"


def test_claims_go_on_every_kind_of_signer(ec_key: Path) -> None:
    key = token_issuer(
        parse("--jwt-key", str(ec_key), "--jwt-alg", "ES256", "--jwt-claim", "aud=api"), url=URL
    )
    assert isinstance(key, KeyIssuer) and key.claims == {"aud": "api"}
    bundled = token_issuer(parse("--jwt-claim", 'aud=["a","b"]'), url=None)
    assert isinstance(bundled, SecretIssuer) and bundled.claims == {"aud": ["a", "b"]}


def test_a_token_command_is_url_mode_only_and_takes_no_claims() -> None:
    assert isinstance(token_issuer(parse("--token-command", "idp --now"), url=URL), CommandIssuer)
    with pytest.raises(UsageError, match="needs a URL"):
        token_issuer(parse("--token-command", "idp"), url=None)
    with pytest.raises(UsageError, match="issues its own claims"):
        token_issuer(parse("--token-command", "idp", "--jwt-claim", "aud=a"), url=URL)


def test_the_replay_hint_never_holds_a_secret(ec_key: Path) -> None:
    args, notes = token_replay_arguments(parse("--jwt-secret", "s3cr3t", "--jwt-claim", "iss=i"))
    assert args == ["--jwt-claim", "iss=i"] and notes == ["the secret from $ONSEMBL_JWT_SECRET"]
    assert "s3cr3t" not in " ".join(args + notes)
    args, notes = token_replay_arguments(parse("--jwt-key", str(ec_key), "--jwt-alg", "ES256"))
    assert args == ["--jwt-key", str(ec_key), "--jwt-alg", "ES256"] and notes == []
    args, notes = token_replay_arguments(parse("--token-command", "idp --client-secret xyz"))
    assert args == ["--token-command", "CMD"] and "xyz" not in " ".join(args + notes)
