"""The reference server's TLS context: ``onsembl serve --tls-cert FILE --tls-key FILE`` serves
``wss://`` (TRANS-1 over TLS; issue 10).

Every mistake in the files is one :class:`ServerConfigError` line (exit 2),
never an OpenSSL traceback or a password prompt: a file missing or
unreadable, a file holding no PEM certificate or key, a key that does not
match the certificate, a key protected by a passphrase.
"""

from __future__ import annotations

import ssl
from pathlib import Path

from onsembl_spec.errors import ServerConfigError


class _Encrypted(Exception):
    """The private key wants a passphrase (raised by the password callback)."""


def _passphrase() -> str:
    raise _Encrypted


def _read(flag: str, path: Path) -> str:
    try:
        return path.read_text(encoding="ascii", errors="replace")
    except FileNotFoundError:
        raise ServerConfigError(f"{flag} {path}: no such file") from None
    except OSError as err:
        raise ServerConfigError(f"{flag} {path}: cannot read it ({err.strerror or err})") from None


def server_context(cert: Path, key: Path) -> ssl.SSLContext:
    """A TLS server context (TLS 1.2 or later) holding ``cert`` (PEM, the chain after the leaf)
    and its private ``key`` (PEM, unencrypted); :class:`ServerConfigError` otherwise."""
    if "-----BEGIN CERTIFICATE-----" not in _read("--tls-cert", cert):
        raise ServerConfigError(f"--tls-cert {cert}: no PEM certificate in it")
    key_text = _read("--tls-key", key)
    if "PRIVATE KEY-----" not in key_text:
        raise ServerConfigError(f"--tls-key {key}: no PEM private key in it")
    context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    context.minimum_version = ssl.TLSVersion.TLSv1_2
    try:
        context.load_cert_chain(str(cert), str(key), password=_passphrase)
    except _Encrypted:
        raise ServerConfigError(
            f"--tls-key {key}: the key is encrypted; give an unencrypted key"
        ) from None
    except ssl.SSLError as err:
        reason = str(err.reason or err)
        if "MISMATCH" in reason.upper():
            raise ServerConfigError(
                f"--tls-key {key} does not match the certificate in --tls-cert {cert}"
            ) from None
        raise ServerConfigError(
            f"cannot load --tls-cert {cert} / --tls-key {key}: {reason}"
        ) from None
    return context
