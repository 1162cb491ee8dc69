"""``onsembl_spec.wire``: the codec of ``compressed`` and ``batch`` (COMP-1..COMP-5, BATCH-1)."""

from __future__ import annotations

import base64
import gzip
import tracemalloc

import pytest

from onsembl_spec.errors import InflateLimitError, WireError
from onsembl_spec.validation import validate
from onsembl_spec.wire import (
    check_batch_count,
    decode_compressed,
    encode_batch,
    encode_compressed,
    inflate_gzip,
)

PING = {"type": "heartbeat:ping", "timestamp": "2024-01-01T00:00:00Z"}


def test_round_trip_and_valid() -> None:
    """COMP-1: sizes are byte lengths; the result is a valid message."""
    wrapped = encode_compressed({**PING, "requestId": "é"})
    assert validate(wrapped) == []
    assert wrapped["originalSize"] == len(
        b'{"type":"heartbeat:ping","timestamp":"2024-01-01T00:00:00Z","requestId":"\xc3\xa9"}'
    )
    assert decode_compressed(wrapped, 1 << 20) == {**PING, "requestId": "é"}


def test_document_example_decodes() -> None:
    """COMP-1: the schema's own example is a real gzip stream."""
    example = {
        "type": "compressed",
        "algorithm": "gzip",
        "originalType": "heartbeat:ping",
        "originalSize": 60,
        "compressedSize": 76,
        "data": (
            "H4sIAAAAAAACA6tWKqksSFWyUspITSwqSUpNLLEqyMxLV9JRKsnMTS0uScwtAEoaGRiZ6BoYAlGIoZGVgQEQ"
            "RSnVAgAeZL71PAAAAA=="
        ),
        "timestamp": "2024-01-01T12:00:00Z",
    }
    assert decode_compressed(example, 1 << 20)["type"] == "heartbeat:ping"


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"data": "***"}, "data"),
        ({"compressedSize": 5}, "compressedSize"),
        ({"originalSize": 5}, "originalSize"),
        ({"originalType": "agent:list"}, "originalType"),
    ],
)
def test_mismatches_name_their_field(change: dict, field: str) -> None:
    """COMP-2."""
    with pytest.raises(WireError) as info:
        decode_compressed({**encode_compressed(PING), **change}, 1 << 20)
    assert info.value.field == field


def test_nested_compressed_is_data_type() -> None:
    """COMP-5."""
    inner = encode_compressed(PING)
    outer = {**encode_compressed(inner), "originalType": "heartbeat:ping"}
    with pytest.raises(WireError) as info:
        decode_compressed(outer, 1 << 20)
    assert info.value.field == "data.type"


def test_trailing_bytes_and_truncation_are_data_errors() -> None:
    stream = gzip.compress(b'{"a":1}')
    for bad in (stream + b"junk", stream[:-4], stream + stream):
        with pytest.raises(WireError) as info:
            inflate_gzip(bad, 1 << 20)
        assert info.value.field == "data"


def test_gzip_bomb_stops_at_the_limit_without_memory() -> None:
    """COMP-4: 64 MB of zeros inflate no further than the limit."""
    bomb = gzip.compress(b"\0" * (64 * 1024 * 1024), compresslevel=9)
    message = {
        "type": "compressed",
        "algorithm": "gzip",
        "originalType": "heartbeat:ping",
        "originalSize": 64 * 1024 * 1024,
        "compressedSize": len(bomb),
        "data": base64.b64encode(bomb).decode(),
        "timestamp": "2024-01-01T00:00:00Z",
    }
    tracemalloc.start()
    try:
        with pytest.raises(InflateLimitError):
            decode_compressed(message, 1 << 20)
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert peak < 8 * 1024 * 1024


def test_batch_count() -> None:
    """BATCH-1."""
    batch = encode_batch([PING, PING])
    check_batch_count(batch)
    assert validate(batch) == []
    with pytest.raises(WireError) as info:
        check_batch_count({**batch, "count": 3})
    assert info.value.field == "count"
    with pytest.raises(ValueError):
        encode_batch([])
