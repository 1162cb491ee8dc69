"""Text from a server under test made safe for every output (issue 9, part 3).

A server may be hostile: its frames can carry terminal escape sequences (a
fake "CONFORMANT (exit 0)" line), characters XML 1.0 forbids (an unparseable
JUnit file), or tokens. Every reporter and the transcript writer pass such
text through :func:`clean` (one line) or :func:`clean_block` (newlines kept).

* :func:`redact` replaces anything shaped like a JWT (three base64url parts,
  the first a JSON header: ``eyJ...``) with ``[JWT redacted]``. Transcripts
  keep token *recipes*, never tokens; this is the last line of defence for a
  token a server echoes back or a check forgot to describe by recipe.
* :func:`printable` escapes C0 and C1 control characters (ESC, CR, BEL, ...),
  DEL, lone surrogates and the other code points XML 1.0 cannot hold, as
  ``\\xNN`` / ``\\uNNNN``, so nothing a server sends moves the cursor, rewrites
  a line, or breaks a report's syntax.
"""

from __future__ import annotations

import re
from collections.abc import Mapping

REDACTED = "[JWT redacted]"

JWT_PATTERN = re.compile(r"eyJ[A-Za-z0-9_-]{2,}\.[A-Za-z0-9_-]*\.[A-Za-z0-9_-]*")
"""A JWS in compact form: base64url of a JSON header (``{"`` encodes as ``eyJ``),
a payload and a signature (empty for ``alg: none``)."""

_UNSAFE = re.compile(
    "[\x00-\x08\x0b\x0c\x0d\x0e-\x1f\x7f-\x9f\ud800-\udfff\ufffe\uffff]"
)
_UNSAFE_LINE = re.compile(
    "[\x00-\x1f\x7f-\x9f\ud800-\udfff\ufffe\uffff]"
)


def _escape(match: re.Match[str]) -> str:
    code = ord(match.group())
    return f"\\x{code:02x}" if code <= 0xFF else f"\\u{code:04x}"


def redact(text: str) -> str:
    """``text`` with every JWT-shaped substring replaced by ``[JWT redacted]``."""
    return JWT_PATTERN.sub(REDACTED, text)


def printable(text: str, *, keep_newlines: bool = False) -> str:
    """``text`` with control characters escaped; tab kept, newline kept when asked."""
    pattern = _UNSAFE if keep_newlines else _UNSAFE_LINE
    out = pattern.sub(_escape, text)
    if not keep_newlines:
        out = out.replace("\t", " ")
    return out


def clean(text: object) -> str:
    """One line safe for a terminal, XML and HTML (after escaping): redacted and printable."""
    return printable(redact(str(text)))


def clean_block(text: object) -> str:
    """Like :func:`clean` but newlines (and tabs) are kept: for multi-line blocks."""
    return printable(redact(str(text)), keep_newlines=True)


JWT_BYTES_PATTERN = re.compile(JWT_PATTERN.pattern.encode("ascii"))
""":data:`JWT_PATTERN` for bytes (a binary frame, a raw payload)."""


def redact_known(text: str, known: Mapping[str, str]) -> str:
    """``text`` with every JWT-shaped substring replaced: by ``known[token]`` when the kit
    minted that token (its recipe, e.g. ``[token valid(sub=alice, ttl=60)]``), by
    ``[JWT redacted]`` otherwise. What transcripts store (issue 9, part 3)."""
    if "eyJ" not in text:
        return text
    return JWT_PATTERN.sub(lambda m: known.get(m.group(), REDACTED), text)


def redact_known_bytes(data: bytes, known: Mapping[str, str]) -> bytes:
    """:func:`redact_known` for bytes: a token inside a binary frame is replaced too."""
    if b"eyJ" not in data:
        return data
    return JWT_BYTES_PATTERN.sub(
        lambda m: known.get(m.group().decode("ascii"), REDACTED).encode("utf-8"), data
    )
