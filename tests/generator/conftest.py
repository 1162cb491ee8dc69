"""Shared fixtures of the generator tests: the project's vectors and the oracle."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from jsonschema import Draft202012Validator

from onsembl_spec.schemas import bundled

ROOT = Path(__file__).resolve().parents[2]
VECTORS = ROOT / "tests" / "vectors"


def project_vectors() -> list[tuple[str, Any]]:
    """(name, message) of every vector of the project: schema examples and tests/vectors."""
    out: list[tuple[str, Any]] = []
    for message_type, schema in bundled().by_type.items():
        for index, example in enumerate(schema.get("examples", [])):
            out.append((f"example {message_type}#{index}", example))
    for path in sorted(VECTORS.glob("*.json")):
        for index, vector in enumerate(json.loads(path.read_text(encoding="utf-8"))):
            name = vector.get("name", index) if isinstance(vector, dict) else index
            message = vector.get("message") if isinstance(vector, dict) else vector
            out.append((f"{path.stem}: {name}", message))
    return out


@pytest.fixture(scope="session")
def union_validator() -> Draft202012Validator:
    """jsonschema on the union schema, format checking on: the verdict oracle."""
    schemas = bundled()
    return Draft202012Validator(
        schemas.union,
        registry=schemas.registry,
        format_checker=Draft202012Validator.FORMAT_CHECKER,
    )


def pytest_generate_tests(metafunc: pytest.Metafunc) -> None:
    """Parametrize tests that take ``vector`` with every project vector."""
    if "vector" in metafunc.fixturenames:
        vectors = project_vectors()
        metafunc.parametrize("vector", vectors, ids=[name for name, _ in vectors])
