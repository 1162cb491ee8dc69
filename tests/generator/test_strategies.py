"""``onsembl_spec.strategies``: valid draws are valid, mutations are invalid where they say.

The oracle is jsonschema (format checking on) through ``MessageValidator``;
see docs/spec.md VAL-1, VAL-2, VAL-4, VAL-5.
"""

from __future__ import annotations

from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from onsembl_spec import strategies
from onsembl_spec.oracle import oracle
from onsembl_spec.protocol import allowed_types
from onsembl_spec.schemas import bundled
from onsembl_spec.wire import decode_compressed

FAST = settings(max_examples=100, suppress_health_check=list(HealthCheck), deadline=None)


@FAST
@given(strategies.any_message())
def test_any_message_is_valid(message: dict[str, Any]) -> None:
    assert oracle().validate(message) == []


@pytest.mark.parametrize("message_type", bundled().types)
@settings(max_examples=10, suppress_health_check=list(HealthCheck), deadline=None)
@given(data=st.data())
def test_message_of_each_type_is_valid(message_type: str, data: st.DataObject) -> None:
    message = data.draw(strategies.message(message_type))
    assert message["type"] == message_type
    assert oracle().validate(message) == []


@FAST
@given(strategies.message("agent:status", agentId="agent-7", status=st.just("busy")))
def test_fixed_fields_are_kept(message: dict[str, Any]) -> None:
    assert message["agentId"] == "agent-7" and message["status"] == "busy"
    assert oracle().validate(message) == []


@pytest.mark.parametrize("role", ["dashboard", "agent"])
@settings(max_examples=100, suppress_health_check=list(HealthCheck), deadline=None)
@given(data=st.data())
def test_client_message_respects_roles(role: str, data: st.DataObject) -> None:
    """ROLE-1, ROLE-2: only the types the role may send."""
    message = data.draw(strategies.client_message(role))
    assert message["type"] in allowed_types(role)
    assert oracle().validate(message) == []


@FAST
@given(strategies.mutation())
def test_mutation_is_invalid_at_its_field(mutation: strategies.Mutation) -> None:
    """Each mutation is invalid, and its field is the first location the oracle reports."""
    issues = oracle().validate(mutation.message)
    assert issues, mutation
    assert mutation.kind in strategies.MUTATION_KINDS
    assert mutation.field in [i.field for i in issues]
    assert issues[0].field == mutation.field


@settings(max_examples=200, suppress_health_check=list(HealthCheck), deadline=None)
@given(st.data())
def test_every_mutation_kind_is_drawn(data: st.DataObject) -> None:
    """Each kind is reachable (a type offering it exists) and gives an invalid message."""
    kind = data.draw(st.sampled_from(strategies.MUTATION_KINDS))
    message_type = {
        "out-of-range": "command:complete",
        "bad-timestamp": "heartbeat:ping",
        "too-long": "command:request",
    }.get(kind, "agent:status")
    mutation = data.draw(strategies.mutation(message_type, kinds=[kind]))
    assert mutation.kind == kind
    assert oracle().validate(mutation.message)[0].field == mutation.field


def test_unknown_type_is_refused() -> None:
    with pytest.raises(ValueError, match="unknown message type"):
        strategies.message("agent:reboot")
    with pytest.raises(ValueError, match="unknown message type"):
        strategies.mutation("agent:reboot")


@settings(max_examples=50, suppress_health_check=list(HealthCheck), deadline=None)
@given(strategies.message("batch"))
def test_batches_count_their_messages(batch: dict[str, Any]) -> None:
    """BATCH-1: drawn batches are valid beyond their schema too."""
    assert batch["count"] == len(batch["messages"])
    assert oracle().validate(batch) == []


@settings(max_examples=50, suppress_health_check=list(HealthCheck), deadline=None)
@given(strategies.message("compressed"))
def test_compressed_messages_hold_real_gzip_of_a_valid_message(message: dict[str, Any]) -> None:
    """COMP-1: data decodes, sizes and type match, and the inner message is valid."""
    inner = decode_compressed(message, 1 << 20)
    assert inner["type"] == message["originalType"]
    assert oracle().validate(inner) == []
    assert oracle().validate(message) == []


@settings(max_examples=20, suppress_health_check=list(HealthCheck), deadline=None)
@given(strategies.message("batch", count=7), strategies.message("compressed", data="AAAA"))
def test_fixed_wrapper_fields_are_left_alone(
    batch: dict[str, Any], compressed: dict[str, Any]
) -> None:
    assert batch["count"] == 7
    assert compressed["data"] == "AAAA"
