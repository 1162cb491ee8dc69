"""The protocol's wrappers on the wire: ``compressed`` and ``batch`` (R10).

Shared by the reference server and the conformance suite; it knows message
shapes only, nothing of sessions or servers.

- :func:`encode_compressed` builds a ``compressed`` message (COMP-1).
- :func:`decode_compressed` checks and inflates one, stopping at a byte limit
  so that a gzip bomb costs no memory (COMP-2, COMP-4, COMP-5); an
  :class:`InflateBudget` shares that limit among every ``compressed`` message
  of one frame (COMP-6).
- :func:`encode_batch` and :func:`check_batch_count` serve BATCH-1.
"""

from __future__ import annotations

import base64
import binascii
import gzip
import json
import zlib
from collections.abc import Mapping, Sequence
from datetime import UTC, datetime
from typing import Any

from onsembl_spec.errors import InflateLimitError, WireError
from onsembl_spec.validation import parse_json

GZIP_WBITS = 16 + zlib.MAX_WBITS
"""``wbits`` that makes zlib read exactly one gzip member (RFC 1952)."""

BATCH_MAX = 100
"""Most messages a batch may hold (R10)."""


def now_timestamp() -> str:
    """The current UTC time as an RFC 3339 date-time with milliseconds and ``Z``."""
    return datetime.now(UTC).isoformat(timespec="milliseconds").replace("+00:00", "Z")


def message_text(message: Mapping[str, Any]) -> str:
    """The compact JSON text of a message, as sent on the wire."""
    return json.dumps(message, ensure_ascii=False, separators=(",", ":"))


def encode_compressed(
    message: Mapping[str, Any], *, timestamp: str | None = None
) -> dict[str, Any]:
    """Wrap ``message`` in a ``compressed`` message (COMP-1).

    ``data`` is standard base64 (with padding) of a gzip stream of the UTF-8
    JSON text; the sizes are the byte lengths of the stream and of the text.
    """
    original = message_text(message).encode("utf-8")
    stream = gzip.compress(original, mtime=0)
    return {
        "type": "compressed",
        "algorithm": "gzip",
        "originalType": message.get("type"),
        "originalSize": len(original),
        "compressedSize": len(stream),
        "data": base64.b64encode(stream).decode("ascii"),
        "timestamp": timestamp or now_timestamp(),
    }


class InflateBudget:
    """The bytes the ``compressed`` messages of one frame may still inflate to (COMP-6).

    One budget per frame, of ``max_message_bytes``: each message inflated is
    charged its length, so a ``batch`` of 100 ``compressed`` messages costs at
    most what one of them may cost alone (COMP-4), not 100 times that.
    """

    __slots__ = ("closed", "limit", "remaining")

    def __init__(self, limit: int) -> None:
        self.limit = limit
        self.remaining = limit
        self.closed = False
        """Set by a caller that met :class:`InflateLimitError` (the connection closes)."""

    def charge(self, size: int) -> None:
        """Take ``size`` inflated bytes from the budget (never below zero)."""
        self.remaining = max(0, self.remaining - size)


def inflate_gzip(stream: bytes, max_bytes: int) -> bytes:
    """Inflate one gzip member, never producing more than ``max_bytes + 1`` bytes.

    Raises :class:`InflateLimitError` when the content is longer than
    ``max_bytes`` (COMP-4, COMP-6) and :class:`WireError` (field ``data``) when
    the stream is not one complete, well-formed gzip member.
    """
    inflater = zlib.decompressobj(GZIP_WBITS)
    try:
        content = inflater.decompress(stream, max_bytes + 1)
    except zlib.error as err:
        raise WireError("data", f"data is not a gzip stream: {err}") from None
    if len(content) > max_bytes:
        raise InflateLimitError(f"compressed data inflates past {max_bytes} bytes")
    if not inflater.eof:
        raise WireError("data", "data is a truncated gzip stream")
    if inflater.unused_data:
        raise WireError("data", "data has bytes after the gzip stream")
    return content


def decode_compressed(
    message: Mapping[str, Any], max_bytes: int, budget: InflateBudget | None = None
) -> Any:
    """Check a schema-valid ``compressed`` message and return the message it holds.

    Checks, in order (COMP-2): ``data`` is base64 (field ``data``), its length
    is ``compressedSize``, it inflates (bounded by ``max_bytes``, COMP-4:
    :class:`InflateLimitError`) to ``originalSize`` bytes of UTF-8 JSON
    (``data``), and the decoded message is not itself ``compressed``
    (``data.type``, COMP-5) and has the type ``originalType`` names.

    ``budget``, shared by the ``compressed`` messages of one frame, lowers the
    bound to what the frame has left and is charged the inflated length
    (COMP-6): past it, :class:`InflateLimitError` as for COMP-4, and inflation
    stops there.

    Returns the decoded JSON value, which the caller still has to validate
    (COMP-3). Raises :class:`WireError` with the offending field otherwise.
    """
    encoded = message.get("data")
    if not isinstance(encoded, str):
        raise WireError("data", "data must be a base64 string")
    try:
        stream = base64.b64decode(encoded.encode("ascii"), validate=True)
    except (binascii.Error, UnicodeEncodeError):
        raise WireError("data", "data is not standard base64") from None
    if len(stream) != message.get("compressedSize"):
        raise WireError(
            "compressedSize",
            f"compressedSize is {message.get('compressedSize')}, "
            f"the gzip stream has {len(stream)} bytes",
        )
    if budget is None:
        content = inflate_gzip(stream, max_bytes)
    else:
        limit = min(max_bytes, budget.remaining)
        try:
            content = inflate_gzip(stream, limit)
        except InflateLimitError:
            if limit < max_bytes:
                raise InflateLimitError(
                    f"the compressed messages of one frame inflate past {budget.limit} bytes"
                ) from None
            raise
        budget.charge(len(content))
    if len(content) != message.get("originalSize"):
        raise WireError(
            "originalSize",
            f"originalSize is {message.get('originalSize')}, "
            f"the JSON text has {len(content)} bytes",
        )
    try:
        text = content.decode("utf-8")
    except UnicodeDecodeError:
        raise WireError("data", "data does not inflate to UTF-8 text") from None
    try:
        decoded = parse_json(text)
    except ValueError as err:
        raise WireError("data", f"data does not inflate to JSON: {err}") from None
    if isinstance(decoded, dict):
        inner_type = decoded.get("type")
        if inner_type == "compressed":
            raise WireError("data.type", "a compressed message cannot contain a compressed one")
        if isinstance(inner_type, str) and inner_type != message.get("originalType"):
            raise WireError(
                "originalType",
                f"originalType is {message.get('originalType')!r}, the data holds {inner_type!r}",
            )
    return decoded


def encode_batch(messages: Sequence[Any], *, timestamp: str | None = None) -> dict[str, Any]:
    """A ``batch`` of ``messages`` (1 to 100), with the right ``count`` (BATCH-1).

    The messages are not checked: a test may batch invalid ones on purpose.
    """
    if not 1 <= len(messages) <= BATCH_MAX:
        raise ValueError(f"a batch holds 1 to {BATCH_MAX} messages, not {len(messages)}")
    return {
        "type": "batch",
        "messages": list(messages),
        "count": len(messages),
        "timestamp": timestamp or now_timestamp(),
    }


def check_batch_count(message: Mapping[str, Any]) -> None:
    """Raise :class:`WireError` (field ``count``) when ``count`` is not the number of messages.

    Call it on a batch whose own fields are schema-valid (BATCH-2 first).
    """
    messages = message.get("messages")
    count = message.get("count")
    if not isinstance(messages, list) or count != len(messages):
        held = len(messages) if isinstance(messages, list) else 0
        raise WireError("count", f"count is {count}, the batch holds {held} messages")


__all__ = [
    "BATCH_MAX",
    "GZIP_WBITS",
    "InflateBudget",
    "check_batch_count",
    "decode_compressed",
    "encode_batch",
    "encode_compressed",
    "inflate_gzip",
    "message_text",
    "now_timestamp",
]
