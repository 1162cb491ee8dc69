"""Differential tests: the generated validators against jsonschema (the oracle).

Same verdict as jsonschema with format checking on (VAL-1, VAL-5) on every
vector of the project and on hypothesis-generated valid and mutated messages
(10,000 or more per run in total); where both reject, the generated ``field``
is the oracle's first field in VAL-4 order, a location the oracle itself
reports (VAL-2, VAL-4).
"""

from __future__ import annotations

import copy
import subprocess
import sys
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from jsonschema import Draft202012Validator

from onsembl_spec import strategies
from onsembl_spec._generated import validators as generated
from onsembl_spec.oracle import oracle
from onsembl_spec.validation import Issue, check, check_batch_wrapper, validate

VALID_EXAMPLES = 5_000
MUTATED_EXAMPLES = 5_000
PER_EXAMPLE = 10
"""Messages drawn per hypothesis example (drawing inside an example is cheaper)."""
DRAWN = {"valid": 0, "mutated": 0}
DIFFERENTIAL = settings(suppress_health_check=list(HealthCheck), deadline=None, database=None)
T = "2024-01-01T12:00:00Z"


def _agree(message: Any, union: Draft202012Validator) -> None:
    """Assert the generated verdict and field against the oracle for one message."""
    ours = check(message)
    theirs = oracle().validate(message)
    assert (ours is None) == union.is_valid(message), (message, ours)
    assert (ours is None) == (theirs == []), (message, ours, theirs)
    if ours is not None:
        assert ours.field == theirs[0].field, (message, ours, theirs[0])
        assert ours.field in {i.field for i in theirs}
        assert ours == validate(message)[0]
    assert _fields(validate(message)) == _fields(theirs), message


def _fields(issues: list[Issue]) -> list[str | None]:
    """The distinct fields of ``issues`` in order (VAL-4 order for both validators)."""
    seen: list[str | None] = []
    for issue in issues:
        if issue.field not in seen:
            seen.append(issue.field)
    return seen


def test_vector_verdict_and_field_match_the_oracle(
    vector: tuple[str, Any], union_validator: Draft202012Validator
) -> None:
    _agree(vector[1], union_validator)


@settings(DIFFERENTIAL, max_examples=VALID_EXAMPLES // PER_EXAMPLE)
@given(st.lists(strategies.any_message(), min_size=PER_EXAMPLE, max_size=PER_EXAMPLE))
def test_valid_messages_are_valid(messages: list[dict[str, Any]]) -> None:
    """Valid by construction (the strategies' own tests check that against jsonschema)."""
    for message in messages:
        assert generated.check(message) is None, message
        assert generated.issues(message) == []
    DRAWN["valid"] += len(messages)


@settings(DIFFERENTIAL, max_examples=VALID_EXAMPLES // PER_EXAMPLE // 10)
@given(st.lists(strategies.any_message(), min_size=PER_EXAMPLE, max_size=PER_EXAMPLE))
def test_valid_messages_are_valid_for_the_oracle_too(messages: list[dict[str, Any]]) -> None:
    for message in messages:
        assert check(message) is None
        assert oracle().validate(message) == []


@settings(DIFFERENTIAL, max_examples=MUTATED_EXAMPLES // PER_EXAMPLE)
@given(st.lists(strategies.mutation(), min_size=PER_EXAMPLE, max_size=PER_EXAMPLE))
def test_mutated_messages_match_the_oracle(mutations: list[strategies.Mutation]) -> None:
    for mutation in mutations:
        ours = check(mutation.message)
        theirs = oracle().validate(mutation.message)
        assert ours is not None and theirs, mutation
        assert ours.field == theirs[0].field == mutation.field, (mutation, ours, theirs[0])
        assert _fields(validate(mutation.message)) == _fields(theirs), mutation
    DRAWN["mutated"] += len(mutations)


def test_at_least_10000_generated_messages_were_compared() -> None:
    """Runs after the two tests above (file order): 10,000 or more messages in total."""
    if DRAWN["valid"] == 0 or DRAWN["mutated"] == 0:
        pytest.skip("run together with the differential tests above")
    assert DRAWN["valid"] + DRAWN["mutated"] >= 10_000, DRAWN


@settings(DIFFERENTIAL, max_examples=150)
@given(strategies.mutation("batch"))
def test_batch_wrapper_ignores_inner_messages(mutation: strategies.Mutation) -> None:
    """BATCH-2: the wrapper check sees only the batch's own fields."""
    ours = check_batch_wrapper(mutation.message)
    theirs = oracle().check_batch_wrapper(mutation.message)
    assert (ours is None) == (theirs is None), (mutation, ours, theirs)
    if ours is not None and theirs is not None:
        assert ours.field == theirs.field
    inner = mutation.field is not None and mutation.field.startswith("messages.")
    if inner and mutation.kind != "too-long":
        assert ours is None


EDGES: list[tuple[str, Any]] = [
    ("integer as float 1.0", {"type": "command:complete", "commandId": "c", "agentId": "a",
                              "exitCode": 1.0, "duration": 0.0, "timestamp": T}),
    ("boolean is not an integer", {"type": "command:complete", "commandId": "c", "agentId": "a",
                                   "exitCode": True, "duration": 0, "timestamp": T}),
    ("huge integer", {"type": "command:complete", "commandId": "c", "agentId": "a",
                      "exitCode": 10**40, "duration": 0, "timestamp": T}),
    ("float with fraction", {"type": "command:complete", "commandId": "c", "agentId": "a",
                             "exitCode": 1.5, "duration": 0, "timestamp": T}),
    ("leap second", {"type": "heartbeat:ping", "timestamp": "2016-12-31T23:59:60Z"}),
    ("year zero", {"type": "heartbeat:ping", "timestamp": "0000-01-01T00:00:00Z"}),
    ("29 February leap", {"type": "heartbeat:ping", "timestamp": "2024-02-29T00:00:00Z"}),
    ("29 February not leap", {"type": "heartbeat:ping", "timestamp": "2023-02-29T00:00:00Z"}),
    ("trailing newline", {"type": "heartbeat:ping", "timestamp": T + "\n"}),
    ("lowercase t and z", {"type": "heartbeat:ping", "timestamp": "2024-01-01t12:00:00z"}),
    ("unicode digits", {"type": "heartbeat:ping", "timestamp": "２０２４-01-01T12:00:00Z"}),
    ("offset 23:59", {"type": "heartbeat:ping", "timestamp": "2024-01-01T12:00:00+23:59"}),
    ("identifier newline", {"type": "terminal:clear", "agentId": "a\n", "timestamp": T}),
    ("percent as float", {"type": "agent:status", "agentId": "a", "status": "busy",
                          "metrics": {"cpuUsage": 99.5, "memoryUsage": 100}, "timestamp": T}),
    ("percent as bool", {"type": "agent:status", "agentId": "a", "status": "busy",
                         "metrics": {"cpuUsage": False}, "timestamp": T}),
    ("empty rate limits", {"type": "connection:error", "error": "x", "code": "RATE_LIMIT",
                           "limits": {}, "timestamp": T}),
    ("compressed of compressed", {"type": "compressed", "algorithm": "gzip",
                                  "originalType": "compressed", "originalSize": 1,
                                  "compressedSize": 1, "data": "x", "timestamp": T}),
    ("batch in batch", {"type": "batch", "count": 1, "timestamp": T, "messages": [
        {"type": "batch", "count": 1, "timestamp": T, "messages": [
            {"type": "heartbeat:ping", "timestamp": T}]}]}),
    ("batch item not an object", {"type": "batch", "count": 1, "timestamp": T,
                                  "messages": [3]}),
    ("batch item of unknown type", {"type": "batch", "count": 1, "timestamp": T,
                                    "messages": [{"type": ["x"]}]}),
    ("unhashable type", {"type": {"a": 1}}),
    ("type null", {"type": None}),
    ("list, not object", [{"type": "heartbeat:ping", "timestamp": T}]),
    ("non-string keys from Python", {"type": "heartbeat:ping", "timestamp": T, 1: 2, None: 3}),
    ("empty key", {"type": "heartbeat:ping", "timestamp": T, "": 1}),
    ("str subclass", {"type": "heartbeat:ping", "timestamp": type("S", (str,), {})(T)}),
]  # fmt: skip


@pytest.mark.parametrize(("name", "message"), EDGES, ids=[n for n, _ in EDGES])
def test_edge_cases_match_the_oracle(
    name: str, message: Any, union_validator: Draft202012Validator
) -> None:
    _agree(message, union_validator)


def test_integer_as_float_is_valid() -> None:
    """JSON Schema: 1.0 is an integer; True is not (JSON booleans are not numbers)."""
    assert check(EDGES[0][1]) is None
    found = check(EDGES[1][1])
    assert found is not None and found.field == "exitCode"


def test_validation_does_not_change_the_message() -> None:
    message = {"type": "agent:list", "agents": [{"agentId": "a"}], "timestamp": T}
    before = copy.deepcopy(message)
    validate(message)
    check(message)
    assert message == before


def test_runtime_validation_does_not_load_jsonschema() -> None:
    """The generated code is plain Python: validating loads no jsonschema module."""
    code = (
        "import sys, onsembl_spec\n"
        "from onsembl_spec.validation import check, validate_text\n"
        "assert check({'type': 'heartbeat:ping', 'timestamp': '2024-01-01T12:00:00Z'}) is None\n"
        "assert validate_text('{\"type\": \"agent:list\"}')[1]\n"
        "print(sorted(m for m in sys.modules if m.split('.')[0] == 'jsonschema'))\n"
    )
    result = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, timeout=120, check=False
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "[]"


def test_deep_batch_nesting_is_an_issue_not_a_crash() -> None:
    message: dict[str, Any] = {"type": "heartbeat:ping", "timestamp": T}
    for _ in range(3000):
        message = {"type": "batch", "count": 1, "timestamp": T, "messages": [message]}
    first = check(message)
    assert first is not None and first.field == "messages.0.type"
    issues = validate(message)
    assert issues and all(isinstance(i.message, str) for i in issues)
