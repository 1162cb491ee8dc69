"""Messages validated per second: generated validators vs jsonschema, fastjsonschema, jsonschema-rs.

Run from the repository root (not part of the test run)::

    .venv/bin/python benchmarks/bench_validators.py [--seconds 1.0] [--rounds 5]

One fixed corpus covers all 26 message types: every schema example (valid)
and, from each, four invalid variants (a required field dropped, a field of
the wrong JSON type, an undocumented field, an impossible timestamp). Every
validator is built once, outside the timing, and measured in the same run
over the same corpus; the table gives the best round of each and its ratio to
jsonschema (format checking on everywhere). Verdicts are compared too: a
validator that disagrees with jsonschema on some message is flagged.
"""

from __future__ import annotations

import argparse
import copy
import platform
import sys
import time
from collections.abc import Callable
from typing import Any

import fastjsonschema
import jsonschema_rs
from jsonschema import Draft202012Validator

from onsembl_spec._generated import validators as generated
from onsembl_spec.schemas import bundled

Verdict = Callable[[Any], bool]


def corpus() -> list[Any]:
    """The fixed corpus: schema examples of every type, and four invalid variants of each."""
    schemas = bundled()
    messages: list[Any] = []
    for schema in schemas.by_type.values():
        required = [name for name in schema["required"] if name != "type"]
        for example in schema["examples"]:
            messages.append(example)
            dropped = copy.deepcopy(example)
            dropped.pop(required[-1], None)
            messages.append(dropped)
            wrong = copy.deepcopy(example)
            wrong[required[0]] = 12345 if isinstance(wrong.get(required[0]), str) else "x"
            messages.append(wrong)
            extra = copy.deepcopy(example)
            extra["undocumented"] = True
            messages.append(extra)
            late = copy.deepcopy(example)
            late["timestamp"] = "2024-02-30T12:00:00Z"
            messages.append(late)
    return messages


def build_validators() -> dict[str, Verdict]:
    """Each validator, compiled once, as a function message -> valid?"""
    schemas = bundled()
    by_id = {doc["$id"]: doc for doc in schemas.all_documents()}

    oracle = Draft202012Validator(
        schemas.union,
        registry=schemas.registry,
        format_checker=Draft202012Validator.FORMAT_CHECKER,
    )

    fast = fastjsonschema.compile(
        schemas.union, handlers={"https": lambda uri: by_id[uri]}, use_formats=True
    )

    def fast_valid(message: Any) -> bool:
        try:
            fast(message)
        except fastjsonschema.JsonSchemaException:
            return False
        return True

    rust = jsonschema_rs.validator_for(
        schemas.union,
        registry=jsonschema_rs.Registry(list(by_id.items())),
        validate_formats=True,
    )

    def generated_valid(message: Any) -> bool:
        return generated.check(message) is None

    # The same libraries given the best chance: dispatch on `type` in Python,
    # then one validator compiled per message type (no 26-branch union).
    per_type_fast = {
        t: fastjsonschema.compile(s, handlers={"https": lambda uri: by_id[uri]}, use_formats=True)
        for t, s in schemas.by_type.items()
    }
    per_type_rust = {
        t: jsonschema_rs.validator_for(
            s, registry=jsonschema_rs.Registry(list(by_id.items())), validate_formats=True
        )
        for t, s in schemas.by_type.items()
    }
    per_type_oracle = {
        t: Draft202012Validator(
            s, registry=schemas.registry, format_checker=Draft202012Validator.FORMAT_CHECKER
        )
        for t, s in schemas.by_type.items()
    }

    def dispatch(table: dict[str, Verdict]) -> Verdict:
        def valid(message: Any) -> bool:
            kind = message.get("type") if isinstance(message, dict) else None
            check = table.get(kind) if isinstance(kind, str) else None
            return check is not None and check(message)

        return valid

    def raising(compiled: Callable[[Any], Any]) -> Verdict:
        def valid(message: Any) -> bool:
            try:
                compiled(message)
            except fastjsonschema.JsonSchemaException:
                return False
            return True

        return valid

    return {
        "generated (onsembl_spec)": generated_valid,
        "jsonschema": oracle.is_valid,
        "jsonschema, per type": dispatch({t: v.is_valid for t, v in per_type_oracle.items()}),
        "fastjsonschema": fast_valid,
        "fastjsonschema, per type": dispatch({t: raising(f) for t, f in per_type_fast.items()}),
        "jsonschema-rs": rust.is_valid,
        "jsonschema-rs, per type": dispatch({t: v.is_valid for t, v in per_type_rust.items()}),
    }


def measure_once(verdict: Verdict, messages: list[Any], seconds: float) -> float:
    """Messages per second over whole passes of ``messages`` lasting about ``seconds``."""
    count = 0
    start = time.perf_counter()
    deadline = start + seconds
    while True:
        for message in messages:
            verdict(message)
        count += len(messages)
        now = time.perf_counter()
        if now >= deadline:
            return count / (now - start)


def measure_all(
    validators: dict[str, Verdict], messages: list[Any], seconds: float, rounds: int
) -> dict[str, float]:
    """Best rate of each validator; rounds interleave the validators so load hits all alike."""
    best = dict.fromkeys(validators, 0.0)
    for _ in range(rounds):
        for name, verdict in validators.items():
            best[name] = max(best[name], measure_once(verdict, messages, seconds))
    return best


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seconds", type=float, default=1.0, help="length of one round")
    parser.add_argument("--rounds", type=int, default=5, help="rounds per validator (best kept)")
    args = parser.parse_args(argv)
    messages = corpus()
    validators = build_validators()
    reference = validators["jsonschema"]
    expected = [reference(m) for m in messages]
    valid = sum(expected)
    types = {m["type"] for m in messages}
    print(
        f"corpus: {len(messages)} messages ({valid} valid, {len(messages) - valid} invalid), "
        f"{len(types)} types; Python {platform.python_version()} on {platform.machine()}"
    )
    valid_only = [m for m, e in zip(messages, expected, strict=True) if e]
    invalid_only = [m for m, e in zip(messages, expected, strict=True) if not e]
    rates = measure_all(validators, messages, args.seconds, args.rounds)
    rates_valid = measure_all(validators, valid_only, args.seconds / 2, args.rounds)
    rates_invalid = measure_all(validators, invalid_only, args.seconds / 2, args.rounds)
    base = rates["jsonschema"]
    print()
    print(
        "| validator | messages/s (corpus) | ratio to jsonschema | valid only/s "
        "| invalid only/s | verdicts as jsonschema |"
    )
    print("|---|---:|---:|---:|---:|---|")
    for name, verdict in validators.items():
        disagreements = sum(verdict(m) != e for m, e in zip(messages, expected, strict=True))
        agreement = "all" if not disagreements else f"{disagreements} differ"
        print(
            f"| {name} | {rates[name]:,.0f} | {rates[name] / base:.1f}x "
            f"| {rates_valid[name]:,.0f} | {rates_invalid[name]:,.0f} | {agreement} |"
        )
    ours = rates["generated (onsembl_spec)"]
    print()
    fastest_fast = max(rates["fastjsonschema"], rates["fastjsonschema, per type"])
    print(
        f"generated / jsonschema = {ours / base:.1f}x (target >= 50x); "
        f"generated / best fastjsonschema = {ours / fastest_fast:.2f}x (target > 1x)"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
