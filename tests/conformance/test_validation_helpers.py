"""The helpers that judge a ``validation:error``: which message it answers, which field is bad."""

from __future__ import annotations

from typing import Any

import pytest

from onsembl_conformance.checks.validation import (
    answered_message,
    expected_request_id,
    field_is_offending,
    wire_defects,
)
from onsembl_spec.wire import encode_compressed

STAMP = "2024-01-01T00:00:00Z"
BAD_STAMP = "2024-02-30T12:00:00Z"


def connect(dashboard_id: str = "d1", **extra: Any) -> dict[str, Any]:
    return {"type": "dashboard:connect", "dashboardId": dashboard_id, "timestamp": STAMP, **extra}


def batch(*messages: Any, **extra: Any) -> dict[str, Any]:
    return {
        "type": "batch",
        "messages": list(messages),
        "count": len(messages),
        "timestamp": STAMP,
        **extra,
    }


# The example that a default run once failed on: the wrapper's requestId was
# expected on the inner message's error (BATCH-4: the inner message is
# answered as if sent alone, and it had no requestId).
FOUND_BY_A_RUN = batch(connect("0", timestamp=BAD_STAMP), requestId="0")


@pytest.mark.parametrize(
    ("sent", "field", "request_id"),
    [
        (FOUND_BY_A_RUN, "messages.0.timestamp", None),
        (batch(connect(timestamp=BAD_STAMP, requestId="in")), "messages.0.timestamp", "in"),
        (batch(connect(), requestId="out", count=2), "count", "out"),
        (batch(7, requestId="out"), "messages.0", None),
        (connect(requestId="top", extra=1), "extra", "top"),
        (connect(requestId="", extra=1), "extra", None),
        (connect(requestId="x" * 129, extra=1), "extra", None),
        (
            encode_compressed(connect(timestamp=BAD_STAMP, requestId="zipped")),
            "data.timestamp",
            "zipped",
        ),
        (
            {**encode_compressed(connect(timestamp=BAD_STAMP)), "requestId": "wrapper"},
            "data.timestamp",
            None,
        ),
        (
            {**encode_compressed(connect()), "requestId": "w", "compressedSize": 1},
            "compressedSize",
            "w",
        ),
        (
            batch(encode_compressed(connect(timestamp=BAD_STAMP, requestId="deep")), requestId="o"),
            "messages.0.data.timestamp",
            "deep",
        ),
        ("not an object", None, None),
    ],
)
def test_the_request_id_to_echo_is_the_answered_messages(
    sent: Any, field: str | None, request_id: str | None
) -> None:
    assert expected_request_id(sent, field) == request_id


def test_an_index_past_the_batch_answers_the_wrapper() -> None:
    sent = batch(connect(), requestId="out")
    assert answered_message(sent, "messages.5.timestamp") is sent


def test_the_reported_field_must_be_really_invalid() -> None:
    assert field_is_offending(FOUND_BY_A_RUN, "messages.0.timestamp")
    assert field_is_offending(FOUND_BY_A_RUN, "messages.0")  # an enclosing location (VAL-6)
    assert not field_is_offending(FOUND_BY_A_RUN, "messages.0.dashboardId")
    assert not field_is_offending(FOUND_BY_A_RUN, "count")
    assert field_is_offending("[1]", None)


def test_wire_defects_the_schemas_cannot_see() -> None:
    assert wire_defects(batch(connect(), count=2)) == {"count"}
    broken = {**encode_compressed(connect()), "originalSize": 3}
    assert wire_defects(batch(broken)) == {"messages.0.originalSize"}
    assert wire_defects(batch(connect())) == set()
