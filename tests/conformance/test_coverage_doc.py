"""docs/coverage.md is generated from the registered checks and kept up to date; README agrees."""

from __future__ import annotations

import re
from pathlib import Path

from onsembl_conformance.coverage import coverage_counts, render_coverage
from onsembl_conformance.registry import all_checks
from onsembl_spec.spec import requirements

ROOT = Path(__file__).resolve().parents[2]


def test_coverage_doc_is_up_to_date() -> None:
    assert (ROOT / "docs" / "coverage.md").read_text() == render_coverage(), (
        "regenerate: onsembl generate"
    )


def test_readme_states_the_coverage() -> None:
    done, total, _, _ = coverage_counts()
    readme = (ROOT / "README.md").read_text()
    assert f"{done} of the {total} server requirements" in readme, (
        f"README's onsembl check section must say: {done} of the {total} server requirements"
    )


def test_every_check_names_known_requirements() -> None:
    known = requirements()
    checks = all_checks()
    assert len(checks) >= 80
    for spec in checks:
        assert spec.requirement_ids and all(r in known for r in spec.requirement_ids)
        assert spec.doc.strip(), spec.name
        assert re.fullmatch(r"[a-z0-9_]+", spec.name)
